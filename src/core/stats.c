/* stats.c - descriptive statistics and the release-time stages (see stats.h). */
#include "core/stats.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int64_t stats_div_round(int64_t a, int64_t b) {
  int64_t q = a / b, r = a % b;
  if (r < 0) r = -r;
  if (2 * r >= b) q += a < 0 ? -1 : 1;
  return q;
}

int64_t stats_percentile(const int64_t *sorted, size_t n, int pct) {
  size_t rank = (n * (size_t)pct + 99) / 100; /* ceil(pct/100 * n), 1-based */
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

int stats_summarize(int64_t *v, size_t n, struct stats_summary *out) {
  memset(out, 0, sizeof *out);
  if (n == 0) return 0;
  qsort(v, n, sizeof *v, cmp_i64);
  int64_t sum = 0;
  for (size_t i = 0; i < n; i++)
    if (__builtin_add_overflow(sum, v[i], &sum)) return -SW_ETOOBIG;
  out->count = n;
  out->mean = stats_div_round(sum, (int64_t)n);
  if (n % 2) out->median = v[n / 2];
  else {
    int64_t a = v[n / 2 - 1], b = v[n / 2];
    /* a + (b - a) / 2 avoids overflow; b >= a */
    out->median = a + stats_div_round(b - a, 2);
  }
  out->p90 = stats_percentile(v, n, 90);
  out->min = v[0];
  out->max = v[n - 1];
  return 0;
}

void stats_histogram(const int64_t *v, size_t n, const int64_t *edges, size_t n_edges,
                     size_t *counts) {
  memset(counts, 0, n_edges * sizeof *counts);
  if (n_edges == 0) return;
  for (size_t i = 0; i < n; i++) {
    size_t b = 0;
    while (b + 1 < n_edges && v[i] >= edges[b + 1]) b++;
    counts[b]++;
  }
}

int stats_suppressed(size_t count, size_t min_group) {
  return count < (min_group ? min_group : 1);
}

static const char *const STAGE_NAMES[RT_N_STAGES] = {
    "arrival_to_lodgement", "lodgement_to_decision", "decision_to_payment",
    "to_release",           "release_to_gate_out",   "total",
};

const char *rt_stage_name(enum rt_stage s) {
  return (unsigned)s < RT_N_STAGES ? STAGE_NAMES[s] : "";
}

unsigned rt_intervals(const struct rt_milestones *m, int64_t v[RT_N_STAGES]) {
  unsigned p = 0;
  memset(v, 0, RT_N_STAGES * sizeof *v);
  if (!m->lodged || !m->released) return 0;
  int64_t decided = m->decided ? m->decided : m->lodged;
  int64_t before_release = decided;
  if (m->arrival) {
    v[RT_ARRIVAL_LODGEMENT] = m->lodged - m->arrival;
    p |= 1u << RT_ARRIVAL_LODGEMENT;
  }
  v[RT_LODGEMENT_DECISION] = decided - m->lodged;
  p |= 1u << RT_LODGEMENT_DECISION;
  if (m->paid) {
    int64_t paid = m->paid > decided ? m->paid : decided;
    v[RT_DECISION_PAYMENT] = paid - decided;
    p |= 1u << RT_DECISION_PAYMENT;
    before_release = paid;
  }
  v[RT_TO_RELEASE] = m->released - before_release;
  p |= 1u << RT_TO_RELEASE;
  if (m->gate_out) {
    v[RT_RELEASE_GATEOUT] = m->gate_out - m->released;
    p |= 1u << RT_RELEASE_GATEOUT;
  }
  if (m->arrival) {
    /* goods lodged and released before arrival are released on arrival: 0, not negative */
    int64_t t = m->released - m->arrival;
    v[RT_TOTAL] = t > 0 ? t : 0;
  } else {
    v[RT_TOTAL] = m->released - m->lodged;
  }
  p |= 1u << RT_TOTAL;
  return p;
}

static int cmp_record(const void *a, const void *b) {
  return strcmp(((const struct rt_record *)a)->group, ((const struct rt_record *)b)->group);
}

int rt_aggregate(struct rt_record *recs, size_t n, size_t min_group, struct rt_group **out,
                 size_t *n_out) {
  struct rt_group *groups = NULL;
  int64_t *scratch = NULL;
  size_t ng = 0;
  int rc = 0;
  *out = NULL;
  *n_out = 0;
  if (n == 0) return 0;
  qsort(recs, n, sizeof *recs, cmp_record);
  for (size_t i = 0; i < n; i++)
    if (i == 0 || strcmp(recs[i].group, recs[i - 1].group)) ng++;
  groups = calloc(ng, sizeof *groups);
  scratch = malloc(n * sizeof *scratch);
  if (!groups || !scratch) {
    rc = -SW_ENOMEM;
    goto out;
  }
  size_t g = 0;
  for (size_t start = 0; start < n; g++) {
    size_t end = start + 1;
    while (end < n && !strcmp(recs[end].group, recs[start].group)) end++;
    struct rt_group *gr = &groups[g];
    gr->key = recs[start].group;
    gr->count = end - start;
    gr->suppressed = stats_suppressed(gr->count, min_group);
    for (int s = 0; s < RT_N_STAGES && !gr->suppressed; s++) {
      size_t k = 0;
      for (size_t i = start; i < end; i++)
        if (recs[i].present & (1u << s)) scratch[k++] = recs[i].v[s];
      if ((rc = stats_summarize(scratch, k, &gr->stage[s])) < 0) goto out;
    }
    start = end;
  }
  *out = groups;
  *n_out = ng;
  groups = NULL;
out:
  free(groups);
  free(scratch);
  return rc;
}
