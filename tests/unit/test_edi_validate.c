/* test_edi_validate.c - directory-driven validation: every sample's exact findings (the
 * defects SOURCES.md lists, and the further ones explained in tests/data/edifact/NOTICE.md),
 * the negative files' specific errors at their positions, and synthetic cases for each
 * kind of check (formats, code lists, presence, repetitions, structure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/edifact/edi.h"
#include "codec/edifact/edi_dir.h"
#include "test_edi_fixture.h"

/* Errors (not warnings) as "code:segment:tag:element:component", space-separated, in the
 * order reported. */
static void error_string(const struct run *x, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = 0;
  for (size_t i = 0; i < x->r.n; i++) {
    const struct edi_error *e = &x->r.items[i];
    if (e->severity != EDI_ERROR) continue;
    int n = snprintf(buf + o, cap - o, "%s%u:%u:%s:%u:%u", o ? " " : "", e->code, e->pos.seg,
                     e->pos.tag, e->pos.elem, e->pos.comp);
    if (n < 0 || (size_t)n >= cap - o) break;
    o += (size_t)n;
  }
}

static const struct {
  const char *file;
  const char *errors;
} EXPECTED[] = {
    /* SOURCES.md: UNT counts 8 != 7 (upstream test files). */
    {"control/pydifact_aperak_d96a_v3_accepted.edi", "29:7:UNT:1:0"},
    {"control/pydifact_aperak_d96a_v3_rejected.edi", "29:7:UNT:1:0"},
    {"control/pydifact_aperak_d96a_v4_accepted.edi", "29:7:UNT:1:0"},
    {"control/pydifact_aperak_d96a_v4_rejected.edi", "29:7:UNT:1:0"},
    /* Codes outside the D03B lists (US CBP profile) and RFF/LOC after EQD, which SG10 of
     * CUSREP D03B does not allow. */
    {"customs/milyn_cusrep_d03b_cbp_ace.edi",
     "12:4:RFF:1:1 12:8:DTM:1:1 12:9:TAX:1:0 12:15:EQD:1:0 15:16:RFF:0:0 15:17:LOC:0:0"},
    {"customs/smooks_cuscar_d99a_scprbl_2msgs.edi", ""}, /* D99A: not shipped */
    /* NCTS codes outside the D96B lists. */
    {"customs/smooks_cusdec_d96b_ncts_cd001a.edi",
     "12:10:GIS:1:1 12:25:PAC:4:1 12:26:PCI:3:0 12:29:DOC:2:2"},
    {"commercial/milyn_invoic_d97b.edi", "29:24:UNT:1:0"},
    {"commercial/phpedifact_desadv_d96a.edi", "12:1:UNH:2:2"}, /* version '0' */
    {"commercial/pydifact_invoic_d97a.edi", ""},
    /* "Conforming" to edifact-rs's reduced schema; the UN directory makes UNS (and the MOA
     * group of INVOIC) mandatory. */
    {"message-level/edifactrs_d01b_invoic_conforming.edi", "13:7:UNT:0:0 13:7:UNT:0:0"},
    {"message-level/edifactrs_d01b_orders_conforming.edi", "13:7:UNT:0:0"},
    {"message-level/edifactrs_d11a_orders_conforming.edi", ""},
    {"message-level/edifactrs_d96a_invoic_conforming.edi", "13:7:UNT:0:0 13:7:UNT:0:0"},
    {"message-level/edifactrs_d96a_orders_conforming.edi", "13:7:UNT:0:0"},
    /* Negative files: what each was built to provoke, as far as a directory can tell. */
    {"negative/apimeister_baplie_d04b_placeholders.edi", "39:1:UNB:4:1 16:1:UNH:2:6"},
    {"negative/apimeister_coprar_d95b_message_only_bad_count.edi", "29:29:UNT:1:0"},
    {"negative/edifactrs_d01b_invoic_malformed.edi", "13:2:DTM:0:0 13:4:UNT:0:0 13:4:UNT:0:0"},
    {"negative/edifactrs_d01b_orders_malformed.edi",
     "33:1:BGM:0:0 13:2:DTM:0:0 29:4:UNT:1:0 13:4:UNT:0:0"},
    {"negative/edifactrs_d11a_orders_malformed.edi", "33:1:BGM:0:0 29:5:UNT:1:0"},
    {"negative/edifactrs_d96a_invoic_malformed.edi", "13:2:DTM:0:0 13:4:UNT:0:0 13:4:UNT:0:0"},
    {"negative/edifactrs_d96a_orders_malformed.edi",
     "33:1:BGM:0:0 13:2:DTM:0:0 29:4:UNT:1:0 13:4:UNT:0:0"},
    {"negative/pydifact_orders_d96a_missing_unz.edi", "13:18:UNZ:0:0"},
    {"negative/smooks_orders_d03b_too_many_dtm.edi", "35:38:DTM:0:0 29:57:UNT:1:0"},
    {"negative/smooks_paxlst_d03b_duplicate_rff.edi", "35:4:RFF:0:0 29:17:UNT:1:0"},
    {"passenger/smooks_paxlst_d03b_cbp_ace.edi", "12:3:RFF:1:1 12:9:EMP:6:0 12:11:DOC:1:1"},
    {"syntax-edgecases/phpedifact_desadv_unoc_utf8_text.edi", "12:1:UNH:2:2 21:11:IMD:3:4"},
    {"syntax-edgecases/phpedifact_iftmbc_d00b_newline_inside_element.edi",
     "12:1:UNB:4:1 40:1:UNB:4:2 29:7:UNT:1:0"},
    {"syntax-edgecases/smooks_recadv_d01b_unoa_with_utf8_chinese.edi",
     "12:8:RFF:1:1 21:9:NAD:4:1 21:9:NAD:5:1 21:9:NAD:6:1 12:10:RFF:1:1 39:12:NAD:4:1 "
     "12:13:RFF:1:1 12:22:RFF:1:1"},
    {"transport/apimeister_iftsta_d00b.edi", "28:33:UNZ:2:0"}, /* UNZ 2805570 vs UNB 2803570 */
    {"transport/portxchange_iftsai_1.edi", "13:29:UNZ:0:0"},
    {"transport/portxchange_iftsai_4.edi", ""},
    {"syntax-edgecases/pydifact_paores_iata_wikipedia.edi", ""},
    {"syntax-edgecases/phpedifact_paores_two_messages.edi", ""},
};

