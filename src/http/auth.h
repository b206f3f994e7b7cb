/* auth.h - who is calling and whether they may: bearer tokens for systems, a session
 * cookie (with CSRF token) for the browser. */
#ifndef SW_AUTH_H
#define SW_AUTH_H

#include "http/request.h"

#define AUTH_COOKIE "sw_session"

/* Resolves r->caller from the Authorization header or the session cookie and enforces
 * the route's access rule and CSRF. Returns 0 to go on; otherwise it has answered
 * (401/403) and returns -1. */
int auth_check(struct http_req *r);
/* Answers 403 csrf: a session's change without its X-CSRF-Token. auth_check does so on
 * every protected route; a public route that changes a live session (signing out) checks
 * r->csrf_refused and calls it. */
void auth_refuse_csrf(struct http_req *r);
/* Hex SHA-256 of a presented secret, the form in which tokens and sessions are stored. */
void auth_secret_hash(const char *secret, char out[65]);

#endif
