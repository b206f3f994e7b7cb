/* test_edi_parse.c - the streaming EDIFACT parser: samples, chunking, UNA and separators,
 * release and repetition characters, character sets, envelope checks, positions, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "codec/edifact/edi.h"
#include "test_edi_fixture.h"

/* Syntax and envelope only: these tests are about the parser. */
static const struct edi_check_opts PARSE = {.parse_only = 1};

/* Every sample file under tests/data/edifact (relative paths), NULL-terminated. */
static char **list_samples(void) {
  static const char *const dirs[] = {"commercial",    "control",          "customs",
                                     "message-level", "negative",         "passenger",
                                     "stress",        "syntax-edgecases", "transport"};
  char **names = calloc(256, sizeof *names);
  size_t n = 0;
  for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/edifact/%s", SW_TEST_DATA, dirs[d]);
    DIR *dir = opendir(path);
    assert_non_null(dir);
    struct dirent *de;
    while ((de = readdir(dir)) && n < 255) {
      if (de->d_name[0] == '.') continue;
      size_t len = strlen(dirs[d]) + strlen(de->d_name) + 2;
      names[n] = malloc(len);
      snprintf(names[n], len, "%s/%s", dirs[d], de->d_name);
      n++;
    }
    closedir(dir);
  }
  assert_int_equal(n, 57);
  return names;
}

static void free_list(char **names) {
  for (size_t i = 0; names[i]; i++)
    free(names[i]);
  free(names);
}

/* Every sample parses, in one piece and in chunks of several sizes, to the same segments
 * and the same problems: the carry across chunk boundaries changes nothing. */
static void test_samples_chunking(void **state) {
  (void)state;
  char **names = list_samples();
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  for (size_t i = 0; names[i]; i++) {
    int stress = strstr(names[i], "stress/") != NULL;
    struct run whole = {0}, part = {0};
    run_file(&whole, names[i], 0, &o);
    assert_int_equal(whole.rc, 0);
    assert_true(whole.r.segments > 0);
    static const size_t chunks[] = {1, 2, 3, 7, 64, 4096};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
      if (stress && chunks[k] < 64) continue; /* 2.2 MB byte by byte: slow under ASan */
      run_file(&part, names[i], chunks[k], &o);
      if (whole.r.segments != part.r.segments || whole.r.n != part.r.n || whole.dlen != part.dlen ||
          memcmp(whole.dump, part.dump, whole.dlen)) {
        fprintf(stderr, "%s: chunk %zu differs\n", names[i], chunks[k]);
        print_problems(&whole);
        print_problems(&part);
        fail();
      }
      for (size_t e = 0; e < whole.r.n; e++) {
        assert_int_equal(whole.r.items[e].code, part.r.items[e].code);
        assert_int_equal(whole.r.items[e].pos.offset, part.r.items[e].pos.offset);
        assert_int_equal(whole.r.items[e].pos.seg, part.r.items[e].pos.seg);
        assert_string_equal(whole.r.items[e].text, part.r.items[e].text);
      }
    }
    run_free(&whole);
    run_free(&part);
  }
  free_list(names);
}

/* Segment counts (UNA not counted) as listed in SOURCES.md for the parse-only check. */
static void test_sample_counts(void **state) {
  (void)state;
  static const struct {
    const char *file;
    unsigned segs, msgs, ics;
  } t[] = {
      {"commercial/milyn_invoic_d97b.edi", 26, 1, 1},
      {"control/pydifact_aperak_d96a_v3_accepted.edi", 9, 1, 1},
      {"customs/smooks_cusdec_d96b_ncts_cd001a.edi", 37, 1, 1},
      {"customs/smooks_cuscar_d99a_scprbl_2msgs.edi", 44, 2, 1},
      {"transport/phpedifact_coarri_d95b_itg13.edi", 272, 2, 1},
      {"syntax-edgecases/phpedifact_orders_d01b_eancom_latin1_ok.edi", 601, 1, 1},
      {"syntax-edgecases/phpedifact_paores_single_line.edi", 15, 1, 1},
      {"syntax-edgecases/phpedifact_paores_two_messages.edi", 28, 2, 1},
      {"stress/pydifact_huge_file2.edi", 109620, 1, 1},
      {"message-level/edifactrs_d96a_orders_conforming.edi", 7, 1, 0},
      {"passenger/smooks_paxlst_d03b_cbp_ace.edi", 20, 1, 1},
  };
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = 1;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    struct run x = {0};
    run_file(&x, t[i].file, 0, &o);
    if (x.r.segments != t[i].segs)
      fprintf(stderr, "%s: %llu segments\n", t[i].file, (unsigned long long)x.r.segments);
    assert_int_equal(x.r.segments, t[i].segs);
    assert_int_equal(x.r.messages, t[i].msgs);
    assert_int_equal(x.r.interchanges, t[i].ics);
    run_free(&x);
  }
}

