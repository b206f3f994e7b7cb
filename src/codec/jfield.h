/* jfield.h - reading the fields of a JSON object into arena memory, every problem
 * collected with its JSON Pointer path (for the smaller JSON documents: permits,
 * requirement rules). Codes: required, bad_type, too_long, bad_format, bad_decimal,
 * too_many, unknown_field. */
#ifndef SW_JFIELD_H
#define SW_JFIELD_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct errlist;

struct jf {
  struct arena *a;
  struct errlist *errs;
  char base[96]; /* path prefix of the object being read, "" at the top */
  int oom;       /* set when the arena ran out */
};

/* A string member, trimmed, optionally upper-cased; NULL when absent (a problem when
 * required) or invalid. max counts bytes. */
char *jf_str(struct jf *f, const json_t *obj, const char *key, size_t max, bool required,
             bool upper);
/* A decimal member (string or integer) at scale; false when absent or invalid. Zero and
 * negative values are refused when positive is true. */
bool jf_decimal(struct jf *f, const json_t *obj, const char *key, int scale, bool positive,
                int64_t *out);
/* An integer member within [lo, hi]; false when absent or invalid. */
bool jf_int(struct jf *f, const json_t *obj, const char *key, int64_t lo, int64_t hi,
            int64_t *out);
/* A boolean member; dflt when absent. */
bool jf_bool(struct jf *f, const json_t *obj, const char *key, bool dflt);
/* An array of strings (each at most max_len, upper-cased if asked) of at most max_items;
 * *n = 0 when absent. */
char **jf_str_list(struct jf *f, const json_t *obj, const char *key, size_t max_items,
                   size_t max_len, bool upper, size_t *n);
/* Adds unknown_field for every member not in the NULL-terminated allowed list. */
void jf_only(struct jf *f, const json_t *obj, const char *const *allowed);
/* Adds a problem at base + rel. */
void jf_problem(struct jf *f, const char *rel, const char *code, const char *message);

#endif
