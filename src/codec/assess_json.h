/* assess_json.h - an assessment as the API shows it: amounts as decimal strings in the
 * national currency, rates as percentages, one line per item and tax. */
#ifndef SW_ASSESS_JSON_H
#define SW_ASSESS_JSON_H
#include "core/assess.h"

/* The assessment as compact JSON text, members in this order: currency, exchange_rate,
 * customs_value, duty, excise, vat, total, lines (each: item, tax, base, rate, amount,
 * specific when there is a specific duty, basis when known). malloc'd; NULL when out of
 * memory. Written directly: the submission path stores this text. */
char *assessment_to_text(const struct assessment *as);

#endif
