/* h_stats.c - public release-time statistics (WCO Time Release Study; TFA art. 7.6):
 * aggregates only, groups smaller than the configured minimum suppressed. JSON or CSV. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decl.h"
#include "core/err.h"
#include "core/stats.h"
#include "http/app.h"
#include "http/handlers.h"
#include "core/decimal.h"
#include "core/lifecycle.h"
#include "store/decl_store.h"
#include "store/logistics_store.h"
#include "store/query_store.h"

static const char *const DIM_NAMES_QS[] = {"type", "month", "hs_chapter", "origin", "destination"};

#define HOUR 3600LL
/* histogram of the total release time, seconds: the last bin is open */
static const int64_t EDGES_S[] = {0,        900,      1800,      HOUR,      2 * HOUR,
                                  4 * HOUR, 8 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR,
                                  72 * HOUR, 120 * HOUR, 168 * HOUR};
#define N_EDGES (sizeof EDGES_S / sizeof EDGES_S[0])

static json_t *summary_json(const struct stats_summary *s) {
  const int64_t us = 1000000;
  return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "count", (json_int_t)s->count, "mean",
                   (json_int_t)stats_div_round(s->mean, us), "median",
                   (json_int_t)stats_div_round(s->median, us), "p90",
                   (json_int_t)stats_div_round(s->p90, us), "min",
                   (json_int_t)stats_div_round(s->min, us), "max",
                   (json_int_t)stats_div_round(s->max, us));
}

static json_t *group_json(const struct rt_group *g) {
  json_t *j = json_pack("{s:s, s:I, s:b}", "key", g->key, "count", (json_int_t)g->count,
                        "suppressed", g->suppressed);
  if (g->suppressed) return j;
  json_t *stages = json_object();
  for (int s = 0; s < RT_N_STAGES; s++)
    if (g->stage[s].count) json_object_set_new(stages, rt_stage_name(s), summary_json(&g->stage[s]));
  json_object_set_new(j, "stages", stages);
  return j;
}


struct csvbuf {
  char *p;
  size_t n, cap;
};

static void csv_add(struct csvbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void csv_add(struct csvbuf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    if (b->p && (size_t)w < b->cap - b->n) {
      b->n += (size_t)w;
      return;
    }
    size_t nc = (b->cap ? b->cap * 2 : 4096) + (size_t)w;
    char *np = realloc(b->p, nc);
    if (!np) return;
    b->p = np;
    b->cap = nc;
  }
}

static void csv_rows(struct csvbuf *b, const struct rt_group *g, size_t n) {
  const int64_t us = 1000000;
  for (size_t i = 0; i < n; i++) {
    if (g[i].suppressed) {
      csv_add(b, "%s,%zu,true,,,,,,,\n", g[i].key, g[i].count);
      continue;
    }
    for (int s = 0; s < RT_N_STAGES; s++) {
      const struct stats_summary *m = &g[i].stage[s];
      if (!m->count) continue;
      csv_add(b, "%s,%zu,false,%s,%zu,%lld,%lld,%lld,%lld,%lld\n", g[i].key, g[i].count,
              rt_stage_name(s), m->count, (long long)stats_div_round(m->mean, us),
              (long long)stats_div_round(m->median, us), (long long)stats_div_round(m->p90, us),
              (long long)stats_div_round(m->min, us), (long long)stats_div_round(m->max, us));
    }
  }
}

