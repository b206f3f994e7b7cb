#include "codec/permit_json.h"

#include <stdio.h>
#include <string.h>

#include "codec/jfield.h"
#include "core/arena.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"
#include "core/timefmt.h"

static bool all_digits(const char *s, size_t min, size_t max) {
  size_t n = strlen(s);
  return n >= min && n <= max && strspn(s, "0123456789") == n;
}

static bool unit_ok(const char *s) {
  size_t n = strlen(s);
  return n >= 2 && n <= 3 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

static int64_t date_field(struct jf *f, const json_t *obj, const char *key) {
  char *s = jf_str(f, obj, key, 10, true, false);
  int64_t days = 0;
  char rel[32];
  snprintf(rel, sizeof rel, "/%s", key);
  if (s && decl_date_parse(s, &days) < 0) jf_problem(f, rel, "bad_datetime", "expected YYYY-MM-DD");
  return days;
}

int permit_from_json(const json_t *root, struct arena *a, struct permit *out,
                     struct errlist *errs) {
  static const char *const top[] = {"type", "number", "holder", "valid_from", "valid_to",
                                    "usage", "max_uses", "lines", NULL};
  static const char *const line_keys[] = {"hs_prefix", "description", "unit", "quantity",
                                          "value", NULL};
  struct jf f = {.a = a, .errs = errs};
  size_t before = errs->n + errs->dropped;
  memset(out, 0, sizeof *out);
  if (!json_is_object(root)) {
    jf_problem(&f, "", "bad_type", "a permit is a JSON object");
    return -SW_EVALIDATION;
  }
  jf_only(&f, root, top);
  out->type = jf_str(&f, root, "type", 35, true, false);
  out->number = jf_str(&f, root, "number", PERMIT_NUMBER_MAX, true, false);
  out->holder = jf_str(&f, root, "holder", 35, true, false);
  out->valid_from = date_field(&f, root, "valid_from");
  out->valid_to = date_field(&f, root, "valid_to");
  if (errs->n + errs->dropped == before && out->valid_to < out->valid_from)
    jf_problem(&f, "/valid_to", "bad_value", "valid_to is before valid_from");
  const char *usage = jf_str(&f, root, "usage", 16, false, false);
  int64_t max_uses = 0;
  bool has_max = jf_int(&f, root, "max_uses", 1, 1000000, &max_uses);
  if (!usage || !strcmp(usage, "unlimited")) {
    out->max_uses = 0;
  } else if (!strcmp(usage, "single")) {
    out->max_uses = 1;
  } else if (!strcmp(usage, "limited")) {
    if (!has_max) jf_problem(&f, "/max_uses", "required", "a limited permit needs max_uses");
    out->max_uses = max_uses;
  } else {
    jf_problem(&f, "/usage", "bad_value", "usage is single, limited or unlimited");
  }
  json_t *lines = json_object_get(root, "lines");
  if (!json_is_array(lines) || !json_array_size(lines)) {
    jf_problem(&f, "/lines", "required", "at least one goods line is required");
  } else if (json_array_size(lines) > PERMIT_MAX_LINES) {
    jf_problem(&f, "/lines", "too_many", "at most 50 goods lines");
  } else {
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l) {
      struct jf lf = {.a = a, .errs = errs};
      struct permit_line *pl = &out->lines[out->n_lines++];
      snprintf(lf.base, sizeof lf.base, "/lines/%zu", i);
      if (!json_is_object(l)) {
        jf_problem(&lf, "", "bad_type", "a goods line is an object");
        continue;
      }
      jf_only(&lf, l, line_keys);
      pl->hs_prefix = jf_str(&lf, l, "hs_prefix", 10, true, false);
      if (pl->hs_prefix && !all_digits(pl->hs_prefix, 2, 10))
        jf_problem(&lf, "/hs_prefix", "bad_format", "2 to 10 digits");
      pl->description = jf_str(&lf, l, "description", 512, false, false);
      pl->unit = jf_str(&lf, l, "unit", 3, false, true);
      if (pl->unit && !unit_ok(pl->unit))
        jf_problem(&lf, "/unit", "bad_format", "a UN/ECE Rec 20 unit code such as KGM");
      pl->has_quantity = jf_decimal(&lf, l, "quantity", DEC_SCALE_QTY, true, &pl->quantity);
      pl->has_value = jf_decimal(&lf, l, "value", DEC_SCALE_MONEY, true, &pl->value);
      if (!json_object_get(l, "quantity") && !json_object_get(l, "value"))
        jf_problem(&lf, "/quantity", "required", "give a quantity, a value, or both");
      if (pl->has_quantity && !pl->unit)
        jf_problem(&lf, "/unit", "required", "a quantity needs its unit");
      f.oom |= lf.oom;
    }
  }
  if (f.oom) return -SW_ENOMEM;
  return errs->n + errs->dropped == before ? 0 : -SW_EVALIDATION;
}

static json_t *amount(int64_t v, int scale) {
  char buf[40];
  if (dec_format(v, scale, scale == DEC_SCALE_QTY ? DEC_FMT_TRIM : 0, buf, sizeof buf) < 0)
    return json_null();
  return json_string(buf);
}

