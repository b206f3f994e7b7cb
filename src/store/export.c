/* export.c - swctl export: the tables of a database read from its own catalogue, walked in
 * primary-key order in batches (one read transaction for all), streamed as JSON Lines with
 * a count and a SHA-256 per table (format in export.h). The catalogue reading and the
 * table walk are shared with import.c through export_schema.h. */
#include "store/export.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/jtext.h"
#include "core/err.h"
#include "store/db.h"
#include "store/export_schema.h"

/* ---- pure helpers: canonical rows, UTF-8, JSON strings ---- */

void export_hash_row(struct crypto_sha256 *h, const struct export_value *v, int n) {
  char num[48];
  for (int k = 0; k < n; k++) {
    int len;
    switch (v[k].kind) {
    case EXPORT_NULL: crypto_sha256_update(h, "n", 1); break;
    case EXPORT_INT:
      len = snprintf(num, sizeof num, "i%" PRId64 ";", v[k].i);
      crypto_sha256_update(h, num, (size_t)len);
      break;
    case EXPORT_TEXT:
      len = snprintf(num, sizeof num, "s%zu:", v[k].len);
      crypto_sha256_update(h, num, (size_t)len);
      crypto_sha256_update(h, v[k].s, v[k].len);
      break;
    }
  }
  crypto_sha256_update(h, "\n", 1);
}

int export_utf8_valid(const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  for (size_t i = 0; i < len;) {
    unsigned c = s[i];
    size_t n;
    unsigned cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3, cp = c & 0x07;
    } else {
      return 0;
    }
    if (i + n >= len) return 0; /* truncated sequence */
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    i += n + 1;
  }
  return 1;
}

size_t export_json_string(char *out, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  char *w = out;
  *w++ = '"';
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      *w++ = '\\';
      *w++ = (char)c;
    } else if (c >= 0x20) {
      *w++ = (char)c;
    } else if (c == '\n') {
      *w++ = '\\', *w++ = 'n';
    } else if (c == '\r') {
      *w++ = '\\', *w++ = 'r';
    } else if (c == '\t') {
      *w++ = '\\', *w++ = 't';
    } else {
      memcpy(w, "\\u00", 4);
      w += 4;
      *w++ = hex[c >> 4];
      *w++ = hex[c & 15];
    }
  }
  *w++ = '"';
  *w = 0;
  return (size_t)(w - out);
}

/* ---- the catalogue ---- */

void xs_err(char *err, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
}

/* The SQL built per table goes into a jtext (codec/jtext.h), a growing string. */
static void sql_ident(struct jtext *b, const char *name) { /* "name", inner quotes doubled */
  jt_put(b, "\"", 1);
  for (const char *p = name; *p; p++) {
    if (*p == '"') jt_put(b, "\"", 1);
    jt_put(b, p, 1);
  }
  jt_put(b, "\"", 1);
}
static void sql_param(struct jtext *b, int k) {
  char num[16];
  int n = snprintf(num, sizeof num, "?%d", k);
  jt_put(b, num, (size_t)n);
}

static void key_expr(struct jtext *b, const struct xschema *s, const struct xcol *c) {
  sql_ident(b, c->name);
  if (s->coll_c && !c->is_int) jt_cstr(b, " COLLATE \"C\"");
}

/* The table's SELECT (keyset batches, or OFFSET batches without a primary key), INSERT and
 * DELETE, for its current column order. */
