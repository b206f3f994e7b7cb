/* permit_store.h - the permit register, its ledger of drawings, the documents declarations
 * cite, and requirement rules. Writers run inside store_write jobs. */
#ifndef SW_PERMIT_STORE_H
#define SW_PERMIT_STORE_H
#include <jansson.h>
#include <stdint.h>

#include "core/caller.h"
#include "core/permit.h"
#include "core/requirement.h"
#include "store/db.h"

struct arena;

struct doc_type {
  char code[40], name[160], agency[40];
  int registered;
};
/* -SW_ENOTFOUND when the type is unknown. */
int doc_type_get(struct db *db, const char *code, struct doc_type *out);
json_t *doc_types_json(struct db *db);

/* Loads a permit with its lines and current usage (uses, used amounts of drawings that are
 * not released) into arena memory. -SW_ENOTFOUND when absent. */
int permit_load(struct db *db, const char *type, const char *number, struct arena *a,
                struct permit *out);
/* Creates a permit (status valid, version 1) for holder_id; audited. -SW_EEXISTS when the
 * type and number are taken. body is the permit's JSON for the version history. */
int permit_create(struct db *db, struct permit *p, int64_t holder_id, const char *body,
                  const char *actor, const char *origin);
/* Amends a permit: a new version with the new validity, usage and lines (lines that have
 * drawings must stay). -SW_ESTATE when a line with drawings would disappear. */
int permit_amend(struct db *db, int64_t permit_id, const struct permit *p, int64_t holder_id,
                 const char *body, const char *actor, const char *origin);
/* Sets the stored status (valid, suspended, revoked, closed); closing writes off every
 * deducted drawing. Audited, with an event on each declaration drawing on it. */
int permit_set_status(struct db *db, int64_t permit_id, enum permit_status s,
                      const char *actor, const char *origin);

/* Locks the permit's row for the rest of the transaction (no-op when unknown), before
 * its balance is read and drawn on. */
int permit_lock(struct db *db, const char *type, const char *number);

/* Records that declaration decl_id item item_seq draws on a permit line (pre_deducted). */
int permit_draw(struct db *db, int64_t permit_id, size_t line, int64_t decl_id,
                int64_t item_seq, int64_t quantity, int64_t value);
/* Moves the declaration's pre_deducted drawings to `to` (deducted at release, released at
 * refusal or cancellation); after a deduction, permits with nothing left are written off.
 * Returns how many drawings moved, or a negative error. */
int drawings_settle(struct db *db, int64_t decl_id, enum drawing_state to);

/* Records a document cited by a declaration: its result ("verified" or "manual_review"),
 * the agency concerned and a JSON detail. */
int decl_document_add(struct db *db, int64_t decl_id, int64_t item_seq, const char *type,
                      const char *number, int64_t permit_id, const char *agency,
                      const char *result, const char *detail);
/* The documents of a declaration that concern an agency (all when agency is NULL). */
json_t *decl_documents_json(struct db *db, int64_t decl_id, const char *agency);

/* 1 when the caller may see the permit: its holder's users, its issuer's officers,
 * agencies with a task on a declaration citing it, administrators. */
int permit_visible(struct db *db, int64_t permit_id, const struct caller *c);
/* The permit's drawings with declaration numbers, oldest first. */
json_t *permit_ledger_json(struct db *db, int64_t permit_id);
/* Type and number of up to max permits held by the caller's party or issued by the
 * caller's agency (all for an administrator), newest first; returns the count. */
int permit_list_keys(struct db *db, const struct caller *c, char (*keys)[2][80], int max);
/* Id of a permit by type and number; -SW_ENOTFOUND. */
int permit_id_of(struct db *db, const char *type, const char *number, int64_t *id,
                 char issuer[40]);
/* Version history of a permit, newest first. */
json_t *permit_versions_json(struct db *db, int64_t permit_id);

/* Requirement rules: create or replace (versioned by counter), list, load enabled ones. */
int req_rule_put(struct db *db, const char *rule_id, int enabled, const char *body, int create,
                 const char *actor, const char *origin, int64_t *version);
json_t *req_rules_json(struct db *db);
json_t *req_rule_json(struct db *db, const char *rule_id);

#endif
