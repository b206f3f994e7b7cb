/* config.h - swd's configuration: defaults, then a config file, then SW_* environment
 * variables, then command-line flags (each later source overrides the earlier). */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H
#include <stddef.h>

struct config {
  char listen[64];        /* address to bind, default 127.0.0.1 */
  int port;               /* default 8080 */
  char data_dir[512];     /* default ./var */
  char db_url[600];       /* sqlite:///path or postgresql://...; default <data_dir>/opensw.db */
  char web_dir[512];      /* static UI files; default ./web */
  char docs_dir[512];     /* OpenAPI document lives here; default ./docs */
  int threads;            /* HTTP worker threads, default 32 */
  size_t body_limit;      /* bytes, default 1 MiB */
  int max_connections;    /* default 1024 */
  int conn_timeout;       /* seconds of inactivity before a connection is closed, 30 */
  int session_hours;      /* browser session lifetime, 12 */
  int log_requests;       /* 1: one JSON line per request on stderr */
  int login_max_failures; /* failed logins per 15 minutes before 429, default 5 */
  char total_tolerance[24]; /* invoice total vs item sum tolerance, money string "1.00" */
  char national_currency[4]; /* duties are assessed and paid in it, default CNY */
  int stats_min_group;       /* published statistics: smaller groups suppressed, 5 */
};

/* Fills defaults. */
void config_defaults(struct config *c);
/* Applies "key = value" lines of a file; errors name the line. Returns 0 or -SW_EINVAL. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/* Applies SW_LISTEN, SW_PORT, SW_DATA, SW_DB, SW_THREADS, SW_BODY_LIMIT, ... */
int config_load_env(struct config *c, char *err, size_t errlen);
/* Sets one key ("port", "data", ...) from text; used by all three sources. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);
/* The database to open (db_url, or the SQLite file in data_dir) into out; store_open
 * interprets it. -SW_ETOOBIG when it does not fit. */
int config_db_url(const struct config *c, char *out, size_t len);

#endif
