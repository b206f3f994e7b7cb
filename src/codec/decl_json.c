#include "codec/decl_json.h"
#include "codec/decl_fields.h"
#include "codec/jtext.h"

#include "core/arena.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/errlist.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- decoding ---- */

struct dctx {
  struct arena *a;
  struct errlist *e;
  unsigned type_bit; /* 0 when the type is unknown: every field is accepted */
  int rc;            /* first hard failure (-SW_ENOMEM) */
};

/* Where a value sits, as a chain on the stack: rendered to a JSON Pointer only when a
 * problem is reported, so a clean document costs no formatting at all. */
struct jpath {
  const struct jpath *up; /* NULL at the root */
  const char *key;        /* object member, or NULL for an array index */
  size_t index;
};

static size_t jpath_render(const struct jpath *p, char *buf, size_t cap) {
  size_t n = p->up ? jpath_render(p->up, buf, cap) : 0;
  if (!p->up && !p->key) return 0; /* the root itself: "" */
  if (n + 1 < cap) buf[n++] = '/';
  if (p->key) {
    /* Escaped, and cut between characters so the path stays valid UTF-8. */
    const char *k = p->key;
    size_t i = 0;
    while (k[i]) {
      unsigned char ch = (unsigned char)k[i];
      size_t len = ch < 0x80 ? 1 : ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
      bool esc = ch == '~' || ch == '/';
      if (n + (esc ? 2 : len) >= cap) break;
      if (esc) {
        buf[n++] = '~';
        buf[n++] = ch == '~' ? '0' : '1';
        i++;
      } else {
        for (size_t j = 0; j < len && k[i]; j++)
          buf[n++] = k[i++];
      }
    }
  } else {
    char digits[24];
    int nd = 0;
    size_t i = p->index;
    do {
      digits[nd++] = (char)('0' + i % 10);
      i /= 10;
    } while (i);
    while (nd && n + 1 < cap)
      buf[n++] = digits[--nd];
  }
  buf[n] = 0;
  return n;
}

__attribute__((format(printf, 4, 5))) static void problem(struct dctx *c, const struct jpath *p,
                                                          const char *code, const char *fmt, ...) {
  char path[sizeof(((struct problem *)0)->path)];
  char msg[sizeof(((struct problem *)0)->message)];
  va_list ap;
  path[0] = 0;
  jpath_render(p, path, sizeof path);
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  errlist_add(c->e, path, code, "%s", msg);
}

static const char *json_kind(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a floating-point number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "a value";
}

static void bad_type(struct dctx *c, const struct jpath *p, const char *want, const json_t *v) {
  problem(c, p, "bad_type", "expected %s, got %s", want, json_kind(v));
}

static char *get_string(struct dctx *c, const json_t *v, const struct jpath *p) {
  if (!json_is_string(v)) {
    bad_type(c, p, "a string", v);
    return NULL;
  }
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (n > DECL_TEXT_HARD_MAX) {
    problem(c, p, "too_long", "string of %zu bytes is far too long", n);
    return NULL;
  }
  if (memchr(s, 0, n)) {
    problem(c, p, "bad_format", "string must not contain NUL characters");
    return NULL;
  }
  char *r = arena_strndup(c->a, s, n);
  if (!r) c->rc = -SW_ENOMEM;
  return r;
}

static void get_decimal(struct dctx *c, const json_t *v, const struct jpath *p, int scale,
                        int64_t *val, bool *has) {
  enum dec_error why = DEC_OK;
  int rc;
  if (json_is_string(v)) {
    rc = dec_parse(json_string_value(v), json_string_length(v), scale, 0, val, &why);
  } else if (json_is_integer(v)) {
    rc = dec_from_int((int64_t)json_integer_value(v), scale, 0, val, &why);
  } else if (json_is_real(v)) {
    problem(c, p, "bad_type",
            "expected a decimal string such as \"98000.00\" or an integer, got a "
            "floating-point number (precision would be lost)");
    return;
  } else {
    bad_type(c, p, "a decimal string or an integer", v);
    return;
  }
  if (rc < 0) {
    char msg[200];
    dec_error_message(why, scale, msg, sizeof msg);
    problem(c, p, "bad_decimal", "%s", msg);
    return;
  }
  *has = true;
}

