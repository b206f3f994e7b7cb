/* h_fees.c - fee transparency (WTO TFA art. 1.1 and 6.1): the public catalogue of port
 * charges, versions published by administrators with effective dates, and the estimator. */
#include <stdio.h>
#include <string.h>

#include "codec/jfield.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/fees.h"
#include "core/timefmt.h"
#include "http/app.h"
#include "http/handlers.h"
#include "store/fee_store.h"
#include "store/store.h"

#define MAX_FEES 64

/* The day asked for (?date=) or today; answers 400 and returns -1 when malformed. */
static int query_day(struct http_req *r, int64_t *day) {
  const char *d = req_query(r, "date");
  *day = time_days_us(store_now_us());
  if (d && decl_date_parse(d, day) < 0) {
    reply_error(r, 400, "?date", "bad_parameter", "a date, YYYY-MM-DD");
    return -1;
  }
  return 0;
}

static int port_ok(const char *port) {
  return port && strlen(port) == 5 && strspn(port, "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789") == 5;
}

/* GET /v1/fees?port=&date=&history= */
void h_fees_list(struct http_req *r) {
  const char *port = req_query(r, "port"), *history = req_query(r, "history");
  int64_t day;
  char date[16];
  if (port && !port_ok(port)) {
    reply_error(r, 400, "?port", "bad_parameter", "a UN/LOCODE in capitals, e.g. CNSHA");
    return;
  }
  if (query_day(r, &day) < 0) return;
  time_format_date(day, date, sizeof date);
  struct db *db = store_reader(r->app->store);
  json_t *doc = json_pack("{s:s, s:o, s:o}", "date", date, "ports", fee_ports_json(db), "items",
                          fee_catalogue_json(db, port, day, history && !strcmp(history, "1")));
  json_object_set_new(doc, "port", port ? json_string(port) : json_null());
  reply_json(r, 200, doc);
}

struct fee_job {
  struct fee_rec f;
  const char *actor, *origin;
};

static int fee_write(struct db *db, void *arg) {
  struct fee_job *j = arg;
  return fee_publish(db, &j->f, j->actor, j->origin);
}

