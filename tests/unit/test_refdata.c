/* test_refdata.c - reference data loaded from the shipped data/ files through refload_*,
 * exact lookups, HS national-code validation, searches, and loader error handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "codec/refdata_files.h"
#include "core/err.h"
#include "core/refdata.h"

static FILE *open_data(const char *name) {
  char path[1024];
  int n = snprintf(path, sizeof(path), "%s/data/%s", SW_SOURCE_DIR, name);
  assert_true(n > 0 && (size_t)n < sizeof(path));
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  return f;
}

/* Counts rows and checks that line numbers only grow, as a progress bar needs. */
struct tally {
  size_t rows;
  long last_line;
};

static int tally_row(struct tally *t, long line) {
  if (line <= t->last_line) return -SW_EINVAL;
  t->last_line = line;
  t->rows++;
  return 0;
}

static int on_hs(void *ctx, long line, const struct hs_entry *e) {
  if (!e->code[0] || strcmp(e->code, "TOTAL") == 0) return -SW_EINVAL;
  return tally_row(ctx, line);
}
static int on_section(void *ctx, long line, const struct hs_section *s) {
  (void)s;
  return tally_row(ctx, line);
}
static int on_country(void *ctx, long line, const struct country *c) {
  if (strlen(c->numeric) != 3) return -SW_EINVAL;
  return tally_row(ctx, line);
}
static int on_currency(void *ctx, long line, const struct currency *c) {
  (void)c;
  return tally_row(ctx, line);
}
static int on_location(void *ctx, long line, const struct location *l) {
  if (strncmp(l->locode, l->country, 2) != 0) return -SW_EINVAL;
  return tally_row(ctx, line);
}

static int load(const char *name, int (*fn)(FILE *, struct refdata *, char *, size_t),
                struct refdata *rd) {
  char err[256] = "";
  FILE *f = open_data(name);
  int rc = fn(f, rd, err, sizeof(err));
  fclose(f);
  if (rc) print_error("%s: %s (%s)\n", name, err, sw_strerror(rc));
  return rc;
}

static struct tally t_hs, t_sections, t_countries, t_currencies, t_locations;

static int load_hs(FILE *f, struct refdata *rd, char *err, size_t n) {
  return refload_hs(f, rd, on_hs, &t_hs, err, n);
}
static int load_sections(FILE *f, struct refdata *rd, char *err, size_t n) {
  return refload_sections(f, rd, on_section, &t_sections, err, n);
}
static int load_countries(FILE *f, struct refdata *rd, char *err, size_t n) {
  return refload_countries(f, rd, on_country, &t_countries, err, n);
}
static int load_currencies(FILE *f, struct refdata *rd, char *err, size_t n) {
  return refload_currencies(f, rd, on_currency, &t_currencies, err, n);
}
static int load_locations(FILE *f, struct refdata *rd, char *err, size_t n) {
  return refload_locations(f, rd, on_location, &t_locations, err, n);
}

static int setup(void **state) {
  struct refdata *rd = refdata_new();
  if (!rd) return -1;
  if (load("harmonized-system.csv", load_hs, rd) || load("hs-sections.csv", load_sections, rd) ||
      load("country-codes.csv", load_countries, rd) ||
      load("currency-codes-iso4217.csv", load_currencies, rd) ||
      load("unlocode-ports-all-countries.csv", load_locations, rd) || refdata_finish(rd)) {
    refdata_free(rd);
    return -1;
  }
  *state = rd;
  return 0;
}

static int teardown(void **state) {
  refdata_free(*state);
  return 0;
}

