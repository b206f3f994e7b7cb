/* edi_parse.c - streaming UN/EDIFACT tokenizer and envelope checker (see edi.h).
 *
 * Hot path, in two stages. Stage 1 (scan_block) classifies 64 bytes at a time into a bit
 * mask of "special" bytes: separators, the release character, line ends, non-ASCII bytes
 * and characters outside the declared repertoire, i.e. every byte whose class in the
 * 256-entry table is not C_ORD. With AVX2 it does so with two nibble lookups (PSHUFB) per
 * 32 bytes, exact for any set of ASCII bytes; without AVX2 a scalar loop over the class
 * table builds the same mask. Stage 2 (tokenize) jumps from one set bit to the next and
 * runs the per-class state machine there only, so ordinary bytes cost nothing per byte.
 * Values that need work (a release character, a line break, a Latin-1 byte, invalid
 * UTF-8) are rewritten into a scratch buffer; all others point into the input. A segment
 * cut by the end of a chunk is copied into a carry buffer and completed from the next
 * chunk, which bounds memory by the largest segment. */
#include "codec/edifact/edi.h"

#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EDI_HAVE_AVX2 1
#include <immintrin.h>
#endif

/* Byte classes. */
enum {
  C_ORD = 0, /* ordinary data byte */
  C_COMP,    /* C_COMP..C_TERM: what tokenize_fast handles (it relies on these values) */
  C_ELEM,
  C_TERM,
  C_REP,   /* C_COMP..C_REP: the separators */
  C_REL,   /* C_COMP..C_REL: the service characters a release character may escape */
  C_NL,    /* CR or LF: layout, dropped */
  C_HI,    /* >= 0x80 */
  C_BAD,   /* ASCII outside the repertoire (or a control character) */
  C_LOWER, /* lower-case letter under UNOA: tolerated with a warning */
};

enum { S_START, S_INTERCHANGE, S_AFTER, S_RESYNC };

#define DIAG_MAX 8

/* Stage 1 state: the special-byte mask of the span bytes at base (bit i: base[i]; span is
 * 64 for SIMD blocks). Valid for one buffer and one class table; scan_reset invalidates
 * it. */
struct scan {
  const unsigned char *base;
  const unsigned char *end; /* of the buffer: the last block is classified up to here */
  uint64_t mask;
  size_t span; /* bytes classified from base */
};

struct diag {
  uint64_t off;
  uint16_t code, elem, comp, rep;
  uint8_t severity;
  char text[96];
};

struct edi_parser {
  struct edi_handler h;
  struct edi_limits lim;
  struct edi_envelope env;
  uint8_t cls[256];
  uint8_t layout[256]; /* skipped between segments: space, tab, CR, LF unless the terminator */
  /* Tag words (the tag and the byte after it, as loaded) that deliver_fast may take: a
   * valid tag of ordinary bytes, not "UN*", then an element separator or terminator.
   * Direct-mapped by tag_slot; 0 is empty. Cleared with the classes. */
  uint32_t tagok[64];
  /* AVX2 nibble table, both 128-bit lanes: bit h of nib_lo[l] is set when the ASCII byte
   * (h << 4 | l) is special (class not C_ORD); bytes >= 0x80 always are. */
  uint8_t nib_lo[32];
  int scan_kind; /* enum edi_scan in use: EDI_SCAN_SCALAR or EDI_SCAN_AVX2 */
  struct scan sc;
  unsigned char una_rep; /* 4th UNA character as given, 0 without UNA */
  int una_pending;       /* a UNA was read, its interchange has not started yet */
  int state;
  int rc; /* sticky stop code */
  uint64_t fed;
  uint32_t ic_segs; /* segments of the interchange so far (UNB = 1) */
  int ungrouped;    /* messages seen outside groups in this interchange */
  int resync_match; /* characters of "UN" matched while resynchronising */
  /* carry: an incomplete segment */
  unsigned char *carry;
  size_t clen, ccap;
  uint64_t coff;
  int crel;     /* the carry ends with an active release character */
  int skipping; /* dropping an over-long segment up to its terminator */
  /* tokenizer output */
  struct edi_elem *el;
  struct edi_comp *comp;
  char *scratch;
  size_t scratch_cap;
  uint32_t cap_el, cap_comp; /* allocated; they grow up to the limits */
  uint32_t room;             /* components the fast tokenizer may store: both arrays fit */
  uint64_t nsegs;            /* segments delivered (segment callbacks, made or not) */
  uint32_t nel, ncomp;
  int overflow; /* too many elements/components: the rest of the segment was dropped */
  int any_flag; /* some component needs decoding */
  struct diag diag[DIAG_MAX];
  int ndiag, diag_more;
  int lower_warned;
  int32_t last_bad_comp;
};

/* ---- small helpers ---- */

static void copy_field(char *dst, size_t cap, struct edi_comp v) { edi_comp_str(v, dst, cap); }

char *edi_comp_str(struct edi_comp v, char *buf, size_t cap) {
  size_t n = v.len;
  if (n >= cap) {
    n = cap - 1;
    while (n > 0 && ((unsigned char)v.p[n] & 0xC0) == 0x80)
      n--; /* keep whole characters */
  }
  if (n) memcpy(buf, v.p, n);
  buf[n] = 0;
  return buf;
}

int edi_comp_eq(struct edi_comp v, const char *lit) {
  size_t n = strlen(lit);
  return v.len == n && (n == 0 || memcmp(v.p, lit, n) == 0);
}

struct edi_comp edi_seg_rep(const struct edi_segment *s, unsigned pos, unsigned rep, unsigned c) {
  struct edi_comp none = {"", 0};
  for (uint32_t i = 0; i < s->nel; i++) {
    const struct edi_elem *e = &s->el[i];
    if (e->pos > pos) break;
    if (e->pos == pos && e->rep == rep)
      return c >= 1 && c <= e->ncomp ? s->comp[e->first + c - 1] : none;
  }
  return none;
}

struct edi_comp edi_seg_get(const struct edi_segment *s, unsigned pos, unsigned c) {
  return edi_seg_rep(s, pos, 1, c);
}

const char *edi_code_name(int code) {
  switch (code) {
  case EDI_E_SYNTAX_LEVEL: return "syntax version or level not supported";
  case EDI_E_VALUE: return "invalid value";
  case EDI_E_MISSING: return "missing";
  case EDI_E_NOT_IN_POS: return "value not supported in this position";
  case EDI_E_POSITION: return "not supported in this position";
  case EDI_E_CONSTITUENTS: return "too many constituents";
  case EDI_E_UNSPECIFIED: return "unspecified error";
  case EDI_E_SERVICE_CHAR: return "character invalid as service character";
  case EDI_E_CHARACTER: return "invalid character(s)";
  case EDI_E_SERVICE_USE: return "invalid service character(s)";
  case EDI_E_REFERENCE: return "references do not match";
  case EDI_E_COUNT: return "control count does not match number of instances received";
  case EDI_E_MIXED: return "groups and messages mixed";
  case EDI_E_EMPTY: return "lower level empty";
  case EDI_E_OUTSIDE: return "invalid occurrence outside message, package or group";
  case EDI_E_REPETITIONS: return "too many data element or segment repetitions";
  case EDI_E_GROUP_REPS: return "too many segment group repetitions";
  case EDI_E_CHAR_TYPE: return "invalid type of character(s)";
  case EDI_E_TOO_LONG: return "data element too long";
  case EDI_E_TOO_SHORT: return "data element too short";
  case 45: return "trailing separator";
  case EDI_E_CHARSET: return "character set not supported";
  default: return "error";
  }
}

void edi_parser_emit(struct edi_parser *p, const struct edi_error *e);

static void vreport(struct edi_parser *p, const struct edi_pos *pos, int severity, int level,
                    int code, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void vreport(struct edi_parser *p, const struct edi_pos *pos, int severity, int level,
                    int code, const char *fmt, va_list ap) {
  struct edi_error e;
  memset(&e, 0, sizeof e);
  e.pos = *pos;
  e.severity = (uint8_t)severity;
  e.level = (uint8_t)level;
  e.code = (uint16_t)code;
  vsnprintf(e.text, sizeof e.text, fmt, ap);
  edi_parser_emit(p, &e);
}

void edi_parser_emit(struct edi_parser *p, const struct edi_error *e) {
  if (e->severity == EDI_ERROR) {
    p->env.ic.nerrors++;
    if (p->env.in_message && e->pos.msg == p->env.msg.number && e->pos.msg) p->env.msg.nerrors++;
  }
  if (p->h.error) p->h.error(p->h.ctx, e, &p->env);
}

void edi_parser_report(struct edi_parser *p, const struct edi_pos *pos, int severity, int level,
                       int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(p, pos, severity, level, code, fmt, ap);
  va_end(ap);
}

/* Position of the current segment (s may be NULL for stream-level problems). */
static struct edi_pos seg_pos(const struct edi_parser *p, const struct edi_segment *s,
                              uint64_t off) {
  struct edi_pos pos;
  memset(&pos, 0, sizeof pos);
  pos.offset = off;
  if (s) {
    memcpy(pos.tag, s->tag, 4);
    pos.msg = s->msg;
    pos.seg = s->index;
  } else if (p->env.in_message) {
    pos.msg = p->env.msg.number;
    pos.seg = p->env.msg.nsegs;
  }
  return pos;
}

static void report_at(struct edi_parser *p, const struct edi_segment *s, uint64_t off,
                      unsigned elem, unsigned comp, int severity, int level, int code,
                      const char *fmt, ...) __attribute__((format(printf, 9, 10)));
static void report_at(struct edi_parser *p, const struct edi_segment *s, uint64_t off,
                      unsigned elem, unsigned comp, int severity, int level, int code,
                      const char *fmt, ...) {
  struct edi_pos pos = seg_pos(p, s, off);
  pos.elem = (uint16_t)elem;
  pos.comp = (uint16_t)comp;
  va_list ap;
  va_start(ap, fmt);
  vreport(p, &pos, severity, level, code, fmt, ap);
  va_end(ap);
}

static void add_diag(struct edi_parser *p, uint64_t off, int severity, int code, unsigned elem,
                     unsigned comp, unsigned rep, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
static void add_diag(struct edi_parser *p, uint64_t off, int severity, int code, unsigned elem,
                     unsigned comp, unsigned rep, const char *fmt, ...) {
  if (p->ndiag == DIAG_MAX) {
    p->diag_more++;
    return;
  }
  struct diag *d = &p->diag[p->ndiag++];
  d->off = off;
  d->severity = (uint8_t)severity;
  d->code = (uint16_t)code;
  d->elem = (uint16_t)elem;
  d->comp = (uint16_t)comp;
  d->rep = (uint16_t)rep;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->text, sizeof d->text, fmt, ap);
  va_end(ap);
}

/* ---- character classes ---- */

static int unoa_char(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr(" .,-()/='+:?!\"%&*;<>", c));
}

