/* demo.c - swctl demo: the demo agencies, enterprises and users. Idempotent: what exists
 * is kept; each run issues every demo account a fresh API token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "codec/permit_json.h"
#include "core/decl.h"
#include "codec/rule_json.h"
#include "core/arena.h"
#include "core/errlist.h"
#include "crypto/crypto.h"
#include "store/decl_store.h"
#include "store/duty_store.h"
#include "store/permit_store.h"
#include "store/rules_store.h"
#include "store/audit.h"
#include "store/identity.h"
#include "swctl/swctl.h"

#define DEMO_PASSWORD "opensw-demo"

static const char *const AGENCIES[][2] = {
    {"CUSTOMS", "General Administration of Customs"},
    {"MARITIME", "Maritime Safety Administration"},
    {"BORDER", "Border Inspection (Immigration)"},
    {"QUARANTINE", "Inspection and Quarantine"},
    {"COMMERCE", "Ministry of Commerce (licensing)"},
    {"TAX", "State Taxation Administration"},
};

static const char *const PARTIES[][4] = {
    /* national id, name, country, roles */
    {"91310000MA1FL0001X", "Shanghai Ocean Foods Import Co., Ltd.", "CN", "importer,exporter"},
    {"91330200MA2AB0002Y", "Ningbo Bright Electronics Co., Ltd.", "CN", "importer,exporter"},
    {"91310115MA1H00033Z", "Eastern Customs Brokerage Co., Ltd.", "CN", "broker"},
    {"91310000MA1K00044W", "Blue Sea Shipping Agency Co., Ltd.", "CN", "carrier"},
    {"91310000MA1B00055B", "Bund Commercial Bank", "CN", "bank"},
    {"91310000MA1P00066P", "Yangshan Container Terminal Co., Ltd.", "CN", "port_operator"},
};

/* Customs offices: 4-digit code (the first digits of official numbers), UN/LOCODE. */
static const char *const OFFICES[][3] = {
    {"2200", "CNSHA", "Shanghai Customs District"},
    {"2248", "CNSGH", "Shanghai Yangshan Port Customs"},
    {"0202", "CNTXG", "Tianjin Xingang Customs"},
    {"4200", "CNQDG", "Qingdao Port Customs"},
    {"5316", "CNYTN", "Shenzhen Yantian Customs"},
};

/* A realistic starting rule set; administrators change it through /v1/routing-rules. */
static const char *const RULES[] = {
    "{\"id\":\"customs-green\",\"agency\":\"CUSTOMS\",\"types\":[\"IM\",\"EX\"],"
    "\"always\":true,\"auto_decision\":\"approve\",\"priority\":10,"
    "\"reason\":\"Customs clearance of goods; low-risk declarations pass the green channel\"}",
    "{\"id\":\"customs-high-value\",\"agency\":\"CUSTOMS\",\"types\":[\"IM\",\"EX\"],"
    "\"conditions\":{\"value_above\":\"50000.00\"},\"priority\":20,"
    "\"reason\":\"Invoice value above 50,000: documentary review by a customs officer\"}",
    "{\"id\":\"customs-food-origin-check\",\"agency\":\"CUSTOMS\",\"types\":[\"IM\"],"
    "\"conditions\":{\"hs_prefixes\":[\"01\",\"02\",\"03\",\"04\",\"16\"]},\"priority\":20,"
    "\"reason\":\"Animal products: customs checks origin and tariff classification\"}",
    "{\"id\":\"quarantine-food-wood\",\"agency\":\"QUARANTINE\",\"types\":[\"IM\",\"EX\"],"
    "\"conditions\":{\"hs_prefixes\":[\"01\",\"02\",\"03\",\"04\",\"05\",\"06\",\"07\","
    "\"08\",\"09\",\"10\",\"11\",\"12\",\"13\",\"14\",\"15\",\"16\",\"17\",\"18\",\"19\","
    "\"20\",\"21\",\"22\",\"23\",\"24\",\"44\"]},\"priority\":15,"
    "\"reason\":\"Food, plants, animals and wood need inspection and quarantine\"}",
    "{\"id\":\"commerce-licensed\",\"agency\":\"COMMERCE\",\"types\":[\"IM\",\"EX\"],"
    "\"conditions\":{\"hs_prefixes\":[\"2709\",\"2710\",\"2844\",\"8401\",\"9301\","
    "\"9302\",\"9303\",\"9304\",\"9305\",\"9306\"]},\"priority\":12,"
    "\"reason\":\"Goods under licence: crude oil, fuels, nuclear materials, arms\"}",
    "{\"id\":\"vessel-customs\",\"agency\":\"CUSTOMS\",\"types\":[\"VA\",\"VD\"],"
    "\"always\":true,\"priority\":10,\"reason\":\"Customs control of the means of transport\"}",
    "{\"id\":\"vessel-maritime\",\"agency\":\"MARITIME\",\"types\":[\"VA\",\"VD\"],"
    "\"always\":true,\"priority\":10,\"reason\":\"Maritime safety: port entry and clearance\"}",
    "{\"id\":\"vessel-border\",\"agency\":\"BORDER\",\"types\":[\"VA\",\"VD\"],"
    "\"always\":true,\"priority\":10,\"reason\":\"Border inspection of crew and passengers\"}",
    "{\"id\":\"vessel-quarantine\",\"agency\":\"QUARANTINE\",\"types\":[\"VA\",\"VD\"],"
    "\"always\":true,\"priority\":10,\"reason\":\"Health quarantine of the vessel\"}",
};

