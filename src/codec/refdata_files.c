#include "codec/refdata_files.h"

#include "codec/csv.h"
#include "core/err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RL_MAX_FIELD 8192   /* longest field; HS descriptions are under 300 bytes */
#define RL_MAX_FIELDS 256   /* country-codes.csv has 56 columns */
#define RL_MAX_KEYS 4000000 /* distinct codes per file */
#define RL_KEY 12           /* longest code kept for de-duplication, with its NUL */

/* Codes already delivered, so duplicates keep the first row: open addressing. */
struct rl_seen {
  char (*keys)[RL_KEY];
  size_t cap, n;
};

struct rl {
  struct csv_reader csv;
  struct rl_seen seen;
  char *err;
  size_t errlen;
};

static int rl_fail(struct rl *l, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "line N: <message>" to the caller's buffer and returns rc. */
static int rl_fail(struct rl *l, int rc, const char *fmt, ...) {
  if (!l->err || l->errlen == 0) return rc;
  int n = snprintf(l->err, l->errlen, "line %ld: ", csv_line(&l->csv));
  if (n < 0 || (size_t)n >= l->errlen) return rc;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
  va_end(ap);
  return rc;
}

static uint32_t rl_hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static int rl_seen_grow(struct rl_seen *s) {
  size_t cap = s->cap ? s->cap * 2 : 1024;
  char(*keys)[RL_KEY] = calloc(cap, sizeof(*keys));
  if (!keys) return -SW_ENOMEM;
  for (size_t i = 0; i < s->cap; i++) {
    if (!s->keys[i][0]) continue;
    size_t j = rl_hash(s->keys[i]) & (cap - 1);
    while (keys[j][0])
      j = (j + 1) & (cap - 1);
    memcpy(keys[j], s->keys[i], RL_KEY);
  }
  free(s->keys);
  s->keys = keys;
  s->cap = cap;
  return 0;
}

/* 1 when key is new (and now remembered), 0 when seen before, or a negative code. */
static int rl_seen_add(struct rl_seen *s, const char *key) {
  size_t len = strlen(key);
  if (len == 0 || len >= RL_KEY) return -SW_EINVAL;
  if (s->n >= RL_MAX_KEYS) return -SW_ETOOBIG;
  if (2 * (s->n + 1) > s->cap) {
    int rc = rl_seen_grow(s);
    if (rc) return rc;
  }
  size_t j = rl_hash(key) & (s->cap - 1);
  for (; s->keys[j][0]; j = (j + 1) & (s->cap - 1))
    if (strcmp(s->keys[j], key) == 0) return 0;
  memcpy(s->keys[j], key, len + 1);
  s->n++;
  return 1;
}

/* Reads the next row; on a CSV error fills err. 1 row, 0 end, negative error. */
static int rl_next(struct rl *l) {
  size_t n;
  int rc = csv_next(&l->csv, &n);
  if (rc >= 0) return rc;
  if (rc == -SW_ETOOBIG)
    return rl_fail(l, rc, "field longer than %d bytes or more than %d fields", RL_MAX_FIELD,
                   RL_MAX_FIELDS);
  if (rc == -SW_EINVAL)
    return rl_fail(l, rc, "malformed CSV (unterminated or misplaced quote, or NUL byte)");
  return rl_fail(l, rc, "%s", sw_strerror(rc));
}

/* Opens the reader and maps header names to columns; optional names (bit set in
 * optional) get -1 when absent. */
static int rl_begin(struct rl *l, FILE *f, char *err, size_t errlen, const char *const *names,
                    int *idx, size_t n, unsigned optional) {
  memset(l, 0, sizeof(*l));
  l->err = err;
  l->errlen = errlen;
  if (err && errlen) err[0] = '\0';
  int rc = csv_reader_init(&l->csv, f, RL_MAX_FIELD, RL_MAX_FIELDS);
  if (rc) return rl_fail(l, rc, "cannot read: %s", sw_strerror(rc));
  rc = rl_next(l);
  if (rc < 0) return rc;
  if (rc == 0) {
    l->csv.line = 1;
    return rl_fail(l, -SW_EINVAL, "empty file, expected a header row");
  }
  for (size_t i = 0; i < n; i++) {
    idx[i] = csv_column(&l->csv, names[i]);
    if (idx[i] < 0 && !(optional & (1u << i)))
      return rl_fail(l, -SW_EINVAL, "missing column '%s' in the header", names[i]);
  }
  return 0;
}

static void rl_end(struct rl *l) {
  csv_reader_release(&l->csv);
  free(l->seen.keys);
  l->seen.keys = NULL;
}

static const char *rl_col(const struct rl *l, int idx) {
  return idx < 0 ? "" : csv_field(&l->csv, (size_t)idx);
}

static int rl_digits(const char *s, size_t min, size_t max) {
  size_t n = strlen(s);
  if (n < min || n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

static int rl_upper(const char *s, size_t len) {
  if (strlen(s) != len) return 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] < 'A' || s[i] > 'Z') return 0;
  return 1;
}

static int rl_roman(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 8) return 0;
  return strspn(s, "IVX") == n;
}