static void test_una_custom_separators(void **state) {
  (void)state;
  struct run x = {0};
  /* component '*', element '#', decimal ',', release '!', reserved ' ', terminator '~' */
  run_str(&x,
          "UNA*#,! ~UNB#UNOA*3#S#R#200101*1200#7~UNH#1#ORDERS*D*96A*UN~"
          "FTX#AAI###A!#B!*C!~D!!E~UNT#3#1~UNZ#1#7~",
          &PARSE);
  assert_int_equal(x.r.errors, 0);
  assert_non_null(strstr(x.dump, "FTX 1.2|AAI|||A#B*C~D!E\n"));
  run_free(&x);
  /* Default separators, release character inside values. */
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++A?+B?:C?'D??E'"
          "UNT+3+1'UNZ+1+7'",
          &PARSE);
  assert_int_equal(x.r.errors, 0);
  assert_non_null(strstr(x.dump, "FTX 1.2|AAI|||A+B:C'D?E\n"));
  run_free(&x);
  /* An invalid UNA (a letter as a separator) is reported; defaults are used. */
  run_str(&x, "UNA:+.?XUNB+UNOA:3+S+R+200101:1200+7'UNZ+0+7'", &PARSE);
  assert_non_null(find_error(&x, EDI_E_SERVICE_CHAR, 0, "UNA"));
  run_free(&x);
}

static void test_release_misuse(void **state) {
  (void)state;
  struct run x = {0};
  /* Version 3: '*' is no service character, so '?*' is a misuse (php bad_escapes). */
  run_str(&x,
          "UNB+UNOC:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++A?*B'UNT+3+1'"
          "UNZ+1+7'",
          &PARSE);
  const struct edi_error *e = find_error(&x, EDI_E_SERVICE_USE, 2, "FTX");
  assert_non_null(e);
  assert_int_equal(e->pos.elem, 4);
  assert_int_equal(e->pos.comp, 1);
  assert_int_equal(e->pos.offset, 62); /* the release character */
  assert_non_null(strstr(x.dump, "|A*B\n"));
  run_free(&x);
  /* Version 4: '*' is the repetition separator, '?*' is a proper release. */
  run_str(&x,
          "UNB+UNOC:4+S+R+20200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++A?*B'UNT+3+1'"
          "UNZ+1+7'",
          &PARSE);
  assert_null(find_error(&x, EDI_E_SERVICE_USE, 0, NULL));
  assert_non_null(strstr(x.dump, "|A*B\n"));
  run_free(&x);
  /* A dangling release character at the very end. */
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'UNZ+0+7?", &PARSE);
  assert_non_null(find_error(&x, EDI_E_MISSING, 0, NULL));
  run_free(&x);
}

