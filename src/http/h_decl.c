/* h_decl.c - declarations: submit, read, list, timeline, answer a hold, cancel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/decl_json.h"
#include "codec/jtext.h"
#include "core/err.h"
#include "http/app.h"
#include "http/handlers.h"
#include "http/notify.h"
#include "http/submit.h"
#include "store/decl_store.h"

/* The numeric {id} path parameter; answers 404 and returns 0 when it is not one. */
int64_t req_id_param(struct http_req *r, const char *name) {
  const char *v = req_param(r, name);
  char *end;
  errno = 0;
  long long id = v ? strtoll(v, &end, 10) : 0;
  if (!v || errno || *end || id <= 0) {
    reply_error(r, 404, "", "not_found", "no such resource");
    return 0;
  }
  return id;
}

/* Answers with the declaration as stored (status 200 or 201), or 500 if it vanished. */
static void reply_decl(struct http_req *r, unsigned status, int64_t id) {
  size_t len = 0;
  char *text = decl_get_text(store_reader(r->app->store), id, &len);
  if (!text) {
    reply_error(r, 500, "", "read_failed", "the declaration could not be read back");
    return;
  }
  reply_json_text(r, status, text, len);
}

/* The answer to a submission: read by the write job itself where that is cheap
 * (store_job_reads_cheap: on SQLite, read afterwards on a reader connection it cost ~15
 * preads per declaration), else by the worker after the commit. */
struct answer {
  char *text;
  size_t len;
};

static int read_answer(struct db *db, int64_t decl_id, void *arg) {
  struct answer *a = arg;
  free(a->text); /* a job runs once; should it ever run again, the last reading counts */
  a->text = decl_get_text(db, decl_id, &a->len);
  return a->text ? 0 : -SW_ENOMEM;
}

static void reply_answer(struct http_req *r, unsigned status, int64_t id, struct answer *a) {
  if (!a->text) {
    reply_decl(r, status, id);
    return;
  }
  reply_json_text(r, status, a->text, a->len); /* takes the text */
  a->text = NULL;
}

/* What a submission keeps across its write: the problems, the job, the answer. */
struct submit_state {
  struct errlist *errs;
  struct submit_job *job;
  struct submit_hook hook; /* reads ans inside the registration's transaction */
  struct answer ans;
};

/* Answers a submission by its outcome. */
static void submit_reply(struct http_req *r, enum submit_outcome out, int64_t id,
                         struct submit_state *st) {
  struct errlist *errs = st->errs;
  switch (out) {
  case SUBMIT_CREATED: {
    char loc[48];
    reply_answer(r, 201, id, &st->ans);
    snprintf(loc, sizeof loc, "/v1/declarations/%lld", (long long)id);
    reply_header(r, "Location", loc);
    break;
  }
  case SUBMIT_EXISTED: reply_answer(r, 200, id, &st->ans); break;
  case SUBMIT_INVALID:
    reply_problem(r, 422, "validation", "The declaration has problems",
                  "nothing was stored; correct every listed problem and submit again", errs);
    break;
  case SUBMIT_FORBIDDEN:
    reply_problem(r, 403, "no_mandate", "Forbidden", errs->items[0].message, errs);
    break;
  case SUBMIT_CONFLICT:
    reply_problem(r, 409, "reference_conflict", "Conflict", errs->items[errs->n - 1].message, errs);
    break;
  case SUBMIT_PENDING: /* never: submit_finish is final */
  case SUBMIT_UNAVAILABLE:
    reply_problem(r, 503, errs->n ? errs->items[errs->n - 1].code : "unavailable",
                  "Service unavailable", errs->n ? errs->items[errs->n - 1].message : NULL, errs);
    break;
  }
  free(st->ans.text); /* read in a transaction that then failed to commit */
  st->ans.text = NULL;
}

/* The continuation of a submission once its registration is written (req_write_async). */
static void submit_written(struct http_req *r, int rc) {
  struct submit_state *st = r->state;
  int64_t id = 0;
  enum submit_outcome out = submit_finish(st->job, rc, &id);
  submit_reply(r, out, id, st);
}

