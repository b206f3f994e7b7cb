#include "codec/csv.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define CSV_EOF (-1)

int csv_reader_init(struct csv_reader *r, FILE *f, size_t max_field, size_t max_fields) {
  memset(r, 0, sizeof(*r));
  if (!f || max_field == 0 || max_fields == 0) return -SW_EINVAL;
  /* The whole record must fit in buf; refuse limits whose product overflows. */
  if (max_field >= ((size_t)-1) / 2 / max_fields) return -SW_EINVAL;
  r->off = malloc(max_fields * sizeof(*r->off));
  if (!r->off) return -SW_ENOMEM;
  r->f = f;
  r->max_field = max_field;
  r->max_fields = max_fields;
  r->line = 0;
  r->next_line = 1;
  return 0;
}

void csv_reader_release(struct csv_reader *r) {
  free(r->buf);
  free(r->off);
  r->buf = NULL;
  r->off = NULL;
  r->cap = r->len = r->nfields = 0;
}

static int csv_getc(struct csv_reader *r) {
  if (r->npend > 0) {
    int c = r->pend[0];
    memmove(r->pend, r->pend + 1, (size_t)--r->npend);
    return c;
  }
  int c = getc(r->f);
  return c == EOF ? CSV_EOF : c;
}

/* Looks at the first three bytes once; anything but a BOM is handed back unread. */
static void csv_skip_bom(struct csv_reader *r) {
  r->started = 1;
  int n = 0;
  int c;
  while (n < 3 && (c = getc(r->f)) != EOF)
    r->pend[n++] = (unsigned char)c;
  if (n == 3 && r->pend[0] == 0xEF && r->pend[1] == 0xBB && r->pend[2] == 0xBF) n = 0;
  r->npend = n;
}

static int csv_put(struct csv_reader *r, char c) {
  if (r->len == r->cap) {
    size_t limit = r->max_fields * (r->max_field + 1);
    size_t cap = r->cap ? r->cap * 2 : 256;
    if (cap > limit) cap = limit;
    if (cap <= r->len) return -SW_ETOOBIG;
    char *p = realloc(r->buf, cap);
    if (!p) return -SW_ENOMEM;
    r->buf = p;
    r->cap = cap;
  }
  r->buf[r->len++] = c;
  return 0;
}

static int csv_start_field(struct csv_reader *r) {
  if (r->nfields == r->max_fields) return -SW_ETOOBIG;
  r->off[r->nfields++] = r->len;
  return 0;
}

/* Appends c to the open field, enforcing max_field. */
static int csv_add(struct csv_reader *r, int c) {
  if (c == 0) return -SW_EINVAL;
  if (r->len - r->off[r->nfields - 1] >= r->max_field) return -SW_ETOOBIG;
  return csv_put(r, (char)c);
}

int csv_next(struct csv_reader *r, size_t *nfields) {
  int rc = 0;
  int c;
  if (nfields) *nfields = 0;
  if (r->err) return r->err;
  if (!r->off) return -SW_EINVAL;
  if (!r->started) csv_skip_bom(r);
  r->len = 0;
  r->nfields = 0;

  /* Skip empty lines; stop on the first byte of a record. */
  for (;;) {
    c = csv_getc(r);
    if (c == CSV_EOF) {
      rc = ferror(r->f) ? -SW_EIO : 0;
      goto out;
    }
    if (c == '\n') {
      r->next_line++;
      continue;
    }
    if (c == '\r') continue;
    break;
  }
  r->line = r->next_line;

  for (;;) { /* one field per turn; c holds its first byte */
    if ((rc = csv_start_field(r)) != 0) goto out;
    if (c == '"') {
      for (;;) {
        c = csv_getc(r);
        if (c == CSV_EOF) {
          rc = ferror(r->f) ? -SW_EIO : -SW_EINVAL; /* unterminated quote */
          goto out;
        }
        if (c == '"') {
          c = csv_getc(r);
          if (c != '"') break; /* closing quote; c is what follows it */
        } else if (c == '\n') {
          r->next_line++;
        }
        if ((rc = csv_add(r, c)) != 0) goto out;
      }
      if (c != ',' && c != '\n' && c != '\r' && c != CSV_EOF) {
        rc = -SW_EINVAL; /* text after a closing quote */
        goto out;
      }
    } else {
      /* A bare quote inside an unquoted field is kept as text, as most writers do. */
      while (c != ',' && c != '\n' && c != '\r' && c != CSV_EOF) {
        if ((rc = csv_add(r, c)) != 0) goto out;
        c = csv_getc(r);
      }
    }
    if ((rc = csv_put(r, '\0')) != 0) goto out;
    if (c == ',') {
      c = csv_getc(r);
      if (c == '\n' || c == '\r' || c == CSV_EOF) { /* trailing empty field */
        if ((rc = csv_start_field(r)) != 0 || (rc = csv_put(r, '\0')) != 0) goto out;
        break;
      }
      continue;
    }
    break;
  }
  if (c == '\r') {
    c = csv_getc(r);
    if (c != '\n' && c != CSV_EOF) {
      /* A lone CR ends the record too; hand the byte back, ahead of any read-ahead. */
      memmove(r->pend + 1, r->pend, (size_t)r->npend);
      r->pend[0] = (unsigned char)c;
      r->npend++;
    }
  }
  if (c == '\n') r->next_line++;
  if (c == CSV_EOF && ferror(r->f)) {
    rc = -SW_EIO;
    goto out;
  }
  rc = 1;
  if (nfields) *nfields = r->nfields;

out:
  if (rc < 0) {
    r->err = rc;
    r->nfields = 0;
    if (r->line == 0) r->line = r->next_line;
  }
  return rc;
}

const char *csv_field(const struct csv_reader *r, size_t i) {
  if (!r || i >= r->nfields) return "";
  return r->buf + r->off[i];
}

long csv_line(const struct csv_reader *r) { return r ? r->line : 0; }

int csv_column(const struct csv_reader *r, const char *name) {
  if (!r || !name) return -1;
  for (size_t i = 0; i < r->nfields; i++)
    if (strcmp(r->buf + r->off[i], name) == 0) return i <= 0x7fffffff ? (int)i : -1;
  return -1;
}
