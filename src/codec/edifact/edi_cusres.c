/* edi_cusres.c - CUSRES (D96B) writer (see edi_cusres.h). */
#include "codec/edifact/edi_cusres.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

/* BGM 1225 (message function), 4343 (response type), GIS 7365 (processing indicator) and
 * the DTM qualifier (2005) of the date of the change, per kind. NULL: not written. */
struct kind_codes {
  const char *name, *function, *response, *indicator, *date;
};

static const struct kind_codes KINDS[] = {
    [EDI_CUSRES_REGISTERED] = {"registered", "29", "AP", "1", "148"},
    [EDI_CUSRES_AWAITING_PAYMENT] = {"awaiting_payment", "23", "CA", "30", NULL},
    [EDI_CUSRES_RELEASED] = {"released", "29", "AP", "4", "204"},
    [EDI_CUSRES_REFUSED] = {"refused", "27", "RE", "2", NULL},
    [EDI_CUSRES_CANCELLED] = {"cancelled", "1", NULL, NULL, "46"},
};

static const struct kind_codes *codes_of(enum edi_cusres_kind k) {
  if ((unsigned)k >= sizeof KINDS / sizeof KINDS[0]) return NULL;
  return &KINDS[k];
}

const char *edi_cusres_kind_name(enum edi_cusres_kind k) {
  const struct kind_codes *c = codes_of(k);
  return c ? c->name : NULL;
}

static int has(const char *s) { return s && *s; }

/* s, at most chars characters, as a new element (comp 0) or the next component (comp 1). */
static void w_trunc(struct edi_writer *w, const char *s, size_t chars, int comp) {
  edi_buf_put(w->b, comp ? &w->comp : &w->elem, 1);
  if (s) edi_w_val(w, s, edi_utf8_prefix(s, strlen(s), chars));
}

static void w_dtm(struct edi_writer *w, const char *qual, int64_t at) {
  char dt[16];
  edi_fmt_203(at > 0 ? at : 1, dt); /* 0 would mean "now": a status time is never unknown */
  edi_w_tag(w, "DTM");
  edi_w_el(w, qual);
  edi_w_co(w, dt);
  edi_w_co(w, "203");
  edi_w_end(w);
}

/* True when s fits ERC 9321 (an..8) as it is. */
static int fits_erc(const char *s) {
  size_t n = strlen(s);
  return n > 0 && edi_utf8_prefix(s, n, 8) == n;
}

/* FTX+qual+++c1:c2:text (C108: up to five components of 70 characters; the first one is
 * mandatory). */
static void w_ftx(struct edi_writer *w, const char *qual, const char *c1, const char *c2,
                  const char *text) {
  int used = 1;
  edi_w_tag(w, "FTX");
  edi_w_el(w, qual);
  edi_w_el(w, NULL);
  edi_w_el(w, NULL);
  w_trunc(w, has(c1) ? c1 : "-", 70, 0);
  if (has(c2) || has(text)) {
    w_trunc(w, has(c2) ? c2 : "", 70, 1);
    used++;
  }
  if (has(text)) edi_w_text70(w, text, 5 - used);
  edi_w_end(w);
}

