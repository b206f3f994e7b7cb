/* test_stats.c - descriptive statistics, release-time stages, grouping with suppression,
 * fee arithmetic: every expected value computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/fees.h"
#include "core/stats.h"

static void test_summary_odd_even(void **state) {
  (void)state;
  int64_t v[] = {900, 0, 61, 360, 90};
  struct stats_summary s;
  assert_int_equal(stats_summarize(v, 5, &s), 0);
  assert_int_equal(s.count, 5);
  assert_int_equal(s.mean, 282); /* 1411 / 5 = 282.2 */
  assert_int_equal(s.median, 90);
  assert_int_equal(s.p90, 900); /* rank ceil(4.5) = 5 */
  assert_int_equal(s.min, 0);
  assert_int_equal(s.max, 900);
  int64_t w[] = {60, -120, 30, 600};
  assert_int_equal(stats_summarize(w, 4, &s), 0);
  assert_int_equal(s.median, 45); /* (30 + 60) / 2 */
  assert_int_equal(s.mean, 143); /* 570 / 4 = 142.5, half away from zero */
  assert_int_equal(s.p90, 600);
  assert_int_equal(s.min, -120);
  int64_t neg[] = {-3, -2};
  assert_int_equal(stats_summarize(neg, 2, &s), 0);
  assert_int_equal(s.mean, -3); /* -2.5 -> -3 */
  assert_int_equal(stats_summarize(NULL, 0, &s), 0);
  assert_int_equal(s.count, 0);
}

static void test_percentile_nearest_rank(void **state) {
  (void)state;
  int64_t v[10];
  for (int i = 0; i < 10; i++) v[i] = i + 1;
  assert_int_equal(stats_percentile(v, 10, 90), 9);
  assert_int_equal(stats_percentile(v, 10, 100), 10);
  assert_int_equal(stats_percentile(v, 1, 90), 1);
  assert_int_equal(stats_percentile(v, 7, 90), 7); /* ceil(6.3) = 7 */
}

static void test_histogram(void **state) {
  (void)state;
  int64_t edges[] = {0, 10, 100}, v[] = {-5, 0, 9, 10, 99, 100, 5000};
  size_t counts[3];
  stats_histogram(v, 7, edges, 3, counts);
  assert_int_equal(counts[0], 3);
  assert_int_equal(counts[1], 2);
  assert_int_equal(counts[2], 2);
}

static void test_intervals(void **state) {
  (void)state;
  int64_t v[RT_N_STAGES];
  /* pre-arrival lodgement, released before arrival: negative stage, total 0 */
  struct rt_milestones m = {.arrival = 1000, .lodged = 880, .decided = 940, .released = 940,
                            .gate_out = 1300};
  unsigned p = rt_intervals(&m, v);
  assert_int_equal(v[RT_ARRIVAL_LODGEMENT], -120);
  assert_int_equal(v[RT_LODGEMENT_DECISION], 60);
  assert_int_equal(v[RT_TO_RELEASE], 0);
  assert_int_equal(v[RT_RELEASE_GATEOUT], 360);
  assert_int_equal(v[RT_TOTAL], 0);
  assert_false(p & (1u << RT_DECISION_PAYMENT));
  /* paid before the decisions: no waiting for payment */
  struct rt_milestones q = {.lodged = 1000, .decided = 1300, .paid = 1100, .released = 1301};
  p = rt_intervals(&q, v);
  assert_true(p & (1u << RT_DECISION_PAYMENT));
  assert_int_equal(v[RT_DECISION_PAYMENT], 0);
  assert_int_equal(v[RT_TO_RELEASE], 1);
  assert_int_equal(v[RT_TOTAL], 301);
  assert_false(p & (1u << RT_ARRIVAL_LODGEMENT));
  struct rt_milestones none = {.lodged = 5};
  assert_int_equal(rt_intervals(&none, v), 0);
  assert_string_equal(rt_stage_name(RT_TOTAL), "total");
}

static void test_aggregate_suppression(void **state) {
  (void)state;
  struct rt_record r[7];
  const char *keys[] = {"IM", "EX", "IM", "IM", "EX", "IM", "IM"};
  int64_t totals[] = {61, 1, 0, 360, 120, 90, 900};
  memset(r, 0, sizeof r);
  for (int i = 0; i < 7; i++) {
    r[i].group = keys[i];
    r[i].v[RT_TOTAL] = totals[i];
    r[i].present = 1u << RT_TOTAL;
  }
  struct rt_group *g;
  size_t n;
  assert_int_equal(rt_aggregate(r, 7, 5, &g, &n), 0);
  assert_int_equal(n, 2);
  assert_string_equal(g[0].key, "EX");
  assert_int_equal(g[0].count, 2);
  assert_true(g[0].suppressed);
  assert_int_equal(g[0].stage[RT_TOTAL].count, 0);
  assert_string_equal(g[1].key, "IM");
  assert_false(g[1].suppressed);
  assert_int_equal(g[1].stage[RT_TOTAL].median, 90);
  assert_int_equal(g[1].stage[RT_TOTAL].p90, 900);
  assert_int_equal(g[1].stage[RT_LODGEMENT_DECISION].count, 0);
  free(g);
  assert_int_equal(rt_aggregate(r, 0, 5, &g, &n), 0);
  assert_int_equal(n, 0);
}

static void test_fees(void **state) {
  (void)state;
  struct fee_shipment s = {.gross_tonnage = 30000, .containers_20 = 4, .containers_40 = 2,
                           .storage_days = 5, .tonnes = 3, .declarations = 1};
  int64_t a;
  assert_int_equal(fee_quantity(FEE_PER_TEU, 0, &s), 8);
  assert_int_equal(fee_quantity(FEE_PER_CONTAINER_DAY, 3, &s), 12);
  assert_int_equal(fee_quantity(FEE_PER_CONTAINER_DAY, 9, &s), 0);
  assert_int_equal(fee_quantity(FEE_PER_CALL, 0, &s), 1);
  assert_int_equal(fee_amount(1250, 3, &a), 0); /* 0.125 x 3 = 0.375 -> 0.38 */
  assert_int_equal(a, 38);
  assert_int_equal(fee_amount(4000, 30000, &a), 0); /* 0.40 x 30000 = 12000.00 */
  assert_int_equal(a, 1200000);
  assert_int_equal(fee_amount(INT64_MAX / 2, 3, &a), -SW_ETOOBIG);
  assert_int_equal(fee_unit_parse("per_teu"), FEE_PER_TEU);
  assert_int_equal(fee_unit_parse("per_elephant"), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_summary_odd_even), cmocka_unit_test(test_percentile_nearest_rank),
      cmocka_unit_test(test_histogram),        cmocka_unit_test(test_intervals),
      cmocka_unit_test(test_aggregate_suppression), cmocka_unit_test(test_fees),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
