/* cmd_identity.c - swctl user, token, agency, party and mandate commands. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "store/audit.h"
#include "store/decl_store.h"
#include "store/identity.h"
#include "swctl/swctl.h"

/* A write job that runs fn and audits it in the same transaction. */
struct id_job {
  int (*fn)(struct db *db, struct id_job *j);
  const char *actor, *action, *object;
  char detail[256];
  const char *a, *b, *c, *d;
  enum user_role role;
  int64_t id, id2, n;
  char pw_hash[CRYPTO_PWHASH_LEN];
};

static int id_write(struct db *db, void *arg) {
  struct id_job *j = arg;
  int rc = j->fn(db, j);
  if (rc < 0) return rc;
  return audit_append(db, j->actor, "cli", j->action, j->object, j->detail[0] ? j->detail : "{}");
}

static int run(struct ctl *c, struct id_job *j, const char *what) {
  j->actor = c->actor;
  int rc = store_write(c->store, id_write, j);
  if (rc == -SW_EEXISTS) fprintf(stderr, "swctl: %s: already exists\n", what);
  else if (rc == -SW_ENOTFOUND) fprintf(stderr, "swctl: %s: not found\n", what);
  else if (rc < 0) fprintf(stderr, "swctl: %s: %s\n", what, sw_strerror(rc));
  return rc < 0 ? 1 : 0;
}

/* ---- user ---- */

static int user_add(struct db *db, struct id_job *j) {
  int64_t party = 0, agency = 0;
  int rc;
  if (j->c) {
    struct party_rec p;
    if ((rc = idn_party_by_nid(db, j->c, &p)) < 0) return rc;
    party = p.id;
  }
  if (j->d && (rc = idn_agency_id(db, j->d, &agency)) < 0) return rc;
  return idn_user_add(db, j->a, j->pw_hash, j->b, j->role, party, agency, &j->id);
}

static int user_passwd(struct db *db, struct id_job *j) {
  return idn_user_set_password(db, j->a, j->pw_hash);
}

static int user_disable(struct db *db, struct id_job *j) {
  return idn_user_set_disabled(db, j->a, (int)j->n);
}

/* Password from --password, else a fresh random one that is printed. */
static int take_password(int argc, char **argv, struct id_job *j, char *shown, size_t len) {
  const char *pw = ctl_opt(argc, argv, "--password");
  char gen[CRYPTO_TOKEN_LEN];
  if (!pw) {
    crypto_token_new(gen);
    gen[16] = 0;
    pw = gen;
    snprintf(shown, len, "%s", gen);
  } else if (strlen(pw) < 8) {
    fprintf(stderr, "swctl: a password needs at least 8 characters\n");
    return -1;
  }
  return crypto_password_hash(pw, j->pw_hash) < 0 ? -1 : 0;
}

