/* requirement.h - which documents a goods line needs, as data: e.g. "HS 0201-0210 imported
 * from anywhere needs a quarantine_permit". A rule applies to an item when the
 * declaration's type is in its set and every list it gives matches (HS prefix of the
 * item, item origin, declaration procedure by prefix); empty lists match everything. */
#ifndef SW_REQUIREMENT_H
#define SW_REQUIREMENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct decl;
struct errlist;

struct requirement_rule {
  char *id;
  int64_t version;
  char *document_type;
  unsigned types; /* DECL_TYPE_BIT(DECL_IM) | DECL_TYPE_BIT(DECL_EX) */
  char **hs_prefixes;
  size_t n_hs_prefixes;
  char **origins;
  size_t n_origins;
  char **procedures;
  size_t n_procedures;
  bool enabled;
  char *reason;
};

/* Adds a "missing_required_document" problem at /items/N/documents for every item that
 * an enabled rule applies to and that cites no document of the rule's type; the message
 * names the rule and its reason. Returns 0 or -SW_EVALIDATION. */
int requirements_check(const struct requirement_rule *rules, size_t n, const struct decl *d,
                       struct errlist *errs);

#endif
