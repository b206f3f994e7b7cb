/* submit.c - the submission pipeline shared by every channel. */
#include "http/submit.h"

#include <stdlib.h>
#include <string.h>

#include "codec/assess_json.h"
#include "codec/decl_json.h"
#include "core/err.h"
#include "crypto/crypto.h"
#include "http/app.h"
#include "http/notify.h"
#include "http/ruleset.h"
#include "store/decl_store.h"
#include "core/requirement.h"
#include "core/timefmt.h"
#include "store/identity.h"
#include <stdio.h>

/* The party on whose behalf the declaration is lodged, and where its id sits. */
static const char *principal_of(const struct decl *d, const char **path) {
  switch (d->type) {
  case DECL_IM: *path = "/importer/id"; return d->goods.importer.id;
  case DECL_EX: *path = "/exporter/id"; return d->goods.exporter.id;
  case DECL_VA:
  case DECL_VD: *path = "/carrier/id"; return d->vcall.has_carrier ? d->vcall.carrier.id : NULL;
  default: *path = ""; return NULL;
  }
}

/* The principal must hold the role the declaration needs: importer, exporter, carrier. */
static int party_may_lodge(const struct party_rec *p, enum decl_type t) {
  unsigned roles = 0;
  if (party_roles_parse(p->roles, &roles) < 0) return 0;
  switch (t) {
  case DECL_IM: return !!(roles & PARTY_IMPORTER);
  case DECL_EX: return !!(roles & PARTY_EXPORTER);
  default: return !!(roles & PARTY_CARRIER);
  }
}

static int has_problem_at(const struct errlist *e, const char *path) {
  for (size_t i = 0; i < e->n; i++)
    if (strcmp(e->items[i].path, path) == 0) return 1;
  return 0;
}

/* Lists every cited document with its type's agency and whether it is a permit of this
 * register; an unknown type is a problem at the document's type. */
static struct decl_doc_ref *classify_documents(const struct ruleset *rs, const struct decl *d,
                                               struct arena *a, struct errlist *errs,
                                               size_t *n) {
  size_t total = 0;
  for (size_t i = 0; i < d->goods.n_items; i++) total += d->goods.items[i].n_documents;
  struct decl_doc_ref *docs = total ? arena_alloc(a, total * sizeof *docs) : NULL;
  if (total && !docs) {
    errlist_add(errs, "", "too_large", "out of request memory");
    return NULL;
  }
  for (size_t i = 0; i < d->goods.n_items; i++) {
    const struct decl_item *it = &d->goods.items[i];
    for (size_t j = 0; j < it->n_documents; j++) {
      const struct ruleset_doc_type *t = ruleset_doc_type(rs, it->documents[j].type);
      if (!t) {
        char path[64];
        snprintf(path, sizeof path, "/items/%zu/documents/%zu/type", i, j);
        errlist_add(errs, path, "unknown_document_type",
                    "'%s' is not a document type of this single window (see "
                    "/v1/document-types)",
                    it->documents[j].type ? it->documents[j].type : "");
        continue;
      }
      docs[(*n)++] = (struct decl_doc_ref){.item = i, .doc = j, .agency = t->agency,
                                           .registered = t->registered};
    }
  }
  return docs;
}

/* Documents an officer must check by hand send the declaration to that officer's agency. */
static int review_documents(const struct decl *d, const struct decl_doc_ref *docs, size_t n,
                            struct route_result *route, struct arena *a) {
  for (size_t k = 0; k < n; k++) {
    if (docs[k].registered) continue;
    const struct decl_document *doc = &d->goods.items[docs[k].item].documents[docs[k].doc];
    struct routing_rule *rule = arena_alloc(a, sizeof *rule);
    if (!rule) return -SW_ENOMEM;
    rule->id = "document-review";
    rule->version = 1;
    rule->agency = (char *)docs[k].agency;
    rule->reason = arena_printf(a, "Check the %s %s cited for item %zu", doc->type, doc->number,
                                docs[k].item + 1);
    if (!rule->reason || routing_require_review(route, rule) < 0) return -SW_ENOMEM;
  }
  return 0;
}

/* The registration prepared by submit_prepare: what the write job needs, and what must live
 * until submit_finish (the rules the route points into, the texts it stores). */
struct submit_job {
  struct app *app;
  struct ruleset *rs;
  char *content, *as_text;
  char hash[CRYPTO_HEX32_LEN], office[8];
  struct decl_reg reg;
  const struct submit_hook *hook;
  size_t errs_n, errs_dropped; /* the problem list before the write, which may run again */
};

/* Releases what a prepared job holds. */
static void job_release(struct submit_job *job) {
  ruleset_release(job->app, job->rs);
  free(job->as_text);
  free(job->content);
  job->rs = NULL;
  job->as_text = job->content = NULL;
}

