#include "store/json_rows.h"

static struct db_stmt *run(struct db *db, const char *sql, const char *key) {
  struct db_stmt *st;
  if (db_prepare(db, sql, &st) < 0) return NULL;
  if (key) db_bind_text(st, 1, key);
  return st;
}

json_t *json_rows_all(struct db *db, const char *sql, const char *key) {
  json_t *arr = json_array();
  struct db_stmt *st = run(db, sql, key);
  if (!st) return arr;
  while (db_step(st) == 1) {
    json_t *j = json_loads(db_col_text(st, 0), 0, NULL);
    if (j) json_array_append_new(arr, j);
  }
  db_done(st);
  return arr;
}

json_t *json_rows_one(struct db *db, const char *sql, const char *key) {
  json_t *j = NULL;
  struct db_stmt *st = run(db, sql, key);
  if (!st) return NULL;
  if (db_step(st) == 1) j = json_loads(db_col_text(st, 0), 0, NULL);
  db_done(st);
  return j;
}
