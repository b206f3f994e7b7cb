/* test_edi_cusres.c - the CUSRES (D96B) writer: exact text of each status, every message
 * validating against the project's own D96B directory tables, escaping, Latin-1 output,
 * truncation to the directory's lengths, and bad arguments refused without a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/edifact/edi_cusres.h"
#include "core/err.h"
#include "test_edi_fixture.h"

#define T0 1700000000 /* 2023-11-14 22:13:20 UTC */

/* Parses and validates out against the directories: no errors at all; the dump stays in x. */
static void assert_valid(const char *out, struct run *x) {
  run_str(x, out, NULL);
  if (x->r.errors) {
    fprintf(stderr, "%s", out);
    print_problems(x);
  }
  assert_int_equal(x->r.errors, 0);
  assert_true(x->r.messages > 0);
}

/* The interchange for msgs as a NUL-terminated string (caller frees via edi_buf_release). */
static char *build(struct edi_buf *b, const struct edi_cusres *msgs, size_t n) {
  struct edi_cusres_envelope e = {NULL, NULL, "BROKER", "ZZ", "R42", T0};
  edi_buf_init(b, 0);
  assert_int_equal(edi_cusres_interchange(b, &e, msgs, n), 0);
  assert_int_equal(edi_buf_put(b, "", 1), 0);
  return b->p;
}

static void test_registered_text(void **state) {
  (void)state;
  struct edi_buf b;
  struct run x = {0};
  struct edi_cusres m = {.kind = EDI_CUSRES_REGISTERED, .reference = "BRK-2026-000123",
                         .number = "220020261000000001", .office = "CNSHA", .at = T0 + 60};
  const char *out = build(&b, &m, 1);
  assert_string_equal(out, "UNB+UNOC:3+OPENSW+BROKER:ZZ+231114:2213+R42'\n"
                           "UNH+1+CUSRES:D:96B:UN'\n"
                           "BGM+962+BRK-2026-000123+29+AP'\n"
                           "DTM+137:202311142214:203'\n"
                           "DTM+148:202311142214:203'\n"
                           "LOC+22+CNSHA'\n"
                           "GIS+1'\n"
                           "RFF+ABT:220020261000000001'\n"
                           "UNT+8+1'\n"
                           "UNZ+1+R42'\n");
  assert_valid(out, &x);
  run_free(&x);
  edi_buf_release(&b);
}

static void test_every_status_validates(void **state) {
  (void)state;
  struct edi_buf b;
  struct run x = {0};
  const struct edi_cusres_reason refused[] = {
      {"QUARANTINE", "PEST", "Live pests found in container MSKU9070323"},
      {"CUSTOMS", "UNDERVALUATION_SUSPECTED", NULL},
      {NULL, NULL, NULL},
  };
  const struct edi_cusres_reason cancelled[] = {{NULL, NULL, "duplicate of BRK-2026-000122"}};
  const char *ref = "BRK-2026-000123", *num = "220020261000000001";
  const struct edi_cusres msgs[] = {
      {EDI_CUSRES_REGISTERED, ref, num, "CNSHA", T0, NULL, 0},
      {EDI_CUSRES_AWAITING_PAYMENT, ref, num, "CNSHA", T0 + 1, NULL, 0},
      {EDI_CUSRES_RELEASED, ref, num, "CNSHA", T0 + 2, NULL, 0},
      {EDI_CUSRES_REFUSED, ref, num, "CNSHA", T0 + 3, refused, 3},
      {EDI_CUSRES_CANCELLED, ref, num, NULL, T0 + 4, cancelled, 1},
      {EDI_CUSRES_CANCELLED, ref, NULL, NULL, T0 + 5, NULL, 0},
  };
  const char *out = build(&b, msgs, 6);
  assert_valid(out, &x);
  assert_int_equal(x.r.messages, 6);
  assert_non_null(strstr(out, "BGM+962+BRK-2026-000123+23+CA'\n"));
  assert_non_null(strstr(out, "GIS+30'\n"));
  assert_non_null(strstr(out, "BGM+962+BRK-2026-000123+29+AP'\nDTM+137:202311142213:203'\n"
                              "DTM+204:202311142213:203'\nLOC+22+CNSHA'\nGIS+4'\n"));
  assert_non_null(strstr(out, "BGM+962+BRK-2026-000123+27+RE'\n"));
  assert_non_null(strstr(out, "GIS+2'\nRFF+ABT:220020261000000001'\n"
                              "ERP+1'\nERC+PEST'\n"
                              "FTX+ACD+++PEST:QUARANTINE:Live pests found in container "
                              "MSKU9070323'\n"
                              "ERP+1'\nERC+ZZZ'\nFTX+ACD+++UNDERVALUATION_SUSPECTED:CUSTOMS'\n"
                              "ERP+1'\nERC+ZZZ'\nFTX+ACD+++-'\n"));
  assert_non_null(strstr(out, "BGM+962+BRK-2026-000123+1'\nDTM+137:202311142213:203'\n"
                              "DTM+46:202311142213:203'\n"
                              "FTX+ACD+++duplicate of BRK-2026-000122'\nRFF+ABT:"));
  assert_non_null(strstr(out, "UNZ+6+R42'\n"));
  /* The parse of the answer gives back the values as written. */
  assert_non_null(strstr(x.dump, "BGM 4.2|962|BRK-2026-000123|27|RE\n"));
  run_free(&x);
  edi_buf_release(&b);
}

