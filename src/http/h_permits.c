/* h_permits.c - the permit register: issuing agencies create, amend, suspend, reinstate,
 * revoke and close permits; holders, issuers and concerned agencies read them with their
 * ledger of drawings. Also the document types and requirement rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/permit_json.h"
#include "core/err.h"
#include "core/timefmt.h"
#include "http/app.h"
#include "http/handlers.h"
#include "http/ruleset.h"
#include "store/identity.h"
#include "store/permit_store.h"

static int64_t today(void) { return time_days_us(store_now_us()); }

void h_doc_types(struct http_req *r) {
  reply_json(r, 200, json_pack("{s:o}", "items", doc_types_json(store_reader(r->app->store))));
}

/* The permit as the API shows it: details, balances, and its ledger of drawings. */
static void reply_permit(struct http_req *r, unsigned status, const char *type,
                         const char *number) {
  struct db *db = store_reader(r->app->store);
  struct permit *p = arena_alloc(&r->arena, sizeof *p);
  if (!p || permit_load(db, type, number, &r->arena, p) < 0) {
    reply_error(r, 404, "", "not_found", "no such permit");
    return;
  }
  json_t *doc = permit_to_json(p, today());
  json_object_set_new(doc, "drawings", permit_ledger_json(db, p->id));
  reply_json(r, status, doc);
}

struct permit_job {
  struct permit *p;
  int64_t permit_id, holder_id;
  const char *body, *actor, *origin;
  enum permit_status status;
  int kind; /* 0 create, 1 amend, 2 status */
};

static int permit_write(struct db *db, void *arg) {
  struct permit_job *j = arg;
  if (j->kind == 0) return permit_create(db, j->p, j->holder_id, j->body, j->actor, j->origin);
  if (j->kind == 1)
    return permit_amend(db, j->permit_id, j->p, j->holder_id, j->body, j->actor, j->origin);
  return permit_set_status(db, j->permit_id, j->status, j->actor, j->origin);
}

/* Decodes and checks a permit body for the calling agency; answers and returns NULL on
 * problems. */
static struct permit *decode_permit(struct http_req *r, json_t *body, int64_t *holder_id) {
  struct errlist *errs = arena_alloc(&r->arena, sizeof *errs);
  struct permit *p = arena_alloc(&r->arena, sizeof *p);
  struct db *db = store_reader(r->app->store);
  struct doc_type t;
  struct party_rec holder;
  if (!errs || !p) {
    reply_error(r, 503, "", "out_of_memory", "cannot allocate");
    return NULL;
  }
  errlist_init(errs);
  if (permit_from_json(body, &r->arena, p, errs) == -SW_ENOMEM) {
    reply_error(r, 413, "", "too_large", "the permit does not fit in request memory");
    return NULL;
  }
  if (p->type && doc_type_get(db, p->type, &t) < 0)
    errlist_add(errs, "/type", "unknown_document_type", "'%s' is not a document type", p->type);
  else if (p->type && !t.registered)
    errlist_add(errs, "/type", "not_registered",
                "%s is issued abroad; this single window does not register it", p->type);
  if (p->holder && idn_party_by_nid(db, p->holder, &holder) < 0)
    errlist_add(errs, "/holder", "unknown_party", "no enterprise with national id %s",
                p->holder);
  if (errlist_any(errs)) {
    reply_problem(r, 422, "validation", "The permit has problems", NULL, errs);
    return NULL;
  }
  if (strcmp(t.agency, r->caller.agency) != 0) {
    reply_error(r, 403, "/type", "not_issuer", "your agency does not issue this type");
    return NULL;
  }
  p->issuer = r->caller.agency;
  *holder_id = holder.id;
  return p;
}

