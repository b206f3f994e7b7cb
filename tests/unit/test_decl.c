#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"

#include "decl_fixture.h"

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

static int validate(struct fx *f) {
  errlist_init(&f->errs);
  return decl_validate(&f->d, f->rd, NULL, &f->errs);
}

#define EXPECT(f, path, code)                                                                      \
  do {                                                                                             \
    if (!fx_has(&(f)->errs, path, code)) {                                                         \
      dump(&(f)->errs);                                                                            \
      fail_msg("missing %s at %s", code, path);                                                    \
    }                                                                                              \
  } while (0)

static void test_example_is_valid(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  int rc = validate(f);
  if (rc != 0) dump(&f->errs);
  assert_int_equal(rc, 0);
  assert_int_equal(f->errs.n, 0);
}

/* Ten different mistakes in one submission: ten problems, each at its path. */
static void test_ten_mistakes(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  struct decl_goods *g = &f->d.goods;
  f->d.reference = fx_s(&f->a, "BRK-2026-000123-THIS-REFERENCE-IS-WAY-TOO-LONG"); /* 1 */
  f->d.office = fx_s(&f->a, "CNXXX");                                             /* 2 */
  g->items[0].hs = fx_s(&f->a, "99999999");                                       /* 3 */
  g->items[0].origin = fx_s(&f->a, "XX");                                         /* 4 */
  g->invoice.currency = fx_s(&f->a, "USX");                                       /* 5 */
  g->transport.containers[0] = fx_s(&f->a, "MSKU9070324");                        /* 6 */
  g->transport.vessel_imo = fx_s(&f->a, "9321484");                               /* 7 */
  g->items[0].net_kg = fx_qty("13000");                                           /* 8 */
  g->invoice.incoterm = fx_s(&f->a, "CIP2");                                      /* 9 */
  g->transport.arrival = fx_s(&f->a, "2026-13-01T06:00:00Z");                     /* 10 */

  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/reference", "too_long");
  EXPECT(f, "/office", "unknown_locode");
  EXPECT(f, "/items/0/hs", "unknown_hs");
  EXPECT(f, "/items/0/origin", "unknown_country");
  EXPECT(f, "/invoice/currency", "unknown_currency");
  EXPECT(f, "/transport/containers/0", "bad_container_check_digit");
  EXPECT(f, "/transport/vessel_imo", "bad_imo");
  EXPECT(f, "/items/0/net_kg", "net_exceeds_gross");
  EXPECT(f, "/invoice/incoterm", "unknown_incoterm");
  EXPECT(f, "/transport/arrival", "bad_datetime");
  if (f->errs.n != 10) dump(&f->errs);
  assert_int_equal(f->errs.n, 10);
}

/* Ten more, of other kinds, over several items. */
static void test_more_mistakes(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  struct decl_goods *g = &f->d.goods;
  struct decl_item *items = arena_alloc(&f->a, 3 * sizeof *items);
  items[0] = items[1] = items[2] = g->items[0];
  g->items = items;
  g->n_items = 3;
  items[1].value = fx_money("1000.00"); /* sum 197000.00 + 1000.00 != 98000.00 */
  items[1].seq = 1;                     /* duplicate_seq */
  items[2].seq = 3;
  items[2].hs = NULL;                                     /* required */
  items[2].unit = fx_s(&f->a, "KILOGRAM");                /* bad_format */
  items[2].quantity = 0;                                  /* out_of_range */
  g->procedure = fx_s(&f->a, "40A0");                     /* bad_format */
  g->has_importer = false;                                /* required for IM */
  g->transport.containers[0] = fx_s(&f->a, "MSK9070323"); /* bad_container_format */
  g->transport.loading = fx_s(&f->a, "ZZZZZ");            /* unknown_locode */
  char *longdesc = arena_alloc(&f->a, 600);
  memset(longdesc, 'x', 513);
  items[1].description = longdesc; /* too_long */

  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/invoice/total", "total_mismatch");
  EXPECT(f, "/items/1/seq", "duplicate_seq");
  EXPECT(f, "/items/2/hs", "required");
  EXPECT(f, "/items/2/unit", "bad_format");
  EXPECT(f, "/items/2/quantity", "out_of_range");
  EXPECT(f, "/procedure", "bad_format");
  EXPECT(f, "/importer", "required");
  EXPECT(f, "/transport/containers/0", "bad_container_format");
  EXPECT(f, "/transport/loading", "unknown_locode");
  EXPECT(f, "/items/1/description", "too_long");
  if (f->errs.n != 10) dump(&f->errs);
  assert_int_equal(f->errs.n, 10);
}