static void build_classes(struct edi_parser *p) {
  int cs = p->env.ic.charset;
  for (int c = 0; c < 256; c++) {
    uint8_t k = C_ORD;
    if (c >= 0x80)
      k = C_HI;
    else if (c == '\r' || c == '\n')
      k = C_NL;
    else if (c < 0x20 || c == 0x7f)
      k = C_BAD;
    else if (cs == EDI_CS_UNOA || cs == EDI_CS_UNOB) {
      if (c >= 'a' && c <= 'z')
        k = cs == EDI_CS_UNOA ? C_LOWER : C_ORD;
      else if (!unoa_char(c) && !(cs == EDI_CS_UNOB && c == '_'))
        k = C_BAD;
    }
    p->cls[c] = k;
  }
  const struct edi_envelope *e = &p->env;
  p->cls[e->comp] = C_COMP;
  p->cls[e->elem] = C_ELEM;
  if (e->rep) p->cls[e->rep] = C_REP;
  if (e->rel) p->cls[e->rel] = C_REL;
  p->cls[e->term] = C_TERM;
  memset(p->nib_lo, 0, sizeof p->nib_lo);
  for (int c = 0; c < 0x80; c++)
    if (p->cls[c] != C_ORD)
      p->nib_lo[c & 15] = p->nib_lo[16 + (c & 15)] |= (uint8_t)(1u << (c >> 4));
  for (int c = 0; c < 256; c++)
    p->layout[c] = (c == ' ' || c == '\t' || c == '\r' || c == '\n') && p->cls[c] != C_TERM;
  memset(p->tagok, 0, sizeof p->tagok);
  p->sc.base = NULL; /* masks computed with the old classes are stale */
  p->sc.mask = 0;
}

/* ---- stage 1: special-byte masks ---- */

/* Scalar stage 1: classifies q[0..n), n <= 64, up to and including the first special
 * byte only (a block of one special byte, as cheap as the plain byte loop it replaces).
 * Returns the mask; *span is the bytes classified. */
static uint64_t scan_scalar(const uint8_t *cls, const unsigned char *q, size_t n, size_t *span) {
  size_t i = 0;
  while (i < n && cls[q[i]] == C_ORD)
    i++;
  *span = i < n ? i + 1 : n;
  return i < n ? (uint64_t)1 << i : 0;
}

#ifdef EDI_HAVE_AVX2
/* Mask of the special bytes among 32 bytes: a byte b < 0x80 is special when bit (b >> 4)
 * of nib[b & 15] is set; PSHUFB yields 0 for indexes with the top bit set, and the sign
 * bits (MOVEMASK) add every byte >= 0x80. */
__attribute__((target("avx2"))) static inline uint32_t scan32_avx2(__m256i nib,
                                                                   const unsigned char *q) {
  const __m256i bit = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                       2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i low4 = _mm256_set1_epi8(0x0f);
  __m256i v = _mm256_loadu_si256((const __m256i *)q);
  __m256i lo = _mm256_shuffle_epi8(nib, _mm256_and_si256(v, low4));
  __m256i hi = _mm256_shuffle_epi8(bit, _mm256_and_si256(_mm256_srli_epi16(v, 4), low4));
  __m256i ord = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
  return ~(uint32_t)_mm256_movemask_epi8(ord) | (uint32_t)_mm256_movemask_epi8(v);
}

/* Mask of the special bytes among 64 bytes. */
__attribute__((target("avx2"))) static uint64_t scan64_avx2(const uint8_t *nib_lo,
                                                            const unsigned char *q) {
  __m256i nib = _mm256_loadu_si256((const __m256i *)nib_lo);
  return (uint64_t)scan32_avx2(nib, q) | (uint64_t)scan32_avx2(nib, q + 32) << 32;
}
#endif

/* Classifies the block starting at q (64 bytes, fewer at the end of the buffer). */
static void scan_block(struct edi_parser *p, const unsigned char *q) {
  struct scan *sc = &p->sc;
  size_t n = (size_t)(sc->end - q);
  sc->base = q;
#ifdef EDI_HAVE_AVX2
  if (n >= 64 && p->scan_kind == EDI_SCAN_AVX2) {
    sc->mask = scan64_avx2(p->nib_lo, q);
    sc->span = 64;
    return;
  }
#endif
  sc->mask = scan_scalar(p->cls, q, n < 64 ? n : 64, &sc->span);
}

/* Where the next block starts when the current one (at base) has no special byte left
 * at or after q: after it, or at q when a step left it behind. */
static inline const unsigned char *next_block(const struct edi_parser *p, const unsigned char *base,
                                              const unsigned char *q) {
  return (uintptr_t)q - (uintptr_t)base >= p->sc.span ? q : base + p->sc.span;
}

/* Points the scanner at a new buffer ending at end (masks of the old one are dropped). */
static void scan_reset(struct edi_parser *p, const unsigned char *end) {
  p->sc.base = NULL;
  p->sc.mask = 0;
  p->sc.span = 0;
  p->sc.end = end;
}

int edi_parser_set_scan(struct edi_parser *p, int kind) {
  int k = EDI_SCAN_SCALAR;
#ifdef EDI_HAVE_AVX2
  if (kind != EDI_SCAN_SCALAR && __builtin_cpu_supports("avx2")) k = EDI_SCAN_AVX2;
#endif
  (void)kind;
  p->scan_kind = k;
  p->sc.base = NULL;
  p->sc.mask = 0;
  return k;
}

static void set_default_separators(struct edi_parser *p) {
  p->env.comp = ':';
  p->env.elem = '+';
  p->env.dec = '.';
  p->env.rel = '?';
  p->env.rep = 0;
  p->env.term = '\'';
  p->una_rep = 0;
}

/* ---- lifecycle ---- */

/* The fast tokenizer's bound: a separator stores at most one component and one element
 * (and there are no more elements than components), element 0 being the tag. */
static void set_room(struct edi_parser *p) {
  p->room = p->cap_comp < p->cap_el - 1 ? p->cap_comp : p->cap_el - 1;
}

int edi_parser_new(struct edi_parser **out, const struct edi_handler *h,
                   const struct edi_limits *lim) {
  int rc = 0;
  struct edi_parser *p = calloc(1, sizeof *p);
  *out = NULL;
  if (!p) return -SW_ENOMEM;
  if (h) p->h = *h;
  p->lim.max_segment = lim && lim->max_segment ? lim->max_segment : 256 * 1024;
  p->lim.max_elements = lim && lim->max_elements ? lim->max_elements : 1024;
  p->lim.max_comps = lim && lim->max_comps ? lim->max_comps : 8192;
  if (p->lim.max_segment > (1u << 30) || p->lim.max_elements > 65535 ||
      p->lim.max_comps > (1u << 24)) {
    rc = -SW_EINVAL;
    goto out;
  }
  /* Small to start with (a parser per request is cheap); they grow up to the limits. */
  p->cap_el = p->lim.max_elements < 128 ? (uint32_t)p->lim.max_elements : 128;
  p->cap_comp = p->lim.max_comps < 256 ? (uint32_t)p->lim.max_comps : 256;
  set_room(p);
  p->el = malloc(p->cap_el * sizeof *p->el);
  p->comp = malloc(p->cap_comp * sizeof *p->comp);
  p->scratch_cap = 1024;
  p->scratch = malloc(p->scratch_cap);
  if (!p->el || !p->comp || !p->scratch) {
    rc = -SW_ENOMEM;
    goto out;
  }
  set_default_separators(p);
  p->env.ic.charset = EDI_CS_NONE;
  build_classes(p);
  edi_parser_set_scan(p, EDI_SCAN_AUTO);
  p->state = S_START;
  *out = p;
  p = NULL;
out:
  edi_parser_free(p);
  return rc;
}

void edi_parser_free(struct edi_parser *p) {
  if (!p) return;
  free(p->carry);
  free(p->el);
  free(p->comp);
  free(p->scratch);
  free(p);
}

uint64_t edi_parser_offset(const struct edi_parser *p) { return p->fed; }

uint64_t edi_parser_segments(const struct edi_parser *p) { return p->nsegs; }

/* ---- envelope ---- */

