/* export_schema.h - the tables of a database as export.c and import.c see them (private to
 * those two): names, columns, primary keys and dependency order read from the database's
 * own catalogue, the SQL built for each, and walking a table in key order in batches. */
#ifndef SW_STORE_EXPORT_SCHEMA_H
#define SW_STORE_EXPORT_SCHEMA_H
#include <stdarg.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "store/db.h"
#include "store/export.h"

#define XS_BATCH 1000 /* rows per keyset batch: PostgreSQL results are fetched whole */

struct xcol {
  char *name;
  int is_int;   /* integer column; else text */
  int identity; /* PostgreSQL identity or serial column (its sequence is reset on import) */
};

struct xtable {
  char *name;
  struct xcol *cols;
  int ncols;
  char **pk; /* primary key column names, in key order */
  int npk;
  int *pkcol; /* their indexes in cols (after xs_build) */
  char **deps; /* tables referenced by foreign keys */
  int ndeps;
  char *sel; /* SELECT cols ... WHERE key >= ?.. ORDER BY key LIMIT XS_BATCH (or OFFSET) */
  char *ins; /* INSERT INTO t (cols) VALUES (?1..) */
  char *del; /* DELETE FROM t */
  char **old; /* SQL replaced by xs_reorder, freed by xs_free */
  int nold;
  int64_t count;
};

/* The tables, in dependency order (parents first, ties by name). SQL strings live until
 * xs_free, which must come after db_close: statements are cached by their SQL's address. */
struct xschema {
  int pg;      /* PostgreSQL */
  int coll_c;  /* text keys need COLLATE "C" to sort in byte order (PostgreSQL, not C locale) */
  int version; /* schema_version */
  struct xtable *t;
  int n;
  char *counts; /* SELECT (SELECT COUNT(*) FROM t1), ... */
};

/* Formats into err (for every error path of export.c and import.c). */
void xs_err(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads the tables of db (except schema_version) with their columns, keys and foreign
 * keys, orders them parents first and builds their SQL. */
int xs_read(struct db *db, struct xschema *s, char *err, size_t errlen);
/* Puts t's columns in the order of names (n names; every column named exactly once), then
 * rebuilds its SQL. -SW_EINVAL with err when they do not match. */
int xs_reorder(struct xschema *s, struct xtable *t, char **names, int n, char *err,
               size_t errlen);
/* Fills every table's count from one statement. */
int xs_counts(struct db *db, struct xschema *s, char *err, size_t errlen);
struct xtable *xs_find(struct xschema *s, const char *name);
void xs_free(struct xschema *s);

/* Walks t in key order, batch by batch: each row's values (in t's column order) go to fn
 * (may be NULL) and into h. Counts rows into *rows. Fails on a value the format cannot
 * carry (text that is not UTF-8, a non-integer in an integer column). */
typedef int (*xs_row_fn)(void *arg, const struct export_value *v, int n);
int xs_walk(struct db *db, struct xschema *s, struct xtable *t, xs_row_fn fn, void *arg,
            int64_t *rows, char sha[CRYPTO_HEX32_LEN], char *err, size_t errlen);

/* BEGIN of a consistent read snapshot on either backend. */
int xs_begin_snapshot(struct db *db);

#endif
