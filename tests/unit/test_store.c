/* test_store.c - the SQLite store: migrations, group commit under concurrency, savepoint
 * isolation of failing jobs, rerunnable jobs without savepoints, statement errors, the
 * audit hash chain, backup, the WAL buffer and commits whose sync comes after. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/identity.h"
#include "store/store.h"

struct fixture {
  char dir[64], path[128];
  struct store *s;
};

static int setup(void **state) {
  struct fixture *f = calloc(1, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/opensw-store-XXXXXX");
  if (!mkdtemp(f->dir)) return -1;
  snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
  if (crypto_init() < 0 || store_open(f->path, &f->s) < 0) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;
  char cmd[200];
  store_free(f->s);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  if (system(cmd) != 0) return -1;
  free(f);
  return 0;
}

static void test_migrations_idempotent(void **state) {
  struct fixture *f = *state;
  int v = store_schema_version(f->s);
  assert_true(v >= 2);
  store_free(f->s);
  assert_int_equal(store_open(f->path, &f->s), 0);
  assert_int_equal(store_schema_version(f->s), v);
}

struct add_party {
  char nid[40];
  int fail; /* 1: add then fail, so the savepoint must undo the insert */
};

static int add_party_job(struct db *db, void *arg) {
  struct add_party *a = arg;
  int64_t id;
  int rc = idn_party_add(db, a->nid, "Test Co", "CN", "importer", &id);
  if (rc < 0) return rc;
  return a->fail ? -SW_EINVAL : 0;
}

static int count_parties(struct store *s) {
  static const char *const sql = "SELECT COUNT(*) FROM parties";
  struct db_stmt *st;
  struct db *db = store_reader(s);
  assert_non_null(db);
  assert_int_equal(db_prepare(db, sql, &st), 0);
  assert_int_equal(db_step(st), 1);
  int n = (int)db_col_int64(st, 0);
  db_done(st);
  return n;
}

#define WRITERS 16
#define PER_WRITER 50

struct writer_arg {
  struct store *s;
  int index, failures;
};

static void *writer(void *p) {
  struct writer_arg *w = p;
  for (int i = 0; i < PER_WRITER; i++) {
    struct add_party a = {.fail = (i % 10 == 9)};
    snprintf(a.nid, sizeof a.nid, "W%02d-%03d", w->index, i);
    int rc = store_write(w->s, add_party_job, &a);
    if (a.fail ? rc != -SW_EINVAL : rc != 0) w->failures++;
  }
  return NULL;
}

static void test_group_commit_concurrent(void **state) {
  struct fixture *f = *state;
  pthread_t t[WRITERS];
  struct writer_arg args[WRITERS];
  for (int i = 0; i < WRITERS; i++) {
    args[i] = (struct writer_arg){.s = f->s, .index = i};
    assert_int_equal(pthread_create(&t[i], NULL, writer, &args[i]), 0);
  }
  for (int i = 0; i < WRITERS; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(args[i].failures, 0);
  }
  /* every 10th job failed after its insert: its savepoint alone was rolled back */
  assert_int_equal(count_parties(f->s), WRITERS * PER_WRITER * 9 / 10);
  struct store_stats st;
  store_get_stats(f->s, &st);
  assert_int_equal(st.jobs, WRITERS * PER_WRITER);
  assert_true(st.commits <= st.jobs);
  assert_int_equal(st.queue_depth, 0);
}

/* A rerunnable job: counts its runs, adds a party, and fails after the insert if asked. */
struct rerun_job {
  struct store *s;
  struct add_party a;
  int runs, rc;
};

static int rerun_fn(struct db *db, void *arg) {
  struct rerun_job *r = arg;
  r->runs++;
  return add_party_job(db, &r->a);
}

static void *rerun_thread(void *p) {
  struct rerun_job *r = p;
  r->rc = store_write_rerunnable(r->s, rerun_fn, r);
  return NULL;
}

/* Holds the writer until `want` jobs queue behind it, so that they form one batch. */
struct gate {
  struct store *s;
  int want, started;
};

static int gate_fn(struct db *db, void *arg) {
  (void)db;
  struct gate *g = arg;
  struct store_stats st;
  __atomic_store_n(&g->started, 1, __ATOMIC_SEQ_CST);
  for (int i = 0; i < 5000; i++) {
    store_get_stats(g->s, &st);
    if (st.queue_depth >= (uint64_t)g->want) break;
    usleep(1000);
  }
  return 0;
}

static void *gate_thread(void *p) {
  struct gate *g = p;
  store_write(g->s, gate_fn, g);
  return NULL;
}

/* Runs three rerunnable jobs as one batch (the third failing after its insert when
 * fail_last) and returns how many parties were stored. */