static void test_repetition_separator(void **state) {
  (void)state;
  struct run x = {0};
  /* Syntax 4 default '*': ATT C956 repeated. */
  run_str(&x,
          "UNB+UNOA:4+S+R+20200101:1200+7'UNH+1+PAXLST:D:03B:UN'ATT+2++M*F'UNT+3+1'"
          "UNZ+1+7'",
          &PARSE);
  assert_non_null(strstr(x.dump, "ATT 1.2|2||M*F\n"));
  run_free(&x);
  /* A UNA naming '^' as the repetition separator. */
  run_str(&x,
          "UNA:+.?^'UNB+UNOA:4+S+R+20200101:1200+7'UNH+1+PAXLST:D:03B:UN'ATT+2++M^F*X'"
          "UNT+3+1'UNZ+1+7'",
          &PARSE);
  assert_non_null(strstr(x.dump, "ATT 1.2|2||M*F*X\n"));
  run_free(&x);
  /* Syntax 3: the UNA's 4th character is reserved; '*' is data. */
  run_str(&x,
          "UNA:+.? 'UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++M*F'"
          "UNT+3+1'UNZ+1+7'",
          &PARSE);
  assert_non_null(strstr(x.dump, "FTX 1.2|AAI|||M*F\n"));
  run_free(&x);
}

static void test_charsets(void **state) {
  (void)state;
  struct run x = {0};
  /* UNOA: lower case is tolerated with a warning; UTF-8 is an error at its byte. */
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++abc'"
          "FTX+AAI+++X\xc3\x89Y'UNT+4+1'UNZ+1+7'",
          &PARSE);
  assert_int_equal(count_code(&x, EDI_WARNING, EDI_E_CHARACTER), 1);
  const struct edi_error *e = find_error(&x, EDI_E_CHARACTER, 3, "FTX");
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 76);
  assert_int_equal(e->pos.elem, 4);
  assert_int_equal(e->pos.comp, 1);
  assert_int_equal(x.r.errors, 1);
  run_free(&x);
  /* UNOB: lower case fine, '@' is not in the repertoire. */
  run_str(&x,
          "UNB+UNOB:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++abc@d'UNT+3+1'"
          "UNZ+1+7'",
          &PARSE);
  assert_int_equal(x.r.errors, 1);
  assert_non_null(find_error(&x, EDI_E_CHARACTER, 2, "FTX"));
  run_free(&x);
  /* UNOC: Latin-1 converted to UTF-8; C1 controls are errors. */
  run_str(&x,
          "UNB+UNOC:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++M\xdcNCHEN'"
          "FTX+AAI+++A\x85'UNT+4+1'UNZ+1+7'",
          &PARSE);
  assert_non_null(strstr(x.dump, "|M\xc3\x9cNCHEN\n"));
  assert_int_equal(x.r.errors, 1);
  assert_non_null(find_error(&x, EDI_E_CHARACTER, 3, "FTX"));
  run_free(&x);
  /* UNOY/UNOW (version 4): UTF-8; invalid sequences are errors, replaced by U+FFFD. */
  run_str(&x,
          "UNB+UNOW:4+S+R+20200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++\xe6\x8a\xa5'"
          "FTX+AAI+++A\xffZ'UNT+4+1'UNZ+1+7'",
          &PARSE);
  assert_non_null(strstr(x.dump, "|\xe6\x8a\xa5\n"));
  assert_non_null(strstr(x.dump, "|A\xef\xbf\xbdZ\n"));
  assert_int_equal(x.r.errors, 1);
  run_free(&x);
  /* UNOY requires syntax version 4; UNOD cannot be converted. */
  run_str(&x, "UNB+UNOY:3+S+R+200101:1200+7'UNZ+0+7'", &PARSE);
  assert_non_null(find_error(&x, EDI_E_SYNTAX_LEVEL, 1, "UNB"));
  run_free(&x);
  run_str(&x, "UNB+UNOD:3+S+R+200101:1200+7'UNZ+0+7'", &PARSE);
  assert_non_null(find_error(&x, EDI_E_CHARSET, 1, "UNB"));
  run_free(&x);
  run_str(&x, "UNB+XXXX:9+S+R+200101:1200+7'UNZ+0+7'", &PARSE);
  assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_SYNTAX_LEVEL), 2);
  run_free(&x);
  /* The sample files built for this. */
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = 1;
  run_file(&x, "syntax-edgecases/smooks_recadv_d01b_unoa_with_utf8_chinese.edi", 0, &o);
  assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_CHARACTER), 3);
  assert_true(count_code(&x, EDI_WARNING, EDI_E_CHARACTER) >= 1);
  run_free(&x);
  run_file(&x, "syntax-edgecases/phpedifact_desadv_unoc_utf8_text.edi", 0, &o);
  e = find_error(&x, EDI_E_CHARACTER, 11, "IMD");
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 273);
  run_free(&x);
}

