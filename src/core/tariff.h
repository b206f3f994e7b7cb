/* tariff.h - the tariff schedule and exchange rates, held in memory for assessment.
 * Rates are parts per million (5% = 50000) so that no floating point touches money;
 * exchange rates are national-currency units per foreign unit with 6 decimals
 * (1 USD = 7.123456 CNY is 7123456). Every entry has an effective date (days since
 * 1970-01-01): a declaration is assessed with the entries in force on its date. */
#ifndef SW_TARIFF_H
#define SW_TARIFF_H
#include <stddef.h>
#include <stdint.h>

#define TARIFF_CODE_MAX 10

struct tariff_line {
  char code[TARIFF_CODE_MAX + 1]; /* 2-10 digits: a chapter, heading, or national line */
  int64_t effective_from;
  int64_t mfn_ppm;       /* ad valorem import duty */
  int64_t specific;      /* specific duty in national minor units per unit, 0 if none */
  char specific_unit[4]; /* UN/ECE Rec 20 unit the specific duty counts in */
  int64_t vat_ppm, excise_ppm;
  int64_t export_ppm; /* export duty, usually 0 */
};

struct tariff_pref {
  char code[TARIFF_CODE_MAX + 1]; /* prefix */
  char agreement[16];             /* "RCEP", "ACFTA", ... */
  char origins[64];               /* comma-separated ISO 3166 alpha-2 codes */
  int64_t effective_from;
  int64_t rate_ppm;
};

struct fx_rate {
  char currency[4];
  int64_t effective_from;
  int64_t rate_micro; /* national units per foreign unit, 6 decimals */
};

struct tariff {
  struct tariff_line *lines; /* sorted by code, then effective_from */
  size_t n_lines;
  struct tariff_pref *prefs;
  size_t n_prefs;
  struct fx_rate *rates; /* sorted by currency, then effective_from */
  size_t n_rates;
  char national[4]; /* the national currency, e.g. "CNY" */
};

/* Sorts the arrays; call once after filling them. */
void tariff_sort(struct tariff *t);
/* The line in force on `day` for the longest prefix of an HS code, or NULL. */
const struct tariff_line *tariff_find(const struct tariff *t, const char *hs, int64_t day);
/* The best preferential rate in force for an HS code, agreement and origin, or NULL. */
const struct tariff_pref *tariff_pref_find(const struct tariff *t, const char *hs,
                                           const char *agreement, const char *origin,
                                           int64_t day);
/* The rate in force for a currency (1.000000 for the national currency); -1 if none. */
int64_t tariff_rate(const struct tariff *t, const char *currency, int64_t day);

#endif
