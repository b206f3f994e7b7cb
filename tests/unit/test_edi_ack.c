/* test_edi_ack.c - EDIFACT output: the writer's escaping, CONTRL content for accepted and
 * rejected interchanges (UCI/UCF/UCM/UCS/UCD with UN codes and positions), CONTRL and
 * APERAK validating against their own directories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/edifact/edi_ack.h"
#include "core/errlist.h"
#include "test_edi_fixture.h"

/* CONTRL of the interchange in, as a NUL-terminated string (static). */
static const char *contrl_of(const char *in, size_t len, unsigned *count, unsigned *rejected) {
  static char out[1 << 16];
  struct edi_buf b;
  struct edi_contrl *c = NULL;
  struct edi_contrl_opts co = {"OPENSW", "ZZ", 1700000000, 42};
  struct edi_check *chk = NULL;
  struct edi_check_opts o;
  edi_buf_init(&b, 0);
  assert_int_equal(edi_contrl_new(&c, &co, &b), 0);
  memset(&o, 0, sizeof o);
  o.contrl = c;
  assert_int_equal(edi_check_new(&chk, &o), 0);
  assert_int_equal(edi_check_feed(chk, in, len), 0);
  assert_int_equal(edi_check_finish(chk), 0);
  *count = edi_contrl_count(c, rejected);
  edi_check_free(chk);
  edi_contrl_free(c);
  assert_true(b.len < sizeof out);
  memcpy(out, b.p ? b.p : "", b.len);
  out[b.len] = 0;
  edi_buf_release(&b);
  return out;
}

/* Parses and validates out against the service directory: no errors at all. */
static void assert_valid(const char *out) {
  struct run x = {0};
  run_str(&x, out, NULL);
  if (x.r.errors) {
    fprintf(stderr, "%s", out);
    print_problems(&x);
  }
  assert_int_equal(x.r.errors, 0);
  run_free(&x);
}

static void test_writer_escapes(void **state) {
  (void)state;
  struct edi_buf b;
  struct edi_writer w;
  edi_buf_init(&b, 0);
  edi_writer_init(&w, &b, 4);
  edi_w_tag(&w, "FTX");
  edi_w_el(&w, "AAI");
  edi_w_el(&w, NULL);
  edi_w_el(&w, "A+B:C'D?E*F\nG");
  edi_w_co(&w, "x");
  edi_w_end(&w);
  assert_int_equal(w.nsegs, 1);
  assert_int_equal(b.len, strlen("FTX+AAI++A?+B?:C?'D??E?*F G:x'"));
  assert_memory_equal(b.p, "FTX+AAI++A?+B?:C?'D??E?*F G:x'", b.len);
  edi_buf_release(&b);
  /* The buffer's maximum is sticky. */
  edi_buf_init(&b, 4);
  assert_int_equal(edi_buf_put(&b, "abc", 3), 0);
  assert_true(edi_buf_put(&b, "de", 2) < 0);
  assert_true(edi_buf_put(&b, "d", 1) < 0);
  assert_int_equal(b.len, 3);
  edi_buf_release(&b);
}

static void test_contrl_accepted(void **state) {
  (void)state;
  unsigned n, rej;
  size_t len;
  char *in = read_sample("control/pydifact_aperak_d96a_v3_accepted.edi", &len);
  /* fix the upstream UNT count so that the interchange is accepted */
  char *unt = strstr(in, "UNT+8+1'");
  assert_non_null(unt);
  unt[4] = '7';
  const char *out = contrl_of(in, len, &n, &rej);
  assert_int_equal(n, 1);
  assert_int_equal(rej, 0);
  assert_string_equal(out, "UNB+UNOA:3+OPENSW:ZZ+RECEIVERID+231114:2213+42'\n"
                           "UNH+1+CONTRL:D:3:UN'\n"
                           "UCI+000000002+RECEIVERID+SENDERID+7'\n"
                           "UCM+1+APERAK:D:96A:UN+7'\n"
                           "UNT+4+1'\n"
                           "UNZ+1+42'\n");
  assert_valid(out);
  free(in);
}

static void test_contrl_rejected(void **state) {
  (void)state;
  unsigned n, rej;
  size_t len;
  /* The CUSDEC sample: four code-list errors (segment 10 GIS, 25 PAC, 26 PCI, 29 DOC). */
  char *in = read_sample("customs/smooks_cusdec_d96b_ncts_cd001a.edi", &len);
  const char *out = contrl_of(in, len, &n, &rej);
  assert_int_equal(n, 1);
  assert_int_equal(rej, 0); /* the interchange itself is fine; the message is rejected */
  assert_non_null(strstr(out, "UNB+UNOC:3+OPENSW:ZZ+NTA.GB+231114:2213+42'\n"));
  assert_non_null(strstr(out, "UCI+00GB1213143930+NTA.GB+NTA.DE+7'\n"));
  assert_non_null(strstr(out, "UCM+19+CUSDEC:D:96B:UN:CD001A+4'\n"
                              "UCS+10'\nUCD+12+1:1'\n"
                              "UCS+25'\nUCD+12+4:1'\n"
                              "UCS+26'\nUCD+12+3'\n"
                              "UCS+29'\nUCD+12+2:2'\n"));
  assert_non_null(strstr(out, "UNT+12+1'\n"));
  assert_valid(out);
  free(in);
  /* Message-level errors go into UCM (UNT count), segment errors into UCS (missing). */
  in = read_sample("negative/smooks_orders_d03b_too_many_dtm.edi", &len);
  out = contrl_of(in, len, &n, &rej);
  assert_non_null(strstr(out, "UCM+SSDD1+ORDERS:D:03B:UN:EAN008+4+29+UNT+1'\nUCS+38+35'\n"));
  assert_valid(out);
  free(in);
  /* Interchange-level: a missing UNZ rejects the interchange (UCI 4, code 13, UNZ). */
  in = read_sample("negative/pydifact_orders_d96a_missing_unz.edi", &len);
  out = contrl_of(in, len, &n, &rej);
  assert_int_equal(rej, 1);
  assert_non_null(strstr(out, "UNH+1+CONTRL:4:1:UN'\n"));
  assert_non_null(strstr(out, "UCI+807+12345678:8+WBDZDD:ZZ+4+13+UNZ'\n"));
  assert_non_null(strstr(out, "UNB+UNOA:4+OPENSW:ZZ+12345678:8+20231114:2213+42'\n"));
  assert_valid(out);
  free(in);
}

