/* h_users.c - the administrator's users and API tokens over the API (what `swctl user`
 * and `swctl token` do on the command line), and the directories the forms pick from:
 * agencies (public: they are government bodies) and parties (administrators).
 * Every change runs as one store_write job and is audited in the same transaction.
 * Passwords are hashed (argon2id) on the request thread, never in the writer; tokens are
 * shown once, in the answer that creates them, and stored only as SHA-256 hashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timefmt.h"
#include "crypto/crypto.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "store/audit.h"
#include "store/identity.h"

#define LOGIN_MAX 63
#define NAME_MAX_LEN 128
#define PASSWORD_MIN 8
#define PASSWORD_MAX 256
#define TOKEN_NAME_MAX 64
#define TOKEN_DAYS_MAX 3650

static json_t *time_json(int64_t us) {
  char buf[40];
  time_format_us(us, buf, sizeof buf);
  return json_string(buf);
}

/* ---- reads ---- */

#define USER_COLS                                                                          \
  "u.id, u.login, u.name, u.role, COALESCE(p.national_id, ''), COALESCE(a.code, ''),"     \
  " u.disabled, u.created_at,"                                                             \
  " (SELECT COUNT(*) FROM tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL)"
#define USER_JOINS                                                                         \
  " FROM users u LEFT JOIN parties p ON p.id = u.party_id"                                 \
  " LEFT JOIN agencies a ON a.id = u.agency_id"

static json_t *user_row_json(struct db_stmt *st) {
  json_t *u = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:I}", "id",
                        (json_int_t)db_col_int64(st, 0), "login", db_col_text(st, 1), "name",
                        db_col_text(st, 2), "role", db_col_text(st, 3), "disabled",
                        (int)db_col_int64(st, 6), "created_at", time_json(db_col_int64(st, 7)),
                        "active_tokens", (json_int_t)db_col_int64(st, 8));
  if (u && *db_col_text(st, 4)) json_object_set_new(u, "party", json_string(db_col_text(st, 4)));
  if (u && *db_col_text(st, 5)) json_object_set_new(u, "agency", json_string(db_col_text(st, 5)));
  return u;
}

/* One user by login; NULL when unknown. */
static json_t *user_json(struct db *db, const char *login) {
  static const char *const sql = "SELECT " USER_COLS USER_JOINS " WHERE u.login = ?1";
  struct db_stmt *st;
  json_t *u = NULL;
  if (!db || db_prepare(db, sql, &st) < 0) return NULL;
  db_bind_text(st, 1, login);
  if (db_step(st) == 1) u = user_row_json(st);
  db_done(st);
  return u;
}

/* Escapes LIKE's wildcards (\ as the escape) and wraps the text in %...%. */
static char *like_pattern(struct arena *a, const char *q) {
  size_t n = strlen(q);
  char *p = arena_alloc(a, 2 * n + 3), *w = p;
  if (!p) return NULL;
  *w++ = '%';
  for (size_t i = 0; i < n; i++) {
    if (q[i] == '%' || q[i] == '_' || q[i] == '\\') *w++ = '\\';
    *w++ = q[i];
  }
  *w++ = '%';
  *w = 0;
  return p;
}

/* GET /v1/users?q=&after=&limit= : users by id, cursor-paged; q matches login or name. */
void h_users_list(struct http_req *r) {
  static const char *const sql =
      "SELECT " USER_COLS USER_JOINS " WHERE u.id > ?1"
      " AND (?2 IS NULL OR u.login LIKE ?2 ESCAPE '\\' OR u.name LIKE ?2 ESCAPE '\\')"
      " ORDER BY u.id LIMIT ?3";
  long limit, after;
  const char *q = req_query(r, "q");
  const char *pattern = NULL;
  if (req_query_int(r, "limit", 1, 200, 100, &limit) < 0 ||
      req_query_int(r, "after", 0, INT64_MAX / 2, 0, &after) < 0)
    return;
  if (q && strlen(q) > 64) {
    reply_error(r, 400, "?q", "bad_parameter", "q must be at most 64 characters");
    return;
  }
  if (q && *q && !(pattern = like_pattern(&r->arena, q))) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  struct db *db = store_reader(r->app->store);
  struct db_stmt *st;
  if (!db || db_prepare(db, sql, &st) < 0) {
    reply_error(r, 503, "", "store_failed", "cannot read users");
    return;
  }
  db_bind_int64(st, 1, after);
  db_bind_text(st, 2, pattern);
  db_bind_int64(st, 3, limit);
  json_t *items = json_array();
  int64_t last = 0;
  long n = 0;
  while (db_step(st) == 1) {
    last = db_col_int64(st, 0);
    n++;
    json_array_append_new(items, user_row_json(st));
  }
  db_done(st);
  json_t *page = json_pack("{s:o}", "items", items);
  if (n == limit) {
    char cur[24];
    snprintf(cur, sizeof cur, "%lld", (long long)last);
    json_object_set_new(page, "next", json_string(cur));
  }
  reply_json(r, 200, page);
}

