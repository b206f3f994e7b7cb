/* server.c - libmicrohttpd glue: body collection with limits, dispatch through the router
 * and auth, one JSON log line and metrics per request. The response is queued on a call
 * after the first one (never on the first) so keep-alive connections are kept. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/metrics.h"
#include "http/notify.h"
#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

#define WORKER_NICE 10

struct server {
  struct MHD_Daemon *d;
  struct app *app;
  atomic_int inflight;
  int port;
  /* parked requests (long polls), resumed on every commit notification or tick */
  pthread_t parker;
  pthread_mutex_t park_mu;
  struct http_req *parked;
  atomic_int stopping;
  /* connections and the time by which their current request must be complete */
  pthread_mutex_t watch_mu;
  struct conn_watch *watched;
  int64_t last_sweep_us;
};

/* Slow clients (slowloris): libmicrohttpd's connection timeout is an idle timeout, reset
 * by every byte received, so a client sending a byte a second holds its connection (one of
 * max-connections) for as long as it likes. Each connection therefore has a deadline by
 * which the request it is sending must be complete, head and body: `timeout` seconds after
 * the connection opened or its previous answer was sent. Past it, the parker thread shuts
 * the socket down; libmicrohttpd sees the end of the stream and closes the connection as
 * usual. While a request is handled or parked (long poll) there is no deadline. */
struct conn_watch {
  MHD_socket fd;
  int64_t deadline_us; /* 0: none */
  struct conn_watch *prev, *next;
};

int64_t req_mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
#define mono_us req_mono_us

void req_park(struct http_req *r) { r->parked = 1; }

void req_write_async(struct http_req *r, store_write_fn fn, void *arg,
                     void (*cont)(struct http_req *r, int rc)) {
  r->write_fn = fn;
  r->write_arg = arg;
  r->cont = cont;
}

/* Requests suspended on a write (req_write_async) not yet resumed: server_stop waits for
 * them, since the writer resumes their connections (one server per process). */
static atomic_int writes_waiting;

/* The store's on_done for req_write_async (on its syncer thread, once the write is
 * durable): hands the result back and resumes the connection. */
static void write_done(void *arg, int rc) {
  struct http_req *r = arg;
  r->write_rc = rc;
  MHD_resume_connection(r->conn);
  atomic_fetch_sub(&writes_waiting, 1);
}

/* Runs the continuation of a request whose write is done (once). */
static void run_cont(struct http_req *r) {
  void (*cont)(struct http_req *, int) = r->cont;
  r->cont = NULL;
  cont(r, r->write_rc);
  if (!r->resp) reply_error(r, 500, "", "no_response", "the handler gave no answer");
}

/* HTTP workers run ten steps below normal priority, once per thread, so that the one
 * writer thread (group commit, the serial part of every write) is never queued behind
 * request parsing and encoding when the CPUs are busy. */
static void lower_worker_priority(void) {
  static __thread int done;
  if (done) return;
  done = 1;
  /* a failure is harmless: the workers then compete with the writer as equals */
  (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WORKER_NICE);
}

static void resume_all(struct server *s) {
  pthread_mutex_lock(&s->park_mu);
  struct http_req *list = s->parked;
  s->parked = NULL;
  pthread_mutex_unlock(&s->park_mu);
  while (list) {
    struct http_req *next = list->next_parked;
    list->next_parked = NULL;
    MHD_resume_connection(list->conn);
    list = next;
  }
}

static int64_t request_deadline(const struct server *s) {
  return mono_us() + (int64_t)s->app->cfg.conn_timeout * 1000000;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  struct server *s = cls;
  struct conn_watch *w = *socket_context;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci || !(w = calloc(1, sizeof *w))) return; /* unwatched: the idle timeout still applies */
    w->fd = ci->connect_fd;
    w->deadline_us = request_deadline(s);
    pthread_mutex_lock(&s->watch_mu);
    w->next = s->watched;
    if (s->watched) s->watched->prev = w;
    s->watched = w;
    pthread_mutex_unlock(&s->watch_mu);
    *socket_context = w;
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && w) {
    /* called before libmicrohttpd closes the socket: the sweep never sees a reused fd */
    pthread_mutex_lock(&s->watch_mu);
    if (w->prev)
      w->prev->next = w->next;
    else
      s->watched = w->next;
    if (w->next) w->next->prev = w->prev;
    pthread_mutex_unlock(&s->watch_mu);
    free(w);
    *socket_context = NULL;
  }
}

