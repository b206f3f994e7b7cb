/* stats.h - descriptive statistics for published aggregates (release times): count, mean,
 * median, 90th percentile, min, max; grouping with suppression of small groups; histogram
 * counts. Integers only (values are microseconds); no I/O. */
#ifndef SW_STATS_H
#define SW_STATS_H
#include <stddef.h>
#include <stdint.h>

struct stats_summary {
  size_t count;
  int64_t mean;   /* rounded half away from zero */
  int64_t median; /* mean of the two middle values when count is even (rounded likewise) */
  int64_t p90;    /* nearest rank: the ceil(0.9 * count)-th smallest value */
  int64_t min, max;
};

/* Summarises v[0..n) (sorted in place). n == 0 gives a zero summary. Returns 0, or
 * -SW_ETOOBIG when the sum overflows. */
int stats_summarize(int64_t *v, size_t n, struct stats_summary *out);
/* Nearest-rank percentile (1..100) of sorted[0..n), n > 0. */
int64_t stats_percentile(const int64_t *sorted, size_t n, int pct);
/* a / b rounded half away from zero (b > 0). */
int64_t stats_div_round(int64_t a, int64_t b);
/* Counts values into bins [edges[i], edges[i+1]); values below edges[0] go to the first bin,
 * at or above the last edge to the last bin (n_edges bins: the last one is open). */
void stats_histogram(const int64_t *v, size_t n, const int64_t *edges, size_t n_edges,
                     size_t *counts);

/* True when a published group of count members must be suppressed (count < min_group,
 * min_group at least 1): no figures about it are shown. */
int stats_suppressed(size_t count, size_t min_group);

/* Release-time analysis (WCO Time Release Study). Milestones of one released declaration
 * (microseconds; 0 = not recorded) and the stage intervals derived from them. */
enum rt_stage {
  RT_ARRIVAL_LODGEMENT, /* lodgement - arrival: negative for pre-arrival lodgement */
  RT_LODGEMENT_DECISION, /* last agency decision - lodgement (registration) */
  RT_DECISION_PAYMENT,   /* payment - last decision, 0 when paid before the decisions */
  RT_TO_RELEASE,         /* release - max(last decision, payment) */
  RT_RELEASE_GATEOUT,    /* gate-out - release */
  RT_TOTAL,              /* release - arrival (not below 0), or release - lodgement */
  RT_N_STAGES
};

struct rt_milestones {
  int64_t arrival, lodged, decided, paid, released, gate_out;
};

/* Stable names: "arrival_to_lodgement", ..., "total". */
const char *rt_stage_name(enum rt_stage s);
/* Fills v[RT_N_STAGES] and returns the bit set (1u << stage) of the stages that apply.
 * lodged and released must be set; otherwise returns 0. */
unsigned rt_intervals(const struct rt_milestones *m, int64_t v[RT_N_STAGES]);

/* One declaration's contribution to one group. */
struct rt_record {
  const char *group; /* the group key ("IM", "2026-10", "CUSTOMS+QUARANTINE") */
  int64_t v[RT_N_STAGES];
  unsigned present;
};

struct rt_group {
  const char *key; /* points into the records */
  size_t count;
  int suppressed; /* count below the minimum: no figures are published */
  struct stats_summary stage[RT_N_STAGES]; /* stage[s].count 0 when the stage never applied */
};

/* Groups recs by key (sorting recs), summarises each stage per group, marks groups with
 * fewer than min_group records suppressed (their figures zeroed). *out is malloc'd (caller
 * frees). Returns 0 or -SW_ENOMEM / -SW_ETOOBIG. */
int rt_aggregate(struct rt_record *recs, size_t n, size_t min_group, struct rt_group **out,
                 size_t *n_out);

#endif