/* GET /v1/users/{login}/tokens : the user's tokens, newest first (never the secrets). */
void h_user_tokens(struct http_req *r) {
  static const char *const sql =
      "SELECT t.id, t.name, t.created_at, t.expires_at, t.revoked_at FROM tokens t"
      " JOIN users u ON u.id = t.user_id WHERE u.login = ?1 ORDER BY t.id DESC LIMIT 500";
  const char *login = req_param(r, "login");
  struct db *db = store_reader(r->app->store);
  json_t *user = user_json(db, login);
  struct db_stmt *st;
  if (!user) {
    reply_error(r, 404, "", "not_found", "no such user");
    return;
  }
  json_decref(user);
  if (db_prepare(db, sql, &st) < 0) {
    reply_error(r, 503, "", "store_failed", "cannot read tokens");
    return;
  }
  db_bind_text(st, 1, login);
  json_t *items = json_array();
  while (db_step(st) == 1) {
    json_t *t = json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)db_col_int64(st, 0),
                          "name", db_col_text(st, 1), "created_at",
                          time_json(db_col_int64(st, 2)), "expires_at",
                          db_col_is_null(st, 3) ? json_null() : time_json(db_col_int64(st, 3)),
                          "revoked_at",
                          db_col_is_null(st, 4) ? json_null() : time_json(db_col_int64(st, 4)));
    json_array_append_new(items, t);
  }
  db_done(st);
  reply_json(r, 200, json_pack("{s:s, s:o}", "user", login, "items", items));
}

/* GET /v1/agencies : every agency's code and name. */
void h_agencies_list(struct http_req *r) {
  static const char *const sql = "SELECT code, name FROM agencies ORDER BY code";
  struct db *db = store_reader(r->app->store);
  struct db_stmt *st;
  if (!db || db_prepare(db, sql, &st) < 0) {
    reply_error(r, 503, "", "store_failed", "cannot read agencies");
    return;
  }
  json_t *items = json_array();
  while (db_step(st) == 1)
    json_array_append_new(items, json_pack("{s:s, s:s}", "code", db_col_text(st, 0), "name",
                                           db_col_text(st, 1)));
  db_done(st);
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /v1/parties : every party (enterprise) with its national id, name and roles. */
void h_parties_list(struct http_req *r) {
  static const char *const sql =
      "SELECT national_id, name, country, roles FROM parties ORDER BY name LIMIT 1000";
  struct db *db = store_reader(r->app->store);
  struct db_stmt *st;
  if (!db || db_prepare(db, sql, &st) < 0) {
    reply_error(r, 503, "", "store_failed", "cannot read parties");
    return;
  }
  json_t *items = json_array();
  while (db_step(st) == 1)
    json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "national_id",
                                           db_col_text(st, 0), "name", db_col_text(st, 1),
                                           "country", db_col_text(st, 2), "roles",
                                           db_col_text(st, 3)));
  db_done(st);
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- writes ---- */

/* One audited change: fn does the work, then the audit row is appended by user_write. */
struct user_job {
  int (*fn)(struct db *db, struct user_job *j);
  const char *actor, *origin, *action, *object;
  /* in */
  const char *login, *name, *party, *agency, *token_name, *token_hash;
  enum user_role role;
  int disabled;
  int64_t token_id, expires_at;
  char pw_hash[CRYPTO_PWHASH_LEN];
  /* out */
  int64_t id;
};