static void decode_object(struct dctx *c, const json_t *obj, const struct jpath *p,
                          const struct objdesc *od, void *base, bool top);

static void decode_field(struct dctx *c, const struct fdesc *f, const json_t *v,
                         const struct jpath *p, void *base) {
  switch (f->kind) {
  case F_STR: *AT(base, f->off, char *) = get_string(c, v, p); break;
  case F_MONEY:
  case F_QTY:
    get_decimal(c, v, p, f->kind == F_MONEY ? DEC_SCALE_MONEY : DEC_SCALE_QTY,
                AT(base, f->off, int64_t), AT(base, f->has_off, bool));
    break;
  case F_INT:
    if (!json_is_integer(v)) {
      bad_type(c, p, "an integer", v);
      break;
    }
    *AT(base, f->off, int64_t) = (int64_t)json_integer_value(v);
    *AT(base, f->has_off, bool) = true;
    break;
  case F_BOOL:
    if (!json_is_boolean(v)) {
      bad_type(c, p, "true or false", v);
      break;
    }
    *AT(base, f->off, bool) = json_is_true(v);
    *AT(base, f->has_off, bool) = true;
    break;
  case F_OBJ:
    if (!json_is_object(v)) {
      bad_type(c, p, "an object", v);
      break;
    }
    *AT(base, f->has_off, bool) = true;
    decode_object(c, v, p, f->sub, AT(base, f->off, void), false);
    break;
  case F_STRARR:
  case F_OBJARR: {
    if (!json_is_array(v)) {
      bad_type(c, p, "an array", v);
      break;
    }
    size_t n = json_array_size(v);
    if (n > f->max) {
      problem(c, p, f->too_many_code, "%zu entries; at most %zu are allowed", n, f->max);
      n = f->max;
    }
    if (f->has_off != NOHAS) *AT(base, f->has_off, bool) = true;
    *AT(base, f->cnt_off, size_t) = n;
    if (n == 0) break;
    size_t esz = f->kind == F_STRARR ? sizeof(char *) : f->sub->size;
    void *arr = arena_alloc(c->a, n * esz);
    if (!arr) {
      c->rc = -SW_ENOMEM;
      *AT(base, f->cnt_off, size_t) = 0;
      break;
    }
    *AT(base, f->off, void *) = arr;
    for (size_t i = 0; i < n && c->rc == 0; i++) {
      struct jpath ep = {.up = p, .key = NULL, .index = i};
      const json_t *e = json_array_get(v, i);
      if (json_is_null(e)) continue;
      if (f->kind == F_STRARR) {
        ((char **)arr)[i] = get_string(c, e, &ep);
      } else if (!json_is_object(e)) {
        bad_type(c, &ep, "an object", e);
      } else {
        decode_object(c, e, &ep, f->sub, (char *)arr + i * esz, false);
      }
    }
    break;
  }
  }
}

static void decode_object(struct dctx *c, const json_t *obj, const struct jpath *p,
                          const struct objdesc *od, void *base, bool top) {
  const char *key;
  json_t *v;
  size_t hint = 0; /* documents usually list fields in table order: try the next one first */
  json_object_foreach((json_t *)obj, key, v) {
    struct jpath fp = {.up = p, .key = key, .index = 0};
    if (c->rc) return;
    if (top && strcmp(key, "type") == 0) continue;
    const struct fdesc *f = NULL;
    if (hint < od->n && od->fields[hint].name[0] == key[0] &&
        strcmp(od->fields[hint].name, key) == 0) {
      f = &od->fields[hint];
    } else {
      for (size_t i = 0; i < od->n; i++)
        if (od->fields[i].name[0] == key[0] && strcmp(od->fields[i].name, key) == 0) {
          f = &od->fields[i];
          break;
        }
    }
    if (!f) {
      problem(c, &fp, "unknown_field", "unknown field \"%.*s\"", (int)decl_utf8_clip(key, 60), key);
      continue;
    }
    hint = (size_t)(f - od->fields) + 1;
    if (top && c->type_bit && f->types && !(f->types & c->type_bit)) {
      problem(c, &fp, "unknown_field", "field \"%s\" is not used by %s declarations", f->name,
              (c->type_bit & DECL_TYPES_GOODS) ? "goods" : "vessel call");
      continue;
    }
    if (json_is_null(v)) continue;
    decode_field(c, f, v, &fp, base);
  }
}