static void test_total_tolerance_and_item_limit(void **state) {
  struct fx *f = *state;
  struct decl_limits lim;
  fixture_goods(&f->a, &f->d);
  f->d.goods.invoice.total = fx_money("98000.02");
  decl_limits_default(&lim);
  errlist_init(&f->errs);
  assert_int_equal(decl_validate(&f->d, f->rd, &lim, &f->errs), -SW_EVALIDATION);
  EXPECT(f, "/invoice/total", "total_mismatch");
  lim.total_tolerance = 2;
  errlist_init(&f->errs);
  assert_int_equal(decl_validate(&f->d, f->rd, &lim, &f->errs), 0);
  lim.total_tolerance = 1;
  errlist_init(&f->errs);
  assert_int_equal(decl_validate(&f->d, f->rd, &lim, &f->errs), -SW_EVALIDATION);

  fixture_goods(&f->a, &f->d);
  lim.max_items = 0;
  errlist_init(&f->errs);
  assert_int_equal(decl_validate(&f->d, f->rd, &lim, &f->errs), -SW_EVALIDATION);
  EXPECT(f, "/items", "too_many_items");
  assert_int_equal(f->errs.n, 1);
}

static void test_many_items_unique(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  struct decl_goods *g = &f->d.goods;
  struct decl_item *items = arena_alloc(&f->a, DECL_MAX_ITEMS * sizeof *items);
  for (size_t i = 0; i < DECL_MAX_ITEMS; i++) {
    items[i] = g->items[0];
    items[i].seq = (int64_t)(DECL_MAX_ITEMS - i);
    items[i].value = 100;
  }
  g->items = items;
  g->n_items = DECL_MAX_ITEMS;
  g->invoice.total = 100 * DECL_MAX_ITEMS;
  assert_int_equal(validate(f), 0);
  items[998].seq = 999; /* the first item already has 999 */
  items[500].seq = 1000;
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/items/998/seq", "duplicate_seq");
  EXPECT(f, "/items/500/seq", "out_of_range");
  assert_int_equal(f->errs.n, 2);
}

static void test_export_requirements(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  f->d.type = DECL_EX;
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/exporter", "required");
  EXPECT(f, "/destination", "required");
  assert_int_equal(f->errs.n, 2); /* the importer may stay: it is optional for EX */

  f->d.goods.has_exporter = true;
  f->d.goods.exporter.id = NULL;
  f->d.goods.destination = fx_s(&f->a, "QQ");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/exporter/id", "required");
  EXPECT(f, "/destination", "unknown_country");

  f->d.goods.exporter.id = fx_s(&f->a, "VN0301234567");
  f->d.goods.destination = fx_s(&f->a, "US");
  assert_int_equal(validate(f), 0);
}

static void test_missing_everything(void **state) {
  struct fx *f = *state;
  memset(&f->d, 0, sizeof f->d);
  f->d.type = DECL_IM;
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/reference", "required");
  EXPECT(f, "/office", "required");
  EXPECT(f, "/procedure", "required");
  EXPECT(f, "/importer", "required");
  EXPECT(f, "/transport", "required");
  EXPECT(f, "/invoice", "required");
  EXPECT(f, "/items", "required");
  assert_int_equal(f->errs.n, 7);

  memset(&f->d, 0, sizeof f->d);
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/type", "required");

  /* An empty item reports each of its required fields. */
  fixture_goods(&f->a, &f->d);
  memset(&f->d.goods.items[0], 0, sizeof f->d.goods.items[0]);
  assert_int_equal(validate(f), -SW_EVALIDATION);
  static const char *const fields[] = {"seq",  "hs",     "description", "origin", "quantity",
                                       "unit", "net_kg", "gross_kg",    "value"};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    char p[64];
    snprintf(p, sizeof p, "/items/0/%s", fields[i]);
    EXPECT(f, p, "required");
  }
  assert_int_equal(f->errs.n, 9);
}

static void test_required_not_repeated(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  f->d.goods.items[0].hs = NULL;
  f->d.goods.has_invoice = false;
  errlist_init(&f->errs);
  /* A codec already complained about these paths. */
  errlist_add(&f->errs, "/items/0/hs", "bad_type", "expected a string");
  errlist_add(&f->errs, "/invoice", "bad_type", "expected an object");
  assert_int_equal(decl_validate(&f->d, f->rd, NULL, &f->errs), -SW_EVALIDATION);
  assert_int_equal(f->errs.n, 2);
}