void h_permit_create(struct http_req *r) {
  json_t *body = req_json(r);
  struct permit_job j = {.actor = r->caller.login, .origin = r->client_ip, .kind = 0};
  char *text = NULL;
  if (!body) return;
  if (!(j.p = decode_permit(r, body, &j.holder_id))) goto out;
  text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
  j.body = text ? text : "{}";
  int rc = store_write(r->app->store, permit_write, &j);
  if (rc == -SW_EEXISTS)
    reply_error(r, 409, "/number", "exists", "a permit of this type and number exists");
  else if (rc < 0)
    reply_error(r, 503, "", "store_failed", "the permit could not be stored; retry");
  else
    reply_permit(r, 201, j.p->type, j.p->number);
out:
  free(text);
  json_decref(body);
}

/* Resolves {type}/{number} to a permit the caller may see; answers 404 otherwise. */
static int64_t visible_permit(struct http_req *r, char issuer[40]) {
  int64_t id = 0;
  struct db *db = store_reader(r->app->store);
  if (permit_id_of(db, req_param(r, "type"), req_param(r, "number"), &id, issuer) < 0 ||
      permit_visible(db, id, &r->caller) != 1) {
    reply_error(r, 404, "", "not_found", "no such permit");
    return 0;
  }
  return id;
}

void h_permit_get(struct http_req *r) {
  char issuer[40];
  if (visible_permit(r, issuer)) reply_permit(r, 200, req_param(r, "type"), req_param(r, "number"));
}

void h_permit_history(struct http_req *r) {
  char issuer[40];
  int64_t id = visible_permit(r, issuer);
  if (id)
    reply_json(r, 200, json_pack("{s:o}", "items",
                                 permit_versions_json(store_reader(r->app->store), id)));
}

/* Only the issuing agency changes a permit. */
static int64_t issued_permit(struct http_req *r) {
  char issuer[40];
  int64_t id = visible_permit(r, issuer);
  if (id && strcmp(issuer, r->caller.agency) != 0) {
    reply_error(r, 403, "", "not_issuer", "only the issuing agency may change this permit");
    return 0;
  }
  return id;
}

void h_permit_amend(struct http_req *r) {
  int64_t id = issued_permit(r);
  struct permit_job j = {.actor = r->caller.login, .origin = r->client_ip, .kind = 1,
                         .permit_id = id};
  json_t *body;
  char *text = NULL;
  if (!id || !(body = req_json(r))) return;
  if (!(j.p = decode_permit(r, body, &j.holder_id))) goto out;
  if (strcmp(j.p->type, req_param(r, "type")) || strcmp(j.p->number, req_param(r, "number"))) {
    reply_error(r, 422, "/number", "id_mismatch", "type and number must be the path's");
    goto out;
  }
  text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
  j.body = text ? text : "{}";
  int rc = store_write(r->app->store, permit_write, &j);
  if (rc == -SW_ESTATE)
    reply_error(r, 409, "/lines", "lines_in_use",
                "goods lines that declarations drew on cannot be removed");
  else if (rc < 0)
    reply_error(r, 503, "", "store_failed", "the amendment could not be stored; retry");
  else
    reply_permit(r, 200, j.p->type, j.p->number);
out:
  free(text);
  json_decref(body);
}

/* POST .../suspend, reinstate, revoke, close: the allowed moves of the stored status. */
static void change_status(struct http_req *r, enum permit_status to) {
  int64_t id = issued_permit(r);
  struct permit *p = arena_alloc(&r->arena, sizeof *p);
  if (!id) return;
  if (!p || permit_load(store_reader(r->app->store), req_param(r, "type"),
                        req_param(r, "number"), &r->arena, p) < 0) {
    reply_error(r, 404, "", "not_found", "no such permit");
    return;
  }
  int ok = (to == PERMIT_SUSPENDED && p->status == PERMIT_VALID) ||
           (to == PERMIT_VALID && p->status == PERMIT_SUSPENDED) ||
           ((to == PERMIT_REVOKED || to == PERMIT_CLOSED) &&
            (p->status == PERMIT_VALID || p->status == PERMIT_SUSPENDED));
  if (!ok) {
    char msg[96];
    snprintf(msg, sizeof msg, "a %s permit cannot become %s", permit_status_name(p->status),
             permit_status_name(to));
    reply_error(r, 409, "", "state_conflict", msg);
    return;
  }
  struct permit_job j = {.actor = r->caller.login, .origin = r->client_ip, .kind = 2,
                         .permit_id = id, .status = to};
  if (store_write(r->app->store, permit_write, &j) < 0)
    reply_error(r, 503, "", "store_failed", "the change could not be stored; retry");
  else
    reply_permit(r, 200, req_param(r, "type"), req_param(r, "number"));
}