int edi_cusres_write(struct edi_writer *w, const char *ref, const struct edi_cusres *r) {
  const struct kind_codes *k = codes_of(r->kind);
  uint32_t start = w->nsegs;
  if (!k || !has(ref)) return -SW_EINVAL;
  size_t nreasons = r->reasons ? r->n_reasons : 0;
  if (nreasons > EDI_CUSRES_MAX_REASONS) nreasons = EDI_CUSRES_MAX_REASONS;
  edi_w_tag(w, "UNH");
  w_trunc(w, ref, 14, 0);
  edi_w_el(w, "CUSRES");
  edi_w_co(w, "D");
  edi_w_co(w, "96B");
  edi_w_co(w, "UN");
  edi_w_end(w);

  edi_w_tag(w, "BGM");
  edi_w_el(w, "962");
  w_trunc(w, r->reference, 35, 0);
  edi_w_el(w, k->function);
  if (k->response) edi_w_el(w, k->response);
  edi_w_end(w);

  w_dtm(w, "137", r->at);
  if (k->date) w_dtm(w, k->date, r->at);
  /* a cancellation's reasons are plain text at header level (no application error) */
  if (r->kind == EDI_CUSRES_CANCELLED)
    for (size_t i = 0; i < nreasons && i < 7; i++) {
      const char *text = r->reasons[i].text;
      if (!has(text)) continue;
      edi_w_tag(w, "FTX"); /* FTX+ACD+++text (C108: five times 70 characters) */
      edi_w_el(w, "ACD");
      edi_w_el(w, NULL);
      edi_w_el(w, NULL);
      size_t first = edi_utf8_prefix(text, strlen(text), 70);
      edi_buf_put(w->b, &w->elem, 1);
      edi_w_val(w, text, first);
      edi_w_text70(w, text + first, 4);
      edi_w_end(w);
    }
  if (has(r->office)) {
    edi_w_tag(w, "LOC");
    edi_w_el(w, "22");
    w_trunc(w, r->office, 25, 0);
    edi_w_end(w);
  }
  if (k->indicator) {
    edi_w_tag(w, "GIS");
    edi_w_el(w, k->indicator);
    edi_w_end(w);
  }
  if (has(r->number)) { /* SG3 */
    edi_w_tag(w, "RFF");
    edi_w_el(w, "ABT");
    w_trunc(w, r->number, 35, 1);
    edi_w_end(w);
  }
  if (r->kind == EDI_CUSRES_REFUSED)
    for (size_t i = 0; i < nreasons; i++) { /* SG4: ERP, ERC, FTX per reason */
      const struct edi_cusres_reason *why = &r->reasons[i];
      edi_w_tag(w, "ERP");
      edi_w_el(w, "1"); /* heading section: the declaration as a whole */
      edi_w_end(w);
      edi_w_tag(w, "ERC");
      edi_w_el(w, has(why->code) && fits_erc(why->code) ? why->code : "ZZZ");
      edi_w_end(w);
      w_ftx(w, "ACD", why->code, why->agency, why->text);
    }
  edi_w_tag(w, "UNT");
  edi_w_num(w, w->nsegs - start + 1, 0);
  w_trunc(w, ref, 14, 0);
  edi_w_end(w);
  return w->b->err;
}

/* The first `chars` characters of s (NULL: none) that fit in dst (cap bytes), ended. */
static void copy_chars(char *dst, size_t cap, const char *s, size_t chars) {
  size_t take = s ? edi_utf8_prefix(s, strlen(s), chars) : 0;
  while (take > cap - 1) {
    take--;
    while (take && ((unsigned char)s[take] & 0xC0) == 0x80)
      take--;
  }
  if (take) memcpy(dst, s, take);
  dst[take] = 0;
}

int edi_cusres_interchange(struct edi_buf *out, const struct edi_cusres_envelope *e,
                           const struct edi_cusres *msgs, size_t n) {
  struct edi_interchange ic;
  struct edi_writer w;
  char ref[64];
  if (!e || !has(e->ref) || (n && !msgs)) return -SW_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (!codes_of(msgs[i].kind)) return -SW_EINVAL;
  memset(&ic, 0, sizeof ic);
  snprintf(ic.syntax_id, sizeof ic.syntax_id, "UNOC");
  ic.charset = EDI_CS_UNOC;
  ic.version = 3;
  copy_chars(ic.sender, sizeof ic.sender, e->recipient, 35);
  copy_chars(ic.sender_qual, sizeof ic.sender_qual, e->recipient_qual, 4);
  copy_chars(ref, sizeof ref, e->ref, 14); /* interchange control reference: an..14 */
  edi_writer_init(&w, out, 3);
  w.newline = 1;
  w.latin1 = 1;
  edi_w_unb(&w, &ic, has(e->sender) ? e->sender : "OPENSW", e->sender_qual, ref, e->now);
  for (size_t i = 0; i < n; i++) {
    char mref[24];
    snprintf(mref, sizeof mref, "%zu", i + 1);
    int rc = edi_cusres_write(&w, mref, &msgs[i]);
    if (rc < 0) return rc;
  }
  edi_w_unz(&w, (unsigned)n, ref);
  return out->err;
}