static void copy_field(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

/* POST /v1/fees - one version of a fee. */
void h_fee_publish(struct http_req *r) {
  static const char *const allowed[] = {"port", "item", "entity", "description", "basis",
                                        "unit", "free_days", "rate", "currency", "setting",
                                        "legal_basis", "effective_from", "effective_to", NULL};
  json_t *body = req_json(r);
  if (!body) return;
  struct errlist errs;
  struct jf f = {.a = &r->arena, .errs = &errs};
  struct fee_job j = {.actor = r->caller.login, .origin = r->client_ip};
  errlist_init(&errs);
  if (!json_is_object(body)) {
    jf_problem(&f, "", "bad_type", "an object");
  } else {
    jf_only(&f, body, allowed);
    const char *port = jf_str(&f, body, "port", 5, true, true);
    if (port && !refdata_location(r->app->rd, port))
      jf_problem(&f, "/port", "unknown_location", "not a UN/LOCODE");
    copy_field(j.f.port, sizeof j.f.port, port);
    const char *item = jf_str(&f, body, "item", sizeof j.f.item - 1, true, false);
    if (item && strspn(item, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(item))
      jf_problem(&f, "/item", "bad_format", "a code of lower-case letters, digits, _ and -");
    copy_field(j.f.item, sizeof j.f.item, item);
    copy_field(j.f.entity, sizeof j.f.entity, jf_str(&f, body, "entity", 127, true, false));
    copy_field(j.f.description, sizeof j.f.description,
               jf_str(&f, body, "description", 255, true, false));
    copy_field(j.f.basis, sizeof j.f.basis, jf_str(&f, body, "basis", 127, false, false));
    const char *unit = jf_str(&f, body, "unit", 23, true, false);
    if (unit && fee_unit_parse(unit) < 0)
      jf_problem(&f, "/unit", "unknown_unit",
                 "per_call, per_gt, per_declaration, per_container, per_container_20, "
                 "per_container_40, per_teu, per_container_day or per_tonne");
    copy_field(j.f.unit, sizeof j.f.unit, unit);
    if (!json_object_get(body, "free_days")) j.f.free_days = 0;
    else jf_int(&f, body, "free_days", 0, 365, &j.f.free_days);
    if (!jf_decimal(&f, body, "rate", FEE_RATE_SCALE, false, &j.f.rate) &&
        !json_object_get(body, "rate"))
      jf_problem(&f, "/rate", "required", "the rate per unit, e.g. \"0.25\"");
    const char *cur = jf_str(&f, body, "currency", 3, true, true);
    if (cur && !refdata_currency(r->app->rd, cur))
      jf_problem(&f, "/currency", "unknown_currency", "not an ISO 4217 currency");
    copy_field(j.f.currency, sizeof j.f.currency, cur);
    const char *setting = jf_str(&f, body, "setting", 10, true, false);
    if (setting && strcmp(setting, "government") && strcmp(setting, "market"))
      jf_problem(&f, "/setting", "bad_value", "government (set by law) or market");
    copy_field(j.f.setting, sizeof j.f.setting, setting);
    copy_field(j.f.legal_basis, sizeof j.f.legal_basis,
               jf_str(&f, body, "legal_basis", 255, false, false));
    const char *from = jf_str(&f, body, "effective_from", 10, true, false);
    if (from && decl_date_parse(from, &j.f.effective_from) < 0)
      jf_problem(&f, "/effective_from", "bad_datetime", "expected YYYY-MM-DD");
    const char *to = jf_str(&f, body, "effective_to", 10, false, false);
    if (to && decl_date_parse(to, &j.f.effective_to) < 0)
      jf_problem(&f, "/effective_to", "bad_datetime", "expected YYYY-MM-DD");
    else if (to && from && j.f.effective_to <= j.f.effective_from)
      jf_problem(&f, "/effective_to", "bad_range", "after effective_from");
  }
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The fee has problems", NULL, &errs);
    json_decref(body);
    return;
  }
  int rc = store_write(r->app->store, fee_write, &j);
  if (rc == -SW_EEXISTS) {
    reply_error(r, 409, "/effective_from", "version_exists",
                "this fee already has a version from that date");
  } else if (rc < 0) {
    reply_error(r, 503, "", "store_failed", "the fee could not be stored");
  } else {
    int64_t today = time_days_us(store_now_us());
    reply_json(r, 201, json_pack("{s:s, s:o}", "port", j.f.port, "items",
                                 fee_catalogue_json(store_reader(r->app->store), j.f.port,
                                                    today, 0)));
  }
  json_decref(body);
}

/* GET /v1/fees/estimate?port=&date=&gross_tonnage=&containers_20=&containers_40=
 *   &storage_days=&tonnes=&declarations= */
void h_fee_estimate(struct http_req *r) {
  const char *port = req_query(r, "port");
  struct fee_shipment s = {0};
  long gt, c20, c40, days, tonnes, decls;
  int64_t day;
  if (!port_ok(port)) {
    reply_error(r, 400, "?port", "bad_parameter", "a UN/LOCODE in capitals, e.g. CNSHA");
    return;
  }
  if (query_day(r, &day) < 0 ||
      req_query_int(r, "gross_tonnage", 0, 1000000, 0, &gt) < 0 ||
      req_query_int(r, "containers_20", 0, 100000, 0, &c20) < 0 ||
      req_query_int(r, "containers_40", 0, 100000, 0, &c40) < 0 ||
      req_query_int(r, "storage_days", 0, 3650, 0, &days) < 0 ||
      req_query_int(r, "tonnes", 0, 10000000, 0, &tonnes) < 0 ||
      req_query_int(r, "declarations", 0, 10000, 1, &decls) < 0)
    return;
  s.gross_tonnage = gt;
  s.containers_20 = c20;
  s.containers_40 = c40;
  s.storage_days = days;
  s.tonnes = tonnes;
  s.declarations = decls;
  struct fee_rec *rows = arena_alloc(&r->arena, MAX_FEES * sizeof *rows);
  if (!rows) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  int n = fee_current(store_reader(r->app->store), port, day, rows, MAX_FEES);
  if (n < 0) {
    reply_error(r, 503, "", "unavailable", "the catalogue could not be read");
    return;
  }
  json_t *charges = json_array(), *totals = json_object();
  for (int i = 0; i < n; i++) {
    int u = fee_unit_parse(rows[i].unit);
    if (u < 0) continue;
    int64_t q = fee_quantity((enum fee_unit)u, rows[i].free_days, &s), amount;
    if (q <= 0) continue;
    if (fee_amount(rows[i].rate, q, &amount) < 0) {
      json_decref(charges);
      json_decref(totals);
      reply_error(r, 400, "", "too_large", "the amounts are too large");
      return;
    }
    char rate[DEC_STR_MAX], amt[DEC_STR_MAX];
    fee_rate_format(rows[i].rate, rate, sizeof rate);
    dec_format(amount, DEC_SCALE_MONEY, 0, amt, sizeof amt);
    json_array_append_new(
        charges, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "item",
                           rows[i].item, "entity", rows[i].entity, "description",
                           rows[i].description, "unit", rows[i].unit, "rate", rate,
                           "quantity", (json_int_t)q, "amount", amt, "currency",
                           rows[i].currency, "setting", rows[i].setting));
    json_t *t = json_object_get(totals, rows[i].currency);
    json_int_t sum = t ? json_integer_value(t) : 0;
    json_object_set_new(totals, rows[i].currency, json_integer(sum + amount));
  }
  json_t *totals_arr = json_array();
  const char *cur;
  json_t *v;
  json_object_foreach(totals, cur, v) {
    char amt[DEC_STR_MAX];
    dec_format(json_integer_value(v), DEC_SCALE_MONEY, 0, amt, sizeof amt);
    json_array_append_new(totals_arr, json_pack("{s:s, s:s}", "currency", cur, "amount", amt));
  }
  json_decref(totals);
  char date[16];
  time_format_date(day, date, sizeof date);
  reply_json(r, 200,
             json_pack("{s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o}", "port", port,
                       "date", date, "shipment", "gross_tonnage", (json_int_t)gt,
                       "containers_20", (json_int_t)c20, "containers_40", (json_int_t)c40,
                       "storage_days", (json_int_t)days, "tonnes", (json_int_t)tonnes,
                       "declarations", (json_int_t)decls, "charges", charges, "totals",
                       totals_arr));
}
