/* h_reference.c - reference data lookups (HS, countries, currencies, locations) and the
 * check-digit helpers, answered from memory. */
#include <string.h>

#include "core/checkdigit.h"
#include "http/app.h"
#include "http/handlers.h"

#define SEARCH_MAX 50

static json_t *hs_json(const struct hs_entry *e) {
  return json_pack("{s:s, s:s, s:i, s:s, s:s}", "code", e->code, "description", e->description,
                   "level", e->level, "section", e->section, "parent", e->parent);
}

void h_ref_hs_get(struct http_req *r) {
  const char *code = req_param(r, "code");
  const struct hs_entry *e = refdata_hs(r->app->rd, code);
  if (!e) {
    reply_error(r, 404, "/code", "unknown_hs", "no HS 2022 entry has this code");
    return;
  }
  json_t *doc = hs_json(e), *parents = json_array();
  for (const struct hs_entry *p = refdata_hs(r->app->rd, e->parent); p;
       p = refdata_hs(r->app->rd, p->parent))
    json_array_insert_new(parents, 0, hs_json(p));
  json_object_set_new(doc, "parents", parents);
  reply_json(r, 200, doc);
}

/* Reads ?q= and ?limit=; answers 400 itself and returns -1 when they are unusable. */
static int search_args(struct http_req *r, const char **q, long *limit) {
  *q = req_query(r, "q");
  if (!*q || !**q || strlen(*q) > 100) {
    reply_error(r, 400, "?q", "bad_parameter", "q must be 1 to 100 characters");
    return -1;
  }
  return req_query_int(r, "limit", 1, SEARCH_MAX, 20, limit);
}

void h_ref_hs_search(struct http_req *r) {
  const struct hs_entry *hits[SEARCH_MAX];
  const char *q;
  long limit;
  if (search_args(r, &q, &limit) < 0) return;
  size_t n = refdata_hs_search(r->app->rd, q, hits, (size_t)limit);
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(items, hs_json(hits[i]));
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static json_t *country_json(const struct country *c) {
  return json_pack("{s:s, s:s, s:s, s:s}", "code", c->alpha2, "alpha3", c->alpha3, "numeric",
                   c->numeric, "name", c->name);
}

static json_t *currency_json(const struct currency *c) {
  return json_pack("{s:s, s:s, s:s, s:i}", "code", c->code, "numeric", c->numeric, "name",
                   c->name, "minor_unit", c->minor_unit);
}

static json_t *location_json(const struct location *l) {
  return json_pack("{s:s, s:s, s:s, s:s}", "code", l->locode, "country", l->country, "name",
                   l->name, "function", l->function);
}

void h_ref_country_get(struct http_req *r) {
  const struct country *c = refdata_country(r->app->rd, req_param(r, "code"));
  if (!c) {
    reply_error(r, 404, "/code", "unknown_country", "no ISO 3166 country");
    return;
  }
  reply_json(r, 200, country_json(c));
}

void h_ref_currency_get(struct http_req *r) {
  const struct currency *c = refdata_currency(r->app->rd, req_param(r, "code"));
  if (!c) {
    reply_error(r, 404, "/code", "unknown_currency", "no ISO 4217 currency");
    return;
  }
  reply_json(r, 200, currency_json(c));
}

void h_ref_location_get(struct http_req *r) {
  const struct location *l = refdata_location(r->app->rd, req_param(r, "code"));
  if (!l) {
    reply_error(r, 404, "/code", "unknown_locode", "no UN/LOCODE location");
    return;
  }
  reply_json(r, 200, location_json(l));
}

void h_ref_country_search(struct http_req *r) {
  const struct country *hits[SEARCH_MAX];
  const char *q;
  long limit;
  if (search_args(r, &q, &limit) < 0) return;
  size_t n = refdata_country_search(r->app->rd, q, hits, (size_t)limit);
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(items, country_json(hits[i]));
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_ref_currency_search(struct http_req *r) {
  const struct currency *hits[SEARCH_MAX];
  const char *q;
  long limit;
  if (search_args(r, &q, &limit) < 0) return;
  size_t n = refdata_currency_search(r->app->rd, q, hits, (size_t)limit);
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(items, currency_json(hits[i]));
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_ref_location_search(struct http_req *r) {
  const struct location *hits[SEARCH_MAX];
  const char *q;
  long limit;
  if (search_args(r, &q, &limit) < 0) return;
  size_t n = refdata_location_search(r->app->rd, q, hits, (size_t)limit);
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(items, location_json(hits[i]));
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /v1/reference/check/{kind}/{value}: kind is "imo" or "container". */
void h_ref_check(struct http_req *r) {
  const char *kind = req_param(r, "kind"), *value = req_param(r, "value");
  enum cd_result res;
  if (strcmp(kind, "imo") == 0)
    res = cd_imo(value);
  else if (strcmp(kind, "container") == 0)
    res = cd_iso6346(value);
  else {
    reply_error(r, 404, "/kind", "unknown_kind", "kind must be 'imo' or 'container'");
    return;
  }
  static const char *const names[] = {"valid", "bad_length", "bad_format", "bad_check_digit"};
  reply_json(r, 200, json_pack("{s:s, s:s, s:b, s:s}", "kind", kind, "value", value, "valid",
                               res == CD_VALID, "result", names[res]));
}
