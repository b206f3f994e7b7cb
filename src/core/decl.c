#include "decl.h"

#include "checkdigit.h"
#include "decimal.h"
#include "err.h"
#include "errlist.h"
#include "refdata.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- small character helpers (ASCII only: locale-independent on purpose) ---- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static char to_upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_digit(s[i])) return false;
  return true;
}

/* Code points in a UTF-8 string (codecs guarantee valid UTF-8). */
static size_t utf8_len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

size_t decl_utf8_clip(const char *s, size_t max) {
  size_t n = strnlen(s, max);
  if (n == max)
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
  return n;
}

static bool has_control(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7F) return true;
  return false;
}

static bool printable_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7F) return false;
  return true;
}

/* ---- types ---- */

const char *decl_type_name(enum decl_type t) {
  switch (t) {
  case DECL_IM: return "IM";
  case DECL_EX: return "EX";
  case DECL_VA: return "VA";
  case DECL_VD: return "VD";
  default: return "";
  }
}

enum decl_type decl_type_parse(const char *s) {
  if (!s || strlen(s) != 2) return DECL_TYPE_NONE;
  if (strcmp(s, "IM") == 0) return DECL_IM;
  if (strcmp(s, "EX") == 0) return DECL_EX;
  if (strcmp(s, "VA") == 0) return DECL_VA;
  if (strcmp(s, "VD") == 0) return DECL_VD;
  return DECL_TYPE_NONE;
}

