/* test_csv.c - the streaming CSV reader: RFC 4180 quoting, line ends, BOM, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/csv.h"
#include "core/err.h"

/* A FILE holding exactly len bytes of s (s may contain NUL), positioned at the start. */
static FILE *file_of(const char *s, size_t len) {
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(fwrite(s, 1, len, f), len);
  rewind(f);
  return f;
}

struct fixture {
  FILE *f;
  struct csv_reader r;
};

static void open_str(struct fixture *x, const char *s, size_t max_field, size_t max_fields) {
  x->f = file_of(s, strlen(s));
  assert_int_equal(csv_reader_init(&x->r, x->f, max_field, max_fields), 0);
}

static void close_fx(struct fixture *x) {
  csv_reader_release(&x->r);
  fclose(x->f);
}

static void test_simple(void **state) {
  (void)state;
  struct fixture x;
  size_t n = 99;
  open_str(&x, "a,b,c\n1,2,3\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 3);
  assert_string_equal(csv_field(&x.r, 0), "a");
  assert_string_equal(csv_field(&x.r, 2), "c");
  assert_string_equal(csv_field(&x.r, 3), ""); /* past the end */
  assert_int_equal(csv_line(&x.r), 1);
  assert_int_equal(csv_column(&x.r, "b"), 1);
  assert_int_equal(csv_column(&x.r, "z"), -1);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 1), "2");
  assert_int_equal(csv_line(&x.r), 2);
  assert_int_equal(csv_next(&x.r, &n), 0);
  assert_int_equal(n, 0);
  assert_int_equal(csv_next(&x.r, &n), 0); /* stays at the end */
  close_fx(&x);
}

static void test_quoted(void **state) {
  (void)state;
  struct fixture x;
  size_t n;
  open_str(&x, "\"a,b\",\"say \"\"hi\"\"\",x,\"\"\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 4);
  assert_string_equal(csv_field(&x.r, 0), "a,b");
  assert_string_equal(csv_field(&x.r, 1), "say \"hi\"");
  assert_string_equal(csv_field(&x.r, 2), "x");
  assert_string_equal(csv_field(&x.r, 3), "");
  assert_int_equal(csv_next(&x.r, &n), 0);
  close_fx(&x);
}

static void test_embedded_newline(void **state) {
  (void)state;
  struct fixture x;
  size_t n;
  open_str(&x, "\"line1\nline2\r\nline3\",b\nnext,row\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 2);
  assert_string_equal(csv_field(&x.r, 0), "line1\nline2\r\nline3"); /* kept verbatim */
  assert_string_equal(csv_field(&x.r, 1), "b");
  assert_int_equal(csv_line(&x.r), 1);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 0), "next");
  assert_int_equal(csv_line(&x.r), 4); /* the quoted field spanned lines 1-3 */
  assert_int_equal(csv_next(&x.r, &n), 0);
  close_fx(&x);
}

static void test_line_ends(void **state) {
  (void)state;
  struct fixture x;
  size_t n;
  /* CRLF, a lone CR, no newline at the end, and empty lines skipped. */
  open_str(&x, "a,b\r\n\r\nc,\"d\"\r\n\n\ne\rf,g", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 2);
  assert_string_equal(csv_field(&x.r, 1), "b");
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 0), "c");
  assert_string_equal(csv_field(&x.r, 1), "d");
  assert_int_equal(csv_line(&x.r), 3);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 1);
  assert_string_equal(csv_field(&x.r, 0), "e");
  assert_int_equal(csv_line(&x.r), 6);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 2);
  assert_string_equal(csv_field(&x.r, 0), "f");
  assert_string_equal(csv_field(&x.r, 1), "g");
  assert_int_equal(csv_next(&x.r, &n), 0);
  close_fx(&x);
}

