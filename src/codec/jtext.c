/* jtext.c - JSON text writer (see jtext.h). */
#include "codec/jtext.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jt_put(struct jtext *b, const char *s, size_t n) {
  if (b->fail) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + n + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
      b->fail = true;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

void jt_cstr(struct jtext *b, const char *s) { jt_put(b, s, strlen(s)); }

size_t jt_utf8_seq(const unsigned char *s, size_t avail) {
  unsigned c = s[0];
  size_t len;
  unsigned cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
  else return 0;
  if (len > avail) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

void jt_str(struct jtext *b, const char *str) {
  const unsigned char *s = (const unsigned char *)str, *run = s;
  jt_put(b, "\"", 1);
  while (*s) {
    size_t len = jt_utf8_seq(s, 4); /* the NUL ends a short sequence */
    if (!len) {
      b->fail = true;
      return;
    }
    if (len == 1 && (*s == '"' || *s == '\\' || *s < 0x20)) {
      char esc[8];
      jt_put(b, (const char *)run, (size_t)(s - run));
      switch (*s) {
      case '"': jt_put(b, "\\\"", 2); break;
      case '\\': jt_put(b, "\\\\", 2); break;
      case '\b': jt_put(b, "\\b", 2); break;
      case '\f': jt_put(b, "\\f", 2); break;
      case '\n': jt_put(b, "\\n", 2); break;
      case '\r': jt_put(b, "\\r", 2); break;
      case '\t': jt_put(b, "\\t", 2); break;
      default:
        snprintf(esc, sizeof esc, "\\u%04X", (unsigned)*s);
        jt_put(b, esc, 6);
      }
      run = s + 1;
    }
    s += len;
  }
  jt_put(b, (const char *)run, (size_t)(s - run));
  jt_put(b, "\"", 1);
}

void jt_int(struct jtext *b, int64_t v) {
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%" PRId64, v);
  jt_put(b, buf, (size_t)n);
}

char *jt_finish(struct jtext *b) {
  if (b->fail || !b->p) {
    free(b->p);
    b->p = NULL;
    return NULL;
  }
  return b->p;
}