static int build_sql(struct xschema *s, struct xtable *t) {
  struct jtext cols = {0}, sel = {0}, ins = {0}, del = {0};
  for (int k = 0; k < t->ncols; k++) {
    if (k) jt_cstr(&cols, ", ");
    sql_ident(&cols, t->cols[k].name);
  }
  if (!cols.p || cols.fail) {
    free(cols.p);
    return -SW_ENOMEM;
  }
  free(t->pkcol);
  t->pkcol = calloc((size_t)t->npk + 1, sizeof *t->pkcol);
  if (!t->pkcol) return -SW_ENOMEM;
  for (int k = 0; k < t->npk; k++) {
    t->pkcol[k] = -1;
    for (int c = 0; c < t->ncols; c++)
      if (!strcmp(t->cols[c].name, t->pk[k])) t->pkcol[k] = c;
    if (t->pkcol[k] < 0) return -SW_EINVAL;
  }
  jt_cstr(&sel, "SELECT ");
  jt_cstr(&sel, cols.p);
  jt_cstr(&sel, " FROM ");
  sql_ident(&sel, t->name);
  if (t->npk > 0) {
    jt_cstr(&sel, t->npk > 1 ? " WHERE (" : " WHERE ");
    for (int k = 0; k < t->npk; k++) {
      if (k) jt_cstr(&sel, ", ");
      key_expr(&sel, s, &t->cols[t->pkcol[k]]);
    }
    jt_cstr(&sel, t->npk > 1 ? ") >= (" : " >= ");
    for (int k = 0; k < t->npk; k++) {
      if (k) jt_cstr(&sel, ", ");
      sql_param(&sel, k + 1);
    }
    if (t->npk > 1) jt_cstr(&sel, ")");
    jt_cstr(&sel, " ORDER BY ");
    for (int k = 0; k < t->npk; k++) {
      if (k) jt_cstr(&sel, ", ");
      key_expr(&sel, s, &t->cols[t->pkcol[k]]);
    }
    char lim[32];
    snprintf(lim, sizeof lim, " LIMIT %d", XS_BATCH);
    jt_cstr(&sel, lim);
  } else { /* no key: every column orders, OFFSET pages (slower; no such table today) */
    jt_cstr(&sel, " ORDER BY ");
    for (int k = 0; k < t->ncols; k++) {
      if (k) jt_cstr(&sel, ", ");
      key_expr(&sel, s, &t->cols[k]);
    }
    char lim[48];
    snprintf(lim, sizeof lim, " LIMIT %d OFFSET ?1", XS_BATCH);
    jt_cstr(&sel, lim);
  }
  jt_cstr(&ins, "INSERT INTO ");
  sql_ident(&ins, t->name);
  jt_cstr(&ins, " (");
  jt_cstr(&ins, cols.p);
  jt_cstr(&ins, ") VALUES (");
  for (int k = 0; k < t->ncols; k++) {
    if (k) jt_cstr(&ins, ", ");
    sql_param(&ins, k + 1);
  }
  jt_cstr(&ins, ")");
  jt_cstr(&del, "DELETE FROM ");
  sql_ident(&del, t->name);
  free(cols.p);
  /* the previous strings stay allocated until xs_free: a statement may be cached under
   * their address, and a new string there would find it */
  char *prev[3] = {t->sel, t->ins, t->del};
  for (int k = 0; k < 3; k++) {
    if (!prev[k]) continue;
    char **o = realloc(t->old, ((size_t)t->nold + 1) * sizeof *o);
    if (!o) {
      free(sel.p), free(ins.p), free(del.p);
      return -SW_ENOMEM;
    }
    t->old = o;
    t->old[t->nold++] = prev[k];
  }
  t->sel = jt_finish(&sel);
  t->ins = jt_finish(&ins);
  t->del = jt_finish(&del);
  return t->sel && t->ins && t->del ? 0 : -SW_ENOMEM;
}

struct xtable *xs_find(struct xschema *s, const char *name) {
  for (int i = 0; i < s->n; i++)
    if (!strcmp(s->t[i].name, name)) return &s->t[i];
  return NULL;
}

static struct xtable *add_table(struct xschema *s, const char *name) {
  struct xtable *t = realloc(s->t, ((size_t)s->n + 1) * sizeof *t);
  if (!t) return NULL;
  s->t = t;
  t = &s->t[s->n];
  memset(t, 0, sizeof *t);
  if (!(t->name = strdup(name))) return NULL;
  s->n++;
  return t;
}

static int add_col(struct xtable *t, const char *name, int is_int, int identity) {
  struct xcol *c = realloc(t->cols, ((size_t)t->ncols + 1) * sizeof *c);
  if (!c) return -SW_ENOMEM;
  t->cols = c;
  c = &t->cols[t->ncols];
  c->is_int = is_int;
  c->identity = identity;
  if (!(c->name = strdup(name))) return -SW_ENOMEM;
  t->ncols++;
  return 0;
}