static int user_write(struct db *db, void *arg) {
  struct user_job *j = arg;
  int rc = j->fn(db, j);
  if (rc < 0) return rc;
  json_t *d = NULL;
  if (!strcmp(j->action, "user.add"))
    d = json_pack("{s:s, s:s*, s:s*}", "role", role_name(j->role), "party", j->party,
                  "agency", j->agency);
  else if (!strcmp(j->action, "token.issue"))
    d = json_pack("{s:I, s:s}", "token", (json_int_t)j->id, "name", j->token_name);
  else if (!strcmp(j->action, "token.revoke"))
    d = json_pack("{s:I}", "token", (json_int_t)j->token_id);
  char *detail = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(d);
  rc = audit_append(db, j->actor, j->origin, j->action, j->object, detail ? detail : "{}");
  free(detail);
  return rc;
}

static int job_user_add(struct db *db, struct user_job *j) {
  int64_t party = 0, agency = 0;
  int rc;
  if (j->party) {
    struct party_rec p;
    if ((rc = idn_party_by_nid(db, j->party, &p)) < 0) return rc;
    party = p.id;
  }
  if (j->agency && (rc = idn_agency_id(db, j->agency, &agency)) < 0) return rc;
  return idn_user_add(db, j->login, j->pw_hash, j->name, j->role, party, agency, &j->id);
}

static int job_user_disable(struct db *db, struct user_job *j) {
  return idn_user_set_disabled(db, j->login, j->disabled);
}

static int job_token_issue(struct db *db, struct user_job *j) {
  struct user_rec u;
  int rc = idn_user_by_login(db, j->login, &u);
  if (rc < 0) return rc;
  if (u.disabled) return -SW_ESTATE;
  return idn_token_add(db, j->token_hash, u.id, j->token_name, j->expires_at, &j->id);
}

static int job_token_revoke(struct db *db, struct user_job *j) {
  return idn_token_revoke(db, j->token_id);
}

static int run_job(struct http_req *r, struct user_job *j) {
  j->actor = r->caller.login;
  j->origin = r->client_ip;
  return store_write(r->app->store, user_write, j);
}

/* Text without control characters (tabs, line breaks, DEL). */
static int printable(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  return 1;
}

/* A string member: NULL when absent or null; adds a problem when present and not a
 * string of min..max bytes without control characters. */
static const char *member_text(json_t *body, const char *key, size_t min, size_t max,
                               struct errlist *errs) {
  json_t *v = json_object_get(body, key);
  char path[40];
  if (!v || json_is_null(v)) return NULL;
  snprintf(path, sizeof path, "/%s", key);
  if (!json_is_string(v)) {
    errlist_add(errs, path, "bad_type", "%s must be text", key);
    return NULL;
  }
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (n < min) {
    errlist_add(errs, path, min > 1 ? "too_short" : "required",
                "%s needs at least %zu characters", key, min);
    return NULL;
  }
  if (n > max) {
    errlist_add(errs, path, "too_long", "%s is at most %zu characters", key, max);
    return NULL;
  }
  if (memchr(s, 0, n) || !printable(s)) {
    errlist_add(errs, path, "bad_format", "%s must not contain control characters", key);
    return NULL;
  }
  return s;
}

/* Problems for members other than the allowed ones (NULL-terminated list). */
static void unknown_members(json_t *body, const char *const *allowed, struct errlist *errs) {
  const char *key;
  json_t *val;
  json_object_foreach(body, key, val) {
    int ok = 0;
    for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(key, *a);
    if (!ok) errlist_add(errs, "", "unknown_field", "unknown field '%.40s'", key);
  }
}

static int login_ok(const char *s) {
  size_t n = strlen(s);
  if (!n || n > LOGIN_MAX) return 0;
  if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
    return 0;
  return s[0] != '.' && s[0] != '-';
}

