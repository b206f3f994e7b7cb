/* router.c - matching paths against the route table. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "http/request.h"

size_t routes_count(void) {
  size_t n = 0;
  while (ROUTES[n].method) n++;
  return n;
}

size_t route_index(const struct route *rt) { return (size_t)(rt - ROUTES); }

/* Matches one pattern; on success records parameters into r. */
static int match(struct http_req *r, const char *pat, const char *path) {
  int np = 0;
  while (*pat && *path) {
    if (*pat == '{') {
      const char *pe = strchr(pat, '}');
      const char *se = strchr(path, '/');
      /* "{name*}" takes the rest of the path, but never an API path */
      int rest = pe && pe[-1] == '*';
      size_t vlen = (se && !rest) ? (size_t)(se - path) : strlen(path);
      if (!pe || vlen == 0 || np >= HTTP_MAX_PARAMS) return 0;
      if (rest && strncmp(r->path, "/v1/", 4) == 0) return 0;
      r->param_names[np] =
          arena_strndup(&r->arena, pat + 1, (size_t)(pe - pat - 1 - (rest ? 1 : 0)));
      r->param_values[np] = arena_strndup(&r->arena, path, vlen);
      if (!r->param_names[np] || !r->param_values[np]) return 0;
      np++;
      pat = pe + 1;
      path += vlen;
      continue;
    }
    if (*pat != *path) return 0;
    pat++;
    path++;
  }
  if (*pat || *path) return 0;
  r->nparams = np;
  return 1;
}

const struct route *router_match(struct http_req *r, const char *method, const char *path,
                                 int *method_mismatch) {
  *method_mismatch = 0;
  for (const struct route *rt = ROUTES; rt->method; rt++) {
    if (!match(r, rt->pattern, path)) continue;
    if (strcmp(rt->method, method) == 0 ||
        (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0))
      return rt;
    *method_mismatch = 1;
  }
  r->nparams = 0;
  return NULL;
}

void router_allow(struct http_req *r, const char *path, char *out, size_t len) {
  size_t n = 0;
  out[0] = 0;
  for (const struct route *rt = ROUTES; rt->method; rt++) {
    if (!match(r, rt->pattern, path) || strstr(out, rt->method)) continue;
    int k = snprintf(out + n, len - n, "%s%s", n ? ", " : "", rt->method);
    if (k < 0 || (size_t)k >= len - n) break;
    n += (size_t)k;
  }
  r->nparams = 0;
}

void routes_print(void) {
  static const char *const names[] = {"public", "party", "officer", "supervisor", "admin"};
  for (const struct route *rt = ROUTES; rt->method; rt++) {
    printf("{\"method\":\"%s\",\"pattern\":\"%s\",\"access\":[", rt->method, rt->pattern);
    int first = 1;
    for (int b = 0; b < 5; b++)
      if (rt->access & (1u << b)) {
        printf("%s\"%s\"", first ? "" : ",", names[b]);
        first = 0;
      }
    printf("]}\n");
  }
}
