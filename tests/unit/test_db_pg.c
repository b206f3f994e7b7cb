/* test_db_pg.c - the PostgreSQL backend of db.h: ?N to $N translation, SQLSTATE mapping,
 * URL handling without a server; with a server (SW_TEST_PG_DIR from CTest's pg_cluster
 * fixture, or SW_TEST_PG) the behaviours the store relies on: a failed statement inside a
 * transaction leaves the transaction usable (as on SQLite), savepoints, booleans as 0/1,
 * 64-bit parameters where PostgreSQL would infer int4, text filters "?1 IS NULL OR ...". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "store/db.h"
#include "store/db_backend.h"

static void expect_translation(const char *in, const char *want, int want_n) {
  int n = -1;
  char *out = db_pg_translate(in, &n);
  assert_non_null(out);
  assert_string_equal(out, want);
  assert_int_equal(n, want_n);
  free(out);
}

static void test_translate(void **state) {
  (void)state;
  expect_translation("SELECT 1", "SELECT 1", 0);
  expect_translation("SELECT a FROM t WHERE b = ?1 AND c = ?2", "SELECT a FROM t WHERE b = $1 AND c = $2", 2);
  expect_translation("VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10,?11)",
                     "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10,$11)", 11);
  expect_translation("WHERE (?2 IS NULL OR s = ?2) AND x = ?1", "WHERE ($2 IS NULL OR s = $2) AND x = $1", 2);
  /* literals, quoted names and comments keep their question marks */
  expect_translation("SELECT '?1', \"a?2\" FROM t WHERE x = ?3 -- ?4\n AND y = ?1 /* ?9 */",
                     "SELECT '?1', \"a?2\" FROM t WHERE x = $3 -- ?4\n AND y = $1 /* ?9 */", 3);
  expect_translation("SELECT 'it''s ?1' || ?1", "SELECT 'it''s ?1' || $1", 1);
  expect_translation("LIKE ?2 ESCAPE '\\'", "LIKE $2 ESCAPE '\\'", 2);
  /* a bare ? numbers one above the largest so far, as SQLite does */
  expect_translation("VALUES (?, ?, ?5, ?)", "VALUES ($1, $2, $5, $6)", 6);
}

static void test_sqlstate(void **state) {
  (void)state;
  assert_int_equal(db_pg_map_sqlstate("23505"), -SW_EEXISTS);
  assert_int_equal(db_pg_map_sqlstate("40001"), -SW_EBUSY);
  assert_int_equal(db_pg_map_sqlstate("40P01"), -SW_EBUSY);
  assert_int_equal(db_pg_map_sqlstate("55P03"), -SW_EBUSY);
  assert_int_equal(db_pg_map_sqlstate("23503"), -SW_EINVAL); /* foreign key, as SQLite */
  assert_int_equal(db_pg_map_sqlstate("23514"), -SW_EINVAL); /* check */
  assert_int_equal(db_pg_map_sqlstate("42P01"), -SW_EDB);
  assert_int_equal(db_pg_map_sqlstate("53100"), -SW_EDB); /* disk full */
  assert_int_equal(db_pg_map_sqlstate(NULL), -SW_EDB);
  assert_int_equal(db_pg_map_sqlstate(""), -SW_EDB);
}