static void test_contrl_groups_and_many(void **state) {
  (void)state;
  unsigned n, rej;
  size_t len;
  /* Groups get a UCF with their messages' UCM. */
  char *in = read_sample("passenger/smooks_paxlst_d03b_cbp_ace.edi", &len);
  const char *out = contrl_of(in, len, &n, &rej);
  assert_non_null(strstr(out, "UCF+16+LOCK+CBP-ACE-TEST+7'\nUCM+PAXLST16+PAXLST:D:03B:UN+4'\n"));
  assert_valid(out);
  free(in);
  /* Two interchanges in one stream: two CONTRL interchanges (refs 42 and 43). */
  const char *two = "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+7'"
                    "UNB+UNOA:3+S+R+200101:1200+8'UNZ+0+8'";
  out = contrl_of(two, strlen(two), &n, &rej);
  assert_int_equal(n, 2);
  assert_int_equal(rej, 1); /* the empty one */
  assert_non_null(strstr(out, "UCI+7+S+R+7'\n"));
  assert_non_null(strstr(out, "UCI+8+S+R+4+32+UNZ'\n"));
  assert_non_null(strstr(out, "UNZ+1+43'\n"));
  assert_valid(out);
  /* No UNB: no CONTRL. */
  const char *bare = "UNH+1+ORDERS:D:96A:UN'UNT+2+1'";
  out = contrl_of(bare, strlen(bare), &n, &rej);
  assert_int_equal(n, 0);
  assert_string_equal(out, "");
  /* Every sample gets a well-formed CONTRL. */
  static const char *const files[] = {
      "transport/phpedifact_coarri_d95b_itg13.edi",
      "syntax-edgecases/phpedifact_orders_d01b_eancom_latin1_ok.edi",
      "passenger/ediclean_paxlst_raw_D.txt",
      "customs/milyn_cusrep_d03b_cbp_ace.edi",
  };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    in = read_sample(files[i], &len);
    out = contrl_of(in, len, &n, &rej);
    assert_int_equal(n, 1);
    struct run x = {0};
    run_str(&x, out, NULL);
    /* Echoed values may break the repertoire or lengths; the structure must hold. */
    for (size_t k = 0; k < x.r.n; k++) {
      int c = x.r.items[k].code;
      assert_true(x.r.items[k].severity == EDI_WARNING || c == EDI_E_CHARACTER ||
                  c == EDI_E_TOO_LONG);
    }
    run_free(&x);
    free(in);
  }
}

static void test_aperak(void **state) {
  (void)state;
  struct edi_buf b;
  struct edi_writer w;
  struct edi_message m;
  struct edi_interchange ic;
  struct errlist errs;
  memset(&m, 0, sizeof m);
  memset(&ic, 0, sizeof ic);
  snprintf(m.ref, sizeof m.ref, "%s", "MSG1");
  snprintf(ic.syntax_id, sizeof ic.syntax_id, "%s", "UNOC");
  ic.version = 3;
  snprintf(ic.sender, sizeof ic.sender, "%s", "BROKER");
  errlist_init(&errs);
  errlist_add(&errs, "/items/0/hs", "unknown_hs", "HS code 99999999 is not known");
  errlist_add(&errs, "/importer", "required", "importer is required for an import");
  edi_buf_init(&b, 0);
  edi_writer_init(&w, &b, 3);
  w.newline = 1;
  edi_w_unb(&w, &ic, "OPENSW", NULL, "9", 1700000000);
  w.nsegs = 0;
  assert_int_equal(edi_aperak_write(&w, "1", &m, "APK-1", NULL, &errs, 1700000000), 0);
  assert_int_equal(edi_aperak_write(&w, "2", &m, "APK-2", "CNSHA2026IM000001", NULL, 1700000000),
                   0);
  edi_w_unz(&w, 2, "9");
  assert_int_equal(edi_buf_put(&b, "", 1), 0);
  const char *out = b.p;
  assert_non_null(strstr(out, "UNH+1+APERAK:D:96A:UN'\nBGM++APK-1+27'\n"
                              "DTM+137:202311142213:203'\nRFF+ACW:MSG1'\n"
                              "ERC+12'\nFTX+AAO+++unknown_hs:/items/0/hs:HS code 99999999 is not "
                              "known'\nERC+13'\nFTX+AAO+++required:/importer:importer is "
                              "required for an import'\nUNT+9+1'\n"));
  assert_non_null(strstr(out, "BGM++APK-2+29'\nDTM+137:202311142213:203'\nRFF+ACW:MSG1'\n"
                              "RFF+ABT:CNSHA2026IM000001'\nUNT+6+2'\n"));
  assert_valid(out);
  edi_buf_release(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writer_escapes),  cmocka_unit_test(test_contrl_accepted),
      cmocka_unit_test(test_contrl_rejected), cmocka_unit_test(test_contrl_groups_and_many),
      cmocka_unit_test(test_aperak),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
