/* errlist.h - a list of user-facing problems {path, code, message}, collected instead of
 * stopping at the first. Paths are JSON Pointers ("/items/0/hs"); codes are stable
 * snake_case identifiers that clients may rely on. */
#ifndef SW_ERRLIST_H
#define SW_ERRLIST_H
#include <stddef.h>

#define ERRLIST_MAX 200 /* beyond this, problems are counted but not kept */

struct problem {
  char path[128];
  char code[48];
  char message[256];
};

struct errlist {
  struct problem items[ERRLIST_MAX];
  size_t n;       /* problems kept */
  size_t dropped; /* problems past ERRLIST_MAX */
};

void errlist_init(struct errlist *e);
/* Appends a problem; message is printf-formatted. Silently counts past ERRLIST_MAX. */
void errlist_add(struct errlist *e, const char *path, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* True when at least one problem was added. */
int errlist_any(const struct errlist *e);
/* True when a problem with this code exists (for tests and callers that branch). */
int errlist_has(const struct errlist *e, const char *code);

#endif