static void test_counts(void **state) {
  const struct refdata *rd = *state;
  /* 97 chapters + 1229 headings + 5613 subheadings; the TOTAL row is skipped. */
  assert_int_equal(refdata_hs_count(rd), 6939);
  assert_int_equal(refdata_section_count(rd), 21);
  assert_int_equal(refdata_country_count(rd), 249);
  /* Current codes only, each once (USD is listed for many entities). */
  assert_int_equal(refdata_currency_count(rd), 178);
  /* 17582 port rows; 76 locodes appear twice with the name in another language. */
  assert_int_equal(refdata_location_count(rd), 17506);
  /* The callbacks saw exactly what was stored. */
  assert_int_equal(t_hs.rows, 6939);
  assert_int_equal(t_sections.rows, 21);
  assert_int_equal(t_countries.rows, 249);
  assert_int_equal(t_currencies.rows, 178);
  assert_int_equal(t_locations.rows, 17506);
}

static void test_hs_lookup(void **state) {
  const struct refdata *rd = *state;
  const struct hs_entry *e = refdata_hs(rd, "030617");
  assert_non_null(e);
  assert_string_equal(e->code, "030617");
  assert_string_equal(e->parent, "0306");
  assert_string_equal(e->section, "I");
  assert_int_equal(e->level, 6);
  assert_non_null(strstr(e->description, "shrimps and prawns"));
  e = refdata_hs(rd, e->parent);
  assert_non_null(e);
  assert_int_equal(e->level, 4);
  assert_string_equal(e->parent, "03");
  e = refdata_hs(rd, e->parent);
  assert_non_null(e);
  assert_int_equal(e->level, 2);
  assert_string_equal(e->parent, "");
  assert_string_equal(e->description,
                      "Fish and crustaceans, molluscs and other aquatic invertebrates");
  assert_null(refdata_hs(rd, "TOTAL"));
  assert_null(refdata_hs(rd, "0306171"));
  /* Chapter 99 of the file ("Commodities not specified according to kind", a trade
   * statistics code, section TOTAL upstream) is kept, without a section. */
  e = refdata_hs(rd, "999999");
  assert_non_null(e);
  assert_string_equal(e->section, "");
  assert_string_equal(e->parent, "9999");
  assert_null(refdata_hs(rd, "970600"));
  assert_null(refdata_hs(rd, ""));
  assert_null(refdata_hs(rd, NULL));
  e = refdata_hs(rd, "970690"); /* the last subheading of chapter 97 */
  assert_non_null(e);
  assert_string_equal(e->section, "XXI");
  const struct hs_section *s = refdata_section(rd, "I");
  assert_non_null(s);
  assert_string_equal(s->name, "live animals; animal products");
  assert_non_null(refdata_section(rd, "XXI"));
  assert_null(refdata_section(rd, "XXII"));
}

static void test_hs_valid_national(void **state) {
  const struct refdata *rd = *state;
  assert_true(refdata_hs_valid_national(rd, "030617"));
  assert_true(refdata_hs_valid_national(rd, "03061711"));
  assert_true(refdata_hs_valid_national(rd, "030617119"));
  assert_true(refdata_hs_valid_national(rd, "0306171190"));
  /* 030699 exists in HS 2022 ("Crustaceans; smoked, whole, ... n.e.c."). */
  assert_non_null(refdata_hs(rd, "030699"));
  assert_true(refdata_hs_valid_national(rd, "03069999"));
  assert_false(refdata_hs_valid_national(rd, "03069899")); /* no 030698 */
  assert_false(refdata_hs_valid_national(rd, "0306171"));  /* 7 digits */
  assert_false(refdata_hs_valid_national(rd, "03061711111"));
  assert_false(refdata_hs_valid_national(rd, "ABCDEF"));
  assert_false(refdata_hs_valid_national(rd, "0306"));
  assert_false(refdata_hs_valid_national(rd, "03"));
  assert_false(refdata_hs_valid_national(rd, "0306 17"));
  assert_false(refdata_hs_valid_national(rd, "0306171A"));
  assert_false(refdata_hs_valid_national(rd, "970700"));
  assert_false(refdata_hs_valid_national(rd, "000000"));
  assert_false(refdata_hs_valid_national(rd, ""));
  assert_false(refdata_hs_valid_national(rd, NULL));
}

