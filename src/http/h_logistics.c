/* h_logistics.c - logistics events posted by ports, terminals, carriers and logistics
 * firms (by token), their list, and the release notices of the poster (long-polling). */
#include <stdio.h>
#include <string.h>

#include "codec/jfield.h"
#include "core/checkdigit.h"
#include "core/decl.h"
#include "core/err.h"
#include "http/app.h"
#include "http/handlers.h"
#include "http/notify.h"
#include "store/logistics_store.h"

#define WAIT_MAX_S 25
#define LG_ROLES (PARTY_PORT_OPERATOR | PARTY_CARRIER | PARTY_LOGISTICS)

static const char *const KINDS[] = {"arrival", "discharge", "storage_entry", "loading",
                                    "gate_out", "departure", NULL};
static const char *const KEYS[] = {LG_KEY_DECLARATION, LG_KEY_BL, LG_KEY_CONTAINER,
                                   LG_KEY_VESSEL_CALL, NULL};

static int logistics_party(struct http_req *r) {
  if (r->caller.party_roles & LG_ROLES) return 1;
  reply_error(r, 403, "", "not_logistics_party",
              "only port operators, terminals, carriers and logistics firms post and read "
              "logistics events");
  return 0;
}

static int all_alnum(const char *s) {
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))) return 0;
  return 1;
}

/* Checks the key's form; a problem at /<key> when it is malformed. */
static void key_check(struct jf *f, const char *kind, const char *v) {
  char path[40];
  size_t n = strlen(v);
  snprintf(path, sizeof path, "/%s", kind);
  if (!strcmp(kind, LG_KEY_DECLARATION)) {
    if (n != 18 || strspn(v, "0123456789") != 18)
      jf_problem(f, path, "bad_format", "a declaration number has 18 digits");
  } else if (!strcmp(kind, LG_KEY_BL)) {
    if (n < 4 || n > 35 || !all_alnum(v))
      jf_problem(f, path, "bad_format", "a bill of lading number: 4 to 35 letters and digits");
  } else if (!strcmp(kind, LG_KEY_CONTAINER)) {
    enum cd_result c = cd_iso6346(v);
    if (c == CD_BAD_CHECK)
      jf_problem(f, path, "bad_check_digit", "the container number's check digit is wrong");
    else if (c != CD_VALID)
      jf_problem(f, path, "bad_format",
                 "an ISO 6346 container number: owner code, U/J/Z, 6 digits, check digit");
  } else {
    const char *slash = strchr(v, '/');
    char imo[16];
    if (!slash || slash == v || (size_t)(slash - v) >= sizeof imo || !slash[1] ||
        strlen(slash + 1) > 17 || !all_alnum(slash + 1)) {
      jf_problem(f, path, "bad_format", "a vessel call is IMO/VOYAGE, e.g. 9321483/025E");
      return;
    }
    snprintf(imo, sizeof imo, "%.*s", (int)(slash - v), v);
    enum cd_result c = cd_imo(imo);
    if (c == CD_BAD_CHECK)
      jf_problem(f, path, "bad_check_digit", "the IMO number's check digit is wrong");
    else if (c != CD_VALID)
      jf_problem(f, path, "bad_format", "the IMO number has 7 digits");
  }
}

struct post_job {
  struct lg_event ev;
};

static int post_write(struct db *db, void *arg) {
  return logistics_event_post(db, &((struct post_job *)arg)->ev);
}