static void test_lines(void **state) {
  (void)state;
  struct run x = {0};
  /* Line breaks between and inside segments are layout, not data. */
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'\r\nUNH+1+ORD\r\nERS:D:96A:UN'\nFTX+AAI+++LINE\nONE'"
          "\nUNT+3+1'\nUNZ+1+7'\n",
          &PARSE);
  assert_int_equal(x.r.errors, 0);
  assert_non_null(strstr(x.dump, "UNH 1.1|1|ORDERS:D:96A:UN\n"));
  assert_non_null(strstr(x.dump, "|LINEONE\n"));
  run_free(&x);
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = 1;
  run_file(&x, "syntax-edgecases/phpedifact_iftmbc_d00b_newline_inside_element.edi", 0, &o);
  assert_int_equal(x.r.messages, 1);
  assert_non_null(find_error(&x, EDI_E_COUNT, 7, "UNT"));
  run_free(&x);
}

static void test_envelope(void **state) {
  (void)state;
  struct run x = {0};
  const struct edi_error *e;
  /* Counts and references. */
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'UNT+3+2'UNZ+2+8'", &PARSE);
  e = find_error(&x, EDI_E_COUNT, 2, "UNT");
  assert_non_null(e);
  assert_int_equal(e->pos.msg, 1);
  assert_int_equal(e->pos.elem, 1);
  assert_int_equal(e->level, EDI_LVL_MESSAGE);
  assert_non_null(find_error(&x, EDI_E_REFERENCE, 2, "UNT"));
  e = find_error(&x, EDI_E_COUNT, 0, "UNZ");
  assert_non_null(e);
  assert_int_equal(e->level, EDI_LVL_INTERCHANGE);
  assert_non_null(find_error(&x, EDI_E_REFERENCE, 0, "UNZ"));
  run_free(&x);
  /* Missing UNT (at UNH and at UNZ), missing UNZ at the end. */
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'UNH+2+ORDERS:D:96A:UN'"
          "UNT+2+2'UNH+3+ORDERS:D:96A:UN'UNZ+3+7'UNB+UNOA:3+S+R+200101:1200+8'",
          &PARSE);
  assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_MISSING), 3);
  assert_int_equal(x.r.messages, 3);
  assert_int_equal(x.r.interchanges, 2);
  run_free(&x);
  /* Groups: counts, references, mixing with ungrouped messages. */
  run_str(&x,
          "UNB+UNOA:3+S+R+200101:1200+7'UNG+ORDERS+S+R+200101:1200+9+UN+D:96A'"
          "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+2+8'UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNZ+1+7'",
          &PARSE);
  assert_non_null(find_error(&x, EDI_E_COUNT, 0, "UNE"));
  assert_non_null(find_error(&x, EDI_E_REFERENCE, 0, "UNE"));
  assert_non_null(find_error(&x, EDI_E_MIXED, 0, "UNH"));
  run_free(&x);
  /* Segments outside a message, UNT outside, an empty interchange. */
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'BGM+220'UNT+2+1'UNZ+0+7'", &PARSE);
  assert_non_null(find_error(&x, EDI_E_OUTSIDE, 2, "BGM"));
  assert_non_null(find_error(&x, EDI_E_OUTSIDE, 3, "UNT"));
  assert_non_null(find_error(&x, EDI_E_EMPTY, 0, "UNZ"));
  run_free(&x);
  /* UNA inside an interchange closes it. */
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'UNA:+.? 'UNB+UNOA:3+S+R+200101:1200+8'UNZ+0+8'",
          &PARSE);
  assert_non_null(find_error(&x, EDI_E_OUTSIDE, 0, "UNA"));
  assert_non_null(find_error(&x, EDI_E_MISSING, 0, "UNZ"));
  run_free(&x);
  /* A message-level stream (no UNB) is a warning, not an error. */
  run_str(&x, "UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'DTM+137:20200101:102'UNS+S'UNT+5+1'", &PARSE);
  assert_int_equal(count_code(&x, EDI_WARNING, EDI_E_MISSING), 1);
  assert_int_equal(x.r.messages, 1);
  assert_int_equal(x.r.interchanges, 0);
  run_free(&x);
}

