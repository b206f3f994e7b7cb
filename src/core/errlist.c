#include "errlist.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void errlist_init(struct errlist *e) {
  e->n = 0;
  e->dropped = 0;
}

void errlist_add(struct errlist *e, const char *path, const char *code, const char *fmt, ...) {
  if (e->n >= ERRLIST_MAX) {
    e->dropped++;
    return;
  }
  struct problem *p = &e->items[e->n++];
  snprintf(p->path, sizeof p->path, "%s", path ? path : "");
  snprintf(p->code, sizeof p->code, "%s", code);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->message, sizeof p->message, fmt, ap);
  va_end(ap);
}

int errlist_any(const struct errlist *e) { return e->n > 0 || e->dropped > 0; }

int errlist_has(const struct errlist *e, const char *code) {
  for (size_t i = 0; i < e->n; i++)
    if (strcmp(e->items[i].code, code) == 0) return 1;
  return 0;
}