int decl_from_json(const json_t *root, struct arena *a, struct decl *out, struct errlist *errs) {
  struct dctx c = {.a = a, .e = errs, .type_bit = 0, .rc = 0};
  struct jpath root_path = {.up = NULL, .key = NULL, .index = 0};
  struct jpath type_path = {.up = &root_path, .key = "type", .index = 0};
  size_t before = errs->n + errs->dropped;

  memset(out, 0, sizeof *out);
  if (!json_is_object(root)) {
    if (root)
      bad_type(&c, &root_path, "an object", root);
    else
      errlist_add(errs, "", "bad_type", "expected an object");
    return -SW_EVALIDATION;
  }
  const json_t *t = json_object_get(root, "type");
  if (t && !json_is_null(t)) {
    if (!json_is_string(t)) {
      bad_type(&c, &type_path, "a string", t);
    } else {
      const char *s = json_string_value(t);
      out->type = decl_type_parse_any_case(s, json_string_length(t));
      if (out->type == DECL_TYPE_NONE)
        errlist_add(errs, "/type", "bad_value", "type must be IM, EX, VA or VD, got \"%.*s\"",
                    (int)decl_utf8_clip(s, 40), s);
      else
        c.type_bit = DECL_TYPE_BIT(out->type);
    }
  }
  decode_object(&c, root, &root_path, &decl_fields, out, true);
  if (c.rc) return c.rc;
  decl_canonicalize(out);
  return errs->n + errs->dropped > before ? -SW_EVALIDATION : 0;
}

/* ---- encoding ---- */

static json_t *encode_object(const struct objdesc *od, const void *base, unsigned type_bit);

static int set_new(json_t *obj, const char *key, json_t *v) {
  if (!v) return -1;
  return json_object_set_new(obj, key, v);
}

