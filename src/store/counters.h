/* counters.h - named counters in table `counters`: official-number serials, the versions
 * of the rule set and of the reference data, the audit chain's lock row. */
#ifndef SW_COUNTERS_H
#define SW_COUNTERS_H
#include <stdint.h>

#include "store/db.h"

/* Next value of counter name (1 the first time), inside the caller's transaction; the
 * counter's row stays locked until that transaction ends, which is what serialises
 * numbering (and audit appends) across nodes on PostgreSQL. */
int counter_next(struct db *db, const char *name, int64_t *out);
/* Current value of counter name, 0 when it was never taken. */
int counter_value(struct db *db, const char *name, int64_t *out);

#endif
