/* edi_store.h - the UN/EDIFACT channel's rows: which declarations arrived by EDIFACT and
 * from whom (table decl_channels, migration 6), and their status changes as CUSRES
 * messages (codec/edifact/edi_cusres.h). */
#ifndef SW_EDI_STORE_H
#define SW_EDI_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "codec/edifact/edi_cusres.h"
#include "store/db.h"

struct arena;

/* A declaration lodged over EDIFACT: the interchange sender (UNB 0004 and 0007), the
 * interchange control reference, the UNH message reference and S009 ("CUSDEC:D:96B"). */
struct edi_arrival {
  int64_t decl_id;
  char sender[36], sender_qual[5];
  char interchange_ref[72], message_ref[72], message[24];
  int64_t received_at; /* microseconds; set by edi_arrival_record */
};

/* Records that a declaration arrived by EDIFACT (a store_write job body). The first record
 * stays: an identical resubmission neither replaces nor duplicates it. 0 or negative. */
int edi_arrival_record(struct db *db, struct edi_arrival *a);
/* The arrival record of a declaration: 1 found (*out filled), 0 none (it came by the JSON
 * API), negative on error. */
int edi_arrival_get(struct db *db, int64_t decl_id, struct edi_arrival *out);

/* The declaration's status changes, oldest first, as CUSRES inputs: registered (with the
 * official number), awaiting_payment, released (or cleared), refused (with every agency
 * rejection: reason code, agency, note), cancelled (with the declarant's reason). Strings
 * and the array live in a. Returns the number of messages (>= 0, at most max), -SW_ENOTFOUND
 * for an unknown declaration, -SW_ENOMEM, or a store error. */
int edi_cusres_collect(struct db *db, int64_t decl_id, struct arena *a, struct edi_cusres *out,
                       size_t max);

#endif