static void test_countries_currencies(void **state) {
  const struct refdata *rd = *state;
  const struct country *c = refdata_country(rd, "CN");
  assert_non_null(c);
  assert_string_equal(c->alpha3, "CHN");
  assert_string_equal(c->numeric, "156");
  assert_string_equal(c->name, "China");
  c = refdata_country(rd, "VN");
  assert_non_null(c);
  assert_string_equal(c->alpha3, "VNM");
  assert_string_equal(c->numeric, "704");
  assert_string_equal(c->name, "Viet Nam");
  c = refdata_country(rd, "AF");
  assert_non_null(c);
  assert_string_equal(c->numeric, "004"); /* "4" in the file */
  assert_null(refdata_country(rd, "cn"));
  assert_null(refdata_country(rd, "XX"));

  const struct currency *u = refdata_currency(rd, "USD");
  assert_non_null(u);
  assert_int_equal(u->minor_unit, 2);
  assert_string_equal(u->numeric, "840");
  assert_string_equal(u->name, "US Dollar");
  u = refdata_currency(rd, "CNY");
  assert_non_null(u);
  assert_int_equal(u->minor_unit, 2);
  assert_string_equal(u->name, "Yuan Renminbi");
  u = refdata_currency(rd, "JPY");
  assert_non_null(u);
  assert_int_equal(u->minor_unit, 0);
  assert_int_equal(refdata_currency(rd, "BHD")->minor_unit, 3);
  assert_int_equal(refdata_currency(rd, "XAU")->minor_unit, -1); /* "-" in the file */
  assert_non_null(refdata_currency(rd, "EUR"));
  assert_null(refdata_currency(rd, "DEM")); /* withdrawn */
  assert_null(refdata_currency(rd, "usd"));
}

static void test_locations(void **state) {
  const struct refdata *rd = *state;
  const struct location *l = refdata_location(rd, "VNSGN");
  assert_non_null(l);
  assert_string_equal(l->name, "Ho Chi Minh City");
  assert_string_equal(l->country, "VN");
  assert_int_equal(l->function[0], '1');
  l = refdata_location(rd, "CNSGH");
  assert_non_null(l);
  assert_string_equal(l->name, "Shanghai");
  assert_string_equal(l->function, "12345---");
  /* CNSHA is "Shanghai Hongqiao International Apt", function ---4---- (airport only) in
   * UN/LOCODE 2023-2, so the ports-only file has no CNSHA although carriers still use it
   * for the port of Shanghai (now CNSGH). */
  assert_null(refdata_location(rd, "CNSHA"));
  l = refdata_location(rd, "BEBRU"); /* listed twice; the first row is kept */
  assert_non_null(l);
  assert_string_equal(l->name, "Brussel (Bruxelles)");
  assert_non_null(refdata_location(rd, "NLRTM"));
  assert_non_null(refdata_location(rd, "SGSIN"));
  assert_null(refdata_location(rd, "XXXXX"));
}

static int in_results(const struct hs_entry **res, size_t n, const char *code, size_t *pos) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(res[i]->code, code) == 0) {
      if (pos) *pos = i;
      return 1;
    }
  return 0;
}