/* POST /v1/logistics/events */
void h_logistics_post(struct http_req *r) {
  static const char *const allowed[] = {"kind", "at", "port", LG_KEY_DECLARATION, LG_KEY_BL,
                                        LG_KEY_CONTAINER, LG_KEY_VESSEL_CALL, NULL};
  if (!logistics_party(r)) return;
  json_t *body = req_json(r);
  if (!body) return;
  struct errlist errs;
  struct jf f = {.a = &r->arena, .errs = &errs};
  struct post_job j = {.ev = {.party_id = r->caller.party_id,
                              .party_nid = r->caller.party_nid,
                              .actor = r->caller.login}};
  errlist_init(&errs);
  if (!json_is_object(body)) {
    jf_problem(&f, "", "bad_type", "an object");
    goto answer;
  }
  jf_only(&f, body, allowed);
  const char *kind = jf_str(&f, body, "kind", 24, true, false);
  int ok = 0;
  for (int i = 0; kind && KINDS[i]; i++) ok |= !strcmp(kind, KINDS[i]);
  if (kind && !ok)
    jf_problem(&f, "/kind", "unknown_kind",
               "one of arrival, discharge, storage_entry, loading, gate_out, departure");
  j.ev.kind = kind;
  const char *at = jf_str(&f, body, "at", 40, true, false);
  if (at && decl_datetime_parse(at, &j.ev.at) < 0)
    jf_problem(&f, "/at", "bad_datetime", "RFC 3339 UTC, e.g. 2026-12-01T06:00:00Z");
  const char *port = jf_str(&f, body, "port", 5, false, true);
  if (port && !refdata_location(r->app->rd, port))
    jf_problem(&f, "/port", "unknown_location", "not a UN/LOCODE");
  j.ev.port = port ? port : "";
  int keys = 0;
  for (int i = 0; KEYS[i]; i++) {
    const char *v = jf_str(&f, body, KEYS[i], 40, false, true);
    if (!v) continue;
    keys++;
    j.ev.key_kind = KEYS[i];
    j.ev.key_value = v;
    key_check(&f, KEYS[i], v);
  }
  if (keys != 1)
    jf_problem(&f, "", keys ? "too_many_keys" : "key_required",
               "give exactly one key: declaration, bill_of_lading, container or vessel_call");
answer:
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The logistics event has problems", NULL, &errs);
    json_decref(body);
    return;
  }
  int rc = store_write(r->app->store, post_write, &j);
  if (rc == -SW_ENOTFOUND) {
    char path[40];
    snprintf(path, sizeof path, "/%s", j.ev.key_kind);
    reply_error(r, 422, path, "unknown_declaration", "no declaration has this number");
  } else if (rc < 0) {
    reply_error(r, 503, "", "store_failed", "the event could not be stored");
  } else {
    if (!j.ev.existed) notify_bump(r->app->notify);
    json_t *doc = logistics_event_json(store_reader(r->app->store), r->caller.party_id, j.ev.id);
    if (!doc) reply_error(r, 503, "", "store_failed", "the event could not be read back");
    else reply_json(r, j.ev.existed ? 200 : 201, doc);
  }
  json_decref(body);
}

/* GET /v1/logistics/events?after=&limit= */
void h_logistics_list(struct http_req *r) {
  long after, limit;
  if (!logistics_party(r)) return;
  if (req_query_int(r, "after", 0, INT64_MAX / 2, 0, &after) < 0 ||
      req_query_int(r, "limit", 1, 500, 100, &limit) < 0)
    return;
  reply_json(r, 200, logistics_events_json(store_reader(r->app->store), r->caller.party_id,
                                           after, (int)limit));
}

/* GET /v1/logistics/events/{id} */
void h_logistics_get(struct http_req *r) {
  if (!logistics_party(r)) return;
  int64_t id = req_id_param(r, "id");
  if (!id) return;
  json_t *doc = logistics_event_json(store_reader(r->app->store), r->caller.party_id, id);
  if (!doc) reply_error(r, 404, "", "not_found", "no such event of yours");
  else reply_json(r, 200, doc);
}

/* GET /v1/logistics/notices?after=&wait=&limit= - parks like GET /v1/events. */
void h_logistics_notices(struct http_req *r) {
  long after, wait, limit;
  if (!logistics_party(r)) return;
  if (req_query_int(r, "after", 0, INT64_MAX / 2, 0, &after) < 0 ||
      req_query_int(r, "wait", 0, WAIT_MAX_S, 0, &wait) < 0 ||
      req_query_int(r, "limit", 1, 500, 100, &limit) < 0)
    return;
  int64_t now = req_mono_us(), last = after;
  if (!r->park_deadline) r->park_deadline = now + (int64_t)wait * 1000000;
  json_t *items = logistics_notices_json(store_reader(r->app->store), r->caller.party_id, after,
                                         (int)limit, &last);
  if (json_array_size(items) == 0 && now < r->park_deadline && r->app->ready) {
    json_decref(items);
    req_park(r);
    return;
  }
  char cursor[24];
  snprintf(cursor, sizeof cursor, "%lld", (long long)last);
  reply_json(r, 200, json_pack("{s:o, s:s}", "items", items, "next", cursor));
}
