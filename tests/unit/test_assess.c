/* test_assess.c - duties and taxes on hand-computed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "codec/assess_json.h"
#include "core/arena.h"
#include "core/assess.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"
#include "core/decimal.h"

static struct tariff_line LINES[] = {
    {"030617", 0, 50000, 0, "", 90000, 0, 0},        /* shrimps: 5% duty, 9% VAT */
    {"2203", 0, 0, 120, "LTR", 130000, 0, 0},         /* beer: CNY 1.20/litre, 13% VAT */
    {"2204", 0, 140000, 50, "LTR", 130000, 100000, 0}, /* wine: 14% + 0.50/l, 10% excise */
    {"8517", 0, 80000, 0, "", 130000, 0, 0},          /* phones: 8% */
    {"8517", 20000, 60000, 0, "", 130000, 0, 0},      /* ... 6% from day 20000 */
    {"2601", 0, 0, 0, "", 130000, 0, 200000},         /* iron ore: 20% export duty */
    {"99", 0, 50000, 0, "", 130000, 0, 0},
};
static struct tariff_pref PREFS[] = {{"8517", "RCEP", "KR,JP", 0, 20000}};
static struct fx_rate RATES[] = {{"USD", 0, 7000000}, {"EUR", 0, 7654321}};

static struct tariff tariff(void) {
  struct tariff t = {LINES, sizeof LINES / sizeof *LINES, PREFS, 1, RATES, 2, "CNY"};
  tariff_sort(&t);
  return t;
}

struct fx {
  struct arena a;
  struct decl d;
  struct decl_item items[999];
  struct decl_document docs[1];
  struct errlist errs;
  struct assessment as;
};

/* An import in `cur` with n items of the given HS, value and quantity/unit. */
static struct fx *make(const char *cur, const char *incoterm, size_t n, const char *hs,
                       int64_t value, int64_t qty, const char *unit) {
  struct fx *f = calloc(1, sizeof *f);
  arena_init(&f->a, 0);
  errlist_init(&f->errs);
  f->d.type = DECL_IM;
  f->d.goods.invoice.currency = (char *)cur;
  f->d.goods.invoice.incoterm = (char *)incoterm;
  f->d.goods.items = f->items;
  f->d.goods.n_items = n;
  for (size_t i = 0; i < n; i++) {
    f->items[i] = (struct decl_item){.seq = (int64_t)i + 1, .hs = (char *)hs, .origin = "KR",
                                     .unit = (char *)unit, .quantity = qty, .has_quantity = true,
                                     .value = value, .has_value = true};
  }
  return f;
}

static void done(struct fx *f) {
  arena_release(&f->a);
  free(f);
}

static int64_t run(struct fx *f, int64_t day) {
  struct tariff t = tariff();
  int rc = assess_declaration(&f->d, &t, day, &f->a, &f->as, &f->errs);
  return rc < 0 ? rc : f->as.total;
}

static void test_ad_valorem_and_vat_on_duty_inclusive_value(void **state) {
  (void)state;
  struct fx *f = make("USD", "CIF", 1, "03061711", 100000, 12000000, "KGM"); /* USD 1000.00 */
  assert_int_equal(run(f, 100), 35000 + 66150);
  assert_int_equal(f->as.customs_value, 700000); /* CNY 7000.00 at 7.000000 */
  assert_int_equal(f->as.duty, 35000);           /* 5% */
  assert_int_equal(f->as.vat, 66150);            /* 9% of 7350.00 */
  assert_int_equal(f->as.n_lines, 2);
  assert_string_equal(f->as.lines[0].basis, "MFN");
  done(f);
}

static void test_specific_duty(void **state) {
  (void)state;
  struct fx *f = make("CNY", "CIF", 1, "22030000", 500000, 1000500, "LTR"); /* 1000.5 l */
  run(f, 100);
  assert_int_equal(f->as.duty, 120060);                  /* 1000.5 x 1.20 */
  /* VAT 13% of 6200.60 = 806.078 -> 806.08 */
  assert_int_equal(f->as.vat, 80608);
  done(f);
}

static void test_mixed_with_excise(void **state) {
  (void)state;
  struct fx *f = make("CNY", "CIF", 1, "22042100", 1000000, 750000, "LTR"); /* 750 l */
  run(f, 100);
  /* duty = 10000.00 x 14% + 750 x 0.50 = 1400.00 + 375.00 */
  assert_int_equal(f->as.duty, 177500);
  /* excise = (10000.00 + 1775.00) x 10% = 1177.50 */
  assert_int_equal(f->as.excise, 117750);
  /* VAT = (10000.00 + 1775.00 + 1177.50) x 13% = 1683.825 -> 1683.83 */
  assert_int_equal(f->as.vat, 168383);
  assert_int_equal(f->as.n_lines, 3);
  done(f);
}

