/* fees.h - port charges: the bases a fee is charged on and the estimator's arithmetic.
 * Rates are fixed point at FEE_RATE_SCALE (4 decimals: "0.2500" per gross ton); amounts
 * are money at DEC_SCALE_MONEY. No I/O. */
#ifndef SW_FEES_H
#define SW_FEES_H
#include <stdint.h>

#define FEE_RATE_SCALE 4

/* What a fee is charged per. */
enum fee_unit {
  FEE_PER_CALL,          /* per vessel call */
  FEE_PER_GT,            /* per gross ton of the vessel */
  FEE_PER_DECLARATION,   /* per declaration */
  FEE_PER_CONTAINER,     /* per container of any size */
  FEE_PER_CONTAINER_20,  /* per 20-foot container */
  FEE_PER_CONTAINER_40,  /* per 40-foot container */
  FEE_PER_TEU,           /* per TEU (a 40-foot container is 2) */
  FEE_PER_CONTAINER_DAY, /* per container per day of storage beyond the free days */
  FEE_PER_TONNE,         /* per tonne of cargo */
  FEE_N_UNITS
};

/* Stable names ("per_call", "per_gt", ...); -1 from fee_unit_parse when unknown. */
const char *fee_unit_name(enum fee_unit u);
int fee_unit_parse(const char *name);

/* What the estimator is told about one port call. */
struct fee_shipment {
  int64_t gross_tonnage; /* whole gross tons */
  int64_t containers_20, containers_40;
  int64_t storage_days;
  int64_t tonnes;        /* cargo, whole tonnes */
  int64_t declarations;  /* usually 1 */
};

/* Quantity the fee applies to for this shipment (free_days only for per-day fees). */
int64_t fee_quantity(enum fee_unit u, int64_t free_days, const struct fee_shipment *s);
/* rate (FEE_RATE_SCALE) x quantity, rounded half up to money (DEC_SCALE_MONEY). Returns 0
 * or -SW_ETOOBIG. */
int fee_amount(int64_t rate, int64_t quantity, int64_t *out);

#endif
