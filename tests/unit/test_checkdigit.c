/* test_checkdigit.c - ISO 6346, EU MRN and IMO check digits against compiled vectors and
 * real vessel numbers (tests/data, see tests/data/NOTICE.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/csv.h"
#include "core/checkdigit.h"

static FILE *open_test_data(const char *name) {
  char path[1024];
  int n = snprintf(path, sizeof(path), "%s/%s", SW_TEST_DATA, name);
  assert_true(n > 0 && (size_t)n < sizeof(path));
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  return f;
}

static enum cd_result status_of(const char *s) {
  if (strcmp(s, "valid") == 0) return CD_VALID;
  if (strcmp(s, "invalid-check-digit") == 0) return CD_BAD_CHECK;
  if (strcmp(s, "invalid-length") == 0) return CD_BAD_LENGTH;
  if (strcmp(s, "invalid-format") == 0) return CD_BAD_FORMAT;
  fail_msg("unknown status '%s'", s);
  return CD_BAD_FORMAT;
}

static void test_vectors(void **state) {
  (void)state;
  FILE *f = open_test_data("check-digit-test-vectors.csv");
  struct csv_reader r;
  size_t n;
  assert_int_equal(csv_reader_init(&r, f, 1024, 16), 0);
  assert_int_equal(csv_next(&r, &n), 1);
  int kind = csv_column(&r, "kind"), value = csv_column(&r, "value");
  int status = csv_column(&r, "computed_status"), digit = csv_column(&r, "computed_check_digit");
  assert_true(kind >= 0 && value >= 0 && status >= 0 && digit >= 0);

  int containers = 0, mrns = 0, imos = 0, rc;
  while ((rc = csv_next(&r, &n)) == 1) {
    assert_int_equal(n, 8);
    const char *k = csv_field(&r, (size_t)kind), *v = csv_field(&r, (size_t)value);
    const char *st = csv_field(&r, (size_t)status), *d = csv_field(&r, (size_t)digit);
    int expect_digit = d[0] ? d[0] - '0' : -1;
    if (strncmp(k, "ISO6346", 7) == 0) {
      containers++;
      if (cd_iso6346(v) != status_of(st))
        fail_msg("line %ld: %s: got %d, want %s", csv_line(&r), v, cd_iso6346(v), st);
      if (expect_digit >= 0) assert_int_equal(cd_iso6346_compute(v, 10), expect_digit);
    } else if (strncmp(k, "EU MRN", 6) == 0) {
      mrns++;
      assert_true(strlen(v) == 17 || strlen(v) == 18);
      if (cd_iso6346_compute(v, 17) != expect_digit)
        fail_msg("line %ld: MRN %s: got %d, want %d", csv_line(&r), v, cd_iso6346_compute(v, 17),
                 expect_digit);
      if (strcmp(st, "valid") == 0) assert_int_equal(v[17] - '0', expect_digit);
    } else if (strncmp(k, "IMO", 3) == 0) {
      imos++;
      if (cd_imo(v) != status_of(st))
        fail_msg("line %ld: IMO %s: got %d, want %s", csv_line(&r), v, cd_imo(v), st);
    } else {
      fail_msg("line %ld: unknown kind '%s'", csv_line(&r), k);
    }
  }
  assert_int_equal(rc, 0);
  print_message("vectors: %d container, %d MRN, %d IMO\n", containers, mrns, imos);
  assert_int_equal(containers + mrns + imos, 85);
  assert_true(containers > 0 && mrns > 0 && imos > 0);
  csv_reader_release(&r);
  fclose(f);
}

static void test_vessels(void **state) {
  (void)state;
  FILE *f = open_test_data("imo-container-vessels.csv");
  struct csv_reader r;
  size_t n;
  assert_int_equal(csv_reader_init(&r, f, 1024, 16), 0);
  assert_int_equal(csv_next(&r, &n), 1);
  int imo = csv_column(&r, "imo");
  assert_true(imo >= 0);
  int total = 0, bad = 0, rc;
  while ((rc = csv_next(&r, &n)) == 1) {
    total++;
    const char *v = csv_field(&r, (size_t)imo);
    if (cd_imo(v) != CD_VALID) {
      bad++;
      print_message("line %ld: IMO %s does not validate (%d)\n", csv_line(&r), v, cd_imo(v));
    }
  }
  assert_int_equal(rc, 0);
  print_message("vessels: %d of %d IMO numbers valid\n", total - bad, total);
  assert_true(total > 4000);
  assert_int_equal(bad, 0);
  csv_reader_release(&r);
  fclose(f);
}

static void test_imo(void **state) {
  (void)state;
  assert_int_equal(cd_imo("9074729"), CD_VALID);
  assert_int_equal(cd_imo("IMO9074729"), CD_VALID);
  assert_int_equal(cd_imo("IMO 9074729"), CD_VALID);
  assert_int_equal(cd_imo("imo 9074729"), CD_VALID);
  assert_int_equal(cd_imo("9074728"), CD_BAD_CHECK);
  assert_int_equal(cd_imo("907472"), CD_BAD_LENGTH);
  assert_int_equal(cd_imo("90747290"), CD_BAD_LENGTH);
  assert_int_equal(cd_imo("IMO  9074729"), CD_BAD_LENGTH);
  assert_int_equal(cd_imo("90747A9"), CD_BAD_FORMAT);
  assert_int_equal(cd_imo(""), CD_BAD_LENGTH);
  assert_int_equal(cd_imo("IMO"), CD_BAD_LENGTH);
  assert_int_equal(cd_imo(NULL), CD_BAD_LENGTH);
}

static void test_iso6346(void **state) {
  (void)state;
  assert_int_equal(cd_iso6346("CSQU3054383"), CD_VALID);
  assert_int_equal(cd_iso6346("csqu3054383"), CD_VALID);
  assert_int_not_equal(cd_iso6346("CSQJ3054383"), CD_BAD_FORMAT); /* J and Z are categories */
  assert_int_not_equal(cd_iso6346("CSQZ3054383"), CD_BAD_FORMAT);
  assert_int_equal(cd_iso6346("CSQX3054383"), CD_BAD_FORMAT);
  assert_int_equal(cd_iso6346("C5QU3054383"), CD_BAD_FORMAT);
  assert_int_equal(cd_iso6346("CSQU 3054383"), CD_BAD_LENGTH);
  assert_int_equal(cd_iso6346(""), CD_BAD_LENGTH);
  assert_int_equal(cd_iso6346(NULL), CD_BAD_LENGTH);
  assert_int_equal(cd_iso6346_compute("CSQU305438", 10), 3);
  assert_int_equal(cd_iso6346_compute("csqu305438", 10), 3);
  assert_int_equal(cd_iso6346_compute("CSQU-05438", 10), -1);
  assert_int_equal(cd_iso6346_compute("CSQU", 10), -1); /* shorter than n */
  assert_int_equal(cd_iso6346_compute("CSQU", -1), -1);
  assert_int_equal(cd_iso6346_compute(NULL, 3), -1);
  assert_int_equal(cd_iso6346_compute("", 0), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vectors),
      cmocka_unit_test(test_vessels),
      cmocka_unit_test(test_imo),
      cmocka_unit_test(test_iso6346),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
