/* refdata.c - sorted arrays with binary search for exact lookups, a bitmap of the
 * 6-digit HS codes for the hot validation path, and linear scans over pre-lower-cased
 * text for search (7k HS lines scan in well under a millisecond). */
#include "refdata.h"

#include "arena.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

#define RD_MAX_ROWS 2000000   /* per kind; far above any real code list */
#define RD_MAX_TEXT 4096      /* longest description or name accepted */
#define RD_HS6_SPACE 1000000u /* 000000..999999 */
#define RD_Q_MAX 256          /* query bytes considered */
#define RD_WORDS_MAX 8        /* query words considered */
#define RD_TOPK_STACK 64      /* result slots kept on the stack */

struct rd_hs {
  struct hs_entry e; /* first: lookups hand out &item->e */
  const char *lower; /* description, ASCII lower-cased */
  size_t seq;        /* insertion order, so duplicates keep the first */
};

struct rd_section {
  struct hs_section e;
  size_t seq;
};

struct rd_country {
  struct country e;
  const char *lower;
  size_t seq;
};

struct rd_currency {
  struct currency e;
  const char *lower;
  size_t seq;
};

struct rd_location {
  struct location e;
  const char *lower;
  size_t seq;
};

struct rd_vec {
  void *items;
  size_t n, cap;
};

struct refdata {
  struct arena mem; /* every string */
  struct rd_vec hs, sections, countries, currencies, locations;
  unsigned char *hs6; /* bit per existing 6-digit code, built by refdata_finish */
  int finished;
};

/* ---- small helpers ---------------------------------------------------------------- */

static int rd_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int rd_is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static unsigned char rd_lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}
static unsigned char rd_upper(unsigned char c) {
  return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}
/* Word characters: ASCII letters and digits, and any byte of a UTF-8 sequence. */
static int rd_word_char(unsigned char c) {
  return rd_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int rd_all(const char *s, size_t len, int (*pred)(unsigned char)) {
  if (!s || strlen(s) != len) return 0;
  for (size_t i = 0; i < len; i++)
    if (!pred((unsigned char)s[i])) return 0;
  return 1;
}

static int rd_is_alnum_upper(unsigned char c) { return rd_is_upper(c) || rd_is_digit(c); }
static int rd_is_roman(unsigned char c) { return c == 'I' || c == 'V' || c == 'X'; }

static int rd_text_ok(const char *s) { return s && strlen(s) <= RD_MAX_TEXT; }

static int rd_push(struct rd_vec *v, size_t size, void **slot) {
  if (v->n >= RD_MAX_ROWS) return -SW_ETOOBIG;
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    void *p = realloc(v->items, cap * size);
    if (!p) return -SW_ENOMEM;
    v->items = p;
    v->cap = cap;
  }
  *slot = (char *)v->items + v->n * size;
  memset(*slot, 0, size);
  v->n++;
  return 0;
}

/* Copies strings into one arena block; returns pointers through out[]. */
static int rd_copy(struct arena *a, const char **in, const char **out, size_t n) {
  size_t len[8], total = 0;
  for (size_t i = 0; i < n; i++) {
    len[i] = strlen(in[i]);
    total += len[i] + 1;
  }
  char *p = arena_alloc(a, total);
  if (!p) return -SW_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    memcpy(p, in[i], len[i] + 1);
    out[i] = p;
    p += len[i] + 1;
  }
  return 0;
}

static char *rd_lower_dup(struct arena *a, const char *s) {
  size_t n = strlen(s);
  char *p = arena_alloc(a, n + 1);
  if (!p) return NULL;
  for (size_t i = 0; i < n; i++)
    p[i] = (char)rd_lower((unsigned char)s[i]);
  p[n] = '\0';
  return p;
}

/* ---- life cycle -------------------------------------------------------------------- */

struct refdata *refdata_new(void) {
  struct refdata *rd = calloc(1, sizeof(*rd));
  if (!rd) return NULL;
  arena_init(&rd->mem, 0);
  return rd;
}

void refdata_free(struct refdata *rd) {
  if (!rd) return;
  arena_release(&rd->mem);
  free(rd->hs.items);
  free(rd->sections.items);
  free(rd->countries.items);
  free(rd->currencies.items);
  free(rd->locations.items);
  free(rd->hs6);
  free(rd);
}

/* ---- adders ----------------------------------------------------------------------- */