/* Parses a rule as the API does and stores its canonical form. */
static int demo_rule(struct db *db, const char *text, const char *actor) {
  struct arena a;
  struct errlist *errs = malloc(sizeof *errs);
  struct routing_rule rule;
  json_t *in = json_loads(text, JSON_REJECT_DUPLICATES, NULL), *canon = NULL;
  char *body = NULL;
  int rc = -SW_EINVAL;
  arena_init(&a, 0);
  if (!errs || !in) goto out;
  errlist_init(errs);
  if (routing_rule_from_json(in, "", NULL, &a, &rule, errs) < 0) {
    fprintf(stderr, "demo rule invalid: %s %s\n", errs->n ? errs->items[0].path : "",
            errs->n ? errs->items[0].message : "");
    goto out;
  }
  if (!(canon = routing_rule_to_json(&rule))) goto out;
  json_object_del(canon, "version");
  json_object_del(canon, "enabled");
  if (!(body = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS))) goto out;
  struct rule_put p = {.rule_id = rule.id, .agency = rule.agency, .body = body, .enabled = 1,
                       .create = 1, .actor = actor, .origin = "cli"};
  rc = rules_put(db, &p);
out:
  free(body);
  json_decref(canon);
  json_decref(in);
  free(errs);
  arena_release(&a);
  return rc;
}

/* Which documents goods need (requirement rules). */
static const char *const REQUIREMENTS[] = {
    "{\"id\":\"meat-quarantine-permit\",\"document_type\":\"quarantine_permit\","
    "\"types\":[\"IM\"],\"hs_prefixes\":[\"02\"],"
    "\"reason\":\"Meat imports need an entry permit from quarantine\"}",
    "{\"id\":\"fuel-automatic-licence\",\"document_type\":\"auto_import_licence\","
    "\"types\":[\"IM\"],\"hs_prefixes\":[\"2709\",\"2710\"],"
    "\"reason\":\"Crude oil and fuels are under automatic import licensing\"}",
    "{\"id\":\"arms-import-licence\",\"document_type\":\"import_licence\","
    "\"types\":[\"IM\"],\"hs_prefixes\":[\"93\"],"
    "\"reason\":\"Arms and ammunition need an import licence\"}",
    "{\"id\":\"dual-use-licence\",\"document_type\":\"dual_use_licence\","
    "\"types\":[\"IM\",\"EX\"],\"hs_prefixes\":[\"2844\",\"8401\"],"
    "\"reason\":\"Nuclear materials and reactors are dual-use items\"}",
};