/* GET /v1/stats/release-times?from=&to=&type=&office=&mode=&by=&format= */
void h_stats_release_times(struct http_req *r) {
  struct rt_filter f = {0};
  struct errlist errs;
  struct rt_record *recs = NULL, *recs2 = NULL;
  struct rt_group *overall = NULL, *groups = NULL;
  char *keys = NULL, *keys2 = NULL;
  size_t n = 0, n2 = 0, n_overall = 0, n_groups = 0;
  int64_t day;
  errlist_init(&errs);
  const char *from = req_query(r, "from"), *to = req_query(r, "to"), *by_s = req_query(r, "by");
  const char *format = req_query(r, "format");
  f.type = req_query(r, "type");
  f.office = req_query(r, "office");
  f.mode = req_query(r, "mode");
  if (from && decl_date_parse(from, &day) == 0) f.from_us = day * 86400LL * 1000000;
  else if (from) errlist_add(&errs, "?from", "bad_parameter", "a date, YYYY-MM-DD");
  if (to && decl_date_parse(to, &day) == 0) f.to_us = (day + 1) * 86400LL * 1000000;
  else if (to) errlist_add(&errs, "?to", "bad_parameter", "a date, YYYY-MM-DD (inclusive)");
  int by = by_s ? rt_dim_parse(by_s) : RT_BY_NONE;
  if (by < 0)
    errlist_add(&errs, "?by", "bad_parameter",
                "one of none, type, office, mode, channel, agencies, agency, trusted, month, day");
  if (format && strcmp(format, "json") && strcmp(format, "csv"))
    errlist_add(&errs, "?format", "bad_parameter", "json or csv");
  if (f.type && strlen(f.type) > 3) errlist_add(&errs, "?type", "bad_parameter", "IM, EX, VA or VD");
  if (f.office && strlen(f.office) != 5)
    errlist_add(&errs, "?office", "bad_parameter", "a UN/LOCODE of 5 characters");
  if (f.mode && strlen(f.mode) != 1)
    errlist_add(&errs, "?mode", "bad_parameter", "a transport mode code (UN Rec 19), one digit");
  if (errlist_any(&errs)) {
    reply_problem(r, 400, "bad_parameter", "Bad request", NULL, &errs);
    return;
  }
  size_t min = (size_t)r->app->cfg.stats_min_group;
  struct db *db = store_reader(r->app->store);
  int rc = rt_records_load(db, &f, RT_BY_NONE, &recs, &n, &keys);
  int64_t *totals = NULL;
  size_t bins[N_EDGES];
  if (rc == 0 && n) {
    totals = malloc(n * sizeof *totals);
    if (!totals) rc = -SW_ENOMEM;
    for (size_t i = 0; totals && i < n; i++) totals[i] = recs[i].v[RT_TOTAL] / 1000000;
  }
  if (rc == 0) stats_histogram(totals, totals ? n : 0, EDGES_S, N_EDGES, bins);
  if (rc == 0) rc = rt_aggregate(recs, n, min, &overall, &n_overall);
  size_t count = n;
  json_t *overall_j = NULL;
  if (rc == 0) {
    struct rt_group empty = {.key = "all", .suppressed = 1};
    overall_j = group_json(n_overall ? &overall[0] : &empty);
  }
  if (rc == 0 && by != RT_BY_NONE) {
    /* the overall group's key lives in keys: the groups get their own buffers */
    rc = rt_records_load(db, &f, (enum rt_dim)by, &recs2, &n2, &keys2);
    if (rc == 0) rc = rt_aggregate(recs2, n2, min, &groups, &n_groups);
  }
  if (rc < 0) {
    json_decref(overall_j);
    reply_error(r, 503, "", "unavailable", "the statistics could not be computed");
    goto out;
  }
  if (format && !strcmp(format, "csv")) {
    struct csvbuf b = {0};
    csv_add(&b, "group,count,suppressed,stage,n,mean_s,median_s,p90_s,min_s,max_s\n");
    if (n_overall) csv_rows(&b, overall, n_overall);
    csv_rows(&b, groups, n_groups);
    json_decref(overall_j);
    if (!b.p) {
      reply_error(r, 503, "", "unavailable", "out of memory");
      goto out;
    }
    reply_bytes(r, 200, "text/csv; charset=utf-8", b.p, b.n, 1);
    reply_header(r, "Content-Disposition", "attachment; filename=\"release-times.csv\"");
    free(b.p);
    goto out;
  }
  json_t *groups_j = json_array();
  for (size_t i = 0; i < n_groups; i++) json_array_append_new(groups_j, group_json(&groups[i]));
  json_t *hist = json_array();
  int hist_hidden = count < min;
  for (size_t i = 0; i < N_EDGES && !hist_hidden; i++) {
    json_t *bin = json_pack("{s:I, s:I}", "from", (json_int_t)EDGES_S[i], "count",
                            (json_int_t)bins[i]);
    json_object_set_new(bin, "to", i + 1 < N_EDGES ? json_integer(EDGES_S[i + 1]) : json_null());
    json_array_append_new(hist, bin);
  }
  json_t *stage_names = json_array();
  for (int s = 0; s < RT_N_STAGES; s++) json_array_append_new(stage_names, json_string(rt_stage_name(s)));
  reply_json(r, 200,
             json_pack("{s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:{s:s, s:b, s:o}}", "method",
                       "WCO Time Release Study", "unit", "seconds", "min_group",
                       (json_int_t)min, "by", by_s ? by_s : "none", "stages", stage_names,
                       "overall", overall_j, "groups", groups_j, "histogram", "stage", "total",
                       "suppressed", hist_hidden, "bins", hist));
out:
  free(totals);
  free(recs);
  free(keys);
  free(recs2);
  free(keys2);
  free(overall);
  free(groups);
}