static int num_eq(struct edi_comp v, uint64_t n) {
  if (v.len == 0 || v.len > 18) return 0;
  uint64_t x = 0;
  for (uint32_t i = 0; i < v.len; i++) {
    if (v.p[i] < '0' || v.p[i] > '9') return 0;
    x = x * 10 + (uint64_t)(v.p[i] - '0');
  }
  return x == n;
}

static void end_message(struct edi_parser *p) {
  if (!p->env.in_message) return;
  if (p->h.end) p->h.end(p->h.ctx, EDI_LVL_MESSAGE, &p->env);
  p->env.in_message = 0;
}

static void end_group(struct edi_parser *p) {
  if (!p->env.in_group) return;
  if (p->h.end) p->h.end(p->h.ctx, EDI_LVL_GROUP, &p->env);
  p->env.in_group = 0;
}

static void end_interchange(struct edi_parser *p) {
  if (p->h.end) p->h.end(p->h.ctx, EDI_LVL_INTERCHANGE, &p->env);
  memset(&p->env.ic, 0, sizeof p->env.ic);
  memset(&p->env.grp, 0, sizeof p->env.grp);
  memset(&p->env.msg, 0, sizeof p->env.msg);
  p->env.in_group = p->env.in_message = 0;
  p->ic_segs = 0;
  p->ungrouped = 0;
  p->env.ic.charset = EDI_CS_NONE;
  set_default_separators(p);
  build_classes(p);
}

/* A message, group or interchange left open where s (or the end of the stream) arrives. */
static void missing_trailers(struct edi_parser *p, const struct edi_segment *s, uint64_t off,
                             int unz_too) {
  /* Positions: where the trailer was expected (after the last segment received). */
  if (p->env.in_message) {
    struct edi_pos pos = seg_pos(p, NULL, off);
    pos.msg = p->env.msg.number;
    pos.seg = p->env.msg.nsegs + 1;
    memcpy(pos.tag, "UNT", 4);
    edi_parser_report(p, &pos, EDI_ERROR, EDI_LVL_MESSAGE, EDI_E_MISSING,
                      "message %s (%s) has no UNT trailer before %s", p->env.msg.ref,
                      p->env.msg.type, s ? s->tag : "the end of the data");
    end_message(p);
  }
  if (p->env.in_group) {
    struct edi_pos pos = seg_pos(p, NULL, off);
    pos.msg = 0;
    pos.seg = p->ic_segs + (s ? 0 : 1);
    memcpy(pos.tag, "UNE", 4);
    edi_parser_report(p, &pos, EDI_ERROR, EDI_LVL_GROUP, EDI_E_MISSING,
                      "group %s has no UNE trailer before %s", p->env.grp.ref,
                      s ? s->tag : "the end of the data");
    end_group(p);
  }
  if (unz_too && p->state == S_INTERCHANGE) {
    if (p->env.ic.present) {
      struct edi_pos pos = seg_pos(p, NULL, off);
      pos.msg = 0;
      pos.seg = p->ic_segs + (s ? 0 : 1);
      memcpy(pos.tag, "UNZ", 4);
      edi_parser_report(p, &pos, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_MISSING,
                        "interchange %s has no UNZ trailer before %s", p->env.ic.ref,
                        s ? s->tag : "the end of the data");
    }
    end_interchange(p);
    p->state = S_AFTER;
  }
}

static int charset_of(const char *id) {
  static const struct {
    const char *id;
    int cs;
  } t[] = {{"UNOA", EDI_CS_UNOA},  {"UNOB", EDI_CS_UNOB},  {"UNOC", EDI_CS_UNOC},
           {"UNOY", EDI_CS_UTF8},  {"UNOW", EDI_CS_UTF8},  {"IATA", EDI_CS_UNOA},
           {"IATB", EDI_CS_UNOB},  {"UNOD", EDI_CS_OTHER}, {"UNOE", EDI_CS_OTHER},
           {"UNOF", EDI_CS_OTHER}, {"UNOG", EDI_CS_OTHER}, {"UNOH", EDI_CS_OTHER},
           {"UNOI", EDI_CS_OTHER}, {"UNOJ", EDI_CS_OTHER}, {"UNOK", EDI_CS_OTHER},
           {"UNOX", EDI_CS_OTHER}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (!strcmp(t[i].id, id)) return t[i].cs;
  return -1;
}

static void begin_interchange(struct edi_parser *p, const struct edi_segment *s) {
  struct edi_interchange *ic = &p->env.ic;
  int una = p->una_pending;
  memset(ic, 0, sizeof *ic);
  ic->present = 1;
  ic->una = una;
  p->una_pending = 0;
  ic->offset = s->offset;
  copy_field(ic->syntax_id, sizeof ic->syntax_id, edi_seg_get(s, 1, 1));
  struct edi_comp v = edi_seg_get(s, 1, 2);
  ic->version = v.len == 1 && v.p[0] >= '1' && v.p[0] <= '4' ? v.p[0] - '0' : 0;
  copy_field(ic->sender, sizeof ic->sender, edi_seg_get(s, 2, 1));
  copy_field(ic->sender_qual, sizeof ic->sender_qual, edi_seg_get(s, 2, 2));
  copy_field(ic->recipient, sizeof ic->recipient, edi_seg_get(s, 3, 1));
  copy_field(ic->recipient_qual, sizeof ic->recipient_qual, edi_seg_get(s, 3, 2));
  copy_field(ic->date, sizeof ic->date, edi_seg_get(s, 4, 1));
  copy_field(ic->time, sizeof ic->time, edi_seg_get(s, 4, 2));
  copy_field(ic->ref, sizeof ic->ref, edi_seg_get(s, 5, 1));
  ic->test = edi_comp_eq(edi_seg_get(s, 11, 1), "1");
  int cs = charset_of(ic->syntax_id);
  if (cs < 0) {
    report_at(p, s, s->offset, 1, 1, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_SYNTAX_LEVEL,
              "syntax identifier '%s' is not supported", ic->syntax_id);
    cs = EDI_CS_NONE;
  } else if (cs == EDI_CS_OTHER) {
    report_at(p, s, s->offset, 1, 1, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_CHARSET,
              "character set %s cannot be converted (supported: UNOA, UNOB, UNOC, UNOY, UNOW)",
              ic->syntax_id);
  }
  if (!ic->version) {
    report_at(p, s, s->offset, 1, 2, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_SYNTAX_LEVEL,
              "syntax version '%.*s' is not supported (1 to 4)", (int)(v.len > 8 ? 8 : v.len), v.p);
  } else if (ic->version < 4 &&
             (!strcmp(ic->syntax_id, "UNOY") || !strcmp(ic->syntax_id, "UNOW"))) {
    report_at(p, s, s->offset, 1, 2, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_SYNTAX_LEVEL,
              "syntax identifier %s requires syntax version 4", ic->syntax_id);
  }
  ic->charset = cs;
  /* The repetition separator exists from version 4 on: the UNA's 4th character, '*' by
   * default. Earlier versions reserve that position. */
  if (ic->version == 4) {
    unsigned char r = p->una_rep ? p->una_rep : '*';
    p->env.rep = r == ' ' ? 0 : r;
  } else {
    p->env.rep = 0;
  }
  build_classes(p);
}

/* Envelope bookkeeping before the segment callback. Returns 0, or 1 to drop the segment
 * (it was consumed as envelope noise). */
static void envelope_pre(struct edi_parser *p, struct edi_segment *s) {
  struct edi_envelope *e = &p->env;
  const char *t = s->tag;
  p->ic_segs++; /* every segment counts in the interchange (UNB resets it to 1) */
  if (t[0] == 'U' && t[1] == 'N') {
    switch (t[2]) {
    case 'B':
      if (p->state == S_INTERCHANGE) missing_trailers(p, s, s->offset, 1);
      p->state = S_INTERCHANGE;
      p->ic_segs = 1;
      s->msg = 0;
      s->index = 1;
      begin_interchange(p, s);
      return;
    case 'G':
      if (e->in_message || e->in_group) missing_trailers(p, s, s->offset, 0);
      s->msg = 0;
      s->index = p->ic_segs;
      if (p->state != S_INTERCHANGE || !e->ic.present) {
        report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_GROUP, EDI_E_OUTSIDE,
                  "UNG outside an interchange");
      } else if (p->ungrouped) {
        report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_GROUP, EDI_E_MIXED,
                  "UNG after messages outside groups in the same interchange");
      }
      memset(&e->grp, 0, sizeof e->grp);
      copy_field(e->grp.id, sizeof e->grp.id, edi_seg_get(s, 1, 1));
      copy_field(e->grp.sender, sizeof e->grp.sender, edi_seg_get(s, 2, 1));
      copy_field(e->grp.recipient, sizeof e->grp.recipient, edi_seg_get(s, 3, 1));
      copy_field(e->grp.ref, sizeof e->grp.ref, edi_seg_get(s, 5, 1));
      e->in_group = 1;
      e->ic.ngroups++;
      return;
    case 'H':
      if (e->in_message) missing_trailers(p, s, s->offset, 0);
      if (p->state != S_INTERCHANGE) {
        /* A message-level stream (UNH..UNT without UNB), or messages after a UNZ. */
        struct edi_pos pos = seg_pos(p, s, s->offset);
        pos.msg = 0;
        edi_parser_report(p, &pos, EDI_WARNING, EDI_LVL_INTERCHANGE, EDI_E_MISSING,
                          "message without an interchange header (UNB)");
        if (p->state == S_AFTER) {
          memset(&e->ic, 0, sizeof e->ic);
          e->ic.charset = EDI_CS_NONE;
        }
        p->state = S_INTERCHANGE;
        p->una_pending = 0;
      } else if (e->ic.ngroups && !e->in_group) {
        report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_MIXED,
                  "message outside a group in an interchange that uses groups");
      }
      if (!e->in_group) p->ungrouped = 1;
      memset(&e->msg, 0, sizeof e->msg);
      e->msg.number = ++e->ic.nmsgs;
      if (e->in_group) e->grp.nmsgs++;
      copy_field(e->msg.ref, sizeof e->msg.ref, edi_seg_get(s, 1, 1));
      copy_field(e->msg.type, sizeof e->msg.type, edi_seg_get(s, 2, 1));
      copy_field(e->msg.version, sizeof e->msg.version, edi_seg_get(s, 2, 2));
      copy_field(e->msg.release, sizeof e->msg.release, edi_seg_get(s, 2, 3));
      copy_field(e->msg.agency, sizeof e->msg.agency, edi_seg_get(s, 2, 4));
      copy_field(e->msg.assoc, sizeof e->msg.assoc, edi_seg_get(s, 2, 5));
      e->msg.nsegs = 1;
      e->msg.offset = s->offset;
      e->in_message = 1;
      s->msg = e->msg.number;
      s->index = 1;
      return;
    case 'T':
      if (!e->in_message) {
        s->msg = 0;
        s->index = p->ic_segs;
        report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_OUTSIDE,
                  "UNT outside a message");
        return;
      }
      e->msg.nsegs++;
      s->msg = e->msg.number;
      s->index = e->msg.nsegs;
      if (!num_eq(edi_seg_get(s, 1, 1), e->msg.nsegs)) {
        char got[20];
        report_at(p, s, s->offset, 1, 0, EDI_ERROR, EDI_LVL_MESSAGE, EDI_E_COUNT,
                  "UNT segment count is '%s' but the message has %u segments",
                  edi_comp_str(edi_seg_get(s, 1, 1), got, sizeof got), e->msg.nsegs);
      }
      if (!edi_comp_eq(edi_seg_get(s, 2, 1), e->msg.ref)) {
        char got[16];
        report_at(p, s, s->offset, 2, 0, EDI_ERROR, EDI_LVL_MESSAGE, EDI_E_REFERENCE,
                  "UNT reference '%s' does not match UNH reference '%s'",
                  edi_comp_str(edi_seg_get(s, 2, 1), got, sizeof got), e->msg.ref);
      }
      e->msg.closed = 1;
      return;
    case 'E':
      if (e->in_message) missing_trailers(p, s, s->offset, 0);
      s->msg = 0;
      s->index = p->ic_segs;
      if (!e->in_group) {
        report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_GROUP, EDI_E_OUTSIDE,
                  "UNE outside a group");
        return;
      }
      if (!num_eq(edi_seg_get(s, 1, 1), e->grp.nmsgs)) {
        char got[20];
        report_at(p, s, s->offset, 1, 0, EDI_ERROR, EDI_LVL_GROUP, EDI_E_COUNT,
                  "UNE message count is '%s' but the group has %u messages",
                  edi_comp_str(edi_seg_get(s, 1, 1), got, sizeof got), e->grp.nmsgs);
      }
      if (!edi_comp_eq(edi_seg_get(s, 2, 1), e->grp.ref)) {
        char got[16];
        report_at(p, s, s->offset, 2, 0, EDI_ERROR, EDI_LVL_GROUP, EDI_E_REFERENCE,
                  "UNE reference '%s' does not match UNG reference '%s'",
                  edi_comp_str(edi_seg_get(s, 2, 1), got, sizeof got), e->grp.ref);
      }
      return;
    case 'Z':
      if (e->in_message || e->in_group) missing_trailers(p, s, s->offset, 0);
      s->msg = 0;
      s->index = p->ic_segs;
      if (p->state != S_INTERCHANGE || !e->ic.present) {
        report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_OUTSIDE,
                  "UNZ without an interchange header (UNB)");
        return;
      }
      {
        uint32_t want = e->ic.ngroups ? e->ic.ngroups : e->ic.nmsgs;
        if (!num_eq(edi_seg_get(s, 1, 1), want)) {
          char got[20];
          report_at(p, s, s->offset, 1, 0, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_COUNT,
                    "UNZ count is '%s' but the interchange has %u %s",
                    edi_comp_str(edi_seg_get(s, 1, 1), got, sizeof got), want,
                    e->ic.ngroups ? "groups" : "messages");
        }
        if (!edi_comp_eq(edi_seg_get(s, 2, 1), e->ic.ref)) {
          char got[16];
          report_at(p, s, s->offset, 2, 0, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_REFERENCE,
                    "UNZ reference '%s' does not match UNB reference '%s'",
                    edi_comp_str(edi_seg_get(s, 2, 1), got, sizeof got), e->ic.ref);
        }
        if (!want)
          report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_EMPTY,
                    "interchange without messages");
      }
      return;
    default: break;
    }
  }
  if (e->in_message) {
    e->msg.nsegs++;
    s->msg = e->msg.number;
    s->index = e->msg.nsegs;
    return;
  }
  s->msg = 0;
  s->index = p->ic_segs;
  report_at(p, s, s->offset, 0, 0, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_OUTSIDE,
            "segment %s outside a message", s->tag);
}