static int add_name(char ***list, int *n, const char *name) {
  for (int i = 0; i < *n; i++)
    if (!strcmp((*list)[i], name)) return 0;
  char **l = realloc(*list, ((size_t)*n + 1) * sizeof *l);
  if (!l) return -SW_ENOMEM;
  *list = l;
  if (!(l[*n] = strdup(name))) return -SW_ENOMEM;
  (*n)++;
  return 0;
}

/* SQLite's affinity rules: 1 integer, 0 text, -1 a type the format does not carry. */
static int lite_type(const char *decl) {
  char up[64];
  size_t i = 0;
  for (; decl[i] && i < sizeof up - 1; i++)
    up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 32 : decl[i]);
  up[i] = 0;
  if (strstr(up, "INT")) return 1;
  if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT")) return 0;
  return -1;
}

static int pg_type(const char *t) {
  if (!strcmp(t, "bigint") || !strcmp(t, "integer") || !strcmp(t, "smallint")) return 1;
  if (!strcmp(t, "text") || !strcmp(t, "character varying") || !strcmp(t, "character")) return 0;
  return -1;
}

#define DBFAIL(what)                                                                       \
  do {                                                                                     \
    xs_err(err, errlen, "%s: %s", what, db_errmsg(db));                                    \
    return rc < 0 ? rc : -SW_EDB;                                                          \
  } while (0)

static int read_lite(struct db *db, struct xschema *s, char *err, size_t errlen) {
  static const char *const tables =
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_'"
      " ORDER BY name";
  static const char *const cols = "SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid";
  static const char *const fks = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)";
  struct db_stmt *st;
  int rc;
  if ((rc = db_prepare(db, tables, &st)) < 0) DBFAIL("cannot read the list of tables");
  while ((rc = db_step(st)) == 1) {
    const char *name = db_col_text(st, 0);
    if (!strcmp(name, "schema_version")) continue;
    if (!add_table(s, name)) {
      db_done(st);
      return -SW_ENOMEM;
    }
  }
  db_done(st);
  if (rc < 0) DBFAIL("cannot read the list of tables");
  for (int i = 0; i < s->n; i++) {
    struct xtable *t = &s->t[i];
    char *pk[64] = {0};
    if ((rc = db_prepare(db, cols, &st)) < 0) DBFAIL("cannot read columns");
    db_bind_text(st, 1, t->name);
    while ((rc = db_step(st)) == 1) {
      int ty = lite_type(db_col_text(st, 1));
      int64_t pos = db_col_int64(st, 2);
      if (ty < 0) {
        xs_err(err, errlen, "table %s column %s: type '%s' cannot be exported", t->name,
               db_col_text(st, 0), db_col_text(st, 1));
        db_done(st);
        return -SW_EINVAL;
      }
      if ((rc = add_col(t, db_col_text(st, 0), ty, 0)) < 0) break;
      if (pos > 0 && pos <= 64) pk[pos - 1] = t->cols[t->ncols - 1].name;
    }
    db_done(st);
    if (rc < 0) DBFAIL("cannot read columns");
    for (int k = 0; k < 64 && pk[k]; k++)
      if ((rc = add_name(&t->pk, &t->npk, pk[k])) < 0) return rc;
    if ((rc = db_prepare(db, fks, &st)) < 0) DBFAIL("cannot read foreign keys");
    db_bind_text(st, 1, t->name);
    while ((rc = db_step(st)) == 1)
      if ((rc = add_name(&t->deps, &t->ndeps, db_col_text(st, 0))) < 0) break;
    db_done(st);
    if (rc < 0) DBFAIL("cannot read foreign keys");
  }
  return 0;
}

