#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/decimal.h"
#include "core/err.h"

static int parse(const char *s, int scale, unsigned flags, int64_t *v, enum dec_error *why) {
  return dec_parse(s, strlen(s), scale, flags, v, why);
}

static void test_parse_ok(void **state) {
  (void)state;
  static const struct {
    const char *in;
    int scale;
    int64_t want;
  } cases[] = {
      {"98000.00", 2, 9800000},
      {"12000", 3, 12000000},
      {"12000", 2, 1200000},
      {"0", 2, 0},
      {"0.5", 2, 50},
      {"0.05", 2, 5},
      {"12.5", 3, 12500},
      {"0.001", 3, 1},
      {"007", 2, 700}, /* leading zeros do not count */
      {"000000000000000000001.1", 2, 110},
      {"999999999999999", 2, 99999999999999900},      /* 15 integer digits */
      {"999999999999999.999", 3, 999999999999999999}, /* the largest at scale 3 */
      {"-0", 2, 0},                                   /* negative zero is just zero */
      {"5", 0, 5},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t v = -42;
    enum dec_error why = DEC_ERR_SYNTAX;
    int rc = parse(cases[i].in, cases[i].scale, 0, &v, &why);
    if (rc != 0 || v != cases[i].want)
      fail_msg("%s at scale %d: rc %d value %lld", cases[i].in, cases[i].scale, rc, (long long)v);
    assert_int_equal(why, DEC_OK);
  }
}

static void test_parse_errors(void **state) {
  (void)state;
  static const struct {
    const char *in;
    int scale;
    enum dec_error why;
  } cases[] = {
      {"", 2, DEC_ERR_EMPTY},
      {"-1", 2, DEC_ERR_NEGATIVE},
      {"-0.01", 2, DEC_ERR_NEGATIVE},
      {"+1", 2, DEC_ERR_SYNTAX},
      {" 1", 2, DEC_ERR_SYNTAX},
      {"1 ", 2, DEC_ERR_SYNTAX},
      {"1e5", 2, DEC_ERR_SYNTAX},
      {"1E5", 2, DEC_ERR_SYNTAX},
      {"1.5e2", 2, DEC_ERR_SYNTAX},
      {".5", 2, DEC_ERR_SYNTAX},
      {"1.", 2, DEC_ERR_SYNTAX},
      {"1,000.00", 2, DEC_ERR_SYNTAX},
      {"1.0.0", 2, DEC_ERR_SYNTAX},
      {"-", 2, DEC_ERR_SYNTAX},
      {"--1", 2, DEC_ERR_SYNTAX},
      {"0x10", 2, DEC_ERR_SYNTAX},
      {"NaN", 2, DEC_ERR_SYNTAX},
      {"Infinity", 2, DEC_ERR_SYNTAX},
      {"1.001", 2, DEC_ERR_SCALE},
      {"1.000", 2, DEC_ERR_SCALE}, /* even zeros: the field has 2 decimals */
      {"1.0001", 3, DEC_ERR_SCALE},
      {"1.5", 0, DEC_ERR_SCALE},
      {"1000000000000000", 2, DEC_ERR_OVERFLOW}, /* 16 integer digits */
      {"99999999999999999999999999", 3, DEC_ERR_OVERFLOW},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t v = 77;
    enum dec_error why = DEC_OK;
    int rc = parse(cases[i].in, cases[i].scale, 0, &v, &why);
    if (rc != -SW_EINVAL || why != cases[i].why || v != 77)
      fail_msg("\"%s\": rc %d why %d (want %d)", cases[i].in, rc, why, cases[i].why);
  }
  /* Embedded NUL: the length is authoritative. */
  int64_t v;
  assert_int_equal(dec_parse("1\0"
                             "5",
                             3, 2, 0, &v, NULL),
                   -SW_EINVAL);
  assert_int_equal(dec_parse(NULL, 0, 2, 0, &v, NULL), -SW_EINVAL);
  /* Bad scale argument. */
  assert_int_equal(parse("1", 7, 0, &v, NULL), -SW_EINVAL);
  assert_int_equal(parse("7.123456", 6, 0, &v, NULL), 0);
  assert_int_equal(v, 7123456);
  assert_int_equal(parse("1000000000000", 6, 0, &v, NULL), -SW_EINVAL); /* 13 > 18 - 6 digits */
}

static void test_parse_negative_allowed(void **state) {
  (void)state;
  int64_t v;
  assert_int_equal(parse("-1", 2, DEC_ALLOW_NEGATIVE, &v, NULL), 0);
  assert_int_equal(v, -100);
  assert_int_equal(parse("-999999999999999.99", 2, DEC_ALLOW_NEGATIVE, &v, NULL), 0);
  assert_int_equal(v, -99999999999999999);
  assert_int_equal(parse("-1.234", 2, DEC_ALLOW_NEGATIVE, &v, NULL), -SW_EINVAL);
}

static void test_error_messages(void **state) {
  (void)state;
  char buf[200];
  dec_error_message(DEC_ERR_SCALE, 2, buf, sizeof buf);
  assert_string_equal(buf, "at most 2 digits after the decimal point are allowed");
  dec_error_message(DEC_ERR_SCALE, 3, buf, sizeof buf);
  assert_non_null(strstr(buf, "at most 3 digits"));
  dec_error_message(DEC_ERR_SCALE, 1, buf, sizeof buf);
  assert_string_equal(buf, "at most 1 digit after the decimal point is allowed");
  dec_error_message(DEC_ERR_OVERFLOW, 2, buf, sizeof buf);
  assert_non_null(strstr(buf, "15 digits"));
  dec_error_message(DEC_ERR_NEGATIVE, 2, buf, sizeof buf);
  assert_string_equal(buf, "must not be negative");
  char tiny[4];
  dec_error_message(DEC_ERR_SYNTAX, 2, tiny, sizeof tiny);
  assert_int_equal(strlen(tiny), 3);
}