int refdata_add_hs(struct refdata *rd, const char *code, const char *description,
                   const char *parent, const char *section, int level) {
  if (!rd) return -SW_EINVAL;
  if (rd->finished) return -SW_ESTATE;
  if (!parent) parent = "";
  if (!section) section = "";
  if (!description) description = "";
  if (level != 2 && level != 4 && level != 6) return -SW_EINVAL;
  if (!rd_all(code, (size_t)level, rd_is_digit)) return -SW_EINVAL;
  if (level == 2) {
    if (parent[0]) return -SW_EINVAL;
  } else if (!rd_all(parent, (size_t)level - 2, rd_is_digit) ||
             strncmp(code, parent, (size_t)level - 2) != 0) {
    return -SW_EINVAL;
  }
  if (strlen(section) > 8 || (section[0] && !rd_all(section, strlen(section), rd_is_roman)))
    return -SW_EINVAL;
  if (!rd_text_ok(description)) return -SW_EINVAL;

  void *slot;
  int rc = rd_push(&rd->hs, sizeof(struct rd_hs), &slot);
  if (rc) return rc;
  struct rd_hs *it = slot;
  const char *in[4] = {code, description, parent, section}, *out[4];
  if ((rc = rd_copy(&rd->mem, in, out, 4)) != 0 || !(it->lower = rd_lower_dup(&rd->mem, out[1]))) {
    rd->hs.n--;
    return rc ? rc : -SW_ENOMEM;
  }
  it->e.code = out[0];
  it->e.description = out[1];
  it->e.parent = out[2];
  it->e.section = out[3];
  it->e.level = level;
  it->seq = rd->hs.n;
  return 0;
}

int refdata_add_section(struct refdata *rd, const char *section, const char *name) {
  if (!rd) return -SW_EINVAL;
  if (rd->finished) return -SW_ESTATE;
  if (!section || !section[0] || strlen(section) > 8 ||
      !rd_all(section, strlen(section), rd_is_roman) || !rd_text_ok(name))
    return -SW_EINVAL;
  void *slot;
  int rc = rd_push(&rd->sections, sizeof(struct rd_section), &slot);
  if (rc) return rc;
  struct rd_section *it = slot;
  const char *in[2] = {section, name}, *out[2];
  if ((rc = rd_copy(&rd->mem, in, out, 2)) != 0) {
    rd->sections.n--;
    return rc;
  }
  it->e.section = out[0];
  it->e.name = out[1];
  it->seq = rd->sections.n;
  return 0;
}

int refdata_add_country(struct refdata *rd, const char *alpha2, const char *alpha3,
                        const char *numeric, const char *name) {
  if (!rd) return -SW_EINVAL;
  if (rd->finished) return -SW_ESTATE;
  if (!numeric) numeric = "";
  if (!rd_all(alpha2, 2, rd_is_upper) || !rd_all(alpha3, 3, rd_is_upper) ||
      (numeric[0] && !rd_all(numeric, 3, rd_is_digit)) || !rd_text_ok(name) || !name[0])
    return -SW_EINVAL;
  void *slot;
  int rc = rd_push(&rd->countries, sizeof(struct rd_country), &slot);
  if (rc) return rc;
  struct rd_country *it = slot;
  const char *in[4] = {alpha2, alpha3, numeric, name}, *out[4];
  if ((rc = rd_copy(&rd->mem, in, out, 4)) != 0 || !(it->lower = rd_lower_dup(&rd->mem, out[3]))) {
    rd->countries.n--;
    return rc ? rc : -SW_ENOMEM;
  }
  it->e.alpha2 = out[0];
  it->e.alpha3 = out[1];
  it->e.numeric = out[2];
  it->e.name = out[3];
  it->seq = rd->countries.n;
  return 0;
}

int refdata_add_currency(struct refdata *rd, const char *code, const char *numeric,
                         const char *name, int minor_unit) {
  if (!rd) return -SW_EINVAL;
  if (rd->finished) return -SW_ESTATE;
  if (!numeric) numeric = "";
  if (!rd_all(code, 3, rd_is_upper) || (numeric[0] && !rd_all(numeric, 3, rd_is_digit)) ||
      !rd_text_ok(name) || minor_unit < -1 || minor_unit > 9)
    return -SW_EINVAL;
  void *slot;
  int rc = rd_push(&rd->currencies, sizeof(struct rd_currency), &slot);
  if (rc) return rc;
  struct rd_currency *it = slot;
  const char *in[3] = {code, numeric, name}, *out[3];
  if ((rc = rd_copy(&rd->mem, in, out, 3)) != 0 || !(it->lower = rd_lower_dup(&rd->mem, out[2]))) {
    rd->currencies.n--;
    return rc ? rc : -SW_ENOMEM;
  }
  it->e.code = out[0];
  it->e.numeric = out[1];
  it->e.name = out[2];
  it->e.minor_unit = minor_unit;
  it->seq = rd->currencies.n;
  return 0;
}

