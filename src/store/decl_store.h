/* decl_store.h - declarations, their agency tasks and their events. Writers run inside
 * store_write jobs (one transaction with everything the change implies: rows, events,
 * audit); readers take a reader connection and answer JSON for the API. */
#ifndef SW_DECL_STORE_H
#define SW_DECL_STORE_H
#include <jansson.h>
#include <stdint.h>

#include "core/assess.h"
#include "core/caller.h"
#include "core/decl.h"
#include "core/lifecycle.h"
#include "core/routing.h"
#include "store/db.h"

/* A document cited by an item, as the submission pipeline classified it. */
struct decl_doc_ref {
  size_t item, doc;   /* indexes into d->goods.items and its documents */
  const char *agency; /* responsible agency */
  int registered;     /* 1: a permit of this register, verified and drawn on */
};

struct decl_reg {
  /* in */
  const struct decl_doc_ref *docs; /* every cited document */
  size_t n_docs;
  const char *principal_nid; /* the party lodged for: must hold the permits cited */
  struct errlist *errs;      /* permit verification problems go here */
  const struct assessment *assessment; /* duties and taxes (goods), NULL for vessel calls */
  const char *assessment_json;         /* its JSON, stored with the declaration */
  const struct decl *d;
  const char *office_code; /* the 4-digit code of d's office (office_code; offices are
                              only ever added, so the worker's reading stays true) */
  const char *content, *content_hash; /* canonical JSON text of the submission, its hash */
  int64_t declarant_id, principal_id;
  const char *actor, *origin; /* login and client address, for events and audit */
  const struct route_result *route;
  int64_t ruleset;
  /* out */
  int64_t id;
  int existed; /* 1: the same content was registered before (idempotent retry) */
};

/* Registers a valid, routed declaration: official number, rows, cited documents (permits
 * verified online and drawn on: pre_deducted), tasks (automatic decisions applied),
 * events, audit. -SW_ECONFLICT when the declarant's reference exists with other content;
 * -SW_EVALIDATION when a cited
 * permit fails a check (reg->errs lists each, on its document's path). */
int decl_register(struct db *db, struct decl_reg *reg);

struct decl_decision {
  int64_t task_id;
  enum decision decision;
  const char *reason_code, *note, *inspection_at;
  const struct caller *by;
  const char *origin;
  int64_t decl_id; /* out */
};
/* Applies an officer's decision. -SW_ENOTFOUND when the task is not the caller's
 * agency's; -SW_ECONFLICT when the task's state does not allow it (someone decided
 * first) or the declaration is final. */
int decl_decide(struct db *db, struct decl_decision *dd);

/* The declarant's answer to a hold: held tasks return to pending. -SW_ESTATE when no
 * task is held. */
int decl_respond(struct db *db, int64_t decl_id, const struct caller *by, const char *origin,
                 const char *detail_json);
/* Cancels a declaration that has no outcome yet; open tasks are closed. -SW_ECONFLICT
 * when it is already final. */
int decl_cancel(struct db *db, int64_t decl_id, const struct caller *by, const char *origin,
                const char *reason);

/* Re-derives the declaration's status after a change outside its tasks (a payment):
 * a declaration awaiting payment whose bill is now paid is released. */
int decl_settle(struct db *db, int64_t decl_id, const char *actor);
/* decl_settle for each of the party's declarations awaiting payment, oldest first (at most
 * 1,000): after a guarantee is registered, those it now secures are released. 0 or a
 * negative error. */
int decl_settle_awaiting(struct db *db, int64_t party_id, const char *actor);
/* Appends an event to a declaration's timeline with its current status. */
int decl_event(struct db *db, int64_t decl_id, const char *kind, const char *actor,
               const char *detail);
/* Appends one event row as it is: time, kind, the declaration's status at that moment,
 * agency and task (NULL / 0 when none), actor, automated, detail (NULL: "{}"). */
int decl_event_add(struct db *db, int64_t decl_id, int64_t at, const char *kind,
                   enum decl_status status, const char *agency, int64_t task_id,
                   const char *actor, int automated, const char *detail);

/* 1 when the caller may see the declaration: its declarant or principal party, an agency
 * it was routed to, or an administrator. 0 otherwise (answer 404), negative on error. */
int decl_visible(struct db *db, int64_t decl_id, const struct caller *c);
/* Declaration with its tasks and submitted content; NULL when absent. */
json_t *decl_get_json(struct db *db, int64_t decl_id);
/* The same document as compact JSON text (malloc'd, length in *len), with the stored
 * content and assessment written verbatim instead of parsed and re-encoded; NULL when
 * absent or out of memory. */
char *decl_get_text(struct db *db, int64_t decl_id, size_t *len);
/* The declaration's events, oldest first. */
json_t *decl_events_json(struct db *db, int64_t decl_id);

struct decl_filter {
  const char *status, *type, *hs; /* hs: prefix of any item's code */
  int64_t from_us, to_us;         /* created_at range; 0 = open */
  int64_t after;                  /* cursor: ids below it; 0 = from the newest */
  int limit;
};
/* The caller's own declarations (declarant or principal), newest first. */
json_t *decl_list_json(struct db *db, const struct caller *c, const struct decl_filter *f);

struct task_filter {
  const char *state, *type;
  int64_t after; /* cursor: task ids above it (oldest first) */
  int limit;
};
/* An agency's inbox: its tasks, oldest first. */
json_t *task_inbox_json(struct db *db, const char *agency, const struct task_filter *f);

/* Events the caller may see with seq > after, oldest first, at most limit. */
json_t *events_feed_json(struct db *db, const struct caller *c, int64_t after, int limit,
                         int64_t *last_seq);

/* The 4-digit customs office code of a UN/LOCODE; -SW_ENOTFOUND when none. */
int office_code(struct db *db, const char *locode, char out[8]);
int office_add(struct db *db, const char *code, const char *locode, const char *name);

#endif
