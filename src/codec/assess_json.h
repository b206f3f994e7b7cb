/* assess_json.h - an assessment as the API shows it: amounts as decimal strings in the
 * national currency, rates as percentages, one line per item and tax. */
#ifndef SW_ASSESS_JSON_H
#define SW_ASSESS_JSON_H
#include <jansson.h>

#include "core/assess.h"

/* New reference, or NULL when out of memory. */
json_t *assessment_to_json(const struct assessment *as);

#endif