/* POST /v1/users {login, name, role, party | agency, password} */
void h_user_create(struct http_req *r) {
  static const char *const allowed[] = {"login", "name", "role", "party", "agency",
                                        "password", NULL};
  struct errlist *errs = arena_alloc(&r->arena, sizeof *errs);
  struct user_job *j = arena_alloc(&r->arena, sizeof *j);
  struct db *db = store_reader(r->app->store);
  json_t *body;
  char generated[CRYPTO_TOKEN_LEN] = "";
  if (!errs || !j) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  if (!(body = req_json(r))) return;
  memset(j, 0, sizeof *j);
  errlist_init(errs);
  if (!json_is_object(body)) {
    reply_error(r, 422, "", "bad_type", "the body must be an object");
    goto out;
  }
  unknown_members(body, allowed, errs);
  j->login = member_text(body, "login", 1, LOGIN_MAX, errs);
  if (!j->login && !json_object_get(body, "login"))
    errlist_add(errs, "/login", "required", "login is required");
  else if (j->login && !login_ok(j->login))
    errlist_add(errs, "/login", "bad_format",
                "login is 1 to 63 letters, digits, '.', '_' or '-', not starting with . or -");
  j->name = member_text(body, "name", 1, NAME_MAX_LEN, errs);
  json_t *jrole = json_object_get(body, "role");
  j->role = json_is_string(jrole) ? role_parse(json_string_value(jrole)) : ROLE_NONE;
  if (!jrole)
    errlist_add(errs, "/role", "required", "role is required");
  else if (j->role == ROLE_NONE)
    errlist_add(errs, "/role", "bad_value",
                "role must be declarant, officer, supervisor or administrator");
  j->party = member_text(body, "party", 1, 35, errs);
  j->agency = member_text(body, "agency", 1, 15, errs);
  const char *password = member_text(body, "password", PASSWORD_MIN, PASSWORD_MAX, errs);
  if (j->role == ROLE_DECLARANT && !j->party && !json_object_get(body, "party"))
    errlist_add(errs, "/party", "required", "a declarant belongs to a party (its national id)");
  if (j->role != ROLE_DECLARANT && j->role != ROLE_NONE && json_object_get(body, "party"))
    errlist_add(errs, "/party", "not_allowed", "only a declarant belongs to a party");
  int agency_role = j->role == ROLE_OFFICER || j->role == ROLE_SUPERVISOR;
  if (agency_role && !j->agency && !json_object_get(body, "agency"))
    errlist_add(errs, "/agency", "required", "an officer or supervisor belongs to an agency");
  if (!agency_role && j->role != ROLE_NONE && json_object_get(body, "agency"))
    errlist_add(errs, "/agency", "not_allowed",
                "only officers and supervisors belong to an agency");
  struct party_rec p;
  int64_t agency_id;
  if (j->role == ROLE_DECLARANT && j->party && db && idn_party_by_nid(db, j->party, &p) < 0)
    errlist_add(errs, "/party", "unknown_party", "no party has the national id %.35s", j->party);
  if (agency_role && j->agency && db && idn_agency_id(db, j->agency, &agency_id) < 0)
    errlist_add(errs, "/agency", "unknown_agency", "no agency has the code %.15s", j->agency);
  if (errlist_any(errs)) {
    reply_problem(r, 422, "validation", "The user has problems", NULL, errs);
    goto out;
  }
  if (!j->name) j->name = j->login;
  if (!password) { /* generated, shown once in the answer */
    crypto_token_new(generated);
    generated[16] = 0;
    password = generated;
  }
  if (crypto_password_hash(password, j->pw_hash) < 0) {
    reply_error(r, 503, "", "crypto_failed", "the password could not be hashed; retry");
    goto out;
  }
  j->fn = job_user_add;
  j->action = "user.add";
  j->object = j->login;
  int rc = run_job(r, j);
  if (rc == -SW_EEXISTS) {
    reply_error(r, 409, "/login", "exists", "a user with this login exists");
  } else if (rc == -SW_ENOTFOUND) {
    reply_error(r, 422, j->party ? "/party" : "/agency", j->party ? "unknown_party" : "unknown_agency",
                "the party or agency no longer exists");
  } else if (rc < 0) {
    reply_error(r, 503, "", "store_failed", "the user could not be stored; retry");
  } else {
    json_t *u = user_json(db, j->login);
    if (!u) {
      reply_error(r, 500, "", "read_failed", "the user could not be read back");
      goto out;
    }
    if (generated[0]) json_object_set_new(u, "password", json_string(generated));
    char loc[96];
    reply_json(r, 201, u);
    snprintf(loc, sizeof loc, "/v1/users/%s", j->login);
    reply_header(r, "Location", loc);
  }
out:
  crypto_token_new(generated); /* overwrite the plain password */
  json_decref(body);
}

