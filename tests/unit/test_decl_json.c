#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/decl_json.h"
#include "codec/refdata_files.h"
#include "codec/rule_json.h"
#include "core/err.h"
#include "core/routing.h"

#include "decl_fixture.h"

/* DESIGN.md §7, verbatim. */
static const char example_json[] =
    "{\n"
    "  \"type\": \"IM\",\n"
    "  \"reference\": \"BRK-2026-000123\",\n"
    "  \"procedure\": \"4000\",\n"
    "  \"office\": \"CNSHA\",\n"
    "  \"importer\": {\"id\": \"91310000MA1FL0001X\"},\n"
    "  \"transport\": {\"mode\": \"1\", \"vessel_imo\": \"9321483\", \"voyage\": \"025E\",\n"
    "                \"bill_of_lading\": \"COSU1234567890\", \"loading\": \"VNSGN\", "
    "\"discharge\": \"CNSHA\",\n"
    "                \"arrival\": \"2026-12-01T06:00:00Z\", \"containers\": [\"MSKU9070323\"]},\n"
    "  \"invoice\": {\"currency\": \"USD\", \"incoterm\": \"CIF\", \"total\": \"98000.00\"},\n"
    "  \"items\": [\n"
    "    {\"seq\": 1, \"hs\": \"03061711\", \"description\": \"Frozen shrimps, peeled\", "
    "\"origin\": \"VN\",\n"
    "     \"quantity\": \"12000\", \"unit\": \"KGM\", \"net_kg\": \"12000\", \"gross_kg\": "
    "\"12600\",\n"
    "     \"value\": \"98000.00\",\n"
    "     \"documents\": [{\"type\": \"phyto\", \"number\": \"VN-PC-2026-8812\"}]}\n"
    "  ]\n"
    "}\n";

static const char example_canonical[] =
    "{\"type\":\"IM\",\"reference\":\"BRK-2026-000123\",\"procedure\":\"4000\","
    "\"office\":\"CNSHA\",\"importer\":{\"id\":\"91310000MA1FL0001X\"},"
    "\"transport\":{\"mode\":\"1\",\"vessel_imo\":\"9321483\",\"voyage\":\"025E\","
    "\"bill_of_lading\":\"COSU1234567890\",\"loading\":\"VNSGN\",\"discharge\":\"CNSHA\","
    "\"arrival\":\"2026-12-01T06:00:00Z\",\"containers\":[\"MSKU9070323\"]},"
    "\"invoice\":{\"currency\":\"USD\",\"incoterm\":\"CIF\",\"total\":\"98000.00\"},"
    "\"items\":[{\"seq\":1,\"hs\":\"03061711\",\"description\":\"Frozen shrimps, peeled\","
    "\"origin\":\"VN\",\"quantity\":\"12000\",\"unit\":\"KGM\",\"net_kg\":\"12000\","
    "\"gross_kg\":\"12600\",\"value\":\"98000.00\","
    "\"documents\":[{\"type\":\"phyto\",\"number\":\"VN-PC-2026-8812\"}]}]}";

static const char va_json[] =
    "{\"type\": \"VA\", \"reference\": \"COSCO-VA-2026-0042\", \"port\": \"CNSHA\","
    " \"vessel\": {\"imo\": \"9321483\", \"name\": \"COSCO EXAMPLE\", \"flag\": \"PA\","
    "              \"call_sign\": \"3FAB7\", \"gross_tonnage\": 91051},"
    " \"voyage\": \"025E\", \"eta\": \"2026-12-01T06:00:00Z\", \"etd\": \"2026-12-02T18:30:00Z\","
    " \"last_port\": \"VNSGN\", \"next_port\": \"CNNGB\", \"crew_count\": 2,"
    " \"crew\": [{\"name\": \"Li Wei\", \"nationality\": \"CN\", \"rank\": \"Master\"},"
    "          {\"name\": \"Juan dela Cruz\", \"nationality\": \"PH\", \"rank\": \"Chief "
    "Engineer\"}],"
    " \"passenger_count\": 0, \"cargo_summary\": \"1,850 TEU general cargo\","
    " \"dangerous_goods\": false, \"sanitation_certificate_expiry\": \"2027-03-31\","
    " \"security_level\": 1, \"carrier\": {\"id\": \"91310000COSCO0001X\"}}";

struct fx {
  struct refdata *rd;
  struct arena a;
  struct errlist errs;
  struct decl d;
};

static int setup(void **state) {
  struct fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  f->rd = fixture_refdata();
  if (!f->rd) {
    free(f);
    return -1;
  }
  arena_init(&f->a, 0);
  errlist_init(&f->errs);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fx *f = *state;
  arena_release(&f->a);
  refdata_free(f->rd);
  free(f);
  return 0;
}

