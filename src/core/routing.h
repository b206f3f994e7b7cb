/* routing.h - which agencies must act on a declaration, decided by rules that are data.
 *
 * A rule matches a declaration when it is enabled, the declaration's type is in its type
 * set, and either `always` is set or EVERY condition kind it gives holds (AND across
 * kinds, OR within one list):
 *   hs_prefixes   some item's HS code starts with one of the prefixes
 *   origins       some item's country of origin is in the list
 *   destinations  the country of destination is in the list (for IM without a
 *                 destination: the country of the customs office)
 *   procedures    the procedure code starts with an entry (4 digits: exact; 2 digits:
 *                 the requested procedure)
 *   value_above   the invoice total is strictly above it (minor units); with
 *                 value_currency set, only when the invoice is in that currency
 * A condition kind that needs goods data (all but `always`) never holds for a vessel call.
 *
 * Evaluation yields one task per agency. Auto-decision rule: an agency's task is
 * auto-approved only if EVERY matching rule for that agency says auto_decision approve;
 * a single matching rule without it sends the task to an officer. */
#ifndef SW_ROUTING_H
#define SW_ROUTING_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct decl;
struct errlist;
struct refdata;

#define ROUTE_ID_MAX 64     /* rule id: letters, digits, '.', '_', '-' */
#define ROUTE_AGENCY_MAX 32 /* agency code: upper-case letters, digits, '_' */
#define ROUTE_REASON_MAX 512
#define ROUTE_LIST_MAX 256      /* entries per condition list */
#define ROUTE_MAX_AGENCIES 32   /* distinct agencies in one result */
#define ROUTE_MAX_TASK_RULES 16 /* matching rules listed per task (all still decide) */

enum route_auto {
  ROUTE_AUTO_NONE = 0,    /* an officer decides */
  ROUTE_AUTO_APPROVE = 1, /* green channel: approved without an officer */
};

/* Strings and lists are owned by whoever built the rule (an arena for rule_json). */
struct routing_rule {
  char *id;
  int64_t version; /* >= 1 */
  char *agency;    /* "CUSTOMS", "QUARANTINE", ... */
  unsigned types;  /* set of DECL_TYPE_BIT(DECL_IM) ... from decl.h; non-empty */
  char **hs_prefixes;
  size_t n_hs_prefixes;
  char **origins; /* ISO 3166 alpha-2 */
  size_t n_origins;
  char **destinations;
  size_t n_destinations;
  char **procedures;
  size_t n_procedures;
  int64_t value_above; /* DEC_SCALE_MONEY; used when has_value_above */
  bool has_value_above;
  char *value_currency; /* NULL: any currency */
  bool always;
  enum route_auto auto_decision;
  int64_t priority; /* higher first; tasks and their rules are ordered by it */
  bool enabled;
  char *reason; /* why the agency is involved, shown to officers and declarants */
};

/* One agency's task. */
struct route_task {
  const char *agency; /* points into a matching rule */
  bool auto_approve;  /* every matching rule for the agency says approve */
  int64_t priority;   /* highest priority among its matching rules */
  size_t n_matched;   /* matching rules for this agency, may exceed ROUTE_MAX_TASK_RULES */
  const struct routing_rule *rules[ROUTE_MAX_TASK_RULES]; /* the first listed, by priority
                                                             desc then id; give id, version
                                                             and reason */
};

struct route_result {
  size_t n; /* tasks, ordered by priority desc then agency name */
  struct route_task tasks[ROUTE_MAX_AGENCIES];
};

/* True when rule r matches d (see the semantics above). */
bool routing_rule_matches(const struct routing_rule *r, const struct decl *d);

/* Evaluates rules[0..n) against d into *out (overwritten). Pointers in *out point into
 * rules, which must outlive it. Allocates nothing. Returns 0, or -SW_ETOOBIG when more
 * than ROUTE_MAX_AGENCIES agencies match (never a silent drop: the caller must refuse). */
int routing_evaluate(const struct routing_rule *rules, size_t n, const struct decl *d,
                     struct route_result *out);

/* Returns the task of an agency in r, or NULL. */
const struct route_task *routing_result_task(const struct route_result *r, const char *agency);

/* Makes sure an officer of rule->agency reviews the declaration: the agency's task (added
 * when the rules gave it none) is no longer automatic and lists rule (which must outlive
 * r). Used when a cited document can only be checked by hand. -SW_ETOOBIG when a new
 * task does not fit. */
int routing_require_review(struct route_result *r, const struct routing_rule *rule);

/* Checks one rule's shape, appending problems under path prefix base ("" or "/rules/3"):
 * id, version, agency syntax, types non-empty and known, no conditions without `always`
 * ("no_conditions"), malformed HS prefixes (2-10 digits), procedures (2 or 4 digits),
 * countries (2 letters; looked up when rd is not NULL), currency, negative threshold,
 * list sizes, reason length. Whether the agency exists is the caller's business.
 * Returns 0 when it added no problem, -SW_EVALIDATION otherwise. */
int routing_rule_check(const struct routing_rule *r, const char *base, const struct refdata *rd,
                       struct errlist *errs);

/* Parses "approve"/"none"; -1 when unknown. And back. */
int routing_auto_parse(const char *s);
const char *routing_auto_name(enum route_auto a);

#endif
