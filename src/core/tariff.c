#include "core/tariff.h"

#include <stdlib.h>
#include <string.h>

static int cmp_line(const void *a, const void *b) {
  const struct tariff_line *x = a, *y = b;
  int c = strcmp(x->code, y->code);
  return c ? c : (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

static int cmp_rate(const void *a, const void *b) {
  const struct fx_rate *x = a, *y = b;
  int c = strcmp(x->currency, y->currency);
  return c ? c : (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

void tariff_sort(struct tariff *t) {
  if (t->n_lines) qsort(t->lines, t->n_lines, sizeof *t->lines, cmp_line);
  if (t->n_rates) qsort(t->rates, t->n_rates, sizeof *t->rates, cmp_rate);
}

/* The latest entry with exactly this code in force on day. */
static const struct tariff_line *find_exact(const struct tariff *t, const char *code, int64_t day) {
  size_t lo = 0, hi = t->n_lines;
  while (lo < hi) { /* first entry with code >= wanted */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(t->lines[mid].code, code) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  const struct tariff_line *best = NULL;
  for (size_t i = lo; i < t->n_lines && strcmp(t->lines[i].code, code) == 0; i++)
    if (t->lines[i].effective_from <= day) best = &t->lines[i];
  return best;
}

const struct tariff_line *tariff_find(const struct tariff *t, const char *hs, int64_t day) {
  char code[TARIFF_CODE_MAX + 1];
  size_t n = hs ? strlen(hs) : 0;
  if (n > TARIFF_CODE_MAX) n = TARIFF_CODE_MAX;
  memcpy(code, hs, n);
  for (; n >= 2; n--) {
    code[n] = 0;
    const struct tariff_line *l = find_exact(t, code, day);
    if (l) return l;
  }
  return NULL;
}

static int origin_listed(const char *list, const char *origin) {
  size_t n = strlen(origin);
  for (const char *p = list; n && *p;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && strncmp(p, origin, n) == 0) return 1;
    p += len + (e ? 1 : 0);
  }
  return 0;
}

const struct tariff_pref *tariff_pref_find(const struct tariff *t, const char *hs,
                                           const char *agreement, const char *origin, int64_t day) {
  const struct tariff_pref *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; hs && origin && i < t->n_prefs; i++) {
    const struct tariff_pref *p = &t->prefs[i];
    size_t len = strlen(p->code);
    if (strcmp(p->agreement, agreement) || p->effective_from > day || strncmp(hs, p->code, len) ||
        !origin_listed(p->origins, origin))
      continue;
    if (!best || len > best_len || (len == best_len && p->effective_from > best->effective_from)) {
      best = p;
      best_len = len;
    }
  }
  return best;
}

int64_t tariff_rate(const struct tariff *t, const char *currency, int64_t day) {
  if (!currency) return -1;
  if (strcmp(currency, t->national) == 0) return 1000000;
  int64_t rate = -1;
  for (size_t i = 0; i < t->n_rates; i++)
    if (strcmp(t->rates[i].currency, currency) == 0 && t->rates[i].effective_from <= day)
      rate = t->rates[i].rate_micro;
  return rate;
}
