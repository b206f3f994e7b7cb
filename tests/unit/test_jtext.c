/* test_jtext.c - jt_json writes every value byte for byte as jansson's json_dumps does
 * (JSON_COMPACT, with and without JSON_ENSURE_ASCII), and fails on what it cannot write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "codec/jtext.h"

/* Asserts jt_dumps(v) equals json_dumps(v) under both flag sets; takes v. */
static void same_as_jansson(json_t *v) {
  assert_non_null(v);
  for (int ascii = 0; ascii < 2; ascii++) {
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | (ascii ? JSON_ENSURE_ASCII : 0));
    char *got = jt_dumps(v, ascii);
    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
    free(got);
  }
  json_decref(v);
}

static void test_scalars(void **state) {
  (void)state;
  same_as_jansson(json_null());
  same_as_jansson(json_true());
  same_as_jansson(json_false());
  same_as_jansson(json_integer(0));
  same_as_jansson(json_integer(-42));
  same_as_jansson(json_integer(INT64_MAX));
  same_as_jansson(json_integer(INT64_MIN));
  const double reals[] = {0.0, 1.0, -2.5, 0.1, 1e20, 1e-7, -2.5e-7, 123456789.0, 1e300, 3.0e21};
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) same_as_jansson(json_real(reals[i]));
}

static void test_strings(void **state) {
  (void)state;
  const char *const texts[] = {
      "",
      "plain ASCII / slash ~ del \x7f",
      "quote \" backslash \\ controls \b\f\n\r\t \x01\x1f",
      "Gr\xc3\xbc\xc3\x9f" "e \xe4\xb8\xad\xe5\x9b\xbd \xe2\x82\xac 5",   /* 2- and 3-byte sequences */
      "emoji \xf0\x9f\x9a\xa2 and \xf4\x8f\xbf\xbf (U+10FFFF)",           /* surrogate pairs */
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) same_as_jansson(json_string(texts[i]));
  same_as_jansson(json_stringn("nul\0inside", 10));
}

static void test_containers(void **state) {
  (void)state;
  same_as_jansson(json_object());
  same_as_jansson(json_array());
  json_t *doc = json_pack("{s:I, s:s, s:[i, s, {}, []], s:{s:b, s:n, s:f}, s:s}", "id", 7LL,
                          "n\xc3\xa4me", "\xe6\xb8\xaf", "list", 1, "two", "nested", "ok", 1,
                          "none", "ratio", 0.25, "last", "");
  same_as_jansson(doc);
  /* insertion order is kept, as jansson keeps it */
  json_t *o = json_object();
  for (int i = 20; i > 0; i--) {
    char key[8];
    key[0] = (char)('a' + i);
    key[1] = 0;
    json_object_set_new(o, key, json_integer(i));
  }
  same_as_jansson(o);
}

static void test_failures(void **state) {
  (void)state;
  assert_null(jt_dumps(NULL, false));
  json_t *deep = json_array(), *cur = deep;
  for (int i = 0; i < 3000; i++) {
    json_t *next = json_array();
    json_array_append_new(cur, next);
    cur = next;
  }
  assert_null(jt_dumps(deep, false)); /* deeper than 2048 */
  json_decref(deep);
  /* jt_str refuses text that is not UTF-8 */
  struct jtext b = {0};
  jt_str(&b, "bad \xc3\x28 byte");
  assert_null(jt_finish(&b));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalars),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_containers),
      cmocka_unit_test(test_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
