/* migrations.h - versioned schema, built into the binary, applied in order at open. */
#ifndef SW_MIGRATIONS_H
#define SW_MIGRATIONS_H
#include "store/db.h"

/* Applies every migration newer than the database's version, each in its own
 * transaction. Returns the resulting version (>0) or a negative error. */
int migrations_apply(struct db *db);

/* The schema steps (SQL for both backends; "@ID@" is the dialect's key type). */
extern const char MIGRATION_001[];
extern const char MIGRATION_002[];
extern const char MIGRATION_003[];
extern const char MIGRATION_004[];
extern const char MIGRATION_005[];
extern const char MIGRATION_006[];

#endif
