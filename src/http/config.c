#include "http/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

void config_defaults(struct config *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->listen, sizeof c->listen, "127.0.0.1");
  c->port = 8080;
  snprintf(c->data_dir, sizeof c->data_dir, "./var");
  snprintf(c->web_dir, sizeof c->web_dir, "./web");
  snprintf(c->docs_dir, sizeof c->docs_dir, "./docs");
  c->threads = 32;
  c->body_limit = 1024 * 1024;
  c->max_connections = 1024;
  c->conn_timeout = 30;
  c->session_hours = 12;
  c->log_requests = 1;
  c->login_max_failures = 5;
  c->stats_min_group = 5;
  snprintf(c->total_tolerance, sizeof c->total_tolerance, "1.00");
  snprintf(c->national_currency, sizeof c->national_currency, "CNY");
}

static int parse_long(const char *v, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < lo || n > hi) return -1;
  *out = n;
  return 0;
}

#define SET_STR(field)                                                                     \
  do {                                                                                     \
    if (strlen(value) >= sizeof c->field) goto too_long;                                   \
    snprintf(c->field, sizeof c->field, "%s", value);                                      \
    return 0;                                                                              \
  } while (0)
#define SET_INT(field, lo, hi)                                                             \
  do {                                                                                     \
    long n_;                                                                               \
    if (parse_long(value, lo, hi, &n_) < 0) goto bad_int;                                  \
    c->field = n_;                                                                         \
    return 0;                                                                              \
  } while (0)

int config_set(struct config *c, const char *key, const char *value, char *err,
               size_t errlen) {
  if (!strcmp(key, "listen")) SET_STR(listen);
  if (!strcmp(key, "port")) SET_INT(port, 0, 65535);
  if (!strcmp(key, "data")) SET_STR(data_dir);
  if (!strcmp(key, "db")) SET_STR(db_url);
  if (!strcmp(key, "web")) SET_STR(web_dir);
  if (!strcmp(key, "docs")) SET_STR(docs_dir);
  if (!strcmp(key, "threads")) SET_INT(threads, 1, 512);
  if (!strcmp(key, "body-limit")) SET_INT(body_limit, 1024, 256L * 1024 * 1024);
  if (!strcmp(key, "max-connections")) SET_INT(max_connections, 1, 100000);
  if (!strcmp(key, "timeout")) SET_INT(conn_timeout, 1, 3600);
  if (!strcmp(key, "session-hours")) SET_INT(session_hours, 1, 24 * 30);
  if (!strcmp(key, "log-requests")) SET_INT(log_requests, 0, 1);
  if (!strcmp(key, "login-max-failures")) SET_INT(login_max_failures, 1, 1000);
  if (!strcmp(key, "stats-min-group")) SET_INT(stats_min_group, 1, 1000000);
  if (!strcmp(key, "total-tolerance")) SET_STR(total_tolerance);
  if (!strcmp(key, "national-currency")) SET_STR(national_currency);
  snprintf(err, errlen, "unknown setting '%s'", key);
  return -SW_EINVAL;
too_long:
  snprintf(err, errlen, "value of '%s' is too long", key);
  return -SW_EINVAL;
bad_int:
  snprintf(err, errlen, "value of '%s' must be a whole number in range, not '%s'", key, value);
  return -SW_EINVAL;
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
  return s;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  char line[1024], msg[256];
  int lineno = 0, rc = 0;
  if (!f) {
    snprintf(err, errlen, "cannot open config file %s: %s", path, strerror(errno));
    return -SW_EIO;
  }
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *s = trim(line);
    if (!*s || *s == '#') continue;
    char *eq = strchr(s, '=');
    if (!eq) {
      snprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno);
      rc = -SW_EINVAL;
      break;
    }
    *eq = 0;
    if ((rc = config_set(c, trim(s), trim(eq + 1), msg, sizeof msg)) < 0) {
      snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
      break;
    }
  }
  fclose(f);
  return rc;
}

int config_load_env(struct config *c, char *err, size_t errlen) {
  static const char *const map[][2] = {
      {"SW_LISTEN", "listen"},       {"SW_PORT", "port"},       {"SW_DATA", "data"},
      {"SW_DB", "db"},               {"SW_WEB", "web"},         {"SW_DOCS", "docs"},
      {"SW_THREADS", "threads"},     {"SW_BODY_LIMIT", "body-limit"},
      {"SW_LOG_REQUESTS", "log-requests"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    const char *v = getenv(map[i][0]);
    if (v && *v) {
      char msg[256];
      if (config_set(c, map[i][1], v, msg, sizeof msg) < 0) {
        snprintf(err, errlen, "%s: %s", map[i][0], msg);
        return -SW_EINVAL;
      }
    }
  }
  return 0;
}

int config_db_url(const struct config *c, char *out, size_t len) {
  int n;
  if (c->db_url[0]) {
    n = snprintf(out, len, "%s", c->db_url); /* db_open_url interprets it */
  } else {
    n = snprintf(out, len, "%s/opensw.db", c->data_dir);
  }
  return (n < 0 || (size_t)n >= len) ? -SW_ETOOBIG : 0;
}
