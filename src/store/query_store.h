/* query_store.h - query and statistics over declarations: aggregates of declarations and
 * declared value (public, small groups suppressed by the caller). */
#ifndef SW_QUERY_STORE_H
#define SW_QUERY_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

enum qs_dim { QS_BY_TYPE, QS_BY_MONTH, QS_BY_HS_CHAPTER, QS_BY_ORIGIN, QS_BY_DESTINATION };
int qs_dim_parse(const char *name); /* -1 when unknown */

struct qs_row {
  char key[16];
  char currency[4];
  int64_t declarations; /* distinct declarations in the group */
  int64_t value;        /* declared value, DEC_SCALE_MONEY, in currency */
};

/* Goods declarations (IM, EX; not imported history) registered in [from_us, to_us) (0:
 * open), of type (NULL: both), grouped by dim and invoice currency; item-level dimensions
 * (HS chapter, origin) sum the items' values. *rows is malloc'd, sorted by key and
 * currency. Returns 0 or a negative error. */
int qs_declarations(struct db *db, enum qs_dim dim, int64_t from_us, int64_t to_us,
                    const char *type, struct qs_row **rows, size_t *n);

#endif