enum decl_type decl_type_parse_any_case(const char *s, size_t n) {
  char code[3] = {0};
  if (!s || n != 2) return DECL_TYPE_NONE;
  for (int i = 0; i < 2; i++) code[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
  return decl_type_parse(code);
}

void decl_limits_default(struct decl_limits *lim) {
  lim->max_items = DECL_MAX_ITEMS;
  lim->total_tolerance = 0;
}

bool decl_incoterm_valid(const char *s) {
  static const char codes[] = "EXW FCA CPT CIP DAP DPU DDP FAS FOB CFR CIF ";
  if (!s || strlen(s) != 3) return false;
  for (const char *p = codes; *p; p += 4)
    if (p[0] == s[0] && p[1] == s[1] && p[2] == s[2]) return true;
  return false;
}

/* ---- dates ---- */

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int64_t num(const char *s, int n) {
  int64_t v = 0;
  for (int i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

/* Parses "YYYY-MM-DD" at s (exactly 10 chars available). */
static int parse_ymd(const char *s, int64_t *days) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
      !all_digits(s + 8, 2))
    return -SW_EINVAL;
  int64_t y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
  if (y < 1900 || m < 1 || m > 12 || d < 1) return -SW_EINVAL;
  int64_t md = mdays[m - 1] + (m == 2 && leap(y));
  if (d > md) return -SW_EINVAL;
  *days = days_from_civil(y, m, d);
  return 0;
}

int decl_date_parse(const char *s, int64_t *days) {
  if (!s || strlen(s) != 10) return -SW_EINVAL;
  return parse_ymd(s, days);
}

int decl_datetime_parse(const char *s, int64_t *us) {
  int64_t days;
  if (!s) return -SW_EINVAL;
  size_t n = strlen(s);
  if (n < 20 || n > 27) return -SW_EINVAL;
  if (parse_ymd(s, &days) < 0) return -SW_EINVAL;
  if ((s[10] != 'T' && s[10] != 't') || !all_digits(s + 11, 2) || s[13] != ':' ||
      !all_digits(s + 14, 2) || s[16] != ':' || !all_digits(s + 17, 2))
    return -SW_EINVAL;
  int64_t hh = num(s + 11, 2), mi = num(s + 14, 2), ss = num(s + 17, 2);
  if (hh > 23 || mi > 59 || ss > 59) return -SW_EINVAL;
  size_t i = 19;
  int64_t frac = 0;
  if (s[i] == '.') {
    size_t f0 = ++i;
    while (i < n && is_digit(s[i]) && i - f0 < 6)
      frac = frac * 10 + (s[i++] - '0');
    size_t nf = i - f0;
    if (nf == 0) return -SW_EINVAL;
    for (size_t k = nf; k < 6; k++)
      frac *= 10;
  }
  if (i + 1 != n || (s[i] != 'Z' && s[i] != 'z')) return -SW_EINVAL;
  *us = ((days * 86400) + hh * 3600 + mi * 60 + ss) * 1000000 + frac;
  return 0;
}

/* ---- canonical form ---- */

static char *canon_text(char *s) {
  if (!s) return NULL;
  while (is_space(*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && is_space(s[n - 1]))
    n--;
  s[n] = 0;
  return n ? s : NULL;
}

static char *canon_code(char *s) {
  s = canon_text(s);
  if (s)
    for (char *p = s; *p; p++)
      *p = to_upper(*p);
  return s;
}

/* Upper-cases and removes every character in `drop`. */
static char *canon_squeeze(char *s, const char *drop) {
  s = canon_code(s);
  if (!s) return NULL;
  char *w = s;
  for (char *r = s; *r; r++)
    if (!strchr(drop, *r)) *w++ = *r;
  *w = 0;
  return *s ? s : NULL;
}

static char *canon_imo(char *s) {
  s = canon_code(s);
  /* every leading "IMO" goes, so that the canonical form is canonical again ("IMOIMO..."
   * once lost one prefix per pass: found by fuzz_decl_json) */
  while (s && strncmp(s, "IMO", 3) == 0) {
    s += 3;
    while (*s == ' ' || *s == '-' || *s == ':')
      s++;
    if (!*s) return NULL;
  }
  return s;
}

static void canon_party(struct decl_party *p) {
  p->id = canon_text(p->id);
  p->name = canon_text(p->name);
}

void decl_canonicalize(struct decl *d) {
  d->reference = canon_text(d->reference);
  d->office = canon_code(d->office);

  struct decl_goods *g = &d->goods;
  g->procedure = canon_text(g->procedure);
  canon_party(&g->importer);
  canon_party(&g->exporter);
  canon_party(&g->declarant);
  g->destination = canon_code(g->destination);
  struct decl_transport *t = &g->transport;
  t->mode = canon_text(t->mode);
  t->vessel_imo = canon_imo(t->vessel_imo);
  t->voyage = canon_text(t->voyage);
  t->bill_of_lading = canon_text(t->bill_of_lading);
  t->loading = canon_code(t->loading);
  t->discharge = canon_code(t->discharge);
  t->arrival = canon_code(t->arrival);
  for (size_t i = 0; i < t->n_containers; i++)
    t->containers[i] = canon_squeeze(t->containers[i], " -");
  g->invoice.currency = canon_code(g->invoice.currency);
  g->invoice.incoterm = canon_code(g->invoice.incoterm);
  for (size_t i = 0; i < g->n_items; i++) {
    struct decl_item *it = &g->items[i];
    it->hs = canon_squeeze(it->hs, ". ");
    it->description = canon_text(it->description);
    it->origin = canon_code(it->origin);
    it->unit = canon_code(it->unit);
    for (size_t k = 0; k < it->n_documents; k++) {
      it->documents[k].type = canon_text(it->documents[k].type);
      it->documents[k].number = canon_text(it->documents[k].number);
    }
  }

  struct decl_vcall *v = &d->vcall;
  v->vessel.imo = canon_imo(v->vessel.imo);
  v->vessel.name = canon_text(v->vessel.name);
  v->vessel.flag = canon_code(v->vessel.flag);
  v->vessel.call_sign = canon_code(v->vessel.call_sign);
  v->voyage = canon_text(v->voyage);
  v->eta = canon_code(v->eta);
  v->etd = canon_code(v->etd);
  v->last_port = canon_code(v->last_port);
  v->next_port = canon_code(v->next_port);
  for (size_t i = 0; i < v->n_crew; i++) {
    v->crew[i].name = canon_text(v->crew[i].name);
    v->crew[i].nationality = canon_code(v->crew[i].nationality);
    v->crew[i].rank = canon_text(v->crew[i].rank);
  }
  v->cargo_summary = canon_text(v->cargo_summary);
  v->sanitation_certificate_expiry = canon_text(v->sanitation_certificate_expiry);
  canon_party(&v->carrier);
}

/* ---- validation ---- */

struct vctx {
  struct errlist *e;
  const struct refdata *rd;
};

/* An input value echoed in a message: at most 40 bytes, cut between characters. */
#define Q(x) (int)decl_utf8_clip((x), 40), (x)

/* Path is base + "/" + field (field NULL: base alone). */
static void mkpath(char *buf, size_t cap, const char *base, const char *field) {
  if (field)
    snprintf(buf, cap, "%s/%s", base, field);
  else
    snprintf(buf, cap, "%s", base);
}

__attribute__((format(printf, 5, 6))) static void report(struct vctx *v, const char *base,
                                                         const char *field, const char *code,
                                                         const char *fmt, ...) {
  char path[sizeof(((struct problem *)0)->path)];
  char msg[sizeof(((struct problem *)0)->message)];
  va_list ap;
  mkpath(path, sizeof path, base, field);
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  errlist_add(v->e, path, code, "%s", msg);
}

/* buf = prefix + decimal i, without printf: this runs for every item of every declaration. */
static void idx_path(char *buf, size_t cap, const char *prefix, size_t i) {
  char digits[24];
  int nd = 0;
  size_t n = 0;
  for (; *prefix && n + 1 < cap; prefix++)
    buf[n++] = *prefix;
  do {
    digits[nd++] = (char)('0' + i % 10);
    i /= 10;
  } while (i);
  while (nd && n + 1 < cap)
    buf[n++] = digits[--nd];
  buf[n] = 0;
}

/* True when errs already has a problem at path or at one of its ancestors. */
static bool covered(const struct errlist *e, const char *path) {
  size_t pl = strlen(path);
  for (size_t i = 0; i < e->n; i++) {
    const char *q = e->items[i].path;
    size_t ql = strlen(q);
    if (ql <= pl && memcmp(q, path, ql) == 0 && (ql == pl || path[ql] == '/')) return true;
  }
  return false;
}

static void need(struct vctx *v, const char *base, const char *field, const char *what) {
  char path[sizeof(((struct problem *)0)->path)];
  mkpath(path, sizeof path, base, field);
  if (covered(v->e, path)) return;
  errlist_add(v->e, path, "required", "%s is required", what);
}

/* Free text: no control characters, at most max characters. True when present and ok. */
static bool chk_text(struct vctx *v, const char *base, const char *field, const char *s, size_t max,
                     bool required, const char *what) {
  if (!s) {
    if (required) need(v, base, field, what);
    return false;
  }
  if (has_control(s)) {
    report(v, base, field, "bad_format", "%s must not contain control characters", what);
    return false;
  }
  size_t n = utf8_len(s);
  if (n > max) {
    report(v, base, field, "too_long", "%s is %zu characters long; at most %zu are allowed", what,
           n, max);
    return false;
  }
  return true;
}

/* Identifier: text without spaces, printable ASCII. */
static bool chk_ident(struct vctx *v, const char *base, const char *field, const char *s,
                      size_t max, bool required, const char *what) {
  if (!chk_text(v, base, field, s, max, required, what)) return false;
  if (!printable_ascii(s)) {
    report(v, base, field, "bad_format",
           "%s may contain only printable ASCII characters without spaces", what);
    return false;
  }
  return true;
}

static void chk_country(struct vctx *v, const char *base, const char *field, const char *s,
                        bool required, const char *what) {
  if (!s) {
    if (required) need(v, base, field, what);
    return;
  }
  if (strlen(s) != 2 || !refdata_country(v->rd, s))
    report(v, base, field, "unknown_country", "\"%.*s\" is not an ISO 3166 alpha-2 country code",
           Q(s));
}

static void chk_locode(struct vctx *v, const char *base, const char *field, const char *s,
                       bool required, const char *what) {
  if (!s) {
    if (required) need(v, base, field, what);
    return;
  }
  if (strlen(s) != 5 || !refdata_location(v->rd, s))
    report(v, base, field, "unknown_locode", "\"%.*s\" is not a known UN/LOCODE", Q(s));
}

/* Parses an RFC 3339 UTC date-time; true (and *us set) when present and valid. */
static bool chk_datetime(struct vctx *v, const char *base, const char *field, const char *s,
                         bool required, const char *what, int64_t *us) {
  if (!s) {
    if (required) need(v, base, field, what);
    return false;
  }
  if (decl_datetime_parse(s, us) < 0) {
    report(v, base, field, "bad_datetime",
           "\"%.*s\" is not an RFC 3339 UTC date-time such as 2026-12-01T06:00:00Z", Q(s));
    return false;
  }
  return true;
}

static void chk_int_range(struct vctx *v, const char *base, const char *field, bool has, int64_t x,
                          int64_t lo, int64_t hi, bool required, const char *what) {
  if (!has) {
    if (required) need(v, base, field, what);
    return;
  }
  if (x < lo || x > hi)
    report(v, base, field, "out_of_range", "%s must be between %lld and %lld", what, (long long)lo,
           (long long)hi);
}

static void chk_party(struct vctx *v, const char *path, const struct decl_party *p, bool has,
                      bool required, const char *what) {
  if (!has) {
    if (required) need(v, path, NULL, what);
    return;
  }
  chk_ident(v, path, "id", p->id, DECL_PARTY_ID_MAX, true, "party id");
  chk_text(v, path, "name", p->name, DECL_NAME_MAX, false, "name");
}

/* Money must not be finer than the currency's minor unit (JPY has none). */
static void chk_currency_precision(struct vctx *v, const char *base, const char *field,
                                   int64_t amount, int minor_unit, const char *currency) {
  if (minor_unit < 0 || minor_unit >= DEC_SCALE_MONEY) return;
  int64_t step = minor_unit == 0 ? 100 : 10;
  if (amount % step != 0)
    report(v, base, field, "currency_precision", "%s allows %d digit%s after the decimal point",
           currency, minor_unit, minor_unit == 1 ? "" : "s");
}

static void chk_positive_qty(struct vctx *v, const char *base, const char *field, bool has,
                             int64_t x, const char *what) {
  if (!has) {
    need(v, base, field, what);
    return;
  }
  if (x <= 0) report(v, base, field, "out_of_range", "%s must be greater than zero", what);
}

static void validate_transport(struct vctx *v, const struct decl_goods *g) {
  const struct decl_transport *t = &g->transport;
  const char *b = "/transport";
  int64_t us;

  if (!g->has_transport) {
    need(v, b, NULL, "transport");
    return;
  }
  if (!t->mode)
    need(v, b, "mode", "transport mode");
  else if (strlen(t->mode) != 1 || !is_digit(t->mode[0]))
    report(v, b, "mode", "bad_format", "transport mode must be one UN Rec 19 digit, e.g. \"1\"");
  if (t->vessel_imo && cd_imo(t->vessel_imo) != CD_VALID)
    report(v, b, "vessel_imo", "bad_imo",
           "\"%.*s\" is not a valid IMO ship number (7 digits with a check digit)",
           Q(t->vessel_imo));
  chk_text(v, b, "voyage", t->voyage, DECL_VOYAGE_MAX, false, "voyage");
  chk_ident(v, b, "bill_of_lading", t->bill_of_lading, DECL_BOL_MAX, false, "bill of lading");
  chk_locode(v, b, "loading", t->loading, false, "place of loading");
  chk_locode(v, b, "discharge", t->discharge, false, "place of discharge");
  chk_datetime(v, b, "arrival", t->arrival, false, "arrival", &us);

  if (t->n_containers > DECL_MAX_CONTAINERS)
    report(v, b, "containers", "too_many", "at most %d containers are allowed",
           DECL_MAX_CONTAINERS);
  size_t nc = t->n_containers < DECL_MAX_CONTAINERS ? t->n_containers : DECL_MAX_CONTAINERS;
  for (size_t i = 0; i < nc; i++) {
    char f[32];
    const char *c = t->containers[i];
    idx_path(f, sizeof f, "containers/", i);
    if (!c) {
      need(v, b, f, "container number");
      continue;
    }
    enum cd_result r = cd_iso6346(c);
    if (r == CD_BAD_CHECK) {
      report(v, b, f, "bad_container_check_digit",
             "\"%.*s\": the ISO 6346 check digit does not match", Q(c));
      continue;
    }
    if (r != CD_VALID) {
      report(v, b, f, "bad_container_format",
             "\"%.*s\" is not an ISO 6346 container number (e.g. MSKU9070323)", Q(c));
      continue;
    }
    /* n <= 100: a quadratic scan is cheaper than anything needing memory. */
    for (size_t k = 0; k < i; k++)
      if (t->containers[k] && strcmp(t->containers[k], c) == 0) {
        report(v, b, f, "duplicate_container", "container %s is listed twice", c);
        break;
      }
  }
}

static void validate_items(struct vctx *v, const struct decl_goods *g,
                           const struct decl_limits *lim, const struct currency *cur) {
  unsigned char seen[(DECL_MAX_ITEMS + 1 + 7) / 8];
  int64_t sum = 0;
  bool sum_ok = true;

  if (g->n_items == 0) {
    need(v, "/items", NULL, "at least one item");
    return;
  }
  size_t max = lim->max_items < DECL_MAX_ITEMS ? lim->max_items : DECL_MAX_ITEMS;
  if (g->n_items > max) {
    if (!covered(v->e, "/items"))
      report(v, "/items", NULL, "too_many_items", "%zu items; at most %zu are allowed", g->n_items,
             max);
  }
  memset(seen, 0, sizeof seen);
  size_t n = g->n_items < DECL_MAX_ITEMS ? g->n_items : DECL_MAX_ITEMS;
  for (size_t i = 0; i < n; i++) {
    const struct decl_item *it = &g->items[i];
    char b[32];
    idx_path(b, sizeof b, "/items/", i);

    chk_int_range(v, b, "seq", it->has_seq, it->seq, 1, DECL_MAX_ITEMS, true, "item number");
    if (it->has_seq && it->seq >= 1 && it->seq <= DECL_MAX_ITEMS) {
      unsigned s = (unsigned)it->seq;
      if (seen[s / 8] & (1u << (s % 8)))
        report(v, b, "seq", "duplicate_seq", "item number %u is used by an earlier item", s);
      seen[s / 8] |= (unsigned char)(1u << (s % 8));
    }
    if (!it->hs)
      need(v, b, "hs", "HS code");
    /* chapter 99 ("not specified according to kind") is no HS 2022 heading: declaring it
       would dodge every rule that keys on the HS code */
    else if (!refdata_hs_valid_national(v->rd, it->hs) || strncmp(it->hs, "99", 2) == 0)
      report(v, b, "hs", "unknown_hs",
             "\"%.*s\" is not a known HS code (6 digits, or 8-10 digits whose first 6 exist)",
             Q(it->hs));
    chk_text(v, b, "description", it->description, DECL_DESCRIPTION_MAX, true, "description");
    chk_country(v, b, "origin", it->origin, true, "country of origin");
    chk_positive_qty(v, b, "quantity", it->has_quantity, it->quantity, "quantity");
    if (!it->unit) {
      need(v, b, "unit", "unit of quantity");
    } else {
      size_t ul = strlen(it->unit);
      bool ok = ul >= 2 && ul <= 3;
      for (size_t k = 0; ok && k < ul; k++)
        ok = is_upper(it->unit[k]) || is_digit(it->unit[k]);
      if (!ok)
        report(v, b, "unit", "bad_format",
               "unit must be a UN/ECE Recommendation 20 code of 2-3 letters or digits, e.g. KGM");
    }
    chk_positive_qty(v, b, "net_kg", it->has_net_kg, it->net_kg, "net mass");
    chk_positive_qty(v, b, "gross_kg", it->has_gross_kg, it->gross_kg, "gross mass");
    if (it->has_net_kg && it->has_gross_kg && it->net_kg > it->gross_kg) {
      char nb[DEC_STR_MAX], gb[DEC_STR_MAX];
      dec_format(it->net_kg, DEC_SCALE_QTY, DEC_FMT_TRIM, nb, sizeof nb);
      dec_format(it->gross_kg, DEC_SCALE_QTY, DEC_FMT_TRIM, gb, sizeof gb);
      report(v, b, "net_kg", "net_exceeds_gross", "net mass %s kg exceeds gross mass %s kg", nb,
             gb);
    }
    if (!it->has_value) {
      need(v, b, "value", "item value");
      sum_ok = false;
    } else if (it->value < 0) {
      report(v, b, "value", "out_of_range", "item value must not be negative");
      sum_ok = false;
    } else {
      if (cur) chk_currency_precision(v, b, "value", it->value, cur->minor_unit, cur->code);
      if (sum_ok && dec_add(sum, it->value, DEC_SCALE_MONEY, &sum) < 0) {
        report(v, "/items", NULL, "out_of_range", "the sum of item values is too large");
        sum_ok = false;
      }
    }

    if (it->n_documents > DECL_MAX_DOCUMENTS)
      report(v, b, "documents", "too_many", "at most %d documents per item are allowed",
             DECL_MAX_DOCUMENTS);
    size_t nd = it->n_documents < DECL_MAX_DOCUMENTS ? it->n_documents : DECL_MAX_DOCUMENTS;
    char pre[48]; /* "/items/998/documents/" */
    if (nd) {
      size_t bl = strlen(b);
      memcpy(pre, b, bl);
      memcpy(pre + bl, "/documents/", sizeof "/documents/");
    }
    for (size_t k = 0; k < nd; k++) {
      char db[48];
      idx_path(db, sizeof db, pre, k);
      chk_ident(v, db, "type", it->documents[k].type, DECL_DOC_TYPE_MAX, true, "document type");
      chk_text(v, db, "number", it->documents[k].number, DECL_DOC_NUMBER_MAX, true,
               "document number");
    }
  }

  const struct decl_invoice *inv = &g->invoice;
  if (g->has_invoice && inv->has_total && inv->total >= 0 && sum_ok && n == g->n_items &&
      !covered(v->e, "/items")) {
    int64_t diff = sum - inv->total;
    if (diff < 0) diff = -diff;
    if (diff > lim->total_tolerance) {
      char tb[DEC_STR_MAX], sb[DEC_STR_MAX];
      dec_format(inv->total, DEC_SCALE_MONEY, 0, tb, sizeof tb);
      dec_format(sum, DEC_SCALE_MONEY, 0, sb, sizeof sb);
      report(v, "/invoice", "total", "total_mismatch",
             "invoice total %s differs from the sum of item values %s", tb, sb);
    }
  }
}

static void validate_goods(struct vctx *v, const struct decl *d, const struct decl_limits *lim) {
  const struct decl_goods *g = &d->goods;
  const struct currency *cur = NULL;

  if (!g->procedure)
    need(v, "/procedure", NULL, "procedure code");
  else if (strlen(g->procedure) != 4 || !all_digits(g->procedure, 4))
    report(v, "/procedure", NULL, "bad_format", "procedure must be a 4-digit code, e.g. \"4000\"");
  chk_party(v, "/importer", &g->importer, g->has_importer, d->type == DECL_IM, "importer");
  chk_party(v, "/exporter", &g->exporter, g->has_exporter, d->type == DECL_EX, "exporter");
  chk_party(v, "/declarant", &g->declarant, g->has_declarant, false, "declarant");
  chk_country(v, "/destination", NULL, g->destination, d->type == DECL_EX,
              "country of destination");
  validate_transport(v, g);

  const struct decl_invoice *inv = &g->invoice;
  if (!g->has_invoice) {
    need(v, "/invoice", NULL, "invoice");
  } else {
    if (!inv->currency)
      need(v, "/invoice", "currency", "invoice currency");
    else if (strlen(inv->currency) != 3 || !(cur = refdata_currency(v->rd, inv->currency)))
      report(v, "/invoice", "currency", "unknown_currency",
             "\"%.*s\" is not an ISO 4217 currency code", Q(inv->currency));
    if (!inv->incoterm)
      need(v, "/invoice", "incoterm", "Incoterm");
    else if (!decl_incoterm_valid(inv->incoterm))
      report(v, "/invoice", "incoterm", "unknown_incoterm",
             "\"%.*s\" is not an Incoterms 2020 code (EXW FCA CPT CIP DAP DPU DDP FAS FOB CFR "
             "CIF)",
             Q(inv->incoterm));
    if (!inv->has_total)
      need(v, "/invoice", "total", "invoice total");
    else if (inv->total < 0)
      report(v, "/invoice", "total", "out_of_range", "invoice total must not be negative");
    else if (cur)
      chk_currency_precision(v, "/invoice", "total", inv->total, cur->minor_unit, cur->code);
  }
  validate_items(v, g, lim, cur);
}

static void validate_vcall(struct vctx *v, const struct decl *d) {
  const struct decl_vcall *c = &d->vcall;
  int64_t eta = 0, etd = 0;
  bool has_eta, has_etd;

  if (!c->has_vessel) {
    need(v, "/vessel", NULL, "vessel");
  } else {
    const struct decl_vessel *s = &c->vessel;
    if (!s->imo)
      need(v, "/vessel", "imo", "IMO number");
    else if (cd_imo(s->imo) != CD_VALID)
      report(v, "/vessel", "imo", "bad_imo",
             "\"%.*s\" is not a valid IMO ship number (7 digits with a check digit)", Q(s->imo));
    chk_text(v, "/vessel", "name", s->name, DECL_NAME_MAX, true, "vessel name");
    chk_country(v, "/vessel", "flag", s->flag, true, "flag state");
    if (s->call_sign &&
        chk_text(v, "/vessel", "call_sign", s->call_sign, DECL_CALL_SIGN_MAX, false, "call sign")) {
      bool ok = true;
      for (const char *p = s->call_sign; ok && *p; p++)
        ok = is_upper(*p) || is_digit(*p);
      if (!ok)
        report(v, "/vessel", "call_sign", "bad_format",
               "call sign may contain only letters and digits");
    }
    chk_int_range(v, "/vessel", "gross_tonnage", s->has_gross_tonnage, s->gross_tonnage, 1,
                  10000000, false, "gross tonnage");
  }
  chk_text(v, "/voyage", NULL, c->voyage, DECL_VOYAGE_MAX, false, "voyage");
  has_eta =
      chk_datetime(v, "/eta", NULL, c->eta, d->type == DECL_VA, "estimated time of arrival", &eta);
  has_etd = chk_datetime(v, "/etd", NULL, c->etd, d->type == DECL_VD, "estimated time of departure",
                         &etd);
  if (has_eta && has_etd && etd <= eta)
    report(v, "/etd", NULL, "etd_before_eta", "departure %s is not after arrival %s", c->etd,
           c->eta);
  chk_locode(v, "/last_port", NULL, c->last_port, false, "last port of call");
  chk_locode(v, "/next_port", NULL, c->next_port, false, "next port of call");

  chk_int_range(v, "/crew_count", NULL, c->has_crew_count, c->crew_count, 0, 100000, true,
                "crew count");
  if (c->has_crew) {
    if (c->n_crew > DECL_MAX_CREW)
      report(v, "/crew", NULL, "too_many", "at most %d crew members may be listed", DECL_MAX_CREW);
    else if (c->has_crew_count && (int64_t)c->n_crew != c->crew_count)
      report(v, "/crew", NULL, "crew_count_mismatch",
             "%zu crew members are listed but crew_count is %lld", c->n_crew,
             (long long)c->crew_count);
    size_t n = c->n_crew < DECL_MAX_CREW ? c->n_crew : DECL_MAX_CREW;
    for (size_t i = 0; i < n; i++) {
      char b[32];
      idx_path(b, sizeof b, "/crew/", i);
      chk_text(v, b, "name", c->crew[i].name, DECL_NAME_MAX, true, "crew member name");
      chk_country(v, b, "nationality", c->crew[i].nationality, true, "nationality");
      chk_text(v, b, "rank", c->crew[i].rank, DECL_RANK_MAX, false, "rank");
    }
  }
  chk_int_range(v, "/passenger_count", NULL, c->has_passenger_count, c->passenger_count, 0, 100000,
                false, "passenger count");
  chk_text(v, "/cargo_summary", NULL, c->cargo_summary, DECL_CARGO_SUMMARY_MAX, false,
           "cargo summary");
  if (c->sanitation_certificate_expiry) {
    int64_t exp;
    if (decl_date_parse(c->sanitation_certificate_expiry, &exp) < 0) {
      report(v, "/sanitation_certificate_expiry", NULL, "bad_datetime",
             "\"%.*s\" is not a date such as 2027-06-30", Q(c->sanitation_certificate_expiry));
    } else {
      /* The certificate must still be valid on the day of the call. */
      bool has_when = d->type == DECL_VD ? has_etd : has_eta;
      int64_t when = d->type == DECL_VD ? etd : eta;
      int64_t day_us = 86400LL * 1000000;
      int64_t when_day = when >= 0 ? when / day_us : -((-when + day_us - 1) / day_us);
      if (has_when && exp < when_day)
        report(v, "/sanitation_certificate_expiry", NULL, "certificate_expired",
               "the ship sanitation certificate expires before the %s",
               d->type == DECL_VD ? "departure" : "arrival");
    }
  }
  chk_int_range(v, "/security_level", NULL, c->has_security_level, c->security_level, 1, 3, false,
                "ISPS security level");
  chk_party(v, "/carrier", &c->carrier, c->has_carrier, true, "carrier");
}

int decl_validate(const struct decl *d, const struct refdata *rd, const struct decl_limits *lim,
                  struct errlist *errs) {
  struct decl_limits deflim;
  struct vctx v = {.e = errs, .rd = rd};

  if (!lim) {
    decl_limits_default(&deflim);
    lim = &deflim;
  }
  bool vessel = d->type == DECL_VA || d->type == DECL_VD;

  if (d->type == DECL_TYPE_NONE) need(&v, "/type", NULL, "declaration type (IM, EX, VA or VD)");
  chk_ident(&v, "/reference", NULL, d->reference, DECL_REFERENCE_MAX, true, "reference");
  chk_locode(&v, vessel ? "/port" : "/office", NULL, d->office, true,
             vessel ? "port of call" : "customs office");

  if (d->type == DECL_IM || d->type == DECL_EX)
    validate_goods(&v, d, lim);
  else if (vessel)
    validate_vcall(&v, d);
  return errlist_any(errs) ? -SW_EVALIDATION : 0;
}
