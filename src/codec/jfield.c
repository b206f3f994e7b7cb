#include "codec/jfield.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/decimal.h"
#include "core/errlist.h"

void jf_problem(struct jf *f, const char *rel, const char *code, const char *message) {
  char path[sizeof f->base + 128];
  snprintf(path, sizeof path, "%s%s", f->base, rel);
  errlist_add(f->errs, path, code, "%s", message);
}

static void keypath(char *out, size_t len, const char *key) { snprintf(out, len, "/%s", key); }

static char *copy_trim(struct jf *f, const char *s, size_t n, bool upper) {
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  char *r = arena_strndup(f->a, s, n);
  if (!r) {
    f->oom = 1;
    return NULL;
  }
  if (upper)
    for (char *p = r; *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
  return r;
}

char *jf_str(struct jf *f, const json_t *obj, const char *key, size_t max, bool required,
             bool upper) {
  json_t *v = json_object_get(obj, key);
  char rel[64], msg[96];
  keypath(rel, sizeof rel, key);
  if (!v || json_is_null(v)) {
    if (required) jf_problem(f, rel, "required", "this field is required");
    return NULL;
  }
  if (!json_is_string(v)) {
    jf_problem(f, rel, "bad_type", "expected a string");
    return NULL;
  }
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (memchr(s, 0, n)) {
    jf_problem(f, rel, "bad_format", "must not contain NUL characters");
    return NULL;
  }
  char *r = copy_trim(f, s, n, upper);
  if (r && !*r) {
    if (required) jf_problem(f, rel, "required", "this field must not be empty");
    return NULL;
  }
  if (r && strlen(r) > max) {
    snprintf(msg, sizeof msg, "at most %zu characters", max);
    jf_problem(f, rel, "too_long", msg);
    return NULL;
  }
  return r;
}

bool jf_decimal(struct jf *f, const json_t *obj, const char *key, int scale, bool positive,
                int64_t *out) {
  json_t *v = json_object_get(obj, key);
  char rel[64], msg[128];
  enum dec_error why = DEC_OK;
  int rc;
  keypath(rel, sizeof rel, key);
  if (!v || json_is_null(v)) return false;
  if (json_is_string(v))
    rc = dec_parse(json_string_value(v), json_string_length(v), scale, 0, out, &why);
  else if (json_is_integer(v))
    rc = dec_from_int((int64_t)json_integer_value(v), scale, 0, out, &why);
  else {
    jf_problem(f, rel, "bad_type", "expected a decimal string such as \"1000.50\"");
    return false;
  }
  if (rc < 0) {
    dec_error_message(why, scale, msg, sizeof msg);
    jf_problem(f, rel, "bad_decimal", msg);
    return false;
  }
  if (positive && *out <= 0) {
    jf_problem(f, rel, "out_of_range", "must be greater than zero");
    return false;
  }
  return true;
}

bool jf_int(struct jf *f, const json_t *obj, const char *key, int64_t lo, int64_t hi,
            int64_t *out) {
  json_t *v = json_object_get(obj, key);
  char rel[64], msg[96];
  keypath(rel, sizeof rel, key);
  if (!v || json_is_null(v)) return false;
  if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
    snprintf(msg, sizeof msg, "expected a whole number from %lld to %lld", (long long)lo,
             (long long)hi);
    jf_problem(f, rel, json_is_integer(v) ? "out_of_range" : "bad_type", msg);
    return false;
  }
  *out = (int64_t)json_integer_value(v);
  return true;
}

bool jf_bool(struct jf *f, const json_t *obj, const char *key, bool dflt) {
  json_t *v = json_object_get(obj, key);
  char rel[64];
  keypath(rel, sizeof rel, key);
  if (!v || json_is_null(v)) return dflt;
  if (!json_is_boolean(v)) {
    jf_problem(f, rel, "bad_type", "expected true or false");
    return dflt;
  }
  return json_is_true(v);
}

char **jf_str_list(struct jf *f, const json_t *obj, const char *key, size_t max_items,
                   size_t max_len, bool upper, size_t *n) {
  json_t *v = json_object_get(obj, key);
  char rel[80], msg[96];
  *n = 0;
  keypath(rel, sizeof rel, key);
  if (!v || json_is_null(v)) return NULL;
  if (!json_is_array(v)) {
    jf_problem(f, rel, "bad_type", "expected an array of strings");
    return NULL;
  }
  if (json_array_size(v) > max_items) {
    snprintf(msg, sizeof msg, "at most %zu entries", max_items);
    jf_problem(f, rel, "too_many", msg);
    return NULL;
  }
  char **list = arena_alloc(f->a, (json_array_size(v) + 1) * sizeof *list);
  if (!list) {
    f->oom = 1;
    return NULL;
  }
  size_t i;
  json_t *e;
  json_array_foreach(v, i, e) {
    snprintf(rel, sizeof rel, "/%s/%zu", key, i);
    if (!json_is_string(e) || !json_string_length(e) || json_string_length(e) > max_len) {
      snprintf(msg, sizeof msg, "expected a string of 1 to %zu characters", max_len);
      jf_problem(f, rel, "bad_type", msg);
      continue;
    }
    char *s = copy_trim(f, json_string_value(e), json_string_length(e), upper);
    if (s) list[(*n)++] = s;
  }
  return list;
}

void jf_only(struct jf *f, const json_t *obj, const char *const *allowed) {
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    size_t i = 0;
    while (allowed[i] && strcmp(allowed[i], key) != 0) i++;
    if (!allowed[i]) {
      char rel[80];
      snprintf(rel, sizeof rel, "/%.60s", key);
      jf_problem(f, rel, "unknown_field", "this field is not known here");
    }
  }
}
