/* request.c - request accessors and the answers (JSON, bytes, problem+json). */
#include "http/request.h"
#include "codec/jtext.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

const char *req_param(const struct http_req *r, const char *name) {
  for (int i = 0; i < r->nparams; i++)
    if (strcmp(r->param_names[i], name) == 0) return r->param_values[i];
  return NULL;
}

const char *req_query(const struct http_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(const struct http_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_query_int(struct http_req *r, const char *name, long lo, long hi, long dflt,
                  long *out) {
  const char *v = req_query(r, name);
  if (!v) {
    *out = dflt;
    return 0;
  }
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < lo || n > hi) {
    char path[80], msg[128];
    snprintf(path, sizeof path, "?%s", name);
    snprintf(msg, sizeof msg, "must be a whole number from %ld to %ld", lo, hi);
    reply_error(r, 400, path, "bad_parameter", msg);
    return -1;
  }
  *out = n;
  return 0;
}

/* Nesting depth outside strings; jansson's own limit (2048) is far too generous. */
static int json_depth_ok(const char *s, size_t n) {
  int depth = 0, in_str = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (in_str) {
      if (c == '\\') i++;
      else if (c == '"') in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == '[' || c == '{') {
      if (++depth > JSON_MAX_DEPTH) return 0;
    } else if (c == ']' || c == '}') {
      depth--;
    }
  }
  return 1;
}

int req_json_body_ok(struct http_req *r) {
  const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (ct && strncmp(ct, "application/json", 16) != 0 && !strstr(ct, "+json")) {
    reply_error(r, 415, "", "unsupported_media_type", "the body must be application/json");
    return 0;
  }
  if (r->body_len == 0) {
    reply_error(r, 400, "", "empty_body", "a JSON body is required");
    return 0;
  }
  return 1;
}

json_t *req_json(struct http_req *r) {
  json_error_t e;
  if (!req_json_body_ok(r)) return NULL;
  if (!json_depth_ok(r->body, r->body_len)) {
    reply_error(r, 400, "", "too_deep", "JSON nesting is deeper than 64 levels");
    return NULL;
  }
  json_t *doc = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
  if (!doc) {
    char msg[300];
    enum json_error_code jc = json_error_code(&e);
    const char *code = jc == json_error_duplicate_key ? "duplicate_key"
                       : (jc == json_error_invalid_utf8 || strstr(e.text, "Unicode"))
                           ? "invalid_utf8"
                       : jc == json_error_end_of_input_expected ? "trailing_data"
                                                                : "malformed_json";
    snprintf(msg, sizeof msg, "%s (line %d, column %d, byte %d)", e.text, e.line, e.column,
             e.position);
    reply_error(r, 400, "", code, msg);
    return NULL;
  }
  return doc;
}

static void set_response(struct http_req *r, unsigned status, struct MHD_Response *resp,
                         const char *content_type) {
  if (r->resp) MHD_destroy_response(r->resp);
  r->resp = resp;
  r->status = status;
  if (!resp) {
    r->status = 500;
    return;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

void reply_bytes(struct http_req *r, unsigned status, const char *content_type,
                 const void *data, size_t len, int copy) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
  set_response(r, status, resp, content_type);
}

static void reply_json_typed(struct http_req *r, unsigned status, json_t *doc,
                             const char *content_type) {
  char *text = doc ? jt_dumps(doc, true) : NULL;
  json_decref(doc);
  if (!text) {
    static const char oom[] = "{\"title\":\"out of memory\",\"status\":500}";
    reply_bytes(r, 500, "application/problem+json", oom, sizeof oom - 1, 0);
    return;
  }
  struct MHD_Response *resp =
      MHD_create_response_from_buffer_with_free_callback(strlen(text), text, free);
  set_response(r, status, resp, content_type);
}

void reply_json(struct http_req *r, unsigned status, json_t *doc) {
  reply_json_typed(r, status, doc, "application/json");
}

void reply_json_text(struct http_req *r, unsigned status, char *text, size_t len) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer_with_free_callback(len, text, free);
  if (!resp) free(text);
  set_response(r, status, resp, "application/json");
}

void reply_problem(struct http_req *r, unsigned status, const char *slug, const char *title,
                   const char *detail, const struct errlist *errs) {
  char type[96];
  snprintf(type, sizeof type, "urn:opensw:problem:%s", slug);
  json_t *doc = json_pack("{s:s, s:s, s:i}", "type", type, "title", title, "status", status);
  if (doc && detail) json_object_set_new(doc, "detail", json_string(detail));
  if (doc && r->path) json_object_set_new(doc, "instance", json_string(r->path));
  if (doc && errs) {
    json_t *arr = json_array();
    for (size_t i = 0; i < errs->n; i++)
      json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "path", errs->items[i].path,
                                           "code", errs->items[i].code, "message",
                                           errs->items[i].message));
    json_object_set_new(doc, "errors", arr);
    if (errs->dropped)
      json_object_set_new(doc, "errors_omitted", json_integer((json_int_t)errs->dropped));
  }
  reply_json_typed(r, status, doc, "application/problem+json");
}

static const char *status_title(unsigned status) {
  switch (status) {
  case 400: return "Bad request";
  case 401: return "Authentication required";
  case 403: return "Forbidden";
  case 404: return "Not found";
  case 405: return "Method not allowed";
  case 409: return "Conflict";
  case 413: return "Request body too large";
  case 415: return "Unsupported media type";
  case 422: return "Unprocessable content";
  case 429: return "Too many requests";
  case 503: return "Service unavailable";
  default: return status >= 500 ? "Internal error" : "Error";
  }
}

void reply_error(struct http_req *r, unsigned status, const char *path, const char *code,
                 const char *message) {
  struct errlist *e = arena_alloc(&r->arena, sizeof *e);
  if (e) {
    errlist_init(e);
    errlist_add(e, path, code, "%s", message);
  }
  reply_problem(r, status, code, status_title(status), message, e);
}

void reply_header(struct http_req *r, const char *name, const char *value) {
  if (r->resp) MHD_add_response_header(r->resp, name, value);
}
