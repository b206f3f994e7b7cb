#include "store/refdata_store.h"

#include <string.h>

#include "core/err.h"
#include "store/counters.h"

static int step_once(struct db_stmt *st) {
  int rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int refstore_put_hs(struct db *db, const struct hs_entry *e) {
  static const char *const sql =
      "INSERT INTO ref_hs (code, description, parent, section, level) VALUES (?1,?2,?3,?4,?5)"
      " ON CONFLICT (code) DO UPDATE SET description = excluded.description,"
      " parent = excluded.parent, section = excluded.section, level = excluded.level";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, e->code);
  db_bind_text(st, 2, e->description);
  db_bind_text(st, 3, e->parent);
  db_bind_text(st, 4, e->section);
  db_bind_int64(st, 5, e->level);
  return step_once(st);
}

int refstore_put_country(struct db *db, const struct country *c) {
  static const char *const sql =
      "INSERT INTO ref_country (alpha2, alpha3, numeric_code, name) VALUES (?1,?2,?3,?4)"
      " ON CONFLICT (alpha2) DO UPDATE SET alpha3 = excluded.alpha3,"
      " numeric_code = excluded.numeric_code, name = excluded.name";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, c->alpha2);
  db_bind_text(st, 2, c->alpha3);
  db_bind_text(st, 3, c->numeric);
  db_bind_text(st, 4, c->name);
  return step_once(st);
}

int refstore_put_currency(struct db *db, const struct currency *c) {
  static const char *const sql =
      "INSERT INTO ref_currency (code, numeric_code, name, minor_unit) VALUES (?1,?2,?3,?4)"
      " ON CONFLICT (code) DO UPDATE SET numeric_code = excluded.numeric_code,"
      " name = excluded.name, minor_unit = excluded.minor_unit";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, c->code);
  db_bind_text(st, 2, c->numeric);
  db_bind_text(st, 3, c->name);
  db_bind_int64(st, 4, c->minor_unit);
  return step_once(st);
}

int refstore_put_location(struct db *db, const struct location *l) {
  static const char *const sql =
      "INSERT INTO ref_location (locode, name, function_code) VALUES (?1,?2,?3)"
      " ON CONFLICT (locode) DO UPDATE SET name = excluded.name,"
      " function_code = excluded.function_code";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, l->locode);
  db_bind_text(st, 2, l->name);
  db_bind_text(st, 3, l->function);
  return step_once(st);
}

int refstore_clear(struct db *db, const char *table) {
  static const char *const hs = "DELETE FROM ref_hs";
  static const char *const country = "DELETE FROM ref_country";
  static const char *const currency = "DELETE FROM ref_currency";
  static const char *const location = "DELETE FROM ref_location";
  const char *sql = !strcmp(table, "hs")         ? hs
                    : !strcmp(table, "country")  ? country
                    : !strcmp(table, "currency") ? currency
                    : !strcmp(table, "location") ? location
                                                 : NULL;
  struct db_stmt *st;
  if (!sql) return -SW_EINVAL;
  int rc = db_prepare(db, sql, &st);
  return rc < 0 ? rc : step_once(st);
}

int refstore_load(struct db *db, struct refdata **out) {
  static const char *const q_hs = "SELECT code, description, parent, section, level FROM ref_hs";
  static const char *const q_country = "SELECT alpha2, alpha3, numeric_code, name FROM ref_country";
  static const char *const q_currency =
      "SELECT code, numeric_code, name, minor_unit FROM ref_currency";
  static const char *const q_location = "SELECT locode, name, function_code FROM ref_location";
  struct refdata *rd = refdata_new();
  struct db_stmt *st = NULL;
  int rc;
  if (!rd) return -SW_ENOMEM;
  if ((rc = db_prepare(db, q_hs, &st)) < 0) goto out;
  while ((rc = db_step(st)) == 1)
    if ((rc = refdata_add_hs(rd, db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
                             db_col_text(st, 3), (int)db_col_int64(st, 4))) < 0)
      goto out;
  if (rc < 0 || (rc = db_prepare(db, q_country, &st)) < 0) goto out;
  while ((rc = db_step(st)) == 1)
    if ((rc = refdata_add_country(rd, db_col_text(st, 0), db_col_text(st, 1),
                                  db_col_text(st, 2), db_col_text(st, 3))) < 0)
      goto out;
  if (rc < 0 || (rc = db_prepare(db, q_currency, &st)) < 0) goto out;
  while ((rc = db_step(st)) == 1)
    if ((rc = refdata_add_currency(rd, db_col_text(st, 0), db_col_text(st, 1),
                                   db_col_text(st, 2), (int)db_col_int64(st, 3))) < 0)
      goto out;
  if (rc < 0 || (rc = db_prepare(db, q_location, &st)) < 0) goto out;
  while ((rc = db_step(st)) == 1)
    if ((rc = refdata_add_location(rd, db_col_text(st, 0), db_col_text(st, 1),
                                   db_col_text(st, 2))) < 0)
      goto out;
  if (rc < 0 || (rc = refdata_finish(rd)) < 0) goto out;
  *out = rd;
  return 0;
out:
  if (st) db_done(st);
  refdata_free(rd);
  return rc < 0 ? rc : -SW_EDB;
}

int refstore_version(struct db *db, int64_t *out) { return counter_value(db, "refdata", out); }

int refstore_bump_version(struct db *db) {
  int64_t version;
  return counter_next(db, "refdata", &version);
}
