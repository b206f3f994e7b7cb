/* json_rows.h - reading documents the store keeps as JSON text in one column. */
#ifndef SW_JSON_ROWS_H
#define SW_JSON_ROWS_H
#include <jansson.h>

#include "store/db.h"

/* Runs sql (column 0 is JSON text; key, when not NULL, is bound to ?1) and returns every
 * row's document as an array; rows that do not parse are skipped. Never NULL. */
json_t *json_rows_all(struct db *db, const char *sql, const char *key);
/* The first row's document, or NULL when there is none. */
json_t *json_rows_one(struct db *db, const char *sql, const char *key);

#endif
