/* refdata_files.h - readers for the shipped reference CSV files in data/ (see
 * data/NOTICE.md). Each reads one file with a header row, finding columns by name; adds
 * every row to rd when rd is not NULL (the caller calls refdata_finish after the last
 * file) and hands it to row when row is not NULL, so a caller can also persist it.
 * Duplicate codes keep the first row; the others are neither added nor reported.
 * All return 0 or a negative -SW_E* code (-SW_EINVAL for bad data); on failure err gets
 * "line N: problem". Rows before a failure may already be in rd. */
#ifndef SW_REFDATA_FILES_H
#define SW_REFDATA_FILES_H
#include <stddef.h>
#include <stdio.h>

#include "core/refdata.h"

/* Row callbacks. line is the file line of the row, for messages and progress (ftell(f)
 * against the file size gives the fraction read). The row's strings live until the
 * callback returns. A negative return stops the load, which returns that value. */
typedef int refload_hs_fn(void *ctx, long line, const struct hs_entry *e);
typedef int refload_section_fn(void *ctx, long line, const struct hs_section *s);
typedef int refload_country_fn(void *ctx, long line, const struct country *c);
typedef int refload_currency_fn(void *ctx, long line, const struct currency *c);
typedef int refload_location_fn(void *ctx, long line, const struct location *l);

/* harmonized-system.csv: section, hscode, description, parent, level. The "TOTAL" row is
 * skipped and a "TOTAL" parent (chapters) becomes "". */
int refload_hs(FILE *f, struct refdata *rd, refload_hs_fn *row, void *ctx, char *err,
               size_t errlen);
/* hs-sections.csv: section, name. */
int refload_sections(FILE *f, struct refdata *rd, refload_section_fn *row, void *ctx, char *err,
                     size_t errlen);
/* country-codes.csv: ISO3166-1-Alpha-2, -Alpha-3, -numeric (zero-padded to 3 digits) and
 * official_name_en (or CLDR display name when that is empty); rows without alpha-2 skip. */
int refload_countries(FILE *f, struct refdata *rd, refload_country_fn *row, void *ctx, char *err,
                      size_t errlen);
/* currency-codes-iso4217.csv: AlphabeticCode, NumericCode, Currency, MinorUnit ("N.A.",
 * "-" or empty -> -1). Withdrawn (WithdrawalDate set) and code-less rows are skipped. */
int refload_currencies(FILE *f, struct refdata *rd, refload_currency_fn *row, void *ctx, char *err,
                       size_t errlen);
/* unlocode-ports-all-countries.csv: Country + Location -> locode, Name (NameWoDiacritics
 * when empty), Function. Rows without a Location (country headings) are skipped. */
int refload_locations(FILE *f, struct refdata *rd, refload_location_fn *row, void *ctx, char *err,
                      size_t errlen);

#endif