/* Permits already issued to the demo traders (JSON as issuers send it, plus issuer). */
static const char *const PERMITS[][2] = {
    {"COMMERCE",
     "{\"type\":\"auto_import_licence\",\"number\":\"AIL-2026-000001\","
     "\"holder\":\"91310000MA1FL0001X\",\"valid_from\":\"2026-01-01\","
     "\"valid_to\":\"2027-12-31\",\"usage\":\"unlimited\",\"lines\":[{\"hs_prefix\":"
     "\"2710\",\"description\":\"Diesel fuel\",\"unit\":\"KGM\",\"quantity\":\"500000\"}]}"},
    {"QUARANTINE",
     "{\"type\":\"quarantine_permit\",\"number\":\"QP-2026-000001\","
     "\"holder\":\"91310000MA1FL0001X\",\"valid_from\":\"2026-01-01\","
     "\"valid_to\":\"2027-12-31\",\"usage\":\"limited\",\"max_uses\":10,"
     "\"lines\":[{\"hs_prefix\":\"0202\",\"description\":\"Frozen beef\","
     "\"unit\":\"KGM\",\"quantity\":\"100000\"}]}"},
};

static int demo_requirement(struct db *db, const char *text, const char *actor) {
  struct arena a;
  struct errlist *errs = malloc(sizeof *errs);
  struct requirement_rule rule;
  json_t *in = json_loads(text, 0, NULL), *canon = NULL;
  char *body = NULL;
  int64_t version;
  int rc = -SW_EINVAL;
  arena_init(&a, 0);
  if (!errs || !in) goto out;
  errlist_init(errs);
  if (requirement_rule_from_json(in, &a, &rule, errs) < 0) goto out;
  if (!(canon = requirement_rule_to_json(&rule))) goto out;
  json_object_del(canon, "version");
  json_object_del(canon, "enabled");
  if (!(body = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS))) goto out;
  rc = req_rule_put(db, rule.id, 1, body, 1, actor, "cli", &version);
out:
  free(body);
  json_decref(canon);
  json_decref(in);
  free(errs);
  arena_release(&a);
  return rc;
}

static int demo_permit(struct db *db, const char *issuer, const char *text, const char *actor) {
  struct arena a;
  struct errlist *errs = malloc(sizeof *errs);
  struct permit *p = malloc(sizeof *p);
  struct party_rec holder;
  json_t *in = json_loads(text, 0, NULL);
  int rc = -SW_EINVAL;
  arena_init(&a, 0);
  if (!errs || !p || !in) goto out;
  errlist_init(errs);
  if (permit_from_json(in, &a, p, errs) < 0 || idn_party_by_nid(db, p->holder, &holder) < 0)
    goto out;
  p->issuer = (char *)issuer;
  rc = permit_create(db, p, holder.id, text, actor, "cli");
out:
  json_decref(in);
  free(errs);
  free(p);
  arena_release(&a);
  return rc;
}

struct demo_user {
  const char *login, *name, *role, *party, *agency;
};

static const struct demo_user USERS[] = {
    {"admin", "System Administrator", "administrator", NULL, NULL},
    {"trader1", "Li Wei (Ocean Foods)", "declarant", "91310000MA1FL0001X", NULL},
    {"trader2", "Chen Jing (Bright Electronics)", "declarant", "91330200MA2AB0002Y", NULL},
    {"broker1", "Zhang Min (Eastern Brokerage)", "declarant", "91310115MA1H00033Z", NULL},
    {"carrier1", "Wang Fang (Blue Sea Shipping)", "declarant", "91310000MA1K00044W", NULL},
    {"bank1", "Zhao Lei (Bund Bank)", "declarant", "91310000MA1B00055B", NULL},
    {"port1", "Sun Hui (Yangshan Terminal)", "declarant", "91310000MA1P00066P", NULL},
    {"customs1", "Officer Liu (Customs)", "officer", NULL, "CUSTOMS"},
    {"customs-sup", "Supervisor Huang (Customs)", "supervisor", NULL, "CUSTOMS"},
    {"maritime1", "Officer Xu (Maritime)", "officer", NULL, "MARITIME"},
    {"border1", "Officer Ma (Border)", "officer", NULL, "BORDER"},
    {"quarantine1", "Officer Zhou (Quarantine)", "officer", NULL, "QUARANTINE"},
    {"commerce1", "Officer Wu (Commerce)", "officer", NULL, "COMMERCE"},
    {"tax1", "Officer Hu (Tax)", "officer", NULL, "TAX"},
};
#define N_USERS (sizeof USERS / sizeof USERS[0])