/* GET /v1/stats/declarations?by=&from=&to=&type=&format= - declarations and declared value
 * by type, month, HS chapter, origin or destination, per invoice currency. Public
 * (aggregates; groups under the minimum suppressed); administrators see every group. */
void h_stats_declarations(struct http_req *r) {
  const char *by_s = req_query(r, "by"), *from = req_query(r, "from"), *to = req_query(r, "to");
  const char *type = req_query(r, "type"), *format = req_query(r, "format");
  struct errlist errs;
  int64_t from_us = 0, to_us = 0, day;
  errlist_init(&errs);
  int by = qs_dim_parse(by_s ? by_s : "type");
  if (by < 0)
    errlist_add(&errs, "?by", "bad_parameter", "one of type, month, hs_chapter, origin, destination");
  if (from && decl_date_parse(from, &day) == 0) from_us = day * 86400LL * 1000000;
  else if (from) errlist_add(&errs, "?from", "bad_parameter", "a date, YYYY-MM-DD");
  if (to && decl_date_parse(to, &day) == 0) to_us = (day + 1) * 86400LL * 1000000;
  else if (to) errlist_add(&errs, "?to", "bad_parameter", "a date, YYYY-MM-DD (inclusive)");
  if (type && strcmp(type, "IM") && strcmp(type, "EX"))
    errlist_add(&errs, "?type", "bad_parameter", "IM or EX");
  if (format && strcmp(format, "json") && strcmp(format, "csv"))
    errlist_add(&errs, "?format", "bad_parameter", "json or csv");
  if (errlist_any(&errs)) {
    reply_problem(r, 400, "bad_parameter", "Bad request", NULL, &errs);
    return;
  }
  size_t min = r->caller.role == ROLE_ADMIN ? 1 : (size_t)r->app->cfg.stats_min_group;
  struct qs_row *rows;
  size_t n;
  if (qs_declarations(store_reader(r->app->store), (enum qs_dim)by, from_us, to_us, type, &rows,
                      &n) < 0) {
    reply_error(r, 503, "", "unavailable", "the statistics could not be computed");
    return;
  }
  if (format && !strcmp(format, "csv")) {
    struct csvbuf b = {0};
    csv_add(&b, "key,currency,declarations,value,suppressed\n");
    for (size_t i = 0; i < n; i++) {
      char v[DEC_STR_MAX];
      int hide = stats_suppressed((size_t)rows[i].declarations, min);
      dec_format(rows[i].value, DEC_SCALE_MONEY, 0, v, sizeof v);
      if (hide) csv_add(&b, "%s,%s,,,true\n", rows[i].key, rows[i].currency);
      else csv_add(&b, "%s,%s,%lld,%s,false\n", rows[i].key, rows[i].currency,
                   (long long)rows[i].declarations, v);
    }
    free(rows);
    if (!b.p) {
      reply_error(r, 503, "", "unavailable", "out of memory");
      return;
    }
    reply_bytes(r, 200, "text/csv; charset=utf-8", b.p, b.n, 1);
    free(b.p);
    return;
  }
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *row = json_pack("{s:s, s:s, s:b}", "key", rows[i].key, "currency", rows[i].currency,
                            "suppressed", stats_suppressed((size_t)rows[i].declarations, min));
    if (!stats_suppressed((size_t)rows[i].declarations, min)) {
      char v[DEC_STR_MAX];
      dec_format(rows[i].value, DEC_SCALE_MONEY, 0, v, sizeof v);
      json_object_set_new(row, "declarations", json_integer(rows[i].declarations));
      json_object_set_new(row, "value", json_string(v));
    }
    json_array_append_new(items, row);
  }
  free(rows);
  reply_json(r, 200, json_pack("{s:s, s:I, s:o}", "by", DIM_NAMES_QS[by], "min_group",
                               (json_int_t)min, "items", items));
}

