/* edi_validate.c - message structure and data element checks (see edi_validate.h).
 *
 * Structure: the message's branching diagram is a pre-order node array; the state is a
 * stack with one level per open segment group (root first), each remembering the entry
 * reached and how often it occurred. A segment is placed at the first entry at or after
 * the current one, innermost group first, then the enclosing groups (which closes the
 * inner ones): the usual EDIFACT rule that a segment belongs to the innermost group that
 * can take it. Mandatory entries passed over are reported missing. A segment that fits
 * nowhere is reported and skipped, leaving the state as it was, so one misplaced segment
 * does not cascade into errors for everything after it. */
#include "codec/edifact/edi_validate.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define STACK_MAX 32

/* Look-up caches (direct-mapped, fixed size): segment definitions by (directory, tag) and
 * code-list answers by (directory, list, value). Directory look-ups are pure functions of
 * their keys, so a cache changes nothing but the time; EDIFACT repeats the same tags and
 * qualifiers over and over, so nearly every look-up hits. */
#define SEGCACHE 64
#define CODECACHE_BITS 9
#define CODECACHE (1 << CODECACHE_BITS)
#define CODE_KEY_MAX 16 /* longer values are looked up every time */
#define NODES_MAX 1024  /* the largest shipped structure (IFCSUM) has 340 */
#define LEVELCACHE_BITS 8
#define LEVELCACHE (1 << LEVELCACHE_BITS)

struct segcache {
  const struct edi_directory *d;
  uint32_t tag;
  const struct edi_segdef *sd;
  unsigned last_mand; /* the last mandatory position of sd, 0 when none */
};

struct codecache {
  const struct edi_directory *d;
  int16_t list;
  uint8_t len, valid;
  char val[CODE_KEY_MAX];
};

/* A level search of structure_segment: the first entry of message structure m in
 * [from, hi) that takes tag, or -1 (a pure function of the structure). */
struct levelcache {
  const struct edi_msgdef *m;
  uint32_t tag;
  uint16_t from, hi;
  int32_t target;
};

struct level {
  int lo, hi;   /* entries of this level: nodes[lo..hi), siblings linked by end */
  int cur;      /* entry reached */
  uint32_t cnt; /* occurrences of cur (segment) or instances (group) */
};

struct edi_validator {
  struct edi_validate_opts o;
  const struct edi_directory *dir; /* the message's directory, or NULL */
  const struct edi_msgdef *msg;    /* its structure, or NULL */
  const struct edi_directory *svc; /* service syntax definitions for the interchange */
  uint32_t msgno;                  /* message the state belongs to */
  struct level st[STACK_MAX];
  int depth;
  int overflowed;
  struct segcache segc[SEGCACHE];
  struct codecache codec[CODECACHE];
  /* Per-node tables of the message structure in use (nodes_msg), built when a message
   * starts: the tag each entry takes (its trigger segment's, for a group) and the next
   * mandatory entry of the same level (or the level's end). Messages longer than
   * NODES_MAX nodes (none shipped) are walked node by node instead. */
  const struct edi_msgdef *nodes_msg;
  uint32_t trig[NODES_MAX];
  uint16_t mand_next[NODES_MAX];
  struct levelcache levelc[LEVELCACHE];
  /* Whether a tag appears in the message structure at all (error path), cached. */
  struct {
    const struct edi_msgdef *m;
    uint32_t tag;
    int known;
  } knownc[16];
};

int edi_validator_new(struct edi_validator **out, const struct edi_validate_opts *o) {
  struct edi_validator *v = calloc(1, sizeof *v);
  *out = NULL;
  if (!v) return -SW_ENOMEM;
  if (o) v->o = *o;
  *out = v;
  return 0;
}

void edi_validator_free(struct edi_validator *v) { free(v); }

const struct edi_directory *edi_validator_directory(const struct edi_validator *v) {
  return v->dir;
}
const struct edi_msgdef *edi_validator_message(const struct edi_validator *v) { return v->msg; }

