/* cmd_export.c - swctl export FILE and swctl import [--check] FILE: a whole system moved
 * between databases (SQLite to PostgreSQL, back, or SQLite to SQLite); the work is in
 * src/store/export.c and import.c, the format in store/export.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "store/export.h"
#include "swctl/swctl.h"

struct summary {
  FILE *f;
  int check; /* show the file's side too */
  int tables, bad;
  int64_t rows;
};

static void report(void *arg, const struct export_table_report *t) {
  struct summary *s = arg;
  if (s->tables++ == 0)
    fprintf(s->f, "%-24s %10s  %-16s %s\n", "table", "rows", "sha256", "checksum");
  s->rows += t->rows;
  s->bad += !t->ok;
  fprintf(s->f, "%-24s %10" PRId64 "  %.16s %s", t->name, t->rows, t->sha256,
          t->ok ? "ok" : "DIFFERS");
  if (!t->ok) fprintf(s->f, " (file: %" PRId64 " rows, %.16s)", t->file_rows, t->file_sha256);
  fputc('\n', s->f);
}

int cmd_export(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 2) {
    puts("usage: swctl export FILE\n"
         "Writes every table of the database (--db URL or --data DIR) to FILE from one read\n"
         "transaction: JSON Lines, a header, one line per row in primary-key order, a row\n"
         "count and SHA-256 per table. FILE must not exist ('-' writes to standard output).\n"
         "Load it with 'swctl --db URL import FILE' into a new database; see\n"
         "docs/operations.md, \"Moving to PostgreSQL\".");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  const char *path = argv[1];
  int to_stdout = !strcmp(path, "-");
  char partial[1100], err[2600];
  FILE *out = stdout;
  if (!to_stdout) {
    if (access(path, F_OK) == 0) {
      fprintf(stderr, "swctl export: %s exists; refusing to overwrite\n", path);
      return 1;
    }
    if (snprintf(partial, sizeof partial, "%s.partial", path) >= (int)sizeof partial) {
      fprintf(stderr, "swctl export: file name too long\n");
      return 2;
    }
    /* the export holds password and token hashes: readable by its owner only */
    int fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || !(out = fdopen(fd, "w"))) {
      fprintf(stderr, "swctl export: cannot create %s: %s\n", partial, strerror(errno));
      if (fd >= 0) close(fd);
      return 1;
    }
  }
  struct summary s = {.f = to_stdout ? stderr : stdout};
  int rc = export_run(c->db_url, out, report, &s, err, sizeof err);
  if (!to_stdout) {
    if (rc == 0 && (fflush(out) != 0 || fsync(fileno(out)) != 0)) {
      snprintf(err, sizeof err, "cannot write %s: %s", partial, strerror(errno));
      rc = -SW_EIO;
    }
    if (fclose(out) != 0 && rc == 0) {
      snprintf(err, sizeof err, "cannot write %s: %s", partial, strerror(errno));
      rc = -SW_EIO;
    }
    if (rc == 0 && rename(partial, path) != 0) {
      snprintf(err, sizeof err, "cannot rename %s to %s: %s", partial, path, strerror(errno));
      rc = -SW_EIO;
    }
    if (rc < 0) unlink(partial);
  }
  if (rc < 0) {
    fprintf(stderr, "swctl export: %s: %s%s\n", c->db_shown, err,
            to_stdout ? "" : "; no file written");
    return 1;
  }
  fprintf(s.f, "exported %d tables, %" PRId64 " rows from %s to %s\n", s.tables, s.rows,
          c->db_shown, to_stdout ? "standard output" : path);
  return 0;
}

/* A FILE is "-", a name with a '/' or a '.', or an existing file; a bare word is a
 * reference kind (an unknown one stays a usage error of the reference import). */
int ctl_import_is_system(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--check") || !strcmp(a, "-")) return 1;
    if (a[0] == '-') continue; /* --help */
    if (strchr(a, '/') || strchr(a, '.') || access(a, F_OK) == 0) return 1;
  }
  return 0;
}

int cmd_import_system(struct ctl *c, int argc, char **argv) {
  int check = 0;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--check")) check = 1;
    else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) path = NULL, argc = 0;
    else if (!path) path = argv[i];
    else path = NULL, argc = 0;
  }
  if (!path) {
    puts("usage: swctl import FILE          load a system written by swctl export\n"
         "       swctl import --check FILE  compare FILE with the database, change nothing\n"
         "Loads FILE ('-': standard input) into the database (--db URL or --data DIR), which\n"
         "must be new: migrated here if need be, with no rows of its own, and at the file's\n"
         "schema version. One transaction: a bad line, a count or checksum that does not\n"
         "match, or a row the database refuses, and nothing is written. After loading, every\n"
         "table is read back and its rows and SHA-256 compared with the file's.");
    return argc == 0 ? 0 : 2;
  }
  FILE *in = stdin;
  if (strcmp(path, "-") && !(in = fopen(path, "r"))) {
    fprintf(stderr, "swctl import: cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (!check && c->db_in_data && mkdir(c->data_dir, 0750) < 0 && errno != EEXIST) {
    fprintf(stderr, "swctl import: cannot create %s: %s\n", c->data_dir, strerror(errno));
    if (in != stdin) fclose(in);
    return 1;
  }
  char err[768];
  struct summary s = {.f = stdout, .check = check};
  int rc = check ? import_check(c->db_url, in, report, &s, err, sizeof err)
                 : import_run(c->db_url, in, report, &s, err, sizeof err);
  if (in != stdin) fclose(in);
  if (check && rc == -SW_ECONFLICT) {
    printf("%s and %s DIFFER (%d of %d tables)\n", path, c->db_shown, s.bad, s.tables);
    return 1;
  }
  if (rc < 0) {
    fprintf(stderr, "swctl import: %s: %s%s\n", path, err,
            check ? "" : "; nothing was imported");
    return 1;
  }
  if (check)
    printf("%s matches %s: %d tables, %" PRId64 " rows, counts and checksums equal\n", path,
           c->db_shown, s.tables, s.rows);
  else
    printf("imported %d tables, %" PRId64 " rows into %s; counts and checksums verified\n",
           s.tables, s.rows, c->db_shown);
  return 0;
}