int refdata_add_location(struct refdata *rd, const char *locode, const char *name,
                         const char *function) {
  if (!rd) return -SW_EINVAL;
  if (rd->finished) return -SW_ESTATE;
  if (!function) function = "";
  if (!rd_all(locode, 5, rd_is_alnum_upper) || !rd_is_upper((unsigned char)locode[0]) ||
      !rd_is_upper((unsigned char)locode[1]) || !rd_text_ok(name) || !name[0] ||
      strlen(function) > 16)
    return -SW_EINVAL;
  void *slot;
  int rc = rd_push(&rd->locations, sizeof(struct rd_location), &slot);
  if (rc) return rc;
  struct rd_location *it = slot;
  char country[3] = {locode[0], locode[1], '\0'};
  const char *in[4] = {locode, country, name, function}, *out[4];
  if ((rc = rd_copy(&rd->mem, in, out, 4)) != 0 || !(it->lower = rd_lower_dup(&rd->mem, out[2]))) {
    rd->locations.n--;
    return rc ? rc : -SW_ENOMEM;
  }
  it->e.locode = out[0];
  it->e.country = out[1];
  it->e.name = out[2];
  it->e.function = out[3];
  it->seq = rd->locations.n;
  return 0;
}

/* ---- finish: sort, drop duplicates, index ------------------------------------------ */

/* Every item struct starts with its public struct, whose first member is the key. */
static const char *rd_key(const void *item) { return *(const char *const *)item; }

#define RD_SEQ_CMP(type)                                                                           \
  static int rd_cmp_##type(const void *a, const void *b) {                                         \
    const struct rd_##type *x = a, *y = b;                                                         \
    int c = strcmp(rd_key(x), rd_key(y));                                                          \
    if (c) return c;                                                                               \
    return (x->seq > y->seq) - (x->seq < y->seq);                                                  \
  }
RD_SEQ_CMP(hs)
RD_SEQ_CMP(section)
RD_SEQ_CMP(country)
RD_SEQ_CMP(currency)
RD_SEQ_CMP(location)

/* Sorts by key then insertion order and keeps the first of equal keys. */
static void rd_sort_unique(struct rd_vec *v, size_t size, int (*cmp)(const void *, const void *)) {
  if (v->n < 2) return;
  qsort(v->items, v->n, size, cmp);
  char *base = v->items;
  size_t w = 1;
  for (size_t r = 1; r < v->n; r++) {
    if (strcmp(rd_key(base + r * size), rd_key(base + (w - 1) * size)) == 0) continue;
    if (w != r) memcpy(base + w * size, base + r * size, size);
    w++;
  }
  v->n = w;
}

int refdata_finish(struct refdata *rd) {
  if (!rd) return -SW_EINVAL;
  if (rd->finished) return -SW_ESTATE;
  rd_sort_unique(&rd->hs, sizeof(struct rd_hs), rd_cmp_hs);
  rd_sort_unique(&rd->sections, sizeof(struct rd_section), rd_cmp_section);
  rd_sort_unique(&rd->countries, sizeof(struct rd_country), rd_cmp_country);
  rd_sort_unique(&rd->currencies, sizeof(struct rd_currency), rd_cmp_currency);
  rd_sort_unique(&rd->locations, sizeof(struct rd_location), rd_cmp_location);

  rd->hs6 = calloc(RD_HS6_SPACE / 8, 1);
  if (!rd->hs6) return -SW_ENOMEM;
  const struct rd_hs *hs = rd->hs.items;
  for (size_t i = 0; i < rd->hs.n; i++) {
    if (hs[i].e.level != 6) continue;
    unsigned v = 0;
    for (int k = 0; k < 6; k++)
      v = v * 10 + (unsigned)(hs[i].e.code[k] - '0');
    rd->hs6[v / 8] |= (unsigned char)(1u << (v % 8));
  }
  rd->finished = 1;
  return 0;
}

/* ---- exact lookups ------------------------------------------------------------------ */