static json_t *str_json(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *encode_field(const struct fdesc *f, const void *base, unsigned type_bit,
                            bool *skip) {
  char buf[DEC_STR_MAX];
  *skip = false;
  switch (f->kind) {
  case F_STR: {
    const char *s = *CAT(base, f->off, char *);
    if (!s) break;
    return json_string(s);
  }
  case F_MONEY:
  case F_QTY:
    if (!*CAT(base, f->has_off, bool)) break;
    if (f->kind == F_MONEY)
      dec_format(*CAT(base, f->off, int64_t), DEC_SCALE_MONEY, 0, buf, sizeof buf);
    else
      dec_format(*CAT(base, f->off, int64_t), DEC_SCALE_QTY, DEC_FMT_TRIM, buf, sizeof buf);
    return json_string(buf);
  case F_INT:
    if (!*CAT(base, f->has_off, bool)) break;
    return json_integer((json_int_t)*CAT(base, f->off, int64_t));
  case F_BOOL:
    if (!*CAT(base, f->has_off, bool)) break;
    return json_boolean(*CAT(base, f->off, bool));
  case F_OBJ:
    if (!*CAT(base, f->has_off, bool)) break;
    return encode_object(f->sub, CAT(base, f->off, void), type_bit);
  case F_STRARR:
  case F_OBJARR: {
    size_t n = *CAT(base, f->cnt_off, size_t);
    bool has = f->has_off != NOHAS ? *CAT(base, f->has_off, bool) : n > 0;
    if (!has) break;
    json_t *arr = json_array();
    if (!arr) return NULL;
    const void *elems = *CAT(base, f->off, void *);
    for (size_t i = 0; i < n; i++) {
      json_t *e = f->kind == F_STRARR
                      ? str_json(((char *const *)elems)[i])
                      : encode_object(f->sub, (const char *)elems + i * f->sub->size, 0);
      if (!e || json_array_append_new(arr, e) < 0) {
        json_decref(arr);
        return NULL;
      }
    }
    return arr;
  }
  }
  *skip = true;
  return NULL;
}

/* Adds od's present fields of base to obj; -1 when out of memory. */
static int encode_into(json_t *obj, const struct objdesc *od, const void *base, unsigned type_bit) {
  for (size_t i = 0; i < od->n; i++) {
    const struct fdesc *f = &od->fields[i];
    bool skip;
    if (type_bit && f->types && !(f->types & type_bit)) continue;
    /* Without a type, the place is written once, as "office". */
    if (!type_bit && f->types == DECL_TYPES_VESSEL && strcmp(f->name, "port") == 0) continue;
    json_t *v = encode_field(f, base, type_bit, &skip);
    if (skip) continue;
    if (set_new(obj, f->name, v) < 0) return -1;
  }
  return 0;
}

static json_t *encode_object(const struct objdesc *od, const void *base, unsigned type_bit) {
  json_t *obj = json_object();
  if (obj && encode_into(obj, od, base, type_bit) < 0) {
    json_decref(obj);
    obj = NULL;
  }
  return obj;
}

json_t *decl_to_json(const struct decl *d) {
  unsigned bit = d->type != DECL_TYPE_NONE ? DECL_TYPE_BIT(d->type) : 0;
  int rc = -1;
  json_t *obj = json_object();
  if (!obj) goto out;
  /* "type" first, for humans reading stored documents. */
  if (d->type != DECL_TYPE_NONE && set_new(obj, "type", json_string(decl_type_name(d->type))) < 0)
    goto out;
  if (encode_into(obj, &decl_fields, d, bit) < 0) goto out;
  rc = 0;
out:
  if (rc < 0) {
    json_decref(obj);
    obj = NULL;
  }
  return obj;
}

/* ---- canonical text, written directly ----
 * decl_to_text writes exactly the bytes json_dumps(decl_to_json(d), JSON_COMPACT |
 * JSON_SORT_KEYS) would (a unit test holds them equal), without building and sorting a
 * tree: the submission path stores and hashes this text. */

/* Each object table's fields in key order (strcmp, as JSON_SORT_KEYS), computed once. */
#define SORTED_DESCS 16
#define SORTED_FIELDS 96
static struct {
  const struct objdesc *od;
  unsigned char order[SORTED_FIELDS];
} sorted_descs[SORTED_DESCS];
static size_t n_sorted_descs;
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;
static const struct objdesc *sort_target;

static int by_field_name(const void *a, const void *b) {
  const struct fdesc *f = sort_target->fields;
  unsigned char x = *(const unsigned char *)a, y = *(const unsigned char *)b;
  int c = strcmp(f[x].name, f[y].name);
  return c ? c : (int)x - (int)y; /* equal names keep table order: the later one wins */
}

static void sort_desc(const struct objdesc *od) {
  for (size_t i = 0; i < n_sorted_descs; i++)
    if (sorted_descs[i].od == od) return;
  if (n_sorted_descs == SORTED_DESCS || od->n > SORTED_FIELDS) abort(); /* tables grew */
  unsigned char *order = sorted_descs[n_sorted_descs].order;
  sorted_descs[n_sorted_descs++].od = od;
  for (size_t i = 0; i < od->n; i++) order[i] = (unsigned char)i;
  sort_target = od;
  qsort(order, od->n, 1, by_field_name);
  for (size_t i = 0; i < od->n; i++)
    if (od->fields[i].sub) sort_desc(od->fields[i].sub);
}

static void sort_all_descs(void) { sort_desc(&decl_fields); }

static const unsigned char *sorted_order(const struct objdesc *od) {
  for (size_t i = 0; i < n_sorted_descs; i++)
    if (sorted_descs[i].od == od) return sorted_descs[i].order;
  abort(); /* every table is reachable from decl_fields */
}

static void text_object(struct jtext *b, const struct objdesc *od, const void *base,
                        unsigned type_bit, const char *root_type);

/* Whether field f of base is written for type_bit (as encode_into decides). */
static bool field_written(const struct fdesc *f, const void *base, unsigned type_bit) {
  if (type_bit && f->types && !(f->types & type_bit)) return false;
  if (!type_bit && f->types == DECL_TYPES_VESSEL && strcmp(f->name, "port") == 0) return false;
  switch (f->kind) {
  case F_STR: return *CAT(base, f->off, char *) != NULL;
  case F_STRARR:
  case F_OBJARR:
    return f->has_off != NOHAS ? *CAT(base, f->has_off, bool) : *CAT(base, f->cnt_off, size_t) > 0;
  default: return *CAT(base, f->has_off, bool);
  }
}

static void text_value(struct jtext *b, const struct fdesc *f, const void *base, unsigned type_bit) {
  char buf[DEC_STR_MAX > 32 ? DEC_STR_MAX : 32];
  switch (f->kind) {
  case F_STR: jt_str(b, *CAT(base, f->off, char *)); return;
  case F_MONEY:
    dec_format(*CAT(base, f->off, int64_t), DEC_SCALE_MONEY, 0, buf, sizeof buf);
    jt_str(b, buf);
    return;
  case F_QTY:
    dec_format(*CAT(base, f->off, int64_t), DEC_SCALE_QTY, DEC_FMT_TRIM, buf, sizeof buf);
    jt_str(b, buf);
    return;
  case F_INT: jt_int(b, *CAT(base, f->off, int64_t)); return;
  case F_BOOL: jt_cstr(b, *CAT(base, f->off, bool) ? "true" : "false"); return;
  case F_OBJ: text_object(b, f->sub, CAT(base, f->off, void), type_bit, NULL); return;
  case F_STRARR:
  case F_OBJARR: {
    size_t n = *CAT(base, f->cnt_off, size_t);
    const void *elems = *CAT(base, f->off, void *);
    jt_put(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
      if (i) jt_put(b, ",", 1);
      if (f->kind == F_OBJARR) {
        text_object(b, f->sub, (const char *)elems + i * f->sub->size, 0, NULL);
      } else {
        const char *s = ((char *const *)elems)[i];
        if (s) jt_str(b, s);
        else jt_put(b, "null", 4);
      }
    }
    jt_put(b, "]", 1);
    return;
  }
  }
}

/* Writes od's present fields of base as an object in key order; root_type, when set, is
 * the root's "type" member, merged into that order. */
static void text_object(struct jtext *b, const struct objdesc *od, const void *base,
                        unsigned type_bit, const char *root_type) {
  const unsigned char *order = sorted_order(od);
  bool first = true;
  jt_put(b, "{", 1);
  for (size_t k = 0; k <= od->n; k++) {
    const struct fdesc *f = k < od->n ? &od->fields[order[k]] : NULL;
    if (root_type && (!f || strcmp("type", f->name) < 0)) {
      jt_cstr(b, first ? "\"type\":" : ",\"type\":");
      jt_str(b, root_type);
      root_type = NULL;
      first = false;
    }
    if (!f || !field_written(f, base, type_bit)) continue;
    /* of equal names the last one written wins, as json_object_set_new would have it */
    bool later = false;
    for (size_t j = k + 1; j < od->n && strcmp(od->fields[order[j]].name, f->name) == 0; j++)
      if (field_written(&od->fields[order[j]], base, type_bit)) later = true;
    if (later) continue;
    if (!first) jt_put(b, ",", 1);
    first = false;
    jt_str(b, f->name);
    jt_put(b, ":", 1);
    text_value(b, f, base, type_bit);
  }
  jt_put(b, "}", 1);
}

char *decl_to_text(const struct decl *d) {
  struct jtext b = {0};
  pthread_once(&sorted_once, sort_all_descs);
  unsigned bit = d->type != DECL_TYPE_NONE ? DECL_TYPE_BIT(d->type) : 0;
  text_object(&b, &decl_fields, d, bit, d->type != DECL_TYPE_NONE ? decl_type_name(d->type) : NULL);
  return jt_finish(&b);
}
