/* cmd_duties.c - swctl tariff import, rates set, bank key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/tariff_csv.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/timefmt.h"
#include "crypto/crypto.h"
#include "store/duty_store.h"
#include "store/identity.h"
#include "swctl/swctl.h"

struct tariff_job {
  FILE *f;
  struct db *db;
  long rows;
  struct ctl_progress bar;
  char err[256];
};

static int sink_line(void *ctx, const struct tariff_line *l, const char *description) {
  struct tariff_job *j = ctx;
  j->rows++;
  return tariff_put_line(j->db, l, description);
}

static int sink_pref(void *ctx, const struct tariff_pref *p) {
  struct tariff_job *j = ctx;
  j->rows++;
  return tariff_put_pref(j->db, p);
}

static void sink_progress(void *ctx, long line) {
  struct tariff_job *j = ctx;
  (void)line;
  ctl_progress_show(&j->bar, j->rows);
}

static int tariff_write(struct db *db, void *arg) {
  struct tariff_job *j = arg;
  struct tariff_csv_sink sink = {j, sink_line, sink_pref, sink_progress};
  j->db = db;
  int rc = tariff_csv_read(j->f, &sink, j->err, sizeof j->err);
  return rc < 0 ? rc : tariff_bump(db);
}

int ctl_tariff_import(struct ctl *c, const char *path) {
  struct tariff_job j = {0};
  if (!(j.f = fopen(path, "rb"))) {
    fprintf(stderr, "swctl tariff import: cannot open %s\n", path);
    return 1;
  }
  ctl_progress_init(&j.bar, "tariff", j.f);
  int rc = store_write(c->store, tariff_write, &j);
  fclose(j.f);
  ctl_progress_end(&j.bar);
  if (rc < 0) {
    fprintf(stderr, "swctl tariff import: %s: %s; nothing was loaded\n", path,
            j.err[0] ? j.err : sw_strerror(rc));
    return 1;
  }
  ctl_audit(c, "tariff.import", path, "{}");
  printf("imported %ld tariff rows\n", j.rows);
  return 0;
}

int cmd_tariff(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 3 || strcmp(argv[1], "import") != 0) {
    puts("usage: swctl tariff import FILE.csv\n"
         "Loads tariff lines (header code,effective_from,description,mfn,specific,\n"
         "specific_unit,vat,excise,export) or preferential rates (header code,agreement,\n"
         "origins,effective_from,rate) in one transaction; rates are percentages. Lines are\n"
         "versioned by effective date: a declaration is assessed with those in force on its\n"
         "date. A broken file is refused with its line and reason and nothing is loaded.");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (ctl_open(c) < 0) return 1;
  return ctl_tariff_import(c, argv[2]);
}

struct rate_job {
  const char *cur, *actor;
  int64_t from, micro;
};

static int rate_write(struct db *db, void *arg) {
  struct rate_job *j = arg;
  return fx_rate_put(db, j->cur, j->from, j->micro, j->actor);
}

int ctl_rate_set(struct ctl *c, const char *cur, const char *rate, const char *from) {
  struct rate_job j = {.cur = cur, .actor = c->actor};
  enum dec_error why;
  if (strlen(cur) != 3 || strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3 ||
      dec_parse(rate, strlen(rate), 6, 0, &j.micro, &why) < 0 || j.micro <= 0) {
    fprintf(stderr, "swctl rates set: CURRENCY is 3 upper-case letters (ISO 4217) and RATE a "
                    "positive decimal\n");
    return 2;
  }
  j.from = time_days_us(store_now_us());
  if (from && decl_date_parse(from, &j.from) < 0) {
    fprintf(stderr, "swctl rates set: --from takes YYYY-MM-DD\n");
    return 2;
  }
  if (store_write(c->store, rate_write, &j) < 0) {
    fprintf(stderr, "swctl rates set: could not store the rate\n");
    return 1;
  }
  return 0;
}

int cmd_rates(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc < 4 || strcmp(argv[1], "set") != 0) {
    puts("usage: swctl rates set CURRENCY RATE [--from YYYY-MM-DD]\n"
         "RATE: units of the national currency per unit of CURRENCY (e.g. 7.1), in force\n"
         "from the date given (default today).");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (ctl_open(c) < 0) return 1;
  int rc = ctl_rate_set(c, argv[2], argv[3], ctl_opt(argc, argv, "--from"));
  if (!rc) printf("rate of %s set\n", argv[2]);
  return rc;
}

struct key_job {
  const char *nid, *key, *actor;
};

static int key_write(struct db *db, void *arg) {
  struct key_job *j = arg;
  struct party_rec bank;
  int rc = idn_party_by_nid(db, j->nid, &bank);
  if (rc < 0) return rc;
  if (!strstr(bank.roles, "bank")) return -SW_EINVAL;
  return bank_key_set(db, bank.id, j->key, j->actor);
}

int cmd_bank(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 3 || strcmp(argv[1], "key") != 0) {
    puts("usage: swctl bank key BANK_NATIONAL_ID\n"
         "Registers a new HMAC-SHA-256 key for a bank and prints it once (hex). The bank\n"
         "signs each payment confirmation body with it (header X-Signature).");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (ctl_open(c) < 0) return 1;
  char key[CRYPTO_HEX32_LEN];
  crypto_key_new_hex(key);
  struct key_job j = {argv[2], key, c->actor};
  int rc = store_write(c->store, key_write, &j);
  if (rc < 0) {
    fprintf(stderr, "swctl bank key: %s is not a registered bank\n", argv[2]);
    return 1;
  }
  printf("%s\n", key);
  return 0;
}
