#include "http/auth.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "http/app.h"
#include "http/router.h"
#include "store/identity.h"
#include "store/store.h"

void auth_secret_hash(const char *secret, char out[65]) {
  crypto_sha256_hex(secret, strlen(secret), out);
}

static unsigned caller_access(const struct caller *c) {
  switch (c->role) {
  case ROLE_DECLARANT: return c->party_id ? ACC_PARTY : 0;
  case ROLE_OFFICER: return c->agency_id ? ACC_OFFICER : 0;
  case ROLE_SUPERVISOR: return c->agency_id ? (ACC_SUPERVISOR | ACC_OFFICER) : 0;
  case ROLE_ADMIN: return ACC_ADMIN;
  default: return 0;
  }
}

static int is_safe_method(const char *m) {
  return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

static void unauthorized(struct http_req *r, const char *code, const char *msg) {
  reply_error(r, 401, "", code, msg);
  reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"opensw\"");
}

void auth_refuse_csrf(struct http_req *r) {
  reply_error(r, 403, "", "csrf", "missing or wrong X-CSRF-Token header");
}

int auth_check(struct http_req *r) {
  struct db *db = store_reader(r->app->store);
  const char *authz = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
  const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, AUTH_COOKIE);
  char hash[65];
  int rc;
  memset(&r->caller, 0, sizeof r->caller);
  if (!db) {
    reply_error(r, 503, "", "store_unavailable", "the database cannot be read");
    return -1;
  }
  if (authz) {
    if (strncasecmp(authz, "Bearer ", 7) != 0 || strlen(authz + 7) > 128) {
      unauthorized(r, "bad_credentials", "Authorization must be 'Bearer <token>'");
      return -1;
    }
    auth_secret_hash(authz + 7, hash);
    rc = idn_caller_by_token(db, hash, store_now_us(), &r->caller);
    if (rc < 0) {
      unauthorized(r, "bad_credentials", "the token is unknown, revoked or expired");
      return -1;
    }
  } else if (cookie && strlen(cookie) <= 128) {
    auth_secret_hash(cookie, hash);
    rc = idn_caller_by_session(db, hash, store_now_us(), &r->caller);
    /* An expired cookie on a public route is no error: the browser just isn't signed in. */
    if (rc < 0 && !(r->route->access & ACC_PUBLIC)) {
      unauthorized(r, "session_expired", "the session has expired; sign in again");
      return -1;
    }
    if (rc < 0) memset(&r->caller, 0, sizeof r->caller);
  }
  unsigned have = caller_access(&r->caller);
  if (!(r->route->access & ACC_PUBLIC)) {
    if (!r->caller.user_id) {
      unauthorized(r, "unauthenticated", "credentials are required for this route");
      return -1;
    }
    if (!(r->route->access & have)) {
      reply_error(r, 403, "", "forbidden", "your role may not use this route");
      return -1;
    }
  }
  if (r->caller.via_session && !is_safe_method(r->method)) {
    const char *t = req_header(r, "X-CSRF-Token");
    if (!t || !crypto_streq(t, r->caller.csrf)) {
      /* A public route (such as signing in) goes on as anonymous; others refuse. */
      if (r->route->access & ACC_PUBLIC) {
        memset(&r->caller, 0, sizeof r->caller);
        r->csrf_refused = 1;
        return 0;
      }
      auth_refuse_csrf(r);
      return -1;
    }
  }
  return 0;
}
