/* edi_ack.h - writing EDIFACT: a bounded output buffer, a segment writer that escapes
 * values, the CONTRL builder (syntax-level acknowledgement of every interchange) and the
 * APERAK helper (application-level answer to one message). */
#ifndef SW_EDI_ACK_H
#define SW_EDI_ACK_H
#include <stddef.h>
#include <stdint.h>

#include "codec/edifact/edi.h"

struct errlist;

/* Growable output with a maximum (bytes past it are refused and err is set). */
struct edi_buf {
  char *p;
  size_t len, cap, max;
  int err; /* sticky: -SW_ETOOBIG or -SW_ENOMEM once a write failed */
};

/* Prepares an empty buffer holding at most max bytes (0: 64 MiB). */
void edi_buf_init(struct edi_buf *b, size_t max);
/* Frees the bytes (not b). */
void edi_buf_release(struct edi_buf *b);
/* Appends n bytes; 0 or the sticky error. */
int edi_buf_put(struct edi_buf *b, const void *s, size_t n);

/* Writes segments with the given separators (rep 0: syntax versions 1-3), escaping every
 * service character in values with the release character. */
struct edi_writer {
  struct edi_buf *b;
  unsigned char comp, elem, rel, rep, term;
  int newline;    /* a line feed after each terminator (readability; ignored by parsers) */
  int latin1;     /* values are UTF-8, the interchange UNOC: write them as ISO 8859-1 (what
                     Latin-1 cannot hold becomes '?') */
  uint32_t nsegs; /* segments written (for UNT) */
};

/* Default separators of the syntax version (4: with '*' repetition). */
void edi_writer_init(struct edi_writer *w, struct edi_buf *b, int version);
void edi_w_tag(struct edi_writer *w, const char *tag);
/* A new data element whose first component is v (NULL or "" for empty). */
void edi_w_el(struct edi_writer *w, const char *v);
/* The next component of the current element. */
void edi_w_co(struct edi_writer *w, const char *v);
/* Value bytes of the current component, escaped (for values not NUL-terminated). */
void edi_w_val(struct edi_writer *w, const char *v, size_t n);
void edi_w_end(struct edi_writer *w);
/* A decimal number as a new element (comp 0) or as the next component (comp 1). */
void edi_w_num(struct edi_writer *w, uint64_t n, int comp);
/* s as up to max further components of at most 70 characters each (free text, C108). */
void edi_w_text70(struct edi_writer *w, const char *s, int max);
/* Bytes of the first `chars` UTF-8 characters of s (n bytes): for an..N truncation. */
size_t edi_utf8_prefix(const char *s, size_t n, size_t chars);
/* t (seconds since 1970; 0: now) as CCYYMMDDHHMM in UTC (date/time format 203). */
void edi_fmt_203(int64_t t, char out[16]);

/* CONTRL builder: fed with every problem and end event of a parse (edi_check does it), it
 * writes one CONTRL interchange per received interchange into out: UCI with the action
 * (7 acknowledged, 4 rejected) and the first interchange-level error; UCF per group;
 * UCM per message (7 or 4) with UCS/UCD for segment and element errors (syntax codes
 * 0085 and positions). Warnings are not reported. Streams without UNB get no CONTRL. */
struct edi_contrl_opts {
  const char *sender;      /* our interchange id (default "OPENSW") */
  const char *sender_qual; /* its qualifier (0007), may be NULL */
  int64_t now;             /* seconds since 1970 for UNB date/time; 0: the clock */
  uint64_t ref;            /* first interchange control reference (0: derived from now) */
};

struct edi_contrl;

/* Creates a builder writing into out (kept by the caller). 0 or -SW_ENOMEM. */
int edi_contrl_new(struct edi_contrl **out, const struct edi_contrl_opts *o, struct edi_buf *buf);
void edi_contrl_free(struct edi_contrl *c);
void edi_contrl_error(struct edi_contrl *c, const struct edi_error *e,
                      const struct edi_envelope *env);
void edi_contrl_end(struct edi_contrl *c, int level, const struct edi_envelope *env);
/* Interchanges acknowledged so far, and how many of them were rejected. */
unsigned edi_contrl_count(const struct edi_contrl *c, unsigned *rejected);

/* APERAK (D96A) answering message m of the interchange: BGM 1225 29 (accepted) when errs
 * is NULL or empty, else 27 (not accepted) with one ERC + FTX per problem: ERC 9321 is 13
 * (missing) for "required" and 12 (invalid) otherwise; FTX AAO carries the stable problem
 * code, its path and message (docs/validation-codes.md). number: our document number;
 * registered: the official declaration number (RFF ABT) or NULL. Writes UNH..UNT with w
 * (ref: the UNH reference to use). Returns 0 or the buffer's error. */
int edi_aperak_write(struct edi_writer *w, const char *ref, const struct edi_message *m,
                     const char *number, const char *registered, const struct errlist *errs,
                     int64_t now);

/* UNB and UNZ for an answer interchange from us to the sender of ic. */
void edi_w_unb(struct edi_writer *w, const struct edi_interchange *ic, const char *sender,
               const char *sender_qual, const char *ref, int64_t now);
void edi_w_unz(struct edi_writer *w, unsigned count, const char *ref);

#endif