static void dump(const struct errlist *e) {
  for (size_t i = 0; i < e->n; i++)
    printf("  %s %s: %s\n", e->items[i].path, e->items[i].code, e->items[i].message);
}

#define EXPECT(f, path, code)                                                                      \
  do {                                                                                             \
    if (!fx_has(&(f)->errs, path, code)) {                                                         \
      dump(&(f)->errs);                                                                            \
      fail_msg("missing %s at %s", code, path);                                                    \
    }                                                                                              \
  } while (0)

static json_t *parse(const char *text) {
  json_error_t err;
  json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
  if (!j) fail_msg("bad test JSON: %s at %d:%d", err.text, err.line, err.column);
  return j;
}

/* Decodes text and validates; returns the decode rc. */
static int decode(struct fx *f, const char *text) {
  json_t *j = parse(text);
  errlist_init(&f->errs);
  int rc = decl_from_json(j, &f->a, &f->d, &f->errs);
  json_decref(j);
  return rc;
}

static int decode_validate(struct fx *f, const char *text) {
  int rc = decode(f, text);
  if (rc == -SW_ENOMEM) return rc;
  int vrc = decl_validate(&f->d, f->rd, NULL, &f->errs);
  return rc ? rc : vrc;
}

static char *dumps(const json_t *j) { return json_dumps(j, JSON_COMPACT); }

static void test_example_decodes_and_validates(void **state) {
  struct fx *f = *state;
  int rc = decode_validate(f, example_json);
  if (rc) dump(&f->errs);
  assert_int_equal(rc, 0);
  assert_int_equal(f->d.type, DECL_IM);
  assert_string_equal(f->d.office, "CNSHA");
  assert_int_equal(f->d.goods.invoice.total, 9800000);
  assert_int_equal(f->d.goods.n_items, 1);
  assert_int_equal(f->d.goods.items[0].quantity, 12000000);
  assert_int_equal(f->d.goods.items[0].gross_kg, 12600000);
  assert_int_equal(f->d.goods.items[0].seq, 1);
  assert_string_equal(f->d.goods.items[0].documents[0].number, "VN-PC-2026-8812");
  assert_string_equal(f->d.goods.transport.containers[0], "MSKU9070323");
}

static void test_canonical_output_and_round_trip(void **state) {
  struct fx *f = *state;
  assert_int_equal(decode(f, example_json), 0);
  json_t *out = decl_to_json(&f->d);
  assert_non_null(out);
  char *s = dumps(out);
  assert_string_equal(s, example_canonical);

  struct decl again;
  errlist_init(&f->errs);
  assert_int_equal(decl_from_json(out, &f->a, &again, &f->errs), 0);
  json_t *out2 = decl_to_json(&again);
  char *s2 = dumps(out2);
  assert_string_equal(s, s2);
  assert_int_equal(again.goods.invoice.total, f->d.goods.invoice.total);
  assert_int_equal(again.goods.items[0].net_kg, f->d.goods.items[0].net_kg);
  free(s);
  free(s2);
  json_decref(out);
  json_decref(out2);

  /* Integers and untidy input come out canonical. */
  const char *untidy =
      "{\"type\":\"im\",\"reference\":\" R-1 \",\"procedure\":\"4000\",\"office\":\"cnsha\","
      "\"importer\":{\"id\":\"X1\",\"name\":\"Acme  \"},\"transport\":{\"mode\":\"1\"},"
      "\"invoice\":{\"currency\":\"usd\",\"incoterm\":\"fob\",\"total\":150},"
      "\"items\":[{\"seq\":1,\"hs\":\"0306.17.11\",\"description\":\"x\",\"origin\":\"vn\","
      "\"quantity\":\"12.500\",\"unit\":\"kgm\",\"net_kg\":1,\"gross_kg\":\"1.25\","
      "\"value\":\"150.0\",\"documents\":null}],\"declarant\":null}";
  assert_int_equal(decode_validate(f, untidy), 0);
  out = decl_to_json(&f->d);
  s = dumps(out);
  assert_string_equal(
      s, "{\"type\":\"IM\",\"reference\":\"R-1\",\"procedure\":\"4000\",\"office\":\"CNSHA\","
         "\"importer\":{\"id\":\"X1\",\"name\":\"Acme\"},\"transport\":{\"mode\":\"1\"},"
         "\"invoice\":{\"currency\":\"USD\",\"incoterm\":\"FOB\",\"total\":\"150.00\"},"
         "\"items\":[{\"seq\":1,\"hs\":\"03061711\",\"description\":\"x\",\"origin\":\"VN\","
         "\"quantity\":\"12.5\",\"unit\":\"KGM\",\"net_kg\":\"1\",\"gross_kg\":\"1.25\","
         "\"value\":\"150.00\"}]}");
  free(s);
  json_decref(out);
}

