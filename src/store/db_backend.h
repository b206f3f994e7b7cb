/* db_backend.h - what a backend of db.h provides (private to src/store/db*.c). Each
 * backend's connection and statement structs start with struct db / struct db_stmt, so
 * db.c dispatches every call through the connection's table. */
#ifndef SW_DB_BACKEND_H
#define SW_DB_BACKEND_H
#include "store/db.h"

struct db_ops {
  const char *name; /* "sqlite" or "postgresql" */
  const char *id_type;
  void (*close)(struct db *db);
  int (*prepare)(struct db *db, const char *sql, struct db_stmt **out);
  int (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t n); /* s != NULL */
  int (*bind_int64)(struct db_stmt *st, int idx, int64_t v);
  int (*bind_null)(struct db_stmt *st, int idx);
  int (*step)(struct db_stmt *st);
  const char *(*col_text)(struct db_stmt *st, int col);
  int64_t (*col_int64)(struct db_stmt *st, int col);
  int (*col_is_null)(struct db_stmt *st, int col);
  void (*done)(struct db_stmt *st);
  int (*exec)(struct db *db, const char *sql);
  int64_t (*changes)(struct db *db);
  const char *(*errmsg)(struct db *db);
  int (*backup)(struct db *db, const char *dest_path);
  void (*checkpoint)(struct db *db);
  /* NULL when COMMIT is durable on its own (PostgreSQL): db.c then runs COMMIT */
  int (*commit_unsynced)(struct db *db);
  int (*sync_commits)(struct db *db); /* may be called from another thread */
  /* NULL when statements fail alone anyway (SQLite) */
  void (*statement_savepoints)(struct db *db, int on);
  /* cross-process wake-ups; NULL when the backend has none (SQLite) */
  int (*listen)(struct db *db, const char *channel);
  int (*wait_notify)(struct db *db, int timeout_ms, char *payload, size_t len);
};

struct db {
  const struct db_ops *ops;
};

struct db_stmt {
  struct db *db; /* the connection it belongs to */
};

/* The PostgreSQL backend (db_pg.c); conninfo is a libpq URL or key=value string. */
int db_open_pg(const char *conninfo, int readonly, struct db **out);
/* Exposed for the unit tests: ?N parameters to $N (literals, quoted names and comments
 * left alone; *nparams gets the largest N), caller frees; and SQLSTATE to our codes. */
char *db_pg_translate(const char *sql, int *nparams);
int db_pg_map_sqlstate(const char *state);

#endif