static int read_pg(struct db *db, struct xschema *s, char *err, size_t errlen) {
  static const char *const cols =
      "SELECT c.table_name, c.column_name, c.data_type,"
      " CASE WHEN c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%' THEN 1 ELSE 0 END"
      " FROM information_schema.columns c JOIN information_schema.tables t"
      " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
      " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
      " ORDER BY c.table_name, c.ordinal_position";
  static const char *const pks =
      "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
      " JOIN pg_namespace n ON n.oid = c.relnamespace"
      " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
      " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
      " WHERE i.indisprimary AND n.nspname = current_schema() ORDER BY c.relname, k.ord";
  static const char *const fks =
      "SELECT DISTINCT c.relname, f.relname FROM pg_constraint k"
      " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid"
      " JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE k.contype = 'f' AND n.nspname = current_schema()";
  /* text sorts in byte order (as on SQLite) only under libc's C or POSIX locale; ICU
   * (PostgreSQL 15's datlocprovider 'i') never does */
  static const char *const pgver = "SELECT current_setting('server_version_num')";
  static const char *const coll15 =
      "SELECT datcollate, datlocprovider FROM pg_database WHERE datname = current_database()";
  static const char *const coll =
      "SELECT datcollate, 'c' FROM pg_database WHERE datname = current_database()";
  struct db_stmt *st;
  int rc, ver = 0;
  if ((rc = db_prepare(db, pgver, &st)) < 0) DBFAIL("cannot read the server's version");
  if ((rc = db_step(st)) == 1) ver = (int)strtol(db_col_text(st, 0), NULL, 10);
  db_done(st);
  if (rc < 0) DBFAIL("cannot read the server's version");
  if ((rc = db_prepare(db, ver >= 150000 ? coll15 : coll, &st)) < 0)
    DBFAIL("cannot read the database's collation");
  if ((rc = db_step(st)) == 1)
    s->coll_c = (strcmp(db_col_text(st, 0), "C") && strcmp(db_col_text(st, 0), "POSIX")) ||
                strcmp(db_col_text(st, 1), "c");
  db_done(st);
  if (rc < 0) DBFAIL("cannot read the database's collation");
  if ((rc = db_prepare(db, cols, &st)) < 0) DBFAIL("cannot read columns");
  while ((rc = db_step(st)) == 1) {
    const char *tn = db_col_text(st, 0);
    if (!strcmp(tn, "schema_version")) continue;
    struct xtable *t = xs_find(s, tn);
    if (!t && !(t = add_table(s, tn))) {
      rc = -SW_ENOMEM;
      break;
    }
    int ty = pg_type(db_col_text(st, 2));
    if (ty < 0) {
      xs_err(err, errlen, "table %s column %s: type '%s' cannot be exported", t->name,
             db_col_text(st, 1), db_col_text(st, 2));
      db_done(st);
      return -SW_EINVAL;
    }
    if ((rc = add_col(t, db_col_text(st, 1), ty, db_col_int64(st, 3) != 0)) < 0) break;
  }
  db_done(st);
  if (rc < 0) DBFAIL("cannot read columns");
  if ((rc = db_prepare(db, pks, &st)) < 0) DBFAIL("cannot read primary keys");
  while ((rc = db_step(st)) == 1) {
    struct xtable *t = xs_find(s, db_col_text(st, 0));
    if (t && (rc = add_name(&t->pk, &t->npk, db_col_text(st, 1))) < 0) break;
  }
  db_done(st);
  if (rc < 0) DBFAIL("cannot read primary keys");
  if ((rc = db_prepare(db, fks, &st)) < 0) DBFAIL("cannot read foreign keys");
  while ((rc = db_step(st)) == 1) {
    struct xtable *t = xs_find(s, db_col_text(st, 0));
    if (t && (rc = add_name(&t->deps, &t->ndeps, db_col_text(st, 1))) < 0) break;
  }
  db_done(st);
  if (rc < 0) DBFAIL("cannot read foreign keys");
  return 0;
}

/* Parents before children; among the tables ready at each step, the first by name, so the
 * order is the same on both backends. */