/* Sets the deadline of c's current request (0: none). */
static void watch_set(struct server *s, struct MHD_Connection *c, int64_t deadline_us) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  struct conn_watch *w = ci ? ci->socket_context : NULL;
  if (!w) return;
  pthread_mutex_lock(&s->watch_mu);
  w->deadline_us = deadline_us;
  pthread_mutex_unlock(&s->watch_mu);
}

static void sweep_slow(struct server *s) {
  int64_t now = mono_us();
  if (now - s->last_sweep_us < 250000) return;
  s->last_sweep_us = now;
  pthread_mutex_lock(&s->watch_mu);
  for (struct conn_watch *w = s->watched; w; w = w->next) {
    if (w->deadline_us && now > w->deadline_us) {
      shutdown(w->fd, SHUT_RDWR);
      w->deadline_us = 0;
    }
  }
  pthread_mutex_unlock(&s->watch_mu);
}

static void *parker_main(void *arg) {
  struct server *s = arg;
  uint64_t gen = notify_generation(s->app->notify);
  while (!atomic_load(&s->stopping)) {
    gen = notify_wait(s->app->notify, gen, 250);
    resume_all(s);
    sweep_slow(s);
  }
  return NULL;
}

static int hex_value(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* Decodes %XX in paths and query arguments like libmicrohttpd's own unescaper, except
 * %00: a NUL would end the C string there and cut the value short (/index.html%00.js
 * served index.html, /v1/declarations/1%00x read declaration 1). It stays "%00", so such
 * a path or value matches nothing. */
static size_t unescape_no_nul(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  char *w = s;
  for (const char *p = s; *p;) {
    int hi = p[0] == '%' ? hex_value(p[1]) : -1, lo = hi >= 0 ? hex_value(p[2]) : -1;
    if (lo >= 0 && (hi | lo) != 0) {
      *w++ = (char)(hi * 16 + lo);
      p += 3;
    } else {
      *w++ = *p++;
    }
  }
  *w = 0;
  return (size_t)(w - s);
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
  (void)kind;
  (void)value;
  if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) (*(int *)cls)++;
  return MHD_YES;
}

static struct http_req *req_new(struct server *s, struct MHD_Connection *c, const char *url,
                                const char *method) {
  struct http_req *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->app = s->app;
  r->conn = c;
  r->started_us = mono_us();
  arena_init(&r->arena, 64 * 1024 * 1024);
  r->method = arena_strdup(&r->arena, method);
  r->path = arena_strdup(&r->arena, url);
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci && ci->client_addr) {
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->client_ip,
                sizeof r->client_ip);
    else if (sa->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->client_ip,
                sizeof r->client_ip);
  }
  if (!r->method || !r->path) {
    arena_release(&r->arena);
    free(r);
    return NULL;
  }
  return r;
}

