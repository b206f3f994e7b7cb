/* swd.c - the OpenSW daemon: configuration, store, reference data in memory, HTTP. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "http/app.h"
#include "http/config.h"
#include "core/decimal.h"
#include "http/metrics.h"
#include "http/notify.h"
#include "http/refreload.h"
#include "http/ruleset.h"
#include "http/router.h"
#include "http/server.h"
#include "store/refdata_store.h"
#include "store/store.h"
#include "store/store_watch.h"

static void usage(FILE *f) {
  fputs("usage: swd [options]\n"
        "  --config FILE        read 'key = value' settings (see docs/operations.md)\n"
        "  --data DIR           data directory (default ./var)\n"
        "  --db URL             database: sqlite:///path or postgresql://user@host:port/db\n"
        "                       (default the SQLite file DIR/opensw.db)\n"
        "  --listen ADDR        address to bind (default 127.0.0.1)\n"
        "  --port N             TCP port (default 8080; 0 picks a free one)\n"
        "  --threads N          HTTP worker threads (default 32)\n"
        "  --body-limit BYTES   largest request body (default 1048576)\n"
        "  --web DIR            web UI files (default ./web)\n"
        "  --docs DIR           folder holding openapi.yaml (default ./docs)\n"
        "  --quiet              no per-request log lines\n"
        "  --routes             print the route table as JSON lines and exit\n"
        "  --version, --help\n"
        "Environment: SW_LISTEN SW_PORT SW_DATA SW_DB SW_THREADS SW_BODY_LIMIT SW_WEB SW_DOCS\n",
        f);
}

/* Another node committed: long polls of the event feed look again. */
static void wake_feeds(void *notify) { notify_bump(notify); }

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n >= 0 && n < 16 * 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
      buf[n] = 0;
      *len = (size_t)n;
    } else {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, 0, 'c'}, {"data", required_argument, 0, 'd'},
      {"db", required_argument, 0, 'D'},     {"listen", required_argument, 0, 'l'},
      {"port", required_argument, 0, 'p'},   {"threads", required_argument, 0, 't'},
      {"body-limit", required_argument, 0, 'b'}, {"web", required_argument, 0, 'w'},
      {"docs", required_argument, 0, 'o'},   {"quiet", no_argument, 0, 'q'},
      {"routes", no_argument, 0, 'R'},       {"version", no_argument, 0, 'V'},
      {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  static const char *const keys[128] = {['d'] = "data", ['D'] = "db", ['l'] = "listen",
                                        ['p'] = "port", ['t'] = "threads",
                                        ['b'] = "body-limit", ['w'] = "web", ['o'] = "docs"};
  struct app app;
  struct server *srv = NULL;
  struct refreload *reload = NULL;
  char err[512], dbpath[600], dbshown[600];
  const char *config_file = NULL;
  int c, rc, exit_code = 1;

  memset(&app, 0, sizeof app);
  config_defaults(&app.cfg);
  /* first pass: only --config, --help, --version, --routes */
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'c') config_file = optarg;
    else if (c == 'h') {
      usage(stdout);
      return 0;
    } else if (c == 'V') {
      printf("swd %s\n", SW_VERSION);
      return 0;
    } else if (c == 'R') {
      routes_print();
      return 0;
    } else if (c == '?') {
      usage(stderr);
      return 2;
    }
  }
  if (config_file && config_load_file(&app.cfg, config_file, err, sizeof err) < 0) goto fail_cfg;
  if (config_load_env(&app.cfg, err, sizeof err) < 0) goto fail_cfg;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'q') app.cfg.log_requests = 0;
    else if (c > 0 && c < 128 && keys[c] &&
             config_set(&app.cfg, keys[c], optarg, err, sizeof err) < 0)
      goto fail_cfg;
  }
  if (config_db_url(&app.cfg, dbpath, sizeof dbpath) < 0) {
    fprintf(stderr, "swd: database URL or data directory too long\n");
    return 2;
  }
  db_url_redact(dbpath, dbshown, sizeof dbshown);

  signal(SIGPIPE, SIG_IGN);
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* every thread inherits: only sigwait sees them */

  if (crypto_init() < 0 || crypto_password_hash("no such user", app.dummy_pw_hash) < 0) {
    fprintf(stderr, "swd: cannot initialise libsodium\n");
    return 1;
  }
  if ((rc = store_open(dbpath, &app.store)) < 0) {
    fprintf(stderr, "swd: cannot open database %s: %s (run 'swctl init' first?)\n", dbshown,
            sw_strerror(rc));
    return 1;
  }
  store_jobs_fail_whole(app.store); /* swd's write jobs return their first error */
  struct refdata *rd = NULL;
  int64_t rd_version = 0;
  if ((rc = refstore_version(store_reader(app.store), &rd_version)) < 0 ||
      (rc = refstore_load(store_reader(app.store), &rd)) < 0) {
    fprintf(stderr, "swd: cannot load reference data: %s\n", sw_strerror(rc));
    goto out;
  }
  app.rd = rd;
  if (refdata_hs_count(app.rd) == 0)
    fprintf(stderr, "{\"level\":\"warn\",\"msg\":\"no reference data; run swctl init\"}\n");
  char oapath[600];
  snprintf(oapath, sizeof oapath, "%s/openapi.yaml", app.cfg.docs_dir);
  app.openapi = read_file(oapath, &app.openapi_len);
  decl_limits_default(&app.limits);
  {
    enum dec_error why;
    const char *tol = app.cfg.total_tolerance;
    if (dec_parse(tol, strlen(tol), DEC_SCALE_MONEY, 0, &app.limits.total_tolerance, &why) < 0) {
      fprintf(stderr, "swd: total-tolerance '%s' is not a money amount\n", tol);
      goto out;
    }
  }
  app.metrics = metrics_new(routes_count());
  app.notify = notify_new();
  if (!app.metrics || !app.notify) goto out;
  app.watch = store_watch_start(app.store, wake_feeds, app.notify);
  reload = refreload_start(&app, rd_version);
  if (server_start(&app, &srv) < 0) goto out;
  app.ready = 1;
  fprintf(stderr,
          "{\"level\":\"info\",\"msg\":\"listening\",\"listen\":\"%s\",\"port\":%d,"
          "\"db\":\"%s\",\"hs_codes\":%zu}\n",
          app.cfg.listen, server_port(srv), dbshown, refdata_hs_count(app.rd));
  int sig = 0;
  sigwait(&sigs, &sig);
  app.ready = 0;
  fprintf(stderr, "{\"level\":\"info\",\"msg\":\"shutting down\",\"signal\":%d}\n", sig);
  server_stop(srv, 10000);
  exit_code = 0;
out:
  ruleset_cache_free(&app);
  refreload_stop(reload);
  store_watch_stop(app.watch);
  store_free(app.store); /* drains the writer: every acknowledged write is committed */
  notify_free(app.notify);
  refdata_free(app.rd);
  metrics_free(app.metrics);
  free(app.openapi);
  if (exit_code == 0) fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopped\"}\n");
  return exit_code;
fail_cfg:
  fprintf(stderr, "swd: %s\n", err);
  return 2;
}
