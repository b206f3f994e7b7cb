/* audit.h - the append-only audit trail. Each row's hash covers the previous row's hash
 * and the row's own fields, so altering or deleting a row breaks the chain. */
#ifndef SW_STORE_AUDIT_H
#define SW_STORE_AUDIT_H
#include <stdint.h>

#include "store/db.h"

/* Appends one entry inside the caller's write job. actor: login or "system"; origin: the
 * client address or "cli"; action: dotted verb ("user.add"); object: what it touched;
 * detail: JSON text (never secrets). */
int audit_append(struct db *db, const char *actor, const char *origin, const char *action,
                 const char *object, const char *detail);

/* Walks the whole chain. Returns 0 when intact (rows counted in *rows), -SW_ECONFLICT when
 * a row was altered, removed or reordered, or when fewer rows are left than were appended
 * (the newest cut off: the "audit" counter counts every append); *bad_seq is the first bad
 * or missing row. */
int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq);

#endif
