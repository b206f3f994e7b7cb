/* edi_check.h - one pass over an EDIFACT stream: parse, validate against the directory,
 * collect a bounded report, optionally build the CONTRL and call the caller's hooks.
 * This is what swctl edi, POST /v1/edi, the fuzz target and the benchmark use. */
#ifndef SW_EDI_CHECK_H
#define SW_EDI_CHECK_H
#include <stdint.h>

#include "codec/edifact/edi.h"

struct edi_contrl;

#define EDI_REPORT_MAX 200 /* problems kept; the rest are counted */

struct edi_report {
  struct edi_error items[EDI_REPORT_MAX];
  size_t n;                  /* kept */
  uint64_t errors, warnings; /* all reported */
  uint64_t segments, messages, interchanges;
  uint64_t bytes;
};

struct edi_check_opts {
  int parse_only;                  /* syntax and envelope only, no directory validation */
  int no_codes;                    /* skip code-list checks */
  int keep_warnings;               /* keep warnings in items (they are always counted) */
  const struct edi_limits *limits; /* NULL: parser defaults */
  struct edi_contrl *contrl;       /* when set, fed with every problem and end event */
  struct edi_handler user;         /* the caller's hooks, called after validation */
};

struct edi_check;

/* Creates a checker; o may be NULL (validate, keep errors only). 0 or -SW_ENOMEM. */
int edi_check_new(struct edi_check **out, const struct edi_check_opts *o);
/* Frees c and what it holds (not o->contrl); NULL is fine. */
void edi_check_free(struct edi_check *c);
/* Feeds len bytes; returns 0 or what a user segment hook returned to stop. */
int edi_check_feed(struct edi_check *c, const void *data, size_t len);
/* Ends the stream (see edi_parser_finish). */
int edi_check_finish(struct edi_check *c);
/* The report so far (segments: as of the last edi_check_feed or edi_check_finish); valid
 * until edi_check_free. */
const struct edi_report *edi_check_report(const struct edi_check *c);
/* The underlying parser, for hooks that report their own problems. */
struct edi_parser *edi_check_parser(struct edi_check *c);
/* Reads the file at path through a checker made from o into *r (copied out). Returns 0,
 * -SW_EIO when the file cannot be read, -SW_ENOMEM. */
int edi_check_file(const char *path, const struct edi_check_opts *o, struct edi_report *r);

#endif