static void test_sample_findings(void **state) {
  (void)state;
  char got[2048];
  int bad = 0;
  for (size_t i = 0; i < sizeof EXPECTED / sizeof EXPECTED[0]; i++) {
    struct run x = {0};
    run_file(&x, EXPECTED[i].file, 0, NULL);
    error_string(&x, got, sizeof got);
    if (strcmp(got, EXPECTED[i].errors)) {
      fprintf(stderr, "%s:\n  expected %s\n  got      %s\n", EXPECTED[i].file, EXPECTED[i].errors,
              got);
      print_problems(&x);
      bad++;
    }
    run_free(&x);
  }
  assert_int_equal(bad, 0);
}

/* The specific errors the negative files were built to provoke, with positions. */
static void test_negative_positions(void **state) {
  (void)state;
  struct run x = {0};
  const struct edi_error *e;
  run_file(&x, "negative/smooks_orders_d03b_too_many_dtm.edi", 0, NULL);
  e = find_error(&x, EDI_E_REPETITIONS, 38, "DTM"); /* the 36th DTM */
  assert_non_null(e);
  assert_int_equal(e->pos.msg, 1);
  assert_int_equal(e->pos.offset, 877);
  run_free(&x);
  run_file(&x, "negative/smooks_paxlst_d03b_duplicate_rff.edi", 0, NULL);
  e = find_error(&x, EDI_E_REPETITIONS, 4, "RFF");
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 179);
  run_free(&x);
  run_file(&x, "negative/edifactrs_d96a_invoic_malformed.edi", 0, NULL);
  e = find_error(&x, EDI_E_MISSING, 2, "DTM");
  assert_non_null(e);
  assert_non_null(strstr(e->text, "BGM"));
  run_free(&x);
  run_file(&x, "negative/edifactrs_d96a_orders_malformed.edi", 0, NULL);
  e = find_error(&x, EDI_E_OUTSIDE, 1, "BGM");
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 10);
  assert_int_equal(e->pos.msg, 0);
  run_free(&x);
  run_file(&x, "negative/apimeister_coprar_d95b_message_only_bad_count.edi", 0, NULL);
  e = find_error(&x, EDI_E_COUNT, 29, "UNT");
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 1);
  assert_non_null(strstr(e->text, "'56'"));
  run_free(&x);
  run_file(&x, "negative/pydifact_orders_d96a_missing_unz.edi", 0, NULL);
  e = find_error(&x, EDI_E_MISSING, 0, "UNZ");
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 367); /* the end of the data */
  assert_int_equal(e->level, EDI_LVL_INTERCHANGE);
  run_free(&x);
  run_file(&x, "negative/apimeister_baplie_d04b_placeholders.edi", 0, NULL);
  e = find_error(&x, EDI_E_TOO_LONG, 1, "UNB"); /* 8-digit date in syntax version 2 */
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 4);
  assert_int_equal(e->pos.comp, 1);
  e = find_error(&x, EDI_E_CONSTITUENTS, 1, "UNH"); /* S009 with extra components */
  assert_non_null(e);
  assert_int_equal(e->pos.comp, 6);
  run_free(&x);
  /* Unescaped ':' in text and needless '?*' (syntax version 3). */
  run_file(&x, "negative/phpedifact_orders_d01b_eancom_latin1_bad_escapes.edi", 0, NULL);
  assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_SERVICE_USE), 4);
  e = find_error(&x, EDI_E_SERVICE_USE, 83, "IMD");
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 2344);
  e = find_error(&x, EDI_E_CONSTITUENTS, 359, "IMD");
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 3);
  assert_int_equal(e->pos.comp, 7);
  assert_non_null(find_error(&x, EDI_E_TOO_LONG, 359, "IMD"));
  assert_int_equal(x.r.errors, 129);
  run_free(&x);
  /* Its well-formed twin: only the EANCOM unit "GBND" (an..3 in D01B) on every QTY. */
  run_file(&x, "syntax-edgecases/phpedifact_orders_d01b_eancom_latin1_ok.edi", 0, NULL);
  assert_int_equal(x.r.errors, 123);
  for (size_t i = 0; i < x.r.n; i++) {
    if (x.r.items[i].severity != EDI_ERROR) continue;
    assert_int_equal(x.r.items[i].code, EDI_E_TOO_LONG);
    assert_string_equal(x.r.items[i].pos.tag, "QTY");
  }
  run_free(&x);
}