static void test_currency_conversion_rounds_half_up(void **state) {
  (void)state;
  struct fx *f = make("EUR", "CIF", 1, "85171300", 12345, 1000, "NAR"); /* EUR 123.45 */
  run(f, 100);
  assert_int_equal(f->as.customs_value, 94493); /* 123.45 x 7.654321 = 944.9259 -> 944.93 */
  done(f);
  f = make("JPY", "CIF", 1, "85171300", 100, 1000, "NAR");
  assert_int_equal(run(f, 100), -SW_EVALIDATION);
  assert_true(errlist_has(&f->errs, "no_exchange_rate"));
  done(f);
}

static void test_preferential_rate_needs_certificate(void **state) {
  (void)state;
  struct fx *f = make("CNY", "CIF", 1, "85171300", 100000, 1000, "NAR");
  run(f, 100);
  assert_int_equal(f->as.duty, 8000); /* MFN 8% without a certificate */
  done(f);
  f = make("CNY", "CIF", 1, "85171300", 100000, 1000, "NAR");
  f->docs[0] = (struct decl_document){.type = "coo_rcep", .number = "KR-1"};
  f->items[0].documents = f->docs;
  f->items[0].n_documents = 1;
  run(f, 100);
  assert_int_equal(f->as.duty, 2000); /* RCEP 2% for KR origin */
  assert_string_equal(f->as.lines[0].basis, "RCEP");
  f->items[0].origin = "US"; /* origin does not qualify: MFN again */
  arena_release(&f->a);
  errlist_init(&f->errs);
  run(f, 100);
  assert_int_equal(f->as.duty, 8000);
  done(f);
}

static void test_rates_by_effective_date(void **state) {
  (void)state;
  struct fx *f = make("CNY", "CIF", 1, "85171300", 100000, 1000, "NAR");
  run(f, 19999);
  assert_int_equal(f->as.duty, 8000);
  arena_release(&f->a);
  run(f, 20000);
  assert_int_equal(f->as.duty, 6000);
  done(f);
}

static void test_rounding_at_half_cent(void **state) {
  (void)state;
  /* CNY 0.10 at 5% = 0.005 -> 0.01; CNY 0.30 at 5% = 0.015 -> 0.02; 0.29 -> 0.0145 -> 0.01 */
  static const int64_t values[][2] = {{10, 1}, {30, 2}, {29, 1}, {50, 3}, {70, 4}};
  for (size_t i = 0; i < 5; i++) {
    struct fx *f = make("CNY", "CIF", 1, "03061711", values[i][0], 1000, "KGM");
    run(f, 100);
    assert_int_equal(f->as.duty, values[i][1]);
    done(f);
  }
  assert_int_equal(assess_div_round(-5, 10), -1);
  assert_int_equal(assess_div_round(-4, 10), 0);
}

static void test_fob_adds_freight_and_default_insurance(void **state) {
  (void)state;
  struct fx *f = make("CNY", "FOB", 2, "03061711", 100000, 1000, "KGM"); /* 2 x 1000.00 */
  f->d.goods.invoice.freight = 10000; /* 100.00 */
  f->d.goods.invoice.has_freight = true;
  run(f, 100);
  /* insurance 0.3% x (2000.00 + 100.00) = 6.30; extra 106.30 split 53.15 each */
  assert_int_equal(f->as.customs_value, 200000 + 10630);
  assert_int_equal(f->as.lines[0].base, 105315);
  assert_int_equal(f->as.lines[2].base, 105315);
  done(f);
}

static void test_export_and_999_items(void **state) {
  (void)state;
  struct fx *f = make("CNY", "FOB", 1, "26011100", 1000000, 1000, "KGM");
  f->d.type = DECL_EX;
  run(f, 100);
  assert_int_equal(f->as.total, 200000); /* 20% export duty, no VAT */
  done(f);
  f = make("CNY", "FOB", 1, "03061711", 1000000, 1000, "KGM");
  f->d.type = DECL_EX;
  assert_int_equal(run(f, 100), 0); /* no export duty line: zero */
  assert_int_equal(f->as.n_lines, 0);
  done(f);
  f = make("USD", "CIF", 999, "03061711", 333, 1000, "KGM"); /* USD 3.33 each */
  run(f, 100);
  /* each: cv 23.31; duty 1.1655 -> 1.17; VAT (23.31 + 1.17) x 9% = 2.2032 -> 2.20 */
  assert_int_equal(f->as.customs_value, 999 * 2331);
  assert_int_equal(f->as.duty, 999 * 117);
  assert_int_equal(f->as.vat, 999 * 220);
  assert_int_equal(f->as.n_lines, 1998);
  done(f);
}