/* Closing bookkeeping after the segment callback: trailers end their structure. */
static void envelope_post(struct edi_parser *p, const struct edi_segment *s) {
  const char *t = s->tag;
  if (t[0] != 'U' || t[1] != 'N') return;
  if (t[2] == 'T' && p->env.in_message && p->env.msg.closed)
    end_message(p);
  else if (t[2] == 'E' && p->env.in_group)
    end_group(p);
  else if (t[2] == 'Z' && p->state == S_INTERCHANGE && p->env.ic.present) {
    end_interchange(p);
    p->state = S_AFTER;
  }
}

/* ---- tokenizer ---- */

/* Length of a valid UTF-8 sequence at s (before end), 0 when invalid or cut. */
static int utf8_len(const unsigned char *s, const unsigned char *end) {
  unsigned c = s[0];
  int n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (end - s < n) return 0;
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

/* Rewrites component i (flagged) into the scratch buffer at *so. */
static void decode_comp(struct edi_parser *p, uint32_t i, size_t *so) {
  const unsigned char *s = (const unsigned char *)p->comp[i].p;
  const unsigned char *end = s + p->comp[i].len;
  unsigned char *o = (unsigned char *)p->scratch + *so, *o0 = o;
  unsigned char rel = p->env.rel;
  int latin1 = p->env.ic.charset == EDI_CS_UNOC;
  while (s < end) {
    unsigned c = *s;
    if (c == rel && rel && s + 1 < end) {
      s++;
      c = *s;
    } else if ((c == '\r' || c == '\n') && p->cls[c] == C_NL) {
      s++;
      continue;
    }
    if (c < 0x80) {
      *o++ = (unsigned char)c;
      s++;
    } else if (latin1) {
      *o++ = (unsigned char)(0xC0 | (c >> 6));
      *o++ = (unsigned char)(0x80 | (c & 0x3F));
      s++;
    } else {
      int n = utf8_len(s, end);
      if (n) {
        memcpy(o, s, (size_t)n);
        o += n;
        s += n;
      } else {
        *o++ = 0xEF;
        *o++ = 0xBF;
        *o++ = 0xBD;
        s++;
      }
    }
  }
  p->comp[i].p = (const char *)o0;
  p->comp[i].len = (uint32_t)(o - o0);
  *so += (size_t)(o - o0);
}

/* Doubles the element array up to its limit; 0, or -1 at the limit or without memory. */
static int grow_el(struct edi_parser *p) {
  if (p->cap_el >= p->lim.max_elements) return -1;
  uint32_t cap =
      p->cap_el * 2 > p->lim.max_elements ? (uint32_t)p->lim.max_elements : p->cap_el * 2;
  struct edi_elem *e = realloc(p->el, cap * sizeof *e);
  if (!e) return -1;
  p->el = e;
  p->cap_el = cap;
  set_room(p);
  return 0;
}

static int grow_comp(struct edi_parser *p) {
  if (p->cap_comp >= p->lim.max_comps) return -1;
  uint32_t cap = p->cap_comp * 2 > p->lim.max_comps ? (uint32_t)p->lim.max_comps : p->cap_comp * 2;
  struct edi_comp *c = realloc(p->comp, cap * sizeof *c);
  if (!c) return -1;
  p->comp = c;
  p->cap_comp = cap;
  set_room(p);
  return 0;
}

/* Stage-2 state of the segment being split. A component that needs decoding (release
 * character, line break, non-ASCII) carries LEN_FLAG in its length until deliver. */
#define LEN_FLAG 0x80000000u
struct tok {
  const unsigned char *s;  /* the segment's first byte */
  const unsigned char *cs; /* the current component's first byte */
  uint32_t ne, nc;         /* current element (0: the tag), components stored */
  uint32_t cf;             /* LEN_FLAG when the current component needs decoding */
  uint32_t anyf;           /* some component does */
  int drop;                /* too many elements or components: the rest is dropped */
};

/* Stores the component ending at q; sets drop at the limit. */
static void store_comp(struct edi_parser *p, struct tok *t, const unsigned char *q) {
  if (t->drop) return;
  if (t->nc == p->cap_comp && grow_comp(p) < 0) {
    t->drop = 1;
    return;
  }
  p->comp[t->nc].p = (const char *)t->cs;
  p->comp[t->nc].len = (uint32_t)(q - t->cs) | t->cf;
  t->anyf |= t->cf;
  t->nc++;
}

/* A separator on the slow path (the arrays must grow, or elements are being dropped):
 * ends the component at q and, for an element or repetition separator, the element. */
static void slow_separator(struct edi_parser *p, struct tok *t, const unsigned char *q,
                           unsigned k) {
  store_comp(p, t, q);
  struct edi_elem *el = p->el;
  el[t->ne].ncomp = (uint16_t)(t->nc - el[t->ne].first);
  if (k == C_COMP || k == C_TERM || t->drop) return;
  if (t->ne + 1 == p->cap_el && grow_el(p) < 0) {
    t->drop = 1;
    return;
  }
  el = p->el;
  uint16_t pos = el[t->ne].pos, rep = el[t->ne].rep;
  t->ne++;
  if (k == C_ELEM || pos == 0) { /* the tag does not repeat */
    el[t->ne].pos = (uint16_t)(pos + 1);
    el[t->ne].rep = 1;
  } else {
    el[t->ne].pos = pos;
    el[t->ne].rep = (uint16_t)(rep + 1);
  }
  el[t->ne].first = t->nc;
}

/* A byte of class k > C_REP at q (release character, line end, non-ASCII, outside the
 * repertoire): records what it needs and returns the position after it. */
static const unsigned char *rare_byte(struct edi_parser *p, struct tok *t, const unsigned char *q,
                                      const unsigned char *end, unsigned k, uint64_t off) {
  const struct edi_elem *e = &p->el[t->ne];
  unsigned c = *q, ci = t->nc - e->first + 1; /* component index, 1-based */
  uint64_t at = off + (uint64_t)(q - t->s);
  const int cs_kind = p->env.ic.charset;
  switch (k) {
  case C_REL: {
    /* q + 1 < end: an unescaped terminator follows somewhere. */
    unsigned next = p->cls[q[1]];
    t->cf = LEN_FLAG;
    if (next >= C_COMP && next <= C_REL) return q + 2;
    if (q[1] == ' ' && p->una_rep == ' ') return q + 2; /* reserved position, versions 1-3 */
    add_diag(p, at, EDI_ERROR, EDI_E_SERVICE_USE, e->pos, ci, e->rep,
             "release character before '%c', which is not a service character",
             q[1] >= 0x20 && q[1] < 0x7f ? q[1] : '?');
    return q + 1; /* the next byte is data either way; let the loop classify it */
  }
  case C_NL: t->cf = LEN_FLAG; return q + 1;
  case C_HI:
    if (cs_kind == EDI_CS_UNOC) {
      if (c < 0xA0 && p->last_bad_comp != (int32_t)t->nc) {
        p->last_bad_comp = (int32_t)t->nc;
        add_diag(p, at, EDI_ERROR, EDI_E_CHARACTER, e->pos, ci, e->rep,
                 "byte 0x%02X is a control character, not in ISO 8859-1 (UNOC)", c);
      }
      t->cf = LEN_FLAG;
      return q + 1;
    }
    {
      /* A valid sequence never contains the (ASCII) terminator, so reading stops there. */
      int n = utf8_len(q, q + 4 <= end ? q + 4 : end);
      if (!n) {
        t->cf = LEN_FLAG;
        if (p->last_bad_comp != (int32_t)t->nc) {
          p->last_bad_comp = (int32_t)t->nc;
          add_diag(p, at, EDI_ERROR, EDI_E_CHARACTER, e->pos, ci, e->rep,
                   "invalid UTF-8 byte 0x%02X", c);
        }
        return q + 1;
      }
      if (cs_kind != EDI_CS_UTF8 && cs_kind != EDI_CS_NONE && p->last_bad_comp != (int32_t)t->nc) {
        p->last_bad_comp = (int32_t)t->nc;
        add_diag(p, at, EDI_ERROR, EDI_E_CHARACTER, e->pos, ci, e->rep,
                 "non-ASCII character '%.*s' is outside the declared repertoire %s", n,
                 (const char *)q, p->env.ic.syntax_id);
      }
      return q + n;
    }
  case C_BAD:
    if (p->last_bad_comp != (int32_t)t->nc) {
      p->last_bad_comp = (int32_t)t->nc;
      if (c >= 0x20 && c < 0x7f)
        add_diag(p, at, EDI_ERROR, EDI_E_CHARACTER, e->pos, ci, e->rep,
                 "character '%c' is outside the declared repertoire %s", c, p->env.ic.syntax_id);
      else
        add_diag(p, at, EDI_ERROR, EDI_E_CHARACTER, e->pos, ci, e->rep, "control character 0x%02X",
                 c);
    }
    return q + 1;
  case C_LOWER:
    if (!p->lower_warned) {
      p->lower_warned = 1;
      add_diag(p, at, EDI_WARNING, EDI_E_CHARACTER, e->pos, ci, e->rep,
               "lower-case letters are outside UNOA (level A); tolerated");
    }
    return q + 1;
  default: return q + 1;
  }
}

/* Drops the mask bits of the bytes before q (consumed by a step of more than one byte). */
static inline uint64_t mask_from(uint64_t mask, const unsigned char *base, const unsigned char *q) {
  uintptr_t d = (uintptr_t)q - (uintptr_t)base;
  return d < 64 ? mask & (~(uint64_t)0 << d) : 0;
}

/* The careful tokenizer: any segment. The caller guarantees an unescaped terminator in
 * [s, end), which stops the loop. Returns the bytes consumed, terminator included.
 *
 * The loop visits the special bytes only: the lowest set bit of the block's mask is the
 * next one, cleared once handled. A separator, with room in the arrays, is handled in
 * place; everything else (rare bytes, growth, dropping) goes through small functions and
 * then realigns the mask with the position they return. */
static size_t tokenize_careful(struct edi_parser *p, const unsigned char *s,
                               const unsigned char *end, uint64_t off) {
  const uint8_t *cls = p->cls;
  struct tok t = {s, s, 0, 0, 0, 0, 0};
  p->ndiag = 0;
  p->diag_more = 0;
  p->lower_warned = 0;
  p->last_bad_comp = -1;
  p->el[0].pos = 0;
  p->el[0].rep = 1;
  p->el[0].first = 0;
  if (p->sc.end != end) scan_reset(p, end);
  /* Locals (pointers rather than indexes), so that the fast path stays in registers. */
  const unsigned char *base = p->sc.base, *q = s, *cs = s;
  uint64_t mask = mask_from(p->sc.mask, base, s);
  struct edi_comp *comp = p->comp, *cp = comp, *cend = comp + p->cap_comp;
  struct edi_elem *ep = p->el, *eend = p->el + p->cap_el - 1;
  uint32_t cf = 0, first = 0;
  unsigned pos = 0, rep = 1;
  for (;;) {
    while (!mask) {
      /* Nothing special from q to the end of the block: classify the next one (or the
       * block at q, when a helper's step left the current one behind). */
      q = next_block(p, base, q);
      scan_block(p, q);
      base = q;
      mask = p->sc.mask;
    }
    q = base + __builtin_ctzll(mask);
    mask &= mask - 1;
    unsigned k = cls[*q];
    if (__builtin_expect(k <= C_REP && cp < cend && ep < eend, 1)) {
      cp->p = (const char *)cs;
      cp->len = (uint32_t)(q - cs) | cf;
      cp++;
      cs = q + 1;
      cf = 0;
      uint32_t nc = (uint32_t)(cp - comp);
      ep->ncomp = (uint16_t)(nc - first);
      if (k == C_TERM) break;
      /* Without branches on the kind of separator (they would be mispredicted): an
       * element or repetition separator opens the next element, a component separator
       * rewrites the current one's header with the same values. */
      unsigned is_el = k != C_COMP;
      unsigned again = (k == C_REP) & (pos != 0); /* the tag does not repeat */
      rep = is_el ? again * rep + 1 : rep;
      pos += is_el & !again;
      first = is_el ? nc : first;
      ep += is_el;
      ep->pos = (uint16_t)pos;
      ep->rep = (uint16_t)rep;
      ep->first = first;
      continue;
    }
    /* Slow path: hand the state over, let a helper do the work, take it back. */
    t.cs = cs;
    t.ne = (uint32_t)(ep - p->el);
    t.nc = (uint32_t)(cp - comp);
    t.cf = cf;
    const unsigned char *next;
    if (k <= C_REP) {
      slow_separator(p, &t, q, k);
      t.cs = q + 1;
      t.cf = 0;
      next = q + 1;
    } else {
      next = rare_byte(p, &t, q, end, k, off);
      t.anyf |= t.cf;
    }
    cs = t.cs;
    cf = t.cf;
    comp = p->comp;
    cp = comp + t.nc;
    cend = t.drop ? cp : comp + p->cap_comp;
    ep = p->el + t.ne;
    eend = t.drop ? ep : p->el + p->cap_el - 1;
    pos = ep->pos;
    rep = ep->rep;
    first = ep->first;
    if (k == C_TERM) break;
    mask = mask_from(mask, base, next);
    q = next;
  }
  p->sc.base = base;
  p->sc.mask = mask;
  p->nel = (uint32_t)(ep - p->el) + 1;
  p->ncomp = (uint32_t)(cp - comp);
  p->overflow = t.drop;
  p->any_flag = t.anyf != 0;
  return (size_t)(q + 1 - s);
}

/* Whether the arrays have room for every special byte of mask (one component and at most
 * one element each) after nc components: p->room bounds both. Without counting bits when
 * 64 more fit, which is the common case. */
static inline int fast_room_ok(const struct edi_parser *p, uint32_t nc, uint64_t mask) {
  uint32_t left = p->room - nc;
  return left >= 64 || (uint32_t)__builtin_popcountll(mask) <= left;
}

/* What the fast tokenizer found besides the arrays: the last element (0: the tag only)
 * and the length of the last component. */
struct fast_seg {
  uint32_t ne, nc, last_len;
};

/* The fast tokenizer: a segment made of ordinary bytes and component and element
 * separators only (no release character, line break, non-ASCII or invalid byte, no
 * repetition), with room in the arrays. Returns the bytes consumed, terminator included,
 * or 0 when the segment needs the careful tokenizer: nothing is kept that it would not
 * redo (the scanner state is only saved on success). Same precondition as the careful
 * one. Element n is then at position n, repetition 1, which needs no bookkeeping; room
 * is checked once per block of specials rather than per separator. The caller publishes
 * the counts (fast_publish) when deliver needs them. */
static inline __attribute__((always_inline)) size_t tokenize_fast(struct edi_parser *p,
                                                                  const unsigned char *s,
                                                                  struct fast_seg *out) {
  const uint8_t *cls = p->cls;
  const unsigned char *base = p->sc.base, *q = s, *cs = s;
  uint64_t mask = mask_from(p->sc.mask, base, s);
  struct edi_comp *comp = p->comp;
  struct edi_elem *el = p->el;
  uint32_t nc = 0, ne = 0, first = 0, len;
  if (!fast_room_ok(p, 0, mask)) return 0;
  for (;;) {
    while (!mask) {
      q = next_block(p, base, q);
      scan_block(p, q);
      base = q;
      mask = p->sc.mask;
      if (!fast_room_ok(p, nc, mask)) return 0;
    }
    q = base + (unsigned)__builtin_ctzll(mask);
    mask &= mask - 1;
    unsigned k = cls[*q];
    if (__builtin_expect(k - C_COMP > C_TERM - C_COMP, 0)) return 0;
    len = (uint32_t)(q - cs);
    comp[nc] = (struct edi_comp){(const char *)cs, len};
    nc++;
    cs = q + 1;
    /* The current element's header, whole, at every separator: no branch on the kind of
     * separator (it would be mispredicted). An element separator then opens the next. */
    el[ne] = (struct edi_elem){(uint16_t)ne, 1, (uint16_t)(nc - first), first};
    if (k == C_TERM) break;
    uint32_t is_el = k >> 1; /* C_ELEM; C_COMP is 1 */
    first = is_el ? nc : first;
    ne += is_el;
  }
  p->sc.base = base;
  p->sc.mask = mask;
  out->ne = ne;
  out->nc = nc;
  out->last_len = len;
  return (size_t)(q + 1 - s);
}

/* Publishes what tokenize_fast found for deliver. */
static void fast_publish(struct edi_parser *p, const struct fast_seg *f) {
  p->nel = f->ne + 1;
  p->ncomp = f->nc;
  p->overflow = 0;
  p->any_flag = 0;
  p->ndiag = 0;
  p->diag_more = 0;
}

/* Tokenizes the segment at s into p->el / p->comp (see tokenize_careful). */
static inline __attribute__((always_inline)) size_t
tokenize(struct edi_parser *p, const unsigned char *s, const unsigned char *end, uint64_t off) {
  struct fast_seg f;
  if (p->sc.end != end) scan_reset(p, end);
  size_t n = tokenize_fast(p, s, &f);
  if (!n) return tokenize_careful(p, s, end, off);
  fast_publish(p, &f);
  return n;
}

/* A segment tag: an upper-case letter, then two upper-case letters or digits (without
 * branches: tags are all different). */
static inline int tag_chars_ok(const unsigned char *t) {
  unsigned a = t[0] - 'A', b = t[1] - 'A', c = t[2] - 'A';
  unsigned bd = t[1] - '0', cd = t[2] - '0';
  return (a < 26) & ((b < 26) | (bd < 10)) & ((c < 26) | (cd < 10));
}

/* Whether the last element of s ends with a separator (ISO 9735 "trailing separator"):
 * it is empty, or it has several components and the last one is empty. Both come down to
 * an empty last component (or none). */
static int trailing_separator(const struct edi_segment *s) {
  const struct edi_elem *last = &s->el[s->nel - 1];
  return last->ncomp == 0 || s->comp[last->first + last->ncomp - 1].len == 0;
}

/* Tag checks, value decoding, envelope, callbacks for a tokenized segment. */
static int deliver(struct edi_parser *p, uint64_t off) {
  struct edi_segment seg;
  seg.offset = off;
  seg.msg = seg.index = 0;
  memset(seg.tag, 0, sizeof seg.tag);
  /* Decode flagged components. */
  if (p->any_flag) {
    size_t so = 0, need = 0;
    for (uint32_t i = 0; i < p->ncomp; i++)
      if (p->comp[i].len & LEN_FLAG) /* UTF-8 output is at most 3x */
        need += 3 * (size_t)(p->comp[i].len & ~LEN_FLAG);
    if (need > p->scratch_cap) {
      size_t cap = p->scratch_cap;
      while (cap < need)
        cap *= 2;
      char *b = realloc(p->scratch, cap);
      if (!b) return -SW_ENOMEM;
      p->scratch = b;
      p->scratch_cap = cap;
    }
    for (uint32_t i = 0; i < p->ncomp; i++)
      if (p->comp[i].len & LEN_FLAG) {
        p->comp[i].len &= ~LEN_FLAG;
        decode_comp(p, i, &so);
      }
  }
  /* The tag is element 0. */
  struct edi_comp tag = p->el[0].ncomp ? p->comp[p->el[0].first] : (struct edi_comp){"", 0};
  int tag_ok = tag.len == 3 && tag_chars_ok((const unsigned char *)tag.p);
  if (tag_ok) memcpy(seg.tag, tag.p, 3);
  seg.el = p->el + 1;
  seg.nel = p->nel ? p->nel - 1 : 0;
  seg.comp = p->comp;
  seg.npos = seg.nel ? seg.el[seg.nel - 1].pos : 0;
  if (!tag_ok) {
    if (p->nel <= 1 && tag.len == 0 && p->ncomp <= 1) return 0; /* empty segment "''" */
    char shown[24];
    edi_comp_str(tag, shown, sizeof shown);
    for (char *c = shown; *c; c++)
      if ((unsigned char)*c < 0x20) *c = ' ';
    report_at(p, NULL, off, 0, 0, EDI_ERROR,
              p->env.in_message ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE, EDI_E_VALUE,
              "invalid segment tag '%s'", shown);
    return 0;
  }
  envelope_pre(p, &seg);
  for (int i = 0; i < p->ndiag; i++) {
    struct edi_pos pos = seg_pos(p, &seg, p->diag[i].off);
    pos.elem = p->diag[i].elem;
    pos.comp = p->diag[i].elem ? p->diag[i].comp : 0;
    pos.rep = p->diag[i].elem ? p->diag[i].rep : 0;
    edi_parser_report(p, &pos, p->diag[i].severity, seg.msg ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE,
                      p->diag[i].code, "%s", p->diag[i].text);
  }
  if (p->diag_more)
    report_at(p, &seg, off, 0, 0, EDI_WARNING, seg.msg ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE,
              EDI_E_CHARACTER, "%d more problems in this segment not listed", p->diag_more);
  if (p->overflow)
    report_at(p, &seg, off, 0, 0, EDI_ERROR, seg.msg ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE,
              EDI_E_CONSTITUENTS, "more than %zu elements or %zu components; the rest is ignored",
              p->lim.max_elements, p->lim.max_comps);
  if (p->el[0].ncomp > 1)
    report_at(p, &seg, off, 0, 0, EDI_ERROR, seg.msg ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE,
              EDI_E_CONSTITUENTS, "segment tag with components is not supported");
  /* A trailing empty element or component is a syntax violation (ISO 9735 "trailing
   * separator"); common in practice, so a warning. */
  if (seg.nel) {
    const struct edi_elem *last = &seg.el[seg.nel - 1];
    if (trailing_separator(&seg))
      report_at(p, &seg, off, last->pos, 0, EDI_WARNING,
                seg.msg ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE, 45,
                "trailing separator at the end of segment %s", seg.tag);
  }
  int rc = 0;
  p->nsegs++;
  if (p->h.segment) rc = p->h.segment(p->h.ctx, &seg, &p->env);
  envelope_post(p, &seg);
  return rc;
}

/* The 4 bytes at s as one word (the caller guarantees they are readable), and its slot
 * in tagok. */
static inline uint32_t tag_word(const unsigned char *s) {
  uint32_t w;
  memcpy(&w, s, 4);
  return w;
}
static inline unsigned tag_slot(uint32_t w) { return (w * 2654435761u) >> 26; }

/* Whether the segment at s starts with a tag deliver_fast may take (see tagok): caches
 * the answer when it is yes. s[0..3] are readable. */
static int tag_plain(struct edi_parser *p, const unsigned char *s, uint32_t w) {
  const uint8_t *cls = p->cls;
  unsigned k = cls[s[3]];
  if (!tag_chars_ok(s) || cls[s[0]] != C_ORD || cls[s[1]] != C_ORD || cls[s[2]] != C_ORD ||
      (k != C_ELEM && k != C_TERM) || (s[0] == 'U' && s[1] == 'N'))
    return 0;
  p->tagok[tag_slot(w)] = w;
  return 1;
}

/* Whether deliver would do no more for the segment tokenize_fast found at s (n bytes, tag
 * word w) than count it in its message and call back: a tag tag_plain accepts (3 ordinary
 * bytes, then an element separator or the terminator: one component), inside a message,
 * no trailing separator, not over-long. */
static inline int fast_deliverable(struct edi_parser *p, const unsigned char *s, uint32_t w,
                                   size_t n, const struct fast_seg *f) {
  return p->env.in_message & (f->last_len != 0) & (n <= p->lim.max_segment) &&
         (p->tagok[tag_slot(w)] == w || tag_plain(p, s, w));
}

/* deliver for a segment fast_deliverable accepts, with the same effects. */
static inline int deliver_fast(struct edi_parser *p, uint32_t w, uint64_t off,
                               const struct fast_seg *f) {
  struct edi_segment seg;
  struct edi_envelope *e = &p->env;
  p->ic_segs++;
  e->msg.nsegs++;
  p->nsegs++;
  if (!p->h.segment) return 0; /* nothing to describe it to */
  memcpy(seg.tag, &w, 4);
  seg.tag[3] = 0;
  seg.offset = off;
  seg.msg = e->msg.number;
  seg.index = e->msg.nsegs;
  seg.npos = (uint16_t)f->ne;
  seg.nel = f->ne;
  seg.el = p->el + 1;
  seg.comp = p->comp;
  return p->h.segment(p->h.ctx, &seg, e);
}

/* ---- UNA ---- */

static void apply_una(struct edi_parser *p, const unsigned char *u, uint64_t off) {
  /* u[0..8] = "UNA" comp elem dec rel rep term */
  unsigned char c[6];
  memcpy(c, u + 3, 6);
  int ok = 1;
  for (int i = 0; i < 6 && ok; i++) {
    if ((c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= 'a' && c[i] <= 'z') ||
        (c[i] >= '0' && c[i] <= '9') || c[i] >= 0x80 || c[i] == 0)
      ok = 0;
    for (int j = 0; j < i && ok; j++)
      if (c[i] == c[j] && c[i] != ' ') ok = 0;
  }
  if (c[0] == ' ' || c[1] == ' ' || c[5] == ' ') ok = 0;
  if (p->state == S_INTERCHANGE && p->env.ic.present) {
    struct edi_pos pos = seg_pos(p, NULL, off);
    memcpy(pos.tag, "UNA", 4);
    edi_parser_report(p, &pos, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_OUTSIDE,
                      "UNA inside an interchange (before its UNZ)");
    missing_trailers(p, NULL, off, 1);
  }
  if (!ok) {
    struct edi_pos pos = seg_pos(p, NULL, off);
    memcpy(pos.tag, "UNA", 4);
    edi_parser_report(p, &pos, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_SERVICE_CHAR,
                      "invalid service string advice; default separators used");
    set_default_separators(p);
  } else {
    p->env.comp = c[0];
    p->env.elem = c[1];
    p->env.dec = c[2];
    p->env.rel = c[3] == ' ' ? 0 : c[3];
    p->una_rep = c[4];
    p->env.rep = 0; /* decided by the UNB syntax version */
    p->env.term = c[5];
  }
  p->una_pending = 1;
  p->state = S_START;
  build_classes(p);
}

/* ---- driver ---- */

static int carry_put(struct edi_parser *p, const unsigned char *s, size_t n) {
  if (p->clen + n > p->ccap) {
    size_t cap = p->ccap ? p->ccap : 256;
    while (cap < p->clen + n)
      cap *= 2;
    if (cap > p->lim.max_segment + 16) cap = p->lim.max_segment + 16;
    if (cap < p->clen + n) return -SW_ETOOBIG;
    unsigned char *b = realloc(p->carry, cap);
    if (!b) return -SW_ENOMEM;
    p->carry = b;
    p->ccap = cap;
  }
  memcpy(p->carry + p->clen, s, n);
  p->clen += n;
  return 0;
}

static int is_space(unsigned c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The last terminator in [from, end) that no release character escapes, or NULL. */
static const unsigned char *find_last_term(const struct edi_parser *p, const unsigned char *from,
                                           const unsigned char *end) {
  const unsigned char term = p->env.term, rel = p->env.rel;
  const unsigned char *t = end;
  while (t > from) {
    t--;
    if (*t != term) continue;
    size_t nrel = 0;
    if (rel)
      for (const unsigned char *r = t; r > from && r[-1] == rel; r--)
        nrel++;
    if (nrel % 2 == 0) return t;
  }
  return NULL;
}

static void too_long(struct edi_parser *p, uint64_t off) {
  struct edi_pos pos = seg_pos(p, NULL, off);
  edi_parser_report(p, &pos, EDI_ERROR, p->env.in_message ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE,
                    EDI_E_TOO_LONG, "segment longer than %zu bytes; skipped", p->lim.max_segment);
}

/* Whether data between interchanges may start here: UNA, UNB or UNH, or at least a
 * well-formed segment (reported as out of place by the envelope). Looks at up to 4 bytes;
 * callers give 4 unless the segment is shorter. */
static int start_ok(const struct edi_parser *p, const unsigned char *q, size_t n) {
  size_t k = n < 3 ? n : 3;
  if (!memcmp(q, "UNA", k) || !memcmp(q, "UNB", k) || !memcmp(q, "UNH", k)) return 1;
  return n >= 4 && q[0] >= 'A' && q[0] <= 'Z' &&
         ((q[1] >= 'A' && q[1] <= 'Z') || (q[1] >= '0' && q[1] <= '9')) &&
         ((q[2] >= 'A' && q[2] <= 'Z') || (q[2] >= '0' && q[2] <= '9')) &&
         (q[3] == p->env.elem || q[3] == p->env.comp || q[3] == p->env.term);
}

static void report_garbage(struct edi_parser *p, uint64_t off) {
  struct edi_pos pos = seg_pos(p, NULL, off);
  edi_parser_report(p, &pos, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_OUTSIDE,
                    p->state == S_START ? "data before the interchange header"
                                        : "data after the interchange trailer (UNZ)");
}

/* Index of the first "UNA", "UNB" or "UNH" in s[0..n), or n; when none, resync_match is
 * left as the start of a match the next bytes may complete. */
static size_t find_header(struct edi_parser *p, const unsigned char *s, size_t n) {
  for (size_t i = 0; i + 2 < n; i++)
    if (s[i] == 'U' && s[i + 1] == 'N' && (s[i + 2] == 'A' || s[i + 2] == 'B' || s[i + 2] == 'H'))
      return i;
  p->resync_match = n >= 2 && s[n - 2] == 'U' && s[n - 1] == 'N' ? 2 : n >= 1 && s[n - 1] == 'U';
  return n;
}

/* Resynchronising after data that is not EDIFACT: finds the next "UNA", "UNB" or "UNH".
 * Returns the index in s where the match (or the part of it in this chunk) starts, or n
 * when there is none; a match begun in the previous chunk is put into the carry. */
static size_t resync_scan(struct edi_parser *p, const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned c = s[i];
    if (p->resync_match == 2 && (c == 'A' || c == 'B' || c == 'H')) {
      p->resync_match = 0;
      if (i >= 2) return i - 2;
      p->clen = 0;
      p->crel = 0;
      p->coff = p->fed - (2 - i);
      carry_put(p, (const unsigned char *)"UN", 2 - i);
      return 0;
    }
    if (c == 'U')
      p->resync_match = 1;
    else if (c == 'N' && p->resync_match == 1)
      p->resync_match = 2;
    else
      p->resync_match = 0;
  }
  return n;
}

/* Processes the carry, which holds a complete segment or UNA. */
static int carry_flush(struct edi_parser *p);

/* The carry is complete: between interchanges it must start like EDIFACT (the same test
 * as on a whole buffer, so that chunking changes nothing); else resynchronise, within the
 * carry first. Returns like carry_flush; *more when a UNA found there needs more bytes. */
/* The carry starts with data that is not EDIFACT: report it and resynchronise, within
 * the carry first. Returns 1 when the carry now starts with a header, 0 when it was
 * emptied (resynchronisation goes on in the input). */
static int carry_garbage(struct edi_parser *p) {
  report_garbage(p, p->coff);
  p->state = S_RESYNC;
  size_t k = find_header(p, p->carry + 1, p->clen - 1);
  if (k == p->clen - 1) {
    p->clen = 0;
    p->crel = 0;
    return 0;
  }
  p->resync_match = 0;
  memmove(p->carry, p->carry + 1 + k, p->clen - 1 - k);
  p->clen -= 1 + k;
  p->coff += 1 + k;
  p->crel = 0;
  p->state = S_START;
  return 1;
}

static int carry_complete(struct edi_parser *p, int *more) {
  *more = 0;
  int una = p->clen >= 3 && !memcmp(p->carry, "UNA", 3);
  if (p->state != S_INTERCHANGE && !una && !start_ok(p, p->carry, p->clen < 4 ? p->clen : 4)) {
    if (!carry_garbage(p)) return 0;
    if (!memcmp(p->carry, "UNA", 3) && p->clen < 9) {
      *more = 1;
      return 0;
    }
  }
  return carry_flush(p);
}

static int carry_flush(struct edi_parser *p) {
  int rc = 0;
  if (p->clen >= 3 && !memcmp(p->carry, "UNA", 3)) {
    apply_una(p, p->carry, p->coff);
  } else {
    scan_reset(p, NULL); /* the carry's contents change from one segment to the next */
    (void)tokenize(p, p->carry, p->carry + p->clen, p->coff);
    scan_reset(p, NULL);
    rc = deliver(p, p->coff);
  }
  p->clen = 0;
  p->crel = 0;
  return rc;
}

/* Feeds bytes of s into the carry (or drops them while skipping an over-long segment)
 * until the segment completes. Returns the bytes used; *done when it completed. */
static size_t carry_fill(struct edi_parser *p, const unsigned char *s, size_t n, int *done,
                         int *rc) {
  size_t i = 0;
  *done = 0;
  while (i < n) {
    unsigned char c = s[i++];
    if (p->skipping) {
      if (p->crel)
        p->crel = 0;
      else if (c == p->env.rel && p->env.rel)
        p->crel = 1;
      else if (c == p->env.term) {
        p->skipping = 0;
        p->clen = 0;
        *done = 1;
        return i;
      }
      continue;
    }
    int una = p->clen < 3 ? !memcmp(p->carry, "UNA", p->clen) && c == "UNA"[p->clen]
                          : !memcmp(p->carry, "UNA", 3);
    if (p->clen == p->lim.max_segment) {
      too_long(p, p->coff);
      p->skipping = 1;
      p->clen = 0;
      i--; /* look at this byte again while skipping */
      continue;
    }
    if (carry_put(p, &c, 1) < 0) {
      *rc = -SW_ENOMEM;
      return n;
    }
    /* Between interchanges the first 4 bytes decide, as on a whole buffer. */
    if (p->state != S_INTERCHANGE && p->clen == 4 && !una && !start_ok(p, p->carry, 4)) {
      if (!carry_garbage(p)) {
        *done = 1; /* the caller resynchronises on the rest of its input */
        return i;
      }
      una = p->clen >= 3 && !memcmp(p->carry, "UNA", 3);
      /* recount release characters of what is left */
      p->crel = 0;
      for (size_t k = 0; k < p->clen && !una; k++) {
        if (p->crel)
          p->crel = 0;
        else if (p->carry[k] == p->env.rel && p->env.rel)
          p->crel = 1;
      }
      if (una && p->clen == 9) {
        *rc = carry_flush(p);
        *done = 1;
        return i;
      }
      continue;
    }
    if (una) {
      if (p->clen == 9) {
        *rc = carry_flush(p);
        *done = 1;
        return i;
      }
      continue;
    }
    if (p->crel) {
      p->crel = 0;
    } else if (c == p->env.rel && p->env.rel) {
      p->crel = 1;
    } else if (c == p->env.term) {
      int more;
      *rc = carry_complete(p, &more);
      if (more) continue;
      *done = 1;
      return i;
    }
  }
  return i;
}

/* Starts the carry with the incomplete segment [q, end). */
static void carry_start(struct edi_parser *p, const unsigned char *q, const unsigned char *end,
                        uint64_t off) {
  p->coff = off;
  p->crel = 0;
  p->clen = 0;
  p->skipping = 0;
  int una = end - q >= 3 && !memcmp(q, "UNA", 3);
  for (const unsigned char *t = q; t < end; t++) {
    if (p->clen == p->lim.max_segment) {
      too_long(p, off);
      p->skipping = 1;
      p->clen = 0;
      for (; t < end; t++) {
        if (p->crel)
          p->crel = 0;
        else if (*t == p->env.rel && p->env.rel)
          p->crel = 1;
      }
      return;
    }
    if (!una) {
      if (p->crel)
        p->crel = 0;
      else if (*t == p->env.rel && p->env.rel)
        p->crel = 1;
    }
    carry_put(p, t, 1); /* within max_segment + 16: cannot fail but for memory */
  }
}

/* Delivers the segment of n bytes tokenized at q (offset off), or reports it as too long;
 * when it changed the separators, *last_term is looked for again in [q + n, end). Returns
 * like deliver. */
static int deliver_tokenized(struct edi_parser *p, const unsigned char *q, size_t n, uint64_t off,
                             const unsigned char *end, const unsigned char **last_term) {
  if (n > p->lim.max_segment) {
    too_long(p, off);
    return 0;
  }
  unsigned char old_term = p->env.term, old_rel = p->env.rel;
  int rc = deliver(p, off);
  /* A new interchange without UNA goes back to the default separators. */
  if (!rc && (p->env.term != old_term || p->env.rel != old_rel))
    *last_term = find_last_term(p, q + n, end);
  return rc;
}

/* Inside an interchange: the segments from q up to *last_term (a terminator, q <=
 * *last_term) that do not start with 'U' (UNA, service segments), as long as they need
 * nothing but tokenize_fast and deliver_fast; one that needs more is handled as in the
 * general loop, and ends the run. Returns where it stopped; *rc as deliver. Offsets are
 * base + the address. */
static const unsigned char *run_plain(struct edi_parser *p, const unsigned char *q,
                                      const unsigned char *end, const unsigned char **last_term,
                                      uint64_t base, int *rc) {
  const uint8_t *layout = p->layout;
  const unsigned char *lt = *last_term;
  if (p->sc.end != end) scan_reset(p, end);
  while (q <= lt) {
    /* Layout between segments, as in the general loop (the terminator at lt stops it). */
    while (layout[*q])
      q++;
    if (*q == 'U') break;
    struct fast_seg f;
    uint64_t off = base + (uintptr_t)q;
    size_t n = tokenize_fast(p, q, &f);
    /* A tag and its separator are 4 bytes of the segment (the tag word is not 0: a NUL
     * byte is no separator, and stops tokenize_fast). */
    uint32_t w = n >= 4 ? tag_word(q) : 0;
    if (__builtin_expect(n == 0, 0)) {
      n = tokenize_careful(p, q, end, off);
    } else if (__builtin_expect(w && fast_deliverable(p, q, w, n, &f), 1)) {
      *rc = deliver_fast(p, w, off, &f);
      q += n;
      if (*rc) break;
      continue;
    } else {
      fast_publish(p, &f);
    }
    *rc = deliver_tokenized(p, q, n, off, end, last_term);
    return q + n;
  }
  return q;
}

int edi_parser_feed(struct edi_parser *p, const void *data, size_t len) {
  const unsigned char *s = data, *end = s + len;
  const unsigned char *q = s;
  int rc = 0;
  if (p->rc) return p->rc;
  if (!len) return 0;
  scan_reset(p, NULL); /* callers may reuse their buffer: no mask survives a call */
  if (p->clen || p->skipping) {
    int done;
    q += carry_fill(p, s, len, &done, &rc);
    if (rc || !done) goto out;
  }
  /* Segments whose terminator is in this chunk are tokenized in place: the last unescaped
   * terminator guarantees that the tokenizer's inner loop stops inside the chunk. */
  const unsigned char *last_term = find_last_term(p, q, end);
  while (q < end) {
    if (p->state == S_INTERCHANGE && last_term && q <= last_term) {
      q = run_plain(p, q, end, &last_term, p->fed - (uintptr_t)s, &rc);
      if (rc) goto out;
      if (q == end) break;
    }
    if (p->state == S_RESYNC) {
      size_t k = resync_scan(p, q, (size_t)(end - q));
      if (k == (size_t)(end - q)) {
        q = end;
        break;
      }
      q += k;
      p->state = S_START;
      if (p->clen) {
        int done;
        q += carry_fill(p, q, (size_t)(end - q), &done, &rc);
        if (rc || !done) goto out;
        last_term = find_last_term(p, q, end);
        continue;
      }
    }
    while (q < end && is_space(*q) && p->cls[*q] != C_TERM)
      q++;
    if (q == end) break;
    uint64_t off = p->fed + (uint64_t)(q - s);
    size_t avail = (size_t)(end - q);
    if (p->state != S_INTERCHANGE) {
      /* Between interchanges only UNA, UNB, UNH or a segment may start; anything else is
       * not EDIFACT: report it once and resynchronise on the next header. */
      if (avail < 4) break; /* decided on the carry */
      if (!start_ok(p, q, 4)) {
        report_garbage(p, off);
        p->state = S_RESYNC;
        p->resync_match = 0;
        continue;
      }
    }
    if (avail >= 3 && q[0] == 'U' && q[1] == 'N' && q[2] == 'A') {
      if (avail < 9) break; /* to the carry */
      apply_una(p, q, off);
      q += 9;
      last_term = find_last_term(p, q, end);
      continue;
    }
    if (!last_term || q > last_term) break; /* incomplete: to the carry */
    size_t n = tokenize(p, q, end, off);
    rc = deliver_tokenized(p, q, n, off, end, &last_term);
    q += n;
    if (rc) goto out;
  }
  if (q < end) carry_start(p, q, end, p->fed + (uint64_t)(q - s));
out:
  p->fed += len;
  if (rc) p->rc = rc;
  return rc;
}

int edi_parser_finish(struct edi_parser *p) {
  int rc = p->rc;
  if (rc) return rc;
  if (p->clen && !p->skipping) {
    int only_space = 1;
    for (size_t i = 0; i < p->clen; i++)
      if (!is_space(p->carry[i])) only_space = 0;
    if (!only_space) {
      struct edi_pos pos = seg_pos(p, NULL, p->coff);
      if (p->clen >= 3 && !memcmp(p->carry, "UNA", 3)) {
        memcpy(pos.tag, "UNA", 4);
        edi_parser_report(p, &pos, EDI_ERROR, EDI_LVL_INTERCHANGE, EDI_E_MISSING,
                          "truncated service string advice (UNA)");
      } else {
        edi_parser_report(p, &pos, EDI_ERROR,
                          p->env.in_message ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE, EDI_E_MISSING,
                          "last segment has no segment terminator");
        if (p->crel) p->clen--; /* a dangling release character */
        unsigned char t = p->env.term;
        if (carry_put(p, &t, 1) == 0) rc = carry_flush(p);
      }
    }
  }
  p->clen = 0;
  p->skipping = 0;
  if (!rc && p->state == S_INTERCHANGE) {
    if (p->env.ic.present) {
      missing_trailers(p, NULL, p->fed, 1);
    } else {
      /* message-level stream: only the message (and group) must be closed */
      missing_trailers(p, NULL, p->fed, 0);
      end_interchange(p);
      p->state = S_AFTER;
    }
  }
  if (rc) p->rc = rc;
  return rc;
}
