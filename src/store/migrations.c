/* migrations.c - the schema, one entry per version. Never edit a released entry: add one.
 * SQL is written for both SQLite and PostgreSQL; "@ID@" is the backend's key type. */
#include "store/migrations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/store.h"

static const char *const MIGRATIONS[] = {
    /* 1: identities, access, audit, reference data */
    "CREATE TABLE parties ("
    " id @ID@, national_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, country TEXT NOT NULL,"
    " roles TEXT NOT NULL, trusted INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL);"
    "CREATE TABLE agencies ("
    " id @ID@, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE TABLE users ("
    " id @ID@, login TEXT NOT NULL UNIQUE, pw_hash TEXT NOT NULL, name TEXT NOT NULL,"
    " role TEXT NOT NULL, party_id BIGINT REFERENCES parties(id),"
    " agency_id BIGINT REFERENCES agencies(id), disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at BIGINT NOT NULL);"
    "CREATE TABLE tokens ("
    " id @ID@, hash TEXT NOT NULL UNIQUE, user_id BIGINT NOT NULL REFERENCES users(id),"
    " name TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT,"
    " revoked_at BIGINT);"
    "CREATE TABLE sessions ("
    " id @ID@, hash TEXT NOT NULL UNIQUE, user_id BIGINT NOT NULL REFERENCES users(id),"
    " csrf TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);"
    "CREATE TABLE mandates ("
    " broker_id BIGINT NOT NULL REFERENCES parties(id),"
    " principal_id BIGINT NOT NULL REFERENCES parties(id), created_at BIGINT NOT NULL,"
    " PRIMARY KEY (broker_id, principal_id));"
    "CREATE TABLE login_failures (id @ID@, login TEXT NOT NULL, ip TEXT NOT NULL,"
    " at BIGINT NOT NULL);"
    "CREATE INDEX login_failures_login ON login_failures(login, at);"
    "CREATE INDEX login_failures_ip ON login_failures(ip, at);"
    "CREATE TABLE audit ("
    " seq @ID@, at BIGINT NOT NULL, actor TEXT NOT NULL, origin TEXT NOT NULL,"
    " action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TABLE ref_hs (code TEXT PRIMARY KEY, description TEXT NOT NULL,"
    " parent TEXT NOT NULL, section TEXT NOT NULL, level INTEGER NOT NULL);"
    "CREATE TABLE ref_country (alpha2 TEXT PRIMARY KEY, alpha3 TEXT NOT NULL,"
    " numeric_code TEXT NOT NULL, name TEXT NOT NULL);"
    "CREATE TABLE ref_currency (code TEXT PRIMARY KEY, numeric_code TEXT NOT NULL,"
    " name TEXT NOT NULL, minor_unit INTEGER NOT NULL);"
    "CREATE TABLE ref_location (locode TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " function_code TEXT NOT NULL);",
    /* 2: declarations, agency tasks, events, routing rules, offices */
    "CREATE TABLE offices (code TEXT PRIMARY KEY, locode TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL);"
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);"
    "CREATE TABLE routing_rules (rule_id TEXT PRIMARY KEY, version BIGINT NOT NULL,"
    " agency TEXT NOT NULL, enabled INTEGER NOT NULL, body TEXT NOT NULL,"
    " updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE routing_rule_history (rule_id TEXT NOT NULL, version BIGINT NOT NULL,"
    " ruleset BIGINT NOT NULL, body TEXT NOT NULL, changed_at BIGINT NOT NULL,"
    " changed_by TEXT NOT NULL, PRIMARY KEY (rule_id, version));"
    "CREATE TABLE declarations ("
    " id @ID@, number TEXT NOT NULL UNIQUE, type TEXT NOT NULL, status TEXT NOT NULL,"
    " reference TEXT NOT NULL, declarant_id BIGINT NOT NULL REFERENCES parties(id),"
    " principal_id BIGINT NOT NULL REFERENCES parties(id), office TEXT NOT NULL,"
    " content TEXT NOT NULL, content_hash TEXT NOT NULL, ruleset BIGINT NOT NULL,"
    " clearance TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
    " created_by TEXT NOT NULL, UNIQUE (declarant_id, reference));"
    "CREATE INDEX declarations_principal ON declarations(principal_id, id);"
    "CREATE TABLE decl_items (decl_id BIGINT NOT NULL REFERENCES declarations(id),"
    " seq INTEGER NOT NULL, hs TEXT NOT NULL, origin TEXT, PRIMARY KEY (decl_id, seq));"
    "CREATE INDEX decl_items_hs ON decl_items(hs);"
    "CREATE TABLE tasks ("
    " id @ID@, decl_id BIGINT NOT NULL REFERENCES declarations(id), agency TEXT NOT NULL,"
    " state TEXT NOT NULL, reason TEXT NOT NULL, rules TEXT NOT NULL,"
    " automated INTEGER NOT NULL, since BIGINT NOT NULL, created_at BIGINT NOT NULL,"
    " decided_by TEXT, reason_code TEXT, note TEXT, inspection_at TEXT,"
    " UNIQUE (decl_id, agency));"
    "CREATE INDEX tasks_inbox ON tasks(agency, state, since);"
    "CREATE TABLE events ("
    " seq @ID@, at BIGINT NOT NULL, decl_id BIGINT NOT NULL REFERENCES declarations(id),"
    " kind TEXT NOT NULL, status TEXT NOT NULL, agency TEXT, task_id BIGINT,"
    " actor TEXT NOT NULL, automated INTEGER NOT NULL, detail TEXT NOT NULL);"
    "CREATE INDEX events_decl ON events(decl_id, seq);",
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

int migrations_apply(struct db *db) {
  struct db_stmt *st;
  int rc, version = 0;
  static const char *const create_meta =
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL,"
      " applied_at BIGINT NOT NULL)";
  static const char *const get_version = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
  static const char *const put_version =
      "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)";
  if ((rc = db_exec(db, create_meta)) < 0) return rc;
  if ((rc = db_prepare(db, get_version, &st)) < 0) return rc;
  if (db_step(st) == 1) version = (int)db_col_int64(st, 0);
  db_done(st);
  if (version > N_MIGRATIONS) {
    fprintf(stderr, "database schema version %d is newer than this program (%d)\n", version,
            N_MIGRATIONS);
    return -SW_ESTATE;
  }
  for (int v = version + 1; v <= N_MIGRATIONS; v++) {
    char *sql = expand(MIGRATIONS[v - 1], db_dialect_id_type(db));
    if (!sql) return -SW_ENOMEM;
    if ((rc = db_exec(db, "BEGIN IMMEDIATE")) < 0) {
      free(sql);
      return rc;
    }
    rc = db_exec(db, sql);
    free(sql);
    if (rc == 0 && (rc = db_prepare(db, put_version, &st)) == 0) {
      db_bind_int64(st, 1, v);
      db_bind_int64(st, 2, store_now_us());
      rc = db_step(st);
    }
    if (rc < 0) {
      fprintf(stderr, "migration %d failed: %s\n", v, db_errmsg(db));
      db_exec(db, "ROLLBACK");
      return rc;
    }
    if ((rc = db_exec(db, "COMMIT")) < 0) return rc;
  }
  return N_MIGRATIONS;
}
