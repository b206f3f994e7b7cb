#include "store/identity.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "store/store.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* Runs an INSERT ... RETURNING id prepared in st; stores the id. */
static int insert_returning(struct db_stmt *st, int64_t *id) {
  int rc = db_step(st);
  if (rc < 0) return rc;
  if (rc == 1 && id) *id = db_col_int64(st, 0);
  db_done(st);
  return 0;
}

int idn_party_add(struct db *db, const char *national_id, const char *name,
                  const char *country, const char *roles, int64_t *id) {
  static const char *const sql = "INSERT INTO parties (national_id, name, country, roles,"
                                 " created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, national_id);
  db_bind_text(st, 2, name);
  db_bind_text(st, 3, country);
  db_bind_text(st, 4, roles);
  db_bind_int64(st, 5, store_now_us());
  return insert_returning(st, id);
}

static int party_row(struct db_stmt *st, struct party_rec *out) {
  int rc = db_step(st);
  if (rc == 1) {
    out->id = db_col_int64(st, 0);
    COPY(out->national_id, db_col_text(st, 1));
    COPY(out->name, db_col_text(st, 2));
    COPY(out->country, db_col_text(st, 3));
    COPY(out->roles, db_col_text(st, 4));
    out->trusted = (int)db_col_int64(st, 5);
    rc = 0;
  } else if (rc == 0) {
    rc = -SW_ENOTFOUND;
  }
  db_done(st);
  return rc;
}

int idn_party_get(struct db *db, int64_t id, struct party_rec *out) {
  static const char *const sql =
      "SELECT id, national_id, name, country, roles, trusted FROM parties WHERE id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, id);
  return party_row(st, out);
}

int idn_party_by_nid(struct db *db, const char *national_id, struct party_rec *out) {
  static const char *const sql = "SELECT id, national_id, name, country, roles, trusted"
                                 " FROM parties WHERE national_id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, national_id);
  return party_row(st, out);
}

int idn_agency_add(struct db *db, const char *code, const char *name, int64_t *id) {
  static const char *const sql =
      "INSERT INTO agencies (code, name, created_at) VALUES (?1, ?2, ?3) RETURNING id";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, code);
  db_bind_text(st, 2, name);
  db_bind_int64(st, 3, store_now_us());
  return insert_returning(st, id);
}