static int order_tables(struct xschema *s, char *err, size_t errlen) {
  struct xtable *sorted = calloc((size_t)s->n + 1, sizeof *sorted);
  char *placed = calloc((size_t)s->n + 1, 1);
  if (!sorted || !placed) {
    free(sorted);
    free(placed);
    return -SW_ENOMEM;
  }
  for (int out = 0; out < s->n; out++) {
    int pick = -1;
    for (int i = 0; i < s->n; i++) {
      if (placed[i]) continue;
      int ready = 1;
      for (int d = 0; d < s->t[i].ndeps && ready; d++) {
        const char *dep = s->t[i].deps[d];
        if (!strcmp(dep, s->t[i].name)) continue; /* a self-reference */
        for (int j = 0; j < s->n; j++)
          if (!placed[j] && !strcmp(s->t[j].name, dep)) ready = 0;
      }
      if (ready && (pick < 0 || strcmp(s->t[i].name, s->t[pick].name) < 0)) pick = i;
    }
    if (pick < 0) {
      xs_err(err, errlen, "the tables' foreign keys form a cycle; cannot order them");
      free(sorted);
      free(placed);
      return -SW_EINVAL;
    }
    placed[pick] = 1;
    sorted[out] = s->t[pick];
  }
  free(s->t);
  free(placed);
  s->t = sorted;
  return 0;
}

int xs_read(struct db *db, struct xschema *s, char *err, size_t errlen) {
  static const char *const version = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
  struct db_stmt *st;
  int rc;
  memset(s, 0, sizeof *s);
  s->pg = !strcmp(db_backend_name(db), "postgresql");
  if ((rc = db_prepare(db, version, &st)) < 0) {
    xs_err(err, errlen, "no schema_version table: not an OpenSW database (%s)", db_errmsg(db));
    return rc;
  }
  if ((rc = db_step(st)) == 1) s->version = (int)db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) DBFAIL("cannot read the schema version");
  if ((rc = s->pg ? read_pg(db, s, err, errlen) : read_lite(db, s, err, errlen)) < 0) return rc;
  if ((rc = order_tables(s, err, errlen)) < 0) return rc;
  struct jtext counts = {0};
  jt_cstr(&counts, "SELECT ");
  for (int i = 0; i < s->n; i++) {
    if (s->t[i].ncols == 0) {
      xs_err(err, errlen, "table %s: no columns visible", s->t[i].name);
      free(counts.p);
      return -SW_EINVAL;
    }
    if ((rc = build_sql(s, &s->t[i])) < 0) {
      free(counts.p);
      return rc;
    }
    jt_cstr(&counts, i ? ", (SELECT COUNT(*) FROM " : "(SELECT COUNT(*) FROM ");
    sql_ident(&counts, s->t[i].name);
    jt_cstr(&counts, ")");
  }
  if (s->n == 0) jt_cstr(&counts, "0");
  if (!(s->counts = jt_finish(&counts))) return -SW_ENOMEM;
  return 0;
}

int xs_reorder(struct xschema *s, struct xtable *t, char **names, int n, char *err,
               size_t errlen) {
  for (int k = 0; k < n; k++) {
    int found = -1;
    for (int c = k; c < t->ncols; c++)
      if (!strcmp(t->cols[c].name, names[k])) found = c;
    if (found < 0) {
      int dup = 0;
      for (int c = 0; c < k; c++) dup |= !strcmp(t->cols[c].name, names[k]);
      xs_err(err, errlen, dup ? "table %s: column %s named twice" :
                              "table %s: unknown column %s (not in the database)",
             t->name, names[k]);
      return -SW_EINVAL;
    }
    struct xcol tmp = t->cols[k];
    t->cols[k] = t->cols[found];
    t->cols[found] = tmp;
  }
  if (n < t->ncols) {
    xs_err(err, errlen, "table %s: column %s of the database is missing from the file", t->name,
           t->cols[n].name);
    return -SW_EINVAL;
  }
  return build_sql(s, t);
}

int xs_counts(struct db *db, struct xschema *s, char *err, size_t errlen) {
  struct db_stmt *st;
  int rc = db_prepare(db, s->counts, &st);
  if (rc < 0) DBFAIL("cannot count rows");
  if ((rc = db_step(st)) == 1)
    for (int i = 0; i < s->n; i++) s->t[i].count = db_col_int64(st, i);
  db_done(st);
  if (rc < 0) DBFAIL("cannot count rows");
  return 0;
}