static void test_urls(void **state) {
  (void)state;
  char out[256];
  db_url_redact("postgresql://sw:secret@db.example:5432/opensw", out, sizeof out);
  assert_string_equal(out, "postgresql://sw:***@db.example:5432/opensw");
  db_url_redact("postgresql://sw@db.example/opensw", out, sizeof out);
  assert_string_equal(out, "postgresql://sw@db.example/opensw");
  db_url_redact("sqlite:///var/lib/opensw/opensw.db", out, sizeof out);
  assert_string_equal(out, "sqlite:///var/lib/opensw/opensw.db");

  struct db *db = NULL;
  assert_int_equal(db_open_url("mysql://x@y/z", 0, &db), -SW_EINVAL);
  assert_int_equal(db_open_url("sqlite://", 0, &db), -SW_EINVAL);
  assert_int_equal(db_open_url("", 0, &db), -SW_EINVAL);
  /* nothing listens on port 1: a connection error, not a crash or a hang */
  assert_int_equal(db_open_url("postgresql://nobody@127.0.0.1:1/none?connect_timeout=5", 0, &db),
                   -SW_EDB);

  char path[] = "/tmp/opensw-db-url-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  char url[300];
  snprintf(url, sizeof url, "sqlite://%s", path);
  assert_int_equal(db_open_url(url, 0, &db), 0);
  assert_string_equal(db_backend_name(db), "sqlite");
  db_close(db);
  unlink(path);
}

/* The live tests: a database of their own in the test cluster. */
static char *pg_base(void) {
  const char *u = getenv("SW_TEST_PG"), *dir = getenv("SW_TEST_PG_DIR");
  static char buf[512];
  if (u && *u) return strncpy(buf, u, sizeof buf - 1);
  if (!dir || !*dir) return NULL;
  char path[600];
  snprintf(path, sizeof path, "%s/url", dir);
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *ok = fgets(buf, sizeof buf, f);
  fclose(f);
  if (!ok) return NULL;
  buf[strcspn(buf, "\r\n")] = 0;
  return buf;
}

static int64_t one_int(struct db *db, const char *sql) {
  struct db_stmt *st;
  assert_int_equal(db_prepare(db, sql, &st), 0);
  assert_int_equal(db_step(st), 1);
  int64_t v = db_col_int64(st, 0);
  db_done(st);
  return v;
}

