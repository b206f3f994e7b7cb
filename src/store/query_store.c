/* query_store.c - aggregates of declarations and declared value (see query_store.h). */
#include "store/query_store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"
#include "core/err.h"
#include "core/timefmt.h"

static const char *const DIMS[] = {"type", "month", "hs_chapter", "origin", "destination"};

int qs_dim_parse(const char *name) {
  for (size_t i = 0; i < sizeof DIMS / sizeof DIMS[0]; i++)
    if (name && !strcmp(name, DIMS[i])) return (int)i;
  return -1;
}

struct acc {
  struct qs_row *rows;
  int64_t *last; /* last declaration counted per row */
  size_t n, cap;
};

static int acc_add(struct acc *a, const char *key, const char *cur, int64_t decl, int64_t value) {
  size_t i = 0;
  while (i < a->n && (strcmp(a->rows[i].key, key) || strcmp(a->rows[i].currency, cur))) i++;
  if (i == a->n) {
    if (a->n == a->cap) {
      size_t nc = a->cap ? a->cap * 2 : 64;
      struct qs_row *nr = realloc(a->rows, nc * sizeof *nr);
      if (!nr) return -SW_ENOMEM;
      a->rows = nr;
      int64_t *nl = realloc(a->last, nc * sizeof *nl);
      if (!nl) return -SW_ENOMEM;
      a->last = nl;
      a->cap = nc;
    }
    memset(&a->rows[i], 0, sizeof a->rows[i]);
    snprintf(a->rows[i].key, sizeof a->rows[i].key, "%s", key);
    snprintf(a->rows[i].currency, sizeof a->rows[i].currency, "%s", cur);
    a->last[i] = 0;
    a->n++;
  }
  if (a->last[i] != decl) {
    a->rows[i].declarations++;
    a->last[i] = decl;
  }
  int64_t sum;
  if (dec_add(a->rows[i].value, value, DEC_SCALE_MONEY, &sum) < 0) return -SW_ETOOBIG;
  a->rows[i].value = sum;
  return 0;
}

static int64_t money(json_t *v) {
  int64_t out = 0;
  const char *s = json_string_value(v);
  if (s) dec_parse(s, strlen(s), DEC_SCALE_MONEY, 0, &out, NULL);
  else if (json_is_integer(v)) dec_from_int(json_integer_value(v), DEC_SCALE_MONEY, 0, &out, NULL);
  return out;
}

static int cmp_row(const void *x, const void *y) {
  const struct qs_row *a = x, *b = y;
  int c = strcmp(a->key, b->key);
  return c ? c : strcmp(a->currency, b->currency);
}

int qs_declarations(struct db *db, enum qs_dim dim, int64_t from_us, int64_t to_us,
                    const char *type, struct qs_row **rows, size_t *n) {
  static const char *const sql =
      "SELECT d.id, d.type, d.created_at, d.content FROM declarations d"
      " WHERE d.type IN ('IM', 'EX') AND (?1 = 0 OR d.created_at >= ?1)"
      " AND (?2 = 0 OR d.created_at < ?2) AND (?3 IS NULL OR d.type = ?3) ORDER BY d.id";
  struct acc a = {0};
  struct db_stmt *st;
  int rc;
  *rows = NULL;
  *n = 0;
  if ((rc = db_prepare(db, sql, &st)) < 0) return rc;
  db_bind_int64(st, 1, from_us);
  db_bind_int64(st, 2, to_us);
  db_bind_text(st, 3, type);
  while ((rc = db_step(st)) == 1) {
    int64_t id = db_col_int64(st, 0);
    json_t *c = json_loads(db_col_text(st, 3), 0, NULL);
    if (!c || json_is_true(json_object_get(c, "history"))) {
      json_decref(c);
      continue;
    }
    json_t *inv = json_object_get(c, "invoice"), *items = json_object_get(c, "items"), *it;
    const char *cur = json_string_value(json_object_get(inv, "currency"));
    if (!cur) cur = "";
    char key[16];
    size_t k;
    if (dim == QS_BY_HS_CHAPTER || dim == QS_BY_ORIGIN) {
      json_array_foreach(items, k, it) {
        const char *v = json_string_value(
            json_object_get(it, dim == QS_BY_ORIGIN ? "origin" : "hs"));
        snprintf(key, sizeof key, "%.*s", dim == QS_BY_ORIGIN ? 3 : 2, v ? v : "?");
        if ((rc = acc_add(&a, key, cur, id, money(json_object_get(it, "value")))) < 0) break;
      }
    } else {
      int64_t total = 0, sum;
      json_array_foreach(items, k, it) {
        if (dec_add(total, money(json_object_get(it, "value")), DEC_SCALE_MONEY, &sum) == 0)
          total = sum;
      }
      if (dim == QS_BY_TYPE) snprintf(key, sizeof key, "%s", db_col_text(st, 1));
      else if (dim == QS_BY_MONTH) {
        char day[16];
        time_format_date(time_days_us(db_col_int64(st, 2)), day, sizeof day);
        snprintf(key, sizeof key, "%.7s", day);
      } else {
        const char *dest = json_string_value(json_object_get(c, "destination"));
        snprintf(key, sizeof key, "%s", dest ? dest : "-");
      }
      if (dim != QS_BY_DESTINATION || strcmp(db_col_text(st, 1), "IM"))
        rc = acc_add(&a, key, cur, id, total);
    }
    json_decref(c);
    if (rc < 0) break;
    rc = 1;
  }
  db_done(st);
  free(a.last);
  if (rc < 0) {
    free(a.rows);
    return rc;
  }
  if (a.n) qsort(a.rows, a.n, sizeof *a.rows, cmp_row);
  *rows = a.rows;
  *n = a.n;
  return 0;
}