static void set_disabled(struct http_req *r, int disabled) {
  const char *login = req_param(r, "login");
  struct user_job j = {.fn = job_user_disable, .login = login, .object = login,
                       .disabled = disabled,
                       .action = disabled ? "user.disable" : "user.enable"};
  if (disabled && !strcmp(login, r->caller.login)) {
    reply_error(r, 409, "", "own_account", "you cannot disable your own account");
    return;
  }
  int rc = run_job(r, &j);
  if (rc == -SW_ENOTFOUND) reply_error(r, 404, "", "not_found", "no such user");
  else if (rc < 0) reply_error(r, 503, "", "store_failed", "the change could not be stored; retry");
  else {
    json_t *u = user_json(store_reader(r->app->store), login);
    if (u) reply_json(r, 200, u);
    else reply_error(r, 500, "", "read_failed", "the user could not be read back");
  }
}

/* POST /v1/users/{login}/disable : the user can no longer sign in; sessions end, tokens
 * stop working (they are refused while the user is disabled). */
void h_user_disable(struct http_req *r) { set_disabled(r, 1); }
/* POST /v1/users/{login}/enable */
void h_user_enable(struct http_req *r) { set_disabled(r, 0); }

/* POST /v1/users/{login}/tokens {name, days?} : a new API token, shown once. */
void h_user_token_issue(struct http_req *r) {
  static const char *const allowed[] = {"name", "days", NULL};
  const char *login = req_param(r, "login");
  struct errlist *errs = arena_alloc(&r->arena, sizeof *errs);
  json_t *body;
  char secret[CRYPTO_TOKEN_LEN], hash[CRYPTO_HEX32_LEN];
  if (!errs) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  if (!(body = req_json(r))) return;
  errlist_init(errs);
  if (!json_is_object(body)) {
    reply_error(r, 422, "", "bad_type", "the body must be an object");
    goto out;
  }
  unknown_members(body, allowed, errs);
  const char *name = member_text(body, "name", 1, TOKEN_NAME_MAX, errs);
  if (!name && !json_object_get(body, "name"))
    errlist_add(errs, "/name", "required", "name the token after the system that will use it");
  json_t *jdays = json_object_get(body, "days");
  int64_t expires = 0;
  if (jdays && !json_is_null(jdays)) {
    if (!json_is_integer(jdays) || json_integer_value(jdays) < 1 ||
        json_integer_value(jdays) > TOKEN_DAYS_MAX)
      errlist_add(errs, "/days", "out_of_range", "days must be a whole number from 1 to %d",
                  TOKEN_DAYS_MAX);
    else
      expires = store_now_us() + (int64_t)json_integer_value(jdays) * 86400 * 1000000;
  }
  if (errlist_any(errs)) {
    reply_problem(r, 422, "validation", "The token request has problems", NULL, errs);
    goto out;
  }
  crypto_token_new(secret);
  auth_secret_hash(secret, hash);
  struct user_job j = {.fn = job_token_issue, .action = "token.issue", .object = login,
                       .login = login, .token_name = name, .token_hash = hash,
                       .expires_at = expires};
  int rc = run_job(r, &j);
  if (rc == -SW_ENOTFOUND) {
    reply_error(r, 404, "", "not_found", "no such user");
  } else if (rc == -SW_ESTATE) {
    reply_error(r, 409, "", "user_disabled", "the user is disabled; enable it first");
  } else if (rc < 0) {
    reply_error(r, 503, "", "store_failed", "the token could not be stored; retry");
  } else {
    reply_json(r, 201,
               json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)j.id, "user", login,
                         "name", name, "token", secret, "created_at",
                         time_json(store_now_us()), "expires_at",
                         expires ? time_json(expires) : json_null()));
  }
  crypto_token_new(secret); /* the only copy left is in the answer */
out:
  json_decref(body);
}

/* DELETE /v1/tokens/{id} : revokes a token at once. */
void h_token_revoke(struct http_req *r) {
  int64_t id = req_id_param(r, "id");
  if (!id) return;
  struct user_job j = {.fn = job_token_revoke, .action = "token.revoke", .token_id = id};
  char object[24];
  snprintf(object, sizeof object, "%lld", (long long)id);
  j.object = object;
  int rc = run_job(r, &j);
  if (rc == -SW_ENOTFOUND)
    reply_error(r, 404, "", "not_found", "no such token, or it is revoked already");
  else if (rc < 0)
    reply_error(r, 503, "", "store_failed", "the revocation could not be stored; retry");
  else
    reply_bytes(r, 204, "application/json", "", 0, 0);
}
