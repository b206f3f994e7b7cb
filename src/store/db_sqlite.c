/* db_sqlite.c - the SQLite implementation of db.h. */
#include "store/db.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define STMT_CACHE 128 /* open-addressed by SQL pointer; the project has fewer statements */

struct db_stmt {
  const char *sql;
  sqlite3_stmt *st;
};

struct db {
  sqlite3 *h;
  struct db_stmt cache[STMT_CACHE];
};

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

/* Process-wide settings, before SQLite's first use: no memory statistics, which would take
 * one global mutex around every allocation of every connection. */
static void sqlite_setup(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_initialize();
}

int db_open_sqlite(const char *path, int readonly, struct db **out) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sqlite_setup);
  struct db *db = calloc(1, sizeof *db);
  if (!db) return -SW_ENOMEM;
  int flags = SQLITE_OPEN_NOMUTEX | (readonly ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path, &db->h, flags, NULL);
  if (rc != SQLITE_OK) goto fail;
  sqlite3_busy_timeout(db->h, 10000);
  sqlite3_extended_result_codes(db->h, 1);
  const char *pragmas = readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                                 : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                   "PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=4000;"
                                   /* savepoint journals in memory, not a temp file */
                                   "PRAGMA temp_store=MEMORY;";
  if (sqlite3_exec(db->h, pragmas, NULL, NULL, NULL) != SQLITE_OK) goto fail;
  *out = db;
  return 0;
fail:
  db_close(db);
  return -SW_EDB;
}

void db_close(struct db *db) {
  if (!db) return;
  for (int i = 0; i < STMT_CACHE; i++)
    if (db->cache[i].st) sqlite3_finalize(db->cache[i].st);
  sqlite3_close(db->h);
  free(db);
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out) {
  size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
  for (size_t i = 0; i < STMT_CACHE; i++) {
    struct db_stmt *s = &db->cache[(h + i) % STMT_CACHE];
    if (s->sql == sql) {
      sqlite3_reset(s->st);
      sqlite3_clear_bindings(s->st);
      *out = s;
      return 0;
    }
    if (!s->sql) {
      int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
      if (rc != SQLITE_OK) return map_rc(db->h, rc) ? map_rc(db->h, rc) : -SW_EDB;
      s->sql = sql;
      *out = s;
      return 0;
    }
  }
  return -SW_ENOMEM;
}

int db_bind_text(struct db_stmt *st, int idx, const char *s) {
  int rc = s ? sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT)
             : sqlite3_bind_null(st->st, idx);
  return rc == SQLITE_OK ? 0 : -SW_EDB;
}

int db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n) {
  return sqlite3_bind_text64(st->st, idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8) == SQLITE_OK
             ? 0
             : -SW_EDB;
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v) {
  return sqlite3_bind_int64(st->st, idx, v) == SQLITE_OK ? 0 : -SW_EDB;
}

int db_bind_null(struct db_stmt *st, int idx) {
  return sqlite3_bind_null(st->st, idx) == SQLITE_OK ? 0 : -SW_EDB;
}

int db_step(struct db_stmt *st) {
  int rc = sqlite3_step(st->st);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  int e = map_rc(sqlite3_db_handle(st->st), rc);
  sqlite3_reset(st->st);
  return e;
}

const char *db_col_text(struct db_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st->st, col);
  return t ? (const char *)t : "";
}

int64_t db_col_int64(struct db_stmt *st, int col) { return sqlite3_column_int64(st->st, col); }

int db_col_is_null(struct db_stmt *st, int col) {
  return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void db_done(struct db_stmt *st) { sqlite3_reset(st->st); }

int db_exec(struct db *db, const char *sql) {
  int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? 0 : (map_rc(db->h, rc) ? map_rc(db->h, rc) : -SW_EDB);
}

int64_t db_changes(struct db *db) { return sqlite3_changes64(db->h); }

const char *db_errmsg(struct db *db) { return sqlite3_errmsg(db->h); }

int db_backup(struct db *db, const char *dest_path) {
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

const char *db_dialect_id_type(struct db *db) {
  (void)db;
  return "INTEGER PRIMARY KEY";
}