static void test_empty_fields(void **state) {
  (void)state;
  struct fixture x;
  size_t n;
  open_str(&x, ",,\na,\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 3);
  for (size_t i = 0; i < 3; i++)
    assert_string_equal(csv_field(&x.r, i), "");
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(n, 2);
  assert_string_equal(csv_field(&x.r, 0), "a");
  assert_string_equal(csv_field(&x.r, 1), "");
  assert_int_equal(csv_next(&x.r, &n), 0);
  close_fx(&x);
}

static void test_bom(void **state) {
  (void)state;
  struct fixture x;
  size_t n;
  open_str(&x, "\xEF\xBB\xBFsection,name\nI,x\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 0), "section");
  assert_int_equal(csv_column(&x.r, "section"), 0);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 0), "I");
  close_fx(&x);

  /* Only a BOM at the very start is skipped; short files are fine. */
  open_str(&x, "a\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 0), "a");
  assert_int_equal(csv_next(&x.r, &n), 0);
  close_fx(&x);
  open_str(&x, "x,\xEF\xBB\xBF\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 1), "\xEF\xBB\xBF");
  close_fx(&x);
  open_str(&x, "", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 0);
  close_fx(&x);
  open_str(&x, "\xEF\xBB\xBF", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 0);
  close_fx(&x);
}

static void test_too_long(void **state) {
  (void)state;
  struct fixture x;
  size_t n;
  open_str(&x, "abcd,x\nabcde,x\n", 4, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 0), "abcd"); /* exactly max_field is fine */
  assert_int_equal(csv_next(&x.r, &n), -SW_ETOOBIG);
  assert_int_equal(csv_line(&x.r), 2);
  assert_int_equal(csv_next(&x.r, &n), -SW_ETOOBIG); /* sticky */
  close_fx(&x);

  open_str(&x, "\"ab\ncde\"\n", 4, 8);
  assert_int_equal(csv_next(&x.r, &n), -SW_ETOOBIG);
  close_fx(&x);

  open_str(&x, "a,b\na,b,c\n", 4, 2);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(csv_next(&x.r, &n), -SW_ETOOBIG);
  assert_int_equal(csv_line(&x.r), 2);
  close_fx(&x);

  open_str(&x, "a,\n", 4, 1); /* the trailing empty field counts */
  assert_int_equal(csv_next(&x.r, &n), -SW_ETOOBIG);
  close_fx(&x);
}

static void test_malformed(void **state) {
  (void)state;
  struct fixture x;
  size_t n;
  open_str(&x, "ok,1\n\"abc,2\nmore\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_int_equal(csv_next(&x.r, &n), -SW_EINVAL); /* unterminated quote */
  assert_int_equal(csv_line(&x.r), 2);
  assert_string_equal(csv_field(&x.r, 0), "");
  assert_int_equal(csv_next(&x.r, &n), -SW_EINVAL);
  close_fx(&x);

  open_str(&x, "\"a\"b,c\n", 64, 8); /* text after the closing quote */
  assert_int_equal(csv_next(&x.r, &n), -SW_EINVAL);
  close_fx(&x);

  x.f = file_of("a\0b\n", 4); /* a NUL cannot be returned in a C string */
  assert_int_equal(csv_reader_init(&x.r, x.f, 64, 8), 0);
  assert_int_equal(csv_next(&x.r, &n), -SW_EINVAL);
  close_fx(&x);

  /* A quote inside an unquoted field is text, as most writers produce it. */
  open_str(&x, "5\" pipe,x\n", 64, 8);
  assert_int_equal(csv_next(&x.r, &n), 1);
  assert_string_equal(csv_field(&x.r, 0), "5\" pipe");
  close_fx(&x);
}

static void test_init_errors(void **state) {
  (void)state;
  struct csv_reader r;
  FILE *f = file_of("a", 1);
  assert_int_equal(csv_reader_init(&r, NULL, 10, 10), -SW_EINVAL);
  csv_reader_release(&r);
  assert_int_equal(csv_reader_init(&r, f, 0, 10), -SW_EINVAL);
  csv_reader_release(&r);
  assert_int_equal(csv_reader_init(&r, f, (size_t)-1, 10), -SW_EINVAL);
  csv_reader_release(&r);
  fclose(f);
}

/* The buffer never grows past max_fields * (max_field + 1), however long the input. */
static void test_bounded_memory(void **state) {
  (void)state;
  FILE *f = tmpfile();
  assert_non_null(f);
  for (int i = 0; i < 100000; i++)
    fputs("xxxxxxxxxx", f);
  rewind(f);
  struct csv_reader r;
  size_t n;
  assert_int_equal(csv_reader_init(&r, f, 1000, 4), 0);
  assert_int_equal(csv_next(&r, &n), -SW_ETOOBIG);
  assert_true(r.cap <= 4 * 1001);
  csv_reader_release(&r);
  fclose(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_simple),           cmocka_unit_test(test_quoted),
      cmocka_unit_test(test_embedded_newline), cmocka_unit_test(test_line_ends),
      cmocka_unit_test(test_empty_fields),     cmocka_unit_test(test_bom),
      cmocka_unit_test(test_too_long),         cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_init_errors),      cmocka_unit_test(test_bounded_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