static void test_escaping_latin1_and_lengths(void **state) {
  (void)state;
  struct edi_buf b;
  struct run x = {0};
  char longref[200], longnote[600];
  memset(longref, 'A', sizeof longref - 1);
  longref[sizeof longref - 1] = 0;
  memset(longnote, 'n', sizeof longnote - 1);
  longnote[sizeof longnote - 1] = 0;
  const struct edi_cusres_reason why[] = {
      {"QUARANTINE", "DOC:MISSING+1", "Certificat sanitaire manquant, café ? 5 € d'amende"},
      {"CUSTOMS", longref, longnote},
  };
  const struct edi_cusres msgs[] = {
      {EDI_CUSRES_REFUSED, "REF+1:2'3?4", "N1", "CNSHA", T0, why, 2},
      {EDI_CUSRES_REGISTERED, longref, longref, longref, T0, NULL, 0},
  };
  const char *out = build(&b, msgs, 2);
  assert_non_null(strstr(out, "BGM+962+REF?+1?:2?'3??4+27+RE'\n"));
  /* UNOC: é is one Latin-1 byte, the euro sign (not in Latin-1) becomes '?' */
  assert_non_null(strstr(out, "ERC+ZZZ'\nFTX+ACD+++DOC?:MISSING?+1:QUARANTINE:Certificat "
                              "sanitaire manquant, caf\xe9 ?? 5 ?? d?'amende'\n"));
  assert_null(strstr(out, "\xe2\x82\xac"));
  assert_valid(out, &x);
  /* values come back decoded (UNOC -> UTF-8) */
  assert_non_null(strstr(x.dump, "BGM 1.2|962|REF+1:2'3?4|27|RE\n"));
  assert_non_null(strstr(x.dump, "caf\xc3\xa9 ? 5 ? d'amende"));
  /* over-long values are cut to the directory's lengths (an..35, an..25, an..70 x 5) */
  char want[64];
  snprintf(want, sizeof want, "BGM 2.2|962|%.35s|29|AP\n", longref);
  assert_non_null(strstr(x.dump, want));
  snprintf(want, sizeof want, "LOC 2.5|22|%.25s\n", longref);
  assert_non_null(strstr(x.dump, want));
  run_free(&x);
  edi_buf_release(&b);
}

static void test_validator_sees_cusres(void **state) {
  (void)state;
  /* The directory really is applied to CUSRES: a wrong code and a misplaced GIS are found. */
  struct run x = {0};
  run_str(&x,
          "UNB+UNOC:3+OPENSW+BROKER+231114:2213+R1'UNH+1+CUSRES:D:96B:UN'BGM+962+X+29+XX'"
          "GIS+1'DTM+137:202311142213:203'UNT+5+1'UNZ+1+R1'",
          NULL);
  assert_true(x.r.errors >= 2);
  assert_non_null(find_error(&x, EDI_E_VALUE, 2, "BGM"));
  run_free(&x);
}

static void test_bad_arguments(void **state) {
  (void)state;
  struct edi_buf b;
  struct edi_writer w;
  struct edi_cusres m = {.kind = EDI_CUSRES_RELEASED, .reference = "R", .at = T0};
  struct edi_cusres bad = {.kind = (enum edi_cusres_kind)99, .reference = "R", .at = T0};
  struct edi_cusres_envelope e = {NULL, NULL, NULL, NULL, "R1", T0};
  struct edi_cusres_envelope noref = {NULL, NULL, "B", NULL, NULL, T0};
  edi_buf_init(&b, 0);
  assert_int_equal(edi_cusres_interchange(&b, &e, &bad, 1), -SW_EINVAL);
  assert_int_equal(edi_cusres_interchange(&b, &noref, &m, 1), -SW_EINVAL);
  assert_int_equal(edi_cusres_interchange(&b, NULL, &m, 1), -SW_EINVAL);
  assert_int_equal(edi_cusres_interchange(&b, &e, NULL, 1), -SW_EINVAL);
  assert_int_equal(b.len, 0);
  edi_writer_init(&w, &b, 3);
  assert_int_equal(edi_cusres_write(&w, "1", &bad), -SW_EINVAL);
  assert_int_equal(edi_cusres_write(&w, NULL, &m), -SW_EINVAL);
  assert_null(edi_cusres_kind_name((enum edi_cusres_kind)99));
  assert_string_equal(edi_cusres_kind_name(EDI_CUSRES_REFUSED), "refused");
  /* no recipient: UNKNOWN, as in the other answers */
  assert_int_equal(edi_cusres_interchange(&b, &e, &m, 1), 0);
  assert_int_equal(edi_buf_put(&b, "", 1), 0);
  assert_non_null(strstr(b.p, "UNB+UNOC:3+OPENSW+UNKNOWN+231114:2213+R1'\n"));
  edi_buf_release(&b);
  /* a buffer too small: the sticky error comes back, never a crash */
  edi_buf_init(&b, 40);
  assert_int_equal(edi_cusres_interchange(&b, &e, &m, 1), -SW_ETOOBIG);
  assert_true(b.len <= 40);
  edi_buf_release(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registered_text),
      cmocka_unit_test(test_every_status_validates),
      cmocka_unit_test(test_escaping_latin1_and_lengths),
      cmocka_unit_test(test_validator_sees_cusres),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