static int rerun_batch(struct fixture *f, struct rerun_job *jobs, int fail_last) {
  struct gate g = {.s = f->s, .want = 3};
  pthread_t gt, t[3];
  assert_int_equal(pthread_create(&gt, NULL, gate_thread, &g), 0);
  while (!__atomic_load_n(&g.started, __ATOMIC_SEQ_CST)) usleep(100);
  for (int i = 0; i < 3; i++) {
    jobs[i] = (struct rerun_job){.s = f->s, .a = {.fail = fail_last && i == 2}};
    snprintf(jobs[i].a.nid, sizeof jobs[i].a.nid, "RR-%d-%d", fail_last, i);
    assert_int_equal(pthread_create(&t[i], NULL, rerun_thread, &jobs[i]), 0);
  }
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  pthread_join(gt, NULL);
  return count_parties(f->s);
}

static void test_rerunnable_jobs(void **state) {
  struct fixture *f = *state;
  struct rerun_job jobs[3];
  /* all succeed: one run each, no savepoint needed */
  assert_int_equal(rerun_batch(f, jobs, 0), 3);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(jobs[i].rc, 0);
    assert_int_equal(jobs[i].runs, 1);
  }
  /* one fails after its insert: the batch is rolled back and runs again with savepoints;
     the failing job alone is undone and the others are stored once */
  assert_int_equal(rerun_batch(f, jobs, 1), 5);
  assert_int_equal(jobs[0].rc, 0);
  assert_int_equal(jobs[1].rc, 0);
  assert_int_equal(jobs[2].rc, -SW_EINVAL);
  assert_int_equal(jobs[2].runs, 2);
  for (int i = 0; i < 2; i++) assert_true(jobs[i].runs >= 1 && jobs[i].runs <= 2);
  struct store_stats st;
  store_get_stats(f->s, &st);
  assert_int_equal(st.jobs, 8); /* two gates and six jobs, each counted once */
}

static void test_unique_violation_maps_to_exists(void **state) {
  struct fixture *f = *state;
  struct add_party a = {.nid = "DUP-1"};
  assert_int_equal(store_write(f->s, add_party_job, &a), 0);
  assert_int_equal(store_write(f->s, add_party_job, &a), -SW_EEXISTS);
  assert_int_equal(count_parties(f->s), 1);
}

static int audit_job(struct db *db, void *arg) {
  int n = *(int *)arg;
  for (int i = 0; i < n; i++) {
    char detail[32];
    snprintf(detail, sizeof detail, "{\"i\":%d}", i);
    int rc = audit_append(db, "tester", "127.0.0.1", "test.act", "thing", detail);
    if (rc < 0) return rc;
  }
  return 0;
}

static void tamper(const char *path, const char *sql) {
  sqlite3 *h;
  assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
}

static void test_audit_chain(void **state) {
  struct fixture *f = *state;
  int n = 5;
  int64_t rows, bad;
  assert_int_equal(store_write(f->s, audit_job, &n), 0);
  assert_int_equal(audit_verify(store_reader(f->s), &rows, &bad), 0);
  assert_int_equal(rows, 5);
  tamper(f->path, "UPDATE audit SET detail = '{\"i\":99}' WHERE seq = 3");
  assert_int_equal(audit_verify(store_reader(f->s), &rows, &bad), -SW_ECONFLICT);
  assert_int_equal(bad, 3);
}

static void test_audit_detects_deletion(void **state) {
  struct fixture *f = *state;
  int n = 4;
  int64_t rows, bad;
  assert_int_equal(store_write(f->s, audit_job, &n), 0);
  tamper(f->path, "DELETE FROM audit WHERE seq = 2");
  assert_int_equal(audit_verify(store_reader(f->s), &rows, &bad), -SW_ECONFLICT);
  assert_int_equal(bad, 2);
}

static void test_audit_detects_cut_tail(void **state) {
  struct fixture *f = *state;
  int n = 4;
  int64_t rows, bad;
  assert_int_equal(store_write(f->s, audit_job, &n), 0);
  assert_int_equal(audit_verify(store_reader(f->s), &rows, &bad), 0);
  assert_int_equal(rows, 4);
  tamper(f->path, "DELETE FROM audit WHERE seq >= 3"); /* the chain left is intact */
  assert_int_equal(audit_verify(store_reader(f->s), &rows, &bad), -SW_ECONFLICT);
  assert_int_equal(rows, 2);
  assert_int_equal(bad, 3);
}

