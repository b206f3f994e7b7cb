#include "core/timefmt.h"

#include <stdio.h>

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no libc time zone
 * state, so it is pure and thread-safe. */
static void civil(int64_t days, int *y, int *m, int *d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

void time_format_us(int64_t us, char *buf, size_t len) {
  int64_t secs = floor_div(us, 1000000), frac = us - secs * 1000000;
  int64_t days = floor_div(secs, 86400), sod = secs - days * 86400;
  int y, m, d;
  civil(days, &y, &m, &d);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, m, d, (int)(sod / 3600),
           (int)(sod / 60 % 60), (int)(sod % 60), (int)frac);
}

int time_year_us(int64_t us) {
  int y, m, d;
  civil(floor_div(floor_div(us, 1000000), 86400), &y, &m, &d);
  return y;
}

void time_format_date(int64_t days, char *buf, size_t len) {
  int y, m, d;
  civil(days, &y, &m, &d);
  snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

int64_t time_days_us(int64_t us) { return floor_div(floor_div(us, 1000000), 86400); }
