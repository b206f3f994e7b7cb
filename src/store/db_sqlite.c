/* db_sqlite.c - the SQLite implementation of db.h (dispatched to by db.c). */
#include "store/db_backend.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "store/sqlite_walbuf.h"

#define STMT_CACHE 128 /* open-addressed by SQL pointer; the project has fewer statements */

struct lite_stmt {
  struct db_stmt base;
  const char *sql;
  sqlite3_stmt *st;
};

/* The writer folds the WAL into the database file once it holds this many frames (SQLite's
 * autocheckpoint, done by lite_wal_hook and after an unsynced commit instead). Measured
 * against 500, 1,000 and 16,000: bench/README.md. */
#define WAL_CHECKPOINT_FRAMES 4000

struct lite_db {
  struct db base;
  sqlite3 *h;
  int wal_frames;       /* frames in the WAL after the last commit */
  int in_unsynced;      /* inside lite_commit_unsynced's COMMIT */
  atomic_int sync_fd;   /* sqlite_walbuf_sync_fd, once a commit was left unsynced; else -1 */
  struct lite_stmt cache[STMT_CACHE];
};

static const struct db_ops LITE_OPS;
static void lite_close(struct db *d);
static int lite_wal_hook(void *arg, sqlite3 *h, const char *name, int frames);
#define LDB(d) ((struct lite_db *)(d))
#define LST(s) (((struct lite_stmt *)(s))->st)

static int map_rc(sqlite3 *h, int rc) {
  switch (rc & 0xff) { /* extended result codes are on: compare the primary code */
  case SQLITE_OK:
  case SQLITE_DONE: return 0;
  case SQLITE_ROW: return 1;
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return -SW_EBUSY;
  case SQLITE_NOMEM: return -SW_ENOMEM;
  case SQLITE_CONSTRAINT: {
    int ext = sqlite3_extended_errcode(h);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
      return -SW_EEXISTS;
    return -SW_EINVAL;
  }
  default: return -SW_EDB;
  }
}

static int have_walbuf; /* sqlite_walbuf registered: read-write connections use it */

/* Process-wide settings, before SQLite's first use: no memory statistics, which would take
 * one global mutex around every allocation of every connection; the WAL-gathering VFS. */
static void sqlite_setup(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_initialize();
  have_walbuf = sqlite_walbuf_register() == SQLITE_OK;
}

int db_open_sqlite(const char *path, int readonly, struct db **out) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sqlite_setup);
  struct lite_db *db = calloc(1, sizeof *db);
  if (!db) return -SW_ENOMEM;
  db->base.ops = &LITE_OPS;
  atomic_init(&db->sync_fd, -1);
  int flags = SQLITE_OPEN_NOMUTEX | (readonly ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  /* read-write connections are synchronous=FULL (below), as sqlite_walbuf requires */
  int rc = sqlite3_open_v2(path, &db->h, flags,
                           !readonly && have_walbuf ? SQLITE_WALBUF_VFS : NULL);
  if (rc != SQLITE_OK) goto fail;
  sqlite3_busy_timeout(db->h, 10000);
  sqlite3_extended_result_codes(db->h, 1);
  const char *pragmas = readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                                 : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                   "PRAGMA foreign_keys=ON;"
                                   /* the writer's working set: every b-tree's hot pages
                                      and the indexes it inserts into (default: 2 MiB) */
                                   "PRAGMA cache_size=-65536;"
                                   /* savepoint journals in memory, not a temp file */
                                   "PRAGMA temp_store=MEMORY;";
  if (sqlite3_exec(db->h, pragmas, NULL, NULL, NULL) != SQLITE_OK) goto fail;
  if (!readonly) sqlite3_wal_hook(db->h, lite_wal_hook, db);
  *out = &db->base;
  return 0;
fail:
  lite_close(&db->base);
  return -SW_EDB;
}

static void lite_close(struct db *d) {
  struct lite_db *db = LDB(d);
  for (int i = 0; i < STMT_CACHE; i++)
    if (db->cache[i].st) sqlite3_finalize(db->cache[i].st);
  sqlite3_close(db->h);
  free(db);
}

static int lite_prepare(struct db *d, const char *sql, struct db_stmt **out) {
  struct lite_db *db = LDB(d);
  size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
  for (size_t i = 0; i < STMT_CACHE; i++) {
    struct lite_stmt *s = &db->cache[(h + i) % STMT_CACHE];
    if (s->sql == sql) {
      sqlite3_reset(s->st);
      sqlite3_clear_bindings(s->st);
      *out = &s->base;
      return 0;
    }
    if (!s->sql) {
      int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
      if (rc != SQLITE_OK) return map_rc(db->h, rc) ? map_rc(db->h, rc) : -SW_EDB;
      s->sql = sql;
      s->base.db = d;
      *out = &s->base;
      return 0;
    }
  }
  return -SW_ENOMEM;
}

