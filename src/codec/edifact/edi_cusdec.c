/* edi_cusdec.c - CUSDEC -> struct decl (see edi_cusdec.h). */
#include "codec/edifact/edi_cusdec.h"

#include "core/arena.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/errlist.h"

#include <stdio.h>
#include <string.h>

struct edi_cusdec {
  struct arena *a;
  struct decl *d;
  struct errlist *errs;
  int detail; /* after UNS: goods items */
  size_t cap_items, cap_containers, cap_docs;
  struct decl_item *item; /* current goods item, or NULL */
  int nomem;
  int problems; /* decoding problems added */
};

int edi_cusdec_supported(const struct edi_message *m) {
  return !strcmp(m->type, "CUSDEC") && !strcmp(m->version, "D") && !strcmp(m->agency, "UN") &&
         (!strcmp(m->release, "96B") || !strcmp(m->release, "01B"));
}

int edi_cusdec_begin(struct edi_cusdec **out, struct arena *a, struct decl *d,
                     struct errlist *errs) {
  struct edi_cusdec *c = arena_alloc(a, sizeof *c);
  *out = NULL;
  if (!c) return -SW_ENOMEM;
  memset(d, 0, sizeof *d);
  c->a = a;
  c->d = d;
  c->errs = errs;
  *out = c;
  return 0;
}

/* The value as an arena string (NULL when empty); too long values are reported. */
static char *str(struct edi_cusdec *c, struct edi_comp v, const char *path) {
  if (!v.len) return NULL;
  if (v.len > DECL_TEXT_HARD_MAX) {
    errlist_add(c->errs, path, "too_long", "longer than %d bytes", DECL_TEXT_HARD_MAX);
    c->problems++;
    return NULL;
  }
  char *s = arena_strndup(c->a, v.p, v.len);
  if (!s) c->nomem = 1;
  return s;
}

static int num(struct edi_cusdec *c, struct edi_comp v, int scale, int64_t *out, bool *has,
               const char *path) {
  char buf[64];
  enum dec_error why;
  if (!v.len) return 0;
  if (v.len >= sizeof buf) {
    errlist_add(c->errs, path, "bad_decimal", "not a decimal number");
    c->problems++;
    return 0;
  }
  for (uint32_t i = 0; i < v.len; i++)
    buf[i] = v.p[i] == ',' ? '.' : v.p[i];
  if (dec_parse(buf, v.len, scale, 0, out, &why) < 0) {
    char msg[128];
    dec_error_message(why, scale, msg, sizeof msg);
    errlist_add(c->errs, path, "bad_decimal", "%s", msg);
    c->problems++;
    return 0;
  }
  *has = true;
  return 1;
}

/* EDIFACT date/time (format 203 CCYYMMDDHHMM or 102 CCYYMMDD) -> RFC 3339 UTC. */
static char *datetime(struct edi_cusdec *c, struct edi_comp v, struct edi_comp fmt) {
  char buf[32];
  if (v.len == 12 && (edi_comp_eq(fmt, "203") || !fmt.len))
    snprintf(buf, sizeof buf, "%.4s-%.2s-%.2sT%.2s:%.2s:00Z", v.p, v.p + 4, v.p + 6, v.p + 8,
             v.p + 10);
  else if (v.len == 8 && (edi_comp_eq(fmt, "102") || !fmt.len))
    snprintf(buf, sizeof buf, "%.4s-%.2s-%.2sT00:00:00Z", v.p, v.p + 4, v.p + 6);
  else
    return str(c, v, "/transport/arrival"); /* decl_validate reports the format */
  char *s = arena_strdup(c->a, buf);
  if (!s) c->nomem = 1;
  return s;
}

/* Appends to an arena array of n elements of size sz, doubling capacity *cap. */
static void *grow(struct edi_cusdec *c, void *arr, size_t n, size_t *cap, size_t sz) {
  if (n < *cap) return arr;
  size_t ncap = *cap ? *cap * 2 : 8;
  void *p = arena_alloc(c->a, ncap * sz);
  if (!p) {
    c->nomem = 1;
    return NULL;
  }
  if (n) memcpy(p, arr, n * sz);
  *cap = ncap;
  return p;
}

static void text_join(struct edi_cusdec *c, const struct edi_segment *s, unsigned pos, char **dst,
                      const char *path) {
  /* FTX C108: up to five components of free text, joined by spaces. */
  char buf[5 * 512 + 8];
  size_t o = 0;
  for (unsigned k = 1; k <= 5; k++) {
    struct edi_comp v = edi_seg_get(s, pos, k);
    if (!v.len) continue;
    if (o && o < sizeof buf - 1) buf[o++] = ' ';
    size_t n = v.len < sizeof buf - 1 - o ? v.len : sizeof buf - 1 - o;
    memcpy(buf + o, v.p, n);
    o += n;
  }
  *dst = str(c, (struct edi_comp){buf, (uint32_t)o}, path);
}

