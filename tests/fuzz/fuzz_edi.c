/* fuzz_edi.c - libFuzzer target for the EDIFACT parser, validator and CONTRL builder.
 *
 * Each input is fed in chunks whose sizes come from its first byte, so the carry of
 * segments across chunk boundaries is exercised too. Oracle: besides the sanitizers, the
 * CONTRL built for the input must itself parse with correct envelope counts and structure
 * (no missing, misplaced or miscounted segment); and the scalar and SIMD tokenizers must
 * give the same report (a second, parse-only pass with each). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/edifact/edi_ack.h"
#include "codec/edifact/edi_check.h"

static int structural(int code) {
  return code == EDI_E_MISSING || code == EDI_E_POSITION || code == EDI_E_CONSTITUENTS ||
         code == EDI_E_REFERENCE || code == EDI_E_COUNT || code == EDI_E_OUTSIDE ||
         code == EDI_E_REPETITIONS || code == EDI_E_GROUP_REPS;
}

/* Parse-only report of data fed in step-sized chunks with tokenizer kind scan. */
static void parse_report(const uint8_t *data, size_t size, size_t step, int scan,
                         struct edi_report *r) {
  struct edi_check *chk = NULL;
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = 1;
  o.keep_warnings = 1;
  if (edi_check_new(&chk, &o) < 0) abort();
  edi_parser_set_scan(edi_check_parser(chk), scan);
  for (size_t off = 0; off < size; off += step)
    edi_check_feed(chk, data + off, size - off < step ? size - off : step);
  edi_check_finish(chk);
  *r = *edi_check_report(chk);
  edi_check_free(chk);
}

/* The scalar and SIMD tokenizers agree on every problem and count. */
static void compare_scans(const uint8_t *data, size_t size, size_t step) {
  static struct edi_report a, b;
  parse_report(data, size, step, EDI_SCAN_SCALAR, &a);
  parse_report(data, size, step, EDI_SCAN_AVX2, &b);
  int same = a.n == b.n && a.errors == b.errors && a.warnings == b.warnings &&
             a.segments == b.segments && a.messages == b.messages;
  for (size_t i = 0; same && i < a.n; i++)
    same = a.items[i].code == b.items[i].code && a.items[i].pos.offset == b.items[i].pos.offset &&
           a.items[i].pos.seg == b.items[i].pos.seg && a.items[i].pos.elem == b.items[i].pos.elem &&
           a.items[i].pos.comp == b.items[i].pos.comp && !strcmp(a.items[i].text, b.items[i].text);
  if (!same) {
    fprintf(stderr, "scalar and SIMD tokenizers differ (%zu/%zu problems)\n", a.n, b.n);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct edi_buf out;
  struct edi_contrl *c = NULL;
  struct edi_check *chk = NULL;
  struct edi_contrl_opts co = {"OPENSW", "ZZ", 1700000000, 1};
  struct edi_limits lim = {4096, 64, 256}; /* small, to reach the limits */
  edi_buf_init(&out, 1u << 20);
  if (edi_contrl_new(&c, &co, &out) < 0) abort();
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.contrl = c;
  o.limits = size && (data[0] & 0x80) ? &lim : NULL;
  if (edi_check_new(&chk, &o) < 0) abort();
  edi_parser_set_scan(edi_check_parser(chk),
                      size && (data[0] & 0x40) ? EDI_SCAN_SCALAR : EDI_SCAN_AUTO);
  size_t step = size ? 1 + (data[0] & 0x3f) * 7 : 1;
  compare_scans(data, size, step);
  for (size_t off = 0; off < size; off += step)
    edi_check_feed(chk, data + off, size - off < step ? size - off : step);
  edi_check_finish(chk);
  edi_check_free(chk);
  edi_contrl_free(c);
  if (out.len && !out.err) {
    /* The acknowledgement must be a well-formed interchange. */
    static struct edi_report r;
    struct edi_check *again = NULL;
    if (edi_check_new(&again, NULL) < 0) abort();
    edi_check_feed(again, out.p, out.len);
    edi_check_finish(again);
    r = *edi_check_report(again);
    edi_check_free(again);
    for (size_t i = 0; i < r.n; i++)
      if (structural(r.items[i].code)) {
        fprintf(stderr, "CONTRL problem %u at segment %u %s: %s\n%.*s\n", r.items[i].code,
                r.items[i].pos.seg, r.items[i].pos.tag, r.items[i].text, (int)out.len, out.p);
        abort();
      }
  }
  edi_buf_release(&out);
  return 0;
}
