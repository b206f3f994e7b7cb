/* counters.c - named counters (see counters.h). */
#include "store/counters.h"

#include "core/err.h"

int counter_next(struct db *db, const char *name, int64_t *out) {
  static const char *const sql =
      "INSERT INTO counters (name, value) VALUES (?1, 1) ON CONFLICT (name) DO UPDATE"
      " SET value = counters.value + 1 RETURNING value";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, name);
  if ((rc = db_step(st)) == 1) *out = db_col_int64(st, 0);
  db_done(st);
  return rc == 1 ? 0 : rc < 0 ? rc : -SW_EDB;
}

int counter_value(struct db *db, const char *name, int64_t *out) {
  static const char *const sql = "SELECT value FROM counters WHERE name = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, name);
  *out = 0;
  if ((rc = db_step(st)) == 1) *out = db_col_int64(st, 0);
  db_done(st);
  return rc < 0 ? rc : 0;
}
