/* refdata_store.h - reference data tables: written by `swctl import`, read into memory by
 * swd at start and again whenever their version changes. */
#ifndef SW_REFDATA_STORE_H
#define SW_REFDATA_STORE_H
#include <stdint.h>

#include "core/refdata.h"
#include "store/db.h"

/* Upserts one row (inside a write job). */
int refstore_put_hs(struct db *db, const struct hs_entry *e);
int refstore_put_country(struct db *db, const struct country *c);
int refstore_put_currency(struct db *db, const struct currency *c);
int refstore_put_location(struct db *db, const struct location *l);
/* Empties one table ("hs", "country", "currency", "location") before a full reload. */
int refstore_clear(struct db *db, const char *table);
/* Reads every table into a new refdata (finished, ready for lookups). */
int refstore_load(struct db *db, struct refdata **out);
/* The reference data's version (counter "refdata", 0 before any import), and its bump,
 * written with each import so that running nodes know to reload. */
int refstore_version(struct db *db, int64_t *out);
int refstore_bump_version(struct db *db);

#endif
