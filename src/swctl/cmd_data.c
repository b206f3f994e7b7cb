/* cmd_data.c - swctl init, import, migrate, audit verify, backup. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/refdata_files.h"
#include "core/err.h"
#include "store/audit.h"
#include "store/refdata_store.h"
#include "swctl/swctl.h"

int ctl_wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
  return 0;
}

const char *ctl_opt(int argc, char **argv, const char *name) {
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], name)) return argv[i + 1];
  return NULL;
}

struct audit_job {
  const char *actor, *action, *object, *detail;
};

static int audit_write(struct db *db, void *arg) {
  struct audit_job *j = arg;
  return audit_append(db, j->actor, "cli", j->action, j->object, j->detail);
}

int ctl_audit(struct ctl *c, const char *action, const char *object, const char *detail) {
  struct audit_job j = {c->actor, action, object, detail};
  return store_write(c->store, audit_write, &j);
}

/* ---- reference import: one file, one transaction, a progress bar on a terminal ---- */

struct import_job {
  const char *kind;
  const char *const *files; /* NULL-terminated; loaded in order in one transaction */
  const char *dir;
  FILE *f;
  char path[1100];
  long rows;
  struct ctl_progress bar;
  char err[256];
};

#define ROW_FN(name, type, put)                                                            \
  static int name(void *ctx, long line, const type *e) {                                   \
    struct import_job *j = ((void **)ctx)[0];                                              \
    struct db *db = ((void **)ctx)[1];                                                     \
    (void)line;                                                                            \
    j->rows++;                                                                             \
    if ((j->rows & 255) == 0) ctl_progress_show(&j->bar, j->rows);                                                 \
    return put(db, e);                                                                     \
  }
ROW_FN(row_hs, struct hs_entry, refstore_put_hs)
ROW_FN(row_country, struct country, refstore_put_country)
ROW_FN(row_currency, struct currency, refstore_put_currency)
ROW_FN(row_location, struct location, refstore_put_location)

/* Loads one file of the job's kind from j->f. */
static int import_file(struct db *db, struct import_job *j) {
  void *ctx[2] = {j, db};
  if (!strcmp(j->kind, "hs")) return refload_hs(j->f, NULL, row_hs, ctx, j->err, sizeof j->err);
  if (!strcmp(j->kind, "countries"))
    return refload_countries(j->f, NULL, row_country, ctx, j->err, sizeof j->err);
  if (!strcmp(j->kind, "currencies"))
    return refload_currencies(j->f, NULL, row_currency, ctx, j->err, sizeof j->err);
  return refload_locations(j->f, NULL, row_location, ctx, j->err, sizeof j->err);
}

static int import_write(struct db *db, void *arg) {
  struct import_job *j = arg;
  static const char *const tables[][2] = {
      {"hs", "hs"}, {"countries", "country"}, {"currencies", "currency"}, {"locations", "location"}};
  int rc = -SW_EINVAL;
  for (size_t i = 0; i < 4; i++)
    if (!strcmp(tables[i][0], j->kind)) rc = refstore_clear(db, tables[i][1]);
  for (const char *const *file = j->files; rc >= 0 && *file; file++) {
    snprintf(j->path, sizeof j->path, "%s/%s", j->dir, *file);
    if (!(j->f = fopen(j->path, "rb"))) {
      snprintf(j->err, sizeof j->err, "cannot open file");
      return -SW_EIO;
    }
    ctl_progress_init(&j->bar, j->kind, j->f);
    rc = import_file(db, j);
    fclose(j->f);
    j->f = NULL;
  }
  return rc < 0 ? rc : refstore_bump_version(db); /* running nodes reload */
}

static const char *const HS_FILES[] = {"harmonized-system.csv", NULL};
static const char *const COUNTRY_FILES[] = {"country-codes.csv", NULL};
static const char *const CURRENCY_FILES[] = {"currency-codes-iso4217.csv", NULL};
static const char *const LOCATION_FILES[] = {"unlocode-ports-all-countries.csv",
                                             "unlocode-cn-all-functions.csv", NULL};
static const struct {
  const char *kind;
  const char *const *files;
} KINDS[] = {
    {"hs", HS_FILES},
    {"countries", COUNTRY_FILES},
    {"currencies", CURRENCY_FILES},
    {"locations", LOCATION_FILES},
};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

int ctl_import_kind(struct ctl *c, const char *kind) {
  struct import_job j = {.kind = kind, .dir = c->ref_dir};
  for (size_t i = 0; i < N_KINDS; i++)
    if (!strcmp(KINDS[i].kind, kind)) j.files = KINDS[i].files;
  if (!j.files) {
    fprintf(stderr, "swctl import: unknown kind '%s' (hs, countries, currencies, locations;"
                    " or a file from swctl export: ./%s)\n",
            kind, kind);
    return 2;
  }
  int rc = store_write(c->store, import_write, &j);
  ctl_progress_end(&j.bar);
  if (rc < 0) {
    fprintf(stderr, "swctl import: %s: %s; nothing of %s was loaded\n", j.path,
            j.err[0] ? j.err : sw_strerror(rc), kind);
    return 1;
  }
  char detail[128];
  snprintf(detail, sizeof detail, "{\"rows\":%ld}", j.rows);
  ctl_audit(c, "reference.import", kind, detail);
  printf("imported %-10s %6ld rows\n", kind, j.rows);
  return 0;
}