static void test_backup(void **state) {
  struct fixture *f = *state;
  struct add_party a = {.nid = "BACKUP-1"};
  char dest[160];
  assert_int_equal(store_write(f->s, add_party_job, &a), 0);
  snprintf(dest, sizeof dest, "%s/copy.db", f->dir);
  assert_int_equal(store_backup(f->s, dest), 0);
  sqlite3 *h;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(dest, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT national_id FROM parties", -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "BACKUP-1");
  sqlite3_finalize(st);
  sqlite3_close(h);
}

/* Writes through sqlite_walbuf (buffered WAL frames, 64 KiB writes, flushed at the sync):
 * one commit larger than the buffer and past the writer's checkpoint (4,000 frames), then
 * many small ones; every commit is visible to a reader at once and the file is sound when
 * reopened with SQLite's default VFS. */
#define BLOB_ROWS 4500
static int big_job(struct db *db, void *arg) {
  int rows = *(int *)arg;
  static char blob[4001];
  memset(blob, 'b', sizeof blob - 1);
  int rc = db_exec(db, "CREATE TABLE IF NOT EXISTS blobs (b TEXT NOT NULL)");
  for (int i = 0; i < rows && rc >= 0; i++) {
    struct db_stmt *st;
    if ((rc = db_prepare(db, "INSERT INTO blobs (b) VALUES (?1)", &st)) < 0) break;
    db_bind_text(st, 1, blob);
    rc = db_step(st);
    db_done(st);
  }
  return rc < 0 ? rc : 0;
}

static int64_t blob_rows(struct store *s) {
  struct db_stmt *st;
  int64_t n = -1;
  struct db *db = store_reader(s);
  if (db_prepare(db, "SELECT count(*) FROM blobs WHERE length(b) = 4000", &st) < 0) return -1;
  if (db_step(st) == 1) n = db_col_int64(st, 0);
  db_done(st);
  return n;
}

static void test_wal_buffered_writes(void **state) {
  struct fixture *f = *state;
  int rows = BLOB_ROWS; /* ~18 MB: more than the 4 MiB buffer, past 4,000 frames */
  assert_int_equal(store_write(f->s, big_job, &rows), 0);
  assert_int_equal(blob_rows(f->s), BLOB_ROWS);
  rows = 3;
  for (int i = 1; i <= 200; i++) {
    assert_int_equal(store_write(f->s, big_job, &rows), 0);
    assert_int_equal(blob_rows(f->s), BLOB_ROWS + 3 * i);
  }
  store_free(f->s);
  f->s = NULL;
  sqlite3 *h;
  char **res;
  int nrow, ncol;
  assert_int_equal(sqlite3_open_v2(f->path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_get_table(h, "PRAGMA integrity_check", &res, &nrow, &ncol, NULL),
                   SQLITE_OK);
  assert_string_equal(res[1], "ok");
  sqlite3_free_table(res);
  assert_int_equal(sqlite3_get_table(h, "SELECT count(*) FROM blobs", &res, &nrow, &ncol, NULL),
                   SQLITE_OK);
  assert_int_equal(strtol(res[1], NULL, 10), BLOB_ROWS + 600);
  sqlite3_free_table(res);
  sqlite3_close(h);
  assert_int_equal(store_open(f->path, &f->s), 0); /* for teardown */
}

/* The two-step commit on a connection of its own: what db_commit_unsynced commits is seen
 * by other connections, db_sync_commits succeeds, and the WAL hook still folds the WAL
 * back (it restarts instead of growing) when commits are left for the sync. */
static void test_unsynced_commits(void **state) {
  struct fixture *f = *state;
  char path[160];
  struct db *db, *other;
  struct db_stmt *st;
  snprintf(path, sizeof path, "%s/u.db", f->dir);
  assert_int_equal(db_open_sqlite(path, 0, &db), 0);
  assert_int_equal(db_exec(db, "CREATE TABLE blobs (b TEXT NOT NULL)"), 0);
  for (int i = 0; i < 300; i++) { /* 6,000 pages: past the 4,000-frame checkpoint */
    int rows = 20;
    assert_int_equal(db_exec(db, "BEGIN IMMEDIATE"), 0);
    assert_int_equal(big_job(db, &rows), 0);
    assert_int_equal(db_commit_unsynced(db), 0);
    assert_int_equal(db_sync_commits(db), 0);
  }
  assert_int_equal(db_open_sqlite(path, 1, &other), 0);
  assert_int_equal(db_prepare(other, "SELECT count(*) FROM blobs", &st), 0);
  assert_int_equal(db_step(st), 1);
  assert_int_equal(db_col_int64(st, 0), 6000);
  db_done(st);
  db_close(other);
  char wal[180];
  snprintf(wal, sizeof wal, "%s-wal", path);
  FILE *w = fopen(wal, "rb");
  assert_non_null(w);
  fseek(w, 0, SEEK_END);
  long size = ftell(w);
  fclose(w);
  assert_true(size < 20L * 1024 * 1024); /* 6,000 frames would be ~24 MiB */
  db_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_migrations_idempotent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_commit_concurrent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rerunnable_jobs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unique_violation_maps_to_exists, setup, teardown),
      cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
      cmocka_unit_test_setup_teardown(test_audit_detects_deletion, setup, teardown),
      cmocka_unit_test_setup_teardown(test_audit_detects_cut_tail, setup, teardown),
      cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wal_buffered_writes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unsynced_commits, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