static void test_hs_search_text(void **state) {
  const struct refdata *rd = *state;
  const struct hs_entry *res[20];
  size_t n = refdata_hs_search(rd, "shrimp", res, 20);
  assert_true(n >= 7);
  /* The shrimps-and-prawns lines of HS 2022 (030626/030627 of HS 2012 became
   * 030635/030636) are the first seven, ahead of "other than crab, shrimps, ...". */
  static const char *const shrimp[] = {"030616", "030617", "030635", "030636",
                                       "030695", "160521", "160529"};
  for (size_t i = 0; i < 7; i++) {
    size_t pos;
    if (!in_results(res, n, shrimp[i], &pos) || pos >= 7)
      fail_msg("%s not in the first 7 results for 'shrimp'", shrimp[i]);
  }
  size_t p540;
  assert_true(in_results(res, n, "160540", &p540));
  assert_true(p540 >= 7);

  /* Case-insensitive, all words required, word prefixes match. */
  size_t n2 = refdata_hs_search(rd, "SHRIMPS Frozen", res, 20);
  assert_true(n2 >= 2);
  for (size_t i = 0; i < n2; i++) {
    assert_non_null(strstr(res[i]->description, "shrimps"));
    assert_non_null(strstr(res[i]->description, "frozen"));
  }
  assert_true(strcmp(res[0]->code, "030616") == 0 || strcmp(res[0]->code, "030617") == 0);
  assert_int_equal(refdata_hs_search(rd, "frozen shrimp xyzzy", res, 20), 0);
  assert_int_equal(refdata_hs_search(rd, "rimp", res, 20), 0); /* not at a word start */

  /* 6-digit subheadings with whole-word matches come before headings and chapters. */
  n = refdata_hs_search(rd, "horses", res, 20);
  assert_true(n >= 3);
  assert_int_equal(res[0]->level, 6);
  assert_true(in_results(res, n, "0101", NULL));
  assert_true(in_results(res, n, "010121", NULL));

  /* Bounded by max. */
  assert_int_equal(refdata_hs_search(rd, "animals", res, 3), 3);
  assert_int_equal(refdata_hs_search(rd, "animals", res, 0), 0);
  assert_int_equal(refdata_hs_search(rd, "", res, 20), 0);
  assert_int_equal(refdata_hs_search(rd, " ;, ", res, 20), 0);

  /* More results than fit on the stack work too. */
  const struct hs_entry *many[200];
  n = refdata_hs_search(rd, "n.e.c", many, 200);
  assert_int_equal(n, 200);
}

static void test_hs_search_code(void **state) {
  const struct refdata *rd = *state;
  const struct hs_entry *res[40];
  size_t n = refdata_hs_search(rd, "0306", res, 40);
  assert_int_equal(n, 21); /* the heading and its 20 subheadings */
  assert_string_equal(res[0]->code, "0306");
  for (size_t i = 1; i < n; i++) {
    assert_string_equal(res[i]->parent, "0306");
    assert_true(strcmp(res[i - 1]->code, res[i]->code) < 0); /* code order */
  }
  n = refdata_hs_search(rd, "030617", res, 40);
  assert_int_equal(n, 1);
  assert_string_equal(res[0]->code, "030617");
  n = refdata_hs_search(rd, "0306.17", res, 40);
  assert_true(n >= 1);
  assert_string_equal(res[0]->code, "030617");
  /* A national line finds its subheading first, then the ancestors. */
  n = refdata_hs_search(rd, "03061711", res, 40);
  assert_int_equal(n, 3);
  assert_string_equal(res[0]->code, "030617");
  assert_true(in_results(res, n, "0306", NULL));
  assert_true(in_results(res, n, "03", NULL));
  /* A code filter and a word together. */
  n = refdata_hs_search(rd, "0306 lobsters", res, 40);
  assert_true(n >= 4);
  for (size_t i = 0; i < n; i++)
    assert_memory_equal(res[i]->code, "0306", 4);
  assert_int_equal(refdata_hs_search(rd, "9800", res, 40), 0); /* chapter 98 is national */
}

