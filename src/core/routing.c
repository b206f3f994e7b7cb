#include "routing.h"

#include "decimal.h"
#include "decl.h"
#include "err.h"
#include "errlist.h"
#include "refdata.h"

#include <stdio.h>
#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

static bool starts_with(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++)
    if (*s != *prefix) return false;
  return true;
}

static bool in_list(char *const *list, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (list[i] && strcmp(list[i], s) == 0) return true;
  return false;
}

static bool any_hs(const struct routing_rule *r, const struct decl_goods *g) {
  for (size_t i = 0; i < g->n_items; i++) {
    const char *hs = g->items[i].hs;
    if (!hs) continue;
    for (size_t k = 0; k < r->n_hs_prefixes; k++)
      if (r->hs_prefixes[k] && starts_with(hs, r->hs_prefixes[k])) return true;
  }
  return false;
}

static bool any_origin(const struct routing_rule *r, const struct decl_goods *g) {
  for (size_t i = 0; i < g->n_items; i++)
    if (g->items[i].origin && in_list(r->origins, r->n_origins, g->items[i].origin)) return true;
  return false;
}

static bool dest_matches(const struct routing_rule *r, const struct decl *d) {
  char cc[3];
  const char *dest = d->goods.destination;
  if (!dest && d->type == DECL_IM && d->office && strlen(d->office) >= 2) {
    cc[0] = d->office[0];
    cc[1] = d->office[1];
    cc[2] = 0;
    dest = cc;
  }
  return dest && in_list(r->destinations, r->n_destinations, dest);
}

static bool proc_matches(const struct routing_rule *r, const char *proc) {
  if (!proc) return false;
  for (size_t k = 0; k < r->n_procedures; k++)
    if (r->procedures[k] && starts_with(proc, r->procedures[k])) return true;
  return false;
}

bool routing_rule_matches(const struct routing_rule *r, const struct decl *d) {
  if (!r->enabled) return false;
  if (d->type == DECL_TYPE_NONE || !(r->types & DECL_TYPE_BIT(d->type))) return false;
  if (r->always) return true;

  bool any = r->n_hs_prefixes || r->n_origins || r->n_destinations || r->n_procedures ||
             r->has_value_above;
  if (!any) return false; /* a rule without conditions must say `always` */
  if (d->type != DECL_IM && d->type != DECL_EX) return false;

  const struct decl_goods *g = &d->goods;
  if (r->n_hs_prefixes && !any_hs(r, g)) return false;
  if (r->n_origins && !any_origin(r, g)) return false;
  if (r->n_destinations && !dest_matches(r, d)) return false;
  if (r->n_procedures && !proc_matches(r, g->procedure)) return false;
  if (r->has_value_above) {
    if (!g->has_invoice || !g->invoice.has_total) return false;
    if (r->value_currency &&
        (!g->invoice.currency || strcmp(r->value_currency, g->invoice.currency) != 0))
      return false;
    if (!(g->invoice.total > r->value_above)) return false;
  }
  return true;
}

/* Order of rules within a task: priority desc, then id. */
static int rule_before(const struct routing_rule *a, const struct routing_rule *b) {
  if (a->priority != b->priority) return a->priority > b->priority;
  return strcmp(a->id ? a->id : "", b->id ? b->id : "") < 0;
}

static int task_before(const struct route_task *a, const struct route_task *b) {
  if (a->priority != b->priority) return a->priority > b->priority;
  return strcmp(a->agency, b->agency) < 0;
}