void h_permit_suspend(struct http_req *r) { change_status(r, PERMIT_SUSPENDED); }
void h_permit_reinstate(struct http_req *r) { change_status(r, PERMIT_VALID); }
void h_permit_revoke(struct http_req *r) { change_status(r, PERMIT_REVOKED); }
void h_permit_close(struct http_req *r) { change_status(r, PERMIT_CLOSED); }

void h_permit_list(struct http_req *r) {
  struct db *db = store_reader(r->app->store);
  char(*k)[2][80] = arena_alloc(&r->arena, 200 * sizeof *k);
  int n = k ? permit_list_keys(db, &r->caller, k, 200) : -SW_ENOMEM;
  json_t *items = json_array();
  for (int i = 0; i < n; i++) {
    struct permit *p = arena_alloc(&r->arena, sizeof *p);
    if (p && permit_load(db, k[i][0], k[i][1], &r->arena, p) == 0)
      json_array_append_new(items, permit_to_json(p, today()));
  }
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- requirement rules ---- */

void h_req_rules_list(struct http_req *r) {
  reply_json(r, 200, json_pack("{s:o}", "items", req_rules_json(store_reader(r->app->store))));
}

struct req_job {
  const char *id, *body, *actor, *origin;
  int enabled, create;
  int64_t version;
};

static int req_write(struct db *db, void *arg) {
  struct req_job *j = arg;
  return req_rule_put(db, j->id, j->enabled, j->body, j->create, j->actor, j->origin,
                      &j->version);
}

static void store_req_rule(struct http_req *r, int create) {
  json_t *body = req_json(r);
  struct errlist *errs = arena_alloc(&r->arena, sizeof *errs);
  struct requirement_rule rule;
  char *text = NULL;
  if (!body) return;
  if (!errs) goto out;
  errlist_init(errs);
  if (!create && json_is_object(body) && !json_object_get(body, "id"))
    json_object_set_new(body, "id", json_string(req_param(r, "id")));
  json_object_del(body, "version");
  requirement_rule_from_json(body, &r->arena, &rule, errs);
  struct doc_type t;
  if (rule.document_type && doc_type_get(store_reader(r->app->store), rule.document_type, &t) < 0)
    errlist_add(errs, "/document_type", "unknown_document_type", "not a document type");
  if (!create && rule.id && strcmp(rule.id, req_param(r, "id")) != 0)
    errlist_add(errs, "/id", "id_mismatch", "the body's id differs from the path's");
  if (errlist_any(errs)) {
    reply_problem(r, 422, "validation", "The requirement rule has problems", NULL, errs);
    goto out;
  }
  json_t *canon = requirement_rule_to_json(&rule);
  json_object_del(canon, "version");
  json_object_del(canon, "enabled");
  text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(canon);
  struct req_job j = {.id = rule.id, .body = text, .actor = r->caller.login,
                      .origin = r->client_ip, .enabled = rule.enabled, .create = create};
  int rc = text ? store_write(r->app->store, req_write, &j) : -SW_ENOMEM;
  if (rc == -SW_EEXISTS) reply_error(r, 409, "/id", "exists", "a rule with this id exists");
  else if (rc == -SW_ENOTFOUND) reply_error(r, 404, "", "not_found", "no such rule");
  else if (rc < 0) reply_error(r, 503, "", "store_failed", "the rule could not be stored");
  else {
    ruleset_invalidate(r->app);
    reply_json(r, create ? 201 : 200, req_rule_json(store_reader(r->app->store), rule.id));
  }
out:
  free(text);
  json_decref(body);
}

void h_req_rule_create(struct http_req *r) { store_req_rule(r, 1); }
void h_req_rule_replace(struct http_req *r) { store_req_rule(r, 0); }
