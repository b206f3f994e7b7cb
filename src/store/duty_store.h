/* duty_store.h - tariff, exchange rates, assessments, bills, payment agreements, bank
 * keys, payments, guarantees and the revenue ledger. Writers run inside store_write jobs;
 * every money movement is a ledger line in the same transaction. */
#ifndef SW_DUTY_STORE_H
#define SW_DUTY_STORE_H
#include <jansson.h>
#include <stdint.h>

#include "core/assess.h"
#include "core/caller.h"
#include "core/tariff.h"
#include "store/db.h"

struct arena;

/* Loads the whole tariff (lines, preferences, exchange rates) into arena memory. */
int tariff_load(struct db *db, struct arena *a, const char *national, struct tariff *out);
int tariff_put_line(struct db *db, const struct tariff_line *l, const char *description);
int tariff_put_pref(struct db *db, const struct tariff_pref *p);
int fx_rate_put(struct db *db, const char *currency, int64_t from, int64_t rate_micro,
                const char *actor);
/* Marks the in-memory rules and tariff stale on every node (after tariff or rate changes). */
int tariff_bump(struct db *db);
/* The tariff lines for an HS code (all prefixes of it), with their history. */
json_t *tariff_lines_json(struct db *db, const char *hs);
json_t *fx_rates_json(struct db *db);

/* Stores a declaration's assessment; when it is not zero, issues its bill (number "B" +
 * the official number, due in 15 days) and writes the charge to the ledger. */
int assessment_store(struct db *db, int64_t decl_id, int64_t party_id, const char *number,
                     const struct assessment *as, const char *body, int64_t now);
/* The release gate: 1 when the declaration's bill is paid, secured, zero or absent; 2 when
 * a valid guarantee of its party with enough balance secured it just now (its balance
 * drops, never below zero); 0 when it must wait for payment. */
int payment_gate(struct db *db, int64_t decl_id, int64_t now);
/* Cancels the unpaid bill of a cancelled declaration. */
int bill_cancel(struct db *db, int64_t decl_id, int64_t now);

struct payment_conf {
  int64_t bank_id;
  const char *txn, *bill, *currency, *body_hash, *actor, *origin;
  int64_t amount;
  /* out */
  int64_t decl_id;   /* the bill's declaration */
  int replay;        /* 1: this transaction id was seen with this body before */
  char status[16];   /* "accepted" or "refused" */
  char reason[128];  /* why refused */
};
/* Records a bank's confirmation. Idempotent by (bank, transaction id): the same body
 * answers the first result again; another body is -SW_ECONFLICT. An unknown bill, or a
 * bill of a party without an agreement with this bank, is -SW_ENOTFOUND. An amount or currency that differs from the bill is recorded as refused and
 * answered with status "refused" (return 0). A bill paid by another transaction is
 * -SW_ESTATE. On acceptance the bill is paid, a guarantee securing it is restored, and a
 * declaration awaiting payment is released by the caller (decl_id is set). */
int payment_confirm(struct db *db, struct payment_conf *pc);

int agreement_add(struct db *db, int64_t party_id, int64_t bank_id, const char *account,
                  const char *actor, const char *origin);
json_t *agreements_json(struct db *db, const struct caller *c);
/* The bank's HMAC key (hex); -SW_ENOTFOUND when none was registered. */
int bank_key_get(struct db *db, int64_t bank_id, char key_hex[129]);
int bank_key_set(struct db *db, int64_t bank_id, const char *key_hex, const char *actor);

struct guarantee_in {
  const char *number, *kind, *issuer, *currency;
  int64_t party_id, amount, valid_from, valid_to;
};
int guarantee_add(struct db *db, const struct guarantee_in *g, const char *actor,
                  const char *origin);
json_t *guarantees_json(struct db *db, const struct caller *c);

/* The caller's bills (own party's; a bank: those of parties with an agreement with it;
 * an administrator or an officer of CUSTOMS or TAX: all), newest first. */
json_t *bills_json(struct db *db, const struct caller *c, const char *number);
/* A declaration's bill {number, amount, currency, status, due_date}, or NULL. */
json_t *bill_of_decl_json(struct db *db, int64_t decl_id);
/* A declaration's assessment as stored, or NULL. */
json_t *assessment_json(struct db *db, int64_t decl_id);
/* The stored assessment's JSON text (malloc'd), NULL when there is none. */
char *assessment_text(struct db *db, int64_t decl_id);
/* Reconciliation of one day: bills issued, paid, secured, restored; outstanding at its end. */
json_t *revenue_json(struct db *db, int64_t day);

#endif
