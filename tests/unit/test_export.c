/* test_export.c - swctl export/import's building blocks: the canonical row serialisation
 * behind each table's checksum, UTF-8 checking, JSON strings; and a round trip between two
 * SQLite files: rows with NULLs, quotes, control characters and non-ASCII text come back
 * identical, a tampered file or a used database is refused with nothing written. */
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
#include "crypto/crypto.h"
#include "store/db.h"
#include "store/export.h"
#include "store/migrations.h"

static void hash_of(const struct export_value *v, int n, char out[CRYPTO_HEX32_LEN]) {
  struct crypto_sha256 h;
  crypto_sha256_init(&h);
  export_hash_row(&h, v, n);
  crypto_sha256_final_hex(&h, out);
}

static void test_canonical_row(void **state) {
  (void)state;
  char got[CRYPTO_HEX32_LEN], want[CRYPTO_HEX32_LEN];
  const struct export_value row[] = {
      {EXPORT_INT, 42, NULL, 0},
      {EXPORT_TEXT, 0, "a:b", 3},
      {EXPORT_NULL, 0, NULL, 0},
      {EXPORT_INT, -9223372036854775807LL - 1, NULL, 0},
      {EXPORT_TEXT, 0, "", 0},
      {EXPORT_TEXT, 0, "\xe4\xb8\xad", 3},
  };
  static const char canon[] = "i42;s3:a:bni-9223372036854775808;s0:s3:\xe4\xb8\xad\n";
  hash_of(row, 6, got);
  crypto_sha256_hex(canon, sizeof canon - 1, want);
  assert_string_equal(got, want);

  /* values that would run together in a naive serialisation hash differently */
  const struct export_value ab_c[] = {{EXPORT_TEXT, 0, "ab", 2}, {EXPORT_TEXT, 0, "c", 1}};
  const struct export_value a_bc[] = {{EXPORT_TEXT, 0, "a", 1}, {EXPORT_TEXT, 0, "bc", 2}};
  const struct export_value null_[] = {{EXPORT_NULL, 0, NULL, 0}};
  const struct export_value empty[] = {{EXPORT_TEXT, 0, "", 0}};
  const struct export_value one_i[] = {{EXPORT_INT, 1, NULL, 0}};
  const struct export_value one_s[] = {{EXPORT_TEXT, 0, "1", 1}};
  char h1[CRYPTO_HEX32_LEN], h2[CRYPTO_HEX32_LEN];
  hash_of(ab_c, 2, h1), hash_of(a_bc, 2, h2);
  assert_string_not_equal(h1, h2);
  hash_of(null_, 1, h1), hash_of(empty, 1, h2);
  assert_string_not_equal(h1, h2);
  hash_of(one_i, 1, h1), hash_of(one_s, 1, h2);
  assert_string_not_equal(h1, h2);

  /* rows are delimited: one row of two values is not two rows of one */
  struct crypto_sha256 h;
  crypto_sha256_init(&h);
  export_hash_row(&h, ab_c, 1);
  export_hash_row(&h, ab_c + 1, 1);
  crypto_sha256_final_hex(&h, h1);
  hash_of(ab_c, 2, h2);
  assert_string_not_equal(h1, h2);
  /* no rows: SHA-256 of nothing */
  crypto_sha256_init(&h);
  crypto_sha256_final_hex(&h, h1);
  assert_string_equal(h1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_utf8(void **state) {
  (void)state;
  assert_true(export_utf8_valid("", 0));
  assert_true(export_utf8_valid("plain ascii", 11));
  assert_true(export_utf8_valid("\xe4\xb8\xad\xe6\x96\x87", 6));     /* 中文 */
  assert_true(export_utf8_valid("\xf0\x9f\x9a\xa2", 4));             /* U+1F6A2 */
  assert_true(export_utf8_valid("\xc3\xa9t\xc3\xa9", 5));            /* été */
  assert_false(export_utf8_valid("\xe9t\xe9", 3));                   /* Latin-1 */
  assert_false(export_utf8_valid("\xe4\xb8", 2));                    /* truncated */
  assert_false(export_utf8_valid("\xc0\xaf", 2));                    /* overlong */
  assert_false(export_utf8_valid("\xe0\x80\xaf", 3));                /* overlong */
  assert_false(export_utf8_valid("\xed\xa0\x80", 3));                /* surrogate */
  assert_false(export_utf8_valid("\xf4\x90\x80\x80", 4));            /* above U+10FFFF */
  assert_false(export_utf8_valid("\x80", 1));                        /* lone continuation */
}

static void test_json_string(void **state) {
  (void)state;
  char out[128];
  const char in[] = "a\"b\\c\n\t\r\x01\x1f\x7f \xe4\xb8\xad/";
  size_t n = export_json_string(out, in, sizeof in - 1);
  assert_string_equal(out, "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\x7f \xe4\xb8\xad/\"");
  assert_int_equal(n, strlen(out));
  assert_int_equal(export_json_string(out, "", 0), 2);
  assert_string_equal(out, "\"\"");
}

/* ---- a round trip between SQLite files ---- */

static char dir[64];

static int setup_dir(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/opensw-export-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown_dir(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, size_t len, const char *name) { snprintf(out, len, "%s/%s", dir, name); }

static struct db *open_migrated(const char *name) {
  char p[128];
  struct db *db;
  path_of(p, sizeof p, name);
  assert_int_equal(db_open_url(p, 0, &db), 0);
  assert_true(migrations_apply(db) > 0);
  return db;
}

static int64_t count(const char *name, const char *sql) {
  char p[128];
  struct db *db;
  struct db_stmt *st;
  path_of(p, sizeof p, name);
  assert_int_equal(db_open_url(p, 1, &db), 0);
  assert_int_equal(db_prepare(db, sql, &st), 0);
  assert_int_equal(db_step(st), 1);
  int64_t n = db_col_int64(st, 0);
  db_done(st);
  db_close(db);
  return n;
}

static int run_export(const char *db, const char *file, char *err, size_t errlen) {
  char p[128], f[128];
  path_of(p, sizeof p, db);
  path_of(f, sizeof f, file);
  FILE *out = fopen(f, "w");
  assert_non_null(out);
  int rc = export_run(p, out, NULL, NULL, err, errlen);
  fclose(out);
  return rc;
}

static int run_import(const char *db, const char *file, char *err, size_t errlen) {
  char p[128], f[128];
  path_of(p, sizeof p, db);
  path_of(f, sizeof f, file);
  FILE *in = fopen(f, "r");
  assert_non_null(in);
  int rc = import_run(p, in, NULL, NULL, err, errlen);
  fclose(in);
  return rc;
}

/* Rewrites file into out, line by line, replacing the first occurrence of from by to on
 * the first line that has it. */
static void tamper(const char *file, const char *out, const char *from, const char *to) {
  char f[128], o[128], *line = NULL;
  size_t cap = 0;
  int done = 0;
  path_of(f, sizeof f, file);
  path_of(o, sizeof o, out);
  FILE *in = fopen(f, "r"), *w = fopen(o, "w");
  assert_non_null(in);
  assert_non_null(w);
  while (getline(&line, &cap, in) > 0) {
    char *at = done ? NULL : strstr(line, from);
    if (at) {
      fprintf(w, "%.*s%s%s", (int)(at - line), line, to, at + strlen(from));
      done = 1;
    } else {
      fputs(line, w);
    }
  }
  free(line);
  fclose(in);
  fclose(w);
  assert_true(done);
}

static void exec_ok(struct db *db, const char *sql) {
  if (db_exec(db, sql) != 0) fail_msg("%s: %s", sql, db_errmsg(db));
}

static void test_round_trip(void **state) {
  (void)state;
  char err[1024];
  struct db *db = open_migrated("src.db");
  exec_ok(db,
          "INSERT INTO parties (id, national_id, name, country, roles, trusted, created_at)"
          " VALUES (1, 'CN-1', 'Shanghai \"Trading\" Co.\n\tline two', 'CN', 'importer', 1,"
          " 1700000000000000), (7, 'VN-2', '\xe6\xb5\xb7\xe9\xb2\x9c Seafood', 'VN',"
          " 'exporter', 0, -5);"
          "INSERT INTO users (id, login, pw_hash, name, role, party_id, agency_id, created_at)"
          " VALUES (3, 'trader', 'x', 'T', 'trader', 7, NULL, 1);"
          "INSERT INTO counters (name, value) VALUES ('decl.2026', 41), ('B', 9223372036854775807);"
          "INSERT INTO ref_hs (code, description, parent, section, level) VALUES"
          " ('b', 'lower', '', 'I', 1), ('A', 'upper', '', 'I', 1), ('_', 'under', '', 'I', 1);");
  for (int i = 0; i < 2500; i++) { /* more than one batch, text keys */
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO ref_location (locode, name, function_code) VALUES ('L%05d', 'n', '1')",
             (i * 7919) % 10007);
    exec_ok(db, sql);
  }
  db_close(db);

  assert_int_equal(run_export("src.db", "a.jsonl", err, sizeof err), 0);
  assert_int_equal(run_import("dst.db", "a.jsonl", err, sizeof err), 0);
  assert_int_equal(run_export("dst.db", "b.jsonl", err, sizeof err), 0);
  /* the same rows, in the same order, but for the header's export time */
  char cmd[400];
  snprintf(cmd, sizeof cmd, "cmp -s <(tail -n +2 %s/a.jsonl) <(tail -n +2 %s/b.jsonl)", dir, dir);
  char bash[500];
  snprintf(bash, sizeof bash, "bash -c '%s'", cmd);
  assert_int_equal(system(bash), 0);
  assert_int_equal(count("dst.db", "SELECT COUNT(*) FROM ref_location"), 2500);
  assert_int_equal(count("dst.db", "SELECT value FROM counters WHERE name = 'B'"), INT64_MAX);
  assert_int_equal(count("dst.db", "SELECT COUNT(*) FROM users WHERE agency_id IS NULL"), 1);
  assert_int_equal(count("dst.db", "SELECT COUNT(*) FROM document_types"),
                   count("src.db", "SELECT COUNT(*) FROM document_types"));

  /* a used database is refused, and keeps what it had */
  assert_int_equal(run_import("dst.db", "a.jsonl", err, sizeof err), -SW_EEXISTS);
  assert_non_null(strstr(err, "not empty"));
  assert_int_equal(count("dst.db", "SELECT COUNT(*) FROM parties"), 2);

  /* a changed value: the table's checksum no longer matches; nothing written */
  tamper("a.jsonl", "t1.jsonl", "\"CN-1\"", "\"CN-2\"");
  assert_int_equal(run_import("t1.db", "t1.jsonl", err, sizeof err), -SW_EINVAL);
  assert_non_null(strstr(err, "checksum mismatch"));
  assert_int_equal(count("t1.db", "SELECT COUNT(*) FROM ref_location"), 0);
  assert_int_equal(count("t1.db", "SELECT COUNT(*) FROM parties"), 0);

  /* a broken line names its number */
  tamper("a.jsonl", "t2.jsonl", "\"VN-2\"", "\"VN-2");
  assert_int_equal(run_import("t2.db", "t2.jsonl", err, sizeof err), -SW_EINVAL);
  assert_non_null(strstr(err, "not JSON"));
  assert_true(!strncmp(err, "line ", 5));
  assert_int_equal(count("t2.db", "SELECT COUNT(*) FROM parties"), 0);

  /* a value of the wrong type */
  tamper("a.jsonl", "t3.jsonl", "[\"decl.2026\",41]", "[\"decl.2026\",\"41\"]");
  assert_int_equal(run_import("t3.db", "t3.jsonl", err, sizeof err), -SW_EINVAL);
  assert_non_null(strstr(err, "column value: a string where an integer belongs"));

  /* a file from another schema version */
  tamper("a.jsonl", "t4.jsonl", "\"schema_version\":", "\"schema_version\":1");
  assert_int_equal(run_import("t4.db", "t4.jsonl", err, sizeof err), -SW_EINVAL);
  assert_non_null(strstr(err, "schema version"));
}

int main(void) {
  if (crypto_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_canonical_row),
      cmocka_unit_test(test_utf8),
      cmocka_unit_test(test_json_string),
      cmocka_unit_test_setup_teardown(test_round_trip, setup_dir, teardown_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
