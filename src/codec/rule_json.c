#include "codec/rule_json.h"

#include "core/arena.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"

#include <stdio.h>
#include <string.h>

#define RPATH_MAX 160
#define RULE_STR_HARD_MAX 4096

struct rctx {
  struct arena *a;
  struct errlist *e;
  const char *base;
  int rc;
};

static void rpath(char *out, const struct rctx *c, const char *rel) {
  snprintf(out, RPATH_MAX, "%s%s", c->base, rel);
}

static void problem(struct rctx *c, const char *rel, const char *code, const char *msg) {
  char p[RPATH_MAX];
  rpath(p, c, rel);
  errlist_add(c->e, p, code, "%s", msg);
}

static char *trim_copy(struct rctx *c, const char *s, size_t n, bool upper) {
  while (n && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if (n == 0) return NULL;
  char *r = arena_strndup(c->a, s, n);
  if (!r) {
    c->rc = -SW_ENOMEM;
    return NULL;
  }
  if (upper)
    for (char *p = r; *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
  return r;
}

static char *get_str(struct rctx *c, const json_t *v, const char *rel, bool upper) {
  if (!json_is_string(v)) {
    problem(c, rel, "bad_type", "expected a string");
    return NULL;
  }
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (n > RULE_STR_HARD_MAX) {
    problem(c, rel, "too_long", "string is far too long");
    return NULL;
  }
  if (memchr(s, 0, n)) {
    problem(c, rel, "bad_format", "string must not contain NUL characters");
    return NULL;
  }
  return trim_copy(c, s, n, upper);
}

static bool get_int(struct rctx *c, const json_t *v, const char *rel, int64_t *out) {
  if (!json_is_integer(v)) {
    problem(c, rel, "bad_type", "expected an integer");
    return false;
  }
  *out = (int64_t)json_integer_value(v);
  return true;
}

static bool get_bool(struct rctx *c, const json_t *v, const char *rel, bool *out) {
  if (!json_is_boolean(v)) {
    problem(c, rel, "bad_type", "expected true or false");
    return false;
  }
  *out = json_is_true(v);
  return true;
}

static void get_list(struct rctx *c, const json_t *v, const char *rel, bool upper, char ***list,
                     size_t *n) {
  if (!json_is_array(v)) {
    problem(c, rel, "bad_type", "expected an array of strings");
    return;
  }
  size_t len = json_array_size(v);
  if (len > ROUTE_LIST_MAX) {
    char msg[64];
    snprintf(msg, sizeof msg, "at most %d entries are allowed", ROUTE_LIST_MAX);
    problem(c, rel, "too_many", msg);
    return;
  }
  if (len == 0) return;
  char **arr = arena_alloc(c->a, len * sizeof *arr);
  if (!arr) {
    c->rc = -SW_ENOMEM;
    return;
  }
  for (size_t i = 0; i < len; i++) {
    char er[RPATH_MAX];
    snprintf(er, sizeof er, "%s/%zu", rel, i);
    arr[i] = get_str(c, json_array_get(v, i), er, upper);
    /* A NULL entry (not a string, or empty) is reported by get_str or routing_rule_check. */
  }
  *list = arr;
  *n = len;
}

static void unknown(struct rctx *c, const char *rel, const char *key) {
  char p[RPATH_MAX];
  /* JSON Pointer escaping: '~' -> "~0", '/' -> "~1". */
  snprintf(p, sizeof p, "%s%s/", c->base, rel);
  size_t n = strlen(p);
  /* Cut between characters so the path stays valid UTF-8. */
  size_t i = 0;
  while (key[i]) {
    unsigned char ch = (unsigned char)key[i];
    size_t len = ch < 0x80 ? 1 : ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
    bool esc = ch == '~' || ch == '/';
    if (n + (esc ? 2 : len) >= sizeof p) break;
    if (esc) {
      p[n++] = '~';
      p[n++] = ch == '~' ? '0' : '1';
      i++;
    } else {
      for (size_t j = 0; j < len && key[i]; j++)
        p[n++] = key[i++];
    }
  }
  p[n] = 0;
  errlist_add(c->e, p, "unknown_field", "unknown field \"%.*s\"", (int)decl_utf8_clip(key, 60),
              key);
}

static void decode_conditions(struct rctx *c, const json_t *v, struct routing_rule *r) {
  const char *key;
  json_t *x;
  if (!json_is_object(v)) {
    problem(c, "/conditions", "bad_type", "expected an object");
    return;
  }
  json_object_foreach((json_t *)v, key, x) {
    if (json_is_null(x)) continue;
    if (strcmp(key, "hs_prefixes") == 0) {
      get_list(c, x, "/conditions/hs_prefixes", false, &r->hs_prefixes, &r->n_hs_prefixes);
    } else if (strcmp(key, "origins") == 0) {
      get_list(c, x, "/conditions/origins", true, &r->origins, &r->n_origins);
    } else if (strcmp(key, "destinations") == 0) {
      get_list(c, x, "/conditions/destinations", true, &r->destinations, &r->n_destinations);
    } else if (strcmp(key, "procedures") == 0) {
      get_list(c, x, "/conditions/procedures", false, &r->procedures, &r->n_procedures);
    } else if (strcmp(key, "value_above") == 0) {
      enum dec_error why = DEC_OK;
      int rc;
      if (json_is_string(x))
        rc = dec_parse(json_string_value(x), json_string_length(x), DEC_SCALE_MONEY, 0,
                       &r->value_above, &why);
      else if (json_is_integer(x))
        rc =
            dec_from_int((int64_t)json_integer_value(x), DEC_SCALE_MONEY, 0, &r->value_above, &why);
      else {
        problem(c, "/conditions/value_above", "bad_type",
                "expected a decimal string such as \"10000.00\" or an integer");
        continue;
      }
      if (rc < 0) {
        char msg[200];
        dec_error_message(why, DEC_SCALE_MONEY, msg, sizeof msg);
        problem(c, "/conditions/value_above", "bad_decimal", msg);
        continue;
      }
      r->has_value_above = true;
    } else if (strcmp(key, "value_currency") == 0) {
      r->value_currency = get_str(c, x, "/conditions/value_currency", true);
    } else {
      unknown(c, "/conditions", key);
    }
    if (c->rc) return;
  }
}

static void decode_types(struct rctx *c, const json_t *v, struct routing_rule *r) {
  if (!json_is_array(v)) {
    problem(c, "/types", "bad_type", "expected an array such as [\"IM\", \"EX\"]");
    return;
  }
  for (size_t i = 0; i < json_array_size(v); i++) {
    const json_t *e = json_array_get(v, i);
    char rel[32];
    snprintf(rel, sizeof rel, "/types/%zu", i);
    if (!json_is_string(e)) {
      problem(c, rel, "bad_type", "expected a string");
      continue;
    }
    enum decl_type t = decl_type_parse(json_string_value(e));
    if (t == DECL_TYPE_NONE)
      problem(c, rel, "bad_value", "a type is IM, EX, VA or VD");
    else
      r->types |= DECL_TYPE_BIT(t);
  }
}

int routing_rule_from_json(const json_t *root, const char *base, const struct refdata *rd,
                           struct arena *a, struct routing_rule *out, struct errlist *errs) {
  struct rctx c = {.a = a, .e = errs, .base = base ? base : "", .rc = 0};
  size_t before = errs->n + errs->dropped, first = errs->n;
  const char *key;
  json_t *v;

  memset(out, 0, sizeof *out);
  out->version = 1;
  out->enabled = true;
  if (!json_is_object(root)) {
    problem(&c, "", "bad_type", "a rule is a JSON object");
    return -SW_EVALIDATION;
  }
  json_object_foreach((json_t *)root, key, v) {
    if (json_is_null(v)) continue;
    if (strcmp(key, "id") == 0) {
      out->id = get_str(&c, v, "/id", false);
    } else if (strcmp(key, "version") == 0) {
      get_int(&c, v, "/version", &out->version);
    } else if (strcmp(key, "agency") == 0) {
      out->agency = get_str(&c, v, "/agency", true);
    } else if (strcmp(key, "types") == 0) {
      decode_types(&c, v, out);
    } else if (strcmp(key, "conditions") == 0) {
      decode_conditions(&c, v, out);
    } else if (strcmp(key, "always") == 0) {
      get_bool(&c, v, "/always", &out->always);
    } else if (strcmp(key, "auto_decision") == 0) {
      if (!json_is_string(v)) {
        problem(&c, "/auto_decision", "bad_type", "expected \"approve\" or \"none\"");
      } else {
        int ad = routing_auto_parse(json_string_value(v));
        if (ad < 0)
          problem(&c, "/auto_decision", "bad_value", "auto_decision is \"approve\" or \"none\"");
        else
          out->auto_decision = (enum route_auto)ad;
      }
    } else if (strcmp(key, "priority") == 0) {
      get_int(&c, v, "/priority", &out->priority);
    } else if (strcmp(key, "enabled") == 0) {
      get_bool(&c, v, "/enabled", &out->enabled);
    } else if (strcmp(key, "reason") == 0) {
      out->reason = get_str(&c, v, "/reason", false);
    } else {
      unknown(&c, "", key);
    }
    if (c.rc) return c.rc;
  }
  /* The check does not repeat a path the decoder already reported (a field that was not a
   * string is absent to the check, which would call it "required" or malformed). */
  size_t decoded = errs->n;
  routing_rule_check(out, c.base, rd, errs);
  size_t w = decoded;
  for (size_t i = decoded; i < errs->n; i++) {
    bool dup = false;
    for (size_t k = first; k < decoded && !dup; k++)
      dup = strcmp(errs->items[k].path, errs->items[i].path) == 0;
    if (!dup) errs->items[w++] = errs->items[i];
  }
  errs->n = w;
  return errs->n + errs->dropped > before ? -SW_EVALIDATION : 0;
}

static int put_list(json_t *obj, const char *key, char *const *list, size_t n) {
  if (n == 0) return 0;
  json_t *arr = json_array();
  if (!arr) return -1;
  for (size_t i = 0; i < n; i++)
    if (json_array_append_new(arr, list[i] ? json_string(list[i]) : json_null()) < 0) {
      json_decref(arr);
      return -1;
    }
  return json_object_set_new(obj, key, arr);
}

static int put(json_t *obj, const char *key, json_t *v) {
  return v ? json_object_set_new(obj, key, v) : -1;
}

json_t *routing_rule_to_json(const struct routing_rule *r) {
  static const enum decl_type order[] = {DECL_IM, DECL_EX, DECL_VA, DECL_VD};
  char buf[DEC_STR_MAX];
  int rc = -1;
  json_t *obj = json_object(), *types = NULL, *cond = NULL;
  if (!obj) goto out;
  if (r->id && put(obj, "id", json_string(r->id)) < 0) goto out;
  if (put(obj, "version", json_integer((json_int_t)r->version)) < 0) goto out;
  if (r->agency && put(obj, "agency", json_string(r->agency)) < 0) goto out;
  types = json_array();
  if (!types) goto out;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if ((r->types & DECL_TYPE_BIT(order[i])) &&
        json_array_append_new(types, json_string(decl_type_name(order[i]))) < 0)
      goto out;
  if (json_object_set_new(obj, "types", types) < 0) {
    types = NULL;
    goto out;
  }
  types = NULL;
  cond = json_object();
  if (!cond) goto out;
  if (put_list(cond, "hs_prefixes", r->hs_prefixes, r->n_hs_prefixes) < 0 ||
      put_list(cond, "origins", r->origins, r->n_origins) < 0 ||
      put_list(cond, "destinations", r->destinations, r->n_destinations) < 0 ||
      put_list(cond, "procedures", r->procedures, r->n_procedures) < 0)
    goto out;
  if (r->has_value_above) {
    if (dec_format(r->value_above, DEC_SCALE_MONEY, 0, buf, sizeof buf) < 0) goto out;
    if (put(cond, "value_above", json_string(buf)) < 0) goto out;
  }
  if (r->value_currency && put(cond, "value_currency", json_string(r->value_currency)) < 0)
    goto out;
  if (json_object_set_new(obj, "conditions", cond) < 0) {
    cond = NULL;
    goto out;
  }
  cond = NULL;
  if (put(obj, "always", json_boolean(r->always)) < 0 ||
      put(obj, "auto_decision", json_string(routing_auto_name(r->auto_decision))) < 0 ||
      put(obj, "priority", json_integer((json_int_t)r->priority)) < 0 ||
      put(obj, "enabled", json_boolean(r->enabled)) < 0)
    goto out;
  if (r->reason && put(obj, "reason", json_string(r->reason)) < 0) goto out;
  rc = 0;
out:
  json_decref(types);
  json_decref(cond);
  if (rc < 0) {
    json_decref(obj);
    obj = NULL;
  }
  return obj;
}