/* decl_to_text is byte for byte the sorted compact dump of decl_to_json: the stored
 * content and its hash (idempotency) must not depend on which one wrote it. */
static void expect_text_equals_dump(struct fx *f, const char *text) {
  int rc = decode(f, text);
  if (rc) dump(&f->errs);
  assert_int_equal(rc, 0);
  json_t *tree = decl_to_json(&f->d);
  assert_non_null(tree);
  char *want = json_dumps(tree, JSON_COMPACT | JSON_SORT_KEYS);
  char *got = decl_to_text(&f->d);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(want);
  free(got);
  json_decref(tree);
}

static void test_canonical_text_matches_sorted_dump(void **state) {
  struct fx *f = *state;
  expect_text_equals_dump(f, example_json);
  expect_text_equals_dump(f, va_json);
  /* escapes, control characters, non-ASCII text, empty arrays, booleans and integers */
  expect_text_equals_dump(
      f, "{\"type\":\"EX\",\"reference\":\"q\\\"uote\\\\back\\u0001\\t\\n\\r\\b\\f/\","
         "\"office\":\"CNSHA\",\"exporter\":{\"id\":\"X\",\"name\":\"\\u4e0a\\u6d77 caf\\u00e9 \\u00e0\\ud83d\\ude00\"},"
         "\"items\":[{\"seq\":1,\"hs\":\"030617\",\"description\":\"a\\u001fb\",\"value\":\"1.5\"},"
         "{\"seq\":2,\"hs\":\"030617\",\"value\":\"0\",\"documents\":[]}],"
         "\"invoice\":{\"currency\":\"USD\",\"total\":\"1.50\"}}");
  expect_text_equals_dump(f, "{\"type\":\"VD\",\"reference\":\"R\",\"port\":\"CNSHA\","
                             "\"vessel\":{\"imo\":\"IMO 9321483\",\"name\":\"V\",\"flag\":\"pa\"},"
                             "\"etd\":\"2026-12-02T18:30:00Z\",\"crew_count\":0,\"crew\":[],"
                             "\"carrier\":{\"id\":\"C\"}}");
  /* no type: the place is written as "office" only */
  expect_text_equals_dump(f, "{\"reference\":\"R\",\"office\":\"CNSHA\"}");
}

/* The fast decoder: 0 exactly on text the full path takes without a problem, and then the
 * same declaration (the same canonical text); DECL_FAST_DECLINED otherwise. */
static void expect_fast(struct fx *f, const char *text, int want) {
  struct decl fast;
  int rc = decl_from_text_fast(text, strlen(text), &f->a, &fast);
  if (rc != want) fail_msg("decl_from_text_fast gave %d, expected %d for %s", rc, want, text);
  if (rc != 0) return;
  json_error_t err;
  json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);
  assert_non_null(j);
  errlist_init(&f->errs);
  assert_int_equal(decl_from_json(j, &f->a, &f->d, &f->errs), 0);
  json_decref(j);
  char *t1 = decl_to_text(&fast), *t2 = decl_to_text(&f->d);
  assert_non_null(t1);
  assert_string_equal(t1, t2);
  free(t1);
  free(t2);
}