/* ISO numeric codes lose their leading zeros in some files ("4" for Afghanistan). */
static int rl_numeric3(const char *s, char out[4]) {
  if (!s[0]) {
    out[0] = '\0';
    return 1;
  }
  if (!rl_digits(s, 1, 3)) return 0;
  size_t n = strlen(s);
  memset(out, '0', 3);
  memcpy(out + 3 - n, s, n);
  out[3] = '\0';
  return 1;
}

/* Remembers key; 1 to deliver the row, 0 for a duplicate, or a negative code. */
static int rl_first(struct rl *l, const char *key) {
  int rc = rl_seen_add(&l->seen, key);
  if (rc < 0) return rl_fail(l, rc, "cannot track code '%s': %s", key, sw_strerror(rc));
  return rc;
}

static int rl_added(struct rl *l, int rc, const char *what, const char *code) {
  if (rc) return rl_fail(l, rc, "%s '%s' not accepted: %s", what, code, sw_strerror(rc));
  return 0;
}

static int rl_delivered(struct rl *l, int rc) {
  if (rc < 0) return rl_fail(l, rc, "row rejected by the caller: %s", sw_strerror(rc));
  return 0;
}

int refload_hs(FILE *f, struct refdata *rd, refload_hs_fn *row, void *ctx, char *err,
               size_t errlen) {
  static const char *const names[] = {"section", "hscode", "description", "parent", "level"};
  int ix[5] = {-1, -1, -1, -1, -1};
  struct rl l;
  int rc = rl_begin(&l, f, err, errlen, names, ix, 5, 0);
  if (rc) goto out;
  while ((rc = rl_next(&l)) == 1) {
    const char *section = rl_col(&l, ix[0]), *code = rl_col(&l, ix[1]);
    const char *desc = rl_col(&l, ix[2]), *parent = rl_col(&l, ix[3]);
    const char *lv = rl_col(&l, ix[4]);
    if (strcmp(code, "TOTAL") == 0) continue;
    if (!rl_digits(lv, 1, 1) || (lv[0] != '2' && lv[0] != '4' && lv[0] != '6')) {
      rc = rl_fail(&l, -SW_EINVAL, "level '%s' is not 2, 4 or 6", lv);
      goto out;
    }
    int level = lv[0] - '0';
    if (!rl_digits(code, (size_t)level, (size_t)level)) {
      rc = rl_fail(&l, -SW_EINVAL, "hscode '%s' is not %d digits", code, level);
      goto out;
    }
    if (level == 2) {
      if (parent[0] && strcmp(parent, "TOTAL") != 0) {
        rc = rl_fail(&l, -SW_EINVAL, "chapter %s has parent '%s', expected TOTAL", code, parent);
        goto out;
      }
      parent = "";
    } else if (!rl_digits(parent, (size_t)level - 2, (size_t)level - 2) ||
               strncmp(code, parent, (size_t)level - 2) != 0) {
      rc = rl_fail(&l, -SW_EINVAL, "parent '%s' of %s is not its %d-digit prefix", parent, code,
                   level - 2);
      goto out;
    }
    /* Chapter 99 (statistical "not specified according to kind") has no section. */
    if (strcmp(section, "TOTAL") == 0) section = "";
    if (section[0] && !rl_roman(section)) {
      rc = rl_fail(&l, -SW_EINVAL, "section '%s' of %s is not a Roman numeral", section, code);
      goto out;
    }
    if ((rc = rl_first(&l, code)) <= 0) {
      if (rc < 0) goto out;
      continue;
    }
    struct hs_entry e = {code, desc, parent, section, level};
    if (rd && (rc = rl_added(&l, refdata_add_hs(rd, code, desc, parent, section, level), "HS code",
                             code)) != 0)
      goto out;
    if (row && (rc = rl_delivered(&l, row(ctx, csv_line(&l.csv), &e))) != 0) goto out;
  }
out:
  rl_end(&l);
  return rc;
}

