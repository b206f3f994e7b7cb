/* metrics.h - request counters and latency histograms per route, in Prometheus text. */
#ifndef SW_METRICS_H
#define SW_METRICS_H
#include <stddef.h>
#include <stdint.h>

struct metrics;
struct store;

/* One slot per route plus one for unmatched paths. */
struct metrics *metrics_new(size_t nroutes);
void metrics_free(struct metrics *m);
/* Records one finished request; route_idx == nroutes for unmatched. Lock-free. */
void metrics_observe(struct metrics *m, size_t route_idx, unsigned status, int64_t micros);
/* Renders everything (with the store's commit statistics) as Prometheus text into a
 * malloc'd buffer; caller frees. */
char *metrics_render(struct metrics *m, struct store *store, uint64_t remote_commits,
                     size_t *len);

#endif
