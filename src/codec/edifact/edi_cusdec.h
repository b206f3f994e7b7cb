/* edi_cusdec.h - CUSDEC (D96B, D01B) -> struct decl, segment by segment while parsing.
 *
 * The profile (what OpenSW reads; other segments are accepted and ignored):
 *   BGM  1001 929 = IM, 830 = EX; document number (C106) = reference
 *   CST  (before UNS) customs code (C246) = procedure
 *   LOC  22 = office, 9 = transport.loading, 11 = transport.discharge
 *   DTM  132 (formats 203 CCYYMMDDHHMM, 102 CCYYMMDD) = transport.arrival
 *   TDT  (SG4) mode (C220) = transport.mode, conveyance reference = voyage,
 *        transport means id (C222) = vessel_imo
 *   RFF  BM = transport.bill_of_lading;   EQD CN = transport.containers
 *   NAD  IM / EX / DT = importer / exporter / declarant (C082 id, C080 name)
 *   TOD  delivery terms (C100) = invoice.incoterm (an Incoterm is not a UN code in D01B:
 *        give its agency, e.g. TOD+++CIF::ZZZ)
 *   MOA  39 (before UNS) = invoice.total and currency
 *   after UNS, per goods item (SG30):
 *   CST  goods item number = seq, customs code (C246) = hs
 *   FTX  AAA = description;  LOC 27 = origin
 *   MEA  WT AAA = net_kg, WT AAB = gross_kg, AAF SQ (or ACB) = quantity and unit (C174)
 *   MOA  38 = value;  DOC (SG37) document name (C002 1000, else 1001) and number = documents
 * Decimal values may use ',' or '.' as decimal mark. Decoding problems go to errs with the
 * same paths and codes as the JSON channel (docs/validation-codes.md): bad_decimal,
 * too_many_items, too_many, too_long, bad_value. */
#ifndef SW_EDI_CUSDEC_H
#define SW_EDI_CUSDEC_H
#include "codec/edifact/edi.h"
#include "core/decl.h"

struct arena;
struct errlist;

struct edi_cusdec;

/* Starts mapping one message into *out (zeroed), strings and arrays in a. 0 or
 * -SW_ENOMEM. The mapper itself lives in a too (nothing to free). */
int edi_cusdec_begin(struct edi_cusdec **out, struct arena *a, struct decl *d,
                     struct errlist *errs);
/* Maps one segment of the message (UNH..UNT). 0, or -SW_ENOMEM when a is exhausted. */
int edi_cusdec_segment(struct edi_cusdec *c, const struct edi_segment *s,
                       const struct edi_envelope *env);
/* Ends the message: canonicalizes the declaration (decl_canonicalize). Returns 0 when no
 * decoding problem was added, -SW_EVALIDATION otherwise. */
int edi_cusdec_end(struct edi_cusdec *c);
/* True for UNH S009 values this mapper reads (CUSDEC, D, 96B or 01B, UN). */
int edi_cusdec_supported(const struct edi_message *m);

#endif