static void header_segment(struct edi_cusdec *c, const struct edi_segment *s, const char *t) {
  struct decl *d = c->d;
  struct decl_goods *g = &d->goods;
  if (!strcmp(t, "BGM")) {
    struct edi_comp code = edi_seg_get(s, 1, 1);
    if (edi_comp_eq(code, "929"))
      d->type = DECL_IM;
    else if (edi_comp_eq(code, "830"))
      d->type = DECL_EX;
    else {
      errlist_add(c->errs, "/type", "bad_value",
                  "BGM document name code must be 929 (import) or 830 (export)");
      c->problems++;
    }
    d->reference = str(c, edi_seg_get(s, 2, 1), "/reference");
  } else if (!strcmp(t, "CST")) {
    g->procedure = str(c, edi_seg_get(s, 2, 1), "/procedure");
  } else if (!strcmp(t, "LOC")) {
    struct edi_comp q = edi_seg_get(s, 1, 1), v = edi_seg_get(s, 2, 1);
    if (edi_comp_eq(q, "22"))
      d->office = str(c, v, "/office");
    else if (edi_comp_eq(q, "9"))
      g->transport.loading = str(c, v, "/transport/loading");
    else if (edi_comp_eq(q, "11"))
      g->transport.discharge = str(c, v, "/transport/discharge");
    else
      return;
    if (!edi_comp_eq(q, "22")) g->has_transport = true;
  } else if (!strcmp(t, "DTM")) {
    if (edi_comp_eq(edi_seg_get(s, 1, 1), "132")) {
      g->transport.arrival = datetime(c, edi_seg_get(s, 1, 2), edi_seg_get(s, 1, 3));
      g->has_transport = true;
    }
  } else if (!strcmp(t, "TDT")) {
    g->has_transport = true;
    g->transport.voyage = str(c, edi_seg_get(s, 2, 1), "/transport/voyage");
    g->transport.mode = str(c, edi_seg_get(s, 3, 1), "/transport/mode");
    g->transport.vessel_imo = str(c, edi_seg_get(s, 8, 1), "/transport/vessel_imo");
  } else if (!strcmp(t, "RFF")) {
    if (edi_comp_eq(edi_seg_get(s, 1, 1), "BM")) {
      g->has_transport = true;
      g->transport.bill_of_lading = str(c, edi_seg_get(s, 1, 2), "/transport/bill_of_lading");
    }
  } else if (!strcmp(t, "EQD")) {
    struct decl_transport *tr = &g->transport;
    if (!edi_comp_eq(edi_seg_get(s, 1, 1), "CN") || !edi_seg_get(s, 2, 1).len) return;
    g->has_transport = true;
    if (tr->n_containers == DECL_MAX_CONTAINERS) {
      if (c->cap_containers != (size_t)-1) {
        errlist_add(c->errs, "/transport/containers", "too_many", "more than %d containers",
                    DECL_MAX_CONTAINERS);
        c->problems++;
        c->cap_containers = (size_t)-1;
      }
      return;
    }
    char **arr = grow(c, tr->containers, tr->n_containers, &c->cap_containers, sizeof *arr);
    if (!arr) return;
    tr->containers = arr;
    arr[tr->n_containers++] = str(c, edi_seg_get(s, 2, 1), "/transport/containers");
  } else if (!strcmp(t, "NAD")) {
    struct edi_comp q = edi_seg_get(s, 1, 1);
    struct decl_party *party = NULL;
    const char *path = NULL;
    if (edi_comp_eq(q, "IM")) {
      party = &g->importer;
      g->has_importer = true;
      path = "/importer/id";
    } else if (edi_comp_eq(q, "EX")) {
      party = &g->exporter;
      g->has_exporter = true;
      path = "/exporter/id";
    } else if (edi_comp_eq(q, "DT")) {
      party = &g->declarant;
      g->has_declarant = true;
      path = "/declarant/id";
    }
    if (!party) return;
    party->id = str(c, edi_seg_get(s, 2, 1), path);
    party->name = str(c, edi_seg_get(s, 4, 1), path);
  } else if (!strcmp(t, "TOD")) {
    g->has_invoice = true;
    g->invoice.incoterm = str(c, edi_seg_get(s, 3, 1), "/invoice/incoterm");
  } else if (!strcmp(t, "MOA")) {
    if (!edi_comp_eq(edi_seg_get(s, 1, 1), "39")) return;
    g->has_invoice = true;
    num(c, edi_seg_get(s, 1, 2), DEC_SCALE_MONEY, &g->invoice.total, &g->invoice.has_total,
        "/invoice/total");
    g->invoice.currency = str(c, edi_seg_get(s, 1, 3), "/invoice/currency");
  }
}

