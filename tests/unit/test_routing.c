#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/routing.h"

#include "decl_fixture.h"

#define IM DECL_TYPE_BIT(DECL_IM)
#define EX DECL_TYPE_BIT(DECL_EX)
#define VA DECL_TYPE_BIT(DECL_VA)
#define VD DECL_TYPE_BIT(DECL_VD)

static char *food_chapters[] = {"01", "02", "03", "04", "05", "06", "07", "08", "09",
                                "10", "11", "12", "13", "14", "15", "16", "17", "18",
                                "19", "20", "21", "22", "23", "24", "44"};

static struct routing_rule rule(char *id, char *agency, unsigned types, char *reason) {
  struct routing_rule r;
  memset(&r, 0, sizeof r);
  r.id = id;
  r.version = 1;
  r.agency = agency;
  r.types = types;
  r.enabled = true;
  r.reason = reason;
  return r;
}

/* The rule set of the issue: customs always; quarantine for HS chapters 01-24 and 44;
 * vessel calls go to maritime, border, quarantine and customs. */
static size_t standard_rules(struct routing_rule *rules) {
  size_t n = 0;
  rules[n] = rule("customs-all", "CUSTOMS", IM | EX | VA | VD, "Every declaration");
  rules[n++].always = true;
  rules[n] = rule("quarantine-food-wood", "QUARANTINE", IM | EX, "Food, plants, animals, wood");
  rules[n].hs_prefixes = food_chapters;
  rules[n++].n_hs_prefixes = sizeof food_chapters / sizeof food_chapters[0];
  rules[n] = rule("maritime-calls", "MARITIME", VA | VD, "Port state control");
  rules[n++].always = true;
  rules[n] = rule("border-calls", "BORDER", VA | VD, "Crew and passengers");
  rules[n++].always = true;
  rules[n] = rule("quarantine-calls", "QUARANTINE", VA | VD, "Ship sanitation");
  rules[n++].always = true;
  return n;
}

static void test_import_shrimps(void **state) {
  (void)state;
  struct arena a;
  struct decl d;
  struct routing_rule rules[8];
  struct route_result res;
  arena_init(&a, 0);
  fixture_goods(&a, &d);
  size_t n = standard_rules(rules);
  assert_int_equal(routing_evaluate(rules, n, &d, &res), 0);
  assert_int_equal(res.n, 2);
  const struct route_task *c = routing_result_task(&res, "CUSTOMS");
  const struct route_task *q = routing_result_task(&res, "QUARANTINE");
  assert_non_null(c);
  assert_non_null(q);
  assert_int_equal(q->n_matched, 1);
  assert_string_equal(q->rules[0]->id, "quarantine-food-wood");
  assert_string_equal(q->rules[0]->reason, "Food, plants, animals, wood");
  assert_false(q->auto_approve);
  assert_false(c->auto_approve);
  assert_null(routing_result_task(&res, "MARITIME"));

  /* Computers: customs only. Wood (chapter 44): quarantine again. */
  d.goods.items[0].hs = fx_s(&a, "847130");
  assert_int_equal(routing_evaluate(rules, n, &d, &res), 0);
  assert_int_equal(res.n, 1);
  assert_string_equal(res.tasks[0].agency, "CUSTOMS");
  d.goods.items[0].hs = fx_s(&a, "440311");
  assert_int_equal(routing_evaluate(rules, n, &d, &res), 0);
  assert_non_null(routing_result_task(&res, "QUARANTINE"));
  /* Chapter 25 (salt) is not food in this rule set: "2" is no prefix of it. */
  d.goods.items[0].hs = fx_s(&a, "250100");
  assert_int_equal(routing_evaluate(rules, n, &d, &res), 0);
  assert_null(routing_result_task(&res, "QUARANTINE"));

  /* Any item suffices. */
  struct decl_item two[2] = {d.goods.items[0], d.goods.items[0]};
  two[1].hs = fx_s(&a, "03061711");
  d.goods.items = two;
  d.goods.n_items = 2;
  assert_int_equal(routing_evaluate(rules, n, &d, &res), 0);
  assert_non_null(routing_result_task(&res, "QUARANTINE"));
  arena_release(&a);
}

