/* edi_validate.h - directory-driven validation of UN/EDIFACT messages, streaming.
 *
 * Chained on the parser's callbacks: for every message whose UNH names a shipped
 * directory (D96A, D96B, D01B, D03B; CONTRL/AUTACK/KEYMAN in the service directories) it
 * checks the message structure (segment order, groups, repetitions, mandatory segments and
 * groups) and every segment's data elements (presence, repetitions, number of components,
 * format an/n/a with lengths, code lists where the directory gives one). Service segments
 * (UNB, UNG, UNH, UNT, UNE, UNZ, UNS) are checked against the service syntax definitions
 * of the interchange's syntax version. Problems go through edi_parser_report, so they
 * reach the same error callback as syntax problems, with positions.
 *
 * Memory: a fixed-size state per validator (the structure stack of the current message),
 * whatever the size of the message or interchange. */
#ifndef SW_EDI_VALIDATE_H
#define SW_EDI_VALIDATE_H
#include "codec/edifact/edi.h"
#include "codec/edifact/edi_dir.h"

struct edi_validate_opts {
  int no_codes; /* skip code-list checks */
};

struct edi_validator;

/* Creates a validator; o may be NULL for defaults. 0 or -SW_ENOMEM; free with
 * edi_validator_free. */
int edi_validator_new(struct edi_validator **out, const struct edi_validate_opts *o);
void edi_validator_free(struct edi_validator *v);
/* Validates s; call it from the parser's segment callback with the same arguments. */
void edi_validator_segment(struct edi_validator *v, struct edi_parser *p,
                           const struct edi_segment *s, const struct edi_envelope *env);
/* Ends the current message's checks (mandatory segments never seen); call it from the
 * parser's end callback. */
void edi_validator_end(struct edi_validator *v, struct edi_parser *p, int level,
                       const struct edi_envelope *env);
/* The directory and message structure the current message is validated against (NULL
 * when none applies), for callers that map messages. */
const struct edi_directory *edi_validator_directory(const struct edi_validator *v);
const struct edi_msgdef *edi_validator_message(const struct edi_validator *v);

#endif