int cmd_import(struct ctl *c, int argc, char **argv) {
  if (ctl_import_is_system(argc, argv)) return cmd_import_system(c, argc, argv); /* FILE */
  if (ctl_wants_help(argc, argv)) {
    puts("usage: swctl import [hs|countries|currencies|locations|all]...\n"
         "       swctl import [--check] FILE   (a whole system from swctl export: --help)\n"
         "Loads reference files from --ref DIR (default ./data), each in one transaction:\n"
         "a broken file is refused with its line and reason and nothing of it is loaded.\n"
         "Running swd nodes notice the new version within a few seconds and reload it.");
    return 0;
  }
  if (ctl_open(c) < 0) return 1;
  int all = argc < 2, code;
  for (int i = 1; i < argc; i++) all |= !strcmp(argv[i], "all");
  if (all) {
    for (size_t i = 0; i < N_KINDS; i++)
      if ((code = ctl_import_kind(c, KINDS[i].kind))) return code;
    return 0;
  }
  for (int i = 1; i < argc; i++)
    if ((code = ctl_import_kind(c, argv[i]))) return code;
  return 0;
}

static int table_empty(struct ctl *c) {
  static const char *const sql = "SELECT COUNT(*) FROM ref_hs";
  struct db_stmt *st;
  struct db *db = store_reader(c->store);
  int64_t n = 0;
  if (!db || db_prepare(db, sql, &st) < 0) return 1;
  if (db_step(st) == 1) n = db_col_int64(st, 0);
  db_done(st);
  return n == 0;
}

int cmd_init(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv)) {
    puts("usage: swctl init [--reload]\n"
         "Creates the data directory and database, applies the schema and loads the shipped\n"
         "reference data (HS 2022, ISO 3166, ISO 4217, UN/LOCODE ports). Running it again\n"
         "keeps existing data; --reload loads the reference files again.");
    return 0;
  }
  if (ctl_open(c) < 0) return 1;
  int reload = 0;
  for (int i = 1; i < argc; i++) reload |= !strcmp(argv[i], "--reload");
  if (!reload && !table_empty(c)) {
    printf("database %s is initialised (schema %d); reference data kept\n", c->db_shown,
           store_schema_version(c->store));
    return 0;
  }
  for (size_t i = 0; i < N_KINDS; i++)
    if (ctl_import_kind(c, KINDS[i].kind)) return 1;
  printf("database %s initialised (schema %d)\n", c->db_shown, store_schema_version(c->store));
  return 0;
}

int cmd_migrate(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv)) {
    puts("usage: swctl migrate\nApplies pending schema migrations (swd does so at start too).");
    return 0;
  }
  if (ctl_open(c) < 0) return 1;
  printf("schema version %d\n", store_schema_version(c->store));
  return 0;
}

int cmd_audit(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc < 2 || strcmp(argv[1], "verify") != 0) {
    puts("usage: swctl audit verify\n"
         "Recomputes the audit trail's hash chain; exits 1 and names the first bad row when\n"
         "a row was altered, removed or reordered.");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (ctl_open(c) < 0) return 1;
  int64_t rows = 0, bad = 0;
  int rc = audit_verify(store_reader(c->store), &rows, &bad);
  if (rc == -SW_ECONFLICT) {
    printf("audit trail BROKEN at row %" PRId64 " (%" PRId64 " rows verified before it)\n", bad,
           rows);
    return 1;
  }
  if (rc < 0) {
    fprintf(stderr, "swctl audit: %s\n", sw_strerror(rc));
    return 1;
  }
  printf("audit trail ok: %" PRId64 " rows, hash chain intact\n", rows);
  return 0;
}

int cmd_backup(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 2) {
    puts("usage: swctl backup FILE\n"
         "Writes an online, consistent copy of the database to FILE while swd keeps running.\n"
         "SQLite only: back up PostgreSQL with pg_dump or pg_basebackup.");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  if (access(argv[1], F_OK) == 0) {
    fprintf(stderr, "swctl backup: %s exists; refusing to overwrite\n", argv[1]);
    return 1;
  }
  if (ctl_open(c) < 0) return 1;
  int rc = store_backup(c->store, argv[1]);
  if (rc < 0 && !strcmp(store_backend(c->store), "postgresql")) {
    fprintf(stderr, "swctl backup: the database is PostgreSQL: back up with pg_dump or "
                    "pg_basebackup (see docs/operations.md)\n");
    return 1;
  }
  if (rc < 0) {
    fprintf(stderr, "swctl backup: %s\n", sw_strerror(rc));
    return 1;
  }
  ctl_audit(c, "database.backup", argv[1], "{}");
  printf("backup written to %s\n", argv[1]);
  return 0;
}