static void test_currency_precision(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  f->d.goods.invoice.currency = fx_s(&f->a, "JPY");
  assert_int_equal(validate(f), 0);
  f->d.goods.invoice.total = fx_money("98000.50");
  f->d.goods.items[0].value = fx_money("98000.50");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/invoice/total", "currency_precision");
  EXPECT(f, "/items/0/value", "currency_precision");
  assert_int_equal(f->errs.n, 2);
}

static void test_text_rules(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  /* 512 characters of 3-byte UTF-8 is fine: limits count characters, not bytes. */
  char *desc = arena_alloc(&f->a, 512 * 3 + 1);
  for (int i = 0; i < 512; i++)
    memcpy(desc + i * 3, "\xe8\x99\xbe", 3);
  f->d.goods.items[0].description = desc;
  assert_int_equal(validate(f), 0);
  f->d.goods.items[0].description = fx_s(&f->a, "line\nbreak");
  f->d.reference = fx_s(&f->a, "BRK 1");
  f->d.goods.importer.name = fx_s(&f->a, "Tab\there");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/items/0/description", "bad_format");
  EXPECT(f, "/reference", "bad_format");
  EXPECT(f, "/importer/name", "bad_format");
  assert_int_equal(f->errs.n, 3);
}

static void test_documents_and_containers(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  struct decl_transport *t = &f->d.goods.transport;
  t->containers = arena_alloc(&f->a, 3 * sizeof(char *));
  t->containers[0] = fx_s(&f->a, "MSKU9070323");
  t->containers[1] = fx_s(&f->a, "CSQU3054383");
  t->containers[2] = fx_s(&f->a, "MSKU9070323");
  t->n_containers = 3;
  struct decl_item *it = &f->d.goods.items[0];
  it->documents = arena_alloc(&f->a, 2 * sizeof *it->documents);
  it->n_documents = 2;
  it->documents[0].type = fx_s(&f->a, "phyto");
  it->documents[1].number = fx_s(&f->a, "X-1");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/transport/containers/2", "duplicate_container");
  EXPECT(f, "/items/0/documents/0/number", "required");
  EXPECT(f, "/items/0/documents/1/type", "required");
  assert_int_equal(f->errs.n, 3);
  t->mode = fx_s(&f->a, "12");
  t->n_containers = DECL_MAX_CONTAINERS + 1;
  t->containers = arena_alloc(&f->a, (DECL_MAX_CONTAINERS + 1) * sizeof(char *));
  for (int i = 0; i <= DECL_MAX_CONTAINERS; i++)
    t->containers[i] = fx_s(&f->a, "CSQU3054383");
  t->containers[0] = fx_s(&f->a, "MSKU9070323");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/transport/mode", "bad_format");
  EXPECT(f, "/transport/containers", "too_many");
}

static void test_canonicalize(void **state) {
  struct fx *f = *state;
  fixture_goods(&f->a, &f->d);
  struct decl_goods *g = &f->d.goods;
  f->d.reference = fx_s(&f->a, "  BRK-2026-000123 ");
  f->d.office = fx_s(&f->a, "cnsha");
  g->items[0].hs = fx_s(&f->a, " 0306.17.11 ");
  g->items[0].origin = fx_s(&f->a, "vn");
  g->items[0].unit = fx_s(&f->a, "kgm");
  g->items[0].description = fx_s(&f->a, "\tFrozen shrimps, peeled  ");
  g->invoice.currency = fx_s(&f->a, "usd");
  g->invoice.incoterm = fx_s(&f->a, "cif");
  g->transport.containers[0] = fx_s(&f->a, "msku 907032-3");
  g->transport.vessel_imo = fx_s(&f->a, "IMO 9321483");
  g->transport.arrival = fx_s(&f->a, "2026-12-01t06:00:00z");
  g->transport.voyage = fx_s(&f->a, "   ");
  decl_canonicalize(&f->d);
  assert_string_equal(f->d.reference, "BRK-2026-000123");
  assert_string_equal(f->d.office, "CNSHA");
  assert_string_equal(g->items[0].hs, "03061711");
  assert_string_equal(g->items[0].description, "Frozen shrimps, peeled");
  assert_string_equal(g->transport.containers[0], "MSKU9070323");
  assert_string_equal(g->transport.vessel_imo, "9321483");
  assert_string_equal(g->transport.arrival, "2026-12-01T06:00:00Z");
  assert_null(g->transport.voyage);
  assert_int_equal(validate(f), 0);
  /* canonical twice is canonical once: every "IMO" prefix goes in the first pass */
  g->transport.vessel_imo = fx_s(&f->a, "imo-IMO 9321483");
  decl_canonicalize(&f->d);
  assert_string_equal(g->transport.vessel_imo, "9321483");
}

