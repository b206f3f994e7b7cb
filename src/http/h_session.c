/* h_session.c - browser sign-in and sign-out, and "who am I". */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "store/audit.h"
#include "store/identity.h"

#define THROTTLE_WINDOW_US ((int64_t)15 * 60 * 1000000)

struct login_job {
  const char *login, *ip;
  int64_t user_id, now, expires;
  const char *session_hash, *csrf;
  int success;
};

static int login_write(struct db *db, void *arg) {
  struct login_job *j = arg;
  int rc;
  if (!j->success) {
    if ((rc = idn_login_failure_add(db, j->login, j->ip, j->now)) < 0) return rc;
    return audit_append(db, j->login, j->ip, "session.failed", "user", "{}");
  }
  if ((rc = idn_session_add(db, j->session_hash, j->user_id, j->csrf, j->now, j->expires)) < 0)
    return rc;
  if ((rc = idn_login_failures_clear(db, j->login)) < 0) return rc;
  return audit_append(db, j->login, j->ip, "session.create", "user", "{}");
}

static json_t *caller_json(const struct caller *c) {
  json_t *u = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->user_id, "login", c->login,
                        "role", role_name(c->role));
  if (c->party_id) {
    char roles[160];
    party_roles_format(c->party_roles, roles, sizeof roles);
    json_object_set_new(u, "party", json_string(c->party_nid));
    json_object_set_new(u, "party_roles", json_string(roles));
  }
  if (c->agency_id) json_object_set_new(u, "agency", json_string(c->agency));
  return u;
}

void h_session_create(struct http_req *r) {
  json_t *body = req_json(r);
  const char *login = NULL, *password = NULL;
  struct errlist errs;
  struct user_rec u;
  struct db *db = store_reader(r->app->store);
  int64_t now = store_now_us(), failures = 0;
  if (!body) return;
  errlist_init(&errs);
  json_t *jl = json_object_get(body, "login"), *jp = json_object_get(body, "password");
  if (!json_is_string(jl) || !json_string_length(jl) || json_string_length(jl) > 64)
    errlist_add(&errs, "/login", "required", "login must be a string of 1 to 64 characters");
  else
    login = json_string_value(jl);
  if (!json_is_string(jp) || !json_string_length(jp) || json_string_length(jp) > 256)
    errlist_add(&errs, "/password", "required",
                "password must be a string of 1 to 256 characters");
  else
    password = json_string_value(jp);
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "Invalid sign-in request", NULL, &errs);
    goto out;
  }
  if (idn_login_failures_since(db, login, r->client_ip, now - THROTTLE_WINDOW_US, &failures) <
      0)
    failures = 0;
  if (failures >= r->app->cfg.login_max_failures) {
    reply_error(r, 429, "", "too_many_failures",
                "too many failed sign-ins; wait 15 minutes and try again");
    reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "900");
    goto out;
  }
  int found = idn_user_by_login(db, login, &u) == 0;
  /* verify against a dummy hash when the user is unknown, so timing does not tell */
  int ok = crypto_password_verify(found ? u.pw_hash : r->app->dummy_pw_hash, password) == 0 &&
           found &&
           !u.disabled;
  struct login_job job = {.login = login, .ip = r->client_ip, .now = now, .success = ok};
  char secret[CRYPTO_TOKEN_LEN], csrf[CRYPTO_TOKEN_LEN], hash[65];
  if (ok) {
    crypto_token_new(secret);
    crypto_token_new(csrf);
    auth_secret_hash(secret, hash);
    job.user_id = u.id;
    job.session_hash = hash;
    job.csrf = csrf;
    job.expires = now + (int64_t)r->app->cfg.session_hours * 3600 * 1000000;
  }
  int rc = store_write(r->app->store, login_write, &job);
  if (!ok) {
    reply_error(r, 401, "", "bad_credentials", "wrong login or password");
    goto out;
  }
  if (rc < 0) {
    reply_error(r, 503, "", "store_unavailable", "cannot record the session");
    goto out;
  }
  struct caller c;
  if (idn_caller_by_session(db, hash, now, &c) < 0) {
    reply_error(r, 503, "", "store_unavailable", "cannot read the new session");
    goto out;
  }
  reply_json(r, 201, json_pack("{s:o, s:s}", "user", caller_json(&c), "csrf", csrf));
  char cookie[200];
  snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d",
           AUTH_COOKIE, secret, r->app->cfg.session_hours * 3600);
  reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
out:
  json_decref(body);
}

static int logout_write(struct db *db, void *arg) { return idn_session_delete(db, arg); }

/* Signs the browser out: its session is deleted and the cookie cleared. A live session's
 * sign-out needs its X-CSRF-Token like every other change, so another site cannot sign a
 * user out; an expired or unknown cookie is just cleared. */
void h_session_delete(struct http_req *r) {
  const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, AUTH_COOKIE);
  char hash[65];
  if (r->csrf_refused) {
    auth_refuse_csrf(r);
    return;
  }
  if (cookie) {
    auth_secret_hash(cookie, hash);
    store_write(r->app->store, logout_write, hash);
  }
  reply_bytes(r, 204, "application/json", "", 0, 0);
  reply_header(r, MHD_HTTP_HEADER_SET_COOKIE,
               AUTH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

void h_me(struct http_req *r) {
  json_t *u = caller_json(&r->caller);
  if (r->caller.via_session) json_object_set_new(u, "csrf", json_string(r->caller.csrf));
  reply_json(r, 200, u);
}
