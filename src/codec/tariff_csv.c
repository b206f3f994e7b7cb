#include "codec/tariff_csv.h"

#include <stdio.h>
#include <string.h>

#include "codec/csv.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"

static int digits(const char *s, size_t min, size_t max) {
  size_t n = strlen(s);
  return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/* Percent with up to 4 decimals -> parts per million. */
static int pct(const char *s, int64_t *ppm) {
  enum dec_error why;
  if (!*s) {
    *ppm = 0;
    return 0;
  }
  return dec_parse(s, strlen(s), 4, 0, ppm, &why) < 0 || *ppm > 1000000 ? -1 : 0;
}

int tariff_csv_read(FILE *f, const struct tariff_csv_sink *sink, char *err, size_t errlen) {
  static const char *const LINE_COLS[] = {"code", "effective_from", "description", "mfn",
                                          "specific", "specific_unit", "vat", "excise", "export"};
  static const char *const PREF_COLS[] = {"code", "agreement", "origins", "effective_from",
                                          "rate"};
  struct csv_reader r;
  size_t nf;
  int ix[9], rc = csv_reader_init(&r, f, 1024, 32), prefs;
  if (rc < 0) return rc;
  if ((rc = csv_next(&r, &nf)) <= 0) {
    snprintf(err, errlen, "line 1: a header row is required");
    rc = -SW_EINVAL;
    goto out;
  }
  prefs = csv_column(&r, "agreement") >= 0;
  size_t ncols = prefs ? 5 : 9;
  for (size_t i = 0; i < ncols; i++)
    if ((ix[i] = csv_column(&r, prefs ? PREF_COLS[i] : LINE_COLS[i])) < 0) {
      snprintf(err, errlen, "line 1: missing column '%s'", prefs ? PREF_COLS[i] : LINE_COLS[i]);
      rc = -SW_EINVAL;
      goto out;
    }
#define F(i) csv_field(&r, (size_t)ix[i])
#define BAD(col, what)                                                                     \
  do {                                                                                     \
    snprintf(err, errlen, "line %ld: %s: %s", csv_line(&r), col, what);                   \
    rc = -SW_EINVAL;                                                                       \
    goto out;                                                                              \
  } while (0)
  while ((rc = csv_next(&r, &nf)) == 1) {
    if (sink->progress) sink->progress(sink->ctx, csv_line(&r));
    if (prefs) {
      struct tariff_pref p = {0};
      if (!digits(F(0), 2, TARIFF_CODE_MAX)) BAD("code", "2 to 10 digits");
      snprintf(p.code, sizeof p.code, "%s", F(0));
      if (!*F(1) || strlen(F(1)) >= sizeof p.agreement) BAD("agreement", "1 to 15 characters");
      snprintf(p.agreement, sizeof p.agreement, "%s", F(1));
      size_t k = 0;
      for (const char *c = F(2); *c && k + 1 < sizeof p.origins; c++)
        p.origins[k++] = (*c == ' ' || *c == ';') ? ',' : *c;
      p.origins[k] = 0;
      if (!k) BAD("origins", "at least one country");
      if (decl_date_parse(F(3), &p.effective_from) < 0) BAD("effective_from", "YYYY-MM-DD");
      if (pct(F(4), &p.rate_ppm) < 0) BAD("rate", "a percentage from 0 to 100");
      if ((rc = sink->pref(sink->ctx, &p)) < 0) goto out;
      continue;
    }
    struct tariff_line l = {0};
    enum dec_error why;
    if (!digits(F(0), 2, TARIFF_CODE_MAX)) BAD("code", "2 to 10 digits");
    snprintf(l.code, sizeof l.code, "%s", F(0));
    if (decl_date_parse(F(1), &l.effective_from) < 0) BAD("effective_from", "YYYY-MM-DD");
    if (pct(F(3), &l.mfn_ppm) < 0) BAD("mfn", "a percentage from 0 to 100");
    if (*F(4) && dec_parse(F(4), strlen(F(4)), DEC_SCALE_MONEY, 0, &l.specific, &why) < 0)
      BAD("specific", "an amount per unit such as 1.20");
    if (l.specific && (strlen(F(5)) < 2 || strlen(F(5)) > 3))
      BAD("specific_unit", "the unit code the specific duty counts in");
    snprintf(l.specific_unit, sizeof l.specific_unit, "%s", F(5));
    if (pct(F(6), &l.vat_ppm) < 0) BAD("vat", "a percentage from 0 to 100");
    if (pct(F(7), &l.excise_ppm) < 0) BAD("excise", "a percentage from 0 to 100");
    if (pct(F(8), &l.export_ppm) < 0) BAD("export", "a percentage from 0 to 100");
    if ((rc = sink->line(sink->ctx, &l, F(2))) < 0) goto out;
  }
#undef F
#undef BAD
  if (rc < 0) snprintf(err, errlen, "line %ld: malformed CSV", csv_line(&r));
out:
  csv_reader_release(&r);
  return rc;
}
