#include "core/assess.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"

#define PPM 1000000
#define DEFAULT_INSURANCE_PPM 3000 /* 0.3% */

const char *tax_kind_name(enum tax_kind k) {
  static const char *const names[] = {"duty", "excise", "vat", "export_duty"};
  return (unsigned)k < 4 ? names[k] : "";
}

int64_t assess_div_round(__int128 num, int64_t den) {
  __int128 q = num / den, r = num % den;
  if (r < 0) r = -r;
  if (2 * r >= den) q += num < 0 ? -1 : 1;
  return (int64_t)q;
}

static int add_line(struct assessment *out, size_t cap, int64_t item, enum tax_kind tax,
                    int64_t base, int64_t rate, int64_t specific, int64_t amount,
                    const char *basis) {
  if (out->n_lines >= cap) return -SW_ENOMEM;
  struct assess_line *l = &out->lines[out->n_lines++];
  l->item = item;
  l->tax = tax;
  l->base = base;
  l->rate_ppm = rate;
  l->specific = specific;
  l->amount = amount;
  snprintf(l->basis, sizeof l->basis, "%s", basis);
  return 0;
}

/* The agreement of a certificate of origin the item cites ("coo_rcep" -> "RCEP"). */
static int cited_agreement(const struct decl_item *it, char out[16]) {
  for (size_t i = 0; i < it->n_documents; i++) {
    const char *t = it->documents[i].type;
    if (!t || strncmp(t, "coo_", 4) != 0 || strlen(t + 4) >= 16) continue;
    size_t k = 0;
    for (const char *p = t + 4; *p; p++)
      out[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    out[k] = 0;
    return 1;
  }
  return 0;
}

/* Freight and insurance to add to the invoice value, in invoice minor units. */
static int64_t extra_costs(const struct decl_invoice *inv, int64_t goods_value) {
  const char *ic = inv->incoterm ? inv->incoterm : "";
  int both = !strcmp(ic, "EXW") || !strcmp(ic, "FCA") || !strcmp(ic, "FAS") || !strcmp(ic, "FOB");
  int ins_only = !strcmp(ic, "CFR") || !strcmp(ic, "CPT");
  int64_t freight = both && inv->has_freight ? inv->freight : 0;
  if (!both && !ins_only) return 0;
  int64_t insurance =
      inv->has_insurance
          ? inv->insurance
          : assess_div_round((__int128)(goods_value + freight) * DEFAULT_INSURANCE_PPM, PPM);
  return freight + insurance;
}

int assess_declaration(const struct decl *d, const struct tariff *t, int64_t day, struct arena *a,
                       struct assessment *out, struct errlist *errs) {
  const struct decl_goods *g = &d->goods;
  size_t before = errs->n + errs->dropped, cap = g->n_items * 3;
  memset(out, 0, sizeof *out);
  snprintf(out->currency, sizeof out->currency, "%s", t->national);
  if (d->type != DECL_IM && d->type != DECL_EX) return 0;
  out->rate_micro = tariff_rate(t, g->invoice.currency, day);
  if (out->rate_micro <= 0) {
    errlist_add(errs, "/invoice/currency", "no_exchange_rate",
                "no exchange rate for %s is in force on the declaration date",
                g->invoice.currency ? g->invoice.currency : "?");
    return -SW_EVALIDATION;
  }
  if (cap && !(out->lines = arena_alloc(a, cap * sizeof *out->lines))) return -SW_ENOMEM;
  int64_t goods_value = 0;
  for (size_t i = 0; i < g->n_items; i++)
    goods_value += g->items[i].has_value ? g->items[i].value : 0;
  int64_t extra = d->type == DECL_IM ? extra_costs(&g->invoice, goods_value) : 0,
          extra_left = extra;
  for (size_t i = 0; i < g->n_items; i++) {
    const struct decl_item *it = &g->items[i];
    char path[48];
    int64_t value = it->has_value ? it->value : 0;
    /* this item's share of freight and insurance; the last item takes the remainder */
    int64_t share = i + 1 == g->n_items || goods_value == 0
                        ? extra_left
                        : assess_div_round((__int128)extra * value, goods_value);
    extra_left -= share;
    int64_t cv = assess_div_round((__int128)(value + share) * out->rate_micro, PPM);
    const struct tariff_line *l = tariff_find(t, it->hs, day);
    out->customs_value += cv;
    if (!l) {
      snprintf(path, sizeof path, "/items/%zu/hs", i);
      errlist_add(errs, path, "no_tariff_line", "no tariff line covers HS %s",
                  it->hs ? it->hs : "?");
      continue;
    }
    if (d->type == DECL_EX) {
      int64_t duty = assess_div_round((__int128)cv * l->export_ppm, PPM);
      out->duty += duty;
      if (l->export_ppm &&
          add_line(out, cap, it->seq, TAX_EXPORT_DUTY, cv, l->export_ppm, 0, duty, "export") < 0)
        return -SW_ENOMEM;
      continue;
    }
    int64_t rate = l->mfn_ppm;
    char agreement[16], basis[24] = "MFN";
    if (cited_agreement(it, agreement)) {
      const struct tariff_pref *p = tariff_pref_find(t, it->hs, agreement, it->origin, day);
      if (p && p->rate_ppm < rate) {
        rate = p->rate_ppm;
        snprintf(basis, sizeof basis, "%s", agreement);
      }
    }
    int64_t specific = 0;
    if (l->specific) {
      if (!it->unit || strcmp(it->unit, l->specific_unit) != 0) {
        snprintf(path, sizeof path, "/items/%zu/unit", i);
        errlist_add(errs, path, "tariff_unit_mismatch", "the specific duty of HS %s counts in %s",
                    l->code, l->specific_unit);
        continue;
      }
      specific =
          assess_div_round((__int128)(it->has_quantity ? it->quantity : 0) * l->specific, 1000);
    }
    int64_t duty = assess_div_round((__int128)cv * rate, PPM) + specific;
    int64_t excise = assess_div_round((__int128)(cv + duty) * l->excise_ppm, PPM);
    int64_t vat = assess_div_round((__int128)(cv + duty + excise) * l->vat_ppm, PPM);
    out->duty += duty;
    out->excise += excise;
    out->vat += vat;
    if (add_line(out, cap, it->seq, TAX_DUTY, cv, rate, specific, duty, basis) < 0 ||
        (l->excise_ppm &&
         add_line(out, cap, it->seq, TAX_EXCISE, cv + duty, l->excise_ppm, 0, excise, "") < 0) ||
        add_line(out, cap, it->seq, TAX_VAT, cv + duty + excise, l->vat_ppm, 0, vat, "") < 0)
      return -SW_ENOMEM;
  }
  out->total = out->duty + out->excise + out->vat;
  return errs->n + errs->dropped == before ? 0 : -SW_EVALIDATION;
}
