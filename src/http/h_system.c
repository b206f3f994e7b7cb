/* h_system.c - health, readiness, metrics, the OpenAPI document and static UI files. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/app.h"
#include "store/store_watch.h"
#include "http/handlers.h"
#include "http/metrics.h"

void h_healthz(struct http_req *r) {
  static const char ok[] = "{\"status\":\"ok\"}";
  reply_bytes(r, 200, "application/json", ok, sizeof ok - 1, 0);
}

void h_readyz(struct http_req *r) {
  if (!r->app->ready || !store_reader(r->app->store)) {
    reply_error(r, 503, "", "not_ready", "starting up or shutting down");
    return;
  }
  reply_json(r, 200,
             json_pack("{s:s, s:i, s:I, s:I}", "status", "ready", "schema",
                       store_schema_version(r->app->store), "hs_codes",
                       (json_int_t)refdata_hs_count(r->app->rd), "locations",
                       (json_int_t)refdata_location_count(r->app->rd)));
}

void h_metrics(struct http_req *r) {
  size_t len = 0;
  char *text = metrics_render(r->app->metrics, r->app->store,
                              store_watch_remote_commits(r->app->watch), &len);
  if (!text) {
    reply_error(r, 500, "", "out_of_memory", "cannot render metrics");
    return;
  }
  reply_bytes(r, 200, "text/plain; version=0.0.4", text, len, 1);
  free(text);
}

void h_openapi(struct http_req *r) {
  if (!r->app->openapi) {
    reply_error(r, 404, "", "not_found", "the OpenAPI document was not found at start-up");
    return;
  }
  reply_bytes(r, 200, "application/yaml", r->app->openapi, r->app->openapi_len, 0);
}

static const char *mime_of(const char *path) {
  const char *dot = strrchr(path, '.');
  static const char *const map[][2] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
      {".json", "application/json"}, {".woff2", "font/woff2"}, {".map", "application/json"},
  };
  for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
    if (strcmp(dot, map[i][0]) == 0) return map[i][1];
  return "application/octet-stream";
}

/* Serves web/ files. Paths with "..", backslashes, NULs or hidden names are refused. */
void h_static(struct http_req *r) {
  const char *rel = req_param(r, "path");
  char full[1100];
  if (!rel || !*rel) rel = "index.html";
  if (strstr(rel, "..") || strchr(rel, '\\') || rel[0] == '/' || rel[0] == '.' ||
      strstr(rel, "/.") || strlen(rel) > 256) {
    reply_error(r, 404, "", "not_found", "no such file");
    return;
  }
  snprintf(full, sizeof full, "%s/%s", r->app->cfg.web_dir, rel);
  /* O_NOFOLLOW guards the last component only: a linked folder inside web/ could still
   * lead out of it, so the resolved path must lie under the resolved web/. */
  char root[PATH_MAX], real[PATH_MAX];
  size_t rootlen = 0;
  int inside = realpath(r->app->cfg.web_dir, root) && realpath(full, real) &&
               (rootlen = strlen(root), strncmp(real, root, rootlen) == 0) &&
               real[rootlen] == '/';
  int fd = inside ? open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) close(fd);
    reply_error(r, 404, "", "not_found", "no such file");
    return;
  }
  struct MHD_Response *resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
  if (!resp) {
    close(fd);
    reply_error(r, 500, "", "io", "cannot read file");
    return;
  }
  r->resp = resp;
  r->status = 200;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime_of(full));
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                          "frame-ancestors 'none'; form-action 'self'");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
}
