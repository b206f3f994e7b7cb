/* migrations.c - the schema, one entry per version. Never edit a released entry: add one.
 * SQL is written for both SQLite and PostgreSQL; "@ID@" is the backend's key type. */
#include "store/migrations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/store.h"

/* In order; each lives in its own file (mig_NNN_*.c). Append, never edit a released one. */
static const char *const MIGRATIONS[] = {
    MIGRATION_001,
    MIGRATION_002,
    MIGRATION_003,
    MIGRATION_004,
    MIGRATION_005,
    MIGRATION_006,
};

#define N_MIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

/* Replaces every "@ID@" in sql with the dialect's key type; caller frees. */
static char *expand(const char *sql, const char *id_type) {
  size_t n = strlen(sql), idl = strlen(id_type), count = 0;
  for (const char *p = sql; (p = strstr(p, "@ID@")); p += 4) count++;
  char *out = malloc(n + count * idl + 1), *w = out;
  if (!out) return NULL;
  for (const char *p = sql;;) {
    const char *q = strstr(p, "@ID@");
    size_t len = q ? (size_t)(q - p) : strlen(p);
    memcpy(w, p, len);
    w += len;
    if (!q) break;
    memcpy(w, id_type, idl);
    w += idl;
    p = q + 4;
  }
  *w = 0;
  return out;
}

/* Applies the next migration if the schema is older than this program, in one
 * transaction that first takes the schema lock, so that several processes starting at
 * once on one database (swd nodes, swctl) apply each migration exactly once: SQLite's
 * BEGIN IMMEDIATE is that lock; PostgreSQL locks the version table. Returns the version
 * now in place. */
static int apply_next(struct db *db) {
  static const char *const get_version = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
  static const char *const put_version =
      "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)";
  struct db_stmt *st;
  int rc, version = 0;
  if ((rc = db_exec(db, "BEGIN IMMEDIATE")) < 0) return rc;
  if (!strcmp(db_backend_name(db), "postgresql") &&
      (rc = db_exec(db, "LOCK TABLE schema_version IN EXCLUSIVE MODE")) < 0)
    goto fail;
  if ((rc = db_prepare(db, get_version, &st)) < 0) goto fail;
  if ((rc = db_step(st)) == 1) version = (int)db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto fail;
  if (version > N_MIGRATIONS) {
    fprintf(stderr, "database schema version %d is newer than this program (%d)\n", version,
            N_MIGRATIONS);
    rc = -SW_ESTATE;
    goto fail;
  }
  if (version < N_MIGRATIONS) {
    char *sql = expand(MIGRATIONS[version], db_dialect_id_type(db));
    if (!sql) {
      rc = -SW_ENOMEM;
      goto fail;
    }
    rc = db_exec(db, sql);
    free(sql);
    if (rc == 0 && (rc = db_prepare(db, put_version, &st)) == 0) {
      db_bind_int64(st, 1, version + 1);
      db_bind_int64(st, 2, store_now_us());
      rc = db_step(st);
      db_done(st);
    }
    if (rc < 0) {
      fprintf(stderr, "migration %d failed: %s\n", version + 1, db_errmsg(db));
      goto fail;
    }
    version++;
  }
  if ((rc = db_exec(db, "COMMIT")) < 0) goto fail;
  return version;
fail:
  db_exec(db, "ROLLBACK");
  return rc;
}

int migrations_apply(struct db *db) {
  static const char *const create_meta =
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL,"
      " applied_at BIGINT NOT NULL)";
  int rc = db_exec(db, create_meta), version = -1;
  while (rc >= 0 && (rc = apply_next(db)) > version) version = rc;
  return rc < 0 ? rc : version;
}
