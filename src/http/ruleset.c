#include "http/ruleset.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/rule_json.h"
#include "core/errlist.h"
#include "http/app.h"
#include "codec/permit_json.h"
#include "store/duty_store.h"
#include "store/permit_store.h"
#include "store/rules_store.h"

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ruleset_free(struct ruleset *rs) {
  if (!rs) return;
  arena_release(&rs->arena);
  free(rs);
}

static struct ruleset *ruleset_load(struct app *app, int64_t version) {
  struct db *db = store_reader(app->store);
  struct ruleset *rs = calloc(1, sizeof *rs);
  json_t *all = db ? rules_list_json(db) : NULL;
  struct errlist *errs = malloc(sizeof *errs);
  if (rs) arena_init(&rs->arena, 0);
  if (!rs || !all || !errs) goto fail;
  rs->version = version;
  rs->rules = arena_alloc(&rs->arena, (json_array_size(all) + 1) * sizeof *rs->rules);
  if (!rs->rules) goto fail;
  size_t i;
  json_t *body;
  json_array_foreach(all, i, body) {
    struct routing_rule *r = &rs->rules[rs->n];
    errlist_init(errs);
    /* stored rules were checked when written; a rule that no longer decodes is skipped
       loudly rather than taking routing down */
    if (routing_rule_from_json(body, "", NULL, &rs->arena, r, errs) < 0) {
      fprintf(stderr, "{\"level\":\"error\",\"msg\":\"stored routing rule unreadable\","
                      "\"index\":%zu}\n", i);
      continue;
    }
    if (r->enabled) rs->n++;
  }
  json_decref(all);
  all = req_rules_json(db);
  rs->reqs = arena_alloc(&rs->arena, (json_array_size(all) + 1) * sizeof *rs->reqs);
  if (!rs->reqs) goto fail;
  json_array_foreach(all, i, body) {
    struct requirement_rule *q = &rs->reqs[rs->n_reqs];
    errlist_init(errs);
    if (requirement_rule_from_json(body, &rs->arena, q, errs) < 0) continue;
    if (q->enabled) rs->n_reqs++;
  }
  json_decref(all);
  all = doc_types_json(db);
  rs->doc_types = arena_alloc(&rs->arena, (json_array_size(all) + 1) * sizeof *rs->doc_types);
  if (!rs->doc_types) goto fail;
  json_array_foreach(all, i, body) {
    struct ruleset_doc_type *t = &rs->doc_types[rs->n_doc_types++];
    t->code = arena_strdup(&rs->arena, json_string_value(json_object_get(body, "code")));
    t->agency = arena_strdup(&rs->arena, json_string_value(json_object_get(body, "agency")));
    t->name = arena_strdup(&rs->arena, json_string_value(json_object_get(body, "name")));
    t->registered = json_is_true(json_object_get(body, "registered"));
    if (!t->code || !t->agency || !t->name) goto fail;
  }
  json_decref(all);
  all = NULL;
  if (tariff_load(db, &rs->arena, app->cfg.national_currency, &rs->tariff) < 0) goto fail;
  free(errs);
  return rs;
fail:
  json_decref(all);
  free(errs);
  ruleset_free(rs);
  return NULL;
}

struct ruleset *ruleset_acquire(struct app *app) {
  struct ruleset *rs;
  int64_t now = mono_ms();
  pthread_mutex_lock(&cache_mu);
  if (!app->rules || now - app->rules_checked_ms >= 1000) {
    int64_t version = -1;
    struct db *db = store_reader(app->store);
    if (db) rules_ruleset_version(db, &version);
    app->rules_checked_ms = now;
    if (version >= 0 && (!app->rules || app->rules->version != version)) {
      struct ruleset *fresh = ruleset_load(app, version);
      if (fresh) {
        if (app->rules && --app->rules->refs == 0) ruleset_free(app->rules);
        fresh->refs = 1; /* the cache's own reference */
        app->rules = fresh;
      }
    }
  }
  rs = app->rules;
  if (rs) rs->refs++;
  pthread_mutex_unlock(&cache_mu);
  return rs;
}

void ruleset_release(struct app *app, struct ruleset *rs) {
  (void)app;
  if (!rs) return;
  pthread_mutex_lock(&cache_mu);
  int last = --rs->refs == 0;
  pthread_mutex_unlock(&cache_mu);
  if (last) ruleset_free(rs);
}

void ruleset_invalidate(struct app *app) {
  pthread_mutex_lock(&cache_mu);
  app->rules_checked_ms = -1000000;
  pthread_mutex_unlock(&cache_mu);
}

void ruleset_cache_free(struct app *app) {
  pthread_mutex_lock(&cache_mu);
  struct ruleset *rs = app->rules;
  app->rules = NULL;
  int last = rs && --rs->refs == 0;
  pthread_mutex_unlock(&cache_mu);
  if (last) ruleset_free(rs);
}

const struct ruleset_doc_type *ruleset_doc_type(const struct ruleset *rs, const char *code) {
  for (size_t i = 0; code && i < rs->n_doc_types; i++)
    if (strcmp(rs->doc_types[i].code, code) == 0) return &rs->doc_types[i];
  return NULL;
}