static void test_from_int(void **state) {
  (void)state;
  int64_t v;
  enum dec_error why;
  assert_int_equal(dec_from_int(12000, DEC_SCALE_QTY, 0, &v, &why), 0);
  assert_int_equal(v, 12000000);
  assert_int_equal(dec_from_int(-5, DEC_SCALE_MONEY, 0, &v, &why), -SW_EINVAL);
  assert_int_equal(why, DEC_ERR_NEGATIVE);
  assert_int_equal(dec_from_int(-5, DEC_SCALE_MONEY, DEC_ALLOW_NEGATIVE, &v, &why), 0);
  assert_int_equal(v, -500);
  assert_int_equal(dec_from_int(999999999999999, DEC_SCALE_QTY, 0, &v, &why), 0);
  assert_int_equal(dec_from_int(1000000000000000, DEC_SCALE_QTY, 0, &v, &why), -SW_EINVAL);
  assert_int_equal(why, DEC_ERR_OVERFLOW);
  assert_int_equal(dec_from_int(INT64_MAX, DEC_SCALE_QTY, 0, &v, &why), -SW_EINVAL);
  assert_int_equal(dec_from_int(INT64_MIN, DEC_SCALE_QTY, DEC_ALLOW_NEGATIVE, &v, &why),
                   -SW_EINVAL);
}

static void test_format(void **state) {
  (void)state;
  char buf[DEC_STR_MAX];
  assert_int_equal(dec_format(9800000, 2, 0, buf, sizeof buf), 8);
  assert_string_equal(buf, "98000.00");
  dec_format(5, 2, 0, buf, sizeof buf);
  assert_string_equal(buf, "0.05");
  dec_format(-5, 2, 0, buf, sizeof buf);
  assert_string_equal(buf, "-0.05");
  dec_format(0, 2, 0, buf, sizeof buf);
  assert_string_equal(buf, "0.00");
  dec_format(12000000, 3, DEC_FMT_TRIM, buf, sizeof buf);
  assert_string_equal(buf, "12000");
  dec_format(12500, 3, DEC_FMT_TRIM, buf, sizeof buf);
  assert_string_equal(buf, "12.5");
  dec_format(1, 3, DEC_FMT_TRIM, buf, sizeof buf);
  assert_string_equal(buf, "0.001");
  dec_format(0, 3, DEC_FMT_TRIM, buf, sizeof buf);
  assert_string_equal(buf, "0");
  dec_format(42, 0, 0, buf, sizeof buf);
  assert_string_equal(buf, "42");
  dec_format(INT64_MIN, 3, 0, buf, sizeof buf);
  assert_string_equal(buf, "-9223372036854775.808");
  dec_format(INT64_MAX, 0, 0, buf, sizeof buf);
  assert_string_equal(buf, "9223372036854775807");
  char small[5];
  assert_int_equal(dec_format(9800000, 2, 0, small, sizeof small), -SW_EINVAL);
  assert_int_equal(dec_format(1, 9, 0, buf, sizeof buf), -SW_EINVAL);
}

static void test_round_trip(void **state) {
  (void)state;
  static const char *const texts[] = {"0.00", "0.01", "1.00", "98000.00", "999999999999999.99"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    int64_t v;
    char buf[DEC_STR_MAX];
    assert_int_equal(parse(texts[i], 2, 0, &v, NULL), 0);
    dec_format(v, 2, 0, buf, sizeof buf);
    assert_string_equal(buf, texts[i]);
  }
  /* Every value at scale 3 in a range formats and parses back. */
  for (int64_t v = -2100; v <= 2100; v += 7) {
    char buf[DEC_STR_MAX];
    int64_t back;
    dec_format(v, 3, DEC_FMT_TRIM, buf, sizeof buf);
    assert_int_equal(parse(buf, 3, DEC_ALLOW_NEGATIVE, &back, NULL), 0);
    assert_int_equal(back, v);
  }
}

static void test_add_cmp(void **state) {
  (void)state;
  int64_t s = 0;
  assert_int_equal(dec_add(9800000, 200, 2, &s), 0);
  assert_int_equal(s, 9800200);
  int64_t max = dec_max(2);
  assert_int_equal(max, 99999999999999999);
  assert_int_equal(dec_add(max, 0, 2, &s), 0);
  s = 5;
  assert_int_equal(dec_add(max, 1, 2, &s), -SW_ETOOBIG);
  assert_int_equal(s, 5); /* untouched on overflow */
  assert_int_equal(dec_add(-max, -1, 2, &s), -SW_ETOOBIG);
  assert_int_equal(dec_add(INT64_MAX, 1, 3, &s), -SW_ETOOBIG);
  assert_int_equal(dec_add(INT64_MIN, -1, 3, &s), -SW_ETOOBIG);
  assert_int_equal(dec_add(1, 1, 7, &s), -SW_EINVAL);
  assert_int_equal(dec_cmp(1, 2), -1);
  assert_int_equal(dec_cmp(2, 2), 0);
  assert_int_equal(dec_cmp(INT64_MAX, INT64_MIN), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_ok),
      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_parse_negative_allowed),
      cmocka_unit_test(test_error_messages),
      cmocka_unit_test(test_from_int),
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_add_cmp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
