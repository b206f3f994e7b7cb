#include "decimal.h"

#include "err.h"

#include <stdio.h>

static const int64_t pow10_tab[] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

/* Integer digits allowed at a scale, so that the scaled value fits int64. */
static int int_digits_max(int scale) { return scale <= 3 ? DEC_MAX_INT_DIGITS : 18 - scale; }

int64_t dec_max(int scale) {
  if (scale < 0 || scale > DEC_MAX_SCALE) return 0;
  return pow10_tab[int_digits_max(scale) + scale] - 1;
}

static int fail(enum dec_error *why, enum dec_error e) {
  if (why) *why = e;
  return -SW_EINVAL;
}

int dec_parse(const char *s, size_t len, int scale, unsigned flags, int64_t *out,
              enum dec_error *why) {
  size_t i = 0;
  int neg = 0;
  int64_t ip = 0, fp = 0;
  int int_digits = 0, frac_digits = 0;

  if (why) *why = DEC_OK;
  if (scale < 0 || scale > DEC_MAX_SCALE) return fail(why, DEC_ERR_SYNTAX);
  if (!s || len == 0) return fail(why, DEC_ERR_EMPTY);
  if (s[0] == '-') {
    neg = 1;
    i = 1;
  }
  /* Integer part: at least one digit; leading zeros do not count toward the limit. */
  size_t start = i;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    if (int_digits == 0 && s[i] == '0') continue;
    /* Overflow is reported as soon as it is certain: the clearer message for a long run. */
    if (++int_digits > int_digits_max(scale)) return fail(why, DEC_ERR_OVERFLOW);
    ip = ip * 10 + (s[i] - '0');
  }
  if (i == start) return fail(why, DEC_ERR_SYNTAX);
  if (i < len && s[i] == '.') {
    i++;
    size_t fstart = i;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
      if (++frac_digits <= scale) fp = fp * 10 + (s[i] - '0');
    }
    if (i == fstart) return fail(why, DEC_ERR_SYNTAX);
  }
  if (i != len) return fail(why, DEC_ERR_SYNTAX);
  if (frac_digits > scale) return fail(why, DEC_ERR_SCALE);
  fp *= pow10_tab[scale - frac_digits];
  int64_t v = ip * pow10_tab[scale] + fp;
  if (neg && v != 0 && !(flags & DEC_ALLOW_NEGATIVE)) return fail(why, DEC_ERR_NEGATIVE);
  *out = neg ? -v : v;
  return 0;
}

int dec_from_int(int64_t i, int scale, unsigned flags, int64_t *out, enum dec_error *why) {
  if (why) *why = DEC_OK;
  if (scale < 0 || scale > DEC_MAX_SCALE) return fail(why, DEC_ERR_SYNTAX);
  if (i < 0 && !(flags & DEC_ALLOW_NEGATIVE)) return fail(why, DEC_ERR_NEGATIVE);
  int64_t lim = pow10_tab[int_digits_max(scale)] - 1;
  if (i > lim || i < -lim) return fail(why, DEC_ERR_OVERFLOW);
  *out = i * pow10_tab[scale];
  return 0;
}

void dec_error_message(enum dec_error why, int scale, char *buf, size_t cap) {
  if (!buf || cap == 0) return;
  switch (why) {
  case DEC_OK: snprintf(buf, cap, "valid decimal"); break;
  case DEC_ERR_EMPTY:
    snprintf(buf, cap, "a decimal number is required, got an empty string");
    break;
  case DEC_ERR_SYNTAX:
    snprintf(buf, cap,
             "expected a plain decimal number such as \"1234.5\" (digits, an optional point "
             "and fraction; no sign, spaces, exponent or grouping)");
    break;
  case DEC_ERR_NEGATIVE: snprintf(buf, cap, "must not be negative"); break;
  case DEC_ERR_SCALE:
    if (scale == 0)
      snprintf(buf, cap, "no digits after the decimal point are allowed");
    else
      snprintf(buf, cap, "at most %d digit%s after the decimal point %s allowed", scale,
               scale == 1 ? "" : "s", scale == 1 ? "is" : "are");
    break;
  case DEC_ERR_OVERFLOW:
    snprintf(buf, cap, "too large: at most %d digits before the decimal point", DEC_MAX_INT_DIGITS);
    break;
  default: snprintf(buf, cap, "invalid decimal"); break;
  }
}

int dec_format(int64_t v, int scale, unsigned flags, char *buf, size_t cap) {
  char tmp[DEC_STR_MAX + 8];
  size_t n = 0;
  uint64_t mag;

  if (scale < 0 || scale > DEC_MAX_SCALE || !buf) return -SW_EINVAL;
  /* Magnitude as unsigned so INT64_MIN does not overflow. */
  mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  uint64_t p = (uint64_t)pow10_tab[scale];
  uint64_t ip = mag / p, fp = mag % p;

  char digits[24];
  int nd = 0;
  do {
    digits[nd++] = (char)('0' + ip % 10);
    ip /= 10;
  } while (ip);
  if (v < 0) tmp[n++] = '-';
  while (nd)
    tmp[n++] = digits[--nd];
  int fd = scale;
  if (flags & DEC_FMT_TRIM)
    while (fd > 0 && fp % 10 == 0) {
      fp /= 10;
      fd--;
    }
  if (fd > 0) {
    tmp[n++] = '.';
    for (int k = fd - 1; k >= 0; k--)
      tmp[n++] = (char)('0' + (fp / (uint64_t)pow10_tab[k]) % 10);
  }
  if (n + 1 > cap) return -SW_EINVAL;
  for (size_t k = 0; k < n; k++)
    buf[k] = tmp[k];
  buf[n] = 0;
  return (int)n;
}

int dec_add(int64_t a, int64_t b, int scale, int64_t *out) {
  int64_t lim = dec_max(scale);
  if (lim == 0) return -SW_EINVAL;
  /* |a|,|b| may be anything; guard the int64 addition itself first. */
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) return -SW_ETOOBIG;
  int64_t s = a + b;
  if (s > lim || s < -lim) return -SW_ETOOBIG;
  *out = s;
  return 0;
}

int dec_cmp(int64_t a, int64_t b) { return (a > b) - (a < b); }
