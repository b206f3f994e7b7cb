/* fees.c - fee bases and amounts (see fees.h). */
#include "core/fees.h"

#include <string.h>

#include "core/err.h"

static const char *const UNIT_NAMES[FEE_N_UNITS] = {
    "per_call",        "per_gt",           "per_declaration",   "per_container",
    "per_container_20", "per_container_40", "per_teu",           "per_container_day",
    "per_tonne",
};

const char *fee_unit_name(enum fee_unit u) {
  return (unsigned)u < FEE_N_UNITS ? UNIT_NAMES[u] : "";
}

int fee_unit_parse(const char *name) {
  for (int i = 0; i < FEE_N_UNITS; i++)
    if (name && !strcmp(name, UNIT_NAMES[i])) return i;
  return -1;
}

int64_t fee_quantity(enum fee_unit u, int64_t free_days, const struct fee_shipment *s) {
  int64_t boxes = s->containers_20 + s->containers_40, days;
  switch (u) {
  case FEE_PER_CALL: return 1;
  case FEE_PER_GT: return s->gross_tonnage;
  case FEE_PER_DECLARATION: return s->declarations;
  case FEE_PER_CONTAINER: return boxes;
  case FEE_PER_CONTAINER_20: return s->containers_20;
  case FEE_PER_CONTAINER_40: return s->containers_40;
  case FEE_PER_TEU: return s->containers_20 + 2 * s->containers_40;
  case FEE_PER_CONTAINER_DAY:
    days = s->storage_days - free_days;
    return days > 0 ? boxes * days : 0;
  case FEE_PER_TONNE: return s->tonnes;
  default: return 0;
  }
}

int fee_amount(int64_t rate, int64_t quantity, int64_t *out) {
  int64_t x;
  if (__builtin_mul_overflow(rate, quantity, &x)) return -SW_ETOOBIG;
  /* FEE_RATE_SCALE 4 -> money scale 2: divide by 100, half up (amounts are not negative) */
  *out = (x + 50) / 100;
  return 0;
}
