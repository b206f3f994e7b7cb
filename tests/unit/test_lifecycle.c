/* test_lifecycle.c - task decisions, declaration outcomes, time formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/lifecycle.h"
#include "core/timefmt.h"

static void test_pending_takes_every_decision(void **state) {
  (void)state;
  enum task_state to;
  assert_int_equal(task_decide(TS_PENDING, DEC_APPROVE, &to), 0);
  assert_int_equal(to, TS_APPROVED);
  assert_int_equal(task_decide(TS_PENDING, DEC_REJECT, &to), 0);
  assert_int_equal(to, TS_REJECTED);
  assert_int_equal(task_decide(TS_PENDING, DEC_HOLD, &to), 0);
  assert_int_equal(to, TS_HELD);
  assert_int_equal(task_decide(TS_PENDING, DEC_INSPECT, &to), 0);
  assert_int_equal(to, TS_INSPECTION);
}

static void test_inspection_only_approves_or_rejects(void **state) {
  (void)state;
  enum task_state to;
  assert_int_equal(task_decide(TS_INSPECTION, DEC_APPROVE, &to), 0);
  assert_int_equal(to, TS_APPROVED);
  assert_int_equal(task_decide(TS_INSPECTION, DEC_REJECT, &to), 0);
  assert_int_equal(to, TS_REJECTED);
  assert_int_equal(task_decide(TS_INSPECTION, DEC_HOLD, &to), -SW_ESTATE);
  assert_int_equal(task_decide(TS_INSPECTION, DEC_INSPECT, &to), -SW_ESTATE);
}

static void test_final_and_held_states_refuse(void **state) {
  (void)state;
  enum task_state to;
  const enum task_state closed[] = {TS_APPROVED, TS_REJECTED, TS_HELD, TS_CLOSED};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(task_decide(closed[i], DEC_APPROVE, &to), -SW_ESTATE);
    assert_int_equal(task_decide(closed[i], DEC_REJECT, &to), -SW_ESTATE);
  }
}

static void test_outcome(void **state) {
  (void)state;
  enum task_state two_approved[] = {TS_APPROVED, TS_APPROVED};
  enum task_state one_open[] = {TS_APPROVED, TS_HELD};
  enum task_state one_rejected[] = {TS_PENDING, TS_REJECTED};
  assert_int_equal(decl_outcome(two_approved, 2, 0), DS_RELEASED);
  assert_int_equal(decl_outcome(two_approved, 2, 1), DS_CLEARED);
  assert_int_equal(decl_outcome(one_open, 2, 0), DS_UNDER_REVIEW);
  assert_int_equal(decl_outcome(one_rejected, 2, 0), DS_REFUSED);
  assert_true(decl_status_final(DS_CANCELLED));
  assert_false(decl_status_final(DS_UNDER_REVIEW));
  assert_true(task_state_open(TS_HELD));
  assert_false(task_state_open(TS_CLOSED));
}

static void test_names_round_trip(void **state) {
  (void)state;
  for (int s = DS_RECEIVED; s <= DS_CANCELLED; s++)
    assert_int_equal(decl_status_parse(decl_status_name((enum decl_status)s)), s);
  for (int s = TS_PENDING; s <= TS_CLOSED; s++)
    assert_int_equal(task_state_parse(task_state_name((enum task_state)s)), s);
  assert_int_equal(decision_parse("hold"), DEC_HOLD);
  assert_int_equal(decision_parse("maybe"), DEC_NONE);
  assert_int_equal(decision_parse(""), DEC_NONE);
  assert_int_equal(decl_status_parse("nonsense"), -1);
}

static void test_time_format(void **state) {
  (void)state;
  char buf[40];
  time_format_us(0, buf, sizeof buf);
  assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");
  time_format_us(1795867760814123LL, buf, sizeof buf);
  assert_string_equal(buf, "2026-11-28T12:09:20.814123Z");
  time_format_us(951782400000000LL, buf, sizeof buf); /* leap day 2000 */
  assert_string_equal(buf, "2000-02-29T00:00:00.000000Z");
  time_format_us(-1, buf, sizeof buf);
  assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
  assert_int_equal(time_year_us(1795867760814123LL), 2026);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pending_takes_every_decision),
      cmocka_unit_test(test_inspection_only_approves_or_rejects),
      cmocka_unit_test(test_final_and_held_states_refuse),
      cmocka_unit_test(test_outcome),
      cmocka_unit_test(test_names_round_trip),
      cmocka_unit_test(test_time_format),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
