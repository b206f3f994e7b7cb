/* ruleset.h - the routing rules, requirement rules, document types and tariff in memory, shared by all request threads. Reloaded when
 * the stored ruleset version changes (checked at most once a second, so rules changed
 * through another node take effect within a second). */
#ifndef SW_RULESET_H
#define SW_RULESET_H
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/requirement.h"
#include "core/routing.h"
#include "core/tariff.h"

struct app;

struct ruleset_doc_type {
  char *code, *agency, *name;
  int registered;
};

struct ruleset {
  int64_t version;
  struct routing_rule *rules; /* enabled rules only */
  size_t n;
  struct requirement_rule *reqs; /* enabled requirement rules (which documents items need) */
  size_t n_reqs;
  struct ruleset_doc_type *doc_types; /* every document type */
  size_t n_doc_types;
  struct tariff tariff; /* tariff lines, preferences and exchange rates */
  struct arena arena;
  int refs; /* guarded by the cache's lock */
};

/* The current ruleset, loading it when stale; NULL if it cannot be read. Pair with
 * ruleset_release. */
struct ruleset *ruleset_acquire(struct app *app);
void ruleset_release(struct app *app, struct ruleset *rs);
/* Forces a reload at the next acquire (after a change through this node). */
void ruleset_invalidate(struct app *app);
/* Frees the cached ruleset at shutdown. */
void ruleset_cache_free(struct app *app);
/* The document type with this code, or NULL. */
const struct ruleset_doc_type *ruleset_doc_type(const struct ruleset *rs, const char *code);

#endif