static const void *rd_find(const struct refdata *rd, const struct rd_vec *v, size_t size,
                           const char *key) {
  if (!rd || !rd->finished || !key) return NULL;
  size_t lo = 0, hi = v->n;
  const char *base = v->items;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(key, rd_key(base + mid * size));
    if (c == 0) return base + mid * size;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

const struct hs_entry *refdata_hs(const struct refdata *rd, const char *code) {
  const struct rd_hs *it = rd ? rd_find(rd, &rd->hs, sizeof(*it), code) : NULL;
  return it ? &it->e : NULL;
}

const struct hs_section *refdata_section(const struct refdata *rd, const char *section) {
  const struct rd_section *it = rd ? rd_find(rd, &rd->sections, sizeof(*it), section) : NULL;
  return it ? &it->e : NULL;
}

const struct country *refdata_country(const struct refdata *rd, const char *alpha2) {
  const struct rd_country *it = rd ? rd_find(rd, &rd->countries, sizeof(*it), alpha2) : NULL;
  return it ? &it->e : NULL;
}

const struct currency *refdata_currency(const struct refdata *rd, const char *code) {
  const struct rd_currency *it = rd ? rd_find(rd, &rd->currencies, sizeof(*it), code) : NULL;
  return it ? &it->e : NULL;
}

const struct location *refdata_location(const struct refdata *rd, const char *locode) {
  const struct rd_location *it = rd ? rd_find(rd, &rd->locations, sizeof(*it), locode) : NULL;
  return it ? &it->e : NULL;
}

int refdata_hs_valid_national(const struct refdata *rd, const char *code) {
  if (!rd || !rd->finished || !rd->hs6 || !code) return 0;
  size_t n = 0;
  unsigned v = 0;
  for (; code[n]; n++) {
    if (n >= 10 || !rd_is_digit((unsigned char)code[n])) return 0;
    if (n < 6) v = v * 10 + (unsigned)(code[n] - '0');
  }
  if (n != 6 && n != 8 && n != 9 && n != 10) return 0;
  return (rd->hs6[v / 8] >> (v % 8)) & 1;
}

/* ---- ranking: keep the best max results by (score desc, array order asc) ---------- */

struct rd_hit {
  long score;
  size_t idx;
};

struct rd_topk {
  struct rd_hit stack[RD_TOPK_STACK];
  struct rd_hit *hits;
  size_t n, max;
};

static void rd_topk_init(struct rd_topk *t, size_t max) {
  t->hits = t->stack;
  t->n = 0;
  t->max = max;
  if (max > RD_TOPK_STACK) {
    t->hits = malloc(max * sizeof(*t->hits));
    if (!t->hits) { /* degrade to fewer results rather than fail a search */
      t->hits = t->stack;
      t->max = RD_TOPK_STACK;
    }
  }
}

static void rd_topk_release(struct rd_topk *t) {
  if (t->hits != t->stack) free(t->hits);
}

/* Items arrive in array order, so an equal score never displaces an earlier item. */
static void rd_topk_add(struct rd_topk *t, long score, size_t idx) {
  if (t->max == 0) return;
  if (t->n == t->max && score <= t->hits[t->n - 1].score) return;
  size_t pos = t->n < t->max ? t->n : t->max - 1;
  while (pos > 0 && t->hits[pos - 1].score < score) {
    t->hits[pos] = t->hits[pos - 1];
    pos--;
  }
  t->hits[pos].score = score;
  t->hits[pos].idx = idx;
  if (t->n < t->max) t->n++;
}

/* ---- HS search ------------------------------------------------------------------------ */

struct rd_query {
  char buf[2 * RD_Q_MAX + 2];
  const char *word[RD_WORDS_MAX];
  size_t len[RD_WORDS_MAX];
  int digits[RD_WORDS_MAX];
  size_t n;
};

/* Splits q into lower-cased words. A query made only of digits, dots and spaces
 * ("0306.17", "8471 30") is one code. */
static void rd_query_parse(struct rd_query *qp, const char *q) {
  qp->n = 0;
  size_t qlen = strnlen(q, RD_Q_MAX);
  int codeish = 0, other = 0;
  for (size_t i = 0; i < qlen; i++) {
    unsigned char c = (unsigned char)q[i];
    if (rd_is_digit(c))
      codeish = 1;
    else if (c != '.' && c != ' ')
      other = 1;
  }
  char *w = qp->buf;
  if (codeish && !other) {
    size_t k = 0;
    for (size_t i = 0; i < qlen; i++)
      if (rd_is_digit((unsigned char)q[i])) w[k++] = q[i];
    w[k] = '\0';
    qp->word[0] = w;
    qp->len[0] = k;
    qp->digits[0] = 1;
    qp->n = 1;
    return;
  }
  size_t i = 0;
  while (i < qlen && qp->n < RD_WORDS_MAX) {
    while (i < qlen && !rd_word_char((unsigned char)q[i]))
      i++;
    if (i >= qlen) break;
    size_t start = (size_t)(w - qp->buf);
    int digits = 1;
    while (i < qlen && rd_word_char((unsigned char)q[i])) {
      unsigned char c = (unsigned char)q[i++];
      if (!rd_is_digit(c)) digits = 0;
      *w++ = (char)rd_lower(c);
    }
    *w++ = '\0';
    qp->word[qp->n] = qp->buf + start;
    qp->len[qp->n] = (size_t)(w - qp->buf) - start - 1;
    qp->digits[qp->n] = digits;
    qp->n++;
  }
}

static int rd_has_before(const char *lo, const char *p, const char *needle) {
  size_t nl = strlen(needle);
  for (const char *s = lo; s + nl <= p; s++)
    if (memcmp(s, needle, nl) == 0) return 1;
  return 0;
}

/* A match shortly after "excluding" or "other than" in the same clause describes what a
 * line is not ("other than crab, shrimps, prawns"), so it ranks low. */
static int rd_negated(const char *text, const char *p) {
  const char *lo = p - text > 40 ? p - 40 : text;
  for (const char *s = p; s > lo; s--)
    if (s[-1] == ';') {
      lo = s;
      break;
    }
  return rd_has_before(lo, p, "excluding") || rd_has_before(lo, p, "other than");
}

/* Best match of word w at a word start in lower-cased text: 100 whole word, 60 prefix,
 * lower when negated; 0 when absent. */
static long rd_text_score(const char *text, const char *w, size_t wl) {
  long best = 0;
  for (const char *p = strstr(text, w); p; p = strstr(p + 1, w)) {
    if (p > text && rd_word_char((unsigned char)p[-1])) continue;
    int whole = !rd_word_char((unsigned char)p[wl]);
    int neg = rd_negated(text, p);
    long s = whole ? (neg ? 30 : 100) : (neg ? 20 : 60);
    if (s > best) best = s;
    if (best == 100) break;
  }
  return best;
}

static long rd_code_score(const char *code, const char *w, size_t wl) {
  size_t cl = strlen(code);
  if (cl == wl && memcmp(code, w, wl) == 0) return 1000000;
  if (cl > wl && memcmp(code, w, wl) == 0) return 1000; /* child of the query code */
  if (wl > 6 && memcmp(code, w, cl) == 0) /* a national line: its subheading, then ancestors */
    return cl == 6 ? 900000 : 500;
  return 0;
}

size_t refdata_hs_search(const struct refdata *rd, const char *q, const struct hs_entry **out,
                         size_t max) {
  if (!rd || !rd->finished || !q || !out || max == 0) return 0;
  struct rd_query qp;
  rd_query_parse(&qp, q);
  if (qp.n == 0) return 0;
  int any_text = 0;
  for (size_t k = 0; k < qp.n; k++)
    if (!qp.digits[k]) any_text = 1;

  struct rd_topk t;
  rd_topk_init(&t, max);
  const struct rd_hs *hs = rd->hs.items;
  for (size_t i = 0; i < rd->hs.n; i++) {
    long score = 0;
    size_t k;
    for (k = 0; k < qp.n; k++) {
      long s = qp.digits[k] ? rd_code_score(hs[i].e.code, qp.word[k], qp.len[k])
                            : rd_text_score(hs[i].lower, qp.word[k], qp.len[k]);
      if (!s) break;
      score += s;
    }
    if (k < qp.n) continue;
    if (any_text) score += hs[i].e.level == 6 ? 30 : hs[i].e.level == 4 ? 10 : 0;
    rd_topk_add(&t, score, i);
  }
  for (size_t j = 0; j < t.n; j++)
    out[j] = &hs[t.hits[j].idx].e;
  size_t n = t.n;
  rd_topk_release(&t);
  return n;
}

/* ---- name searches -------------------------------------------------------------------- */

struct rd_name_query {
  char lower[RD_Q_MAX + 1];
  char upper[RD_Q_MAX + 1];
  size_t len;
};

/* Trims and case-folds q; returns 0 when q is too long to match anything sensible. */
static int rd_name_query(struct rd_name_query *nq, const char *q) {
  while (*q == ' ')
    q++;
  size_t n = strnlen(q, RD_Q_MAX + 1);
  if (n > RD_Q_MAX) return 0;
  while (n > 0 && q[n - 1] == ' ')
    n--;
  for (size_t i = 0; i < n; i++) {
    nq->lower[i] = (char)rd_lower((unsigned char)q[i]);
    nq->upper[i] = (char)rd_upper((unsigned char)q[i]);
  }
  nq->lower[n] = nq->upper[n] = '\0';
  nq->len = n;
  return 1;
}

/* Exact code 4, code prefix 3, name word-prefix 2, substring of code or name 1. */
static long rd_name_score(const struct rd_name_query *nq, const char *code, const char *alt,
                          const char *lower_name) {
  if (nq->len == 0) return 1;
  if (strcmp(code, nq->upper) == 0 || (alt && strcmp(alt, nq->upper) == 0)) return 4;
  if (strncmp(code, nq->upper, nq->len) == 0) return 3;
  long best = 0;
  for (const char *p = strstr(lower_name, nq->lower); p; p = strstr(p + 1, nq->lower)) {
    if (p == lower_name || !rd_word_char((unsigned char)p[-1])) return 2;
    best = 1;
  }
  if (!best && (strstr(code, nq->upper) || (alt && strstr(alt, nq->upper)))) best = 1;
  return best;
}

size_t refdata_country_search(const struct refdata *rd, const char *q, const struct country **out,
                              size_t max) {
  struct rd_name_query nq;
  if (!rd || !rd->finished || !q || !out || max == 0 || !rd_name_query(&nq, q)) return 0;
  struct rd_topk t;
  rd_topk_init(&t, max);
  const struct rd_country *c = rd->countries.items;
  for (size_t i = 0; i < rd->countries.n; i++) {
    long s = rd_name_score(&nq, c[i].e.alpha2, c[i].e.alpha3, c[i].lower);
    if (s) rd_topk_add(&t, s, i);
  }
  for (size_t j = 0; j < t.n; j++)
    out[j] = &c[t.hits[j].idx].e;
  size_t n = t.n;
  rd_topk_release(&t);
  return n;
}

size_t refdata_currency_search(const struct refdata *rd, const char *q, const struct currency **out,
                               size_t max) {
  struct rd_name_query nq;
  if (!rd || !rd->finished || !q || !out || max == 0 || !rd_name_query(&nq, q)) return 0;
  struct rd_topk t;
  rd_topk_init(&t, max);
  const struct rd_currency *c = rd->currencies.items;
  for (size_t i = 0; i < rd->currencies.n; i++) {
    long s = rd_name_score(&nq, c[i].e.code, NULL, c[i].lower);
    if (s) rd_topk_add(&t, s, i);
  }
  for (size_t j = 0; j < t.n; j++)
    out[j] = &c[t.hits[j].idx].e;
  size_t n = t.n;
  rd_topk_release(&t);
  return n;
}

size_t refdata_location_search(const struct refdata *rd, const char *q, const struct location **out,
                               size_t max) {
  struct rd_name_query nq;
  if (!rd || !rd->finished || !q || !out || max == 0 || !rd_name_query(&nq, q)) return 0;
  struct rd_topk t;
  rd_topk_init(&t, max);
  const struct rd_location *l = rd->locations.items;
  for (size_t i = 0; i < rd->locations.n; i++) {
    long s = rd_name_score(&nq, l[i].e.locode, NULL, l[i].lower);
    if (s) rd_topk_add(&t, s, i);
  }
  for (size_t j = 0; j < t.n; j++)
    out[j] = &l[t.hits[j].idx].e;
  size_t n = t.n;
  rd_topk_release(&t);
  return n;
}

/* ---- counts ------------------------------------------------------------------------- */

size_t refdata_hs_count(const struct refdata *rd) { return rd ? rd->hs.n : 0; }
size_t refdata_section_count(const struct refdata *rd) { return rd ? rd->sections.n : 0; }
size_t refdata_country_count(const struct refdata *rd) { return rd ? rd->countries.n : 0; }
size_t refdata_currency_count(const struct refdata *rd) { return rd ? rd->currencies.n : 0; }
size_t refdata_location_count(const struct refdata *rd) { return rd ? rd->locations.n : 0; }