static void test_garbage_and_resync(void **state) {
  (void)state;
  struct run x = {0};
  run_str(&x,
          "QP FESR43f VIEGPXH\r\n.FEAGEWS 270031\r\nUNB+UNOA:3+S+R+200101:1200+7'"
          "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+7'\r\nEmail secured by UN Antivirus",
          &PARSE);
  const struct edi_error *e = find_error(&x, EDI_E_OUTSIDE, 0, NULL);
  assert_non_null(e);
  assert_int_equal(e->pos.offset, 0);
  assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_OUTSIDE), 2);
  assert_int_equal(x.r.messages, 1);
  assert_int_equal(x.r.interchanges, 1);
  run_free(&x);
  /* The last segment without its terminator is still processed. */
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+7", &PARSE);
  assert_int_equal(x.r.errors, 1);
  assert_non_null(find_error(&x, EDI_E_MISSING, 0, NULL));
  assert_non_null(strstr(x.dump, "UNZ 0.4|1|7\n"));
  run_free(&x);
  /* An invalid tag inside an interchange. */
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'BG+1'UNT+2+1'UNZ+1+7'", &PARSE);
  assert_non_null(find_error(&x, EDI_E_VALUE, 0, NULL));
  run_free(&x);
}

static void test_limits_and_stop(void **state) {
  (void)state;
  struct run x = {0};
  struct edi_limits lim = {64, 8, 16};
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.limits = &lim;
  o.parse_only = 1;
  char big[512];
  snprintf(big, sizeof big,
           "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++%0100d'"
           "FTX+A+B+C+D+E+F+G+H+I+J'UNT+4+1'UNZ+1+7'",
           0);
  for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
    run_bytes(&x, big, strlen(big), chunk, &o);
    assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_TOO_LONG), 1);
    assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_CONSTITUENTS), 1);
    assert_int_equal(x.r.messages, 1);
    /* the over-long segment is skipped: UNT counts 4, the parser saw 3 */
    assert_int_equal(count_code(&x, EDI_ERROR, EDI_E_COUNT), 1);
  }
  run_free(&x);
  /* A segment callback stops the parse. */
  x.stop_after = 2;
  run_str(&x, "UNB+UNOA:3+S+R+200101:1200+7'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+7'", &PARSE);
  assert_int_equal(x.rc, 7);
  assert_int_equal(x.nseg, 2);
  run_free(&x);
}

/* Everything a parse produces, as text: segments with every component (decoded), every
 * problem with its position and text, every end event. */
struct trace {
  char *buf;
  size_t len, cap;
};

static void tr_put(struct trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr_put(struct trace *t, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof tmp) n = sizeof tmp - 1;
  if (t->len + (size_t)n + 1 > t->cap) {
    t->cap = (t->cap + (size_t)n + 1) * 2;
    t->buf = realloc(t->buf, t->cap);
    assert_non_null(t->buf);
  }
  memcpy(t->buf + t->len, tmp, (size_t)n);
  t->len += (size_t)n;
  t->buf[t->len] = 0;
}

static int tr_segment(void *ctx, const struct edi_segment *s, const struct edi_envelope *env) {
  struct trace *t = ctx;
  tr_put(t, "S %s %llu %u.%u n%u/%u sep%c%c%c%c", s->tag, (unsigned long long)s->offset, s->msg,
         s->index, s->nel, s->npos, env->comp, env->elem, env->rel ? env->rel : '0', env->term);
  for (uint32_t i = 0; i < s->nel; i++) {
    const struct edi_elem *e = &s->el[i];
    tr_put(t, " %u.%u[", e->pos, e->rep);
    for (unsigned k = 0; k < e->ncomp; k++)
      tr_put(t, "%s%.*s", k ? "|" : "", (int)s->comp[e->first + k].len, s->comp[e->first + k].p);
    tr_put(t, "]");
  }
  tr_put(t, "\n");
  return 0;
}

