/* rule_json.h - routing rules as JSON, the form administrators edit:
 *   {"id": "quarantine-food", "version": 1, "agency": "QUARANTINE", "types": ["IM", "EX"],
 *    "conditions": {"hs_prefixes": ["01", "02"], "origins": ["VN"], "destinations": [],
 *                   "procedures": ["40"], "value_above": "10000.00", "value_currency": "USD"},
 *    "always": false, "auto_decision": "none", "priority": 10, "enabled": true,
 *    "reason": "Food of animal or plant origin needs a quarantine check"}
 * Defaults when absent: version 1, conditions none, always false, auto_decision "none",
 * priority 0, enabled true. */
#ifndef SW_RULE_JSON_H
#define SW_RULE_JSON_H
#include <jansson.h>

#include "core/routing.h"

struct arena;
struct errlist;
struct refdata;

/* Decodes root into *out (zeroed first; strings copied into a; agency, countries and
 * currency upper-cased, id and reason trimmed) and then checks it with routing_rule_check
 * (rd may be NULL: countries and currency are then checked for shape only). Problems go to
 * errs under the path prefix base ("" or e.g. "/rules/3"): "bad_type", "unknown_field",
 * "bad_value" (unknown type or auto_decision), "bad_decimal", and the check's codes.
 * Returns 0, -SW_EVALIDATION when problems were added, -SW_ENOMEM. */
int routing_rule_from_json(const json_t *root, const char *base, const struct refdata *rd,
                           struct arena *a, struct routing_rule *out, struct errlist *errs);

/* The rule as JSON in the shape above (every field written; empty lists omitted).
 * routing_rule_from_json(routing_rule_to_json(r)) yields r again. New reference or NULL. */
json_t *routing_rule_to_json(const struct routing_rule *r);

#endif