/* Appends one CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(struct csvbuf *b, const char *s, int last) {
  if (strpbrk(s, ",\"\r\n")) {
    csv_add(b, "\"");
    for (const char *p = s; *p; p++) csv_add(b, *p == '"' ? "\"\"" : "%c", *p);
    csv_add(b, "\"");
  } else {
    csv_add(b, "%s", s);
  }
  csv_add(b, last ? "\n" : ",");
}

/* GET /v1/exports/declarations?status=&type=&hs=&from=&to= - the caller's own declarations
 * (an administrator's: all) as CSV, newest first, at most EXPORT_MAX rows. */
#define EXPORT_MAX 100000
void h_export_declarations(struct http_req *r) {
  struct decl_filter f = {.status = req_query(r, "status"), .type = req_query(r, "type"),
                          .hs = req_query(r, "hs"), .limit = 200};
  const char *from = req_query(r, "from"), *to = req_query(r, "to");
  struct errlist errs;
  int64_t day;
  errlist_init(&errs);
  if (from && decl_date_parse(from, &day) == 0) f.from_us = day * 86400LL * 1000000;
  else if (from) errlist_add(&errs, "?from", "bad_parameter", "a date, YYYY-MM-DD");
  if (to && decl_date_parse(to, &day) == 0) f.to_us = (day + 1) * 86400LL * 1000000;
  else if (to) errlist_add(&errs, "?to", "bad_parameter", "a date, YYYY-MM-DD (inclusive)");
  if (f.status && decl_status_parse(f.status) < 0)
    errlist_add(&errs, "?status", "bad_parameter", "unknown status");
  if (f.type && decl_type_parse(f.type) == DECL_TYPE_NONE)
    errlist_add(&errs, "?type", "bad_parameter", "IM, EX, VA or VD");
  if (f.hs && (strlen(f.hs) < 2 || strlen(f.hs) > 10 || strspn(f.hs, "0123456789") != strlen(f.hs)))
    errlist_add(&errs, "?hs", "bad_parameter", "2 to 10 digits");
  if (errlist_any(&errs)) {
    reply_problem(r, 400, "bad_parameter", "Bad request", NULL, &errs);
    return;
  }
  struct csvbuf b = {0};
  struct db *db = store_reader(r->app->store);
  csv_add(&b, "number,reference,type,status,office,created_at,updated_at\n");
  for (int rows = 0; rows < EXPORT_MAX;) {
    json_t *page = decl_list_json(db, &r->caller, &f), *d;
    if (!page) {
      free(b.p);
      reply_error(r, 503, "", "store_failed", "cannot read declarations");
      return;
    }
    size_t i;
    json_array_foreach(json_object_get(page, "items"), i, d) {
      static const char *const cols[] = {"number", "reference", "type", "status", "office",
                                         "created_at", "updated_at"};
      for (int k = 0; k < 7; k++) {
        const char *v = json_string_value(json_object_get(d, cols[k]));
        csv_field(&b, v ? v : "", k == 6);
      }
      rows++;
    }
    const char *next = json_string_value(json_object_get(page, "next"));
    f.after = next ? strtoll(next, NULL, 10) : 0;
    json_decref(page);
    if (!f.after) break;
  }
  if (!b.p) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  reply_bytes(r, 200, "text/csv; charset=utf-8", b.p, b.n, 1);
  reply_header(r, "Content-Disposition", "attachment; filename=\"declarations.csv\"");
  free(b.p);
}
