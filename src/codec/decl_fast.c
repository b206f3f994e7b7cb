/* decl_fast.c - the common case of decoding a declaration: straight from the JSON text
 * into struct decl, walking the same field tables as decl_from_json (decl_fields.h), without
 * building jansson's tree (about 0.4 M instructions for a 10-item declaration).
 *
 * It accepts only text on which the full path (json_loadb with JSON_REJECT_DUPLICATES, then
 * decl_from_json) would report nothing, and then fills *out exactly as that path would:
 * strings without escapes, valid UTF-8 as jansson checks it, integers of at most 18 digits,
 * known fields each at most once, values of the expected JSON kinds, arrays within their
 * bounds, a known "type" anywhere at the top. Anything else declines, and the caller runs
 * the full path, which reports every problem. The fuzz target fuzz_decl_json holds both
 * paths equal. */
#include <stdint.h>
#include <string.h>

#include "codec/decl_fields.h"
#include "codec/decl_json.h"
#include "codec/jtext.h"
#include "core/arena.h"
#include "core/decimal.h"
#include "core/err.h"

struct fast {
  const char *p, *end;
  struct arena *a;
  int rc; /* 0, DECL_FAST_DECLINED or -SW_ENOMEM: the first failure */
};

static void decline(struct fast *f) {
  if (!f->rc) f->rc = DECL_FAST_DECLINED;
}

static void skip_ws(struct fast *f) {
  while (f->p < f->end && (*f->p == ' ' || *f->p == '\n' || *f->p == '\r' || *f->p == '\t'))
    f->p++;
}

/* Consumes c (after white space) and returns 1, or returns 0 and consumes nothing more. */
static int eat(struct fast *f, char c) {
  skip_ws(f);
  if (f->p < f->end && *f->p == c) {
    f->p++;
    return 1;
  }
  return 0;
}

/* The next significant byte, 0 at the end. */
static char peek(struct fast *f) {
  skip_ws(f);
  return f->p < f->end ? *f->p : 0;
}

/* A literal such as null or true. */
static int eat_word(struct fast *f, const char *w, size_t n) {
  skip_ws(f);
  if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0) return 0;
  f->p += n;
  return 1;
}

/* A string without escapes or control characters, valid UTF-8; *s points into the text. */
static int string_token(struct fast *f, const char **s, size_t *n) {
  if (!eat(f, '"')) return 0;
  const unsigned char *q = (const unsigned char *)f->p, *end = (const unsigned char *)f->end;
  while (q < end) {
    unsigned char ch = *q;
    if (ch == '"') {
      *s = f->p;
      *n = (size_t)((const char *)q - f->p);
      f->p = (const char *)q + 1;
      return 1;
    }
    if (ch == '\\' || ch < 0x20) return 0;
    if (ch < 0x80) {
      q++;
      continue;
    }
    size_t len = jt_utf8_seq(q, (size_t)(end - q));
    if (!len) return 0;
    q += len;
  }
  return 0;
}

/* An integer as jansson reads one (-?(0|[1-9][0-9]*), not followed by a fraction or an
 * exponent), of at most 18 digits so that it cannot overflow. */
