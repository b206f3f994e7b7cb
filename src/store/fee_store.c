/* fee_store.c - the fee catalogue (see fee_store.h). */
#include "store/fee_store.h"

#include <stdio.h>
#include <string.h>

#include "core/decimal.h"
#include "core/err.h"
#include "core/fees.h"
#include "core/timefmt.h"
#include "store/audit.h"
#include "store/store.h"

#define FEE_COLS                                                                           \
  "port, item, entity, description, basis, unit, free_days, rate, currency, setting,"     \
  " legal_basis, effective_from, effective_to"

int fee_publish(struct db *db, const struct fee_rec *f, const char *actor, const char *origin) {
  static const char *const sql =
      "INSERT INTO fees (" FEE_COLS ", published_at, published_by)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)";
  struct db_stmt *st;
  char detail[200], rate[DEC_STR_MAX], from[16];
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, f->port);
  db_bind_text(st, 2, f->item);
  db_bind_text(st, 3, f->entity);
  db_bind_text(st, 4, f->description);
  db_bind_text(st, 5, f->basis);
  db_bind_text(st, 6, f->unit);
  db_bind_int64(st, 7, f->free_days);
  db_bind_int64(st, 8, f->rate);
  db_bind_text(st, 9, f->currency);
  db_bind_text(st, 10, f->setting);
  db_bind_text(st, 11, f->legal_basis);
  db_bind_int64(st, 12, f->effective_from);
  if (f->effective_to) db_bind_int64(st, 13, f->effective_to);
  db_bind_int64(st, 14, store_now_us());
  db_bind_text(st, 15, actor);
  rc = db_step(st);
  db_done(st);
  if (rc < 0) return rc;
  fee_rate_format(f->rate, rate, sizeof rate);
  time_format_date(f->effective_from, from, sizeof from);
  snprintf(detail, sizeof detail, "{\"rate\":\"%s\",\"currency\":\"%s\",\"from\":\"%s\"}", rate,
           f->currency, from);
  char object[64];
  snprintf(object, sizeof object, "%s/%s", f->port, f->item);
  return audit_append(db, actor, origin, "fee.publish", object, detail);
}

void fee_rate_format(int64_t rate, char *buf, size_t cap) {
  if (dec_format(rate, FEE_RATE_SCALE, 0, buf, cap) < 0) {
    snprintf(buf, cap, "?");
    return;
  }
  size_t n = strlen(buf);
  /* keep two decimals at least: "0.2500" -> "0.25", "1.1250" -> "1.125" */
  while (n > 0 && buf[n - 1] == '0' && n >= 4 && buf[n - 3] != '.') buf[--n] = 0;
}

static void rec_read(struct db_stmt *st, struct fee_rec *f) {
  memset(f, 0, sizeof *f);
  snprintf(f->port, sizeof f->port, "%s", db_col_text(st, 0));
  snprintf(f->item, sizeof f->item, "%s", db_col_text(st, 1));
  snprintf(f->entity, sizeof f->entity, "%s", db_col_text(st, 2));
  snprintf(f->description, sizeof f->description, "%s", db_col_text(st, 3));
  snprintf(f->basis, sizeof f->basis, "%s", db_col_text(st, 4));
  snprintf(f->unit, sizeof f->unit, "%s", db_col_text(st, 5));
  f->free_days = db_col_int64(st, 6);
  f->rate = db_col_int64(st, 7);
  snprintf(f->currency, sizeof f->currency, "%s", db_col_text(st, 8));
  snprintf(f->setting, sizeof f->setting, "%s", db_col_text(st, 9));
  snprintf(f->legal_basis, sizeof f->legal_basis, "%s", db_col_text(st, 10));
  f->effective_from = db_col_int64(st, 11);
  f->effective_to = db_col_is_null(st, 12) ? 0 : db_col_int64(st, 12);
}