int cmd_user(struct ctl *c, int argc, char **argv) {
  static const char help[] =
      "usage: swctl user add LOGIN --role ROLE (--party NATIONAL_ID | --agency CODE)\n"
      "                      [--name NAME] [--password PW]\n"
      "       swctl user passwd LOGIN [--password PW]\n"
      "       swctl user disable LOGIN | enable LOGIN\n"
      "ROLE is declarant (a party's user), officer or supervisor (an agency's user) or\n"
      "administrator. Without --password a random one is generated and printed once.";
  if (ctl_wants_help(argc, argv) || argc < 3) {
    puts(help);
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  struct id_job j = {.a = argv[2], .object = argv[2]};
  char shown[64] = "";
  if (ctl_open(c) < 0) return 1;
  if (!strcmp(argv[1], "add")) {
    const char *role = ctl_opt(argc, argv, "--role");
    j.role = role ? role_parse(role) : ROLE_NONE;
    j.b = ctl_opt(argc, argv, "--name") ? ctl_opt(argc, argv, "--name") : argv[2];
    j.c = ctl_opt(argc, argv, "--party");
    j.d = ctl_opt(argc, argv, "--agency");
    if (j.role == ROLE_NONE) {
      fprintf(stderr, "swctl user add: --role must be declarant, officer, supervisor or "
                      "administrator\n");
      return 2;
    }
    if ((j.role == ROLE_DECLARANT) != (j.c != NULL) ||
        ((j.role == ROLE_OFFICER || j.role == ROLE_SUPERVISOR) != (j.d != NULL))) {
      fprintf(stderr, "swctl user add: a declarant needs --party, an officer or supervisor "
                      "--agency, an administrator neither\n");
      return 2;
    }
    if (strlen(j.a) > 63 || !*j.a) {
      fprintf(stderr, "swctl user add: LOGIN must be 1 to 63 characters\n");
      return 2;
    }
    if (take_password(argc, argv, &j, shown, sizeof shown) < 0) return 2;
    j.fn = user_add;
    j.action = "user.add";
    snprintf(j.detail, sizeof j.detail, "{\"role\":\"%s\"}", role_name(j.role));
    if (run(c, &j, "user add (or its party/agency)")) return 1;
    printf("user %s added (id %" PRId64 ")%s%s\n", j.a, j.id, shown[0] ? ", password: " : "",
           shown);
    return 0;
  }
  if (!strcmp(argv[1], "passwd")) {
    if (take_password(argc, argv, &j, shown, sizeof shown) < 0) return 2;
    j.fn = user_passwd;
    j.action = "user.passwd";
    if (run(c, &j, "user passwd")) return 1;
    printf("password of %s changed%s%s\n", j.a, shown[0] ? ": " : "", shown);
    return 0;
  }
  if (!strcmp(argv[1], "disable") || !strcmp(argv[1], "enable")) {
    j.n = !strcmp(argv[1], "disable");
    j.fn = user_disable;
    j.action = j.n ? "user.disable" : "user.enable";
    if (run(c, &j, "user")) return 1;
    printf("user %s %s\n", j.a, j.n ? "disabled (sessions ended)" : "enabled");
    return 0;
  }
  puts(help);
  return 2;
}

/* ---- token ---- */

static int token_issue(struct db *db, struct id_job *j) {
  struct user_rec u;
  int rc = idn_user_by_login(db, j->a, &u);
  if (rc < 0) return rc;
  return idn_token_add(db, j->c, u.id, j->b, j->n, &j->id);
}

static int token_revoke(struct db *db, struct id_job *j) { return idn_token_revoke(db, j->id); }

int ctl_token_issue(struct ctl *c, const char *login, const char *name, int64_t expires_at,
                    char token[CRYPTO_TOKEN_LEN]) {
  char hash[CRYPTO_HEX32_LEN];
  struct id_job j = {.a = login, .b = name, .c = hash, .n = expires_at, .object = login,
                     .fn = token_issue, .action = "token.issue"};
  crypto_token_new(token);
  crypto_sha256_hex(token, strlen(token), hash);
  return run(c, &j, "token issue (user)");
}

int cmd_token(struct ctl *c, int argc, char **argv) {
  static const char help[] =
      "usage: swctl token issue LOGIN [--name NAME] [--days N]\n"
      "       swctl token revoke TOKEN_ID\n"
      "A token acts as its user (same party or agency and role). It is printed once and\n"
      "stored only as a hash; keep it secret. Systems send 'Authorization: Bearer TOKEN'.";
  if (ctl_wants_help(argc, argv) || argc < 3) {
    puts(help);
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (ctl_open(c) < 0) return 1;
  if (!strcmp(argv[1], "issue")) {
    const char *name = ctl_opt(argc, argv, "--name"), *days = ctl_opt(argc, argv, "--days");
    int64_t expires = 0;
    if (days) {
      char *end;
      long d = strtol(days, &end, 10);
      if (*end || d < 1 || d > 3650) {
        fprintf(stderr, "swctl token issue: --days must be 1 to 3650\n");
        return 2;
      }
      expires = store_now_us() + (int64_t)d * 86400 * 1000000;
    }
    char token[CRYPTO_TOKEN_LEN];
    if (ctl_token_issue(c, argv[2], name ? name : "cli", expires, token)) return 1;
    printf("%s\n", token);
    return 0;
  }
  if (!strcmp(argv[1], "revoke")) {
    char *end;
    struct id_job j = {.fn = token_revoke, .action = "token.revoke", .object = argv[2]};
    j.id = strtoll(argv[2], &end, 10);
    if (*end || j.id <= 0) {
      fprintf(stderr, "swctl token revoke: TOKEN_ID must be a number\n");
      return 2;
    }
    if (run(c, &j, "token revoke")) return 1;
    printf("token %s revoked\n", argv[2]);
    return 0;
  }
  puts(help);
  return 2;
}

/* ---- agency, party, mandate ---- */

static int agency_add(struct db *db, struct id_job *j) {
  return idn_agency_add(db, j->a, j->b, &j->id);
}

int cmd_agency(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 4 || strcmp(argv[1], "add") != 0) {
    puts("usage: swctl agency add CODE NAME\nCODE: 2-15 upper-case letters, e.g. CUSTOMS.");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  size_t n = strlen(argv[2]);
  if (n < 2 || n > 15 || strspn(argv[2], "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != n) {
    fprintf(stderr, "swctl agency add: CODE must be 2-15 upper-case letters\n");
    return 2;
  }
  if (ctl_open(c) < 0) return 1;
  struct id_job j = {.fn = agency_add, .action = "agency.add", .object = argv[2], .a = argv[2],
                     .b = argv[3]};
  if (run(c, &j, "agency add")) return 1;
  printf("agency %s added\n", argv[2]);
  return 0;
}

static int party_add(struct db *db, struct id_job *j) {
  return idn_party_add(db, j->a, j->b, j->c, j->d, &j->id);
}

int cmd_party(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc < 4 || strcmp(argv[1], "add") != 0) {
    puts("usage: swctl party add NATIONAL_ID NAME --country CC --roles R1,R2\n"
         "Roles: importer exporter broker carrier bank port_operator ecommerce logistics.");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  const char *country = ctl_opt(argc, argv, "--country"), *roles = ctl_opt(argc, argv, "--roles");
  unsigned set;
  if (!country || strlen(country) != 2 || !roles || party_roles_parse(roles, &set) < 0 || !set) {
    fprintf(stderr, "swctl party add: --country needs an ISO 3166 alpha-2 code and --roles a "
                    "list of known roles\n");
    return 2;
  }
  if (strlen(argv[2]) > 35 || strlen(argv[3]) > 150) {
    fprintf(stderr, "swctl party add: NATIONAL_ID is at most 35 and NAME 150 characters\n");
    return 2;
  }
  if (ctl_open(c) < 0) return 1;
  struct id_job j = {.fn = party_add, .action = "party.add", .object = argv[2], .a = argv[2],
                     .b = argv[3], .c = country, .d = roles};
  if (run(c, &j, "party add")) return 1;
  printf("party %s added (id %" PRId64 ")\n", argv[2], j.id);
  return 0;
}

static int mandate_add(struct db *db, struct id_job *j) {
  struct party_rec broker, principal;
  int rc;
  if ((rc = idn_party_by_nid(db, j->a, &broker)) < 0) return rc;
  if ((rc = idn_party_by_nid(db, j->b, &principal)) < 0) return rc;
  return idn_mandate_add(db, broker.id, principal.id);
}

int cmd_mandate(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 4 || strcmp(argv[1], "add") != 0) {
    puts("usage: swctl mandate add BROKER_NATIONAL_ID PRINCIPAL_NATIONAL_ID\n"
         "Records that the principal authorised the broker to declare on its behalf.");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (ctl_open(c) < 0) return 1;
  struct id_job j = {.fn = mandate_add, .action = "mandate.add", .object = argv[2],
                     .a = argv[2], .b = argv[3]};
  if (run(c, &j, "mandate add (parties)")) return 1;
  printf("broker %s may now declare for %s\n", argv[2], argv[3]);
  return 0;
}

static int office_add_job(struct db *db, struct id_job *j) { return office_add(db, j->a, j->b, j->c); }

int cmd_office(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 5 || strcmp(argv[1], "add") != 0) {
    puts("usage: swctl office add CODE LOCODE NAME\n"
         "A customs office or port of this single window: CODE is its 4-digit number (the\n"
         "first digits of official declaration numbers), LOCODE its UN/LOCODE, which\n"
         "declarations give as \"office\" (goods) or \"port\" (vessel calls).");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (strlen(argv[2]) != 4 || strspn(argv[2], "0123456789") != 4 || strlen(argv[3]) != 5) {
    fprintf(stderr, "swctl office add: CODE is 4 digits and LOCODE 5 characters\n");
    return 2;
  }
  if (ctl_open(c) < 0) return 1;
  struct id_job j = {.fn = office_add_job, .action = "office.add", .object = argv[2],
                     .a = argv[2], .b = argv[3], .c = argv[4]};
  if (run(c, &j, "office add")) return 1;
  printf("office %s (%s) added\n", argv[2], argv[3]);
  return 0;
}