void h_decl_submit(struct http_req *r) {
  struct submit_state *st = arena_alloc(&r->arena, sizeof *st);
  struct errlist *errs = arena_alloc_uninit(&r->arena, sizeof *errs); /* errlist_init below */
  struct decl *d = arena_alloc(&r->arena, sizeof *d);
  json_t *body;
  if (!st || !errs || !d) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  if (!req_json_body_ok(r)) return;
  errlist_init(errs);
  /* the common case without jansson's tree; anything else takes the full path */
  int rc = decl_from_text_fast(r->body, r->body_len, &r->arena, d);
  if (rc == DECL_FAST_DECLINED) {
    if (!(body = req_json(r))) return;
    rc = decl_from_json(body, &r->arena, d, errs);
    json_decref(body);
  }
  if (rc == -SW_ENOMEM) {
    reply_error(r, 413, "", "too_large", "the declaration does not fit in request memory");
    return;
  }
  st->errs = errs;
  st->hook = (struct submit_hook){.fn = read_answer, .arg = &st->ans};
  enum submit_outcome out =
      submit_prepare(r->app, &r->caller, r->client_ip, d, &r->arena, errs,
                     store_job_reads_cheap(r->app->store) ? &st->hook : NULL, &st->job);
  if (out == SUBMIT_PENDING) { /* registered without holding this thread */
    r->state = st;
    req_write_async(r, submit_job_write, st->job, submit_written);
    return;
  }
  submit_reply(r, out, 0, st);
}

/* Resolves {id} to a declaration the caller may see; answers 404 and returns 0 if not. */
static int64_t visible_decl(struct http_req *r) {
  int64_t id = req_id_param(r, "id");
  if (!id) return 0;
  int v = decl_visible(store_reader(r->app->store), id, &r->caller);
  if (v != 1) {
    reply_error(r, 404, "", "not_found", "no such declaration");
    return 0;
  }
  return id;
}

void h_decl_get(struct http_req *r) {
  int64_t id = visible_decl(r);
  if (id) reply_decl(r, 200, id);
}

void h_decl_events(struct http_req *r) {
  int64_t id = visible_decl(r);
  if (id)
    reply_json(r, 200,
               json_pack("{s:o}", "items", decl_events_json(store_reader(r->app->store), id)));
}

/* Parses an RFC 3339 query argument; answers 400 and returns -1 when malformed. */
static int query_time(struct http_req *r, const char *name, int64_t *out) {
  const char *v = req_query(r, name);
  *out = 0;
  if (!v) return 0;
  if (decl_datetime_parse(v, out) < 0) {
    char path[32];
    snprintf(path, sizeof path, "?%s", name);
    reply_error(r, 400, path, "bad_parameter", "must be an RFC 3339 UTC time");
    return -1;
  }
  return 0;
}

void h_decl_list(struct http_req *r) {
  struct decl_filter f = {
      .status = req_query(r, "status"), .type = req_query(r, "type"), .hs = req_query(r, "hs")};
  long limit, after;
  if (req_query_int(r, "limit", 1, 200, 50, &limit) < 0 ||
      req_query_int(r, "after", 0, INT64_MAX / 2, 0, &after) < 0 ||
      query_time(r, "from", &f.from_us) < 0 || query_time(r, "to", &f.to_us) < 0)
    return;
  if (f.status && decl_status_parse(f.status) < 0) {
    reply_error(r, 400, "?status", "bad_parameter", "unknown status");
    return;
  }
  if (f.type && decl_type_parse(f.type) == DECL_TYPE_NONE) {
    reply_error(r, 400, "?type", "bad_parameter", "type must be IM, EX, VA or VD");
    return;
  }
  if (f.hs &&
      (strlen(f.hs) < 2 || strlen(f.hs) > 10 || strspn(f.hs, "0123456789") != strlen(f.hs))) {
    reply_error(r, 400, "?hs", "bad_parameter", "hs must be 2 to 10 digits");
    return;
  }
  f.limit = (int)limit;
  f.after = after;
  json_t *page = decl_list_json(store_reader(r->app->store), &r->caller, &f);
  if (!page)
    reply_error(r, 503, "", "store_failed", "cannot read declarations");
  else
    reply_json(r, 200, page);
}

struct respond_job {
  int64_t id;
  const struct caller *by;
  const char *origin, *detail;
};