/* The stress file: one ORDERS with ~8,400 bodies, a wrong UNT count and no UNZ. */
static void test_stress(void **state) {
  (void)state;
  struct run x = {0};
  run_file(&x, "stress/pydifact_huge_file2.edi", 0, NULL);
  assert_int_equal(x.r.segments, 109620);
  assert_int_equal(x.r.errors, 8433);
  const struct edi_error *e = find_error(&x, EDI_E_POSITION, 15, "BGM");
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 339);
  run_free(&x);
  /* The last problems (past the kept list) are counted; check them on the parse alone. */
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = 1;
  run_file(&x, "stress/pydifact_huge_file2.edi", 0, &o);
  assert_int_equal(x.r.errors, 2);
  e = find_error(&x, EDI_E_COUNT, 109619, "UNT");
  assert_non_null(e);
  assert_non_null(strstr(e->text, "'16'"));
  assert_non_null(find_error(&x, EDI_E_MISSING, 0, "UNZ"));
  run_free(&x);
}

/* A D96A ORDERS around one segment under test. */
static void check_body(struct run *x, const char *body, int syntax) {
  char buf[2048];
  int n = 0;
  for (const char *c = body; *c; c++)
    n += *c == '\'';
  snprintf(buf, sizeof buf,
           "UNB+UNOC:%d+S+R+%s:1200+7'UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'"
           "DTM+137:20200101:102'%sUNS+S'UNT+%d+1'UNZ+1+7'",
           syntax, syntax == 4 ? "20200101" : "200101", body, 5 + n);
  run_str(x, buf, NULL);
}