void xs_free(struct xschema *s) {
  for (int i = 0; i < s->n; i++) {
    struct xtable *t = &s->t[i];
    for (int k = 0; k < t->ncols; k++) free(t->cols[k].name);
    for (int k = 0; k < t->npk; k++) free(t->pk[k]);
    for (int k = 0; k < t->ndeps; k++) free(t->deps[k]);
    free(t->cols);
    free(t->pk);
    free(t->pkcol);
    free(t->deps);
    free(t->name);
    free(t->sel);
    free(t->ins);
    free(t->del);
    for (int k = 0; k < t->nold; k++) free(t->old[k]);
    free(t->old);
  }
  free(s->t);
  free(s->counts);
  memset(s, 0, sizeof *s);
}

int xs_begin_snapshot(struct db *db) {
  if (!strcmp(db_backend_name(db), "postgresql"))
    return db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  return db_exec(db, "BEGIN"); /* WAL: the snapshot is taken by the first read */
}

/* ---- walking a table ---- */

struct lastkey {
  int64_t *i;
  char **s;
  size_t *cap;
};

static int key_same(const struct xtable *t, const struct export_value *v,
                    const struct lastkey *lk) {
  for (int k = 0; k < t->npk; k++) {
    const struct export_value *x = &v[t->pkcol[k]];
    if (x->kind == EXPORT_INT ? x->i != lk->i[k]
                              : x->kind != EXPORT_TEXT || strlen(lk->s[k]) != x->len ||
                                    memcmp(lk->s[k], x->s, x->len))
      return 0;
  }
  return 1;
}

static int key_save(const struct xtable *t, const struct export_value *v, struct lastkey *lk) {
  for (int k = 0; k < t->npk; k++) {
    const struct export_value *x = &v[t->pkcol[k]];
    if (x->kind == EXPORT_INT) {
      lk->i[k] = x->i;
    } else if (x->kind == EXPORT_TEXT) {
      if (x->len + 1 > lk->cap[k]) {
        char *p = realloc(lk->s[k], x->len + 1);
        if (!p) return -SW_ENOMEM;
        lk->s[k] = p, lk->cap[k] = x->len + 1;
      }
      memcpy(lk->s[k], x->s, x->len);
      lk->s[k][x->len] = 0;
    } else {
      return -SW_EINVAL; /* a NULL in a key column */
    }
  }
  return 0;
}

static int read_row(struct db_stmt *st, const struct xtable *t, struct export_value *v,
                    int64_t rowno, char *err, size_t errlen) {
  char num[32];
  for (int c = 0; c < t->ncols; c++) {
    v[c].s = NULL, v[c].len = 0, v[c].i = 0;
    if (db_col_is_null(st, c)) {
      v[c].kind = EXPORT_NULL;
    } else if (t->cols[c].is_int) {
      v[c].kind = EXPORT_INT;
      v[c].i = db_col_int64(st, c);
      const char *txt = db_col_text(st, c);
      snprintf(num, sizeof num, "%" PRId64, v[c].i);
      if (strcmp(txt, num)) {
        xs_err(err, errlen, "table %s row %" PRId64 " column %s: '%.40s' is not an integer",
               t->name, rowno, t->cols[c].name, txt);
        return -SW_EINVAL;
      }
    } else {
      v[c].kind = EXPORT_TEXT;
      v[c].s = db_col_text(st, c);
      v[c].len = strlen(v[c].s);
      if (!export_utf8_valid(v[c].s, v[c].len)) {
        xs_err(err, errlen, "table %s row %" PRId64 " column %s: the text is not valid UTF-8",
               t->name, rowno, t->cols[c].name);
        return -SW_EINVAL;
      }
    }
  }
  return 0;
}