static void report(struct edi_parser *p, const struct edi_segment *s, unsigned elem, unsigned comp,
                   unsigned rep, int severity, int level, int code, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

#include <stdarg.h>
#include <stdio.h>

static void report(struct edi_parser *p, const struct edi_segment *s, unsigned elem, unsigned comp,
                   unsigned rep, int severity, int level, int code, const char *fmt, ...) {
  struct edi_error e;
  memset(&e.pos, 0, sizeof e.pos);
  e.pos.offset = s->offset;
  e.pos.msg = s->msg;
  e.pos.seg = s->index;
  memcpy(e.pos.tag, s->tag, 4);
  e.pos.elem = (uint16_t)elem;
  e.pos.comp = (uint16_t)comp;
  e.pos.rep = (uint16_t)rep;
  e.severity = (uint8_t)severity;
  e.level = (uint8_t)level;
  e.code = (uint16_t)code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e.text, sizeof e.text, fmt, ap);
  va_end(ap);
  edi_parser_emit(p, &e);
}

/* Like report (no element position) for a text made of the strings parts[0..n),
 * truncated as vsnprintf would. */
static void report_parts(struct edi_parser *p, const struct edi_segment *s, int severity, int level,
                         int code, const char *const *parts, int n) {
  struct edi_error e;
  memset(&e.pos, 0, sizeof e.pos);
  e.pos.offset = s->offset;
  e.pos.msg = s->msg;
  e.pos.seg = s->index;
  memcpy(e.pos.tag, s->tag, 4);
  e.severity = (uint8_t)severity;
  e.level = (uint8_t)level;
  e.code = (uint16_t)code;
  size_t len = 0;
  for (int i = 0; i < n; i++) {
    size_t k = strlen(parts[i]);
    if (k > sizeof e.text - 1 - len) k = sizeof e.text - 1 - len;
    memcpy(e.text + len, parts[i], k);
    len += k;
  }
  e.text[len] = 0;
  edi_parser_emit(p, &e);
}

/* 4-byte words for tags ("BGM\0") and element ids ("3055"): one compare instead of a
 * memcmp/strcmp call on the hot path. */
static inline uint32_t w4(const char *s) {
  uint32_t v;
  memcpy(&v, s, 4);
  return v;
}
#define W4(lit) w4(lit "\0")

/* Element definition at position pos (1-based) of sd, or NULL past the end (as
 * edi_dir_position, inline). */
static inline const struct edi_eldef *position_def(const struct edi_directory *d,
                                                   const struct edi_segdef *sd, unsigned pos) {
  return pos >= 1 && pos <= sd->nel ? &d->els[d->top[sd->first + pos - 1]] : NULL;
}

/* The definition of segment tag (3 bytes, NUL-padded to 4) in d (c->sd, NULL when none)
 * and its last mandatory position, cached. */
static const struct segcache *segment_def(struct edi_validator *v, const struct edi_directory *d,
                                          const char *tag) {
  uint32_t t = w4(tag);
  struct segcache *c = &v->segc[(t * 2654435761u) >> 26]; /* 64 entries: 6 bits */
  if (c->d != d || c->tag != t) {
    c->d = d;
    c->tag = t;
    c->sd = edi_dir_segment(d, tag);
    c->last_mand = 0;
    for (unsigned pos = 1; c->sd && pos <= c->sd->nel; pos++)
      if (position_def(d, c->sd, pos)->mandatory) c->last_mand = pos;
  }
  return c;
}

/* Whether code list idx of d has the value p[0..len) (cached). */
static int code_valid(struct edi_validator *v, const struct edi_directory *d, int idx,
                      const char *p, size_t len) {
  if (len > CODE_KEY_MAX) return edi_dir_code_valid(d, idx, p, len);
  uint32_t h = (uint32_t)idx * 0x9E3779B1u ^ (uint32_t)len;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)p[i]) * 0x01000193u;
  h ^= (uint32_t)(uintptr_t)d >> 4;
  /* The top bits of a multiplicative hash: the low ones of short values collide. */
  struct codecache *c = &v->codec[(h * 0x9E3779B1u) >> (32 - CODECACHE_BITS)];
  if (c->d == d && c->list == idx && c->len == len) {
    size_t i = 0;
    while (i < len && c->val[i] == p[i]) /* short: inline rather than memcmp */
      i++;
    if (i == len) return c->valid;
  }
  c->d = d;
  c->list = (int16_t)idx;
  c->len = (uint8_t)len;
  memcpy(c->val, p, len);
  c->valid = (uint8_t)edi_dir_code_valid(d, idx, p, len);
  return c->valid;
}

