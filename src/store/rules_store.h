/* rules_store.h - routing rules as data: current versions, full history, and the ruleset
 * version a declaration records. Rules are stored as their canonical JSON. */
#ifndef SW_RULES_STORE_H
#define SW_RULES_STORE_H
#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

struct rule_put {
  const char *rule_id, *agency, *body; /* body: canonical JSON without version */
  int enabled;
  int create;                 /* 1: must not exist (-SW_EEXISTS); 0: must exist */
  const char *actor, *origin;
  int64_t version, ruleset;   /* out: the rule's new version and the new ruleset version */
};
/* Writes a new version of a rule (inside a write job), records history, bumps the ruleset
 * version and audits. */
int rules_put(struct db *db, struct rule_put *p);
/* Current ruleset version (0 before any rule). */
int rules_ruleset_version(struct db *db, int64_t *out);
/* Every rule's current body (JSON objects with version and enabled set), by rule id. */
json_t *rules_list_json(struct db *db);
/* One rule's current body; NULL when absent. */
json_t *rules_get_json(struct db *db, const char *rule_id);
/* All versions of one rule, newest first, with who changed it and when. */
json_t *rules_history_json(struct db *db, const char *rule_id);

#endif