static void test_vessel_call(void **state) {
  (void)state;
  struct arena a;
  struct decl d;
  struct routing_rule rules[8];
  struct route_result res;
  arena_init(&a, 0);
  fixture_va(&a, &d);
  size_t n = standard_rules(rules);
  assert_int_equal(routing_evaluate(rules, n, &d, &res), 0);
  assert_int_equal(res.n, 4);
  static const char *const want[] = {"BORDER", "CUSTOMS", "MARITIME", "QUARANTINE"};
  for (size_t i = 0; i < 4; i++) { /* equal priorities: ordered by agency */
    assert_string_equal(res.tasks[i].agency, want[i]);
    assert_int_equal(res.tasks[i].n_matched, 1);
  }
  assert_string_equal(routing_result_task(&res, "QUARANTINE")->rules[0]->id, "quarantine-calls");
  d.type = DECL_VD;
  assert_int_equal(routing_evaluate(rules, n, &d, &res), 0);
  assert_int_equal(res.n, 4);
  arena_release(&a);
}

static void test_dedupe_and_auto(void **state) {
  (void)state;
  struct arena a;
  struct decl d;
  struct route_result res;
  arena_init(&a, 0);
  fixture_goods(&a, &d);
  static char *small[] = {"03"};
  static char *vn[] = {"VN"};
  struct routing_rule rules[3];
  rules[0] = rule("customs-green", "CUSTOMS", IM, "Low-risk seafood from VN");
  rules[0].hs_prefixes = small;
  rules[0].n_hs_prefixes = 1;
  rules[0].auto_decision = ROUTE_AUTO_APPROVE;
  rules[1] = rule("customs-vn", "CUSTOMS", IM, "Origin VN");
  rules[1].origins = vn;
  rules[1].n_origins = 1;
  rules[1].auto_decision = ROUTE_AUTO_APPROVE;
  rules[1].priority = 5;
  rules[2] = rule("customs-all", "CUSTOMS", IM, "Every import");
  rules[2].always = true;

  /* Two approving rules: one task, auto-approved; higher priority listed first. */
  assert_int_equal(routing_evaluate(rules, 2, &d, &res), 0);
  assert_int_equal(res.n, 1);
  assert_int_equal(res.tasks[0].n_matched, 2);
  assert_true(res.tasks[0].auto_approve);
  assert_int_equal(res.tasks[0].priority, 5);
  assert_string_equal(res.tasks[0].rules[0]->id, "customs-vn");
  assert_string_equal(res.tasks[0].rules[1]->id, "customs-green");

  /* One matching rule without approve: an officer decides. */
  assert_int_equal(routing_evaluate(rules, 3, &d, &res), 0);
  assert_int_equal(res.n, 1);
  assert_int_equal(res.tasks[0].n_matched, 3);
  assert_false(res.tasks[0].auto_approve);

  /* A non-matching rule without approve does not spoil the green channel. */
  d.goods.items[0].origin = fx_s(&a, "US");
  assert_int_equal(routing_evaluate(rules, 2, &d, &res), 0);
  assert_int_equal(res.tasks[0].n_matched, 1);
  assert_true(res.tasks[0].auto_approve);

  /* Disabled rules and other types never match. */
  rules[0].enabled = false;
  assert_int_equal(routing_evaluate(rules, 2, &d, &res), 0);
  assert_int_equal(res.n, 0);
  rules[0].enabled = true;
  rules[0].types = EX;
  assert_int_equal(routing_evaluate(rules, 1, &d, &res), 0);
  assert_int_equal(res.n, 0);
  arena_release(&a);
}

