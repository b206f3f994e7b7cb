/* timefmt.h - formatting instants for people and machines. */
#ifndef SW_TIMEFMT_H
#define SW_TIMEFMT_H
#include <stddef.h>
#include <stdint.h>

/* Microseconds since the epoch as RFC 3339 UTC with microseconds:
 * "2026-11-28T12:00:00.123456Z". buf needs 28 bytes. */
void time_format_us(int64_t us, char *buf, size_t len);
/* Days since 1970-01-01 as "YYYY-MM-DD"; buf needs 11 bytes. */
void time_format_date(int64_t days, char *buf, size_t len);
/* Days since 1970-01-01 (UTC) of an instant. */
int64_t time_days_us(int64_t us);
/* Calendar year (UTC) of an instant. */
int time_year_us(int64_t us);

#endif
