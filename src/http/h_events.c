/* h_events.c - the caller's event feed, long-polling: GET /v1/events?after=&wait=.
 * With nothing new, the request is parked (no thread is held) and re-run after each
 * commit or tick until something arrives or the wait runs out. */
#include "http/app.h"
#include "http/handlers.h"
#include "store/decl_store.h"

#define WAIT_MAX_S 25 /* below the idle timeout of connections (30 s by default) */

void h_events(struct http_req *r) {
  long after, wait, limit;
  if (req_query_int(r, "after", 0, INT64_MAX / 2, 0, &after) < 0 ||
      req_query_int(r, "wait", 0, WAIT_MAX_S, 0, &wait) < 0 ||
      req_query_int(r, "limit", 1, 500, 100, &limit) < 0)
    return;
  int64_t now = req_mono_us(), last = after;
  if (!r->park_deadline) r->park_deadline = now + (int64_t)wait * 1000000;
  json_t *items = events_feed_json(store_reader(r->app->store), &r->caller, after, (int)limit,
                                   &last);
  if (json_array_size(items) == 0 && now < r->park_deadline && r->app->ready) {
    json_decref(items);
    req_park(r);
    return;
  }
  char cursor[24];
  snprintf(cursor, sizeof cursor, "%lld", (long long)last);
  reply_json(r, 200, json_pack("{s:o, s:s}", "items", items, "next", cursor));
}