int refload_sections(FILE *f, struct refdata *rd, refload_section_fn *row, void *ctx, char *err,
                     size_t errlen) {
  static const char *const names[] = {"section", "name"};
  int ix[2] = {-1, -1};
  struct rl l;
  int rc = rl_begin(&l, f, err, errlen, names, ix, 2, 0);
  if (rc) goto out;
  while ((rc = rl_next(&l)) == 1) {
    const char *section = rl_col(&l, ix[0]), *name = rl_col(&l, ix[1]);
    if (!rl_roman(section)) {
      rc = rl_fail(&l, -SW_EINVAL, "section '%s' is not a Roman numeral", section);
      goto out;
    }
    if ((rc = rl_first(&l, section)) <= 0) {
      if (rc < 0) goto out;
      continue;
    }
    struct hs_section s = {section, name};
    if (rd && (rc = rl_added(&l, refdata_add_section(rd, section, name), "section", section)) != 0)
      goto out;
    if (row && (rc = rl_delivered(&l, row(ctx, csv_line(&l.csv), &s))) != 0) goto out;
  }
out:
  rl_end(&l);
  return rc;
}

int refload_countries(FILE *f, struct refdata *rd, refload_country_fn *row, void *ctx, char *err,
                      size_t errlen) {
  static const char *const names[] = {"ISO3166-1-Alpha-2", "ISO3166-1-Alpha-3", "ISO3166-1-numeric",
                                      "official_name_en", "CLDR display name"};
  int ix[5] = {-1, -1, -1, -1, -1};
  struct rl l;
  int rc = rl_begin(&l, f, err, errlen, names, ix, 5, 1u << 3 | 1u << 4);
  if (rc) goto out;
  if (ix[3] < 0 && ix[4] < 0) {
    rc = rl_fail(&l, -SW_EINVAL, "missing column 'official_name_en' or 'CLDR display name'");
    goto out;
  }
  while ((rc = rl_next(&l)) == 1) {
    const char *a2 = rl_col(&l, ix[0]), *a3 = rl_col(&l, ix[1]), *num = rl_col(&l, ix[2]);
    const char *name = rl_col(&l, ix[3]);
    if (!name[0]) name = rl_col(&l, ix[4]);
    if (!a2[0]) continue;
    char num3[4];
    if (!rl_upper(a2, 2) || !rl_upper(a3, 3)) {
      rc = rl_fail(&l, -SW_EINVAL, "country codes '%s'/'%s' are not 2 and 3 capital letters", a2,
                   a3);
      goto out;
    }
    if (!rl_numeric3(num, num3)) {
      rc = rl_fail(&l, -SW_EINVAL, "numeric code '%s' of %s is not 1-3 digits", num, a2);
      goto out;
    }
    if (!name[0]) {
      rc = rl_fail(&l, -SW_EINVAL, "country %s has no English name", a2);
      goto out;
    }
    if ((rc = rl_first(&l, a2)) <= 0) {
      if (rc < 0) goto out;
      continue;
    }
    struct country c = {a2, a3, num3, name};
    if (rd && (rc = rl_added(&l, refdata_add_country(rd, a2, a3, num3, name), "country", a2)) != 0)
      goto out;
    if (row && (rc = rl_delivered(&l, row(ctx, csv_line(&l.csv), &c))) != 0) goto out;
  }
out:
  rl_end(&l);
  return rc;
}

