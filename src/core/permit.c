#include "core/permit.h"

#include <string.h>

#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"

static const char *const STATUS[] = {"valid", "suspended", "revoked", "closed", "expired",
                                     "exhausted"};
static const char *const DRAW[] = {"pre_deducted", "deducted", "written_off", "released"};

const char *permit_status_name(enum permit_status s) {
  return (unsigned)s < sizeof STATUS / sizeof *STATUS ? STATUS[s] : "";
}

int permit_status_parse(const char *s) {
  for (size_t i = 0; s && i < sizeof STATUS / sizeof *STATUS; i++)
    if (!strcmp(s, STATUS[i])) return (int)i;
  return -1;
}

const char *drawing_state_name(enum drawing_state s) {
  return (unsigned)s < sizeof DRAW / sizeof *DRAW ? DRAW[s] : "";
}

int drawing_state_parse(const char *s) {
  for (size_t i = 0; s && i < sizeof DRAW / sizeof *DRAW; i++)
    if (!strcmp(s, DRAW[i])) return (int)i;
  return -1;
}

static bool line_exhausted(const struct permit_line *l) {
  return (l->has_quantity && l->used_quantity >= l->quantity) ||
         (l->has_value && l->used_value >= l->value);
}

enum permit_status permit_effective_status(const struct permit *p, int64_t today) {
  if (p->status != PERMIT_VALID) return p->status;
  if (today > p->valid_to) return PERMIT_EXPIRED;
  if (p->max_uses && p->uses >= p->max_uses) return PERMIT_EXHAUSTED;
  size_t exhausted = 0;
  for (size_t i = 0; i < p->n_lines; i++) exhausted += line_exhausted(&p->lines[i]);
  return (p->n_lines && exhausted == p->n_lines) ? PERMIT_EXHAUSTED : PERMIT_VALID;
}

static void fmt(int64_t v, int scale, char *buf, size_t len) {
  if (dec_format(v, scale, DEC_FMT_TRIM, buf, len) < 0) buf[0] = 0;
}

int permit_check_draw(struct permit *p, const struct decl_item *item, const char *principal,
                      int64_t today, bool new_use, const char *path, struct errlist *errs,
                      struct permit_draw *draw) {
  size_t before = errs->n + errs->dropped;
  switch (p->status) {
  case PERMIT_SUSPENDED:
    errlist_add(errs, path, "permit_suspended", "%s %s is suspended by %s", p->type, p->number,
                p->issuer);
    break;
  case PERMIT_REVOKED:
    errlist_add(errs, path, "permit_revoked", "%s %s was revoked by %s", p->type, p->number,
                p->issuer);
    break;
  case PERMIT_CLOSED:
    errlist_add(errs, path, "permit_closed", "%s %s is closed (written off)", p->type, p->number);
    break;
  default: break;
  }
  if (today < p->valid_from)
    errlist_add(errs, path, "permit_not_yet_valid", "%s %s is not valid yet", p->type, p->number);
  if (today > p->valid_to)
    errlist_add(errs, path, "permit_expired", "%s %s expired", p->type, p->number);
  if (!principal || strcmp(principal, p->holder) != 0)
    errlist_add(errs, path, "permit_wrong_holder", "%s %s is held by %s, not by %s", p->type,
                p->number, p->holder, principal ? principal : "the declarant");
  if (new_use && p->max_uses && p->uses >= p->max_uses)
    errlist_add(errs, path, "permit_uses_exhausted",
                p->max_uses == 1 ? "%s %s is for a single use and was used already"
                                 : "%s %s has no uses left",
                p->type, p->number);
  /* the first line whose HS prefix covers the item; then its unit and balance */
  const struct permit_line *hs_match = NULL;
  size_t li = 0;
  for (size_t i = 0; item->hs && i < p->n_lines; i++) {
    const struct permit_line *l = &p->lines[i];
    if (strncmp(item->hs, l->hs_prefix, strlen(l->hs_prefix)) != 0) continue;
    if (!hs_match) {
      hs_match = l;
      li = i;
    }
    if (l->unit && item->unit && strcmp(l->unit, item->unit) == 0) {
      hs_match = l;
      li = i;
      break;
    }
  }
  if (!hs_match) {
    errlist_add(errs, path, "permit_hs_mismatch", "HS %s is not covered by %s %s",
                item->hs ? item->hs : "?", p->type, p->number);
  } else {
    struct permit_line *l = &p->lines[li];
    int64_t q = item->has_quantity ? item->quantity : 0, v = item->has_value ? item->value : 0;
    char rest[40], want[40];
    if (l->has_quantity && (!l->unit || !item->unit || strcmp(l->unit, item->unit) != 0))
      errlist_add(errs, path, "permit_unit_mismatch", "%s %s counts in %s, the item in %s",
                  p->type, p->number, l->unit ? l->unit : "?", item->unit ? item->unit : "?");
    else if (l->has_quantity && l->quantity - l->used_quantity < q) {
      fmt(l->quantity - l->used_quantity, DEC_SCALE_QTY, rest, sizeof rest);
      fmt(q, DEC_SCALE_QTY, want, sizeof want);
      errlist_add(errs, path, "permit_insufficient_balance",
                  "%s %s has %s %s left, the item needs %s", p->type, p->number, rest,
                  l->unit ? l->unit : "", want);
    }
    if (l->has_value && l->value - l->used_value < v) {
      fmt(l->value - l->used_value, DEC_SCALE_MONEY, rest, sizeof rest);
      fmt(v, DEC_SCALE_MONEY, want, sizeof want);
      errlist_add(errs, path, "permit_insufficient_balance",
                  "%s %s has a value of %s left, the item needs %s", p->type, p->number, rest,
                  want);
    }
    if (errs->n + errs->dropped == before) {
      draw->line = li;
      draw->quantity = l->has_quantity ? q : 0;
      draw->value = l->has_value ? v : 0;
      l->used_quantity += draw->quantity;
      l->used_value += draw->value;
      if (new_use) p->uses++;
    }
  }
  return errs->n + errs->dropped == before ? 0 : -SW_EVALIDATION;
}