static void dispatch(struct http_req *r) {
  int mismatch = 0;
  if (r->bad_framing) {
    reply_error(r, 400, "", "bad_framing",
                "more than one Content-Length, Content-Length with Transfer-Encoding, or a "
                "transfer coding other than chunked");
    return;
  }
  if (r->body_too_big) {
    char msg[96];
    snprintf(msg, sizeof msg, "the body is larger than the limit of %zu bytes",
             r->app->cfg.body_limit);
    reply_error(r, 413, "", "body_too_large", msg);
    return;
  }
  r->route = router_match(r, r->method, r->path, &mismatch);
  if (!r->route) {
    if (mismatch) {
      char allow[64];
      router_allow(r, r->path, allow, sizeof allow);
      reply_error(r, 405, "", "method_not_allowed", "this path does not take that method");
      reply_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    } else
      reply_error(r, 404, "", "not_found", "no such route");
    return;
  }
  if (auth_check(r) < 0) return;
  r->route->handler(r);
  if (!r->resp && !r->parked && !r->write_fn)
    reply_error(r, 500, "", "no_response", "the handler gave no answer");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  struct server *s = cls;
  struct http_req *r = *con_cls;
  (void)version;
  if (!r) {
    r = req_new(s, c, url, method);
    if (!r) return MHD_NO;
    *con_cls = r;
    atomic_fetch_add(&s->inflight, 1);
    int ncl = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &ncl);
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    /* A transfer coding other than chunked leaves the body's end unknown too (RFC 9112
     * 6.1): libmicrohttpd would wait for it until the idle timeout. */
    if (ncl > 1 || (cl && te) || (te && strcasecmp(te, "chunked") != 0)) {
      /* Where this body ends is ambiguous: answer at once and close, so that no byte
       * after it is ever read as a request (request smuggling). */
      r->bad_framing = 1;
      dispatch(r);
      MHD_add_response_header(r->resp, MHD_HTTP_HEADER_CONNECTION, "close");
      return MHD_queue_response(c, r->status, r->resp);
    }
    if (cl && strtoull(cl, NULL, 10) > (unsigned long long)s->app->cfg.body_limit * 8) {
      /* Answer at once: reading that much only to refuse it helps nobody. */
      r->body_too_big = 1;
      dispatch(r);
      return MHD_queue_response(c, r->status, r->resp);
    }
    /* Up to 8x the limit the body is read and dropped before the 413 (the upload branch
     * below): answering early and closing with unread data makes the kernel reset the
     * connection, and a client that is still sending never sees the answer. */
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (r->body_too_big) return MHD_YES;
    if (r->body_len + n > s->app->cfg.body_limit) {
      r->body_too_big = 1;
      return MHD_YES;
    }
    if (r->body_len + n + 1 > r->body_cap) {
      size_t cap = r->body_cap ? r->body_cap * 2 : 4096;
      while (cap < r->body_len + n + 1)
        cap *= 2;
      char *nb = realloc(r->body, cap);
      if (!nb) return MHD_NO;
      r->body = nb;
      r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, upload_data, n);
    r->body_len += n;
    r->body[r->body_len] = 0;
    return MHD_YES;
  }
  if (r->resp) return MHD_YES; /* already answered (early 413) */
  if (r->cont) {               /* resumed: the write it waited for is done */
    run_cont(r);
    return MHD_queue_response(c, r->status, r->resp);
  }
  watch_set(s, c, 0);          /* the request is complete: no deadline while it is handled */
  if (!r->body) r->body = calloc(1, 1);
  r->parked = 0;
  lower_worker_priority();
  dispatch(r);
  if (r->write_fn && !r->resp) {
    /* no thread waits for the write: the connection sleeps and the writer wakes it */
    store_write_fn fn = r->write_fn;
    struct store_async *slot = arena_alloc(&r->arena, store_async_size());
    r->write_fn = NULL;
    MHD_suspend_connection(c);
    atomic_fetch_add(&writes_waiting, 1);
    int rc = slot ? store_write_async(s->app->store, slot, fn, r->write_arg, 1, write_done, r)
                  : -SW_ENOMEM;
    if (rc < 0) write_done(r, rc); /* never queued: resume at once with the error */
    return MHD_YES;
  }
  if (r->parked && !r->resp) {
    MHD_suspend_connection(c);
    pthread_mutex_lock(&s->park_mu);
    r->next_parked = s->parked;
    s->parked = r;
    pthread_mutex_unlock(&s->park_mu);
    return MHD_YES;
  }
  return MHD_queue_response(c, r->status, r->resp);
}