struct demo_job {
  const char *actor;
  char pw_hash[CRYPTO_PWHASH_LEN];
  int created;
};

static int ignore_exists(int rc) { return rc == -SW_EEXISTS ? 0 : rc; }

static int demo_write(struct db *db, void *arg) {
  struct demo_job *j = arg;
  struct user_rec existing;
  int64_t id;
  int rc;
  if (idn_user_by_login(db, "admin", &existing) == 0) return 0; /* already there */
  for (size_t i = 0; i < sizeof AGENCIES / sizeof AGENCIES[0]; i++)
    if ((rc = ignore_exists(idn_agency_add(db, AGENCIES[i][0], AGENCIES[i][1], &id))) < 0)
      return rc;
  for (size_t i = 0; i < sizeof PARTIES / sizeof PARTIES[0]; i++)
    if ((rc = ignore_exists(idn_party_add(db, PARTIES[i][0], PARTIES[i][1], PARTIES[i][2],
                                          PARTIES[i][3], &id))) < 0)
      return rc;
  for (size_t i = 0; i < N_USERS; i++) {
    const struct demo_user *u = &USERS[i];
    int64_t party = 0, agency = 0;
    struct party_rec p;
    if (u->party && (rc = idn_party_by_nid(db, u->party, &p)) == 0) party = p.id;
    if (u->agency && (rc = idn_agency_id(db, u->agency, &agency)) < 0) return rc;
    if ((rc = idn_user_add(db, u->login, j->pw_hash, u->name, role_parse(u->role), party,
                           agency, &id)) < 0)
      return rc;
  }
  /* Ocean Foods authorised the broker to declare for it; Bright Electronics did not. */
  struct party_rec broker, principal;
  if ((rc = idn_party_by_nid(db, "91310115MA1H00033Z", &broker)) < 0 ||
      (rc = idn_party_by_nid(db, "91310000MA1FL0001X", &principal)) < 0 ||
      (rc = idn_mandate_add(db, broker.id, principal.id)) < 0)
    return rc;
  for (size_t i = 0; i < sizeof OFFICES / sizeof OFFICES[0]; i++)
    if ((rc = ignore_exists(office_add(db, OFFICES[i][0], OFFICES[i][1], OFFICES[i][2]))) < 0)
      return rc;
  for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
    if ((rc = ignore_exists(demo_rule(db, RULES[i], j->actor))) < 0) return rc;
  for (size_t i = 0; i < sizeof REQUIREMENTS / sizeof REQUIREMENTS[0]; i++)
    if ((rc = ignore_exists(demo_requirement(db, REQUIREMENTS[i], j->actor))) < 0) return rc;
  for (size_t i = 0; i < sizeof PERMITS / sizeof PERMITS[0]; i++)
    if ((rc = ignore_exists(demo_permit(db, PERMITS[i][0], PERMITS[i][1], j->actor))) < 0)
      return rc;
  struct party_rec bank;
  struct guarantee_in g = {.number = "G-DEMO-0001", .kind = "bank",
                           .issuer = "Bund Commercial Bank", .currency = "CNY",
                           .party_id = principal.id, .amount = (int64_t)10000000000 * 100};
  if ((rc = idn_party_by_nid(db, "91310000MA1B00055B", &bank)) < 0 ||
      (rc = decl_date_parse("2026-01-01", &g.valid_from)) < 0 ||
      (rc = decl_date_parse("2030-12-31", &g.valid_to)) < 0 ||
      (rc = guarantee_add(db, &g, j->actor, "cli")) < 0 ||
      (rc = agreement_add(db, principal.id, bank.id, "6222-0200-0001-0001", j->actor, "cli")) < 0)
    return rc;
  j->created = 1;
  return audit_append(db, j->actor, "cli", "demo.create", "demo", "{}");
}