static void test_conditions_and_or(void **state) {
  (void)state;
  struct arena a;
  struct decl d;
  arena_init(&a, 0);
  fixture_goods(&a, &d);
  static char *hs[] = {"0306", "0307"};
  static char *origins[] = {"TH", "VN"};
  static char *dest_cn[] = {"CN"};
  static char *proc40[] = {"40"};
  static char *proc1000[] = {"1000"};
  struct routing_rule r = rule("r", "X", IM | EX, "t");
  r.hs_prefixes = hs;
  r.n_hs_prefixes = 2;
  r.origins = origins;
  r.n_origins = 2;
  assert_true(routing_rule_matches(&r, &d)); /* 0306 and VN */
  d.goods.items[0].origin = fx_s(&a, "US");
  assert_false(routing_rule_matches(&r, &d)); /* AND across kinds */
  d.goods.items[0].origin = fx_s(&a, "TH");
  assert_true(routing_rule_matches(&r, &d)); /* OR within the list */
  r.always = true;
  d.goods.items[0].origin = fx_s(&a, "US");
  assert_true(routing_rule_matches(&r, &d)); /* always wins */

  /* Destination of an import defaults to the office's country. */
  struct routing_rule rd = rule("d", "X", IM | EX, "t");
  rd.destinations = dest_cn;
  rd.n_destinations = 1;
  assert_true(routing_rule_matches(&rd, &d));
  d.type = DECL_EX;
  assert_false(routing_rule_matches(&rd, &d));
  d.goods.destination = fx_s(&a, "CN");
  assert_true(routing_rule_matches(&rd, &d));
  d.type = DECL_IM;

  /* Procedures: 2 digits match the requested procedure, 4 digits exactly. */
  struct routing_rule rp = rule("p", "X", IM, "t");
  rp.procedures = proc40;
  rp.n_procedures = 1;
  assert_true(routing_rule_matches(&rp, &d));
  rp.procedures = proc1000;
  assert_false(routing_rule_matches(&rp, &d));

  /* Value strictly above the threshold; optionally only in one currency. */
  struct routing_rule rv = rule("v", "X", IM, "t");
  rv.has_value_above = true;
  rv.value_above = fx_money("98000.00");
  assert_false(routing_rule_matches(&rv, &d));
  rv.value_above = fx_money("97999.99");
  assert_true(routing_rule_matches(&rv, &d));
  rv.value_currency = "USD";
  assert_true(routing_rule_matches(&rv, &d));
  rv.value_currency = "EUR";
  assert_false(routing_rule_matches(&rv, &d));

  /* No condition and no always: never matches. Goods conditions never match vessel calls. */
  struct routing_rule rn = rule("n", "X", IM | VA, "t");
  assert_false(routing_rule_matches(&rn, &d));
  rn.hs_prefixes = hs;
  rn.n_hs_prefixes = 2;
  assert_true(routing_rule_matches(&rn, &d));
  struct decl va;
  fixture_va(&a, &va);
  assert_false(routing_rule_matches(&rn, &va));
  arena_release(&a);
}

static void test_priority_order_and_limits(void **state) {
  (void)state;
  struct arena a;
  struct decl d;
  struct route_result res;
  arena_init(&a, 0);
  fixture_goods(&a, &d);

  struct routing_rule rules[40];
  char names[40][16];
  for (int i = 0; i < 40; i++) {
    snprintf(names[i], sizeof names[i], "AG%02d", i);
    rules[i] = rule(names[i], names[i], IM, "t");
    rules[i].always = true;
    rules[i].priority = i % 3;
  }
  assert_int_equal(routing_evaluate(rules, ROUTE_MAX_AGENCIES, &d, &res), 0);
  assert_int_equal(res.n, ROUTE_MAX_AGENCIES);
  for (size_t i = 1; i < res.n; i++) {
    const struct route_task *p = &res.tasks[i - 1], *t = &res.tasks[i];
    assert_true(p->priority > t->priority ||
                (p->priority == t->priority && strcmp(p->agency, t->agency) < 0));
  }
  assert_int_equal(routing_evaluate(rules, 40, &d, &res), -SW_ETOOBIG);

  /* Many rules for one agency: all count, the best ROUTE_MAX_TASK_RULES are listed. */
  for (int i = 0; i < 40; i++) {
    rules[i].agency = "CUSTOMS";
    rules[i].priority = i;
    rules[i].auto_decision = ROUTE_AUTO_APPROVE;
  }
  rules[3].auto_decision = ROUTE_AUTO_NONE;
  assert_int_equal(routing_evaluate(rules, 40, &d, &res), 0);
  assert_int_equal(res.n, 1);
  assert_int_equal(res.tasks[0].n_matched, 40);
  assert_int_equal(res.tasks[0].priority, 39);
  assert_false(res.tasks[0].auto_approve); /* rule 3 is not listed but still decides */
  for (int i = 0; i < ROUTE_MAX_TASK_RULES; i++)
    assert_int_equal(res.tasks[0].rules[i]->priority, 39 - i);
  arena_release(&a);
}