static void tr_error(void *ctx, const struct edi_error *e, const struct edi_envelope *env) {
  struct trace *t = ctx;
  tr_put(t, "E %u %u %u %llu %u.%u %s e%u c%u r%u ic%u %s\n", e->severity, e->level, e->code,
         (unsigned long long)e->pos.offset, e->pos.msg, e->pos.seg, e->pos.tag, e->pos.elem,
         e->pos.comp, e->pos.rep, env->ic.nerrors, e->text);
}

static void tr_end(void *ctx, int level, const struct edi_envelope *env) {
  struct trace *t = ctx;
  tr_put(t, "Z %d %u %u\n", level, env->msg.number, env->msg.nsegs);
}

/* Traces data fed in pieces: cut (0 < cut < len) splits it in two, else chunk-sized
 * pieces (0: all at once), each copied to its own exact-size buffer. */
static void trace_run(struct trace *t, const char *data, size_t len, size_t chunk, size_t cut,
                      int scan, int validate, const struct edi_limits *lim) {
  struct edi_check *c = NULL;
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = !validate;
  o.keep_warnings = 1;
  o.limits = lim;
  o.user.ctx = t;
  o.user.segment = tr_segment;
  o.user.error = tr_error;
  o.user.end = tr_end;
  t->len = 0;
  if (t->buf) t->buf[0] = 0;
  assert_int_equal(edi_check_new(&c, &o), 0);
  int got = edi_parser_set_scan(edi_check_parser(c), scan);
  assert_true(got == EDI_SCAN_SCALAR || got == scan || scan == EDI_SCAN_AUTO);
  size_t off = 0;
  while (off < len) {
    size_t n = cut ? (off == 0 ? cut : len - cut) : chunk ? chunk : len;
    if (n > len - off) n = len - off;
    char *piece = malloc(n);
    assert_non_null(piece);
    memcpy(piece, data + off, n);
    edi_check_feed(c, piece, n);
    free(piece);
    off += n;
  }
  edi_check_finish(c);
  edi_check_free(c);
}

/* The SIMD tokenizer gives exactly what the scalar one gives: every sample, whole and in
 * chunks, parse only and with validation, default and small limits. (Where the CPU has no
 * SIMD path, both runs are scalar and the test is trivially true.) */
static void test_scan_paths_identical(void **state) {
  (void)state;
  char **names = list_samples();
  struct trace a = {0}, b = {0};
  static const struct edi_limits small = {64, 8, 16};
  static const size_t chunks[] = {0, 1, 7, 64, 65, 4096};
  {
    struct edi_parser *probe = NULL;
    assert_int_equal(edi_parser_new(&probe, NULL, NULL), 0);
    fprintf(stderr, "tokenizers compared: scalar and %s\n",
            edi_parser_set_scan(probe, EDI_SCAN_AVX2) == EDI_SCAN_AVX2 ? "AVX2"
                                                                       : "scalar (no AVX2 here)");
    edi_parser_free(probe);
  }
  for (size_t i = 0; names[i]; i++) {
    int stress = strstr(names[i], "stress/") != NULL;
    size_t len;
    char *buf = read_sample(names[i], &len);
    assert_non_null(buf);
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
      if (stress && chunks[k] && chunks[k] < 64) continue;
      for (int validate = 0; validate < 2; validate++) {
        for (int l = 0; l < 2; l++) {
          if (stress && l) continue;
          trace_run(&a, buf, len, chunks[k], 0, EDI_SCAN_SCALAR, validate, l ? &small : NULL);
          trace_run(&b, buf, len, chunks[k], 0, EDI_SCAN_AVX2, validate, l ? &small : NULL);
          if (a.len != b.len || memcmp(a.buf, b.buf, a.len)) {
            fprintf(stderr, "%s: chunk %zu validate %d limits %d: scalar and SIMD differ\n",
                    names[i], chunks[k], validate, l);
            fail();
          }
        }
      }
    }
    free(buf);
  }
  free(a.buf);
  free(b.buf);
  free_list(names);
}

