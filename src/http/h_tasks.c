/* h_tasks.c - an agency's inbox and its officers' decisions. */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "http/app.h"
#include "http/handlers.h"
#include "http/notify.h"
#include "store/decl_store.h"

void h_agency_tasks(struct http_req *r) {
  const char *code = req_param(r, "code");
  struct task_filter f = {.state = req_query(r, "state"), .type = req_query(r, "type")};
  long limit, after;
  if (r->caller.role != ROLE_ADMIN && strcmp(code, r->caller.agency) != 0) {
    reply_error(r, 403, "/code", "forbidden", "you may read only your own agency's inbox");
    return;
  }
  if (req_query_int(r, "limit", 1, 200, 50, &limit) < 0 ||
      req_query_int(r, "after", 0, INT64_MAX / 2, 0, &after) < 0)
    return;
  if (f.state && task_state_parse(f.state) < 0) {
    reply_error(r, 400, "?state", "bad_parameter",
                "state must be pending, approved, rejected, held, inspection or closed");
    return;
  }
  if (f.type && decl_type_parse(f.type) == DECL_TYPE_NONE) {
    reply_error(r, 400, "?type", "bad_parameter", "type must be IM, EX, VA or VD");
    return;
  }
  f.limit = (int)limit;
  f.after = after;
  json_t *page = task_inbox_json(store_reader(r->app->store), code, &f);
  if (!page) reply_error(r, 503, "", "store_failed", "cannot read the inbox");
  else reply_json(r, 200, page);
}

static int decide_write(struct db *db, void *arg) { return decl_decide(db, arg); }

/* Optional bounded string member; adds a problem when present and not fitting. */
static const char *opt_text(json_t *body, const char *key, size_t max, struct errlist *errs) {
  json_t *v = json_object_get(body, key);
  char path[40];
  if (!v || json_is_null(v)) return NULL;
  snprintf(path, sizeof path, "/%s", key);
  if (!json_is_string(v) || json_string_length(v) > max || !json_string_length(v)) {
    errlist_add(errs, path, "bad_type", "%s must be text of 1 to %zu bytes", key, max);
    return NULL;
  }
  return json_string_value(v);
}

void h_task_decide(struct http_req *r) {
  int64_t task = req_id_param(r, "id");
  json_t *body;
  struct errlist errs;
  if (!task || !(body = req_json(r))) return;
  errlist_init(&errs);
  if (!json_is_object(body)) errlist_add(&errs, "", "bad_type", "the body must be an object");
  const char *key;
  json_t *val;
  json_object_foreach(body, key, val) {
    if (strcmp(key, "decision") && strcmp(key, "reason_code") && strcmp(key, "note") &&
        strcmp(key, "inspection_at"))
      errlist_add(&errs, "", "unknown_field", "unknown field '%.40s'", key);
  }
  json_t *jd = json_object_get(body, "decision");
  enum decision d = json_is_string(jd) ? decision_parse(json_string_value(jd)) : DEC_NONE;
  if (d == DEC_NONE)
    errlist_add(&errs, "/decision", "required",
                "decision must be approve, reject, hold or inspect");
  const char *reason_code = opt_text(body, "reason_code", 35, &errs);
  const char *note = opt_text(body, "note", 2000, &errs);
  const char *inspection_at = opt_text(body, "inspection_at", 40, &errs);
  int64_t when;
  if (inspection_at && decl_datetime_parse(inspection_at, &when) < 0)
    errlist_add(&errs, "/inspection_at", "bad_datetime", "must be an RFC 3339 UTC time");
  if (d == DEC_REJECT && !reason_code)
    errlist_add(&errs, "/reason_code", "required", "a rejection needs a reason code");
  if (d == DEC_HOLD && !note)
    errlist_add(&errs, "/note", "required", "say what information is requested");
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The decision has problems", NULL, &errs);
    json_decref(body);
    return;
  }
  struct decl_decision dd = {.task_id = task, .decision = d, .reason_code = reason_code,
                             .note = note, .inspection_at = inspection_at, .by = &r->caller,
                             .origin = r->client_ip};
  int rc = store_write(r->app->store, decide_write, &dd);
  json_decref(body);
  if (rc == -SW_ENOTFOUND) {
    reply_error(r, 404, "", "not_found", "no such task in your agency");
  } else if (rc == -SW_ECONFLICT) {
    reply_error(r, 409, "/decision", "state_conflict",
                "the task is no longer open to this decision (decided already?)");
  } else if (rc < 0) {
    reply_error(r, 503, "", "store_failed", "the decision could not be stored; retry");
  } else {
    notify_bump(r->app->notify);
    json_t *doc = decl_get_json(store_reader(r->app->store), dd.decl_id);
    if (doc) reply_json(r, 200, doc);
    else reply_error(r, 500, "", "read_failed", "the declaration could not be read back");
  }
}
