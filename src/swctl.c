/* swctl.c - entry point of the administrator's tool: global options and dispatch. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "swctl/swctl.h"

struct command {
  const char *name;
  int (*fn)(struct ctl *c, int argc, char **argv);
  const char *help;
};

static const struct command COMMANDS[] = {
    {"init", cmd_init, "create the database and load the shipped reference data"},
    {"import", cmd_import, "(re)load reference files: hs, countries, currencies, locations;"
                           " or import [--check] FILE: a whole system from export"},
    {"demo", cmd_demo, "create the demo agencies, enterprises and users (--json)"},
    {"migrate", cmd_migrate, "apply pending schema migrations"},
    {"user", cmd_user, "user add | passwd | disable"},
    {"token", cmd_token, "token issue | revoke"},
    {"agency", cmd_agency, "agency add CODE NAME"},
    {"party", cmd_party, "party add NATIONAL_ID NAME --country CC --roles R1,R2"},
    {"mandate", cmd_mandate, "mandate add BROKER_ID PRINCIPAL_ID (a broker may declare for)"},
    {"office", cmd_office, "office add CODE LOCODE NAME (customs offices and ports)"},
    {"permits", cmd_permits, "permits import FILE (JSON lines or CSV, one transaction)"},
    {"tariff", cmd_tariff, "tariff import FILE.csv (lines or preferences)"},
    {"rates", cmd_rates, "rates set CURRENCY RATE [--from DATE]"},
    {"bank", cmd_bank, "bank key BANK_ID: register a bank's signing key (printed once)"},
    {"audit", cmd_audit, "audit verify: check the audit trail's hash chain"},
    {"export", cmd_export, "export FILE: the whole system as JSON Lines, for import elsewhere"},
    {"backup", cmd_backup, "backup FILE: online consistent copy of the database"},
    {"edi", cmd_edi, "edi parse|validate FILE: UN/EDIFACT as JSON, or its problems"},
    {"stats", cmd_stats, "stats import FILE | release-times: release-time analysis"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f) {
  fputs("usage: swctl [--data DIR] [--db URL] [--ref DIR] COMMAND [ARGS]\n"
        "  --data DIR   data directory (default ./var, or SW_DATA)\n"
        "  --db URL     database: sqlite:///PATH or postgresql://USER@HOST:PORT/DBNAME\n"
        "               (default the SQLite file DIR/opensw.db, or SW_DB)\n"
        "  --ref DIR    shipped reference files (default ./data, or SW_REF)\n\ncommands:\n",
        f);
  for (const struct command *c = COMMANDS; c->name; c++) fprintf(f, "  %-9s %s\n", c->name, c->help);
  fputs("\n'swctl COMMAND --help' tells more.\n", f);
}

int ctl_open(struct ctl *c) {
  if (c->store) return 0;
  if (c->db_in_data && mkdir(c->data_dir, 0750) < 0 && errno != EEXIST) {
    fprintf(stderr, "swctl: cannot create %s: %s\n", c->data_dir, strerror(errno));
    return -SW_EIO;
  }
  int rc = store_open(c->db_url, &c->store);
  if (rc < 0) fprintf(stderr, "swctl: cannot open %s: %s\n", c->db_shown, sw_strerror(rc));
  return rc;
}

int main(int argc, char **argv) {
  struct ctl c;
  int i = 1;
  memset(&c, 0, sizeof c);
  const char *env_data = getenv("SW_DATA"), *env_db = getenv("SW_DB"), *env_ref = getenv("SW_REF");
  snprintf(c.data_dir, sizeof c.data_dir, "%s", env_data && *env_data ? env_data : "./var");
  snprintf(c.ref_dir, sizeof c.ref_dir, "%s", env_ref && *env_ref ? env_ref : "./data");
  const char *db_url = env_db && *env_db ? env_db : NULL;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(argv[i], "--version")) {
      printf("swctl %s\n", SW_VERSION);
      return 0;
    } else if (i + 1 < argc && !strcmp(argv[i], "--data")) {
      snprintf(c.data_dir, sizeof c.data_dir, "%s", argv[++i]);
    } else if (i + 1 < argc && !strcmp(argv[i], "--db")) {
      db_url = argv[++i];
    } else if (i + 1 < argc && !strcmp(argv[i], "--ref")) {
      snprintf(c.ref_dir, sizeof c.ref_dir, "%s", argv[++i]);
    } else {
      fprintf(stderr, "swctl: unknown option %s\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (i >= argc) {
    usage(stderr);
    return 2;
  }
  int n = db_url ? snprintf(c.db_url, sizeof c.db_url, "%s", db_url)
                 : snprintf(c.db_url, sizeof c.db_url, "%s/opensw.db", c.data_dir);
  if (n < 0 || (size_t)n >= sizeof c.db_url) {
    fprintf(stderr, "swctl: database URL or data directory too long\n");
    return 2;
  }
  c.db_in_data = !db_url;
  db_url_redact(c.db_url, c.db_shown, sizeof c.db_shown);
  struct passwd *pw = getpwuid(getuid());
  snprintf(c.actor, sizeof c.actor, "swctl:%s", pw ? pw->pw_name : "unknown");
  if (crypto_init() < 0) {
    fprintf(stderr, "swctl: cannot initialise libsodium\n");
    return 1;
  }
  for (const struct command *cmd = COMMANDS; cmd->name; cmd++) {
    if (strcmp(cmd->name, argv[i]) != 0) continue;
    int code = cmd->fn(&c, argc - i, argv + i);
    store_free(c.store);
    return code;
  }
  fprintf(stderr, "swctl: unknown command '%s'\n", argv[i]);
  usage(stderr);
  return 2;
}