static int respond_write(struct db *db, void *arg) {
  struct respond_job *j = arg;
  return decl_respond(db, j->id, j->by, j->origin, j->detail);
}

static int cancel_write(struct db *db, void *arg) {
  struct respond_job *j = arg;
  return decl_cancel(db, j->id, j->by, j->origin, j->detail);
}

/* Only the declarant's or principal's own users act on a declaration. */
static int64_t own_decl(struct http_req *r) {
  int64_t id = visible_decl(r);
  return (id && r->caller.party_id) ? id : 0;
}

void h_decl_respond(struct http_req *r) {
  int64_t id = own_decl(r);
  json_t *body = NULL;
  char *detail = NULL;
  struct errlist errs;
  if (!id) {
    if (!r->resp) reply_error(r, 404, "", "not_found", "no such declaration");
    return;
  }
  if (!(body = req_json(r))) return;
  errlist_init(&errs);
  json_t *msg = json_object_get(body, "message"), *docs = json_object_get(body, "documents");
  if (!json_is_object(body)) errlist_add(&errs, "", "bad_type", "the body must be an object");
  if (msg && (!json_is_string(msg) || json_string_length(msg) > 2000))
    errlist_add(&errs, "/message", "bad_type", "message must be text of at most 2000 bytes");
  else if (msg && strspn(json_string_value(msg), " \t\r\n") == json_string_length(msg))
    msg = NULL; /* a blank message answers nothing */
  if (docs && (!json_is_array(docs) || json_array_size(docs) > 20))
    errlist_add(&errs, "/documents", "bad_type", "documents must be an array of at most 20");
  size_t i;
  json_t *doc;
  if (json_is_array(docs)) json_array_foreach(docs, i, doc) {
      json_t *t = json_object_get(doc, "type"), *n = json_object_get(doc, "number");
      char path[48];
      snprintf(path, sizeof path, "/documents/%zu", i);
      if (!json_is_object(doc) || !json_is_string(t) || !json_is_string(n) ||
          !json_string_length(t) || !json_string_length(n) || json_string_length(t) > 35 ||
          json_string_length(n) > 70 || json_object_size(doc) != 2)
        errlist_add(&errs, path, "bad_document", "each document is {type (<=35), number (<=70)}");
    }
  if (!errlist_any(&errs) && !msg && !json_array_size(docs))
    errlist_add(&errs, "/message", "required", "give a message, documents, or both");
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The answer has problems", NULL, &errs);
    goto out;
  }
  json_t *det = json_pack("{s:O?, s:O?}", "message", msg, "documents", docs);
  detail = jt_dumps(det, false);
  json_decref(det);
  struct respond_job j = {id, &r->caller, r->client_ip, detail};
  int rc = store_write(r->app->store, respond_write, &j);
  if (rc == -SW_ESTATE || rc == -SW_ECONFLICT)
    reply_error(r, 409, "", "nothing_held", "no agency is waiting for information");
  else if (rc < 0)
    reply_error(r, 503, "", "store_failed", "the answer could not be stored; retry");
  else {
    notify_bump(r->app->notify);
    reply_decl(r, 200, id);
  }
out:
  free(detail);
  json_decref(body);
}

void h_decl_cancel(struct http_req *r) {
  int64_t id = own_decl(r);
  json_t *body = NULL;
  if (!id) {
    if (!r->resp) reply_error(r, 404, "", "not_found", "no such declaration");
    return;
  }
  const char *reason = NULL;
  if (r->body_len) {
    if (!(body = req_json(r))) return;
    json_t *jr = json_object_get(body, "reason");
    if (jr && (!json_is_string(jr) || json_string_length(jr) > 500)) {
      reply_error(r, 422, "/reason", "bad_type", "reason must be text of at most 500 bytes");
      goto out;
    }
    reason = json_string_value(jr);
  }
  struct respond_job j = {id, &r->caller, r->client_ip, reason};
  int rc = store_write(r->app->store, cancel_write, &j);
  if (rc == -SW_ECONFLICT)
    reply_error(r, 409, "", "already_final", "the declaration already has its outcome");
  else if (rc < 0)
    reply_error(r, 503, "", "store_failed", "the cancellation could not be stored; retry");
  else {
    notify_bump(r->app->notify);
    reply_decl(r, 200, id);
  }
out:
  json_decref(body);
}
