/* app.h - what every handler can reach: the store, reference data, configuration. */
#ifndef SW_APP_H
#define SW_APP_H
#include <stdatomic.h>

#include "core/decl.h"
#include "core/refdata.h"
#include "http/config.h"
#include "store/store.h"

struct metrics;
struct notify;
struct store_watch;
struct ruleset;

struct app {
  struct config cfg;
  struct store *store;
  struct refdata *_Atomic rd; /* swapped whole when reloaded (refreload.h) */
  struct metrics *metrics;
  char *openapi; /* the OpenAPI document, read once at start */
  size_t openapi_len;
  struct notify *notify;   /* wakes long-polling event readers after commits */
  struct store_watch *watch; /* other nodes' commits (PostgreSQL); NULL on SQLite */
  struct ruleset *rules;   /* routing rules in memory (ruleset.h) */
  int64_t rules_checked_ms;
  struct decl_limits limits; /* validation limits from the configuration */
  char dummy_pw_hash[128]; /* verified against for unknown logins: equal timing */
  atomic_int ready; /* 1 once serving; 0 while starting or draining */
};

#endif