static void test_fast_decoder(void **state) {
  struct fx *f = *state;
  expect_fast(f, example_json, 0);
  expect_fast(f, va_json, 0);
  /* type last, nulls, integers as money, non-ASCII text, empty arrays, -0 */
  expect_fast(f, "{\"reference\":\"R\",\"office\":\"CNSHA\",\"procedure\":null,"
                 "\"exporter\":{\"id\":\"X\",\"name\":\"\xe4\xb8\x8a\xe6\xb5\xb7 caf\xc3\xa9\"},"
                 "\"items\":[{\"seq\":-0,\"hs\":\"030617\",\"value\":15,\"documents\":[]},null],"
                 "\"invoice\":{\"currency\":\"USD\",\"total\":1500},\"type\":\"ex\"}", 0);
  expect_fast(f, " {\"type\":\"VD\",\"crew\":[],\"dangerous_goods\":true,\"vessel\":null} \n", 0);
  /* everything the full path reports, or that the fast path leaves to it */
  static const char *const declined[] = {
      "",
      "[]",
      "{}",                                                   /* no type */
      "{\"type\":null}",
      "{\"type\":\"XX\"}",
      "{\"type\":\"IM\",\"type\":\"IM\"}",
      "{\"type\":\"IM\",\"reference\":\"a\",\"reference\":\"b\"}", /* duplicate */
      "{\"type\":\"IM\",\"bogus\":1}",                         /* unknown field */
      "{\"type\":\"IM\",\"\":1}",
      "{\"type\":\"IM\",\"port\":\"CNSHA\"}",                  /* a vessel call's field */
      "{\"port\":null,\"type\":\"IM\"}",                       /* ... even null, type after */
      "{\"type\":\"IM\",\"reference\":\"a\\\"b\"}",            /* escape */
      "{\"type\":\"IM\",\"reference\":\"a\tb\"}",              /* control character */
      "{\"type\":\"IM\",\"reference\":\"\xc3\x28\"}",          /* invalid UTF-8 */
      "{\"type\":\"IM\",\"reference\":\"\xed\xa0\x80\"}",      /* surrogate */
      "{\"type\":\"IM\",\"reference\":1}",                     /* wrong kind */
      "{\"type\":\"IM\",\"invoice\":{\"total\":1.5}}",         /* real */
      "{\"type\":\"IM\",\"invoice\":{\"total\":1e3}}",
      "{\"type\":\"IM\",\"invoice\":{\"total\":\"1.5.0\"}}",   /* bad decimal */
      "{\"type\":\"IM\",\"items\":[{\"seq\":01}]}",            /* leading zero */
      "{\"type\":\"IM\",\"items\":[{\"seq\":1234567890123456789}]}", /* 19 digits */
      "{\"type\":\"IM\",\"items\":[{\"seq\":-}]}",
      "{\"type\":\"IM\",\"items\":[{\"value\":99999999999999999999999999999999999999}]}",
      "{\"type\":\"IM\",\"items\":{}}",
      "{\"type\":\"IM\",\"items\":[\"x\"]}",
      "{\"type\":\"IM\",\"items\":[{}],}",                     /* trailing comma */
      "{\"type\":\"IM\"} x",                                   /* trailing data */
      "{\"type\":\"IM\"",                                      /* cut short */
      "{\"type\":\"VA\",\"dangerous_goods\":tru}",
      "{\"type\":\"VA\",\"dangerous_goods\":nul}",
  };
  for (size_t i = 0; i < sizeof declined / sizeof *declined; i++)
    expect_fast(f, declined[i], DECL_FAST_DECLINED);
  /* an array one past its bound */
  size_t cap = (DECL_MAX_CONTAINERS + 2) * 4 + 128, n = 0;
  char *big = malloc(cap);
  assert_non_null(big);
  n += (size_t)snprintf(big, cap, "{\"type\":\"IM\",\"transport\":{\"containers\":[");
  for (size_t i = 0; i <= DECL_MAX_CONTAINERS; i++) n += (size_t)snprintf(big + n, cap - n, "%s\"\"", i ? "," : "");
  snprintf(big + n, cap - n, "]}}");
  expect_fast(f, big, DECL_FAST_DECLINED);
  free(big);
}

static void test_vessel_call_round_trip(void **state) {
  struct fx *f = *state;
  int rc = decode_validate(f, va_json);
  if (rc) dump(&f->errs);
  assert_int_equal(rc, 0);
  assert_int_equal(f->d.type, DECL_VA);
  assert_string_equal(f->d.office, "CNSHA");
  assert_int_equal(f->d.vcall.n_crew, 2);
  assert_true(f->d.vcall.has_dangerous_goods);
  assert_false(f->d.vcall.dangerous_goods);
  json_t *out = decl_to_json(&f->d);
  json_t *in = parse(va_json);
  assert_true(json_equal(out, in)); /* the input was already canonical */
  assert_non_null(json_object_get(out, "port"));
  assert_null(json_object_get(out, "office"));
  json_decref(in);
  json_decref(out);

  /* An empty crew list is kept (and then must match crew_count). */
  rc = decode_validate(f, "{\"type\":\"VD\",\"reference\":\"R\",\"port\":\"CNSHA\","
                          "\"vessel\":{\"imo\":\"IMO 9321483\",\"name\":\"V\",\"flag\":\"pa\"},"
                          "\"etd\":\"2026-12-02T18:30:00Z\",\"crew_count\":0,\"crew\":[],"
                          "\"carrier\":{\"id\":\"C\"}}");
  if (rc) dump(&f->errs);
  assert_int_equal(rc, 0);
  assert_true(f->d.vcall.has_crew);
  out = decl_to_json(&f->d);
  char *s = dumps(out);
  assert_string_equal(s, "{\"type\":\"VD\",\"reference\":\"R\",\"port\":\"CNSHA\","
                         "\"vessel\":{\"imo\":\"9321483\",\"name\":\"V\",\"flag\":\"PA\"},"
                         "\"etd\":\"2026-12-02T18:30:00Z\",\"crew_count\":0,\"crew\":[],"
                         "\"carrier\":{\"id\":\"C\"}}");
  free(s);
  json_decref(out);
}

