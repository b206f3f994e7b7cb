/* permit_json.h - permits and requirement rules as JSON.
 * A permit, as issuers send it (the issuer is the calling agency):
 *   {"type": "import_licence", "number": "IL-2026-0001", "holder": "91310000MA1FL0001X",
 *    "valid_from": "2026-01-01", "valid_to": "2026-12-31",
 *    "usage": "single" | "limited" (with "max_uses": N) | "unlimited",
 *    "lines": [{"hs_prefix": "0306", "description": "...", "unit": "KGM",
 *               "quantity": "1000", "value": "50000.00"}]}
 * A requirement rule:
 *   {"id": "meat-quarantine-permit", "document_type": "quarantine_permit",
 *    "types": ["IM"], "hs_prefixes": ["02"], "origins": [], "procedures": [],
 *    "reason": "...", "enabled": true} */
#ifndef SW_PERMIT_JSON_H
#define SW_PERMIT_JSON_H
#include <jansson.h>

#include "core/permit.h"
#include "core/requirement.h"

struct arena;
struct errlist;

/* Decodes a permit (issuer, id, status and usage left zero); every problem with its
 * path. Returns 0, -SW_EVALIDATION or -SW_ENOMEM. */
int permit_from_json(const json_t *root, struct arena *a, struct permit *out,
                     struct errlist *errs);
/* The permit as stored and shown: fields above plus issuer, status (effective on day
 * today), uses, and per line used and remaining amounts. */
json_t *permit_to_json(const struct permit *p, int64_t today);

int requirement_rule_from_json(const json_t *root, struct arena *a,
                               struct requirement_rule *out, struct errlist *errs);
json_t *requirement_rule_to_json(const struct requirement_rule *r);

#endif