json_t *permit_to_json(const struct permit *p, int64_t today) {
  char from[16], to[16];
  time_format_date(p->valid_from, from, sizeof from);
  time_format_date(p->valid_to, to, sizeof to);
  json_t *lines = json_array();
  for (size_t i = 0; i < p->n_lines; i++) {
    const struct permit_line *l = &p->lines[i];
    json_t *j = json_pack("{s:s, s:s?, s:s?}", "hs_prefix", l->hs_prefix, "description",
                          l->description, "unit", l->unit);
    if (l->has_quantity) {
      json_object_set_new(j, "quantity", amount(l->quantity, DEC_SCALE_QTY));
      json_object_set_new(j, "used_quantity", amount(l->used_quantity, DEC_SCALE_QTY));
      json_object_set_new(j, "remaining_quantity",
                          amount(l->quantity - l->used_quantity, DEC_SCALE_QTY));
    }
    if (l->has_value) {
      json_object_set_new(j, "value", amount(l->value, DEC_SCALE_MONEY));
      json_object_set_new(j, "used_value", amount(l->used_value, DEC_SCALE_MONEY));
      json_object_set_new(j, "remaining_value", amount(l->value - l->used_value, DEC_SCALE_MONEY));
    }
    json_array_append_new(lines, j);
  }
  const char *usage = p->max_uses == 0 ? "unlimited" : p->max_uses == 1 ? "single" : "limited";
  json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "type", p->type,
                          "number", p->number, "issuer", p->issuer, "holder", p->holder,
                          "valid_from", from, "valid_to", to, "usage", usage, "uses",
                          (json_int_t)p->uses, "status",
                          permit_status_name(permit_effective_status(p, today)), "lines", lines);
  if (p->max_uses) json_object_set_new(doc, "max_uses", json_integer(p->max_uses));
  return doc;
}

int requirement_rule_from_json(const json_t *root, struct arena *a,
                               struct requirement_rule *out, struct errlist *errs) {
  static const char *const keys[] = {"id", "version", "document_type", "types", "hs_prefixes",
                                     "origins", "procedures", "reason", "enabled", NULL};
  struct jf f = {.a = a, .errs = errs};
  size_t before = errs->n + errs->dropped, ntypes = 0;
  memset(out, 0, sizeof *out);
  if (!json_is_object(root)) {
    jf_problem(&f, "", "bad_type", "a requirement rule is a JSON object");
    return -SW_EVALIDATION;
  }
  jf_only(&f, root, keys);
  out->id = jf_str(&f, root, "id", 64, true, false);
  if (out->id && strspn(out->id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
                     strlen(out->id))
    jf_problem(&f, "/id", "bad_format", "letters, digits, '.', '_' and '-' only");
  out->version = 1;
  jf_int(&f, root, "version", 1, INT64_MAX, &out->version);
  out->document_type = jf_str(&f, root, "document_type", 35, true, false);
  char **types = jf_str_list(&f, root, "types", 2, 2, true, &ntypes);
  for (size_t i = 0; i < ntypes; i++) {
    enum decl_type t = decl_type_parse(types[i]);
    if (t != DECL_IM && t != DECL_EX) {
      char rel[32];
      snprintf(rel, sizeof rel, "/types/%zu", i);
      jf_problem(&f, rel, "bad_value", "IM or EX");
    } else {
      out->types |= DECL_TYPE_BIT(t);
    }
  }
  if (!ntypes) out->types = DECL_TYPES_GOODS;
  out->hs_prefixes = jf_str_list(&f, root, "hs_prefixes", 256, 10, false, &out->n_hs_prefixes);
  for (size_t i = 0; i < out->n_hs_prefixes; i++)
    if (!all_digits(out->hs_prefixes[i], 2, 10)) {
      char rel[40];
      snprintf(rel, sizeof rel, "/hs_prefixes/%zu", i);
      jf_problem(&f, rel, "bad_format", "2 to 10 digits");
    }
  out->origins = jf_str_list(&f, root, "origins", 256, 2, true, &out->n_origins);
  out->procedures = jf_str_list(&f, root, "procedures", 64, 4, false, &out->n_procedures);
  out->reason = jf_str(&f, root, "reason", 512, true, false);
  out->enabled = jf_bool(&f, root, "enabled", true);
  if (f.oom) return -SW_ENOMEM;
  return errs->n + errs->dropped == before ? 0 : -SW_EVALIDATION;
}

static json_t *str_list(char *const *list, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(list[i]));
  return a;
}

json_t *requirement_rule_to_json(const struct requirement_rule *r) {
  json_t *types = json_array();
  if (r->types & DECL_TYPE_BIT(DECL_IM)) json_array_append_new(types, json_string("IM"));
  if (r->types & DECL_TYPE_BIT(DECL_EX)) json_array_append_new(types, json_string("EX"));
  return json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:b}", "id", r->id, "version",
                   (json_int_t)r->version, "document_type", r->document_type, "types", types,
                   "hs_prefixes", str_list(r->hs_prefixes, r->n_hs_prefixes), "origins",
                   str_list(r->origins, r->n_origins), "procedures",
                   str_list(r->procedures, r->n_procedures), "reason", r->reason ? r->reason : "",
                   "enabled", r->enabled);
}