static int seg_level(const char *tag, int in_message) {
  if (tag[0] != 'U' || tag[1] != 'N') return in_message ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE;
  uint32_t t = w4(tag);
  if (t == W4("UNB") || t == W4("UNZ")) return EDI_LVL_INTERCHANGE;
  if (t == W4("UNG") || t == W4("UNE")) return EDI_LVL_GROUP;
  if (t == W4("UNH") || t == W4("UNT")) return EDI_LVL_MESSAGE;
  return in_message ? EDI_LVL_SEGMENT : EDI_LVL_INTERCHANGE;
}

/* ---- values ---- */

static size_t utf8_count(const char *p, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)p[i] & 0xC0) != 0x80) k++;
  return k;
}

/* Service dates 0017 (YYMMDD or CCYYMMDD) and times 0019 (HHMM), once the format is right. */
static int valid_date_time(const char *id, struct edi_comp v) {
  int d[8];
  if (v.len > 8) return 1;
  for (uint32_t i = 0; i < v.len; i++)
    d[i] = v.p[i] - '0';
  if (id[3] == '9') return v.len != 4 || (d[0] * 10 + d[1] < 24 && d[2] * 10 + d[3] < 60);
  if (v.len != 6 && v.len != 8) return 1;
  int o = v.len == 8 ? 2 : 0;
  int month = d[o + 2] * 10 + d[o + 3], day = d[o + 4] * 10 + d[o + 5];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Checks one value against its definition. */
static void check_value(struct edi_validator *v, struct edi_parser *p, const struct edi_segment *s,
                        const struct edi_envelope *env, const struct edi_directory *d,
                        const struct edi_eldef *def, struct edi_comp val, unsigned elem,
                        unsigned comp, unsigned rep, int level, int skip_codes) {
  size_t len;
  if (def->type == EDI_T_N) {
    /* Digits, an optional leading minus and one decimal mark between digits; neither sign
     * nor mark counts towards the length. Version 4 accepts both marks. */
    size_t i = 0, digits = 0;
    int bad = 0, mark = 0;
    if (i < val.len && val.p[i] == '-') i++;
    for (; i < val.len; i++) {
      char c = val.p[i];
      if (c >= '0' && c <= '9') {
        digits++;
      } else if ((c == env->dec || (env->ic.version == 4 && (c == '.' || c == ','))) && !mark &&
                 digits > 0 && i + 1 < val.len) {
        mark = 1;
      } else {
        bad = 1;
        break;
      }
    }
    if (bad || digits == 0) {
      report(p, s, elem, comp, rep, EDI_ERROR, level, EDI_E_CHAR_TYPE,
             "%s: '%.*s' is not numeric (format n%s%u)", def->id,
             (int)(val.len > 40 ? 40 : val.len), val.p, def->minlen == def->maxlen ? "" : "..",
             def->maxlen);
      return;
    }
    len = digits;
  } else {
    /* Characters, not bytes: but a value no longer in bytes than allowed, with a minimum
     * of one character, needs no counting (the common case). */
    len = val.len <= def->maxlen && def->minlen <= 1 ? val.len : utf8_count(val.p, val.len);
    if (def->type == EDI_T_A) {
      for (size_t i = 0; i < val.len; i++)
        if (val.p[i] >= '0' && val.p[i] <= '9') {
          report(p, s, elem, comp, rep, EDI_ERROR, level, EDI_E_CHAR_TYPE,
                 "%s: '%.*s' has digits in an alphabetic element", def->id,
                 (int)(val.len > 40 ? 40 : val.len), val.p);
          return;
        }
    }
  }
  static const char *const tn[] = {"", "a", "n", "an"};
  if (len > def->maxlen) {
    report(p, s, elem, comp, rep, EDI_ERROR, level, EDI_E_TOO_LONG,
           "%s: %zu characters, at most %u allowed (%s%s%u)", def->id, len, def->maxlen,
           tn[def->type & 3], def->minlen == def->maxlen ? "" : "..", def->maxlen);
    return;
  }
  if (len < def->minlen) {
    /* Syntax version 4 dates are CCYYMMDD, but YYMMDD is still common: tolerated. */
    if (w4(def->id) == w4("0017") && len == 6 && env->ic.version == 4) {
      report(p, s, elem, comp, rep, EDI_WARNING, level, EDI_E_TOO_SHORT,
             "0017: syntax version 4 expects the date as CCYYMMDD; YYMMDD tolerated");
      return;
    }
    report(p, s, elem, comp, rep, EDI_ERROR, level, EDI_E_TOO_SHORT,
           "%s: %zu characters, exactly %u required (%s%u)", def->id, len, def->minlen,
           tn[def->type & 3], def->minlen);
    return;
  }
  if (def->id[0] == '0' && def->id[1] == '0' && def->id[2] == '1' &&
      (def->id[3] == '7' || def->id[3] == '9') && !valid_date_time(def->id, val)) {
    report(p, s, elem, comp, rep, EDI_ERROR, level, EDI_E_VALUE, "%s: '%.*s' is not a valid %s",
           def->id, (int)(val.len > 12 ? 12 : val.len), val.p, def->id[3] == '7' ? "date" : "time");
    return;
  }
  /* 0007 (partner identification qualifiers) is extended by agreement too often for its
   * UN list to decide; it is never checked. */
  if (def->codes >= 0 && !v->o.no_codes && !skip_codes && w4(def->id) != w4("0007") &&
      !code_valid(v, d, def->codes, val.p, val.len)) {
    report(p, s, elem, comp, rep, EDI_ERROR, level, EDI_E_VALUE,
           "%s: '%.*s' is not a code of list %s in %s", def->id, (int)(val.len > 40 ? 40 : val.len),
           val.p, def->id, d->name);
  }
}

/* Whether val (not empty) certainly passes check_value, for the common case only: format
 * an with a minimum of at most one character, no longer in bytes than the maximum, not a
 * service element (dates, times, qualifiers have their own rules), and in its code list
 * when one applies. False means "let check_value decide", which reports as it always did. */
static inline int value_ok_fast(struct edi_validator *v, const struct edi_directory *d,
                                const struct edi_eldef *def, struct edi_comp val, int skip_codes) {
  if (def->type != EDI_T_AN || def->minlen > 1 || val.len > def->maxlen) return 0;
  if (def->id[0] == '0' && def->id[1] == '0') return 0; /* service elements: 0017, 0019, ... */
  if (def->codes < 0 || v->o.no_codes || skip_codes) return 1;
  return code_valid(v, d, def->codes, val.p, val.len);
}

/* Service directories (envelope segments, CONTRL): which code lists apply. The syntax
 * identifier and version are the parser's; partner qualifiers (0007) are extended by
 * agreement and the release list (0054) stops at the directory's own year, so they are not
 * checked; 0052 is checked when the controlling agency is UN; CONTRL's actions and error
 * codes (0083, 0085) are. */
static int service_codes_apply(const struct edi_eldef *def, const struct edi_segment *s) {
  uint32_t id = w4(def->id);
  if (id == w4("0051") || id == w4("0083") || id == w4("0085")) return 1;
  if (id == w4("0052")) return edi_comp_eq(edi_seg_get(s, 2, 4), "UN");
  return 0;
}

/* Checks the data elements of s against sd. */
static void check_elements(struct edi_validator *v, struct edi_parser *p,
                           const struct edi_segment *s, const struct edi_envelope *env,
                           const struct edi_directory *d, const struct edi_segdef *sd,
                           unsigned last_mand, int level, int service) {
  uint32_t i = 0;
  unsigned pos;
  int reported_extra = 0;
  /* Past the last element received and the last mandatory position there is nothing
   * left to report. */
  for (pos = 1; (pos <= sd->nel || i < s->nel) && (i < s->nel || pos <= last_mand); pos++) {
    const struct edi_eldef *def = position_def(d, sd, pos);
    int present = 0;
    while (i < s->nel && s->el[i].pos < pos)
      i++; /* positions only grow; be safe */
    for (; i < s->nel && s->el[i].pos == pos; i++) {
      const struct edi_elem *e = &s->el[i];
      int empty = 1;
      for (unsigned k = 0; k < e->ncomp && empty; k++)
        if (s->comp[e->first + k].len) empty = 0;
      if (empty) continue;
      present = 1;
      if (!def) {
        if (!reported_extra) {
          reported_extra = 1;
          report(p, s, pos, 0, e->rep, EDI_ERROR, level, EDI_E_CONSTITUENTS,
                 "segment %s has %u data elements in %s; element %u is too many", s->tag, sd->nel,
                 d->name, pos);
        }
        continue;
      }
      if (e->rep > def->repeat) {
        if (e->rep == def->repeat + 1)
          report(p, s, pos, 0, e->rep, EDI_ERROR, level, EDI_E_REPETITIONS,
                 "%s: repeated %s, at most %u occurrence%s allowed", def->id,
                 e->rep == 2 ? "twice" : "more often", def->repeat, def->repeat > 1 ? "s" : "");
        continue;
      }
      unsigned rep = e->rep;
      if (def->ncomp == 0) {
        /* Simple data element: one value. */
        for (unsigned k = 1; k < e->ncomp; k++)
          if (s->comp[e->first + k].len) {
            report(p, s, pos, k + 1, rep, EDI_ERROR, level, EDI_E_CONSTITUENTS,
                   "%s is a simple data element: component %u is too many", def->id, k + 1);
            break;
          }
        struct edi_comp val = s->comp[e->first];
        if (val.len) {
          int skip = service && !service_codes_apply(def, s);
          if (!value_ok_fast(v, d, def, val, skip))
            check_value(v, p, s, env, d, def, val, pos, 0, rep, level, skip);
        } else
          report(p, s, pos, 1, rep, EDI_ERROR, level, EDI_E_MISSING,
                 "%s: the value is empty but components follow", def->id);
        continue;
      }
      /* Composite: components against the definition. Codes of another agency's list
       * (3055 given and not 6, UN/ECE) are not checked against the UN code list. */
      int foreign = 0;
      for (unsigned k = 0; k < e->ncomp && k < def->ncomp; k++) {
        const struct edi_eldef *cd = &d->els[def->first + k];
        struct edi_comp cv = s->comp[e->first + k];
        if (w4(cd->id) == w4("3055") && cv.len && !(cv.len == 1 && cv.p[0] == '6')) foreign = 1;
      }
      for (unsigned k = 0; k < def->ncomp; k++) {
        const struct edi_eldef *cd = &d->els[def->first + k];
        struct edi_comp cv = k < e->ncomp ? s->comp[e->first + k] : (struct edi_comp){"", 0};
        if (!cv.len) {
          if (cd->mandatory)
            report(p, s, pos, k + 1, rep, EDI_ERROR, level, EDI_E_MISSING,
                   "%s: mandatory component %s of %s is missing", cd->id, cd->id, def->id);
          continue;
        }
        int skip = foreign || (service && !service_codes_apply(cd, s));
        if (!value_ok_fast(v, d, cd, cv, skip))
          check_value(v, p, s, env, d, cd, cv, pos, k + 1, rep, level, skip);
      }
      for (unsigned k = def->ncomp; k < e->ncomp; k++)
        if (s->comp[e->first + k].len) {
          report(p, s, pos, k + 1, rep, EDI_ERROR, level, EDI_E_CONSTITUENTS,
                 "%s has %u components; component %u is too many", def->id, def->ncomp, k + 1);
          break;
        }
    }
    if (!present && def && def->mandatory)
      report(p, s, pos, 0, 0, EDI_ERROR, level, EDI_E_MISSING,
             "mandatory data element %s (position %u) is missing", def->id, pos);
    if (!def && i >= s->nel) break;
  }
}

/* ---- structure ---- */

static int next_entry(const struct edi_node *n, int i) { return n[i].group ? n[i].end : i + 1; }

/* Whether entry i takes a segment with this tag (found by walking to its trigger segment,
 * for structures without per-node tables). */
static int entry_takes_walk(const struct edi_node *n, int i, const char *tag) {
  if (n[i].group) i++; /* the trigger segment */
  while (n[i].group)
    i++;
  return w4(n[i].tag) == w4(tag);
}

/* Fills mand_next for the level nodes[lo..hi) and the levels inside it. */
static void build_mand_next(struct edi_validator *v, const struct edi_node *n, int lo, int hi) {
  int last = lo; /* the entry whose mand_next is pending */
  for (int i = lo; i < hi; i = next_entry(n, i)) {
    if (n[i].group) build_mand_next(v, n, i + 1, n[i].end);
    if (i == lo) continue;
    if (n[i].mandatory) {
      for (int k = last; k < i; k = next_entry(n, k))
        v->mand_next[k] = (uint16_t)i;
      last = i;
    }
  }
  for (int k = last; k < hi; k = next_entry(n, k))
    v->mand_next[k] = (uint16_t)hi;
}

/* Builds the per-node tables for the current message structure (kept while the next
 * message uses the same one). */
static void build_nodes(struct edi_validator *v) {
  const struct edi_msgdef *m = v->msg;
  if (v->nodes_msg == m) return;
  v->nodes_msg = NULL;
  if (m->n > NODES_MAX) return;
  const struct edi_node *n = m->nodes;
  for (int i = m->n - 1; i >= 0; i--)
    v->trig[i] = n[i].group ? v->trig[i + 1] : w4(n[i].tag);
  build_mand_next(v, n, 0, m->n);
  v->nodes_msg = m;
}

/* The next mandatory entry after i on its level, or the level's end (hi). */
static inline int next_mandatory(const struct edi_validator *v, const struct edi_node *n, int i,
                                 int hi) {
  if (v->nodes_msg) return v->mand_next[i];
  for (i = next_entry(n, i); i < hi && !n[i].mandatory; i = next_entry(n, i)) {
  }
  return i;
}

/* Whether the current message's structure has a segment entry with this tag. */
static int tag_known(struct edi_validator *v, const char *tag) {
  uint32_t t = w4(tag);
  unsigned h = (t * 2654435761u) >> 28;
  if (v->knownc[h].m == v->msg && v->knownc[h].tag == t) return v->knownc[h].known;
  const struct edi_node *n = v->msg->nodes;
  int known = 0;
  for (int i = 0; i < v->msg->n && !known; i++)
    known = !n[i].group && w4(n[i].tag) == t;
  v->knownc[h].m = v->msg;
  v->knownc[h].tag = t;
  v->knownc[h].known = known;
  return known;
}

static const char *entry_name(const struct edi_node *n, int i, char *buf, size_t cap) {
  if (!n[i].group) return n[i].tag;
  int t = i + 1;
  while (n[t].group)
    t++;
  snprintf(buf, cap, "segment group %s (%s)", n[i].tag + 2, n[t].tag);
  return buf;
}

/* Reports mandatory entries of a level in (from, to) as missing at segment s. */
static void missing_between(struct edi_validator *v, struct edi_parser *p,
                            const struct edi_segment *s, int from, int to, int at_end) {
  const struct edi_node *n = v->msg->nodes;
  for (int i = next_mandatory(v, n, from, to); i < to; i = next_mandatory(v, n, i, to)) {
    if (at_end && !n[i].group && w4(n[i].tag) == W4("UNT")) continue; /* the parser's */
    char buf[48];
    report(p, s, 0, 0, 0, EDI_ERROR, EDI_LVL_SEGMENT, EDI_E_MISSING, "mandatory %s missing %s %s",
           entry_name(n, i, buf, sizeof buf), at_end ? "at the end of" : "before",
           at_end ? "the message" : s->tag);
  }
}

static void structure_start(struct edi_validator *v) {
  v->depth = 1;
  v->overflowed = 0;
  v->st[0].lo = 0;
  v->st[0].hi = v->msg->n;
  v->st[0].cur = 0; /* UNH */
  v->st[0].cnt = 1;
}

/* The first entry of the level in [from, hi) that takes a segment with this tag, or -1;
 * cached while the per-node tables are (the same search recurs segment after segment). */
static int level_find(struct edi_validator *v, int from, int hi, const char *tag) {
  const struct edi_node *n = v->msg->nodes;
  if (!v->nodes_msg) {
    for (int i = from; i < hi; i = next_entry(n, i))
      if (entry_takes_walk(n, i, tag)) return i;
    return -1;
  }
  uint32_t t = w4(tag);
  uint32_t h = (t ^ (uint32_t)from * 0x85EBCA6Bu ^ (uint32_t)hi << 16) * 0x9E3779B1u;
  struct levelcache *c = &v->levelc[h >> (32 - LEVELCACHE_BITS)];
  if (c->m == v->msg && c->tag == t && c->from == from && c->hi == hi) return c->target;
  int target = -1;
  for (int i = from; i < hi; i = next_entry(n, i))
    if (v->trig[i] == t) {
      target = i;
      break;
    }
  c->m = v->msg;
  c->tag = t;
  c->from = (uint16_t)from;
  c->hi = (uint16_t)hi;
  c->target = target;
  return target;
}

static void structure_segment(struct edi_validator *v, struct edi_parser *p,
                              const struct edi_segment *s) {
  const struct edi_node *n = v->msg->nodes;
  int L, target = -1;
  for (L = v->depth - 1; L >= 0 && target < 0; L--) {
    struct level *lv = &v->st[L];
    /* Inside a group its trigger cannot repeat: a second trigger is a new instance of the
     * group, found one level up. */
    int from = L > 0 && lv->cur == lv->lo ? next_entry(n, lv->cur) : lv->cur;
    target = level_find(v, from, lv->hi, s->tag);
    if (target >= 0) break;
  }
  if (target < 0) {
    /* Frequent in bad data (one per misplaced segment): the text is assembled directly
     * rather than through printf, with the same result. */
    const char *parts[7] = {"segment ",   s->tag, " is not expected here in ", v->msg->type, " (",
                            v->dir->name, ")"};
    if (!tag_known(v, s->tag)) {
      parts[2] = " is not part of message ";
      parts[4] = " in ";
      parts[6] = "";
    }
    report_parts(p, s, EDI_ERROR, EDI_LVL_SEGMENT, EDI_E_POSITION, parts, 7);
    return;
  }
  /* Close the inner groups: their remaining mandatory entries are missing. */
  for (int k = v->depth - 1; k > L; k--)
    missing_between(v, p, s, v->st[k].cur, v->st[k].hi, 0);
  v->depth = L + 1;
  struct level *lv = &v->st[L];
  if (target == lv->cur) {
    lv->cnt++;
    if (lv->cnt == n[target].maxrep + 1) {
      char buf[48];
      report(p, s, 0, 0, 0, EDI_ERROR, EDI_LVL_SEGMENT,
             n[target].group ? EDI_E_GROUP_REPS : EDI_E_REPETITIONS, "%s occurs more than %u times",
             entry_name(n, target, buf, sizeof buf), n[target].maxrep);
    }
  } else {
    missing_between(v, p, s, lv->cur, target, 0);
    lv->cur = target;
    lv->cnt = 1;
  }
  /* Entering a group (a new instance of it): its trigger is the first entry; nested
   * groups whose trigger is this segment open too. */
  int g = target;
  while (n[g].group) {
    if (v->depth == STACK_MAX) {
      if (!v->overflowed)
        report(p, s, 0, 0, 0, EDI_ERROR, EDI_LVL_SEGMENT, EDI_E_UNSPECIFIED,
               "segment groups nested too deep");
      v->overflowed = 1;
      return;
    }
    struct level *in = &v->st[v->depth++];
    in->lo = g + 1;
    in->hi = n[g].end;
    in->cur = g + 1;
    in->cnt = 1;
    g = g + 1;
  }
}

static void structure_end(struct edi_validator *v, struct edi_parser *p,
                          const struct edi_segment *last) {
  for (int k = v->depth - 1; k >= 0; k--)
    missing_between(v, p, last, v->st[k].cur, v->st[k].hi, 1);
  v->depth = 0;
}

/* ---- entry points ---- */

static void start_message(struct edi_validator *v, struct edi_parser *p,
                          const struct edi_segment *s, const struct edi_envelope *env) {
  const struct edi_message *m = &env->msg;
  v->msgno = m->number;
  v->dir = edi_dir_for_message(m->version, m->release, m->agency, m->type);
  v->msg = v->dir ? edi_dir_message(v->dir, m->type) : NULL;
  v->depth = 0;
  if (!v->dir) {
    if (!strcmp(m->agency, "UN") && !strcmp(m->version, "D"))
      report(p, s, 0, 0, 0, EDI_WARNING, EDI_LVL_MESSAGE, 0,
             "directory D%s is not shipped: %s not validated against a directory", m->release,
             m->type);
    else
      report(p, s, 0, 0, 0, EDI_WARNING, EDI_LVL_MESSAGE, 0,
             "no directory for %s:%s:%s:%s: not validated against a directory", m->type, m->version,
             m->release, m->agency);
    return;
  }
  if (!v->msg) {
    report(p, s, 0, 0, 0, EDI_WARNING, EDI_LVL_MESSAGE, 0,
           "message structure %s is not shipped for %s: segments checked, not their order", m->type,
           v->dir->name);
    return;
  }
  build_nodes(v);
  structure_start(v);
}

void edi_validator_segment(struct edi_validator *v, struct edi_parser *p,
                           const struct edi_segment *s, const struct edi_envelope *env) {
  int service = s->tag[0] == 'U' && s->tag[1] == 'N';
  uint32_t tag = w4(s->tag);
  if (service && (tag == W4("UNB") || tag == W4("UNH")))
    v->svc = edi_dir_find(env->ic.present && env->ic.version < 4 ? "S3" : "S4");
  else if (!v->svc)
    v->svc = edi_dir_find("S4");
  if (service && tag == W4("UNH") && env->in_message) start_message(v, p, s, env);
  int in_msg = env->in_message && s->msg == v->msgno && s->msg;
  int level = seg_level(s->tag, in_msg);
  const struct edi_directory *d = service ? v->svc : in_msg ? v->dir : NULL;
  if (d) {
    const struct segcache *sc = segment_def(v, d, s->tag);
    const struct edi_segdef *sd = sc->sd;
    if (sd)
      check_elements(v, p, s, env, d, sd, sc->last_mand, level, d->name[0] == 'S');
    else if (!service && !v->msg)
      report(p, s, 0, 0, 0, EDI_ERROR, EDI_LVL_SEGMENT, EDI_E_POSITION,
             "segment %s is not defined in %s", s->tag, d->name);
  }
  if (in_msg && v->msg && v->depth && tag != W4("UNH")) {
    structure_segment(v, p, s);
    if (tag == W4("UNT")) structure_end(v, p, s);
  }
}

void edi_validator_end(struct edi_validator *v, struct edi_parser *p, int level,
                       const struct edi_envelope *env) {
  if (level != EDI_LVL_MESSAGE) return;
  if (v->msg && v->depth && env->msg.number == v->msgno) {
    /* The message ended without its UNT (the parser reports that): report what else is
     * missing, at the last segment seen. */
    struct edi_segment last;
    memset(&last, 0, sizeof last);
    last.msg = env->msg.number;
    last.index = env->msg.nsegs;
    last.offset = env->msg.offset;
    memcpy(last.tag, "UNT", 4);
    structure_end(v, p, &last);
  }
  v->depth = 0;
  v->dir = NULL;
  v->msg = NULL;
}