static void test_name_search(void **state) {
  const struct refdata *rd = *state;
  const struct country *c[10];
  size_t n = refdata_country_search(rd, "china", c, 10);
  assert_true(n >= 1);
  assert_string_equal(c[0]->alpha2, "CN");
  n = refdata_country_search(rd, "vn", c, 10);
  assert_true(n >= 1);
  assert_string_equal(c[0]->alpha2, "VN");
  n = refdata_country_search(rd, "deu", c, 10); /* alpha-3 */
  assert_true(n >= 1);
  assert_string_equal(c[0]->alpha2, "DE");
  assert_int_equal(refdata_country_search(rd, "", c, 10), 10);

  const struct currency *u[10];
  n = refdata_currency_search(rd, "usd", u, 10);
  assert_true(n >= 1);
  assert_string_equal(u[0]->code, "USD");
  n = refdata_currency_search(rd, "dollar", u, 10);
  assert_true(n >= 5);
  for (size_t i = 0; i < n; i++)
    assert_non_null(strstr(u[i]->name, "Dollar"));

  const struct location *l[50];
  n = refdata_location_search(rd, "shanghai", l, 50);
  int found = 0;
  for (size_t i = 0; i < n; i++)
    found |= strcmp(l[i]->locode, "CNSGH") == 0;
  assert_true(found);
  n = refdata_location_search(rd, "nlrtm", l, 50);
  assert_true(n >= 1);
  assert_string_equal(l[0]->locode, "NLRTM");
  assert_int_equal(refdata_location_search(rd, "zzzzzzzzzz", l, 50), 0);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Not a pass/fail benchmark: prints the cost so regressions are visible in test logs. */
static void test_search_speed(void **state) {
  const struct refdata *rd = *state;
  const struct hs_entry *res[20];
  static const char *const qs[] = {"shrimp", "frozen fish fillets", "0306", "machines", "x"};
  for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
    int rounds = 200;
    double t0 = now_s();
    for (int i = 0; i < rounds; i++)
      refdata_hs_search(rd, qs[k], res, 20);
    double us = (now_s() - t0) / rounds * 1e6;
    print_message("hs_search('%s'): %.1f us/query\n", qs[k], us);
  }
  double t0 = now_s();
  long ok = 0;
  for (int i = 0; i < 1000000; i++)
    ok += refdata_hs_valid_national(rd, "03061711");
  print_message("hs_valid_national: %.1f ns/call\n", (now_s() - t0) / 1e6 * 1e9);
  assert_int_equal(ok, 1000000);
  t0 = now_s();
  for (int i = 0; i < 1000000; i++)
    ok += refdata_location(rd, "VNSGN") != NULL;
  print_message("location lookup: %.1f ns/call\n", (now_s() - t0) / 1e6 * 1e9);
}

/* ---- building a refdata by hand --------------------------------------------------- */

static void test_adders(void **state) {
  (void)state;
  struct refdata *rd = refdata_new();
  assert_non_null(rd);
  assert_int_equal(refdata_add_hs(rd, "03", "Fish", "", "I", 2), 0);
  assert_int_equal(refdata_add_hs(rd, "0306", "Crustaceans", "03", "I", 4), 0);
  assert_int_equal(refdata_add_hs(rd, "030617", "Shrimps", "0306", "I", 6), 0);
  assert_int_equal(refdata_add_hs(rd, "030617", "Duplicate", "0306", "I", 6), 0);
  assert_int_equal(refdata_add_hs(rd, "0306", "bad parent", "04", "I", 4), -SW_EINVAL);
  assert_int_equal(refdata_add_hs(rd, "03061", "odd", "0306", "I", 5), -SW_EINVAL);
  assert_int_equal(refdata_add_hs(rd, "0A", "letters", "", "I", 2), -SW_EINVAL);
  assert_int_equal(refdata_add_hs(rd, "0306", "level mismatch", "03", "I", 6), -SW_EINVAL);
  assert_int_equal(refdata_add_hs(rd, "04", "chapter with parent", "TOTAL", "I", 2), -SW_EINVAL);
  assert_int_equal(refdata_add_hs(rd, NULL, "x", "", "I", 2), -SW_EINVAL);
  assert_int_equal(refdata_add_country(rd, "CN", "CHN", "156", "China"), 0);
  assert_int_equal(refdata_add_country(rd, "cn", "CHN", "156", "China"), -SW_EINVAL);
  assert_int_equal(refdata_add_country(rd, "CN", "CHN", "15", "China"), -SW_EINVAL);
  assert_int_equal(refdata_add_currency(rd, "USD", "840", "US Dollar", 2), 0);
  assert_int_equal(refdata_add_currency(rd, "USD", "840", "US Dollar", 10), -SW_EINVAL);
  assert_int_equal(refdata_add_currency(rd, "US", "840", "US Dollar", 2), -SW_EINVAL);
  assert_int_equal(refdata_add_location(rd, "CNSGH", "Shanghai", "12345---"), 0);
  assert_int_equal(refdata_add_location(rd, "CN1", "Short", "1"), -SW_EINVAL);
  assert_int_equal(refdata_add_location(rd, "12ABC", "Digits", "1"), -SW_EINVAL);
  assert_null(refdata_hs(rd, "03")); /* not finished yet */
  assert_int_equal(refdata_finish(rd), 0);
  assert_int_equal(refdata_finish(rd), -SW_ESTATE);
  assert_int_equal(refdata_add_hs(rd, "04", "Dairy", "", "I", 2), -SW_ESTATE);
  assert_int_equal(refdata_hs_count(rd), 3);
  assert_string_equal(refdata_hs(rd, "030617")->description, "Shrimps"); /* first kept */
  assert_string_equal(refdata_location(rd, "CNSGH")->country, "CN");
  assert_true(refdata_hs_valid_national(rd, "0306171100"));
  refdata_free(rd);
  refdata_free(NULL);
}

