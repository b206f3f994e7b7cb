/* edi_ack.c - EDIFACT writer, CONTRL builder and APERAK helper (see edi_ack.h). */
#include "codec/edifact/edi_ack.h"

#include "core/err.h"
#include "core/errlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- buffer ---- */

void edi_buf_init(struct edi_buf *b, size_t max) {
  memset(b, 0, sizeof *b);
  b->max = max ? max : (size_t)64 << 20;
}

void edi_buf_release(struct edi_buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

int edi_buf_put(struct edi_buf *b, const void *s, size_t n) {
  if (b->err || n == 0) return b->err;
  if (n > b->max - b->len) return b->err = -SW_ETOOBIG;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n)
      cap *= 2;
    if (cap > b->max) cap = b->max;
    char *p = realloc(b->p, cap);
    if (!p) return b->err = -SW_ENOMEM;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  return 0;
}

/* ---- writer ---- */

void edi_writer_init(struct edi_writer *w, struct edi_buf *b, int version) {
  memset(w, 0, sizeof *w);
  w->b = b;
  w->comp = ':';
  w->elem = '+';
  w->rel = '?';
  w->rep = version == 4 ? '*' : 0;
  w->term = '\'';
}

void edi_w_tag(struct edi_writer *w, const char *tag) { edi_buf_put(w->b, tag, 3); }

/* Writes n value bytes, escaping service characters (controls become spaces). */
static void put_escaped(struct edi_writer *w, const char *v, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c == w->comp || c == w->elem || c == w->rel || c == w->term || (w->rep && c == w->rep)) {
      edi_buf_put(w->b, v + start, i - start);
      edi_buf_put(w->b, &w->rel, 1);
      start = i;
    } else if (c < 0x20) {
      /* Line breaks and other controls have no place in a value. */
      edi_buf_put(w->b, v + start, i - start);
      edi_buf_put(w->b, " ", 1);
      start = i + 1;
    }
  }
  edi_buf_put(w->b, v + start, n - start);
}

/* One Latin-1 byte of a value: escaped like put_escaped does. */
static void put_latin1_byte(struct edi_writer *w, unsigned char c) {
  if (c == w->comp || c == w->elem || c == w->rel || c == w->term || (w->rep && c == w->rep))
    edi_buf_put(w->b, &w->rel, 1);
  else if (c < 0x20)
    c = ' ';
  edi_buf_put(w->b, &c, 1);
}

/* Writes UTF-8 v as ISO 8859-1 (UNOC), escaped: characters beyond U+00FF, C1 controls and
 * malformed bytes become '?'. */
static void put_latin1(struct edi_writer *w, const unsigned char *v, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned c = v[i];
    if (c < 0x80) {
      size_t run = 1; /* ASCII runs go through the escaping writer in one piece */
      while (i + run < n && v[i + run] < 0x80)
        run++;
      put_escaped(w, (const char *)v + i, run);
      i += run;
      continue;
    }
    size_t len = c >= 0xF5 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    size_t k = 1;
    while (len && k < len && i + k < n && (v[i + k] & 0xC0) == 0x80)
      k++;
    unsigned cp = len == 2 && k == 2 ? ((c & 0x1Fu) << 6) | (v[i + 1] & 0x3Fu) : 0;
    put_latin1_byte(w, cp >= 0xA0 ? (unsigned char)cp : '?');
    i += len && k == len ? len : 1;
  }
}

void edi_w_val(struct edi_writer *w, const char *v, size_t n) {
  if (w->latin1)
    put_latin1(w, (const unsigned char *)v, n);
  else
    put_escaped(w, v, n);
}

void edi_w_el(struct edi_writer *w, const char *v) {
  edi_buf_put(w->b, &w->elem, 1);
  if (v) edi_w_val(w, v, strlen(v));
}

void edi_w_co(struct edi_writer *w, const char *v) {
  edi_buf_put(w->b, &w->comp, 1);
  if (v) edi_w_val(w, v, strlen(v));
}

