/* decimal.h - fixed-point decimals for money and quantities (no floating point, ever).
 * A value is an int64_t holding the amount scaled by 10^scale: with DEC_SCALE_MONEY,
 * "98000.00" is 9800000; with DEC_SCALE_QTY, "12.5" is 12500. The scale is not stored in
 * the value: each field has a fixed scale, stated where the field is declared. */
#ifndef SW_DECIMAL_H
#define SW_DECIMAL_H
#include <stddef.h>
#include <stdint.h>

#define DEC_SCALE_MONEY 2 /* minor units of money: hundredths */
#define DEC_SCALE_QTY 3   /* quantities and masses: thousandths (grams for kilograms) */
#define DEC_MAX_SCALE 6 /* rates: percentages (4) and exchange rates (6) */
#define DEC_MAX_INT_DIGITS 15 /* integer digits allowed up to scale 3 (10^15 * 10^3 fits
                                 int64); at larger scales 18 - scale */
#define DEC_STR_MAX 24        /* buffer size that holds any formatted value and its NUL */

/* Parse flags. */
#define DEC_ALLOW_NEGATIVE 1u

/* Why a parse failed, for a precise message. */
enum dec_error {
  DEC_OK = 0,
  DEC_ERR_EMPTY,    /* "" */
  DEC_ERR_SYNTAX,   /* anything but [-]digits[.digits]: '+', spaces, exponents, ".5", "1." */
  DEC_ERR_NEGATIVE, /* a '-' where DEC_ALLOW_NEGATIVE was not given */
  DEC_ERR_SCALE,    /* more fraction digits than the scale allows */
  DEC_ERR_OVERFLOW, /* more than DEC_MAX_INT_DIGITS significant integer digits */
};

/* Parses s[0..len) ("98000.00", "12000", "0.5"; leading zeros are accepted, "-0" is 0) as
 * a value scaled by 10^scale (0..DEC_MAX_SCALE). Returns 0 and sets *out, or -SW_EINVAL
 * and sets *why (if why is not NULL). Fewer fraction digits than scale are fine. */
int dec_parse(const char *s, size_t len, int scale, unsigned flags, int64_t *out,
              enum dec_error *why);
/* Converts an integer (e.g. a JSON integer) to a value at the given scale. Same errors as
 * dec_parse: DEC_ERR_NEGATIVE, DEC_ERR_OVERFLOW. */
int dec_from_int(int64_t i, int scale, unsigned flags, int64_t *out, enum dec_error *why);
/* Writes a user-facing message for a parse failure ("at most 2 digits after the decimal
 * point are allowed") into buf (always NUL-terminated). */
void dec_error_message(enum dec_error why, int scale, char *buf, size_t cap);

/* Format flags. */
#define DEC_FMT_TRIM 1u /* drop trailing fraction zeros and a bare point: "12000", "12.5" */

/* Canonical text of v at scale: "-" only for negatives, no leading zeros, exactly `scale`
 * fraction digits unless DEC_FMT_TRIM. Returns the length, or -SW_EINVAL if cap is too
 * small (DEC_STR_MAX always suffices). */
int dec_format(int64_t v, int scale, unsigned flags, char *buf, size_t cap);

/* *out = a + b; returns -SW_ETOOBIG (and leaves *out alone) when the sum leaves the range
 * of DEC_MAX_INT_DIGITS integer digits at the given scale. */
int dec_add(int64_t a, int64_t b, int scale, int64_t *out);
/* -1, 0 or 1. */
int dec_cmp(int64_t a, int64_t b);
/* Largest magnitude representable at a scale: 10^(DEC_MAX_INT_DIGITS + scale) - 1. */
int64_t dec_max(int scale);

#endif
