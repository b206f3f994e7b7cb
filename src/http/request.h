/* request.h - one HTTP exchange as handlers see it, and the ways to answer it.
 * Everything a handler allocates for the request lives in r->arena. */
#ifndef SW_REQUEST_H
#define SW_REQUEST_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/errlist.h"
#include "store/store.h"

#define HTTP_MAX_PARAMS 6

struct app;
struct route;
struct MHD_Connection;
struct MHD_Response;

struct http_req {
  struct app *app;
  const struct route *route; /* NULL when nothing matched */
  struct MHD_Connection *conn;
  const char *method, *path;
  char *body; /* NUL-terminated; body_len excludes the NUL */
  size_t body_len, body_cap;
  int body_too_big, bad_framing;
  int csrf_refused; /* a session cookie without its X-CSRF-Token, on a public route */
  const char *param_names[HTTP_MAX_PARAMS];
  const char *param_values[HTTP_MAX_PARAMS];
  int nparams;
  struct caller caller;
  struct arena arena;
  char client_ip[48];
  int64_t started_us;
  unsigned status;
  struct MHD_Response *resp;
  int parked;             /* the handler asked to be called again later (req_park) */
  int64_t park_deadline;  /* monotonic microseconds; kept across re-dispatches */
  struct http_req *next_parked;
  /* a write the handler started (req_write_async), queued once the connection is
     suspended; its continuation answers when the write is done */
  store_write_fn write_fn;
  void *write_arg;
  void (*cont)(struct http_req *r, int rc);
  int write_rc;
  void *state; /* the handler's, for its continuation */
};

/* Monotonic clock in microseconds. */
int64_t req_mono_us(void);
/* Instead of answering now, asks to be called again when something is committed (a
   notify_bump) or within a quarter second, on the same request. The handler decides
   on each call whether to park again or answer; it must answer by its own deadline. */
void req_park(struct http_req *r);

/* Instead of answering now, has fn(db, arg) run as a rerunnable write job
 * (store_write_rerunnable) without holding a worker thread: the connection is suspended
 * until the job's transaction is committed and durable, then cont(r, rc) runs in the
 * handler's place and must answer. cont always runs once, also when the client went away
 * meanwhile (its answer is then dropped), so it may free what the handler kept in
 * r->state. */
void req_write_async(struct http_req *r, store_write_fn fn, void *arg,
                     void (*cont)(struct http_req *r, int rc));

/* Path parameter by name ("{code}" in the pattern); NULL when absent. */
const char *req_param(const struct http_req *r, const char *name);
/* Query-string argument; NULL when absent. */
const char *req_query(const struct http_req *r, const char *name);
/* Request header (case-insensitive); NULL when absent. */
const char *req_header(const struct http_req *r, const char *name);
/* Parses the body as strict JSON (UTF-8, no duplicate keys, no trailing data, nesting
 * bounded). On failure answers 400 problem+json naming the problem and returns NULL. The
 * caller owns the result (json_decref). */
json_t *req_json(struct http_req *r);
/* The checks of req_json that come before parsing: a JSON media type (415) and a body at
 * all (400). Answers and returns 0 when one fails, returns 1 otherwise. */
int req_json_body_ok(struct http_req *r);
/* Reads a bounded integer query argument; answers 400 and returns -1 when malformed. */
int req_query_int(struct http_req *r, const char *name, long lo, long hi, long dflt,
                  long *out);

/* Answers with a JSON document (takes the reference). */
void reply_json(struct http_req *r, unsigned status, json_t *doc);
/* Answers with JSON text already encoded (takes ownership of the malloc'd text). */
void reply_json_text(struct http_req *r, unsigned status, char *text, size_t len);
/* Answers with bytes; copy 0 means data is static and outlives the response. */
void reply_bytes(struct http_req *r, unsigned status, const char *content_type,
                 const void *data, size_t len, int copy);
/* Answers RFC 9457 problem+json: type slug, title, detail, and every problem in errs
 * (may be NULL) as an "errors" array of {path, code, message}. */
void reply_problem(struct http_req *r, unsigned status, const char *slug, const char *title,
                   const char *detail, const struct errlist *errs);
/* Shorthand for one problem with one error entry. */
void reply_error(struct http_req *r, unsigned status, const char *path, const char *code,
                 const char *message);
/* Adds a header to the answer already made. */
void reply_header(struct http_req *r, const char *name, const char *value);

#endif