static void test_decode_problems(void **state) {
  struct fx *f = *state;
  const char *bad =
      "{\"type\":\"IM\",\"reference\":123,\"procedure\":\"4000\",\"office\":\"CNSHA\","
      "\"importer\":\"91310000MA1FL0001X\",\"colour\":\"blue\",\"eta\":\"2026-12-01T06:00:00Z\","
      "\"transport\":{\"mode\":\"1\",\"containers\":\"MSKU9070323\",\"speed\":3},"
      "\"invoice\":{\"currency\":\"USD\",\"incoterm\":\"CIF\",\"total\":98000.0},"
      "\"items\":[{\"seq\":\"1\",\"hs\":\"03061711\",\"description\":\"d\",\"origin\":\"VN\","
      "\"quantity\":\"12000\",\"unit\":\"KGM\",\"net_kg\":\"12000\",\"gross_kg\":\"12600\","
      "\"value\":\"98000.001\",\"documents\":[7]},"
      "  \"second item is not an object\"],"
      "\"a/b~c\":1}";
  assert_int_equal(decode(f, bad), -SW_EVALIDATION);
  EXPECT(f, "/reference", "bad_type");
  EXPECT(f, "/importer", "bad_type");
  EXPECT(f, "/colour", "unknown_field");
  EXPECT(f, "/eta", "unknown_field"); /* a vessel-call field in an import */
  EXPECT(f, "/transport/containers", "bad_type");
  EXPECT(f, "/transport/speed", "unknown_field");
  EXPECT(f, "/invoice/total", "bad_type");
  EXPECT(f, "/items/0/seq", "bad_type");
  EXPECT(f, "/items/0/value", "bad_decimal");
  EXPECT(f, "/items/0/documents/0", "bad_type");
  EXPECT(f, "/items/1", "bad_type");
  EXPECT(f, "/a~1b~0c", "unknown_field");
  assert_int_equal(f->errs.n, 12);
  for (size_t i = 0; i < f->errs.n; i++)
    if (strcmp(f->errs.items[i].path, "/items/0/value") == 0)
      assert_string_equal(f->errs.items[i].message,
                          "at most 2 digits after the decimal point are allowed");

  /* Validation adds what decoding could not know, and never "required" on top of a
   * decode problem (nor inside an item that was not an object). */
  size_t before = f->errs.n;
  assert_int_equal(decl_validate(&f->d, f->rd, NULL, &f->errs), -SW_EVALIDATION);
  for (size_t i = before; i < f->errs.n; i++)
    if (strcmp(f->errs.items[i].code, "required") == 0) {
      dump(&f->errs);
      fail_msg("unexpected required at %s", f->errs.items[i].path);
    }
}

static void test_types_and_bounds(void **state) {
  struct fx *f = *state;
  assert_int_equal(decode(f, "[1,2]"), -SW_EVALIDATION);
  EXPECT(f, "", "bad_type");
  assert_int_equal(decl_validate(&f->d, f->rd, NULL, &f->errs), -SW_EVALIDATION);
  assert_int_equal(f->errs.n, 1); /* nothing more: the root problem covers everything */

  assert_int_equal(decode(f, "{\"type\":\"XX\",\"reference\":\"R\"}"), -SW_EVALIDATION);
  EXPECT(f, "/type", "bad_value");
  assert_int_equal(decode(f, "{\"type\":7}"), -SW_EVALIDATION);
  EXPECT(f, "/type", "bad_type");
  assert_int_equal(decl_validate(&f->d, f->rd, NULL, &f->errs), -SW_EVALIDATION);
  assert_false(fx_has(&f->errs, "/type", "required"));

  assert_int_equal(decode(f, "{\"type\":\"VA\",\"office\":\"CNSHA\",\"items\":[]}"),
                   -SW_EVALIDATION);
  EXPECT(f, "/office", "unknown_field");
  EXPECT(f, "/items", "unknown_field");

  assert_int_equal(decode(f, "{\"type\":\"IM\",\"invoice\":{\"total\":\"-5\"},"
                             "\"transport\":{\"mode\":1}}"),
                   -SW_EVALIDATION);
  EXPECT(f, "/invoice/total", "bad_decimal");
  EXPECT(f, "/transport/mode", "bad_type");

  /* 1000 items: reported once, the first 999 decoded. */
  json_t *root = parse(example_json);
  json_t *items = json_object_get(root, "items");
  json_t *item = json_array_get(items, 0);
  for (int i = 2; i <= 1000; i++) {
    json_t *c = json_deep_copy(item);
    json_object_set_new(c, "seq", json_integer(i));
    json_array_append_new(items, c);
  }
  errlist_init(&f->errs);
  assert_int_equal(decl_from_json(root, &f->a, &f->d, &f->errs), -SW_EVALIDATION);
  EXPECT(f, "/items", "too_many_items");
  assert_int_equal(f->d.goods.n_items, DECL_MAX_ITEMS);
  assert_int_equal(decl_validate(&f->d, f->rd, NULL, &f->errs), -SW_EVALIDATION);
  /* the sum of 999 of the 1000 items says nothing about the total: no total_mismatch */
  assert_false(errlist_has(&f->errs, "total_mismatch"));
  assert_int_equal(f->errs.n, 1);
  json_decref(root);

  /* A string far past any field's length is not copied. */
  root = parse(example_json);
  char *big = malloc(DECL_TEXT_HARD_MAX + 2);
  memset(big, 'a', DECL_TEXT_HARD_MAX + 1);
  big[DECL_TEXT_HARD_MAX + 1] = 0;
  json_object_set_new(root, "reference", json_string(big));
  free(big);
  errlist_init(&f->errs);
  assert_int_equal(decl_from_json(root, &f->a, &f->d, &f->errs), -SW_EVALIDATION);
  EXPECT(f, "/reference", "too_long");
  assert_null(f->d.reference);
  json_decref(root);

  /* An exhausted arena is a hard failure, not a problem list. */
  struct arena tiny;
  arena_init(&tiny, 64);
  root = parse(example_json);
  errlist_init(&f->errs);
  assert_int_equal(decl_from_json(root, &tiny, &f->d, &f->errs), -SW_ENOMEM);
  arena_release(&tiny);
  json_decref(root);
}