/* ---- loader errors ------------------------------------------------------------------ */

static FILE *file_of(const char *s) {
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(fputs(s, f) >= 0, 1);
  rewind(f);
  return f;
}

static void expect_hs_error(const char *csv, int want, const char *msg) {
  char err[256];
  FILE *f = file_of(csv);
  struct refdata *rd = refdata_new();
  int rc = refload_hs(f, rd, NULL, NULL, err, sizeof(err));
  if (rc != want || !strstr(err, msg)) fail_msg("got %d '%s', want %d '%s'", rc, err, want, msg);
  refdata_free(rd);
  fclose(f);
}

static void test_loader_errors(void **state) {
  (void)state;
  static const char hdr[] = "section,hscode,description,parent,level\n";
  char buf[512];
  snprintf(buf, sizeof(buf), "%sI,01,Animals,TOTAL,2\nI,0101,Horses,01,4\nI,0102X,Bad,01,4\n", hdr);
  expect_hs_error(buf, -SW_EINVAL, "line 4: hscode '0102X' is not 4 digits");
  snprintf(buf, sizeof(buf), "%sI,01,Animals,TOTAL,2\nI,0101,Horses,02,4\n", hdr);
  expect_hs_error(buf, -SW_EINVAL, "line 3: parent '02' of 0101");
  snprintf(buf, sizeof(buf), "%sI,01,Animals,TOTAL,3\n", hdr);
  expect_hs_error(buf, -SW_EINVAL, "line 2: level '3'");
  snprintf(buf, sizeof(buf), "%sI,01,\"Animals,TOTAL,2\nI,0101,Horses,01,4\n", hdr);
  expect_hs_error(buf, -SW_EINVAL, "line 2: malformed CSV");
  expect_hs_error("section,code,description,parent,level\nI,01,A,TOTAL,2\n", -SW_EINVAL,
                  "line 1: missing column 'hscode'");
  expect_hs_error("", -SW_EINVAL, "line 1: empty file");

  /* Columns are found by name, not position; extra columns are ignored. */
  char err[256];
  FILE *f = file_of("level,extra,hscode,parent,description,section\r\n"
                    "2,x,01,TOTAL,\"Animals; live\",I\r\n4,y,0101,01,Horses,I\r\n");
  struct refdata *rd = refdata_new();
  assert_int_equal(refload_hs(f, rd, NULL, NULL, err, sizeof(err)), 0);
  assert_int_equal(refdata_finish(rd), 0);
  assert_string_equal(refdata_hs(rd, "01")->description, "Animals; live");
  assert_string_equal(refdata_hs(rd, "0101")->parent, "01");
  refdata_free(rd);
  fclose(f);

  /* Currencies: bad minor unit names the line; withdrawn and code-less rows skip. */
  f = file_of("Entity,Currency,AlphabeticCode,NumericCode,MinorUnit,WithdrawalDate\n"
              "A,Dollar,USD,840,2,\nB,Old,DEM,276,,2002-03\nC,None,,,,\nD,Unit,XUA,965,N.A.,\n"
              "E,Bad,ABC,123,x,\n");
  rd = refdata_new();
  assert_int_equal(refload_currencies(f, rd, NULL, NULL, err, sizeof(err)), -SW_EINVAL);
  assert_string_equal(err, "line 6: minor unit 'x' of ABC is not a digit or N.A.");
  assert_int_equal(refdata_finish(rd), 0);
  assert_int_equal(refdata_currency_count(rd), 2);
  assert_int_equal(refdata_currency(rd, "XUA")->minor_unit, -1);
  refdata_free(rd);
  fclose(f);

  /* Locations: a bad code names the line. */
  f = file_of("Change,Country,Location,Name,Function\n,CN,SGH,Shanghai,1-------\n"
              ",CN,,.CHINA,\n,C1,ABC,Bad,1-------\n");
  assert_int_equal(refload_locations(f, NULL, NULL, NULL, err, sizeof(err)), -SW_EINVAL);
  assert_non_null(strstr(err, "line 4: 'C1' + 'ABC' is not a UN/LOCODE"));
  fclose(f);

  /* Countries: an unusable numeric code. */
  f = file_of("ISO3166-1-Alpha-2,ISO3166-1-Alpha-3,ISO3166-1-numeric,official_name_en\n"
              "AF,AFG,4,Afghanistan\n,XXX,999,No alpha-2\nCN,CHN,1566,China\n");
  assert_int_equal(refload_countries(f, NULL, NULL, NULL, err, sizeof(err)), -SW_EINVAL);
  assert_string_equal(err, "line 4: numeric code '1566' of CN is not 1-3 digits");
  fclose(f);

  /* A NULL or empty error buffer is allowed. */
  f = file_of("nothing,useful\n1,2\n");
  assert_int_equal(refload_sections(f, NULL, NULL, NULL, NULL, 0), -SW_EINVAL);
  fclose(f);
}

