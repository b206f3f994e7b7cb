/* csv.h - streaming RFC 4180 CSV reader over a FILE: quoted fields, doubled quotes, CRLF
 * or LF, newlines inside quotes, a UTF-8 BOM skipped at the start. Memory is bounded by
 * max_fields * (max_field + 1) bytes. Empty lines are skipped, not returned as records. */
#ifndef SW_CSV_H
#define SW_CSV_H
#include <stddef.h>
#include <stdio.h>

struct csv_reader {
  FILE *f;
  size_t max_field, max_fields;
  char *buf;       /* fields of the current record, each NUL-terminated */
  size_t len, cap; /* bytes used / allocated in buf */
  size_t *off;     /* start of each field in buf; max_fields slots */
  size_t nfields;
  long line;      /* line (counting LFs, from 1) where the current record starts */
  long next_line; /* physical line the next byte belongs to */
  unsigned char pend[3];
  int npend;   /* bytes read ahead (BOM check) or handed back (after a lone CR) */
  int started; /* BOM check done */
  int err;     /* sticky: once a call failed, every later call returns this */
};

/* Prepares r to read f, which stays the caller's. Fields longer than max_field bytes or
 * records with more than max_fields fields are errors. 0, -SW_EINVAL or -SW_ENOMEM. */
int csv_reader_init(struct csv_reader *r, FILE *f, size_t max_field, size_t max_fields);
/* Frees what r holds (not f, not r). */
void csv_reader_release(struct csv_reader *r);
/* Reads the next record: 1 and *nfields set, 0 at end of input, or -SW_EINVAL (quote
 * out of place, unterminated quote, NUL byte), -SW_ETOOBIG, -SW_ENOMEM, -SW_EIO. */
int csv_next(struct csv_reader *r, size_t *nfields);
/* Field i of the current record, valid until the next csv_next; "" when i is past the
 * last field, so short rows read as empty trailing fields. */
const char *csv_field(const struct csv_reader *r, size_t i);
/* Line number where the current record starts (after an error: where the bad record
 * started), for messages. */
long csv_line(const struct csv_reader *r);
/* Index of the field equal to name in the current record (a header), or -1. */
int csv_column(const struct csv_reader *r, const char *name);

#endif