static int lite_bind_text(struct db_stmt *st, int idx, const char *s, size_t n) {
  return sqlite3_bind_text64(LST(st), idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8) == SQLITE_OK
             ? 0
             : -SW_EDB;
}

static int lite_bind_int64(struct db_stmt *st, int idx, int64_t v) {
  return sqlite3_bind_int64(LST(st), idx, v) == SQLITE_OK ? 0 : -SW_EDB;
}

static int lite_bind_null(struct db_stmt *st, int idx) {
  return sqlite3_bind_null(LST(st), idx) == SQLITE_OK ? 0 : -SW_EDB;
}

static int lite_step(struct db_stmt *st) {
  int rc = sqlite3_step(LST(st));
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  int e = map_rc(sqlite3_db_handle(LST(st)), rc);
  sqlite3_reset(LST(st));
  return e;
}

static const char *lite_col_text(struct db_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(LST(st), col);
  return t ? (const char *)t : "";
}

static int64_t lite_col_int64(struct db_stmt *st, int col) {
  return sqlite3_column_int64(LST(st), col);
}

static int lite_col_is_null(struct db_stmt *st, int col) {
  return sqlite3_column_type(LST(st), col) == SQLITE_NULL;
}

static void lite_done(struct db_stmt *st) { sqlite3_reset(LST(st)); }

static int lite_exec(struct db *d, const char *sql) {
  sqlite3 *h = LDB(d)->h;
  int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? 0 : (map_rc(h, rc) ? map_rc(h, rc) : -SW_EDB);
}

static int64_t lite_changes(struct db *d) { return sqlite3_changes64(LDB(d)->h); }

static const char *lite_errmsg(struct db *d) { return sqlite3_errmsg(LDB(d)->h); }

static void lite_checkpoint(struct db *d) {
  sqlite3_exec(LDB(d)->h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
}

/* Folds the WAL back into the database file (PASSIVE: never waits for readers) once the
 * last commit left it long, as SQLite's own autocheckpoint would. */
static void fold_wal_if_long(struct lite_db *db) {
  if (db->wal_frames >= WAL_CHECKPOINT_FRAMES)
    sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

/* Counts the WAL's frames after each commit and folds it when long; not inside an
 * unsynced commit, whose checkpoint must not run while its syncs are deferred. */
static int lite_wal_hook(void *arg, sqlite3 *h, const char *name, int frames) {
  (void)h;
  (void)name;
  struct lite_db *db = arg;
  db->wal_frames = frames;
  if (!db->in_unsynced) fold_wal_if_long(db);
  return SQLITE_OK;
}

/* COMMIT with the WAL's sync deferred to lite_sync_commits (a plain durable COMMIT when
 * the connection does not use sqlite_walbuf), then the checkpoint the hook skipped, with
 * real syncs: it syncs the WAL before it copies a frame. */
static int lite_commit_unsynced(struct db *d) {
  struct lite_db *db = LDB(d);
  db->in_unsynced = 1;
  sqlite_walbuf_defer_syncs(1);
  int rc = lite_exec(d, "COMMIT");
  sqlite_walbuf_defer_syncs(0);
  db->in_unsynced = 0;
  if (rc < 0) return rc;
  atomic_store(&db->sync_fd, sqlite_walbuf_sync_fd(db->h));
  fold_wal_if_long(db);
  return 0;
}

static int lite_sync_commits(struct db *d) {
  int fd = atomic_load(&LDB(d)->sync_fd);
  if (fd < 0) return 0; /* every commit synced itself */
  return fdatasync(fd) == 0 ? 0 : -SW_EIO;
}

static int lite_backup(struct db *d, const char *dest_path) {
  struct lite_db *db = LDB(d);
  sqlite3 *dst = NULL;
  int rc = sqlite3_open(dest_path, &dst);
  if (rc != SQLITE_OK) {
    sqlite3_close(dst);
    return -SW_EIO;
  }
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", db->h, "main");
  if (!b) {
    sqlite3_close(dst);
    return -SW_EDB;
  }
  /* One step copies everything under one read transaction: a consistent snapshot. */
  rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  int out = rc == SQLITE_DONE ? 0 : -SW_EDB;
  if (out == 0 && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE;", NULL, NULL, NULL) != SQLITE_OK)
    out = -SW_EDB;
  sqlite3_close(dst);
  return out;
}

static const struct db_ops LITE_OPS = {
    .name = "sqlite",
    .id_type = "INTEGER PRIMARY KEY",
    .close = lite_close,
    .prepare = lite_prepare,
    .bind_text = lite_bind_text,
    .bind_int64 = lite_bind_int64,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .col_text = lite_col_text,
    .col_int64 = lite_col_int64,
    .col_is_null = lite_col_is_null,
    .done = lite_done,
    .exec = lite_exec,
    .changes = lite_changes,
    .errmsg = lite_errmsg,
    .backup = lite_backup,
    .checkpoint = lite_checkpoint,
    .commit_unsynced = lite_commit_unsynced,
    .sync_commits = lite_sync_commits,
};