int routing_evaluate(const struct routing_rule *rules, size_t n, const struct decl *d,
                     struct route_result *out) {
  out->n = 0;
  for (size_t i = 0; i < n; i++) {
    const struct routing_rule *r = &rules[i];
    if (!r->agency || !routing_rule_matches(r, d)) continue;

    struct route_task *t = NULL;
    for (size_t k = 0; k < out->n; k++)
      if (strcmp(out->tasks[k].agency, r->agency) == 0) {
        t = &out->tasks[k];
        break;
      }
    if (!t) {
      if (out->n == ROUTE_MAX_AGENCIES) return -SW_ETOOBIG;
      t = &out->tasks[out->n++];
      t->agency = r->agency;
      t->auto_approve = true;
      t->priority = r->priority;
      t->n_matched = 0;
    }
    if (r->auto_decision != ROUTE_AUTO_APPROVE) t->auto_approve = false;
    if (r->priority > t->priority) t->priority = r->priority;

    /* Keep the best ROUTE_MAX_TASK_RULES by insertion; the rest only count. */
    size_t kept = t->n_matched < ROUTE_MAX_TASK_RULES ? t->n_matched : ROUTE_MAX_TASK_RULES;
    size_t pos = kept;
    while (pos > 0 && rule_before(r, t->rules[pos - 1]))
      pos--;
    if (pos < ROUTE_MAX_TASK_RULES) {
      size_t last = kept < ROUTE_MAX_TASK_RULES ? kept : ROUTE_MAX_TASK_RULES - 1;
      for (size_t k = last; k > pos; k--)
        t->rules[k] = t->rules[k - 1];
      t->rules[pos] = r;
    }
    t->n_matched++;
  }
  /* Insertion sort: at most ROUTE_MAX_AGENCIES tasks. */
  for (size_t i = 1; i < out->n; i++) {
    struct route_task tmp = out->tasks[i];
    size_t j = i;
    while (j > 0 && task_before(&tmp, &out->tasks[j - 1])) {
      out->tasks[j] = out->tasks[j - 1];
      j--;
    }
    out->tasks[j] = tmp;
  }
  return 0;
}

const struct route_task *routing_result_task(const struct route_result *r, const char *agency) {
  for (size_t i = 0; i < r->n; i++)
    if (strcmp(r->tasks[i].agency, agency) == 0) return &r->tasks[i];
  return NULL;
}

int routing_auto_parse(const char *s) {
  if (!s) return -1;
  if (strcmp(s, "approve") == 0) return ROUTE_AUTO_APPROVE;
  if (strcmp(s, "none") == 0) return ROUTE_AUTO_NONE;
  return -1;
}

const char *routing_auto_name(enum route_auto a) {
  return a == ROUTE_AUTO_APPROVE ? "approve" : "none";
}

/* ---- rule checking ---- */

static void add(struct errlist *e, const char *base, const char *field, const char *code,
                const char *msg) {
  char path[sizeof(((struct problem *)0)->path)];
  snprintf(path, sizeof path, "%s/%s", base, field);
  errlist_add(e, path, code, "%s", msg);
}

static size_t utf8_len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

static bool hs_prefix_ok(const char *s) {
  size_t n = strlen(s);
  if (n < 2 || n > 10) return false;
  for (size_t i = 0; i < n; i++)
    if (!is_digit(s[i])) return false;
  return true;
}

static bool proc_ok(const char *s) {
  size_t n = strlen(s);
  return (n == 2 || n == 4) && is_digit(s[0]) && is_digit(s[1]) &&
         (n == 2 || (is_digit(s[2]) && is_digit(s[3])));
}

static bool country_ok(const char *s) { return strlen(s) == 2 && is_upper(s[0]) && is_upper(s[1]); }

static void check_list(struct errlist *e, const char *base, const char *name, char *const *list,
                       size_t n, bool (*ok)(const char *), const char *what,
                       const struct refdata *rd) {
  char path[sizeof(((struct problem *)0)->path)];
  if (n > ROUTE_LIST_MAX) {
    snprintf(path, sizeof path, "%s/conditions/%s", base, name);
    errlist_add(e, path, "too_many", "at most %d entries are allowed", ROUTE_LIST_MAX);
    n = ROUTE_LIST_MAX;
  }
  for (size_t i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/conditions/%s/%zu", base, name, i);
    if (!list[i] || !ok(list[i])) {
      errlist_add(e, path, "bad_format", "%s", what);
      continue;
    }
    if (rd && ok == country_ok && !refdata_country(rd, list[i]))
      errlist_add(e, path, "unknown_country", "\"%s\" is not an ISO 3166 alpha-2 country code",
                  list[i]);
    for (size_t k = 0; k < i; k++)
      if (list[k] && strcmp(list[k], list[i]) == 0) {
        errlist_add(e, path, "duplicate", "\"%.*s\" is listed twice",
                    (int)decl_utf8_clip(list[i], 40), list[i]);
        break;
      }
  }
}