int refload_currencies(FILE *f, struct refdata *rd, refload_currency_fn *row, void *ctx, char *err,
                       size_t errlen) {
  static const char *const names[] = {"AlphabeticCode", "NumericCode", "Currency", "MinorUnit",
                                      "WithdrawalDate"};
  int ix[5] = {-1, -1, -1, -1, -1};
  struct rl l;
  int rc = rl_begin(&l, f, err, errlen, names, ix, 5, 1u << 4);
  if (rc) goto out;
  while ((rc = rl_next(&l)) == 1) {
    const char *code = rl_col(&l, ix[0]), *num = rl_col(&l, ix[1]);
    const char *name = rl_col(&l, ix[2]), *mu = rl_col(&l, ix[3]);
    if (!code[0] || rl_col(&l, ix[4])[0]) continue;
    if (!rl_upper(code, 3)) {
      rc = rl_fail(&l, -SW_EINVAL, "currency code '%s' is not 3 capital letters", code);
      goto out;
    }
    char num3[4];
    if (!rl_numeric3(num, num3)) {
      rc = rl_fail(&l, -SW_EINVAL, "numeric code '%s' of %s is not 1-3 digits", num, code);
      goto out;
    }
    int minor = -1;
    if (rl_digits(mu, 1, 1)) {
      minor = mu[0] - '0';
    } else if (mu[0] && strcmp(mu, "N.A.") != 0 && strcmp(mu, "-") != 0) {
      rc = rl_fail(&l, -SW_EINVAL, "minor unit '%s' of %s is not a digit or N.A.", mu, code);
      goto out;
    }
    if ((rc = rl_first(&l, code)) <= 0) {
      if (rc < 0) goto out;
      continue;
    }
    struct currency c = {code, num3, name, minor};
    if (rd && (rc = rl_added(&l, refdata_add_currency(rd, code, num3, name, minor), "currency",
                             code)) != 0)
      goto out;
    if (row && (rc = rl_delivered(&l, row(ctx, csv_line(&l.csv), &c))) != 0) goto out;
  }
out:
  rl_end(&l);
  return rc;
}

static int rl_locode_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

int refload_locations(FILE *f, struct refdata *rd, refload_location_fn *row, void *ctx, char *err,
                      size_t errlen) {
  static const char *const names[] = {"Country", "Location", "Name", "Function",
                                      "NameWoDiacritics"};
  int ix[5] = {-1, -1, -1, -1, -1};
  struct rl l;
  int rc = rl_begin(&l, f, err, errlen, names, ix, 5, 1u << 4);
  if (rc) goto out;
  while ((rc = rl_next(&l)) == 1) {
    const char *cc = rl_col(&l, ix[0]), *loc = rl_col(&l, ix[1]);
    const char *name = rl_col(&l, ix[2]), *fn = rl_col(&l, ix[3]);
    if (!name[0]) name = rl_col(&l, ix[4]);
    if (!loc[0]) continue;
    if (!rl_upper(cc, 2) || strlen(loc) != 3 || !rl_locode_char(loc[0]) ||
        !rl_locode_char(loc[1]) || !rl_locode_char(loc[2])) {
      rc = rl_fail(&l, -SW_EINVAL, "'%s' + '%s' is not a UN/LOCODE (2 letters + 3 letters/digits)",
                   cc, loc);
      goto out;
    }
    if (!name[0]) {
      rc = rl_fail(&l, -SW_EINVAL, "location %s%s has no name", cc, loc);
      goto out;
    }
    if (strlen(fn) > 16) {
      rc = rl_fail(&l, -SW_EINVAL, "function '%s' of %s%s is longer than 16", fn, cc, loc);
      goto out;
    }
    char locode[6] = {cc[0], cc[1], loc[0], loc[1], loc[2], '\0'};
    char country[3] = {cc[0], cc[1], '\0'};
    if ((rc = rl_first(&l, locode)) <= 0) {
      if (rc < 0) goto out;
      continue;
    }
    struct location e = {locode, country, name, fn};
    if (rd &&
        (rc = rl_added(&l, refdata_add_location(rd, locode, name, fn), "location", locode)) != 0)
      goto out;
    if (row && (rc = rl_delivered(&l, row(ctx, csv_line(&l.csv), &e))) != 0) goto out;
  }
out:
  rl_end(&l);
  return rc;
}