int idn_agency_id(struct db *db, const char *code, int64_t *id) {
  static const char *const sql = "SELECT id FROM agencies WHERE code = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, code);
  rc = db_step(st);
  if (rc == 1) *id = db_col_int64(st, 0);
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

int idn_user_add(struct db *db, const char *login, const char *pw_hash, const char *name,
                 enum user_role role, int64_t party_id, int64_t agency_id, int64_t *id) {
  static const char *const sql =
      "INSERT INTO users (login, pw_hash, name, role, party_id, agency_id, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, login);
  db_bind_text(st, 2, pw_hash);
  db_bind_text(st, 3, name);
  db_bind_text(st, 4, role_name(role));
  if (party_id) db_bind_int64(st, 5, party_id);
  if (agency_id) db_bind_int64(st, 6, agency_id);
  db_bind_int64(st, 7, store_now_us());
  return insert_returning(st, id);
}

int idn_user_by_login(struct db *db, const char *login, struct user_rec *out) {
  static const char *const sql =
      "SELECT id, login, name, pw_hash, role, COALESCE(party_id, 0), COALESCE(agency_id, 0),"
      " disabled FROM users WHERE login = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, login);
  rc = db_step(st);
  if (rc == 1) {
    out->id = db_col_int64(st, 0);
    COPY(out->login, db_col_text(st, 1));
    COPY(out->name, db_col_text(st, 2));
    COPY(out->pw_hash, db_col_text(st, 3));
    out->role = role_parse(db_col_text(st, 4));
    out->party_id = db_col_int64(st, 5);
    out->agency_id = db_col_int64(st, 6);
    out->disabled = (int)db_col_int64(st, 7);
  }
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

static int exec_changed(struct db_stmt *st, struct db *db) {
  int rc = db_step(st);
  db_done(st);
  if (rc < 0) return rc;
  return db_changes(db) > 0 ? 0 : -SW_ENOTFOUND;
}

int idn_user_set_password(struct db *db, const char *login, const char *pw_hash) {
  static const char *const sql = "UPDATE users SET pw_hash = ?2 WHERE login = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, login);
  db_bind_text(st, 2, pw_hash);
  return exec_changed(st, db);
}

int idn_user_set_disabled(struct db *db, const char *login, int disabled) {
  static const char *const sql = "UPDATE users SET disabled = ?2 WHERE login = ?1";
  static const char *const kill_sessions =
      "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = ?1)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, login);
  db_bind_int64(st, 2, disabled ? 1 : 0);
  if ((rc = exec_changed(st, db)) < 0 || !disabled) return rc;
  if ((rc = db_prepare(db, kill_sessions, &st)) < 0) return rc;
  db_bind_text(st, 1, login);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int idn_token_add(struct db *db, const char *hash, int64_t user_id, const char *name,
                  int64_t expires_at, int64_t *id) {
  static const char *const sql =
      "INSERT INTO tokens (hash, user_id, name, created_at, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, hash);
  db_bind_int64(st, 2, user_id);
  db_bind_text(st, 3, name);
  db_bind_int64(st, 4, store_now_us());
  if (expires_at) db_bind_int64(st, 5, expires_at);
  return insert_returning(st, id);
}

int idn_token_revoke(struct db *db, int64_t id) {
  static const char *const sql =
      "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, id);
  db_bind_int64(st, 2, store_now_us());
  return exec_changed(st, db);
}

#define CALLER_COLUMNS                                                                      \
  "u.id, u.login, u.role, COALESCE(u.party_id, 0), COALESCE(p.national_id, ''),"           \
  " COALESCE(p.roles, ''), COALESCE(u.agency_id, 0), COALESCE(a.code, '')"
#define CALLER_JOINS                                                                        \
  " LEFT JOIN parties p ON p.id = u.party_id LEFT JOIN agencies a ON a.id = u.agency_id"

static int caller_row(struct db_stmt *st, struct caller *out, int extra_csrf) {
  int rc = db_step(st);
  if (rc == 1) {
    memset(out, 0, sizeof *out);
    out->user_id = db_col_int64(st, 0);
    COPY(out->login, db_col_text(st, 1));
    out->role = role_parse(db_col_text(st, 2));
    out->party_id = db_col_int64(st, 3);
    COPY(out->party_nid, db_col_text(st, 4));
    if (party_roles_parse(db_col_text(st, 5), &out->party_roles) < 0) out->party_roles = 0;
    out->agency_id = db_col_int64(st, 6);
    COPY(out->agency, db_col_text(st, 7));
    if (extra_csrf) {
      out->via_session = 1;
      COPY(out->csrf, db_col_text(st, 8));
    }
  }
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

int idn_caller_by_token(struct db *db, const char *hash, int64_t now, struct caller *out) {
  static const char *const sql =
      "SELECT " CALLER_COLUMNS " FROM tokens t JOIN users u ON u.id = t.user_id" CALLER_JOINS
      " WHERE t.hash = ?1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR"
      " t.expires_at > ?2) AND u.disabled = 0";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, hash);
  db_bind_int64(st, 2, now);
  return caller_row(st, out, 0);
}

int idn_caller_by_session(struct db *db, const char *hash, int64_t now, struct caller *out) {
  static const char *const sql =
      "SELECT " CALLER_COLUMNS ", s.csrf FROM sessions s JOIN users u ON u.id = s.user_id"
      CALLER_JOINS " WHERE s.hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, hash);
  db_bind_int64(st, 2, now);
  return caller_row(st, out, 1);
}

int idn_session_add(struct db *db, const char *hash, int64_t user_id, const char *csrf,
                    int64_t now, int64_t expires_at) {
  static const char *const sql = "INSERT INTO sessions (hash, user_id, csrf, created_at,"
                                 " expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";
  static const char *const purge = "DELETE FROM sessions WHERE expires_at <= ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, purge, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, now);
  if ((rc = db_step(st)) < 0) return rc;
  if ((rc = db_prepare(db, sql, &st)) < 0) return rc;
  db_bind_text(st, 1, hash);
  db_bind_int64(st, 2, user_id);
  db_bind_text(st, 3, csrf);
  db_bind_int64(st, 4, now);
  db_bind_int64(st, 5, expires_at);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int idn_session_delete(struct db *db, const char *hash) {
  static const char *const sql = "DELETE FROM sessions WHERE hash = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, hash);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int idn_mandate_add(struct db *db, int64_t broker_id, int64_t principal_id) {
  static const char *const sql =
      "INSERT INTO mandates (broker_id, principal_id, created_at) VALUES (?1, ?2, ?3)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, broker_id);
  db_bind_int64(st, 2, principal_id);
  db_bind_int64(st, 3, store_now_us());
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int idn_mandate_exists(struct db *db, int64_t broker_id, int64_t principal_id) {
  static const char *const sql =
      "SELECT 1 FROM mandates WHERE broker_id = ?1 AND principal_id = ?2";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, broker_id);
  db_bind_int64(st, 2, principal_id);
  rc = db_step(st);
  db_done(st);
  return rc;
}

int idn_login_failure_add(struct db *db, const char *login, const char *ip, int64_t now) {
  static const char *const sql =
      "INSERT INTO login_failures (login, ip, at) VALUES (?1, ?2, ?3)";
  static const char *const purge = "DELETE FROM login_failures WHERE at < ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, purge, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, now - (int64_t)24 * 3600 * 1000000);
  if ((rc = db_step(st)) < 0) return rc;
  if ((rc = db_prepare(db, sql, &st)) < 0) return rc;
  db_bind_text(st, 1, login);
  db_bind_text(st, 2, ip);
  db_bind_int64(st, 3, now);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int idn_login_failures_since(struct db *db, const char *login, const char *ip, int64_t since,
                             int64_t *count) {
  static const char *const sql =
      "SELECT (SELECT COUNT(*) FROM login_failures WHERE login = ?1 AND at >= ?3),"
      " (SELECT COUNT(*) FROM login_failures WHERE ip = ?2 AND at >= ?3)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, login);
  db_bind_text(st, 2, ip);
  db_bind_int64(st, 3, since);
  rc = db_step(st);
  if (rc == 1) {
    int64_t by_login = db_col_int64(st, 0), by_ip = db_col_int64(st, 1);
    /* an address gets more room than one login: several users may share a NAT */
    *count = by_login > by_ip / 4 ? by_login : by_ip / 4;
  }
  db_done(st);
  return rc < 0 ? rc : 0;
}

int idn_login_failures_clear(struct db *db, const char *login) {
  static const char *const sql = "DELETE FROM login_failures WHERE login = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, login);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}
