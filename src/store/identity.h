/* identity.h - parties, agencies, users, API tokens, sessions, broker mandates and login
 * throttling. Functions taking a struct db * inside a write job are the writer's; others
 * take a reader connection. Secrets are stored only as SHA-256 hashes. */
#ifndef SW_STORE_IDENTITY_H
#define SW_STORE_IDENTITY_H
#include <stdint.h>

#include "core/caller.h"
#include "store/db.h"

struct party_rec {
  int64_t id;
  char national_id[40], name[160], country[4], roles[128];
  int trusted;
};

struct user_rec {
  int64_t id;
  char login[64], name[128], pw_hash[160];
  enum user_role role;
  int64_t party_id, agency_id;
  int disabled;
};

int idn_party_add(struct db *db, const char *national_id, const char *name,
                  const char *country, const char *roles, int64_t *id);
int idn_party_get(struct db *db, int64_t id, struct party_rec *out);
int idn_party_by_nid(struct db *db, const char *national_id, struct party_rec *out);
int idn_agency_add(struct db *db, const char *code, const char *name, int64_t *id);
/* Fills *id with the agency's id; -SW_ENOTFOUND when the code is unknown. */
int idn_agency_id(struct db *db, const char *code, int64_t *id);
int idn_user_add(struct db *db, const char *login, const char *pw_hash, const char *name,
                 enum user_role role, int64_t party_id, int64_t agency_id, int64_t *id);
int idn_user_by_login(struct db *db, const char *login, struct user_rec *out);
int idn_user_set_password(struct db *db, const char *login, const char *pw_hash);
int idn_user_set_disabled(struct db *db, const char *login, int disabled);

/* Stores the token hash for a user; expires_at 0 means no expiry. */
int idn_token_add(struct db *db, const char *hash, int64_t user_id, const char *name,
                  int64_t expires_at, int64_t *id);
/* Revokes a token by id; -SW_ENOTFOUND when absent or already revoked. */
int idn_token_revoke(struct db *db, int64_t id);

/* Resolves a bearer token hash or a session hash to the caller; -SW_ENOTFOUND when
 * unknown, revoked, expired, or the user is disabled. */
int idn_caller_by_token(struct db *db, const char *hash, int64_t now, struct caller *out);
int idn_caller_by_session(struct db *db, const char *hash, int64_t now, struct caller *out);
int idn_session_add(struct db *db, const char *hash, int64_t user_id, const char *csrf,
                    int64_t now, int64_t expires_at);
int idn_session_delete(struct db *db, const char *hash);

int idn_mandate_add(struct db *db, int64_t broker_id, int64_t principal_id);
/* 1 when the broker may act for the principal, 0 when not, negative on error. */
int idn_mandate_exists(struct db *db, int64_t broker_id, int64_t principal_id);

/* Login throttling: failures recorded per login and per client address. */
int idn_login_failure_add(struct db *db, const char *login, const char *ip, int64_t now);
int idn_login_failures_since(struct db *db, const char *login, const char *ip, int64_t since,
                             int64_t *count);
int idn_login_failures_clear(struct db *db, const char *login);

#endif