static void test_element_checks(void **state) {
  (void)state;
  struct run x = {0};
  const struct edi_error *e;
  check_body(&x, "NAD+BY+4000001000002::9'", 3);
  assert_int_equal(x.r.errors, 0);
  /* an..3 too long; code list of 3035. */
  check_body(&x, "NAD+BYXY+4000001000002::9'", 3);
  e = find_error(&x, EDI_E_TOO_LONG, 4, "NAD");
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 1);
  run_free(&x);
  check_body(&x, "NAD+QQ+4000001000002::9'", 3);
  assert_non_null(find_error(&x, EDI_E_VALUE, 4, "NAD"));
  run_free(&x);
  /* Mandatory element / component missing; too many components / elements. */
  check_body(&x, "NAD++4000001000002::9'", 3);
  e = find_error(&x, EDI_E_MISSING, 4, "NAD");
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 1);
  run_free(&x);
  check_body(&x, "NAD+BY+::9'", 3);
  e = find_error(&x, EDI_E_MISSING, 4, "NAD");
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 2);
  assert_int_equal(e->pos.comp, 1);
  run_free(&x);
  check_body(&x, "NAD+BY+1::9:X'", 3);
  e = find_error(&x, EDI_E_CONSTITUENTS, 4, "NAD");
  assert_non_null(e);
  assert_int_equal(e->pos.comp, 4);
  run_free(&x);
  check_body(&x, "CUX+2:EUR:4+1+2+3+4'", 3);
  e = find_error(&x, EDI_E_CONSTITUENTS, 0, "CUX");
  assert_non_null(e);
  run_free(&x);
  /* Numeric: sign and decimal mark do not count; letters are not digits. */
  check_body(&x, "QTY+21:-12.5'", 3);
  assert_null(find_error(&x, EDI_E_CHAR_TYPE, 0, "QTY"));
  run_free(&x);
  check_body(&x, "QTY+21:12A'", 3);
  assert_non_null(find_error(&x, EDI_E_CHAR_TYPE, 0, "QTY"));
  run_free(&x);
  check_body(&x, "QTY+21:.5'", 3);
  assert_non_null(find_error(&x, EDI_E_CHAR_TYPE, 0, "QTY"));
  run_free(&x);
  check_body(&x, "QTY+21:1234567890123456'", 3);
  assert_non_null(find_error(&x, EDI_E_TOO_LONG, 0, "QTY"));
  run_free(&x);
  /* A code of another agency's list (3055 given, not 6) is not checked against UNCL. */
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'BGM+ZZ9::9+1+9'"
          "DTM+137:20200101:102'UNS+S'UNT+5+1'UNZ+1+7'",
          NULL);
  assert_int_equal(x.r.errors, 0);
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'BGM+ZZ9::6+1+9'"
          "DTM+137:20200101:102'UNS+S'UNT+5+1'UNZ+1+7'",
          NULL);
  e = find_error(&x, EDI_E_VALUE, 2, "BGM");
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 1);
  assert_int_equal(e->pos.comp, 1);
  run_free(&x);
  /* Repetition of a data element: D96A has none. */
  check_body(&x, "NAD+BY*SU+4000001000002::9'", 4);
  e = find_error(&x, EDI_E_REPETITIONS, 4, "NAD");
  assert_non_null(e);
  assert_int_equal(e->pos.rep, 2);
  run_free(&x);
}

static void test_repetitions_d03b(void **state) {
  (void)state;
  struct run x = {0};
  /* ATT C956 may occur 5 times in D03B (from the raw UNECE segment directory). */
  static const char *const msgs[] = {
      "UNB+UNOA:4+S+R+20200101:1200+7'UNH+1+PAXLST:D:03B:UN'BGM+250'TDT+20+1'"
      "DTM+189:0001011200:201'NAD+FL+++A'ATT+2++M*F*M*F*M'CNT+41:1'UNT+8+1'UNZ+1+7'",
      "UNB+UNOA:4+S+R+20200101:1200+7'UNH+1+PAXLST:D:03B:UN'BGM+250'TDT+20+1'"
      "DTM+189:0001011200:201'NAD+FL+++A'ATT+2++M*F*M*F*M*F'CNT+41:1'UNT+8+1'UNZ+1+7'",
  };
  run_str(&x, msgs[0], NULL);
  assert_int_equal(x.r.errors, 0);
  run_str(&x, msgs[1], NULL);
  const struct edi_error *e = find_error(&x, EDI_E_REPETITIONS, 6, "ATT");
  assert_non_null(e);
  assert_int_equal(e->pos.rep, 6);
  assert_int_equal(x.r.errors, 1);
  run_free(&x);
  /* C819 has its four components in D03B (restored from the raw directory). */
  run_str(&x,
          "UNB+UNOA:4+S+R+20200101:1200+7'UNH+1+PAXLST:D:03B:UN'BGM+250'TDT+20+1'"
          "DTM+189:0001011200:201'NAD+FL+++A+B+C+VA:163:5:VIRGINIA'CNT+41:1'UNT+7+1'UNZ+1+7'",
          NULL);
  assert_int_equal(x.r.errors, 0);
  run_free(&x);
}

