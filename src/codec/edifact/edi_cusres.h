/* edi_cusres.h - CUSRES (D96B) out: the status changes of a declaration that arrived by
 * UN/EDIFACT, one Customs response message per change (docs/edifact.md, "CUSRES").
 *
 * Pure functions from small structs to EDIFACT text, written with the CONTRL/APERAK writer
 * (edi_ack.h): syntax UNOC level 3, default separators, values escaped, UTF-8 converted to
 * Latin-1. Every message validates against the project's D96B directory tables.
 *
 * One message:
 *   UNH+n+CUSRES:D:96B:UN
 *   BGM+962+<declarant's reference>+<1225>+<4343>       962 Document response (Customs)
 *   DTM+137:<when the status changed>:203
 *   DTM+148|204|46:<same>:203                           acceptance / release / cancellation
 *   LOC+22+<office>                                     customs office of clearance
 *   GIS+<7365>                                          the processing indicator
 *   RFF+ABT:<official number>                           SG3
 *   ERP+1 ERC+<code> FTX+ACD+++<code>:<agency>:<text>   SG4, once per refusal reason
 *   UNT
 * Status -> BGM 1225 / 4343 / GIS 7365:
 *   registered        29 accepted without amendment / AP / 1 message content accepted
 *   awaiting_payment  23 transaction on hold / CA / 30 not processed until action is taken
 *   released          29 / AP / 4 goods released
 *   refused           27 not accepted / RE / 2 message content rejected with comment
 *   cancelled         1 cancellation / (none) / (no GIS) */
#ifndef SW_EDI_CUSRES_H
#define SW_EDI_CUSRES_H
#include <stddef.h>
#include <stdint.h>

#include "codec/edifact/edi_ack.h"

enum edi_cusres_kind {
  EDI_CUSRES_REGISTERED = 0, /* accepted: the official number is assigned */
  EDI_CUSRES_AWAITING_PAYMENT,
  EDI_CUSRES_RELEASED,
  EDI_CUSRES_REFUSED,
  EDI_CUSRES_CANCELLED,
};

#define EDI_CUSRES_MAX_REASONS 99 /* SG4 repetitions in D96B */

/* Why a declaration was refused (or cancelled): an agency's reason code and its note. */
struct edi_cusres_reason {
  const char *agency; /* may be NULL */
  const char *code;   /* the reason code (ERC when it fits an..8, always in FTX); may be NULL */
  const char *text;   /* free text; may be NULL */
};

struct edi_cusres {
  enum edi_cusres_kind kind;
  const char *reference; /* the declarant's reference (the CUSDEC's BGM document number) */
  const char *number;    /* the official declaration number (RFF+ABT); NULL: none */
  const char *office;    /* UN/LOCODE of the office (LOC+22); NULL: none */
  int64_t at;            /* when the status changed, seconds since 1970 */
  const struct edi_cusres_reason *reasons;
  size_t n_reasons; /* at most EDI_CUSRES_MAX_REASONS are written */
};

/* Writes one CUSRES (UNH..UNT) with w; ref is its UNH message reference. Returns 0, the
 * buffer's error, or -SW_EINVAL for an unknown kind. */
int edi_cusres_write(struct edi_writer *w, const char *ref, const struct edi_cusres *r);

struct edi_cusres_envelope {
  const char *sender, *sender_qual;       /* us (NULL: "OPENSW", no qualifier) */
  const char *recipient, *recipient_qual; /* the sender of the CUSDEC interchange */
  const char *ref;                        /* interchange control reference, an..14 */
  int64_t now;                            /* UNB date and time; 0: the clock */
};

/* Appends one interchange to out: UNB (UNOC:3), one CUSRES per element of msgs (UNH
 * references 1..n), UNZ. Returns 0, the buffer's error, or -SW_EINVAL (bad arguments,
 * unknown kind). */
int edi_cusres_interchange(struct edi_buf *out, const struct edi_cusres_envelope *e,
                           const struct edi_cusres *msgs, size_t n);

/* "registered", "awaiting_payment", "released", "refused", "cancelled"; NULL if unknown. */
const char *edi_cusres_kind_name(enum edi_cusres_kind k);

#endif
