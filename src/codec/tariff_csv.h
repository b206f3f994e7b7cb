/* tariff_csv.h - tariff schedules as CSV, with a header row naming the columns:
 *   lines:        code,effective_from,description,mfn,specific,specific_unit,vat,excise,export
 *   preferences:  code,agreement,origins,effective_from,rate
 * Rates are percentages ("5", "7.5"); specific duties are national-currency amounts per
 * unit ("1.20"); dates are YYYY-MM-DD; origins are alpha-2 codes separated by spaces or
 * semicolons. Which kind a file holds is told by its header. */
#ifndef SW_TARIFF_CSV_H
#define SW_TARIFF_CSV_H
#include <stddef.h>
#include <stdio.h>

#include "core/tariff.h"

struct tariff_csv_sink {
  void *ctx;
  int (*line)(void *ctx, const struct tariff_line *l, const char *description);
  int (*pref)(void *ctx, const struct tariff_pref *p);
  void (*progress)(void *ctx, long line); /* may be NULL */
};

/* Reads every row, handing each to the sink. On a bad row returns -SW_EINVAL with
 * "line N: column: problem" in err; a sink's negative return stops and is returned. */
int tariff_csv_read(FILE *f, const struct tariff_csv_sink *sink, char *err, size_t errlen);

#endif