/* Ten mistakes through the whole edge: decoding and validation together. */
static void test_ten_mistakes_json(void **state) {
  struct fx *f = *state;
  const char *bad =
      "{\"type\":\"EX\",\"reference\":\"BRK-2026-000124\",\"procedure\":\"1000\","
      "\"office\":\"CNSHA\",\"exporter\":{\"id\":\"91310000MA1FL0001X\"},"
      "\"transport\":{\"mode\":\"1\",\"vessel_imo\":\"1234568\",\"loading\":\"CNSHA\","
      "\"containers\":[\"MSKU9070324\",\"ABC123\"]},"
      "\"invoice\":{\"currency\":\"USD\",\"incoterm\":\"FOB\",\"total\":\"1000.00\"},"
      "\"items\":["
      "{\"seq\":1,\"hs\":\"847130\",\"description\":\"Laptops\",\"origin\":\"CN\","
      "\"quantity\":\"100\",\"unit\":\"NAR\",\"net_kg\":\"250\",\"gross_kg\":\"200\","
      "\"value\":\"600.00\"},"
      "{\"seq\":1,\"hs\":\"847199\",\"description\":\"Mice\",\"origin\":\"CN\","
      "\"quantity\":\"1e3\",\"unit\":\"NAR\",\"net_kg\":\"50\",\"gross_kg\":\"60\","
      "\"value\":\"300.00\",\"documents\":[{\"type\":\"licence\"}]}]}";
  assert_int_equal(decode_validate(f, bad), -SW_EVALIDATION);
  EXPECT(f, "/destination", "required");                             /* 1: EX needs it */
  EXPECT(f, "/transport/vessel_imo", "bad_imo");                     /* 2 */
  EXPECT(f, "/transport/containers/0", "bad_container_check_digit"); /* 3 */
  EXPECT(f, "/transport/containers/1", "bad_container_format");      /* 4 */
  EXPECT(f, "/items/0/net_kg", "net_exceeds_gross");                 /* 5 */
  EXPECT(f, "/items/1/seq", "duplicate_seq");                        /* 6 */
  EXPECT(f, "/items/1/hs", "unknown_hs");                            /* 7 */
  EXPECT(f, "/items/1/quantity", "bad_decimal");                     /* 8 */
  EXPECT(f, "/items/1/documents/0/number", "required");              /* 9 */
  EXPECT(f, "/invoice/total", "total_mismatch");                     /* 10: 900.00 vs 1000.00 */
  /* The quantity that could not be read is not also "required". */
  assert_false(fx_has(&f->errs, "/items/1/quantity", "required"));
  if (f->errs.n != 10) dump(&f->errs);
  assert_int_equal(f->errs.n, 10);
}