static void test_specific_duty_needs_its_unit(void **state) {
  (void)state;
  struct fx *f = make("CNY", "CIF", 1, "22030000", 500000, 1000, "KGM");
  assert_int_equal(run(f, 100), -SW_EVALIDATION);
  assert_true(errlist_has(&f->errs, "tariff_unit_mismatch"));
  assert_string_equal(f->errs.items[0].path, "/items/0/unit");
  done(f);
}

/* The text the API stored before assessment_to_text: the same members built as a jansson
 * tree and dumped compact. The direct writer must give exactly these bytes. */
static json_t *ref_dec(int64_t v, int scale, unsigned flags) {
  char buf[40];
  return dec_format(v, scale, flags, buf, sizeof buf) < 0 ? json_null() : json_string(buf);
}

static char *reference_text(const struct assessment *as) {
  json_t *lines = json_array();
  for (size_t i = 0; i < as->n_lines; i++) {
    const struct assess_line *l = &as->lines[i];
    json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:o}", "item", (json_int_t)l->item, "tax",
                          tax_kind_name(l->tax), "base", ref_dec(l->base, DEC_SCALE_MONEY, 0),
                          "rate", ref_dec(l->rate_ppm, 4, DEC_FMT_TRIM), "amount",
                          ref_dec(l->amount, DEC_SCALE_MONEY, 0));
    if (l->specific) json_object_set_new(j, "specific", ref_dec(l->specific, DEC_SCALE_MONEY, 0));
    if (l->basis[0]) json_object_set_new(j, "basis", json_string(l->basis));
    json_array_append_new(lines, j);
  }
  json_t *doc = json_pack(
      "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "currency", as->currency, "exchange_rate",
      ref_dec(as->rate_micro, 6, DEC_FMT_TRIM), "customs_value",
      ref_dec(as->customs_value, DEC_SCALE_MONEY, 0), "duty", ref_dec(as->duty, DEC_SCALE_MONEY, 0),
      "excise", ref_dec(as->excise, DEC_SCALE_MONEY, 0), "vat", ref_dec(as->vat, DEC_SCALE_MONEY, 0),
      "total", ref_dec(as->total, DEC_SCALE_MONEY, 0), "lines", lines);
  char *text = json_dumps(doc, JSON_COMPACT);
  json_decref(doc);
  return text;
}

static void assert_text_as_reference(const struct assessment *as) {
  char *got = assessment_to_text(as), *want = reference_text(as);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
  free(want);
}

static void test_text_is_the_compact_json_dump(void **state) {
  (void)state;
  struct fx *f = make("CNY", "CIF", 1, "22042100", 1000000, 750000, "LTR"); /* specific+excise */
  run(f, 100);
  assert_text_as_reference(&f->as);
  char *text = assessment_to_text(&f->as);
  assert_non_null(strstr(text, "{\"currency\":\"CNY\",\"exchange_rate\":\"1\","));
  assert_non_null(strstr(text, "\"specific\":\"375.00\",\"basis\":\"MFN\"}"));
  free(text);
  done(f);
  f = make("USD", "CIF", 999, "03061711", 333, 1000, "KGM"); /* 1,998 lines, fx rate */
  run(f, 100);
  assert_text_as_reference(&f->as);
  done(f);
  f = make("CNY", "FOB", 1, "03061711", 1000000, 1000, "KGM"); /* export: no lines */
  f->d.type = DECL_EX;
  run(f, 100);
  assert_text_as_reference(&f->as);
  f->as.rate_micro = INT64_MIN; /* cannot be formatted: null, as jansson's tree had it */
  assert_text_as_reference(&f->as);
  done(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ad_valorem_and_vat_on_duty_inclusive_value),
      cmocka_unit_test(test_specific_duty),
      cmocka_unit_test(test_mixed_with_excise),
      cmocka_unit_test(test_currency_conversion_rounds_half_up),
      cmocka_unit_test(test_preferential_rate_needs_certificate),
      cmocka_unit_test(test_rates_by_effective_date),
      cmocka_unit_test(test_rounding_at_half_cent),
      cmocka_unit_test(test_fob_adds_freight_and_default_insurance),
      cmocka_unit_test(test_export_and_999_items),
      cmocka_unit_test(test_specific_duty_needs_its_unit),
      cmocka_unit_test(test_text_is_the_compact_json_dump),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