int cmd_demo(struct ctl *c, int argc, char **argv) {
  int json = 0;
  if (ctl_wants_help(argc, argv)) {
    puts("usage: swctl demo [--json] [--history N]\n"
         "Creates the demo agencies, enterprises and users (password '" DEMO_PASSWORD "') if\n"
         "absent, and issues each demo account a fresh API token. --json prints the accounts\n"
         "as a JSON array of {login, password, role, party|agency, token}. The demo fee\n"
         "catalogue (CNSHA, CNNGB) is seeded too; --history N adds N generated historical\n"
         "declarations (references HIST-...) over the last six months, once.");
    return 0;
  }
  for (int i = 1; i < argc; i++) json |= !strcmp(argv[i], "--json");
  const char *hist = ctl_opt(argc, argv, "--history");
  char *hist_end = NULL;
  long history = hist ? strtol(hist, &hist_end, 10) : 0;
  if (hist && (*hist_end || history < 0)) {
    fprintf(stderr, "swctl demo: --history takes a number of declarations\n");
    return 2;
  }
  if (ctl_open(c) < 0) return 1;
  struct demo_job j = {.actor = c->actor};
  if (crypto_password_hash(DEMO_PASSWORD, j.pw_hash) < 0) return 1;
  int rc = store_write(c->store, demo_write, &j);
  if (rc < 0) {
    fprintf(stderr, "swctl demo: %s\n", sw_strerror(rc));
    return 1;
  }
  if (j.created) {
    static const char *const rates[][2] = {
        {"USD", "7.1"},   {"EUR", "7.75"},  {"JPY", "0.047"}, {"KRW", "0.0052"},
        {"VND", "0.00028"}, {"GBP", "9.05"}, {"HKD", "0.91"},  {"SGD", "5.3"},
        {"AUD", "4.7"},   {"THB", "0.2"},   {"MYR", "1.55"},  {"NZD", "4.3"}};
    char path[1100];
    FILE *quiet = stdout;
    stdout = fopen("/dev/null", "w"); /* the imports' own lines are noise here */
    snprintf(path, sizeof path, "%s/demo-tariff.csv", c->ref_dir);
    int bad = ctl_tariff_import(c, path);
    snprintf(path, sizeof path, "%s/demo-tariff-preferences.csv", c->ref_dir);
    bad = bad || ctl_tariff_import(c, path);
    for (size_t i = 0; !bad && i < sizeof rates / sizeof rates[0]; i++)
      bad = ctl_rate_set(c, rates[i][0], rates[i][1], "2026-01-01");
    if (stdout) fclose(stdout);
    stdout = quiet;
    if (bad) return 1;
  }
  if (ctl_demo_extras(c, (size_t)history)) return 1;
  if (!json) printf("%s demo data. Accounts (password for all: %s):\n",
                    j.created ? "Created" : "Kept existing", DEMO_PASSWORD);
  else printf("[");
  for (size_t i = 0; i < N_USERS; i++) {
    const struct demo_user *u = &USERS[i];
    char token[CRYPTO_TOKEN_LEN];
    if (ctl_token_issue(c, u->login, "demo", 0, token)) return 1;
    if (json) {
      printf("%s\n {\"login\":\"%s\",\"password\":\"%s\",\"role\":\"%s\",", i ? "," : "",
             u->login, DEMO_PASSWORD, u->role);
      if (u->party) printf("\"party\":\"%s\",", u->party);
      if (u->agency) printf("\"agency\":\"%s\",", u->agency);
      printf("\"token\":\"%s\"}", token);
    } else {
      printf("  %-12s %-13s %-20s token %s\n", u->login, u->role,
             u->party ? u->party : u->agency ? u->agency : "-", token);
    }
  }
  if (json) printf("\n]\n");
  return 0;
}
