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

/* jt_utf8_seq that also gives the code point decoded. */
static size_t utf8_decode(const unsigned char *s, size_t avail, unsigned *out) {
  unsigned c = s[0];
  size_t len;
  unsigned cp;
  *out = c;
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
  *out = cp;
  return len;
}

size_t jt_utf8_seq(const unsigned char *s, size_t avail) {
  unsigned cp;
  return utf8_decode(s, avail, &cp);
}

/* A string literal of n bytes, escaped as jansson escapes it; with ensure_ascii every
 * character above U+007F as \uXXXX (a surrogate pair above U+FFFF). */
static void put_string(struct jtext *b, const char *str, size_t n, bool ensure_ascii) {
  const unsigned char *s = (const unsigned char *)str, *end = s + n, *run = s;
  jt_put(b, "\"", 1);
  while (s < end) {
    if (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\') { /* the common case */
      s++;
      continue;
    }
    unsigned cp;
    size_t len = utf8_decode(s, (size_t)(end - s), &cp);
    if (!len) {
      b->fail = true;
      return;
    }
    if (len > 1 && !ensure_ascii) {
      s += len;
      continue;
    }
    char esc[16];
    int w = 2;
    jt_put(b, (const char *)run, (size_t)(s - run));
    switch (*s) {
    case '"': memcpy(esc, "\\\"", 2); break;
    case '\\': memcpy(esc, "\\\\", 2); break;
    case '\b': memcpy(esc, "\\b", 2); break;
    case '\f': memcpy(esc, "\\f", 2); break;
    case '\n': memcpy(esc, "\\n", 2); break;
    case '\r': memcpy(esc, "\\r", 2); break;
    case '\t': memcpy(esc, "\\t", 2); break;
    default:
      if (cp < 0x10000) {
        w = snprintf(esc, sizeof esc, "\\u%04X", cp);
      } else {
        cp -= 0x10000;
        w = snprintf(esc, sizeof esc, "\\u%04X\\u%04X", 0xD800u | (cp >> 10),
                     0xDC00u | (cp & 0x3FFu));
      }
    }
    jt_put(b, esc, (size_t)w);
    s += len;
    run = s;
  }
  jt_put(b, (const char *)run, (size_t)(s - run));
  jt_put(b, "\"", 1);
}

void jt_str(struct jtext *b, const char *str) { put_string(b, str, strlen(str), false); }

/* A real as jansson writes it: %.17g, with ".0" when that looks like an integer, and the
 * exponent without '+' or leading zeros. */
static void put_real(struct jtext *b, double v) {
  char buf[64], *e;
  int n = snprintf(buf, sizeof buf, "%.17g", v);
  if (n < 0 || (size_t)n >= sizeof buf - 3) {
    b->fail = true;
    return;
  }
  if (!strchr(buf, '.') && !strchr(buf, 'e')) memcpy(buf + n, ".0", 3);
  if ((e = strchr(buf, 'e'))) {
    char *start = e + 1, *digits;
    if (*start == '+') memmove(start, start + 1, strlen(start));
    if (*start == '-') start++;
    for (digits = start; *digits == '0' && digits[1]; digits++) {
    }
    if (digits != start) memmove(start, digits, strlen(digits) + 1);
  }
  jt_cstr(b, buf);
}

#define JT_MAX_DEPTH 2048

static void put_json(struct jtext *b, const json_t *v, bool ensure_ascii, int depth) {
  if (b->fail) return;
  if (depth > JT_MAX_DEPTH) {
    b->fail = true;
    return;
  }
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    const char *key;
    json_t *val;
    int first = 1;
    jt_put(b, "{", 1);
    json_object_foreach((json_t *)v, key, val) {
      if (!first) jt_put(b, ",", 1);
      first = 0;
      put_string(b, key, strlen(key), ensure_ascii);
      jt_put(b, ":", 1);
      put_json(b, val, ensure_ascii, depth + 1);
    }
    jt_put(b, "}", 1);
    break;
  }
  case JSON_ARRAY:
    jt_put(b, "[", 1);
    for (size_t i = 0; i < json_array_size(v); i++) {
      if (i) jt_put(b, ",", 1);
      put_json(b, json_array_get(v, i), ensure_ascii, depth + 1);
    }
    jt_put(b, "]", 1);
    break;
  case JSON_STRING:
    put_string(b, json_string_value(v), json_string_length(v), ensure_ascii);
    break;
  case JSON_INTEGER: jt_int(b, (int64_t)json_integer_value(v)); break;
  case JSON_REAL: put_real(b, json_real_value(v)); break;
  case JSON_TRUE: jt_put(b, "true", 4); break;
  case JSON_FALSE: jt_put(b, "false", 5); break;
  case JSON_NULL: jt_put(b, "null", 4); break;
  }
}

void jt_json(struct jtext *b, const json_t *v, bool ensure_ascii) {
  if (!v) {
    b->fail = true;
    return;
  }
  put_json(b, v, ensure_ascii, 0);
}

char *jt_dumps(const json_t *v, bool ensure_ascii) {
  struct jtext b = {0};
  jt_json(&b, v, ensure_ascii);
  return jt_finish(&b);
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