static void test_live(void **state) {
  (void)state;
  char *base = pg_base();
  if (!base) {
    print_message("no PostgreSQL (SW_TEST_PG_DIR or SW_TEST_PG): live part skipped\n");
    skip();
  }
  char url[700], name[64];
  struct db *admin, *db, *ro;
  snprintf(name, sizeof name, "unit_db_pg_%d", (int)getpid());
  snprintf(url, sizeof url, "%s/postgres", base);
  assert_int_equal(db_open_url(url, 0, &admin), 0);
  char ddl[160];
  snprintf(ddl, sizeof ddl, "DROP DATABASE IF EXISTS %s; ", name);
  db_exec(admin, ddl);
  snprintf(ddl, sizeof ddl, "CREATE DATABASE %s", name);
  assert_int_equal(db_exec(admin, ddl), 0);
  snprintf(url, sizeof url, "%s/%s", base, name);
  assert_int_equal(db_open_url(url, 0, &db), 0);
  assert_string_equal(db_backend_name(db), "postgresql");

  static const char *const create = "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE,"
                                    " n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0))";
  static const char *const ins = "INSERT INTO t (id, name, n) VALUES (?1, ?2, ?3)";
  static const char *const upd = "UPDATE t SET n = n + 1 WHERE id > ?1";
  static const char *const big = "SELECT COUNT(*) FROM t WHERE (?1 = 0 OR id < ?1)";
  static const char *const filt = "SELECT COUNT(*) FROM t WHERE (?1 IS NULL OR name = ?1)";
  static const char *const boolean = "SELECT EXISTS (SELECT 1 FROM t), 1 = 0, NULL";
  struct db_stmt *st;
  assert_int_equal(db_exec(db, create), 0);

  /* inside a transaction: a unique violation and a check violation are answered, and the
   * transaction goes on (SQLite semantics); ROLLBACK TO a savepoint undoes only its part */
  assert_int_equal(db_exec(db, "BEGIN IMMEDIATE"), 0);
  assert_int_equal(db_prepare(db, ins, &st), 0);
  db_bind_int64(st, 1, 1);
  db_bind_text(st, 2, "one");
  db_bind_int64(st, 3, 0);
  assert_int_equal(db_step(st), 0);
  assert_int_equal(db_changes(db), 1);
  assert_int_equal(db_prepare(db, ins, &st), 0);
  db_bind_int64(st, 1, 2);
  db_bind_text(st, 2, "one");
  db_bind_int64(st, 3, 0);
  assert_int_equal(db_step(st), -SW_EEXISTS);
  assert_int_equal(db_prepare(db, ins, &st), 0);
  db_bind_int64(st, 1, 3);
  db_bind_text(st, 2, "three");
  db_bind_int64(st, 3, -1);
  assert_int_equal(db_step(st), -SW_EINVAL);
  assert_int_equal(db_exec(db, "SAVEPOINT job"), 0);
  assert_int_equal(db_prepare(db, ins, &st), 0);
  db_bind_int64(st, 1, 4000000000000000LL); /* beyond int4 */
  db_bind_text(st, 2, "four");
  db_bind_null(st, 3);
  assert_int_equal(db_step(st), -SW_EINVAL); /* NOT NULL */
  assert_int_equal(db_exec(db, "ROLLBACK TO job"), 0);
  assert_int_equal(db_exec(db, "RELEASE job"), 0);
  assert_int_equal(db_exec(db, "COMMIT"), 0);
  assert_int_equal(one_int(db, "SELECT COUNT(*) FROM t"), 1);

  assert_int_equal(db_prepare(db, ins, &st), 0);
  db_bind_int64(st, 1, 4000000000000000LL);
  db_bind_text(st, 2, "four");
  db_bind_int64(st, 3, 5);
  assert_int_equal(db_step(st), 0);
  assert_int_equal(db_prepare(db, upd, &st), 0);
  db_bind_int64(st, 1, 0);
  assert_int_equal(db_step(st), 0);
  assert_int_equal(db_changes(db), 2);

  /* ?1 = 0 makes PostgreSQL infer int4: the parameter is widened to int8 */
  assert_int_equal(db_prepare(db, big, &st), 0);
  db_bind_int64(st, 1, 5000000000000000LL);
  assert_int_equal(db_step(st), 1);
  assert_int_equal(db_col_int64(st, 0), 2);
  /* "?1 IS NULL OR name = ?1" with NULL and with a text */
  assert_int_equal(db_prepare(db, filt, &st), 0);
  db_bind_text(st, 1, NULL);
  assert_int_equal(db_step(st), 1);
  assert_int_equal(db_col_int64(st, 0), 2);
  assert_int_equal(db_prepare(db, filt, &st), 0);
  db_bind_text(st, 1, "four");
  assert_int_equal(db_step(st), 1);
  assert_int_equal(db_col_int64(st, 0), 1);
  assert_int_equal(db_step(st), 0);
  /* booleans read as SQLite's 0/1; NULL as "" and 0 */
  assert_int_equal(db_prepare(db, boolean, &st), 0);
  assert_int_equal(db_step(st), 1);
  assert_string_equal(db_col_text(st, 0), "1");
  assert_int_equal(db_col_int64(st, 1), 0);
  assert_true(db_col_is_null(st, 2));
  assert_string_equal(db_col_text(st, 2), "");
  db_done(st);

  /* a read-only connection refuses writes; backups are pg_dump's */
  assert_int_equal(db_open_url(url, 1, &ro), 0);
  assert_int_equal(one_int(ro, "SELECT COUNT(*) FROM t"), 2);
  assert_int_equal(db_exec(ro, "DELETE FROM t"), -SW_EDB);
  assert_int_equal(db_backup(ro, "/tmp/never"), -SW_EINVAL);
  assert_non_null(strstr(db_errmsg(ro), "pg_dump"));
  db_close(ro);
  db_close(db);
  snprintf(ddl, sizeof ddl, "DROP DATABASE %s WITH (FORCE)", name);
  assert_int_equal(db_exec(admin, ddl), 0);
  db_close(admin);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_translate),
      cmocka_unit_test(test_sqlstate),
      cmocka_unit_test(test_urls),
      cmocka_unit_test(test_live),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