static void test_rule_json(void **state) {
  struct fx *f = *state;
  const char *text =
      "{\"id\":\"quarantine-food\",\"version\":2,\"agency\":\"quarantine\",\"types\":[\"IM\","
      "\"EX\"],"
      "\"conditions\":{\"hs_prefixes\":[\"01\",\"02\",\"03\",\"44\"],\"origins\":[\"vn\"],"
      "\"value_above\":\"1000.00\",\"value_currency\":\"usd\",\"procedures\":[\"40\"],"
      "\"destinations\":[\"CN\"]},"
      "\"auto_decision\":\"approve\",\"priority\":10,\"enabled\":true,"
      "\"reason\":\" Food needs a quarantine check \"}";
  json_t *j = parse(text);
  struct routing_rule r;
  errlist_init(&f->errs);
  int rc = routing_rule_from_json(j, "", f->rd, &f->a, &r, &f->errs);
  if (rc) dump(&f->errs);
  assert_int_equal(rc, 0);
  json_decref(j);
  assert_string_equal(r.agency, "QUARANTINE");
  assert_string_equal(r.origins[0], "VN");
  assert_string_equal(r.value_currency, "USD");
  assert_string_equal(r.reason, "Food needs a quarantine check");
  assert_int_equal(r.value_above, 100000);
  assert_int_equal(r.version, 2);
  assert_int_equal(r.types, DECL_TYPES_GOODS);
  assert_int_equal(r.auto_decision, ROUTE_AUTO_APPROVE);

  /* Round trip. */
  json_t *out = routing_rule_to_json(&r);
  char *s = dumps(out);
  assert_string_equal(
      s, "{\"id\":\"quarantine-food\",\"version\":2,\"agency\":\"QUARANTINE\","
         "\"types\":[\"IM\",\"EX\"],\"conditions\":{\"hs_prefixes\":[\"01\",\"02\",\"03\",\"44\"],"
         "\"origins\":[\"VN\"],\"destinations\":[\"CN\"],\"procedures\":[\"40\"],"
         "\"value_above\":\"1000.00\",\"value_currency\":\"USD\"},\"always\":false,"
         "\"auto_decision\":\"approve\",\"priority\":10,\"enabled\":true,"
         "\"reason\":\"Food needs a quarantine check\"}");
  struct routing_rule r2;
  errlist_init(&f->errs);
  assert_int_equal(routing_rule_from_json(out, "", f->rd, &f->a, &r2, &f->errs), 0);
  json_t *out2 = routing_rule_to_json(&r2);
  assert_true(json_equal(out, out2));
  free(s);
  json_decref(out);
  json_decref(out2);

  /* Decoded rules route a decoded declaration. */
  assert_int_equal(decode(f, example_json), 0);
  struct route_result res;
  assert_int_equal(routing_evaluate(&r, 1, &f->d, &res), 0);
  assert_int_equal(res.n, 1);
  assert_true(res.tasks[0].auto_approve);

  /* Defaults, and problems with paths under a base. */
  j = parse("{\"id\":\"c\",\"agency\":\"CUSTOMS\",\"types\":[\"VA\"],\"always\":true,"
            "\"reason\":\"r\"}");
  errlist_init(&f->errs);
  assert_int_equal(routing_rule_from_json(j, "/rules/0", f->rd, &f->a, &r, &f->errs), 0);
  assert_int_equal(r.version, 1);
  assert_true(r.enabled);
  assert_int_equal(r.priority, 0);
  assert_int_equal(r.auto_decision, ROUTE_AUTO_NONE);
  json_decref(j);

  j = parse("{\"id\":5,\"agency\":\"CUSTOMS\",\"types\":[\"IM\",\"XX\",3],"
            "\"conditions\":{\"hs_prefixes\":[\"0A\",7],\"value_above\":\"1.005\",\"colour\":1},"
            "\"auto_decision\":\"maybe\",\"enabled\":\"yes\",\"reason\":\"r\",\"extra\":0}");
  errlist_init(&f->errs);
  assert_int_equal(routing_rule_from_json(j, "/rules/3", f->rd, &f->a, &r, &f->errs),
                   -SW_EVALIDATION);
  EXPECT(f, "/rules/3/id", "bad_type");
  EXPECT(f, "/rules/3/types/1", "bad_value");
  EXPECT(f, "/rules/3/types/2", "bad_type");
  EXPECT(f, "/rules/3/conditions/hs_prefixes/0", "bad_format");
  EXPECT(f, "/rules/3/conditions/hs_prefixes/1", "bad_type");
  EXPECT(f, "/rules/3/conditions/value_above", "bad_decimal");
  EXPECT(f, "/rules/3/conditions/colour", "unknown_field");
  EXPECT(f, "/rules/3/auto_decision", "bad_value");
  EXPECT(f, "/rules/3/enabled", "bad_type");
  EXPECT(f, "/rules/3/extra", "unknown_field");
  if (f->errs.n != 10) dump(&f->errs);
  assert_int_equal(f->errs.n, 10); /* no "required" echo for /rules/3/id */
  json_decref(j);

  j = parse("{\"id\":\"e\",\"agency\":\"CUSTOMS\",\"types\":[\"IM\"],\"reason\":\"r\"}");
  errlist_init(&f->errs);
  assert_int_equal(routing_rule_from_json(j, "", f->rd, &f->a, &r, &f->errs), -SW_EVALIDATION);
  EXPECT(f, "/conditions", "no_conditions");
  json_decref(j);
  j = parse("\"rule\"");
  errlist_init(&f->errs);
  assert_int_equal(routing_rule_from_json(j, "/rules/1", f->rd, &f->a, &r, &f->errs),
                   -SW_EVALIDATION);
  EXPECT(f, "/rules/1", "bad_type");
  json_decref(j);
}