static json_t *rec_json(const struct fee_rec *f, const char *status) {
  char rate[DEC_STR_MAX], from[16], to[16];
  fee_rate_format(f->rate, rate, sizeof rate);
  time_format_date(f->effective_from, from, sizeof from);
  json_t *j = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "port", f->port,
      "item", f->item, "entity", f->entity, "description", f->description, "basis", f->basis,
      "unit", f->unit, "free_days", (json_int_t)f->free_days, "rate", rate, "currency",
      f->currency, "setting", f->setting, "legal_basis", f->legal_basis, "effective_from",
      from, "status", status);
  if (f->effective_to) {
    time_format_date(f->effective_to, to, sizeof to);
    json_object_set_new(j, "effective_to", json_string(to));
  } else {
    json_object_set_new(j, "effective_to", json_null());
  }
  return j;
}

/* Every version of the port's (or all ports') fees, by port, item and date; the caller
 * classifies them. */
json_t *fee_catalogue_json(struct db *db, const char *port, int64_t day, int history) {
  static const char *const sql = "SELECT " FEE_COLS " FROM fees WHERE (?1 IS NULL OR port = ?1)"
                                 " ORDER BY port, item, effective_from";
  struct db_stmt *st;
  struct fee_rec cur, prev;
  int have_prev = 0;
  json_t *items = json_array();
  if (db_prepare(db, sql, &st) < 0) return items;
  db_bind_text(st, 1, port);
  /* versions of one item come in date order: the last one from on or before the day is in
     force (unless it ended); later ones are upcoming */
  while (db_step(st) == 1) {
    rec_read(st, &cur);
    if (have_prev && (strcmp(prev.port, cur.port) || strcmp(prev.item, cur.item))) {
      if (prev.effective_from <= day) {
        int ended = prev.effective_to && prev.effective_to <= day;
        if (!ended) json_array_append_new(items, rec_json(&prev, "current"));
        else if (history) json_array_append_new(items, rec_json(&prev, "past"));
      }
      have_prev = 0;
    }
    if (cur.effective_from > day) {
      if (have_prev && prev.effective_from <= day) {
        int ended = prev.effective_to && prev.effective_to <= day;
        if (!ended) json_array_append_new(items, rec_json(&prev, "current"));
        else if (history) json_array_append_new(items, rec_json(&prev, "past"));
        have_prev = 0;
      }
      json_array_append_new(items, rec_json(&cur, "upcoming"));
      continue;
    }
    if (have_prev && history) json_array_append_new(items, rec_json(&prev, "past"));
    prev = cur;
    have_prev = 1;
  }
  db_done(st);
  if (have_prev && prev.effective_from <= day) {
    int ended = prev.effective_to && prev.effective_to <= day;
    if (!ended) json_array_append_new(items, rec_json(&prev, "current"));
    else if (history) json_array_append_new(items, rec_json(&prev, "past"));
  }
  return items;
}

int fee_current(struct db *db, const char *port, int64_t day, struct fee_rec *out, int max) {
  static const char *const sql =
      "SELECT " FEE_COLS " FROM fees f WHERE port = ?1 AND effective_from <= ?2"
      " AND effective_from = (SELECT MAX(g.effective_from) FROM fees g WHERE g.port = f.port"
      "  AND g.item = f.item AND g.effective_from <= ?2)"
      " AND (effective_to IS NULL OR effective_to > ?2) ORDER BY item";
  struct db_stmt *st;
  int n = 0, rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, port);
  db_bind_int64(st, 2, day);
  while ((rc = db_step(st)) == 1 && n < max) rec_read(st, &out[n++]);
  db_done(st);
  return rc < 0 ? rc : n;
}

json_t *fee_ports_json(struct db *db) {
  static const char *const sql = "SELECT DISTINCT port FROM fees ORDER BY port";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  while (db_step(st) == 1) json_array_append_new(arr, json_string(db_col_text(st, 0)));
  db_done(st);
  return arr;
}