static void test_rule_check(void **state) {
  (void)state;
  struct errlist errs;
  struct refdata *rd = fixture_refdata();
  assert_non_null(rd);
  struct routing_rule rules[8];
  size_t n = standard_rules(rules);
  for (size_t i = 0; i < n; i++) {
    errlist_init(&errs);
    assert_int_equal(routing_rule_check(&rules[i], "", rd, &errs), 0);
  }

  static char *bad_prefixes[] = {"3", "03X6", "01234567890", "0306", "0306"};
  static char *bad_countries[] = {"vn", "XX"};
  static char *bad_procs[] = {"400", "4000"};
  struct routing_rule r = rule("bad rule!", "customs", 0, NULL);
  r.version = 0;
  r.hs_prefixes = bad_prefixes;
  r.n_hs_prefixes = 5;
  r.origins = bad_countries;
  r.n_origins = 2;
  r.procedures = bad_procs;
  r.n_procedures = 2;
  r.has_value_above = true;
  r.value_above = -1;
  errlist_init(&errs);
  assert_int_equal(routing_rule_check(&r, "/rules/7", rd, &errs), -SW_EVALIDATION);
  assert_true(fx_has(&errs, "/rules/7/id", "bad_format"));
  assert_true(fx_has(&errs, "/rules/7/version", "out_of_range"));
  assert_true(fx_has(&errs, "/rules/7/agency", "bad_format"));
  assert_true(fx_has(&errs, "/rules/7/types", "required"));
  assert_true(fx_has(&errs, "/rules/7/conditions/hs_prefixes/0", "bad_format"));
  assert_true(fx_has(&errs, "/rules/7/conditions/hs_prefixes/1", "bad_format"));
  assert_true(fx_has(&errs, "/rules/7/conditions/hs_prefixes/2", "bad_format"));
  assert_true(fx_has(&errs, "/rules/7/conditions/hs_prefixes/4", "duplicate"));
  assert_true(fx_has(&errs, "/rules/7/conditions/origins/0", "bad_format"));
  assert_true(fx_has(&errs, "/rules/7/conditions/origins/1", "unknown_country"));
  assert_true(fx_has(&errs, "/rules/7/conditions/procedures/0", "bad_format"));
  assert_true(fx_has(&errs, "/rules/7/conditions/value_above", "out_of_range"));
  assert_true(fx_has(&errs, "/rules/7/reason", "required"));
  assert_int_equal(errs.n, 13);

  /* Empty conditions without always; bad type bits; conditions on a vessel-only rule. */
  struct routing_rule e = rule("empty", "CUSTOMS", IM, "r");
  errlist_init(&errs);
  assert_int_equal(routing_rule_check(&e, "", rd, &errs), -SW_EVALIDATION);
  assert_true(fx_has(&errs, "/conditions", "no_conditions"));
  e.always = true;
  e.types = 1u << 9;
  errlist_init(&errs);
  assert_int_equal(routing_rule_check(&e, "", rd, &errs), -SW_EVALIDATION);
  assert_true(fx_has(&errs, "/types", "bad_value"));
  e.always = false;
  e.types = VA;
  e.hs_prefixes = food_chapters;
  e.n_hs_prefixes = 2;
  errlist_init(&errs);
  assert_int_equal(routing_rule_check(&e, "", rd, &errs), -SW_EVALIDATION);
  assert_true(fx_has(&errs, "/conditions", "bad_value"));
  refdata_free(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_import_shrimps),
      cmocka_unit_test(test_vessel_call),
      cmocka_unit_test(test_dedupe_and_auto),
      cmocka_unit_test(test_conditions_and_or),
      cmocka_unit_test(test_priority_order_and_limits),
      cmocka_unit_test(test_rule_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