int xs_walk(struct db *db, struct xschema *s, struct xtable *t, xs_row_fn fn, void *arg,
            int64_t *rows, char sha[CRYPTO_HEX32_LEN], char *err, size_t errlen) {
  (void)s;
  struct crypto_sha256 h;
  struct export_value *v = calloc((size_t)t->ncols, sizeof *v);
  struct lastkey lk = {calloc((size_t)t->npk + 1, sizeof *lk.i),
                       calloc((size_t)t->npk + 1, sizeof *lk.s),
                       calloc((size_t)t->npk + 1, sizeof *lk.cap)};
  int rc = 0, first = 1;
  *rows = 0;
  crypto_sha256_init(&h);
  if (!v || !lk.i || !lk.s || !lk.cap) {
    rc = -SW_ENOMEM;
    goto out;
  }
  for (;;) {
    struct db_stmt *st;
    if ((rc = db_prepare(db, t->sel, &st)) < 0) {
      xs_err(err, errlen, "table %s: cannot read: %s", t->name, db_errmsg(db));
      goto out;
    }
    if (t->npk == 0) {
      db_bind_int64(st, 1, *rows);
    } else {
      for (int k = 0; k < t->npk; k++) {
        int ci = t->pkcol[k];
        if (t->cols[ci].is_int)
          db_bind_int64(st, k + 1, first ? INT64_MIN : lk.i[k]);
        else
          db_bind_text(st, k + 1, first ? "" : lk.s[k]); /* "" sorts before any text */
      }
    }
    int got = 0;
    while ((rc = db_step(st)) == 1) {
      got++;
      if ((rc = read_row(st, t, v, *rows + 1, err, errlen)) < 0) break;
      if (t->npk && !first && got == 1 && key_same(t, v, &lk)) continue; /* the last one */
      export_hash_row(&h, v, t->ncols);
      (*rows)++;
      if (fn && (rc = fn(arg, v, t->ncols)) < 0) break;
      if (t->npk && (rc = key_save(t, v, &lk)) < 0) {
        if (rc == -SW_EINVAL)
          xs_err(err, errlen, "table %s row %" PRId64 ": NULL in a primary key column",
                 t->name, *rows);
        break;
      }
    }
    db_done(st);
    if (rc < 0) {
      if (!err[0]) xs_err(err, errlen, "table %s: cannot read: %s", t->name, db_errmsg(db));
      goto out;
    }
    if (got < XS_BATCH) break;
    first = 0;
  }
  crypto_sha256_final_hex(&h, sha);
out:
  for (int k = 0; lk.s && k < t->npk; k++) free(lk.s[k]);
  free(lk.i);
  free(lk.s);
  free(lk.cap);
  free(v);
  return rc < 0 ? rc : 0;
}

/* ---- export ---- */

struct writer {
  FILE *out;
  char *line; /* one row's JSON */
  size_t cap;
  const char *tname_json; /* {"t":"name","r":[ */
  char *err;
  size_t errlen;
};

static int put_row(void *arg, const struct export_value *v, int n) {
  struct writer *w = arg;
  size_t need = strlen(w->tname_json) + 8;
  for (int k = 0; k < n; k++) need += v[k].kind == EXPORT_TEXT ? 6 * v[k].len + 4 : 24;
  if (need > w->cap) {
    char *p = realloc(w->line, need);
    if (!p) {
      xs_err(w->err, w->errlen, "out of memory for a row of %zu bytes", need);
      return -SW_ENOMEM;
    }
    w->line = p, w->cap = need;
  }
  char *o = w->line;
  size_t len = strlen(w->tname_json);
  memcpy(o, w->tname_json, len);
  o += len;
  for (int k = 0; k < n; k++) {
    if (k) *o++ = ',';
    if (v[k].kind == EXPORT_NULL) {
      memcpy(o, "null", 4);
      o += 4;
    } else if (v[k].kind == EXPORT_INT) {
      o += snprintf(o, 24, "%" PRId64, v[k].i);
    } else {
      o += export_json_string(o, v[k].s, v[k].len);
    }
  }
  memcpy(o, "]}\n", 3);
  o += 3;
  if (fwrite(w->line, 1, (size_t)(o - w->line), w->out) != (size_t)(o - w->line)) {
    xs_err(w->err, w->errlen, "cannot write the export file");
    return -SW_EIO;
  }
  return 0;
}

/* Writes a name as a JSON string (names are catalogue identifiers: short). */
static void put_name(FILE *f, const char *name) {
  size_t len = strlen(name);
  char *buf = malloc(6 * len + 3);
  if (!buf) return;
  export_json_string(buf, name, len);
  fputs(buf, f);
  free(buf);
}