/* Problem paths and messages stay valid UTF-8 however long the input (they end up in
 * problem+json, and jansson refuses invalid UTF-8). */
static void test_problems_stay_utf8(void **state) {
  struct fx *f = *state;
  json_t *root = parse(example_json);
  char key[400] = "", val[400] = "x"; /* the 'x' puts the 2-byte characters at odd offsets */
  for (int i = 0; i < 100; i++)
    memcpy(key + 3 * i, "\xe8\x99\xbe", 4); /* 3-byte chars */
  for (int i = 0; i < 100; i++)
    memcpy(val + 1 + 2 * i, "\xc3\xa9", 3); /* 2-byte chars */
  json_object_set_new(root, key, json_integer(1));
  json_object_set_new(root, "a/~\xc3\xa9", json_integer(1));
  json_object_set_new(json_object_get(root, "transport"), "loading", json_string(val));
  json_object_set_new(json_array_get(json_object_get(root, "items"), 0), "origin",
                      json_string(val));
  errlist_init(&f->errs);
  decl_from_json(root, &f->a, &f->d, &f->errs);
  decl_validate(&f->d, f->rd, NULL, &f->errs);
  EXPECT(f, "/a~1~0\xc3\xa9", "unknown_field");
  EXPECT(f, "/transport/loading", "unknown_locode");
  EXPECT(f, "/items/0/origin", "unknown_country");
  assert_int_equal(f->errs.n, 4);
  for (size_t i = 0; i < f->errs.n; i++) {
    json_t *p = json_string(f->errs.items[i].path);
    json_t *m = json_string(f->errs.items[i].message);
    if (!p || !m) fail_msg("invalid UTF-8 in problem %zu (%s)", i, f->errs.items[i].code);
    json_decref(p);
    json_decref(m);
  }
  json_decref(root);
}

/* The §7 example against the shipped reference data files. */
static void test_example_with_data_files(void **state) {
  struct fx *f = *state;
  static const char *const files[] = {
      SW_SOURCE_DIR "/data/harmonized-system.csv", SW_SOURCE_DIR "/data/country-codes.csv",
      SW_SOURCE_DIR "/data/currency-codes-iso4217.csv",
      SW_SOURCE_DIR "/data/unlocode-ports-all-countries.csv",
      /* CNSHA is not a port in UN/LOCODE 2023-2 (it is Hongqiao airport); this file has it. */
      SW_SOURCE_DIR "/data/unlocode-cn-all-functions.csv"};
  struct refdata *rd = refdata_new();
  assert_non_null(rd);
  char err[200];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    FILE *fp = fopen(files[i], "rb");
    if (!fp) {
      refdata_free(rd);
      skip();
    }
    int rc;
    switch (i) {
    case 0: rc = refload_hs(fp, rd, NULL, NULL, err, sizeof err); break;
    case 1: rc = refload_countries(fp, rd, NULL, NULL, err, sizeof err); break;
    case 2: rc = refload_currencies(fp, rd, NULL, NULL, err, sizeof err); break;
    default: rc = refload_locations(fp, rd, NULL, NULL, err, sizeof err); break;
    }
    fclose(fp);
    if (rc) fail_msg("%s: %s", files[i], err);
  }
  assert_int_equal(refdata_finish(rd), 0);
  assert_int_equal(decode(f, example_json), 0);
  int rc = decl_validate(&f->d, rd, NULL, &f->errs);
  if (rc) dump(&f->errs);
  assert_int_equal(rc, 0);
  refdata_free(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_example_decodes_and_validates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_canonical_output_and_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vessel_call_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_canonical_text_matches_sorted_dump, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fast_decoder, setup, teardown),
      cmocka_unit_test_setup_teardown(test_decode_problems, setup, teardown),
      cmocka_unit_test_setup_teardown(test_types_and_bounds, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ten_mistakes_json, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rule_json, setup, teardown),
      cmocka_unit_test_setup_teardown(test_problems_stay_utf8, setup, teardown),
      cmocka_unit_test_setup_teardown(test_example_with_data_files, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
