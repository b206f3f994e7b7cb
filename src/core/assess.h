/* assess.h - duties and taxes of a goods declaration, in fixed point.
 *
 * Per item, in the national currency (minor units):
 *   customs value  = item value converted at the rate in force on the declaration date
 *                    + its share (by value) of freight and insurance when the Incoterm
 *                    leaves them out: EXW, FCA, FAS, FOB add both; CFR, CPT insurance.
 *                    Insurance not declared is taken as 0.3% of (value + freight).
 *   duty           = customs value x ad valorem rate (MFN, or the preferential rate of an
 *                    agreement when the item cites that agreement's certificate of origin
 *                    "coo_<agreement>" and its origin qualifies) + quantity x specific rate
 *   excise         = (customs value + duty) x excise rate
 *   VAT            = (customs value + duty + excise) x VAT rate
 * Exports: duty = value x export rate; no VAT or excise.
 * Every amount is rounded half away from zero to the minor unit, line by line; totals are
 * sums of the rounded lines. Intermediate products use 128-bit integers. */
#ifndef SW_ASSESS_H
#define SW_ASSESS_H
#include <stddef.h>
#include <stdint.h>

#include "core/tariff.h"

struct arena;
struct decl;
struct errlist;

enum tax_kind { TAX_DUTY = 0, TAX_EXCISE, TAX_VAT, TAX_EXPORT_DUTY };

struct assess_line {
  int64_t item;     /* item seq */
  enum tax_kind tax;
  int64_t base;     /* what the rate applies to (minor units) */
  int64_t rate_ppm; /* ad valorem rate applied */
  int64_t specific; /* specific part of the amount, 0 if none */
  int64_t amount;
  char basis[24];   /* "MFN", an agreement ("RCEP"), or "" */
};

struct assessment {
  char currency[4];
  int64_t rate_micro;    /* exchange rate used */
  int64_t customs_value; /* sum over items */
  int64_t duty, excise, vat, total;
  struct assess_line *lines;
  size_t n_lines;
};

const char *tax_kind_name(enum tax_kind k);

/* Rounds num / den half away from zero (den > 0). */
int64_t assess_div_round(__int128 num, int64_t den);

/* Assesses d (IM or EX; others get an empty assessment) with tariff t on day `day`.
 * Problems: "no_exchange_rate" (/invoice/currency), "no_tariff_line" (/items/N/hs),
 * "tariff_unit_mismatch" (/items/N/unit, when a specific duty counts in another unit).
 * Lines are allocated from a. Returns 0, -SW_EVALIDATION or -SW_ENOMEM. */
int assess_declaration(const struct decl *d, const struct tariff *t, int64_t day,
                       struct arena *a, struct assessment *out, struct errlist *errs);

#endif
