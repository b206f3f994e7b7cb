/* router.h - the route table: method, path pattern with {params}, handler, and who may
 * call it. The table is the single source for dispatch, metrics and the authorisation
 * matrix test (swd --routes prints it). */
#ifndef SW_ROUTER_H
#define SW_ROUTER_H
#include <stddef.h>

struct http_req;

enum access {
  ACC_PUBLIC = 1 << 0,     /* anyone, no credentials needed */
  ACC_PARTY = 1 << 1,      /* users of a party (traders, brokers, carriers, banks...) */
  ACC_OFFICER = 1 << 2,    /* agency officers */
  ACC_SUPERVISOR = 1 << 3, /* agency supervisors */
  ACC_ADMIN = 1 << 4,      /* administrators */
};
#define ACC_AGENCY (ACC_OFFICER | ACC_SUPERVISOR)
#define ACC_ANY_USER (ACC_PARTY | ACC_AGENCY | ACC_ADMIN)

typedef void (*route_handler)(struct http_req *r);

struct route {
  const char *method;
  const char *pattern; /* "/v1/reference/hs/{code}" */
  route_handler handler;
  unsigned access;
  const char *summary;
};

/* The table, terminated by a zeroed entry. */
extern const struct route ROUTES[];
size_t routes_count(void);
/* Finds the route for method and path, filling r's path parameters (arena copies).
 * Returns NULL and sets *method_mismatch when the path exists under another method. */
const struct route *router_match(struct http_req *r, const char *method, const char *path,
                                 int *method_mismatch);
/* Writes the methods that path is routed for ("GET, POST") into out, for a 405's Allow. */
void router_allow(struct http_req *r, const char *path, char *out, size_t len);
/* Index of a route in ROUTES (for per-route metrics). */
size_t route_index(const struct route *rt);
/* Prints the table as JSON lines {method, pattern, access:[...]} to stdout. */
void routes_print(void);

#endif
