/* test_edi_cusdec.c - CUSDEC (D96B, D01B) -> struct decl: the demo declaration as CUSDEC
 * validates against the directory and maps field by field; decoding problems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/edifact/edi_check.h"
#include "codec/edifact/edi_cusdec.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/errlist.h"

/* The declaration of DESIGN.md section 7 as a CUSDEC. */
#define DEMO_HEAD                                                                                  \
  "UNA:+,? 'UNB+UNOC:3+BROKER+OPENSW+261201:0600+1'UNH+1+CUSDEC:D:%s:UN'"                          \
  "BGM+929+BRK-2026-000123+9'"                                                                     \
  "CST++4000'LOC+22+CNSHA'LOC+9+VNSGN'LOC+11+CNSHA'DTM+132:202612010600:203'"                      \
  "EQD+CN+MSKU9070323'RFF+BM:COSU1234567890'TDT+20+025E+1+++++9321483'"                            \
  "NAD+IM+91310000MA1FL0001X'TOD+++CIF::ZZZ'MOA+39:98000,00:USD'UNS+D'CST+1+03061711'"             \
  "FTX+AAA+++Frozen shrimps, peeled'LOC+27+VN'MEA+WT+AAA+KGM:12000'MEA+WT+AAB+KGM:12600'"          \
  "MEA+AAF+SQ+KGM:12000'MOA+38:%s'DOC+:::phyto+VN-PC-2026-8812'UNS+S'UNT+24+1'UNZ+1+1'"

struct map {
  struct arena a;
  struct errlist errs;
  struct decl d;
  struct edi_cusdec *c;
  int ended, rc;
};

static int map_segment(void *ctx, const struct edi_segment *s, const struct edi_envelope *env) {
  struct map *m = ctx;
  if (!env->in_message || !edi_cusdec_supported(&env->msg)) return 0;
  if (!strcmp(s->tag, "UNH") && edi_cusdec_begin(&m->c, &m->a, &m->d, &m->errs) < 0) return 1;
  return m->c ? edi_cusdec_segment(m->c, s, env) < 0 : 0;
}

static void map_end(void *ctx, int level, const struct edi_envelope *env) {
  struct map *m = ctx;
  (void)env;
  if (level == EDI_LVL_MESSAGE && m->c) {
    m->rc = edi_cusdec_end(m->c);
    m->ended = 1;
    m->c = NULL;
  }
}

static const struct edi_report *run(struct map *m, const char *release, const char *value,
                                    struct edi_check **chk) {
  char buf[2048];
  snprintf(buf, sizeof buf, DEMO_HEAD, release, value);
  memset(m, 0, sizeof *m);
  arena_init(&m->a, 1 << 20);
  errlist_init(&m->errs);
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.user.ctx = m;
  o.user.segment = map_segment;
  o.user.end = map_end;
  assert_int_equal(edi_check_new(chk, &o), 0);
  assert_int_equal(edi_check_feed(*chk, buf, strlen(buf)), 0);
  assert_int_equal(edi_check_finish(*chk), 0);
  return edi_check_report(*chk);
}

static void test_demo_maps(void **state) {
  (void)state;
  static const char *const releases[] = {"96B", "01B"};
  for (size_t i = 0; i < 2; i++) {
    struct map m;
    struct edi_check *chk;
    const struct edi_report *r = run(&m, releases[i], "98000,00", &chk);
    for (size_t k = 0; k < r->n; k++)
      fprintf(stderr, "%s: %s\n", releases[i], r->items[k].text);
    assert_int_equal(r->errors, 0); /* the CUSDEC is valid against the directory */
    assert_true(m.ended);
    assert_int_equal(m.rc, 0);
    const struct decl *d = &m.d;
    assert_int_equal(d->type, DECL_IM);
    assert_string_equal(d->reference, "BRK-2026-000123");
    assert_string_equal(d->office, "CNSHA");
    assert_string_equal(d->goods.procedure, "4000");
    assert_string_equal(d->goods.importer.id, "91310000MA1FL0001X");
    assert_string_equal(d->goods.transport.mode, "1");
    assert_string_equal(d->goods.transport.vessel_imo, "9321483");
    assert_string_equal(d->goods.transport.voyage, "025E");
    assert_string_equal(d->goods.transport.bill_of_lading, "COSU1234567890");
    assert_string_equal(d->goods.transport.loading, "VNSGN");
    assert_string_equal(d->goods.transport.discharge, "CNSHA");
    assert_string_equal(d->goods.transport.arrival, "2026-12-01T06:00:00Z");
    assert_int_equal(d->goods.transport.n_containers, 1);
    assert_string_equal(d->goods.transport.containers[0], "MSKU9070323");
    assert_string_equal(d->goods.invoice.currency, "USD");
    assert_string_equal(d->goods.invoice.incoterm, "CIF");
    assert_int_equal(d->goods.invoice.total, 9800000); /* "98000,00": decimal comma */
    assert_int_equal(d->goods.n_items, 1);
    const struct decl_item *it = &d->goods.items[0];
    assert_int_equal(it->seq, 1);
    assert_string_equal(it->hs, "03061711");
    assert_string_equal(it->description, "Frozen shrimps, peeled");
    assert_string_equal(it->origin, "VN");
    assert_int_equal(it->quantity, 12000000);
    assert_string_equal(it->unit, "KGM");
    assert_int_equal(it->net_kg, 12000000);
    assert_int_equal(it->gross_kg, 12600000);
    assert_int_equal(it->value, 9800000);
    assert_int_equal(it->n_documents, 1);
    assert_string_equal(it->documents[0].type, "phyto");
    assert_string_equal(it->documents[0].number, "VN-PC-2026-8812");
    edi_check_free(chk);
    arena_release(&m.a);
  }
}

static void test_decoding_problems(void **state) {
  (void)state;
  struct map m;
  struct edi_check *chk;
  run(&m, "96B", "98000,123", &chk);
  assert_true(m.ended);
  assert_int_equal(m.rc, -SW_EVALIDATION);
  assert_true(errlist_has(&m.errs, "bad_decimal"));
  assert_string_equal(m.errs.items[0].path, "/items/0/value");
  edi_check_free(chk);
  arena_release(&m.a);
  struct edi_message msg;
  memset(&msg, 0, sizeof msg);
  snprintf(msg.type, sizeof msg.type, "CUSDEC");
  snprintf(msg.version, sizeof msg.version, "D");
  snprintf(msg.release, sizeof msg.release, "03B");
  snprintf(msg.agency, sizeof msg.agency, "UN");
  assert_false(edi_cusdec_supported(&msg));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_demo_maps),
      cmocka_unit_test(test_decoding_problems),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
