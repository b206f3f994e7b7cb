/* import.c - swctl import FILE: a file written by export.c loaded into a freshly migrated
 * database in one transaction (all or nothing), every value bound to a prepared INSERT,
 * each table's count and checksum checked against its trailer while reading and again
 * by reading the database back; and swctl import --check FILE, the same comparison with a
 * live database without writing. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/db.h"
#include "store/export.h"
#include "store/export_schema.h"
#include "store/migrations.h"

struct ftable {          /* a table as the file gives it, in the header's order */
  struct xtable *t;      /* the database's table */
  struct crypto_sha256 h; /* over the file's rows */
  int64_t rows;
  int64_t trailer_rows;
  char trailer_sha[CRYPTO_HEX32_LEN];
  int64_t *maxid; /* per column: the largest value of an identity column */
  int seeded;     /* holds only what the migrations inserted: emptied before loading */
};

struct imp {
  struct db *db;
  struct xschema s;
  struct ftable *ft;
  int nft, cur;
  int write; /* insert rows (import) or only read them (check) */
  long line;
  struct export_value *v;
  int vcap;
  char *err;
  size_t errlen;
};

#define LERR(m, ...) xs_err((m)->err, (m)->errlen, __VA_ARGS__)

static const char *kind_name(const json_t *x) {
  switch (json_typeof(x)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a decimal number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

/* ---- the header ---- */

static int header_table(struct imp *m, const json_t *jt, int idx) {
  const json_t *name = json_object_get(jt, "name"), *cols = json_object_get(jt, "columns");
  const json_t *types = json_object_get(jt, "types");
  if (!json_is_object(jt) || !json_is_string(name) || !json_is_array(cols) ||
      (types && !json_is_array(types))) {
    LERR(m, "line 1: tables[%d] needs a name and an array of columns", idx);
    return -SW_EINVAL;
  }
  const char *tn = json_string_value(name);
  struct xtable *t = xs_find(&m->s, tn);
  if (!t) {
    LERR(m, "line 1: unknown table %s (the database has no such table)", tn);
    return -SW_EINVAL;
  }
  for (int i = 0; i < m->nft; i++)
    if (m->ft[i].t == t) {
      LERR(m, "line 1: table %s is listed twice", tn);
      return -SW_EINVAL;
    }
  size_t n = json_array_size(cols);
  if (types && json_array_size(types) != n) {
    LERR(m, "line 1: table %s: %zu types for %zu columns", tn, json_array_size(types), n);
    return -SW_EINVAL;
  }
  char **names = calloc(n + 1, sizeof *names);
  if (!names) return -SW_ENOMEM;
  for (size_t k = 0; k < n; k++) {
    const json_t *c = json_array_get(cols, k);
    if (!json_is_string(c)) {
      free(names);
      LERR(m, "line 1: table %s: column %zu is not a string", tn, k + 1);
      return -SW_EINVAL;
    }
    names[k] = (char *)json_string_value(c);
  }
  char why[300];
  int rc = xs_reorder(&m->s, t, names, (int)n, why, sizeof why);
  free(names);
  if (rc < 0) {
    LERR(m, "line 1: %s", why);
    return rc;
  }
  for (size_t k = 0; types && k < n; k++) {
    const char *ty = json_string_value(json_array_get(types, k));
    int is_int = ty && !strcmp(ty, "integer");
    if (!ty || (!is_int && strcmp(ty, "text"))) {
      LERR(m, "line 1: table %s column %s: type must be \"integer\" or \"text\"", tn,
           t->cols[k].name);
      return -SW_EINVAL;
    }
    if (is_int != t->cols[k].is_int) {
      LERR(m, "line 1: table %s column %s is %s in the file but %s in the database", tn,
           t->cols[k].name, ty, t->cols[k].is_int ? "integer" : "text");
      return -SW_EINVAL;
    }
  }
  struct ftable *f = &m->ft[m->nft++];
  memset(f, 0, sizeof *f);
  f->t = t;
  crypto_sha256_init(&f->h);
  if (!(f->maxid = calloc((size_t)t->ncols, sizeof *f->maxid))) return -SW_ENOMEM;
  if (t->ncols > m->vcap) {
    struct export_value *v = realloc(m->v, (size_t)t->ncols * sizeof *v);
    if (!v) return -SW_ENOMEM;
    m->v = v, m->vcap = t->ncols;
  }
  return 0;
}

static int parse_header(struct imp *m, const char *line, size_t len) {
  json_error_t je;
  json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
  int rc = -SW_EINVAL;
  if (!j) {
    LERR(m, "line 1: not JSON (%s at column %d): is this a file from swctl export?", je.text,
         je.column);
    return rc;
  }
  const json_t *fmt = json_object_get(j, "format"), *ver = json_object_get(j, "version");
  const json_t *sv = json_object_get(j, "schema_version"), *tables = json_object_get(j, "tables");
  if (!json_is_string(fmt) || strcmp(json_string_value(fmt), EXPORT_FORMAT)) {
    LERR(m, "line 1: not a file from swctl export (format is not \"" EXPORT_FORMAT "\")");
  } else if (!json_is_integer(ver) || json_integer_value(ver) != EXPORT_VERSION) {
    LERR(m, "line 1: export format version %s is not supported (this program reads %d)",
         json_is_integer(ver) ? "other than 1" : "missing", EXPORT_VERSION);
  } else if (!json_is_integer(sv)) {
    LERR(m, "line 1: schema_version missing");
  } else if (json_integer_value(sv) != m->s.version) {
    LERR(m,
         "line 1: the file has schema version %" JSON_INTEGER_FORMAT ", the database %d: "
         "export and import with the same OpenSW version (run swctl migrate on the source "
         "first)",
         json_integer_value(sv), m->s.version);
  } else if (!json_is_array(tables)) {
    LERR(m, "line 1: tables missing");
  } else if (!(m->ft = calloc(json_array_size(tables) + 1, sizeof *m->ft))) {
    rc = -SW_ENOMEM;
  } else {
    rc = 0;
    for (size_t i = 0; rc == 0 && i < json_array_size(tables); i++)
      rc = header_table(m, json_array_get(tables, i), (int)i);
    for (int i = 0; rc == 0 && i < m->s.n; i++) {
      int listed = 0;
      for (int k = 0; k < m->nft; k++) listed |= m->ft[k].t == &m->s.t[i];
      if (!listed) {
        LERR(m, "line 1: table %s of the database is not in the file", m->s.t[i].name);
        rc = -SW_EINVAL;
      }
    }
  }
  json_decref(j);
  return rc;
}

/* ---- rows and trailers ---- */

static int put_row(struct imp *m, struct ftable *f, const json_t *r) {
  struct xtable *t = f->t;
  if (!json_is_array(r) || json_array_size(r) != (size_t)t->ncols) {
    LERR(m, "line %ld: table %s: %zu values for %d columns", m->line, t->name,
         json_is_array(r) ? json_array_size(r) : 0, t->ncols);
    return -SW_EINVAL;
  }
  for (int k = 0; k < t->ncols; k++) {
    const json_t *x = json_array_get(r, (size_t)k);
    struct export_value *v = &m->v[k];
    v->s = NULL, v->len = 0, v->i = 0;
    if (json_is_null(x)) {
      v->kind = EXPORT_NULL;
    } else if (t->cols[k].is_int && json_is_integer(x)) {
      v->kind = EXPORT_INT;
      v->i = json_integer_value(x);
      if (t->cols[k].identity && v->i > f->maxid[k]) f->maxid[k] = v->i;
    } else if (!t->cols[k].is_int && json_is_string(x)) {
      v->kind = EXPORT_TEXT;
      v->s = json_string_value(x);
      v->len = json_string_length(x);
    } else {
      LERR(m, "line %ld: table %s column %s: %s where %s belongs", m->line, t->name,
           t->cols[k].name, kind_name(x), t->cols[k].is_int ? "an integer" : "a string");
      return -SW_EINVAL;
    }
  }
  export_hash_row(&f->h, m->v, t->ncols);
  f->rows++;
  if (!m->write) return 0;
  struct db_stmt *st;
  int rc = db_prepare(m->db, t->ins, &st);
  if (rc < 0) {
    LERR(m, "line %ld: table %s: cannot prepare the insert: %s", m->line, t->name,
         db_errmsg(m->db));
    return rc;
  }
  for (int k = 0; k < t->ncols; k++) {
    const struct export_value *v = &m->v[k];
    if (v->kind == EXPORT_NULL) rc = db_bind_null(st, k + 1);
    else if (v->kind == EXPORT_INT) rc = db_bind_int64(st, k + 1, v->i);
    else rc = db_bind_textn(st, k + 1, v->s, v->len);
    if (rc < 0) break;
  }
  if (rc >= 0) rc = db_step(st);
  db_done(st);
  if (rc < 0) {
    LERR(m, "line %ld: table %s: the database refused the row: %s", m->line, t->name,
         db_errmsg(m->db));
    return rc;
  }
  return 0;
}

static int put_trailer(struct imp *m, struct ftable *f, const json_t *j) {
  const json_t *rows = json_object_get(j, "rows"), *sha = json_object_get(j, "sha256");
  if (!json_is_integer(rows) || !json_is_string(sha)) {
    LERR(m, "line %ld: the trailer of table %s needs rows (an integer) and sha256", m->line,
         f->t->name);
    return -SW_EINVAL;
  }
  char mine[CRYPTO_HEX32_LEN];
  crypto_sha256_final_hex(&f->h, mine);
  f->trailer_rows = json_integer_value(rows);
  snprintf(f->trailer_sha, sizeof f->trailer_sha, "%s", json_string_value(sha));
  if (f->trailer_rows != f->rows) {
    LERR(m, "line %ld: table %s: the trailer says %" PRId64 " rows, the file has %" PRId64,
         m->line, f->t->name, f->trailer_rows, f->rows);
    return -SW_EINVAL;
  }
  if (strcmp(f->trailer_sha, mine)) {
    LERR(m, "line %ld: table %s: checksum mismatch: the trailer says %.64s, the rows hash to %s",
         m->line, f->t->name, json_string_value(sha), mine);
    return -SW_EINVAL;
  }
  return 0;
}

static int put_line(struct imp *m, const char *line, size_t len) {
  json_error_t je;
  json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
  int rc = -SW_EINVAL;
  if (!j) {
    LERR(m, "line %ld: not JSON (%s at column %d)", m->line, je.text, je.column);
    return rc;
  }
  const json_t *tn = json_object_get(j, "t"), *r = json_object_get(j, "r");
  const json_t *end = json_object_get(j, "end");
  const json_t *name = tn ? tn : end;
  int is_row = tn && r && json_object_size(j) == 2;
  int is_end = end && json_object_size(j) == 3;
  if (!json_is_object(j) || !(is_row || is_end) || !json_is_string(name)) {
    LERR(m, "line %ld: neither a row {\"t\":TABLE,\"r\":[...]} nor a trailer "
            "{\"end\":TABLE,\"rows\":N,\"sha256\":H}",
         m->line);
  } else if (!xs_find(&m->s, json_string_value(name))) {
    LERR(m, "line %ld: unknown table %s", m->line, json_string_value(name));
  } else if (m->cur >= m->nft) {
    LERR(m, "line %ld: data after the last table's trailer", m->line);
  } else if (strcmp(json_string_value(name), m->ft[m->cur].t->name)) {
    LERR(m, "line %ld: %s of table %s where the rows of %s (or its trailer) belong", m->line,
         is_row ? "a row" : "the trailer", json_string_value(name), m->ft[m->cur].t->name);
  } else if (is_row) {
    rc = put_row(m, &m->ft[m->cur], r);
  } else if ((rc = put_trailer(m, &m->ft[m->cur], j)) == 0) {
    m->cur++;
  }
  json_decref(j);
  return rc;
}

/* Reads the file from line 2 on. */
static int read_rows(struct imp *m, FILE *in, char **buf, size_t *cap) {
  ssize_t n;
  while ((n = getline(buf, cap, in)) >= 0) {
    m->line++;
    size_t len = (size_t)n;
    if (len && (*buf)[len - 1] == '\n') len--;
    if (len == 0) {
      LERR(m, "line %ld: empty line", m->line);
      return -SW_EINVAL;
    }
    int rc = put_line(m, *buf, len);
    if (rc < 0) return rc;
  }
  if (ferror(in)) {
    LERR(m, "line %ld: cannot read the file", m->line + 1);
    return -SW_EIO;
  }
  if (m->cur < m->nft) {
    LERR(m, "line %ld: the file ends before the trailer of table %s (truncated?)", m->line,
         m->ft[m->cur].t->name);
    return -SW_EINVAL;
  }
  return 0;
}

/* Line 1 into the header. */
static int read_header(struct imp *m, FILE *in, char **buf, size_t *cap) {
  ssize_t n = getline(buf, cap, in);
  m->line = 1;
  if (n <= 0) {
    LERR(m, ferror(in) ? "cannot read the file" : "the file is empty");
    return ferror(in) ? -SW_EIO : -SW_EINVAL;
  }
  size_t len = (size_t)n;
  if ((*buf)[len - 1] == '\n') len--;
  return parse_header(m, *buf, len);
}

/* Every table read back from the database, compared with its trailer. */
static int compare_db(struct imp *m, export_report_fn report, void *arg, int *differ) {
  *differ = 0;
  for (int i = 0; i < m->nft; i++) {
    struct ftable *f = &m->ft[i];
    struct export_table_report r = {.name = f->t->name, .file_rows = f->trailer_rows};
    memcpy(r.file_sha256, f->trailer_sha, sizeof r.file_sha256);
    int rc = xs_walk(m->db, &m->s, f->t, NULL, NULL, &r.rows, r.sha256, m->err, m->errlen);
    if (rc < 0) return rc;
    r.ok = r.rows == r.file_rows && !strcmp(r.sha256, r.file_sha256);
    if (!r.ok && !*differ)
      LERR(m, "table %s: the database holds %" PRId64 " rows (sha256 %s), the file %" PRId64
              " (sha256 %s)",
           r.name, r.rows, r.sha256, r.file_rows, r.file_sha256);
    if (!r.ok) *differ = 1;
    if (report) report(arg, &r);
  }
  return 0;
}

/* Tables of a freshly migrated database are empty but for rows the migrations insert
 * (document types): a table holding exactly those is emptied and loaded from the file;
 * any other row means the database is in use, and the import is refused. */
static int check_empty(struct imp *m) {
  struct db *mem = NULL;
  struct xschema ps;
  char why[300] = "";
  int rc;
  memset(&ps, 0, sizeof ps);
  if ((rc = xs_counts(m->db, &m->s, m->err, m->errlen)) < 0) return rc;
  int any = 0;
  for (int i = 0; i < m->nft; i++) any |= m->ft[i].t->count > 0;
  if (!any) return 0;
  if ((rc = db_open_sqlite(":memory:", 0, &mem)) < 0 || (rc = migrations_apply(mem)) < 0 ||
      (rc = xs_read(mem, &ps, why, sizeof why)) < 0 || (rc = xs_counts(mem, &ps, why, sizeof why)) < 0) {
    LERR(m, "cannot build a freshly migrated schema to compare with: %s", why[0] ? why : sw_strerror(rc));
    goto out;
  }
  for (int i = 0; i < m->nft && rc >= 0; i++) {
    struct xtable *t = m->ft[i].t, *p = xs_find(&ps, t->name);
    if (t->count == 0) continue;
    int seeded = p && p->count == t->count;
    if (seeded) {
      char a[CRYPTO_HEX32_LEN], b[CRYPTO_HEX32_LEN];
      int64_t na, nb;
      char **names = calloc((size_t)t->ncols, sizeof *names);
      if (!names) {
        rc = -SW_ENOMEM;
        break;
      }
      for (int k = 0; k < t->ncols; k++) names[k] = t->cols[k].name;
      rc = xs_reorder(&ps, p, names, t->ncols, why, sizeof why);
      free(names);
      if (rc < 0) { /* the migrations' own table differs from the database's */
        seeded = 0, rc = 0;
      } else if ((rc = xs_walk(mem, &ps, p, NULL, NULL, &na, a, why, sizeof why)) < 0 ||
                 (rc = xs_walk(m->db, &m->s, t, NULL, NULL, &nb, b, m->err, m->errlen)) < 0) {
        if (why[0]) LERR(m, "%s", why);
        break;
      } else {
        seeded = na == nb && !strcmp(a, b);
      }
    }
    if (!seeded) {
      LERR(m, "the database is not empty: table %s has %" PRId64 " rows; import needs a new, "
              "freshly migrated database",
           t->name, t->count);
      rc = -SW_EEXISTS;
      break;
    }
    m->ft[i].seeded = 1;
  }
out:
  db_close(mem);
  xs_free(&ps);
  return rc < 0 ? rc : 0;
}

/* Children first, the tables that hold only the migrations' rows are emptied. */
static int clear_seeded(struct imp *m) {
  for (int i = m->nft - 1; i >= 0; i--) {
    if (!m->ft[i].seeded) continue;
    struct db_stmt *st;
    int rc = db_prepare(m->db, m->ft[i].t->del, &st);
    if (rc >= 0) rc = db_step(st);
    if (rc >= 0) db_done(st);
    if (rc < 0) {
      LERR(m, "table %s: cannot empty it: %s", m->ft[i].t->name, db_errmsg(m->db));
      return rc;
    }
  }
  return 0;
}

/* PostgreSQL's identity sequences continue after the largest key loaded (SQLite's
 * INTEGER PRIMARY KEY does so by itself). */
static int reset_sequences(struct imp *m) {
  static const char *const sql =
      "SELECT setval(pg_get_serial_sequence(?1, ?2), ?3, ?4)";
  if (!m->s.pg) return 0;
  for (int i = 0; i < m->nft; i++) {
    struct xtable *t = m->ft[i].t;
    for (int k = 0; k < t->ncols; k++) {
      if (!t->cols[k].identity) continue;
      int64_t max = m->ft[i].maxid[k];
      char quoted[300];
      snprintf(quoted, sizeof quoted, "\"%s\"", t->name);
      struct db_stmt *st;
      int rc = db_prepare(m->db, sql, &st);
      if (rc >= 0) {
        db_bind_text(st, 1, quoted);
        db_bind_text(st, 2, t->cols[k].name);
        db_bind_int64(st, 3, max > 0 ? max : 1);
        db_bind_int64(st, 4, max > 0);
        rc = db_step(st);
        db_done(st);
      }
      if (rc < 0) {
        LERR(m, "table %s: cannot reset the sequence of %s: %s", t->name, t->cols[k].name,
             db_errmsg(m->db));
        return rc;
      }
    }
  }
  return 0;
}

static void imp_free(struct imp *m) {
  for (int i = 0; i < m->nft; i++) free(m->ft[i].maxid);
  free(m->ft);
  free(m->v);
}

int import_run(const char *url, FILE *in, export_report_fn report, void *arg, char *err,
               size_t errlen) {
  struct imp m = {.err = err, .errlen = errlen, .write = 1};
  char *buf = NULL;
  size_t cap = 0;
  int rc, differ = 0, in_tx = 0;
  err[0] = 0;
  if ((rc = db_open_url(url, 0, &m.db)) < 0) {
    xs_err(err, errlen, "cannot open the database");
    return rc;
  }
  if ((rc = migrations_apply(m.db)) < 0) {
    xs_err(err, errlen, "cannot migrate the database: %s", db_errmsg(m.db));
    goto out;
  }
  /* any failed statement ends the import (all or nothing): no per-statement savepoints */
  db_statement_savepoints(m.db, 0);
  if ((rc = db_exec(m.db, "BEGIN IMMEDIATE")) < 0) {
    xs_err(err, errlen, "cannot start the transaction: %s", db_errmsg(m.db));
    goto out;
  }
  in_tx = 1;
  if ((rc = xs_read(m.db, &m.s, err, errlen)) < 0 || (rc = read_header(&m, in, &buf, &cap)) < 0 ||
      (rc = check_empty(&m)) < 0 || (rc = clear_seeded(&m)) < 0 ||
      (rc = read_rows(&m, in, &buf, &cap)) < 0 ||
      (rc = compare_db(&m, NULL, NULL, &differ)) < 0)
    goto out;
  if (differ) {
    rc = -SW_ECONFLICT; /* err names the table */
    goto out;
  }
  if ((rc = reset_sequences(&m)) < 0) goto out;
  if ((rc = db_exec(m.db, "COMMIT")) < 0) {
    xs_err(err, errlen, "cannot commit: %s", db_errmsg(m.db));
    goto out;
  }
  in_tx = 0;
  for (int i = 0; report && i < m.nft; i++) { /* what compare_db found, all equal */
    struct export_table_report r = {.name = m.ft[i].t->name, .rows = m.ft[i].trailer_rows,
                                    .file_rows = m.ft[i].trailer_rows, .ok = 1};
    memcpy(r.sha256, m.ft[i].trailer_sha, sizeof r.sha256);
    memcpy(r.file_sha256, m.ft[i].trailer_sha, sizeof r.file_sha256);
    report(arg, &r);
  }
out:
  if (in_tx) db_exec(m.db, "ROLLBACK");
  free(buf);
  db_close(m.db);
  xs_free(&m.s);
  imp_free(&m);
  if (rc < 0 && !err[0]) xs_err(err, errlen, "%s", sw_strerror(rc));
  return rc < 0 ? rc : 0;
}

int import_check(const char *url, FILE *in, export_report_fn report, void *arg, char *err,
                 size_t errlen) {
  struct imp m = {.err = err, .errlen = errlen};
  char *buf = NULL;
  size_t cap = 0;
  int rc, differ = 0;
  err[0] = 0;
  if ((rc = db_open_url(url, 1, &m.db)) < 0) {
    xs_err(err, errlen, "cannot open the database");
    return rc;
  }
  if ((rc = xs_begin_snapshot(m.db)) < 0) {
    xs_err(err, errlen, "cannot start a read transaction: %s", db_errmsg(m.db));
    goto out;
  }
  if ((rc = xs_read(m.db, &m.s, err, errlen)) < 0 || (rc = read_header(&m, in, &buf, &cap)) < 0 ||
      (rc = read_rows(&m, in, &buf, &cap)) < 0 ||
      (rc = compare_db(&m, report, arg, &differ)) < 0)
    goto out;
  if (differ) rc = -SW_ECONFLICT;
out:
  db_exec(m.db, "ROLLBACK");
  free(buf);
  db_close(m.db);
  xs_free(&m.s);
  imp_free(&m);
  if (rc < 0 && !err[0]) xs_err(err, errlen, "%s", sw_strerror(rc));
  return rc < 0 ? rc : 0;
}
