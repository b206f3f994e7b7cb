/* db.c - db.h's entry points: opening by URL and dispatch to the connection's backend. */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "store/db_backend.h"

int db_open_url(const char *url, int readonly, struct db **out) {
  if (!url || !*url) return -SW_EINVAL;
  if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
    return db_open_pg(url, readonly, out);
  if (!strncmp(url, "sqlite://", 9)) {
    if (!url[9]) return -SW_EINVAL;
    return db_open_sqlite(url + 9, readonly, out);
  }
  if (strstr(url, "://")) return -SW_EINVAL; /* a scheme we do not know */
  return db_open_sqlite(url, readonly, out);
}

void db_url_redact(const char *url, char *out, size_t len) {
  const char *scheme = strstr(url, "://");
  const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
  const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
  if (!colon) {
    snprintf(out, len, "%s", url);
    return;
  }
  snprintf(out, len, "%.*s:***%s", (int)(colon - url), url, at);
}

void db_close(struct db *db) {
  if (db) db->ops->close(db);
}
const char *db_backend_name(const struct db *db) { return db->ops->name; }
int db_prepare(struct db *db, const char *sql, struct db_stmt **out) {
  return db->ops->prepare(db, sql, out);
}
int db_bind_text(struct db_stmt *st, int idx, const char *s) {
  return s ? st->db->ops->bind_text(st, idx, s, strlen(s)) : st->db->ops->bind_null(st, idx);
}
int db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n) {
  return s ? st->db->ops->bind_text(st, idx, s, n) : st->db->ops->bind_null(st, idx);
}
int db_bind_int64(struct db_stmt *st, int idx, int64_t v) {
  return st->db->ops->bind_int64(st, idx, v);
}
int db_bind_null(struct db_stmt *st, int idx) { return st->db->ops->bind_null(st, idx); }
int db_step(struct db_stmt *st) { return st->db->ops->step(st); }
const char *db_col_text(struct db_stmt *st, int col) { return st->db->ops->col_text(st, col); }
int64_t db_col_int64(struct db_stmt *st, int col) { return st->db->ops->col_int64(st, col); }
int db_col_is_null(struct db_stmt *st, int col) { return st->db->ops->col_is_null(st, col); }
void db_done(struct db_stmt *st) { st->db->ops->done(st); }
int db_exec(struct db *db, const char *sql) { return db->ops->exec(db, sql); }
int64_t db_changes(struct db *db) { return db->ops->changes(db); }
const char *db_errmsg(struct db *db) { return db->ops->errmsg(db); }
int db_backup(struct db *db, const char *dest_path) { return db->ops->backup(db, dest_path); }
void db_checkpoint(struct db *db) { db->ops->checkpoint(db); }
const char *db_dialect_id_type(struct db *db) { return db->ops->id_type; }
int db_commit_unsynced(struct db *db) {
  return db->ops->commit_unsynced ? db->ops->commit_unsynced(db) : db_exec(db, "COMMIT");
}
int db_sync_commits(struct db *db) {
  return db->ops->sync_commits ? db->ops->sync_commits(db) : 0;
}

void db_statement_savepoints(struct db *db, int on) {
  if (db->ops->statement_savepoints) db->ops->statement_savepoints(db, on);
}

int db_notify(struct db *db, const char *channel, const char *payload) {
  static const char *const sql = "SELECT pg_notify(?1, ?2)";
  struct db_stmt *st;
  if (!db->ops->listen) return 0;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, channel);
  db_bind_text(st, 2, payload);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}
int db_listen(struct db *db, const char *channel) {
  return db->ops->listen ? db->ops->listen(db, channel) : -SW_EINVAL;
}
int db_wait_notify(struct db *db, int timeout_ms, char *payload, size_t len) {
  return db->ops->wait_notify ? db->ops->wait_notify(db, timeout_ms, payload, len) : -SW_EINVAL;
}