int routing_rule_check(const struct routing_rule *r, const char *base, const struct refdata *rd,
                       struct errlist *errs) {
  size_t before = errs->n + errs->dropped;
  if (!base) base = "";

  if (!r->id) {
    add(errs, base, "id", "required", "rule id is required");
  } else {
    size_t n = strlen(r->id);
    bool ok = n >= 1 && n <= ROUTE_ID_MAX;
    for (size_t i = 0; ok && i < n; i++) {
      char c = r->id[i];
      ok = is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '-';
    }
    if (!ok)
      add(errs, base, "id", "bad_format", "rule id must be 1-64 letters, digits, '.', '_' or '-'");
  }
  if (r->version < 1) add(errs, base, "version", "out_of_range", "version must be 1 or more");
  if (!r->agency) {
    add(errs, base, "agency", "required", "agency is required");
  } else {
    size_t n = strlen(r->agency);
    bool ok = n >= 1 && n <= ROUTE_AGENCY_MAX;
    for (size_t i = 0; ok && i < n; i++)
      ok = is_upper(r->agency[i]) || is_digit(r->agency[i]) || r->agency[i] == '_';
    if (!ok)
      add(errs, base, "agency", "bad_format",
          "agency must be 1-32 upper-case letters, digits or '_', e.g. CUSTOMS");
  }
  if (r->types == 0)
    add(errs, base, "types", "required", "at least one declaration type is required");
  else if (r->types & ~(unsigned)DECL_TYPES_ALL)
    add(errs, base, "types", "bad_value", "types may only be IM, EX, VA and VD");

  bool any = r->n_hs_prefixes || r->n_origins || r->n_destinations || r->n_procedures ||
             r->has_value_above;
  if (!any && !r->always)
    add(errs, base, "conditions", "no_conditions",
        "a rule needs at least one condition, or always: true");
  if (any && r->types && (r->types & DECL_TYPES_GOODS) == 0)
    add(errs, base, "conditions", "bad_value",
        "conditions apply to goods declarations (IM, EX) only; this rule would never match");
  check_list(errs, base, "hs_prefixes", r->hs_prefixes, r->n_hs_prefixes, hs_prefix_ok,
             "an HS prefix is 2 to 10 digits", NULL);
  check_list(errs, base, "origins", r->origins, r->n_origins, country_ok,
             "a country is an ISO 3166 alpha-2 code of 2 upper-case letters", rd);
  check_list(errs, base, "destinations", r->destinations, r->n_destinations, country_ok,
             "a country is an ISO 3166 alpha-2 code of 2 upper-case letters", rd);
  check_list(errs, base, "procedures", r->procedures, r->n_procedures, proc_ok,
             "a procedure is 4 digits, or 2 digits for the requested procedure", NULL);
  if (r->has_value_above && (r->value_above < 0 || r->value_above > dec_max(DEC_SCALE_MONEY)))
    add(errs, base, "conditions/value_above", "out_of_range", "value_above must be zero or more");
  if (r->value_currency) {
    const char *c = r->value_currency;
    bool ok = strlen(c) == 3 && is_upper(c[0]) && is_upper(c[1]) && is_upper(c[2]);
    if (ok && rd && !refdata_currency(rd, c)) ok = false;
    if (!ok)
      add(errs, base, "conditions/value_currency", "unknown_currency",
          "value_currency must be an ISO 4217 currency code");
    if (!r->has_value_above)
      add(errs, base, "conditions/value_currency", "bad_value", "value_currency needs value_above");
  }
  if (!r->reason)
    add(errs, base, "reason", "required", "reason is required");
  else if (utf8_len(r->reason) > ROUTE_REASON_MAX)
    add(errs, base, "reason", "too_long", "reason is longer than 512 characters");
  return errs->n + errs->dropped > before ? -SW_EVALIDATION : 0;
}

int routing_require_review(struct route_result *r, const struct routing_rule *rule) {
  struct route_task *t = NULL;
  for (size_t i = 0; i < r->n; i++)
    if (strcmp(r->tasks[i].agency, rule->agency) == 0) t = &r->tasks[i];
  if (!t) {
    if (r->n >= ROUTE_MAX_AGENCIES) return -SW_ETOOBIG;
    t = &r->tasks[r->n++];
    memset(t, 0, sizeof *t);
    t->agency = rule->agency;
    t->priority = rule->priority;
  }
  t->auto_approve = false;
  for (size_t k = 0; k < t->n_matched && k < ROUTE_MAX_TASK_RULES; k++)
    if (t->rules[k] == rule || strcmp(t->rules[k]->id, rule->id) == 0) return 0;
  if (t->n_matched < ROUTE_MAX_TASK_RULES) t->rules[t->n_matched] = rule;
  t->n_matched++;
  return 0;
}
