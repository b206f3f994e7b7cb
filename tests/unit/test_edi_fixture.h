/* test_edi_fixture.h - shared helpers of the EDIFACT tests: run bytes or a sample file
 * through edi_check in chunks, keep every problem and a textual dump of the segments. */
#ifndef SW_TEST_EDI_FIXTURE_H
#define SW_TEST_EDI_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/edifact/edi_check.h"

#define DUMP_MAX (1u << 20)

struct run {
  struct edi_report r;
  char *dump; /* "TAG msg.index|e1c1:e1c2|e2...\n" per segment, values as decoded */
  size_t dlen;
  int rc;
  unsigned stop_after; /* stop (return 7) after that many segments, 0: never */
  unsigned nseg;
};

static inline void dump_put(struct run *x, const char *s, size_t n) {
  if (x->dlen + n + 1 >= DUMP_MAX) return;
  memcpy(x->dump + x->dlen, s, n);
  x->dlen += n;
  x->dump[x->dlen] = 0;
}

static inline int fx_segment(void *ctx, const struct edi_segment *s,
                             const struct edi_envelope *env) {
  struct run *x = ctx;
  char head[64];
  (void)env;
  int n = snprintf(head, sizeof head, "%s %u.%u", s->tag, s->msg, s->index);
  dump_put(x, head, (size_t)n);
  for (uint32_t i = 0; i < s->nel; i++) {
    const struct edi_elem *e = &s->el[i];
    dump_put(x, e->rep > 1 ? "*" : "|", 1);
    for (unsigned k = 0; k < e->ncomp; k++) {
      if (k) dump_put(x, ":", 1);
      dump_put(x, s->comp[e->first + k].p, s->comp[e->first + k].len);
    }
  }
  dump_put(x, "\n", 1);
  x->nseg++;
  return x->stop_after && x->nseg >= x->stop_after ? 7 : 0;
}

/* Runs len bytes through a checker in chunks of chunk bytes (0: all at once). */
static inline void run_bytes(struct run *x, const void *data, size_t len, size_t chunk,
                             const struct edi_check_opts *base) {
  struct edi_check *c = NULL;
  struct edi_check_opts o;
  unsigned stop = x->stop_after;
  free(x->dump);
  memset(x, 0, sizeof *x);
  x->stop_after = stop;
  x->dump = calloc(1, DUMP_MAX);
  if (base)
    o = *base;
  else
    memset(&o, 0, sizeof o);
  o.keep_warnings = 1;
  o.user.ctx = x;
  o.user.segment = fx_segment;
  if (edi_check_new(&c, &o) < 0) abort();
  if (!chunk) chunk = len ? len : 1;
  for (size_t off = 0; off < len && !x->rc; off += chunk)
    x->rc = edi_check_feed(c, (const char *)data + off, len - off < chunk ? len - off : chunk);
  if (!x->rc) x->rc = edi_check_finish(c);
  x->r = *edi_check_report(c);
  edi_check_free(c);
}

static inline void run_str(struct run *x, const char *s, const struct edi_check_opts *o) {
  run_bytes(x, s, strlen(s), 0, o);
}

/* Reads tests/data/edifact/<rel> (malloc'd, *len set); NULL when missing. */
static inline char *read_sample(const char *rel, size_t *len) {
  char path[1024];
  *len = 0;
  snprintf(path, sizeof path, "%s/edifact/%s", SW_TEST_DATA, rel);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) abort();
  fclose(f);
  buf[n] = 0;
  *len = (size_t)n;
  return buf;
}

static inline void run_file(struct run *x, const char *rel, size_t chunk,
                            const struct edi_check_opts *o) {
  size_t len;
  char *buf = read_sample(rel, &len);
  if (!buf) {
    fprintf(stderr, "missing sample %s\n", rel);
    abort();
  }
  run_bytes(x, buf, len, chunk, o);
  free(buf);
}

static inline void run_free(struct run *x) {
  free(x->dump);
  x->dump = NULL;
}

/* Number of kept problems of severity sev (-1: any) with this code. */
static inline int count_code(const struct run *x, int sev, int code) {
  int n = 0;
  for (size_t i = 0; i < x->r.n; i++)
    if ((sev < 0 || x->r.items[i].severity == sev) && x->r.items[i].code == code) n++;
  return n;
}

/* The kept error (not warning) matching code, segment number and tag (seg 0 / tag NULL:
 * any), or NULL. */
static inline const struct edi_error *find_error(const struct run *x, int code, unsigned seg,
                                                 const char *tag) {
  for (size_t i = 0; i < x->r.n; i++) {
    const struct edi_error *e = &x->r.items[i];
    if (e->severity != EDI_ERROR || e->code != code) continue;
    if (seg && e->pos.seg != seg) continue;
    if (tag && strcmp(e->pos.tag, tag)) continue;
    return e;
  }
  return NULL;
}

static inline void print_problems(const struct run *x) {
  for (size_t i = 0; i < x->r.n; i++) {
    const struct edi_error *e = &x->r.items[i];
    fprintf(stderr, "  %s %u @%llu msg %u seg %u %s e%u c%u r%u: %s\n", e->severity ? "W" : "E",
            e->code, (unsigned long long)e->pos.offset, e->pos.msg, e->pos.seg, e->pos.tag,
            e->pos.elem, e->pos.comp, e->pos.rep, e->text);
  }
}

#endif
