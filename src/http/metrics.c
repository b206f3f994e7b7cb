#include "http/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "store/store.h"

static const int64_t BUCKETS_US[] = {500, 1000, 2500, 5000, 10000, 25000,
                                     50000, 100000, 250000, 1000000};
#define NB (sizeof BUCKETS_US / sizeof BUCKETS_US[0])

struct route_metrics {
  atomic_uint_fast64_t by_class[6]; /* 1xx..5xx, index 0 unused */
  atomic_uint_fast64_t bucket[NB + 1];
  atomic_uint_fast64_t sum_us;
};

struct metrics {
  size_t n;
  struct route_metrics r[];
};

struct metrics *metrics_new(size_t nroutes) {
  struct metrics *m = calloc(1, sizeof *m + (nroutes + 1) * sizeof(struct route_metrics));
  if (m) m->n = nroutes;
  return m;
}

void metrics_free(struct metrics *m) { free(m); }

void metrics_observe(struct metrics *m, size_t idx, unsigned status, int64_t micros) {
  if (idx > m->n) idx = m->n;
  struct route_metrics *rm = &m->r[idx];
  unsigned cls = status / 100;
  if (cls < 1 || cls > 5) cls = 5;
  atomic_fetch_add_explicit(&rm->by_class[cls], 1, memory_order_relaxed);
  size_t b = 0;
  while (b < NB && micros > BUCKETS_US[b]) b++;
  atomic_fetch_add_explicit(&rm->bucket[b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&rm->sum_us, (uint_fast64_t)(micros > 0 ? micros : 0),
                            memory_order_relaxed);
}

struct buf {
  char *p;
  size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (b->p && (size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = (b->cap ? b->cap * 2 : 16384) + (size_t)n;
    char *np = realloc(b->p, cap);
    if (!np) return;
    b->p = np;
    b->cap = cap;
  }
}

char *metrics_render(struct metrics *m, struct store *store, uint64_t remote_commits,
                     size_t *len) {
  struct buf b = {0};
  put(&b, "# HELP sw_http_requests_total Requests answered, by route and status class.\n"
          "# TYPE sw_http_requests_total counter\n");
  for (size_t i = 0; i <= m->n; i++) {
    const char *meth = i < m->n ? ROUTES[i].method : "";
    const char *pat = i < m->n ? ROUTES[i].pattern : "unmatched";
    for (int c = 1; c <= 5; c++) {
      uint64_t v = atomic_load(&m->r[i].by_class[c]);
      if (v)
        put(&b, "sw_http_requests_total{method=\"%s\",route=\"%s\",code=\"%dxx\"} %llu\n",
            meth, pat, c, (unsigned long long)v);
    }
  }
  put(&b, "# HELP sw_http_request_duration_seconds Request latency by route.\n"
          "# TYPE sw_http_request_duration_seconds histogram\n");
  for (size_t i = 0; i <= m->n; i++) {
    const char *meth = i < m->n ? ROUTES[i].method : "";
    const char *pat = i < m->n ? ROUTES[i].pattern : "unmatched";
    uint64_t cum = 0;
    for (size_t k = 0; k <= NB; k++) cum += atomic_load(&m->r[i].bucket[k]);
    if (!cum) continue;
    uint64_t acc = 0;
    for (size_t k = 0; k < NB; k++) {
      acc += atomic_load(&m->r[i].bucket[k]);
      put(&b,
          "sw_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} "
          "%llu\n",
          meth, pat, (double)BUCKETS_US[k] / 1e6, (unsigned long long)acc);
    }
    put(&b, "sw_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} "
            "%llu\n", meth, pat, (unsigned long long)cum);
    put(&b, "sw_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n", meth,
        pat, (double)atomic_load(&m->r[i].sum_us) / 1e6);
    put(&b, "sw_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n", meth,
        pat, (unsigned long long)cum);
  }
  struct store_stats st;
  store_get_stats(store, &st);
  static const char *const le[] = {"1", "3", "7", "15", "31", "63", "127", "+Inf"};
  put(&b, "# HELP sw_store_commits_total Write transactions committed.\n"
          "# TYPE sw_store_commits_total counter\nsw_store_commits_total %llu\n"
          "# HELP sw_store_write_jobs_total Write jobs executed.\n"
          "# TYPE sw_store_write_jobs_total counter\nsw_store_write_jobs_total %llu\n"
          "# HELP sw_store_write_queue_depth Write jobs waiting for the writer.\n"
          "# TYPE sw_store_write_queue_depth gauge\nsw_store_write_queue_depth %llu\n"
          "# HELP sw_store_commit_batch_size Jobs per committed transaction.\n"
          "# TYPE sw_store_commit_batch_size histogram\n",
      (unsigned long long)st.commits, (unsigned long long)st.jobs,
      (unsigned long long)st.queue_depth);
  uint64_t acc = 0;
  for (int k = 0; k < 8; k++) {
    acc += st.batch_hist[k];
    put(&b, "sw_store_commit_batch_size_bucket{le=\"%s\"} %llu\n", le[k],
        (unsigned long long)acc);
  }
  put(&b, "sw_store_commit_batch_size_count %llu\nsw_store_commit_batch_size_sum %llu\n",
      (unsigned long long)st.commits, (unsigned long long)st.jobs);
  put(&b, "# HELP sw_store_remote_commits_total Commits announced by other nodes (PostgreSQL).\n"
          "# TYPE sw_store_remote_commits_total counter\nsw_store_remote_commits_total %llu\n",
      (unsigned long long)remote_commits);
  *len = b.len;
  return b.p;
}
