/* timefmt.h - formatting instants for people and machines. */
#ifndef SW_TIMEFMT_H
#define SW_TIMEFMT_H
#include <stddef.h>
#include <stdint.h>

/* Microseconds since the epoch as RFC 3339 UTC with microseconds:
 * "2026-11-28T12:00:00.123456Z". buf needs 28 bytes. */
void time_format_us(int64_t us, char *buf, size_t len);
/* Calendar year (UTC) of an instant. */
int time_year_us(int64_t us);

#endif