static void write_header(FILE *f, const struct xschema *s, const char *backend) {
  char when[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  fprintf(f,
          "{\"format\":\"" EXPORT_FORMAT "\",\"version\":%d,\"schema_version\":%d,"
          "\"backend\":\"%s\",\"exported_at\":\"%s\",\"tables\":[",
          EXPORT_VERSION, s->version, backend, when);
  for (int i = 0; i < s->n; i++) {
    const struct xtable *t = &s->t[i];
    fputs(i ? ",{\"name\":" : "{\"name\":", f);
    put_name(f, t->name);
    fputs(",\"columns\":[", f);
    for (int k = 0; k < t->ncols; k++) {
      if (k) fputc(',', f);
      put_name(f, t->cols[k].name);
    }
    fputs("],\"types\":[", f);
    for (int k = 0; k < t->ncols; k++)
      fputs(t->cols[k].is_int ? (k ? ",\"integer\"" : "\"integer\"") : (k ? ",\"text\"" : "\"text\""),
            f);
    fputs("],\"key\":[", f);
    for (int k = 0; k < t->npk; k++) {
      if (k) fputc(',', f);
      put_name(f, t->pk[k]);
    }
    fputs("]}", f);
  }
  fputs("]}\n", f);
}

int export_run(const char *url, FILE *out, export_report_fn report, void *arg, char *err,
               size_t errlen) {
  struct db *db = NULL;
  struct xschema s;
  struct writer w = {.out = out, .err = err, .errlen = errlen};
  int rc;
  memset(&s, 0, sizeof s);
  err[0] = 0;
  if ((rc = db_open_url(url, 1, &db)) < 0) {
    xs_err(err, errlen, "cannot open the database");
    return rc;
  }
  if ((rc = xs_begin_snapshot(db)) < 0) {
    xs_err(err, errlen, "cannot start a read transaction: %s", db_errmsg(db));
    goto out;
  }
  if ((rc = xs_read(db, &s, err, errlen)) < 0 || (rc = xs_counts(db, &s, err, errlen)) < 0)
    goto out;
  write_header(out, &s, db_backend_name(db));
  for (int i = 0; i < s.n; i++) {
    struct xtable *t = &s.t[i];
    struct export_table_report r = {.name = t->name, .ok = 1};
    size_t len = strlen(t->name);
    char *tj = malloc(6 * len + 16);
    if (!tj) {
      rc = -SW_ENOMEM;
      goto out;
    }
    memcpy(tj, "{\"t\":", 5);
    size_t n = 5 + export_json_string(tj + 5, t->name, len);
    memcpy(tj + n, ",\"r\":[", 7);
    w.tname_json = tj;
    rc = xs_walk(db, &s, t, put_row, &w, &r.rows, r.sha256, err, errlen);
    free(tj);
    if (rc < 0) goto out;
    if (r.rows != t->count) { /* rows the key order cannot reach (a NULL key in SQLite) */
      xs_err(err, errlen, "table %s: %" PRId64 " rows, but %" PRId64 " read in key order",
             t->name, t->count, r.rows);
      rc = -SW_ESTATE;
      goto out;
    }
    r.file_rows = r.rows;
    memcpy(r.file_sha256, r.sha256, sizeof r.sha256);
    fputs("{\"end\":", out);
    put_name(out, t->name);
    fprintf(out, ",\"rows\":%" PRId64 ",\"sha256\":\"%s\"}\n", r.rows, r.sha256);
    if (report) report(arg, &r);
  }
  if (fflush(out) != 0 || ferror(out)) {
    xs_err(err, errlen, "cannot write the export file");
    rc = -SW_EIO;
  }
out:
  if (db) {
    db_exec(db, "ROLLBACK"); /* read-only: nothing to keep */
    db_close(db);
  }
  xs_free(&s);
  free(w.line);
  if (rc < 0 && !err[0]) xs_err(err, errlen, "%s", sw_strerror(rc));
  return rc < 0 ? rc : 0;
}