static int integer_token(struct fast *f, int64_t *v) {
  skip_ws(f);
  const char *q = f->p;
  int neg = q < f->end && *q == '-';
  if (neg) q++;
  const char *digits = q;
  int64_t acc = 0;
  while (q < f->end && *q >= '0' && *q <= '9' && q - digits < 18) acc = acc * 10 + (*q++ - '0');
  size_t nd = (size_t)(q - digits);
  if (nd == 0 || (nd > 1 && *digits == '0')) return 0;
  if (q < f->end && (*q == '.' || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9'))) return 0;
  *v = neg ? -acc : acc;
  f->p = q;
  return 1;
}

static void parse_object(struct fast *f, const struct objdesc *od, void *base, struct decl *top);

static char *string_value(struct fast *f) {
  const char *s;
  size_t n;
  if (!string_token(f, &s, &n) || n > DECL_TEXT_HARD_MAX) {
    decline(f);
    return NULL;
  }
  char *r = arena_strndup(f->a, s, n);
  if (!r) f->rc = -SW_ENOMEM;
  return r;
}

static void decimal_value(struct fast *f, int scale, int64_t *val, bool *has) {
  enum dec_error why = DEC_OK;
  const char *s;
  size_t n;
  int64_t i;
  int rc;
  if (peek(f) == '"') {
    rc = string_token(f, &s, &n) ? dec_parse(s, n, scale, 0, val, &why) : -1;
  } else {
    rc = integer_token(f, &i) ? dec_from_int(i, scale, 0, val, &why) : -1;
  }
  if (rc < 0)
    decline(f);
  else
    *has = true;
}

/* An array of strings or of objects: elements go into an arena buffer that doubles as it
 * fills; an empty array leaves the pointer NULL, as the full path does. */
static void array_value(struct fast *f, const struct fdesc *fd, void *base) {
  size_t esz = fd->kind == F_STRARR ? sizeof(char *) : fd->sub->size, n = 0, cap = 0;
  char *arr = NULL;
  if (!eat(f, '[')) {
    decline(f);
    return;
  }
  if (!eat(f, ']')) {
    do {
      if (n == fd->max) { /* the full path reports the excess */
        decline(f);
        return;
      }
      if (n == cap) {
        size_t ncap = cap ? cap * 2 : 8;
        if (ncap > fd->max) ncap = fd->max;
        char *grown = arena_alloc(f->a, ncap * esz);
        if (!grown) {
          f->rc = -SW_ENOMEM;
          return;
        }
        if (n) memcpy(grown, arr, n * esz);
        arr = grown;
        cap = ncap;
      }
      char *slot = arr + n++ * esz;
      if (peek(f) == 'n') {
        if (!eat_word(f, "null", 4)) decline(f);
      } else if (fd->kind == F_STRARR) {
        *(char **)slot = string_value(f);
      } else {
        parse_object(f, fd->sub, slot, NULL);
      }
    } while (!f->rc && eat(f, ','));
    if (!f->rc && !eat(f, ']')) decline(f);
  }
  if (f->rc) return;
  if (fd->has_off != NOHAS) *AT(base, fd->has_off, bool) = true;
  *AT(base, fd->cnt_off, size_t) = n;
  if (n) *AT(base, fd->off, void *) = arr;
}

static void field_value(struct fast *f, const struct fdesc *fd, void *base) {
  int64_t v;
  switch (fd->kind) {
  case F_STR: *AT(base, fd->off, char *) = string_value(f); return;
  case F_MONEY:
  case F_QTY:
    decimal_value(f, fd->kind == F_MONEY ? DEC_SCALE_MONEY : DEC_SCALE_QTY,
                  AT(base, fd->off, int64_t), AT(base, fd->has_off, bool));
    return;
  case F_INT:
    if (!integer_token(f, &v)) {
      decline(f);
      return;
    }
    *AT(base, fd->off, int64_t) = v;
    *AT(base, fd->has_off, bool) = true;
    return;
  case F_BOOL:
    if (eat_word(f, "true", 4))
      *AT(base, fd->off, bool) = true;
    else if (eat_word(f, "false", 5))
      *AT(base, fd->off, bool) = false;
    else {
      decline(f);
      return;
    }
    *AT(base, fd->has_off, bool) = true;
    return;
  case F_OBJ:
    *AT(base, fd->has_off, bool) = true;
    parse_object(f, fd->sub, AT(base, fd->off, void), NULL);
    return;
  case F_STRARR:
  case F_OBJARR: array_value(f, fd, base); return;
  }
}

static const struct fdesc *find_field(const struct objdesc *od, const char *key, size_t n) {
  for (size_t i = 0; i < od->n; i++) {
    const char *name = od->fields[i].name;
    if (name[0] == key[0] && strncmp(name, key, n) == 0 && name[n] == 0) return &od->fields[i];
  }
  return NULL;
}

/* The top-level "type": a known type code, in either case, as decl_from_json reads it. */
static void type_value(struct fast *f, struct decl *d) {
  const char *s;
  size_t n;
  if (d->type != DECL_TYPE_NONE || !string_token(f, &s, &n) ||
      (d->type = decl_type_parse_any_case(s, n)) == DECL_TYPE_NONE)
    decline(f); /* a second "type", or one the full path must report */
}

/* The members of an object, up to its closing brace; *seen collects od's fields met. */
static void parse_members(struct fast *f, const struct objdesc *od, void *base, struct decl *top,
                          uint64_t *seen) {
  do {
    const char *key;
    size_t n;
    if (!string_token(f, &key, &n) || n == 0 || !eat(f, ':')) {
      decline(f);
      return;
    }
    if (top && n == 4 && memcmp(key, "type", 4) == 0) {
      type_value(f, top);
      continue;
    }
    const struct fdesc *fd = find_field(od, key, n);
    uint64_t bit = fd ? (uint64_t)1 << (fd - od->fields) : 0;
    if (!fd || (*seen & bit)) { /* unknown or repeated: the full path reports it */
      decline(f);
      return;
    }
    *seen |= bit;
    if (peek(f) == 'n') {
      if (!eat_word(f, "null", 4)) decline(f);
      continue;
    }
    field_value(f, fd, base);
  } while (!f->rc && eat(f, ','));
}

/* An object of od's fields into base; top is the declaration when this is its top level.
 * There a field of another declaration type is refused once the type is known, wherever
 * "type" stands. */
static void parse_object(struct fast *f, const struct objdesc *od, void *base, struct decl *top) {
  uint64_t seen = 0;
  if (od->n > 64 || !eat(f, '{')) {
    decline(f);
    return;
  }
  if (!eat(f, '}')) {
    parse_members(f, od, base, top, &seen);
    if (!f->rc && !eat(f, '}')) decline(f);
  }
  if (f->rc || !top) return;
  if (top->type == DECL_TYPE_NONE) {
    decline(f);
    return;
  }
  for (size_t i = 0; i < od->n; i++)
    if ((seen >> i & 1) && od->fields[i].types &&
        !(od->fields[i].types & DECL_TYPE_BIT(top->type))) {
      decline(f);
      return;
    }
}

int decl_from_text_fast(const char *text, size_t len, struct arena *a, struct decl *out) {
  struct fast f = {.p = text, .end = text + len, .a = a, .rc = 0};
  memset(out, 0, sizeof *out);
  parse_object(&f, &decl_fields, out, out);
  skip_ws(&f);
  if (!f.rc && f.p != f.end) f.rc = DECL_FAST_DECLINED; /* trailing data */
  if (f.rc) return f.rc;
  decl_canonicalize(out);
  return 0;
}
