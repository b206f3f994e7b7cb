/* swctl.h - the administrator's command-line tool: shared context and command table. */
#ifndef SW_SWCTL_H
#define SW_SWCTL_H
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

struct ctl {
  char data_dir[512];
  char db_url[600];   /* --db / SW_DB, or the SQLite file DATA_DIR/opensw.db */
  char db_shown[600]; /* db_url without its password, for messages */
  int db_in_data;     /* db_url is the default file in data_dir (created if missing) */
  char ref_dir[512]; /* where the shipped reference files are (default ./data) */
  char actor[96];    /* "swctl:<unix user>" in the audit trail */
  struct store *store;
};

/* Opens the store (creating the data directory and applying migrations). */
int ctl_open(struct ctl *c);

/* Commands: argv[0] is the command word; return the process exit code. */
int cmd_init(struct ctl *c, int argc, char **argv);
int cmd_import(struct ctl *c, int argc, char **argv);
int cmd_demo(struct ctl *c, int argc, char **argv);
int cmd_user(struct ctl *c, int argc, char **argv);
int cmd_token(struct ctl *c, int argc, char **argv);
int cmd_agency(struct ctl *c, int argc, char **argv);
int cmd_party(struct ctl *c, int argc, char **argv);
int cmd_mandate(struct ctl *c, int argc, char **argv);
int cmd_office(struct ctl *c, int argc, char **argv);
int cmd_permits(struct ctl *c, int argc, char **argv);
int cmd_tariff(struct ctl *c, int argc, char **argv);
int cmd_rates(struct ctl *c, int argc, char **argv);
int cmd_bank(struct ctl *c, int argc, char **argv);
/* Loads a tariff CSV in one transaction; 0 or an exit code. */
int ctl_tariff_import(struct ctl *c, const char *path);
/* Sets an exchange rate (RATE as text) from a date (NULL: today); 0 or an exit code. */
int ctl_rate_set(struct ctl *c, const char *cur, const char *rate, const char *from);
int cmd_audit(struct ctl *c, int argc, char **argv);
int cmd_backup(struct ctl *c, int argc, char **argv);
int cmd_edi(struct ctl *c, int argc, char **argv);
int cmd_migrate(struct ctl *c, int argc, char **argv);
int cmd_stats(struct ctl *c, int argc, char **argv);
/* swctl export FILE; swctl import [--check] FILE (cmd_export.c): a whole system. */
int cmd_export(struct ctl *c, int argc, char **argv);
int cmd_import_system(struct ctl *c, int argc, char **argv);
/* True when import's arguments name a file rather than reference kinds. */
int ctl_import_is_system(int argc, char **argv);
/* The demo's fee catalogue (when none) and, when history > 0 and none exists, that many
 * generated historical declarations (reference HIST-...); 0 or an exit code. */
int ctl_demo_extras(struct ctl *c, size_t history);

/* Imports one kind of reference file ("hs", "countries", "currencies", "locations") from
 * c->ref_dir in one transaction; prints progress on a terminal. 0 or exit code 1. */
int ctl_import_kind(struct ctl *c, const char *kind);
/* True when --help or -h is among the arguments (after the command word). */
int ctl_wants_help(int argc, char **argv);
/* Value of "--name VALUE" among argv, or NULL. */
const char *ctl_opt(int argc, char **argv, const char *name);
/* Issues an API token for login (printed by the caller, stored hashed); 0 or 1. */
int ctl_token_issue(struct ctl *c, const char *login, const char *name, int64_t expires_at,
                    char token[44]);
/* A progress bar on stderr when it is a terminal, by the position in the file read. */
struct ctl_progress {
  const char *label;
  FILE *f;
  long size;
  int tty, last_pct;
};
void ctl_progress_init(struct ctl_progress *p, const char *label, FILE *f);
void ctl_progress_show(struct ctl_progress *p, long rows);
void ctl_progress_end(struct ctl_progress *p);
/* Appends an audit entry in its own write (for commands that change one thing). */
int ctl_audit(struct ctl *c, const char *action, const char *object, const char *detail);

#endif