void edi_w_end(struct edi_writer *w) {
  edi_buf_put(w->b, &w->term, 1);
  if (w->newline) edi_buf_put(w->b, "\n", 1);
  w->nsegs++;
}

void edi_w_num(struct edi_writer *w, uint64_t n, int comp) {
  char buf[24];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);
  if (comp)
    edi_w_co(w, buf);
  else
    edi_w_el(w, buf);
}

static void utc(int64_t now, struct tm *tm) {
  time_t t = now ? (time_t)now : time(NULL);
  gmtime_r(&t, tm);
}

void edi_fmt_203(int64_t t, char out[16]) {
  struct tm tm;
  utc(t, &tm);
  snprintf(out, 16, "%04u%02u%02u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
           (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
           (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
}

size_t edi_utf8_prefix(const char *s, size_t n, size_t chars) {
  size_t take = 0;
  for (size_t k = 0; k < chars && take < n; k++) {
    take++;
    while (take < n && ((unsigned char)s[take] & 0xC0) == 0x80)
      take++;
  }
  return take;
}

void edi_w_unb(struct edi_writer *w, const struct edi_interchange *ic, const char *sender,
               const char *sender_qual, const char *ref, int64_t now) {
  struct tm tm;
  char date[48], hm[32];
  int version = ic->version >= 1 && ic->version <= 4 ? ic->version : 3;
  utc(now, &tm);
  if (version == 4)
    snprintf(date, sizeof date, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  else
    snprintf(date, sizeof date, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
  snprintf(hm, sizeof hm, "%02d%02d", tm.tm_hour, tm.tm_min);
  edi_w_tag(w, "UNB");
  edi_w_el(w, ic->syntax_id[0] && ic->charset >= 0 ? ic->syntax_id : "UNOA");
  edi_w_num(w, (uint64_t)version, 1);
  edi_w_el(w, sender);
  if (sender_qual && *sender_qual) edi_w_co(w, sender_qual);
  edi_w_el(w, ic->sender[0] ? ic->sender : "UNKNOWN");
  if (ic->sender_qual[0]) edi_w_co(w, ic->sender_qual);
  edi_w_el(w, date);
  edi_w_co(w, hm);
  edi_w_el(w, ref);
  edi_w_end(w);
}

void edi_w_unz(struct edi_writer *w, unsigned count, const char *ref) {
  edi_w_tag(w, "UNZ");
  edi_w_num(w, count, 0);
  edi_w_el(w, ref);
  edi_w_end(w);
}

/* ---- CONTRL ---- */

#define UCS_MAX 999
#define UCD_MAX 99

struct first_err {
  int set;
  uint16_t code, elem, comp;
  char tag[4];
};

struct edi_contrl {
  struct edi_buf *out;
  char sender[36], qual[5];
  int64_t now;
  uint64_t ref;
  unsigned count, rejected;
  int active;                    /* an interchange is being acknowledged */
  int version;                   /* of the interchange acknowledged */
  struct edi_buf body, grp, msg; /* rendered UCF/UCM groups, current group, current message */
  struct edi_writer wb, wg, wm;
  struct first_err ic_err, grp_err, msg_err;
  int msg_any, grp_any;
  uint32_t ucs_seg, nucs, nucd;
  int ucs_open;
  int overflow; /* details dropped */
};

int edi_contrl_new(struct edi_contrl **out, const struct edi_contrl_opts *o, struct edi_buf *buf) {
  struct edi_contrl *c = calloc(1, sizeof *c);
  *out = NULL;
  if (!c) return -SW_ENOMEM;
  c->out = buf;
  snprintf(c->sender, sizeof c->sender, "%s", o && o->sender ? o->sender : "OPENSW");
  snprintf(c->qual, sizeof c->qual, "%s", o && o->sender_qual ? o->sender_qual : "");
  c->now = o && o->now ? o->now : (int64_t)time(NULL);
  c->ref = o && o->ref ? o->ref : (uint64_t)c->now;
  edi_buf_init(&c->body, 16u << 20);
  edi_buf_init(&c->grp, 16u << 20);
  edi_buf_init(&c->msg, 1u << 20);
  *out = c;
  return 0;
}

void edi_contrl_free(struct edi_contrl *c) {
  if (!c) return;
  edi_buf_release(&c->body);
  edi_buf_release(&c->grp);
  edi_buf_release(&c->msg);
  free(c);
}

unsigned edi_contrl_count(const struct edi_contrl *c, unsigned *rejected) {
  if (rejected) *rejected = c->rejected;
  return c->count;
}

static void begin(struct edi_contrl *c, const struct edi_envelope *env) {
  c->active = 1;
  c->version = env->ic.version >= 1 && env->ic.version <= 4 ? env->ic.version : 3;
  c->body.len = c->grp.len = c->msg.len = 0;
  c->body.err = c->grp.err = c->msg.err = 0;
  edi_writer_init(&c->wb, &c->body, c->version);
  edi_writer_init(&c->wg, &c->grp, c->version);
  edi_writer_init(&c->wm, &c->msg, c->version);
  c->wb.newline = c->wg.newline = c->wm.newline = 1;
  memset(&c->ic_err, 0, sizeof c->ic_err);
  memset(&c->grp_err, 0, sizeof c->grp_err);
  memset(&c->msg_err, 0, sizeof c->msg_err);
  c->msg_any = c->grp_any = 0;
  c->ucs_open = 0;
  c->nucs = 0;
  c->overflow = 0;
}

static void keep_first(struct first_err *f, const struct edi_error *e) {
  if (f->set) return;
  f->set = 1;
  f->code = e->code;
  f->elem = e->pos.elem;
  f->comp = e->pos.comp;
  memcpy(f->tag, e->pos.tag, 4);
}

void edi_contrl_error(struct edi_contrl *c, const struct edi_error *e,
                      const struct edi_envelope *env) {
  if (e->severity != EDI_ERROR || !env->ic.present) return;
  if (!c->active) begin(c, env);
  if (e->pos.msg && env->in_message && e->pos.msg == env->msg.number) {
    c->msg_any = 1;
    if (e->level == EDI_LVL_MESSAGE || !e->pos.seg) {
      keep_first(&c->msg_err, e);
      return;
    }
    /* UCS for the segment (once per run of errors in it), UCD per element error. */
    struct edi_writer *w = &c->wm;
    if (e->pos.elem == 0 || !c->ucs_open || c->ucs_seg != e->pos.seg) {
      if (c->nucs == UCS_MAX) {
        c->overflow = 1;
        return;
      }
      c->nucs++;
      c->nucd = 0;
      edi_w_tag(w, "UCS");
      edi_w_num(w, e->pos.seg, 0);
      if (e->pos.elem == 0) {
        edi_w_num(w, e->code, 0);
        edi_w_end(w);
        c->ucs_open = 0;
        return;
      }
      edi_w_end(w);
      c->ucs_open = 1;
      c->ucs_seg = e->pos.seg;
    }
    if (c->nucd == UCD_MAX) {
      c->overflow = 1;
      return;
    }
    c->nucd++;
    edi_w_tag(w, "UCD");
    edi_w_num(w, e->code, 0);
    edi_w_num(w, e->pos.elem, 0);
    if (e->pos.comp || (c->version == 4 && e->pos.rep > 1)) edi_w_num(w, e->pos.comp, 1);
    if (c->version == 4 && e->pos.rep > 1) edi_w_num(w, e->pos.rep, 1);
    edi_w_end(w);
    return;
  }
  if (e->level == EDI_LVL_GROUP && env->in_group) {
    c->grp_any = 1;
    keep_first(&c->grp_err, e);
    return;
  }
  keep_first(&c->ic_err, e);
}

static void w_err(struct edi_writer *w, const struct first_err *f) {
  if (!f->set) return;
  edi_w_num(w, f->code, 0);
  if (!f->tag[0]) return;
  edi_w_el(w, f->tag);
  if (f->elem) {
    edi_w_num(w, f->elem, 0);
    if (f->comp) edi_w_num(w, f->comp, 1);
  }
}

static void end_message(struct edi_contrl *c, const struct edi_envelope *env) {
  const struct edi_message *m = &env->msg;
  struct edi_writer *w = env->in_group ? &c->wg : &c->wb;
  int rejected = m->nerrors > 0 || c->msg_any;
  edi_w_tag(w, "UCM");
  edi_w_el(w, m->ref[0] ? m->ref : "0");
  edi_w_el(w, m->type[0] ? m->type : "UNKNOWN");
  edi_w_co(w, m->version[0] ? m->version : "D");
  edi_w_co(w, m->release[0] ? m->release : "0");
  edi_w_co(w, m->agency[0] ? m->agency : "UN");
  if (m->assoc[0]) edi_w_co(w, m->assoc);
  edi_w_el(w, rejected ? "4" : "7");
  w_err(w, &c->msg_err);
  edi_w_end(w);
  if (c->msg.len) {
    edi_buf_put(w->b, c->msg.p, c->msg.len);
    w->nsegs += c->wm.nsegs;
  }
  c->msg.len = 0;
  c->msg.err = 0;
  c->wm.nsegs = 0;
  memset(&c->msg_err, 0, sizeof c->msg_err);
  c->msg_any = 0;
  c->ucs_open = 0;
  c->nucs = 0;
  if (rejected) c->grp_any = c->grp_any || env->in_group;
}

static void end_group(struct edi_contrl *c, const struct edi_envelope *env) {
  struct edi_writer *w = &c->wb;
  edi_w_tag(w, "UCF");
  edi_w_el(w, env->grp.ref[0] ? env->grp.ref : "0");
  edi_w_el(w, env->grp.sender[0] ? env->grp.sender : "UNKNOWN");
  edi_w_el(w, env->grp.recipient[0] ? env->grp.recipient : "UNKNOWN");
  edi_w_el(w, c->grp_err.set ? "4" : "7");
  w_err(w, &c->grp_err);
  edi_w_end(w);
  if (c->grp.len) {
    edi_buf_put(w->b, c->grp.p, c->grp.len);
    w->nsegs += c->wg.nsegs;
  }
  c->grp.len = 0;
  c->grp.err = 0;
  c->wg.nsegs = 0;
  memset(&c->grp_err, 0, sizeof c->grp_err);
  c->grp_any = 0;
}

static void end_interchange(struct edi_contrl *c, const struct edi_envelope *env) {
  const struct edi_interchange *ic = &env->ic;
  struct edi_writer w;
  char ref[24];
  snprintf(ref, sizeof ref, "%llu", (unsigned long long)c->ref++);
  edi_writer_init(&w, c->out, c->version);
  w.newline = 1;
  edi_w_unb(&w, ic, c->sender, c->qual, ref, c->now);
  w.nsegs = 0;
  edi_w_tag(&w, "UNH");
  edi_w_el(&w, "1");
  edi_w_el(&w, "CONTRL");
  edi_w_co(&w, c->version == 4 ? "4" : "D");
  edi_w_co(&w, c->version == 4 ? "1" : "3");
  edi_w_co(&w, "UN");
  edi_w_end(&w);
  int rejected = c->ic_err.set;
  edi_w_tag(&w, "UCI");
  edi_w_el(&w, ic->ref[0] ? ic->ref : "0");
  edi_w_el(&w, ic->sender[0] ? ic->sender : "UNKNOWN");
  if (ic->sender_qual[0]) edi_w_co(&w, ic->sender_qual);
  edi_w_el(&w, ic->recipient[0] ? ic->recipient : "UNKNOWN");
  if (ic->recipient_qual[0]) edi_w_co(&w, ic->recipient_qual);
  edi_w_el(&w, rejected ? "4" : "7");
  w_err(&w, &c->ic_err);
  edi_w_end(&w);
  if (c->body.len) edi_buf_put(w.b, c->body.p, c->body.len);
  w.nsegs += c->wb.nsegs;
  c->body.len = 0;
  c->wb.nsegs = 0;
  edi_w_tag(&w, "UNT");
  edi_w_num(&w, w.nsegs + 1, 0);
  edi_w_el(&w, "1");
  edi_w_end(&w);
  edi_w_unz(&w, 1, ref);
  c->count++;
  if (rejected) c->rejected++;
  c->active = 0;
}

void edi_contrl_end(struct edi_contrl *c, int level, const struct edi_envelope *env) {
  if (!env->ic.present) return;
  if (!c->active) begin(c, env);
  if (level == EDI_LVL_MESSAGE)
    end_message(c, env);
  else if (level == EDI_LVL_GROUP)
    end_group(c, env);
  else if (level == EDI_LVL_INTERCHANGE)
    end_interchange(c, env);
}

/* ---- APERAK ---- */

void edi_w_text70(struct edi_writer *w, const char *s, int max) {
  size_t n = strlen(s);
  for (int k = 0; k < max && n > 0; k++) {
    size_t take = edi_utf8_prefix(s, n, 70);
    edi_buf_put(w->b, &w->comp, 1);
    edi_w_val(w, s, take);
    s += take;
    n -= take;
  }
}

int edi_aperak_write(struct edi_writer *w, const char *ref, const struct edi_message *m,
                     const char *number, const char *registered, const struct errlist *errs,
                     int64_t now) {
  char dt[16];
  uint32_t start = w->nsegs;
  int rejected = errs && (errs->n || errs->dropped);
  edi_fmt_203(now, dt);
  edi_w_tag(w, "UNH");
  edi_w_el(w, ref);
  edi_w_el(w, "APERAK");
  edi_w_co(w, "D");
  edi_w_co(w, "96A");
  edi_w_co(w, "UN");
  edi_w_end(w);
  edi_w_tag(w, "BGM");
  edi_w_el(w, NULL);
  edi_w_el(w, number);
  edi_w_el(w, rejected ? "27" : "29");
  edi_w_end(w);
  edi_w_tag(w, "DTM");
  edi_w_el(w, "137");
  edi_w_co(w, dt);
  edi_w_co(w, "203");
  edi_w_end(w);
  edi_w_tag(w, "RFF");
  edi_w_el(w, "ACW");
  edi_w_co(w, m->ref);
  edi_w_end(w);
  if (registered && *registered) {
    edi_w_tag(w, "RFF");
    edi_w_el(w, "ABT");
    edi_w_co(w, registered);
    edi_w_end(w);
  }
  if (rejected) {
    size_t n = errs->n > 999 ? 999 : errs->n;
    for (size_t i = 0; i < n; i++) {
      const struct problem *pr = &errs->items[i];
      edi_w_tag(w, "ERC");
      edi_w_el(w, !strcmp(pr->code, "required") ? "13" : "12");
      edi_w_end(w);
      edi_w_tag(w, "FTX");
      edi_w_el(w, "AAO");
      edi_w_el(w, NULL);
      edi_w_el(w, NULL);
      edi_buf_put(w->b, &w->elem, 1);
      edi_w_val(w, pr->code, strlen(pr->code));
      edi_w_text70(w, pr->path[0] ? pr->path : "/", 1);
      edi_w_text70(w, pr->message, 3);
      edi_w_end(w);
    }
  }
  edi_w_tag(w, "UNT");
  edi_w_num(w, w->nsegs - start + 1, 0);
  edi_w_el(w, ref);
  edi_w_end(w);
  return w->b->err;
}