static int stop_at_second(void *ctx, long line, const struct country *c) {
  (void)line;
  (void)c;
  int *seen = ctx;
  return ++*seen == 2 ? -SW_EDB : 0;
}

static void test_loader_callback(void **state) {
  (void)state;
  char err[256];
  int seen = 0;
  FILE *f = file_of("ISO3166-1-Alpha-2,ISO3166-1-Alpha-3,ISO3166-1-numeric,CLDR display name\n"
                    "AF,AFG,4,Afghanistan\nAF,AFG,4,Duplicate\nCN,CHN,156,China\nVN,VNM,704,"
                    "Vietnam\n");
  assert_int_equal(refload_countries(f, NULL, stop_at_second, &seen, err, sizeof(err)), -SW_EDB);
  assert_int_equal(seen, 2); /* the duplicate AF was not reported */
  assert_string_equal(err, "line 4: row rejected by the caller: database error");
  fclose(f);
}

int main(void) {
  const struct CMUnitTest loaded[] = {
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_hs_lookup),
      cmocka_unit_test(test_hs_valid_national),
      cmocka_unit_test(test_countries_currencies),
      cmocka_unit_test(test_locations),
      cmocka_unit_test(test_hs_search_text),
      cmocka_unit_test(test_hs_search_code),
      cmocka_unit_test(test_name_search),
      cmocka_unit_test(test_search_speed),
  };
  const struct CMUnitTest standalone[] = {
      cmocka_unit_test(test_adders),
      cmocka_unit_test(test_loader_errors),
      cmocka_unit_test(test_loader_callback),
  };
  int failed = cmocka_run_group_tests_name("refdata_loaded", loaded, setup, teardown);
  failed += cmocka_run_group_tests_name("refdata_standalone", standalone, NULL, NULL);
  return failed;
}