enum submit_outcome submit_prepare(struct app *app, const struct caller *caller,
                                   const char *origin, struct decl *d, struct arena *a,
                                   struct errlist *errs, const struct submit_hook *hook,
                                   struct submit_job **out_job) {
  struct submit_job *job = arena_alloc(a, sizeof *job);
  struct db *db = store_reader(app->store);
  struct route_result *route = arena_alloc(a, sizeof *route);
  struct ruleset *rs = NULL;
  enum submit_outcome out = SUBMIT_UNAVAILABLE;
  *out_job = NULL;
  if (!db || !route || !job) {
    errlist_add(errs, "", "unavailable", "out of memory or database unavailable");
    return SUBMIT_UNAVAILABLE;
  }
  job->app = app;
  char *office = job->office, *hash = job->hash, *content, *as_text = NULL;
  decl_validate(d, app->rd, &app->limits, errs);
  const char *office_path = (d->type == DECL_VA || d->type == DECL_VD) ? "/port" : "/office";
  if (d->office && !has_problem_at(errs, office_path) && office_code(db, d->office, office) < 0)
    errlist_add(errs, office_path, "unknown_office",
                "%s is not a customs office or port of this single window", d->office);
  const char *ppath, *pnid = principal_of(d, &ppath);
  struct party_rec principal = {.id = caller->party_id};
  if (pnid && !has_problem_at(errs, ppath) && idn_party_by_nid(db, pnid, &principal) < 0)
    errlist_add(errs, ppath, "unknown_party",
                "no enterprise with national id %s is registered here", pnid);
  else if (pnid && !has_problem_at(errs, ppath) && !party_may_lodge(&principal, d->type))
    errlist_add(errs, ppath, "party_role",
                "%s is not registered as the %s this declaration needs", pnid,
                d->type == DECL_IM ? "importer" : d->type == DECL_EX ? "exporter" : "carrier");
  if (!(rs = job->rs = ruleset_acquire(app))) {
    errlist_add(errs, "", "rules_unavailable", "routing rules cannot be read");
    return SUBMIT_UNAVAILABLE;
  }
  size_t n_docs = 0;
  struct decl_doc_ref *docs = classify_documents(rs, d, a, errs, &n_docs);
  requirements_check(rs->reqs, rs->n_reqs, d, errs);
  struct assessment *as = NULL;
  /* duties only for a declaration that is otherwise sound: no echo of its other problems */
  if (!errlist_any(errs) && (d->type == DECL_IM || d->type == DECL_EX) &&
      (as = arena_alloc(a, sizeof *as)) &&
      assess_declaration(d, &rs->tariff, time_days_us(store_now_us()), a, as, errs) == -SW_ENOMEM)
    errlist_add(errs, "", "too_large", "out of request memory");
  if (errlist_any(errs)) {
    out = SUBMIT_INVALID;
    goto done;
  }
  if (principal.id != caller->party_id &&
      idn_mandate_exists(db, caller->party_id, principal.id) != 1) {
    errlist_add(errs, ppath, "no_mandate",
                "your enterprise has no mandate to declare for this party");
    out = SUBMIT_FORBIDDEN;
    goto done;
  }
  if (routing_evaluate(rs->rules, rs->n, d, route) < 0 || route->n == 0 ||
      review_documents(d, docs, n_docs, route, a) < 0) {
    errlist_add(errs, "", "no_route",
                "no routing rule applies to this declaration; the administrator must add one");
    goto done;
  }
  content = job->content = decl_to_text(d);
  if (!content) {
    errlist_add(errs, "", "encode_failed", "the declaration could not be encoded");
    goto done;
  }
  crypto_sha256_hex(content, strlen(content), hash);
  if (as && !(as_text = job->as_text = assessment_to_text(as))) {
    errlist_add(errs, "", "encode_failed", "the assessment could not be encoded");
    goto done;
  }
  job->reg = (struct decl_reg){.d = d,
                               .office_code = office,
                               .content = content,
                               .content_hash = hash,
                               .declarant_id = caller->party_id,
                               .principal_id = principal.id,
                               .actor = caller->login,
                               .origin = origin,
                               .route = route,
                               .ruleset = rs->version,
                               .docs = docs,
                               .n_docs = n_docs,
                               .principal_nid = pnid ? pnid : caller->party_nid,
                               .errs = errs,
                               .assessment = as,
                               .assessment_json = as_text};
  job->hook = hook;
  job->errs_n = errs->n;
  job->errs_dropped = errs->dropped;
  *out_job = job;
  return SUBMIT_PENDING;
done:
  job_release(job);
  return out;
}

/* Rerunnable (store_write_rerunnable): decl_register resets its outputs, the problem list
 * is cut back to what it was, and the hook runs again. */
int submit_job_write(struct db *db, void *arg) {
  struct submit_job *job = arg;
  job->reg.errs->n = job->errs_n;
  job->reg.errs->dropped = job->errs_dropped;
  int rc = decl_register(db, &job->reg);
  if (rc >= 0 && job->hook) rc = job->hook->fn(db, job->reg.id, job->hook->arg);
  return rc;
}

enum submit_outcome submit_finish(struct submit_job *job, int rc, int64_t *id) {
  struct errlist *errs = job->reg.errs;
  enum submit_outcome out = SUBMIT_UNAVAILABLE;
  if (rc == -SW_EVALIDATION) {
    out = SUBMIT_INVALID;
  } else if (rc == -SW_ECONFLICT) {
    errlist_add(errs, "/reference", "reference_conflict",
                "this reference was already used for a declaration with other content");
    out = SUBMIT_CONFLICT;
  } else if (rc < 0) {
    errlist_add(errs, "", "store_failed", "the declaration could not be stored; retry");
  } else {
    *id = job->reg.id;
    out = job->reg.existed ? SUBMIT_EXISTED : SUBMIT_CREATED;
    if (!job->reg.existed) notify_bump(job->app->notify);
  }
  job_release(job);
  return out;
}

enum submit_outcome submit_declaration(struct app *app, const struct caller *caller,
                                       const char *origin, struct decl *d, struct arena *a,
                                       struct errlist *errs, const struct submit_hook *hook,
                                       int64_t *id) {
  struct submit_job *job;
  enum submit_outcome out = submit_prepare(app, caller, origin, d, a, errs, hook, &job);
  if (out != SUBMIT_PENDING) return out;
  return submit_finish(job, store_write_rerunnable(app->store, submit_job_write, job), id);
}