static void json_escape_into(char *out, size_t len, const char *s) {
  size_t o = 0;
  for (; *s && o + 7 < len; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      out[o++] = '\\';
      out[o++] = (char)ch;
    } else if (ch < 0x20 || ch >= 0x7f) {
      o += (size_t)snprintf(out + o, len - o, "\\u%04x", ch);
    } else {
      out[o++] = (char)ch;
    }
  }
  out[o] = 0;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  struct server *s = cls;
  struct http_req *r = *con_cls;
  watch_set(s, c, request_deadline(s)); /* the next request on this connection */
  if (!r) return;
  if (r->cont) run_cont(r); /* the client left while its write ran: finish, drop the answer */
  int64_t us = mono_us() - r->started_us;
  size_t idx = r->route ? route_index(r->route) : routes_count();
  unsigned status = r->status ? r->status : 499;
  if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !r->status) status = 499;
  metrics_observe(s->app->metrics, idx, status, us);
  if (s->app->cfg.log_requests) {
    char path[300], login[140];
    /* the pattern, not the raw path: no identifiers or query strings in the log */
    json_escape_into(path, sizeof path, r->route ? r->route->pattern : "unmatched");
    json_escape_into(login, sizeof login, r->caller.login);
    fprintf(stderr,
            "{\"ts\":%lld,\"method\":\"%s\",\"route\":\"%s\",\"status\":%u,"
            "\"latency_us\":%lld,\"caller\":%lld,\"login\":\"%s\",\"ip\":\"%s\"}\n",
            (long long)(store_now_us() / 1000), r->route ? r->route->method : "-", path, status,
            (long long)us, (long long)r->caller.user_id, login, r->client_ip);
  }
  if (r->resp) MHD_destroy_response(r->resp);
  free(r->body);
  arena_release(&r->arena);
  free(r);
  *con_cls = NULL;
  atomic_fetch_sub(&s->inflight, 1);
}

int server_start(struct app *app, struct server **out) {
  struct server *s = calloc(1, sizeof *s);
  struct sockaddr_in6 a6 = {0};
  struct sockaddr_in a4 = {0};
  struct sockaddr *sa;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                   MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
  if (!s) return -SW_ENOMEM;
  s->app = app;
  pthread_mutex_init(&s->watch_mu, NULL);
  if (inet_pton(AF_INET, app->cfg.listen, &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)app->cfg.port);
    sa = (struct sockaddr *)&a4;
  } else if (inet_pton(AF_INET6, app->cfg.listen, &a6.sin6_addr) == 1) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)app->cfg.port);
    sa = (struct sockaddr *)&a6;
    flags |= MHD_USE_IPv6;
  } else {
    fprintf(stderr, "listen address '%s' is not an IPv4 or IPv6 address\n", app->cfg.listen);
    free(s);
    return -SW_EINVAL;
  }
  s->d = MHD_start_daemon(
      flags, (uint16_t)app->cfg.port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, sa,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned)app->cfg.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)app->cfg.conn_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_UNESCAPE_CALLBACK, unescape_no_nul,
      NULL, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
  if (!s->d) {
    fprintf(stderr, "cannot listen on %s:%d\n", app->cfg.listen, app->cfg.port);
    free(s);
    return -SW_EIO;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : app->cfg.port;
  pthread_mutex_init(&s->park_mu, NULL);
  if (pthread_create(&s->parker, NULL, parker_main, s) != 0) {
    MHD_stop_daemon(s->d);
    free(s);
    return -SW_ENOMEM;
  }
  *out = s;
  return 0;
}

int server_port(const struct server *s) { return s->port; }

void server_stop(struct server *s, int grace_ms) {
  if (!s) return;
  /* Quiescing hands the listening socket back to us: close it, or new clients wait in
   * the backlog through the whole grace period and are reset at exit. */
  MHD_socket lfd = MHD_quiesce_daemon(s->d);
  if (lfd != MHD_INVALID_SOCKET) close(lfd);
  /* app->ready is 0 now: parked long polls answer at their next call */
  for (int waited = 0; atomic_load(&s->inflight) > 0 && waited < grace_ms; waited += 10) {
    resume_all(s);
    usleep(10000);
  }
  /* a request waiting on the writer is resumed by it within a commit: wait for that,
     whatever the grace, before the daemon and its connections go */
  while (atomic_load(&writes_waiting) > 0) usleep(1000);
  atomic_store(&s->stopping, 1);
  notify_bump(s->app->notify);
  pthread_join(s->parker, NULL);
  resume_all(s);
  MHD_stop_daemon(s->d);
  pthread_mutex_destroy(&s->park_mu);
  pthread_mutex_destroy(&s->watch_mu);
  free(s);
}
