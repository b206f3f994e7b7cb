/* migrations.h - versioned schema, built into the binary, applied in order at open. */
#ifndef SW_MIGRATIONS_H
#define SW_MIGRATIONS_H
#include "store/db.h"

/* Applies every migration newer than the database's version, each in its own
 * transaction. Returns the resulting version (>0) or a negative error. */
int migrations_apply(struct db *db);

#endif