static void item_segment(struct edi_cusdec *c, const struct edi_segment *s, const char *t) {
  struct decl_goods *g = &c->d->goods;
  char path[64];
  if (!strcmp(t, "CST")) {
    if (g->n_items == DECL_MAX_ITEMS) {
      if (c->item) {
        errlist_add(c->errs, "/items", "too_many_items", "more than %d goods items",
                    DECL_MAX_ITEMS);
        c->problems++;
      }
      c->item = NULL;
      return;
    }
    struct decl_item *arr = grow(c, g->items, g->n_items, &c->cap_items, sizeof *arr);
    if (!arr) return;
    g->items = arr;
    c->item = &arr[g->n_items++];
    memset(c->item, 0, sizeof *c->item);
    c->cap_docs = 0;
    snprintf(path, sizeof path, "/items/%zu/seq", g->n_items - 1);
    num(c, edi_seg_get(s, 1, 1), 0, &c->item->seq, &c->item->has_seq, path);
    snprintf(path, sizeof path, "/items/%zu/hs", g->n_items - 1);
    c->item->hs = str(c, edi_seg_get(s, 2, 1), path);
    return;
  }
  struct decl_item *it = c->item;
  if (!it) return;
  size_t idx = g->n_items - 1;
  if (!strcmp(t, "FTX") && edi_comp_eq(edi_seg_get(s, 1, 1), "AAA")) {
    snprintf(path, sizeof path, "/items/%zu/description", idx);
    text_join(c, s, 4, &it->description, path);
  } else if (!strcmp(t, "LOC") && edi_comp_eq(edi_seg_get(s, 1, 1), "27")) {
    snprintf(path, sizeof path, "/items/%zu/origin", idx);
    it->origin = str(c, edi_seg_get(s, 2, 1), path);
  } else if (!strcmp(t, "MEA")) {
    struct edi_comp q = edi_seg_get(s, 1, 1), prop = edi_seg_get(s, 2, 1);
    struct edi_comp unit = edi_seg_get(s, 3, 1), value = edi_seg_get(s, 3, 2);
    if (edi_comp_eq(q, "WT") && edi_comp_eq(prop, "AAA")) {
      snprintf(path, sizeof path, "/items/%zu/net_kg", idx);
      num(c, value, DEC_SCALE_QTY, &it->net_kg, &it->has_net_kg, path);
    } else if (edi_comp_eq(q, "WT") && edi_comp_eq(prop, "AAB")) {
      snprintf(path, sizeof path, "/items/%zu/gross_kg", idx);
      num(c, value, DEC_SCALE_QTY, &it->gross_kg, &it->has_gross_kg, path);
    } else if (edi_comp_eq(q, "AAF") && (edi_comp_eq(prop, "SQ") || edi_comp_eq(prop, "ACB"))) {
      snprintf(path, sizeof path, "/items/%zu/quantity", idx);
      num(c, value, DEC_SCALE_QTY, &it->quantity, &it->has_quantity, path);
      snprintf(path, sizeof path, "/items/%zu/unit", idx);
      it->unit = str(c, unit, path);
    }
  } else if (!strcmp(t, "MOA") && edi_comp_eq(edi_seg_get(s, 1, 1), "38")) {
    snprintf(path, sizeof path, "/items/%zu/value", idx);
    num(c, edi_seg_get(s, 1, 2), DEC_SCALE_MONEY, &it->value, &it->has_value, path);
  } else if (!strcmp(t, "DOC")) {
    if (it->n_documents == DECL_MAX_DOCUMENTS) {
      snprintf(path, sizeof path, "/items/%zu/documents", idx);
      errlist_add(c->errs, path, "too_many", "more than %d documents", DECL_MAX_DOCUMENTS);
      c->problems++;
      return;
    }
    struct decl_document *arr = grow(c, it->documents, it->n_documents, &c->cap_docs, sizeof *arr);
    if (!arr) return;
    it->documents = arr;
    struct decl_document *doc = &arr[it->n_documents++];
    struct edi_comp name = edi_seg_get(s, 1, 4);
    snprintf(path, sizeof path, "/items/%zu/documents/%zu/type", idx, it->n_documents - 1);
    doc->type = str(c, name.len ? name : edi_seg_get(s, 1, 1), path);
    snprintf(path, sizeof path, "/items/%zu/documents/%zu/number", idx, it->n_documents - 1);
    doc->number = str(c, edi_seg_get(s, 2, 1), path);
  }
}

int edi_cusdec_segment(struct edi_cusdec *c, const struct edi_segment *s,
                       const struct edi_envelope *env) {
  (void)env;
  if (!strcmp(s->tag, "UNS")) {
    c->detail = edi_comp_eq(edi_seg_get(s, 1, 1), "D") || c->detail;
    if (edi_comp_eq(edi_seg_get(s, 1, 1), "S")) {
      c->detail = 0;
      c->item = NULL;
    }
  } else if (!c->detail) {
    header_segment(c, s, s->tag);
  } else {
    item_segment(c, s, s->tag);
  }
  return c->nomem ? -SW_ENOMEM : 0;
}

int edi_cusdec_end(struct edi_cusdec *c) {
  if (c->nomem) return -SW_ENOMEM;
  decl_canonicalize(c->d);
  return c->problems ? -SW_EVALIDATION : 0;
}