/* Two pieces cut at every offset give what one piece gives: the carry across a chunk
 * boundary inside a UNA, a release sequence, a tag, a UTF-8 or Latin-1 character, or a
 * CR LF changes nothing, for both tokenizers. */
static void test_every_cut(void **state) {
  (void)state;
  static const char *const inputs[] = {
      "UNA:+.? 'UNB+UNOA:3+SENDER+RECIP+200101:1200+REF1'\r\nUNH+1+ORDERS:D:96A:UN'\r\n"
      "BGM+220+lower case #x+9'DTM+137:20200101:102'NAD+BY+123?:45?+6?"
      "??"
      "'::9'"
      "FTX+AAI+++a?bc?''UNT+6+1'UNZ+1+REF1'",
      "UNA|*.\\~^UNB*UNOY|4*S*R*20200101|1200*R2^UNH*1*ORDERS|D|96A|UN^"
      "BGM*220*R\xc3\xa9"
      "f\xe2\x82\xac~*X~Y*9^FTX*AAI***t\xff\xc3|x\xf0\x9f\x98\x80~^"
      "LIN*1**5020436373085|EN~4|EN^UNT*5*1^UNZ*1*R2^",
      "UNB+UNOC:3+S+R+200101:1200+R3'UNH+1+INVOIC:D:96A:UN'BGM+380+Caf\xe9 \x85 x+9'"
      "FTX+AAI+++line1\nline2?\r\nx'UNT+4+1'UNZ+1+R3'garbage UNB+UNOB:2+S+R+200101:1200+R4'"
      "UNH+1+INVOIC:D:96A:UN'BGM+380+a_b{c}+9'UNT+3+1'UNZ+1+R4'tail",
      "UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'DTM+137:20200101:102'UNT+3+1'"
      "UNA:+.?*'UNB+UNOY:4+S+R+20200101:1200+R6'UNH+1+CUSDEC:D:96B:UN'BGM+929*930+X+9+'"
      "UNT+3+1'UNZ+1+R6",
  };
  struct trace whole = {0}, part = {0};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    size_t len = strlen(inputs[i]);
    for (int scan = EDI_SCAN_SCALAR; scan <= EDI_SCAN_AVX2; scan++) {
      for (int validate = 0; validate < 2; validate++) {
        trace_run(&whole, inputs[i], len, 0, 0, scan, validate, NULL);
        for (size_t cut = 1; cut < len; cut++) {
          trace_run(&part, inputs[i], len, 0, cut, scan, validate, NULL);
          if (whole.len != part.len || memcmp(whole.buf, part.buf, whole.len)) {
            fprintf(stderr, "input %zu cut at %zu (scan %d): differs\n%s\n--\n%s\n", i, cut, scan,
                    whole.buf, part.buf);
            fail();
          }
        }
      }
    }
  }
  free(whole.buf);
  free(part.buf);
}

static void test_accessors(void **state) {
  (void)state;
  struct edi_comp v = {"ABC", 3};
  char buf[3];
  assert_true(edi_comp_eq(v, "ABC"));
  assert_false(edi_comp_eq(v, "AB"));
  assert_string_equal(edi_comp_str(v, buf, sizeof buf), "AB");
  struct edi_comp u = {"\xc3\x89\xc3\x89", 4};
  assert_string_equal(edi_comp_str(u, buf, sizeof buf), "\xc3\x89"); /* whole characters */
  assert_string_equal(edi_code_name(EDI_E_COUNT),
                      "control count does not match number of instances received");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_samples_chunking),
      cmocka_unit_test(test_sample_counts),
      cmocka_unit_test(test_una_custom_separators),
      cmocka_unit_test(test_release_misuse),
      cmocka_unit_test(test_repetition_separator),
      cmocka_unit_test(test_charsets),
      cmocka_unit_test(test_lines),
      cmocka_unit_test(test_envelope),
      cmocka_unit_test(test_garbage_and_resync),
      cmocka_unit_test(test_limits_and_stop),
      cmocka_unit_test(test_accessors),
      cmocka_unit_test(test_scan_paths_identical),
      cmocka_unit_test(test_every_cut),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
