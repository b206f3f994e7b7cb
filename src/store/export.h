/* export.h - moving a whole system between databases (swctl export / import), SQLite to
 * PostgreSQL, back, or SQLite to SQLite, without losing or changing a record.
 *
 * The file is JSON Lines (docs/operations.md, "Moving to PostgreSQL"):
 *   line 1   {"format":"opensw-export","version":1,"schema_version":N,"backend":"sqlite",
 *             "tables":[{"name":T,"columns":[..],"types":["integer"|"text",..],"key":[..]},..]}
 *   then, for each table of the header in that order (parents before children):
 *            {"t":T,"r":[v1,v2,..]}          one line per row, in primary-key order,
 *                                            values in the header's column order:
 *                                            integers, strings or null
 *            {"end":T,"rows":N,"sha256":H}   the table's trailer
 * Every table the migrations create is exported (found in the database's own catalogue),
 * except the migrations' bookkeeping table schema_version, which import recreates.
 *
 * H is the SHA-256 (lower-case hex) of the table's rows in primary-key order (text keys in
 * byte order), each row serialised canonically by export_hash_row. */
#ifndef SW_STORE_EXPORT_H
#define SW_STORE_EXPORT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/crypto.h"

#define EXPORT_FORMAT "opensw-export"
#define EXPORT_VERSION 1

enum export_kind { EXPORT_NULL, EXPORT_INT, EXPORT_TEXT };

/* One value of a row: an integer, a text of len bytes (not NUL-terminated) or NULL. */
struct export_value {
  enum export_kind kind;
  int64_t i;
  const char *s;
  size_t len;
};

/* Feeds one row's canonical serialisation into h: per value "n" for NULL, "i<decimal>;"
 * for an integer, "s<byte length>:<bytes>" for a text; then "\n". */
void export_hash_row(struct crypto_sha256 *h, const struct export_value *v, int n);
/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points above
 * U+10FFFF), else 0. */
int export_utf8_valid(const char *s, size_t len);
/* Writes s[0..len) as a JSON string (quotes included) into out; needs at most
 * 6 * len + 3 bytes. Returns the length written. */
size_t export_json_string(char *out, const char *s, size_t len);

/* One table's outcome: rows and checksum found; for import and check also what the
 * file's trailer said and whether the database agrees with it. */
struct export_table_report {
  const char *name;
  int64_t rows;
  char sha256[CRYPTO_HEX32_LEN];
  int64_t file_rows;
  char file_sha256[CRYPTO_HEX32_LEN];
  int ok;
};
typedef void (*export_report_fn)(void *arg, const struct export_table_report *t);

/* Writes the whole database at url (opened read-only) to out, from one read transaction.
 * report (may be NULL) is called per table. 0, or a negative code with the reason in err. */
int export_run(const char *url, FILE *out, export_report_fn report, void *arg, char *err,
               size_t errlen);

/* Loads a file written by export_run into the database at url: migrates it, refuses it
 * unless every table is empty (or holds only what the migrations put there) and the
 * schema versions agree, inserts every row in one transaction, checks each table's count
 * and checksum against the file's trailers, reads everything back from the database and
 * checks it again, sets PostgreSQL's identity sequences past the largest key, commits.
 * Anything wrong rolls back all of it; err names the line and the problem. */
int import_run(const char *url, FILE *in, export_report_fn report, void *arg, char *err,
               size_t errlen);

/* Compares a file with a live database (read-only, one snapshot): each table's rows and
 * checksum in the file's trailers against the database's. 0 when all agree,
 * -SW_ECONFLICT when a table differs (report says which), other codes with err. */
int import_check(const char *url, FILE *in, export_report_fn report, void *arg, char *err,
                 size_t errlen);

#endif
