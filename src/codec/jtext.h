/* jtext.h - a growing text buffer (jt_put, jt_cstr, jt_finish), and JSON values written
 * into it byte for byte as jansson's json_dumps(..., JSON_COMPACT) writes them: strings
 * and integers for hot paths that would otherwise build a tree only to dump it, and whole
 * jansson values (jt_json), with or without JSON_ENSURE_ASCII. */
#ifndef SW_JTEXT_H
#define SW_JTEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct jtext {
  char *p; /* NUL-terminated once anything is written; malloc'd, the caller frees it */
  size_t n, cap;
  bool fail; /* out of memory, or a string that is not UTF-8: p must be discarded */
};

/* Appends n raw bytes. */
void jt_put(struct jtext *b, const char *s, size_t n);
/* Appends a C string as raw bytes. */
void jt_cstr(struct jtext *b, const char *s);
/* Appends str as a JSON string literal, escaped as jansson escapes it; sets fail when str
 * is not valid UTF-8. */
void jt_str(struct jtext *b, const char *str);
/* Length of the UTF-8 sequence at s, of which avail bytes may be read, as jansson accepts
 * it (no overlongs, no surrogates, nothing above U+10FFFF); 0 when invalid. */
size_t jt_utf8_seq(const unsigned char *s, size_t avail);
/* Appends a decimal integer. */
void jt_int(struct jtext *b, int64_t v);
/* Appends a jansson value exactly as json_dumps(v, JSON_COMPACT) writes it, or with
 * ensure_ascii as json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII) does; sets fail on NULL
 * or nesting deeper than 2048. Faster than jansson's own dump, which goes through a
 * callback per piece and decodes every character. */
void jt_json(struct jtext *b, const json_t *v, bool ensure_ascii);
/* jt_json into a new text (the caller frees it); NULL when out of memory, v is NULL or
 * nested too deep. */
char *jt_dumps(const json_t *v, bool ensure_ascii);
/* The finished text (the caller frees it), or NULL after a failure (then freed here). */
char *jt_finish(struct jtext *b);

#endif
