/* h_rules.c - routing rules as data, managed by administrators: list, read, create,
 * replace (a new version), enable/disable, history. Every change is audited. */
#include <string.h>

#include "codec/rule_json.h"
#include "core/err.h"
#include "http/app.h"
#include "http/handlers.h"
#include "http/ruleset.h"
#include "store/identity.h"
#include "store/rules_store.h"

void h_rules_list(struct http_req *r) {
  reply_json(r, 200, json_pack("{s:o}", "items", rules_list_json(store_reader(r->app->store))));
}

void h_rule_get(struct http_req *r) {
  json_t *j = rules_get_json(store_reader(r->app->store), req_param(r, "id"));
  if (!j) reply_error(r, 404, "", "not_found", "no such routing rule");
  else reply_json(r, 200, j);
}

void h_rule_history(struct http_req *r) {
  json_t *items = rules_history_json(store_reader(r->app->store), req_param(r, "id"));
  if (!json_array_size(items)) {
    json_decref(items);
    reply_error(r, 404, "", "not_found", "no such routing rule");
    return;
  }
  reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int put_write(struct db *db, void *arg) { return rules_put(db, arg); }

/* Stores body as the rule (create or new version), after full validation. */
static void store_rule(struct http_req *r, json_t *body, int create, const char *path_id) {
  struct errlist *errs = arena_alloc(&r->arena, sizeof *errs);
  struct routing_rule rule;
  char *text = NULL;
  int64_t agency_id;
  if (!errs) {
    reply_error(r, 503, "", "out_of_memory", "cannot allocate");
    return;
  }
  errlist_init(errs);
  /* the version is the server's to assign */
  json_object_del(body, "version");
  if (routing_rule_from_json(body, "", r->app->rd, &r->arena, &rule, errs) == -SW_ENOMEM) {
    reply_error(r, 413, "", "too_large", "the rule does not fit in request memory");
    return;
  }
  if (rule.agency && idn_agency_id(store_reader(r->app->store), rule.agency, &agency_id) < 0)
    errlist_add(errs, "/agency", "unknown_agency", "no agency has the code %s", rule.agency);
  if (path_id && rule.id && strcmp(rule.id, path_id) != 0)
    errlist_add(errs, "/id", "id_mismatch", "the body's id differs from the path's");
  if (errlist_any(errs)) {
    reply_problem(r, 422, "validation", "The routing rule has problems", NULL, errs);
    return;
  }
  json_t *canon = routing_rule_to_json(&rule);
  json_object_del(canon, "version");
  json_object_del(canon, "enabled");
  text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(canon);
  struct rule_put p = {.rule_id = rule.id, .agency = rule.agency, .body = text,
                       .enabled = rule.enabled, .create = create, .actor = r->caller.login,
                       .origin = r->client_ip};
  int rc = text ? store_write(r->app->store, put_write, &p) : -SW_ENOMEM;
  free(text);
  if (rc == -SW_EEXISTS) {
    reply_error(r, 409, "/id", "exists", "a rule with this id exists; PUT a new version");
  } else if (rc == -SW_ENOTFOUND) {
    reply_error(r, 404, "", "not_found", "no such routing rule");
  } else if (rc < 0) {
    reply_error(r, 503, "", "store_failed", "the rule could not be stored; retry");
  } else {
    ruleset_invalidate(r->app);
    reply_json(r, create ? 201 : 200, rules_get_json(store_reader(r->app->store), rule.id));
  }
}

void h_rule_create(struct http_req *r) {
  json_t *body = req_json(r);
  if (!body) return;
  if (!json_is_object(body)) reply_error(r, 422, "", "bad_type", "the body must be an object");
  else store_rule(r, body, 1, NULL);
  json_decref(body);
}

void h_rule_replace(struct http_req *r) {
  json_t *body = req_json(r);
  if (!body) return;
  if (!json_is_object(body)) {
    reply_error(r, 422, "", "bad_type", "the body must be an object");
  } else {
    if (!json_object_get(body, "id"))
      json_object_set_new(body, "id", json_string(req_param(r, "id")));
    if (!json_object_get(body, "enabled")) { /* a new version keeps the rule's state */
      json_t *cur = rules_get_json(store_reader(r->app->store), req_param(r, "id"));
      json_t *en = json_object_get(cur, "enabled");
      if (en) json_object_set(body, "enabled", en);
      json_decref(cur);
    }
    store_rule(r, body, 0, req_param(r, "id"));
  }
  json_decref(body);
}

/* POST /v1/routing-rules/{id}/enable and /disable: a new version with the flag set. */
static void set_enabled(struct http_req *r, int enabled) {
  json_t *cur = rules_get_json(store_reader(r->app->store), req_param(r, "id"));
  if (!cur) {
    reply_error(r, 404, "", "not_found", "no such routing rule");
    return;
  }
  json_object_set_new(cur, "enabled", json_boolean(enabled));
  store_rule(r, cur, 0, req_param(r, "id"));
  json_decref(cur);
}

void h_rule_disable(struct http_req *r) { set_enabled(r, 0); }
void h_rule_enable(struct http_req *r) { set_enabled(r, 1); }