static void test_vessel_arrival_valid(void **state) {
  struct fx *f = *state;
  fixture_va(&f->a, &f->d);
  int rc = validate(f);
  if (rc) dump(&f->errs);
  assert_int_equal(rc, 0);
  /* Optional parts may go. */
  struct decl_vcall *v = &f->d.vcall;
  v->has_crew = false;
  v->crew = NULL;
  v->n_crew = 0;
  v->etd = NULL;
  v->has_security_level = false;
  v->sanitation_certificate_expiry = NULL;
  v->has_passenger_count = false;
  v->last_port = v->next_port = NULL;
  assert_int_equal(validate(f), 0);
}

static void test_vessel_arrival_invalid(void **state) {
  struct fx *f = *state;
  fixture_va(&f->a, &f->d);
  struct decl_vcall *v = &f->d.vcall;
  f->d.office = fx_s(&f->a, "CNQQQ");                           /* unknown_locode /port */
  v->vessel.imo = fx_s(&f->a, "9321482");                       /* bad_imo */
  v->vessel.flag = fx_s(&f->a, "XX");                           /* unknown_country */
  v->etd = fx_s(&f->a, "2026-11-30T06:00:00Z");                 /* etd_before_eta */
  v->crew_count = 3;                                            /* crew_count_mismatch */
  v->security_level = 4;                                        /* out_of_range */
  v->sanitation_certificate_expiry = fx_s(&f->a, "2026-11-30"); /* certificate_expired */
  v->crew[1].nationality = fx_s(&f->a, "ZZ");                   /* unknown_country */
  v->vessel.call_sign = fx_s(&f->a, "3F-AB7");                  /* bad_format */
  v->has_carrier = false;                                       /* required */
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/port", "unknown_locode");
  EXPECT(f, "/vessel/imo", "bad_imo");
  EXPECT(f, "/vessel/flag", "unknown_country");
  EXPECT(f, "/etd", "etd_before_eta");
  EXPECT(f, "/crew", "crew_count_mismatch");
  EXPECT(f, "/security_level", "out_of_range");
  EXPECT(f, "/sanitation_certificate_expiry", "certificate_expired");
  EXPECT(f, "/crew/1/nationality", "unknown_country");
  EXPECT(f, "/vessel/call_sign", "bad_format");
  EXPECT(f, "/carrier", "required");
  if (f->errs.n != 10) dump(&f->errs);
  assert_int_equal(f->errs.n, 10);

  /* VA needs eta; equal times are not "after". */
  fixture_va(&f->a, &f->d);
  f->d.vcall.eta = NULL;
  f->d.vcall.has_vessel = false;
  f->d.vcall.has_crew_count = false;
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/eta", "required");
  EXPECT(f, "/vessel", "required");
  EXPECT(f, "/crew_count", "required");
  assert_int_equal(f->errs.n, 3);
  fixture_va(&f->a, &f->d);
  f->d.vcall.etd = fx_s(&f->a, "2026-12-01T06:00:00.000Z");
  f->d.vcall.eta = fx_s(&f->a, "2026-12-01T06:00:00Z");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/etd", "etd_before_eta");
  f->d.vcall.eta = fx_s(&f->a, "2026-12-01 06:00:00");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/eta", "bad_datetime");
  f->d.vcall.eta = fx_s(&f->a, "2026-12-01T06:00:00Z");
  f->d.vcall.sanitation_certificate_expiry = fx_s(&f->a, "2027-02-29");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/sanitation_certificate_expiry", "bad_datetime");
}

static void test_vessel_departure(void **state) {
  struct fx *f = *state;
  fixture_va(&f->a, &f->d);
  f->d.type = DECL_VD;
  f->d.vcall.eta = NULL;
  assert_int_equal(validate(f), 0);
  f->d.vcall.etd = NULL;
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/etd", "required");
  assert_int_equal(f->errs.n, 1);
  /* Certificate valid on the day of departure. */
  f->d.vcall.etd = fx_s(&f->a, "2027-03-31T23:59:59Z");
  assert_int_equal(validate(f), 0);
  f->d.vcall.etd = fx_s(&f->a, "2027-04-01T00:00:00Z");
  assert_int_equal(validate(f), -SW_EVALIDATION);
  EXPECT(f, "/sanitation_certificate_expiry", "certificate_expired");
}

