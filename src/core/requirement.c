#include "core/requirement.h"

#include <stdio.h>
#include <string.h>

#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"

static bool any_prefix(char *const *list, size_t n, const char *s) {
  if (!n) return true;
  if (!s) return false;
  for (size_t i = 0; i < n; i++)
    if (strncmp(s, list[i], strlen(list[i])) == 0) return true;
  return false;
}

static bool item_cites(const struct decl_item *it, const char *type) {
  for (size_t i = 0; i < it->n_documents; i++)
    if (it->documents[i].type && strcmp(it->documents[i].type, type) == 0) return true;
  return false;
}

int requirements_check(const struct requirement_rule *rules, size_t n, const struct decl *d,
                       struct errlist *errs) {
  size_t before = errs->n + errs->dropped;
  if (d->type != DECL_IM && d->type != DECL_EX) return 0;
  for (size_t i = 0; i < d->goods.n_items; i++) {
    const struct decl_item *it = &d->goods.items[i];
    for (size_t r = 0; r < n; r++) {
      const struct requirement_rule *rule = &rules[r];
      if (!rule->enabled || !(rule->types & DECL_TYPE_BIT(d->type))) continue;
      if (!any_prefix(rule->hs_prefixes, rule->n_hs_prefixes, it->hs) ||
          !any_prefix(rule->origins, rule->n_origins, it->origin) ||
          !any_prefix(rule->procedures, rule->n_procedures, d->goods.procedure))
        continue;
      if (item_cites(it, rule->document_type)) continue;
      char path[48];
      snprintf(path, sizeof path, "/items/%zu/documents", i);
      errlist_add(errs, path, "missing_required_document",
                  "rule %s requires a %s for this item: %s", rule->id, rule->document_type,
                  rule->reason ? rule->reason : "");
    }
  }
  return errs->n + errs->dropped == before ? 0 : -SW_EVALIDATION;
}