static void test_structure(void **state) {
  (void)state;
  struct run x = {0};
  const struct edi_error *e;
  /* Unknown segment, misplaced segment, group repetition past its maximum. */
  check_body(&x, "ZZZ+1'", 3);
  e = find_error(&x, EDI_E_POSITION, 4, "ZZZ");
  assert_non_null(e);
  assert_non_null(strstr(e->text, "not part of"));
  run_free(&x);
  check_body(&x, "BGM+220+1+9'", 3);
  e = find_error(&x, EDI_E_POSITION, 4, "BGM");
  assert_non_null(e);
  assert_non_null(strstr(e->text, "not expected here"));
  run_free(&x);
  /* SG1 (RFF-DTM) at most 10 times in D96A ORDERS. */
  char body[512];
  for (int i = 0; i < 11; i++)
    snprintf(body + 9 * i, sizeof body - 9 * (size_t)i, "RFF+ON:1'");
  char buf[2048];
  snprintf(buf, sizeof buf,
           "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'"
           "DTM+137:20200101:102'%sUNS+S'UNT+16+1'UNZ+1+7'",
           body);
  run_str(&x, buf, NULL);
  e = find_error(&x, EDI_E_GROUP_REPS, 14, "RFF");
  assert_non_null(e);
  assert_int_equal(x.r.errors, 1);
  run_free(&x);
  /* Inside SG2 (NAD), COM belongs to SG5 whose trigger CTA is missing: out of place. */
  check_body(&x, "NAD+BY+1::9'COM+1:TE'", 3);
  e = find_error(&x, EDI_E_POSITION, 5, "COM");
  assert_non_null(e);
  run_free(&x);
  /* The UNT is where the structure ends: missing UNS. */
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'"
          "DTM+137:20200101:102'UNT+4+1'UNZ+1+7'",
          NULL);
  e = find_error(&x, EDI_E_MISSING, 4, "UNT");
  assert_non_null(e);
  assert_non_null(strstr(e->text, "UNS"));
  run_free(&x);
  /* A message cut short (no UNT): its missing mandatory segments are reported too. */
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'UNZ+1+7'", NULL);
  assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_MISSING), 4); /* BGM, DTM, UNS, UNT */
  run_free(&x);
}

static void test_directory_lookup(void **state) {
  (void)state;
  const struct edi_directory *d = edi_dir_for_message("D", "96B", "UN", "CUSDEC");
  assert_non_null(d);
  assert_string_equal(d->name, "D96B");
  assert_non_null(edi_dir_message(d, "CUSDEC"));
  assert_null(edi_dir_message(d, "NOSUCH"));
  assert_null(edi_dir_for_message("D", "97B", "UN", "INVOIC"));
  assert_null(edi_dir_for_message("93", "1", "IA", "PAORES"));
  assert_string_equal(edi_dir_for_message("4", "1", "UN", "CONTRL")->name, "S4");
  assert_string_equal(edi_dir_for_message("D", "3", "UN", "CONTRL")->name, "S3");
  const struct edi_segdef *sd = edi_dir_segment(d, "NAD");
  assert_non_null(sd);
  assert_null(edi_dir_segment(d, "ZZZ"));
  const struct edi_eldef *el = edi_dir_position(d, sd, 1);
  assert_string_equal(el->id, "3035");
  assert_true(el->mandatory);
  assert_true(edi_dir_code_valid(d, el->codes, "BY", 2));
  assert_false(edi_dir_code_valid(d, el->codes, "B", 1));
  assert_int_equal(edi_dir_codelist(d, "3035"), el->codes);
  assert_null(edi_dir_position(d, sd, 99));
  for (size_t i = 0; i < edi_ndirectories; i++)
    assert_true(edi_directories[i].nsegs > 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_findings),  cmocka_unit_test(test_negative_positions),
      cmocka_unit_test(test_stress),           cmocka_unit_test(test_element_checks),
      cmocka_unit_test(test_repetitions_d03b), cmocka_unit_test(test_structure),
      cmocka_unit_test(test_directory_lookup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
