/* fee_store.h - the published catalogue of port charges, versioned by effective date. */
#ifndef SW_FEE_STORE_H
#define SW_FEE_STORE_H
#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

struct fee_rec {
  char port[8], item[48], entity[128], description[256], basis[128], unit[24];
  char currency[4], setting[12], legal_basis[256];
  int64_t free_days, rate; /* rate at FEE_RATE_SCALE */
  int64_t effective_from, effective_to; /* days since 1970; effective_to 0: open */
};

/* Publishes one version of a fee (a new item, a change from a date, or an end date).
 * -SW_EEXISTS when the port and item already have a version from that date. Audited. */
int fee_publish(struct db *db, const struct fee_rec *f, const char *actor, const char *origin);
/* The catalogue on a day: the version in force of every fee ("status": "current") and the
 * versions published for later dates ("upcoming"); with history, the earlier ones too
 * ("past"). port NULL: every port. */
json_t *fee_catalogue_json(struct db *db, const char *port, int64_t day, int history);
/* The versions in force at port on day, in item order, into out[0..max). Returns the
 * count or a negative error. */
int fee_current(struct db *db, const char *port, int64_t day, struct fee_rec *out, int max);
/* Ports that have fees, as a JSON array of codes. */
json_t *fee_ports_json(struct db *db);
/* A rate at FEE_RATE_SCALE as text with at least 2 decimals ("0.25", "1.125"). */
void fee_rate_format(int64_t rate, char *buf, size_t cap);

#endif