static void test_datetime_parse(void **state) {
  (void)state;
  int64_t us, days;
  assert_int_equal(decl_datetime_parse("1970-01-01T00:00:00Z", &us), 0);
  assert_int_equal(us, 0);
  assert_int_equal(decl_datetime_parse("2026-12-01T06:00:00Z", &us), 0);
  assert_int_equal(us, 1796104800LL * 1000000);
  assert_int_equal(decl_datetime_parse("2026-12-01T06:00:00.5Z", &us), 0);
  assert_int_equal(us, 1796104800LL * 1000000 + 500000);
  assert_int_equal(decl_datetime_parse("2026-12-01T06:00:00.123456Z", &us), 0);
  assert_int_equal(us % 1000000, 123456);
  assert_int_equal(decl_datetime_parse("1969-12-31T23:59:59Z", &us), 0);
  assert_int_equal(us, -1000000);
  assert_int_equal(decl_datetime_parse("2024-02-29T12:00:00Z", &us), 0);
  static const char *const bad[] = {
      "2026-12-01T06:00:00",
      "2026-12-01T06:00:00+08:00",
      "2026-12-01T24:00:00Z",
      "2026-12-01T06:60:00Z",
      "2026-12-01T06:00:60Z",
      "2026-02-29T06:00:00Z",
      "2026-12-01T06:00:00.Z",
      "2026-12-01T06:00:00.1234567Z",
      "2026-12-1T06:00:00Z",
      "2026-12-01T06:00:00ZZ",
      "",
      "1899-12-31T00:00:00Z",
      "2026-00-01T06:00:00Z",
      "2026-12-32T06:00:00Z",
      "2026/12/01T06:00:00Z",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (decl_datetime_parse(bad[i], &us) == 0) fail_msg("accepted %s", bad[i]);
  assert_int_equal(decl_date_parse("2027-03-31", &days), 0);
  assert_int_equal(decl_date_parse("1970-01-02", &days), 0);
  assert_int_equal(days, 1);
  assert_int_equal(decl_date_parse("2000-02-29", &days), 0);
  assert_int_equal(decl_date_parse("1900-02-29", &days), -SW_EINVAL);
  assert_int_equal(decl_date_parse("2027-03-31T00:00:00Z", &days), -SW_EINVAL);
}

static void test_utf8_clip(void **state) {
  (void)state;
  assert_int_equal(decl_utf8_clip("abc", 40), 3);
  assert_int_equal(decl_utf8_clip("abcdef", 4), 4);
  assert_int_equal(decl_utf8_clip("a\xc3\xa9", 2), 1); /* would split é */
  assert_int_equal(decl_utf8_clip("a\xc3\xa9", 3), 3);
  assert_int_equal(decl_utf8_clip("\xe8\x99\xbe\xe8\x99\xbe", 5), 3);
  assert_int_equal(decl_utf8_clip("\xf0\x9f\x9a\xa2", 3), 0);
  assert_int_equal(decl_utf8_clip("", 3), 0);
}

static void test_type_names(void **state) {
  (void)state;
  assert_int_equal(decl_type_parse("IM"), DECL_IM);
  assert_int_equal(decl_type_parse("VD"), DECL_VD);
  assert_int_equal(decl_type_parse("im"), DECL_TYPE_NONE);
  assert_int_equal(decl_type_parse(NULL), DECL_TYPE_NONE);
  assert_string_equal(decl_type_name(DECL_VA), "VA");
  assert_string_equal(decl_type_name(DECL_TYPE_NONE), "");
  assert_true(decl_incoterm_valid("DPU"));
  assert_true(decl_incoterm_valid("EXW"));
  assert_false(decl_incoterm_valid("DAT")); /* Incoterms 2010, gone in 2020 */
  assert_false(decl_incoterm_valid("EX"));
  assert_false(decl_incoterm_valid("cif"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_example_is_valid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ten_mistakes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_more_mistakes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_total_tolerance_and_item_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_many_items_unique, setup, teardown),
      cmocka_unit_test_setup_teardown(test_export_requirements, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_everything, setup, teardown),
      cmocka_unit_test_setup_teardown(test_required_not_repeated, setup, teardown),
      cmocka_unit_test_setup_teardown(test_currency_precision, setup, teardown),
      cmocka_unit_test_setup_teardown(test_text_rules, setup, teardown),
      cmocka_unit_test_setup_teardown(test_documents_and_containers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_canonicalize, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vessel_arrival_valid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vessel_arrival_invalid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vessel_departure, setup, teardown),
      cmocka_unit_test(test_datetime_parse),
      cmocka_unit_test(test_utf8_clip),
      cmocka_unit_test(test_type_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
