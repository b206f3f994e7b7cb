/* loadgen.c - submission load generator for swd (bench/README.md).
 *
 * N connections, each in its own thread, each one keep-alive HTTP/1.1 connection to
 * 127.0.0.1, POST 10-item goods declarations with unique references to /v1/declarations.
 *   closed loop (--rate 0): every connection sends its next request as soon as the last
 *     answer arrived; measures the maximum rate.
 *   open loop (--rate R): requests are scheduled at R per second spread over the
 *     connections; latency is measured from the *scheduled* send time, so a stalled server
 *     is charged for the requests it delayed (no coordinated omission).
 * Every answer's status is checked (201 expected). Green-channel declarations (the default)
 * are released at registration: their response latency is the submission-to-release time,
 * and a sample is read back (GET /v1/declarations/{id} and /events) to confirm the release
 * and its event timestamps. Plain POSIX sockets and threads; no other libraries.
 *
 * The benchmark prints figures; it never decides pass or fail by time. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define REF_LEN 24 /* fixed width: the body length never changes */
#define RESP_MAX (1 << 20)
#define MAX_SAMPLE_IDS 4096

struct opts {
  const char *host, *token, *fetch, *fetch_token;
  int port, conns, items, green_pct, verify, json;
  double duration, warmup, rate, max_lag;
};

static struct opts O = {.host = "127.0.0.1", .port = 0, .conns = 64, .items = 10,
                        .green_pct = 100, .verify = 50, .duration = 10, .warmup = 1,
                        .rate = 0, .max_lag = 10};

/* ---------------------------------------------------------------------------- time */

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t real_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_until_ns(int64_t t) {
  struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

/* "2026-11-28T12:14:08.487662Z" -> microseconds since the epoch; -1 if malformed. */
static int64_t parse_rfc3339_us(const char *s) {
  struct tm tm = {0};
  int us = 0, n = 0;
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec, &n) != 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  s += n;
  if (*s == '.') {
    int digits = 0;
    for (s++; *s >= '0' && *s <= '9'; s++)
      if (digits < 6) {
        us = us * 10 + (*s - '0');
        digits++;
      }
    while (digits++ < 6) us *= 10;
  }
  return (int64_t)timegm(&tm) * 1000000 + us;
}

/* ---------------------------------------------------------------------- connection */

struct conn {
  int fd;
  char *buf; /* response buffer */
  size_t len, cap;
};

static int conn_open(struct conn *c) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)O.port)};
  if (inet_pton(AF_INET, O.host, &a.sin_addr) != 1) return -1;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0) return -1;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {.tv_sec = 30};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  c->len = 0;
  return 0;
}

static void conn_close(struct conn *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->len = 0;
}

static int send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads more into c->buf; -1 on error or EOF. */
static int fill(struct conn *c) {
  if (c->cap - c->len < 16384) {
    size_t cap = c->cap ? c->cap * 2 : 65536;
    if (cap > RESP_MAX * 2) return -1;
    char *nb = realloc(c->buf, cap);
    if (!nb) return -1;
    c->buf = nb;
    c->cap = cap;
  }
  for (;;) {
    ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    c->len += (size_t)r;
    c->buf[c->len] = 0;
    return 0;
  }
}

struct response {
  int status;
  const char *body; /* NUL-terminated, inside the connection buffer */
  size_t body_len;
  int close; /* the server said Connection: close */
};

/* The value of header NAME within [h, hend), or NULL. */
static const char *header(const char *h, const char *hend, const char *name) {
  size_t nl = strlen(name);
  for (const char *line = strstr(h, "\r\n"); line && line < hend; line = strstr(line, "\r\n")) {
    line += 2;
    if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') return line + nl + 1;
  }
  return NULL;
}

/* Reads one response (Content-Length or chunked) and leaves its body, NUL-terminated, at
 * the start of c->buf. One request is in flight per connection, so any byte beyond the
 * response is a protocol error. 0 or -1. */
static int read_response(struct conn *c, struct response *r) {
  char *hend;
  c->len = 0;
  if (c->buf) c->buf[0] = 0;
  while (!c->buf || !(hend = strstr(c->buf, "\r\n\r\n")))
    if (fill(c) < 0) return -1;
  size_t hlen = (size_t)(hend - c->buf) + 4;
  memset(r, 0, sizeof *r);
  if (sscanf(c->buf, "HTTP/1.%*d %d", &r->status) != 1) return -1;
  const char *cl = header(c->buf, hend, "Content-Length");
  const char *te = header(c->buf, hend, "Transfer-Encoding");
  const char *cn = header(c->buf, hend, "Connection");
  if (cn && strncasecmp(cn + strspn(cn, " "), "close", 5) == 0) r->close = 1;
  if (!(te && strncasecmp(te + strspn(te, " "), "chunked", 7) == 0)) {
    long long clen = cl ? strtoll(cl, NULL, 10) : -1;
    if (clen < 0 || clen > RESP_MAX) return -1;
    while (c->len < hlen + (size_t)clen)
      if (fill(c) < 0) return -1;
    if (c->len != hlen + (size_t)clen) return -1;
    memmove(c->buf, c->buf + hlen, (size_t)clen);
    c->buf[clen] = 0;
    c->len = (size_t)clen;
    r->body = c->buf;
    r->body_len = (size_t)clen;
    return 0;
  }
  /* chunked: decode each chunk down to the front of the buffer */
  size_t in = hlen, out = 0;
  for (;;) {
    char *eol;
    while (!(eol = strstr(c->buf + in, "\r\n")))
      if (fill(c) < 0) return -1;
    unsigned long n = strtoul(c->buf + in, NULL, 16);
    size_t data = (size_t)(eol - c->buf) + 2;
    if (n > RESP_MAX || out + n > RESP_MAX) return -1;
    while (c->len < data + n + 2)
      if (fill(c) < 0) return -1;
    memmove(c->buf + out, c->buf + data, n);
    out += n;
    in = data + n + 2;
    if (n == 0) break;
  }
  if (c->len != in) return -1;
  c->buf[out] = 0;
  c->len = out;
  r->body = c->buf;
  r->body_len = out;
  return 0;
}

/* ------------------------------------------------------------------------ requests */

static const char *const GREEN_HS[] = {"851713", "847130", "620342", "940360", "851762",
                                       "847141", "620462", "940161", "852872", "640399"};

/* The full request with a fixed-width reference at *ref_off. Green: total 40,000.00 of
 * electronics, clothing and furniture (customs-green only). Other: 98,000.00 (above the
 * 50,000 threshold, so a customs officer must review it). */
static char *build_request(int green, size_t *len, size_t *ref_off) {
  char body[16384], items[12288];
  size_t il = 0;
  int n = O.items;
  /* values sum exactly to the total: cents split evenly, remainder on item 1 */
  long long total_cents = green ? 4000000LL : 9800000LL;
  long long each = total_cents / n, first = total_cents - each * (n - 1);
  for (int i = 0; i < n; i++) {
    long long v = i == 0 ? first : each;
    il += (size_t)snprintf(
        items + il, sizeof items - il,
        "%s{\"seq\":%d,\"hs\":\"%s\",\"description\":\"Bench goods item %d\",\"origin\":\"VN\","
        "\"quantity\":\"%d\",\"unit\":\"PCE\",\"net_kg\":\"%d\",\"gross_kg\":\"%d\","
        "\"value\":\"%lld.%02lld\"}",
        i ? "," : "", i + 1, GREEN_HS[i % 10], i + 1, 10 * (i + 1), 5 * (i + 1), 6 * (i + 1),
        v / 100, v % 100);
    if (il >= sizeof items) return NULL;
  }
  char ref[REF_LEN + 1];
  memset(ref, 'X', REF_LEN);
  ref[REF_LEN] = 0;
  int bl = snprintf(
      body, sizeof body,
      "{\"type\":\"IM\",\"reference\":\"%s\",\"procedure\":\"4000\",\"office\":\"CNSHA\","
      "\"importer\":{\"id\":\"91310000MA1FL0001X\"},\"exporter\":{\"id\":\"VN0301234567\","
      "\"name\":\"Saigon Electronics JSC\"},\"transport\":{\"mode\":\"1\",\"vessel_imo\":"
      "\"9321483\",\"voyage\":\"025E\",\"bill_of_lading\":\"COSU1234567890\",\"loading\":"
      "\"VNSGN\",\"discharge\":\"CNSHA\",\"arrival\":\"2026-12-01T06:00:00Z\","
      "\"containers\":[\"MSKU9070323\"]},\"invoice\":{\"currency\":\"USD\",\"incoterm\":"
      "\"CIF\",\"total\":\"%lld.%02lld\"},\"items\":[%s]}",
      ref, total_cents / 100, total_cents % 100, items);
  if (bl < 0 || (size_t)bl >= sizeof body) return NULL;
  char *req = malloc((size_t)bl + 1024);
  if (!req) return NULL;
  int hl = snprintf(req, 1024,
                    "POST /v1/declarations HTTP/1.1\r\nHost: %s:%d\r\n"
                    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                    "Accept: application/json\r\nContent-Length: %d\r\n\r\n",
                    O.host, O.port, O.token, bl);
  if (hl < 0 || hl >= 1024) {
    free(req);
    return NULL;
  }
  memcpy(req + hl, body, (size_t)bl);
  *len = (size_t)hl + (size_t)bl;
  *ref_off = (size_t)hl + (size_t)(strstr(body, ref) - body);
  return req;
}

/* The value of a top-level member of the JSON object in body: the start of its value, or
 * NULL. Nested objects (a task's or a bill's "status") are skipped. */
static const char *top_member(const char *body, const char *key) {
  size_t kl = strlen(key);
  int depth = 0;
  for (const char *p = body; *p; p++) {
    if (*p == '"') {
      const char *start = p + 1;
      for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1]) p++;
      if (!*p) return NULL;
      if (depth == 1 && (size_t)(p - start) == kl && memcmp(start, key, kl) == 0) {
        const char *q = p + 1;
        while (*q == ' ') q++;
        if (*q == ':') {
          for (q++; *q == ' '; q++) {
          }
          return q;
        }
      }
    } else if (*p == '{' || *p == '[') {
      depth++;
    } else if (*p == '}' || *p == ']') {
      depth--;
    }
  }
  return NULL;
}

/* --------------------------------------------------------------------------- workers */

struct sample_id {
  int64_t id, sent_real_us;
};

struct worker {
  int idx;
  pthread_t th;
  uint32_t *lat_us;          /* every measured request */
  uint32_t *green_us;        /* measured requests answered "released" */
  size_t n_lat, n_green, cap;
  uint64_t ok, released, non_released, err_status, err_io, reconnects, unexpected_body;
  uint64_t done_in_window, unsent;
  uint64_t status_hist[6];
  int first_bad_status;
  char first_bad_body[1024];
  struct sample_id *ids;
  size_t n_ids;
};

static char RUN_ID[8];
static int64_t T_START, T_MEASURE, T_END; /* monotonic ns */
static atomic_int stop_flag;

static int push(uint32_t **a, size_t *n, size_t *cap, uint32_t v) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 65536;
    uint32_t *na = realloc(*a, nc * sizeof **a);
    if (!na) return -1;
    *a = na;
    *cap = nc;
  }
  (*a)[(*n)++] = v;
  return 0;
}

static void *worker_main(void *arg) {
  struct worker *w = arg;
  struct conn c = {.fd = -1};
  size_t cap_lat = 0, cap_green = 0, cap_ids = 0;
  size_t len[2], ref_off[2];
  char *req[2];
  req[0] = build_request(0, &len[0], &ref_off[0]);
  req[1] = build_request(1, &len[1], &ref_off[1]);
  if (!req[0] || !req[1]) {
    fprintf(stderr, "loadgen: cannot build the request\n");
    exit(1);
  }
  (void)cap_ids;
  uint64_t seq = 0;
  /* open loop: this connection's slots are idx, idx+N, idx+2N, ... of a global schedule at
   * O.rate per second starting at T_START */
  double interval_ns = O.rate > 0 ? 1e9 / O.rate : 0;
  for (;;) {
    int64_t sched;
    if (O.rate > 0) {
      sched = T_START + (int64_t)((double)(seq * (uint64_t)O.conns + (uint64_t)w->idx) *
                                  interval_ns);
      if (sched >= T_END) break;
      if (mono_ns() > T_END + (int64_t)(O.max_lag * 1e9)) {
        /* the server fell too far behind: give up on the rest of the schedule */
        w->unsent += (uint64_t)((double)(T_END - sched) / interval_ns / O.conns) + 1;
        break;
      }
      sleep_until_ns(sched);
    } else {
      sched = mono_ns();
      if (sched >= T_END || atomic_load(&stop_flag)) break;
    }
    if (c.fd < 0) {
      if (conn_open(&c) < 0) {
        w->err_io++;
        usleep(10000);
        seq++;
        continue;
      }
      w->reconnects++;
    }
    /* every (green_pct)% request is green, deterministic per sequence */
    int green = (int)((seq * 37 + (uint64_t)w->idx * 11) % 100) < O.green_pct;
    char *rq = req[green];
    char ref[REF_LEN + 8];
    /* LG<run 6><conn 4><seq 12>: unique per run, fixed width */
    snprintf(ref, sizeof ref, "LG%s%04d%012" PRIu64, RUN_ID, w->idx, seq);
    memcpy(rq + ref_off[green], ref, REF_LEN);
    int64_t sent_real = real_us();
    struct response r;
    int io = send_all(c.fd, rq, len[green]) < 0 || read_response(&c, &r) < 0;
    int64_t done = mono_ns();
    seq++;
    if (io) {
      w->err_io++;
      conn_close(&c);
      continue;
    }
    int cls = r.status / 100;
    w->status_hist[cls >= 1 && cls <= 5 ? cls : 0]++;
    int measured = sched >= T_MEASURE;
    if (done >= T_MEASURE && done < T_END) w->done_in_window++;
    uint32_t us = (uint32_t)((done - sched) / 1000 > UINT32_MAX ? UINT32_MAX : (done - sched) / 1000);
    if (r.status != 201) {
      w->err_status++;
      if (!w->first_bad_status) {
        w->first_bad_status = r.status;
        snprintf(w->first_bad_body, sizeof w->first_bad_body, "%.1000s", r.body);
      }
    } else {
      w->ok++;
      const char *st = top_member(r.body, "status");
      int released = st && strncmp(st, "\"released\"", 10) == 0;
      if (released) w->released++;
      else w->non_released++;
      if (green && !released) w->unexpected_body++;
      if (measured && released) push(&w->green_us, &w->n_green, &cap_green, us);
      const char *idp = top_member(r.body, "id");
      if (released && idp && w->n_ids < MAX_SAMPLE_IDS / 4 && (seq % 97) == 1) {
        if (!w->ids) w->ids = calloc(MAX_SAMPLE_IDS / 4, sizeof *w->ids);
        if (w->ids) {
          w->ids[w->n_ids].id = strtoll(idp, NULL, 10);
          w->ids[w->n_ids].sent_real_us = sent_real;
          w->n_ids++;
        }
      }
    }
    if (measured) push(&w->lat_us, &w->n_lat, &cap_lat, us);
    if (r.close) conn_close(&c);
  }
  conn_close(&c);
  free(c.buf);
  free(req[0]);
  free(req[1]);
  w->cap = cap_lat;
  return NULL;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static double pct(const uint32_t *v, size_t n, double p) {
  if (!n) return 0;
  size_t i = (size_t)(p / 100.0 * (double)n);
  if (i >= n) i = n - 1;
  return v[i] / 1000.0;
}

static void dist(const char *name, uint32_t *v, size_t n, FILE *f) {
  qsort(v, n, sizeof *v, cmp_u32);
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += v[i];
  fprintf(f, "%-22s n=%zu  mean=%.2f  p50=%.2f  p90=%.2f  p99=%.2f  p99.9=%.2f  max=%.2f ms\n",
          name, n, n ? sum / (double)n / 1000.0 : 0, pct(v, n, 50), pct(v, n, 90),
          pct(v, n, 99), pct(v, n, 99.9), n ? v[n - 1] / 1000.0 : 0);
}

/* ------------------------------------------------------------------ single GET helper */

static int http_get(struct conn *c, const char *path, const char *token, struct response *r) {
  char req[1024];
  int n = token ? snprintf(req, sizeof req,
                           "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n\r\n",
                           path, O.host, O.port, token)
                : snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n", path,
                           O.host, O.port);
  if (n < 0 || (size_t)n >= sizeof req) return -1;
  if (c->fd < 0 && conn_open(c) < 0) return -1;
  if (send_all(c->fd, req, (size_t)n) < 0 || read_response(c, r) < 0) {
    conn_close(c);
    return -1;
  }
  return 0;
}

/* The "at" of the event whose "kind" (and, if given, "status") match; -1 if none. */
static int64_t event_at(const char *body, const char *kind, const char *status) {
  char k[64];
  snprintf(k, sizeof k, "\"kind\":\"%s\"", kind);
  for (const char *p = body; (p = strstr(p, k)); p++) {
    const char *end = strstr(p, "\"seq\":"); /* next event */
    if (status) {
      char s[64];
      snprintf(s, sizeof s, "\"status\":\"%s\"", status);
      const char *sp = strstr(p, s);
      if (!sp || (end && sp > end)) continue;
    }
    /* the event's "at" precedes its "kind" */
    const char *at = NULL;
    for (const char *q = p; q > body; q--)
      if (strncmp(q, "\"at\":\"", 6) == 0) {
        at = q + 6;
        break;
      }
    if (at) return parse_rfc3339_us(at);
  }
  return -1;
}

struct verify_result {
  int checked, released, not_released, failed;
  uint32_t reg_to_rel_us[MAX_SAMPLE_IDS], send_to_rel_us[MAX_SAMPLE_IDS];
  size_t n;
};

static void verify_sample(struct worker *ws, int nw, struct verify_result *vr) {
  struct conn c = {.fd = -1};
  size_t total = 0;
  for (int i = 0; i < nw; i++) total += ws[i].n_ids;
  if (!total || O.verify <= 0) return;
  size_t step = total / (size_t)O.verify;
  if (step == 0) step = 1;
  size_t k = 0;
  for (int i = 0; i < nw; i++)
    for (size_t j = 0; j < ws[i].n_ids; j++, k++) {
      if (k % step || vr->checked >= O.verify) continue;
      struct sample_id *s = &ws[i].ids[j];
      char path[96];
      struct response r;
      vr->checked++;
      snprintf(path, sizeof path, "/v1/declarations/%" PRId64, s->id);
      if (http_get(&c, path, O.token, &r) < 0 || r.status != 200) {
        vr->failed++;
        continue;
      }
      const char *st = top_member(r.body, "status");
      if (!st || strncmp(st, "\"released\"", 10) != 0) {
        vr->not_released++;
        continue;
      }
      vr->released++;
      snprintf(path, sizeof path, "/v1/declarations/%" PRId64 "/events", s->id);
      if (http_get(&c, path, O.token, &r) < 0 || r.status != 200) {
        vr->failed++;
        continue;
      }
      int64_t reg = event_at(r.body, "registered", NULL);
      int64_t rel = event_at(r.body, "status", "released");
      if (reg < 0 || rel < 0 || vr->n >= MAX_SAMPLE_IDS) {
        vr->failed++;
        continue;
      }
      int64_t d1 = rel - reg, d2 = rel - s->sent_real_us;
      vr->reg_to_rel_us[vr->n] = (uint32_t)(d1 < 0 ? 0 : d1);
      vr->send_to_rel_us[vr->n] = (uint32_t)(d2 < 0 ? 0 : d2);
      vr->n++;
    }
  conn_close(&c);
  free(c.buf);
}

/* ---------------------------------------------------------------------------- main */

static void usage(FILE *f) {
  fputs("usage: loadgen --port N --token T [options]\n"
        "  --host ADDR       IPv4 address of swd (default 127.0.0.1)\n"
        "  --conns N         connections, one thread each (default 64)\n"
        "  --rate R          open loop at R declarations/s; 0 = closed loop (default 0)\n"
        "  --duration S      measured seconds (default 10)\n"
        "  --warmup S        seconds before measuring (default 1)\n"
        "  --items N         items per declaration, 1..10 (default 10)\n"
        "  --green PCT       percentage of green-channel declarations (default 100)\n"
        "  --verify N        read back N released declarations and their events (default 50)\n"
        "  --max-lag S       open loop: stop when S seconds behind schedule (default 10)\n"
        "  --json            also print one JSON line with the figures\n"
        "  --fetch PATH      only GET PATH once and print the body (e.g. /metrics)\n"
        "  TOKEN may also come from the environment variable LOADGEN_TOKEN.\n",
        f);
}

int main(int argc, char **argv) {
  static const struct option lo[] = {
      {"host", 1, 0, 'H'},     {"port", 1, 0, 'p'},   {"token", 1, 0, 't'},
      {"conns", 1, 0, 'c'},    {"rate", 1, 0, 'r'},   {"duration", 1, 0, 'd'},
      {"warmup", 1, 0, 'w'},   {"items", 1, 0, 'i'},  {"green", 1, 0, 'g'},
      {"verify", 1, 0, 'v'},   {"json", 0, 0, 'j'},   {"fetch", 1, 0, 'f'},
      {"max-lag", 1, 0, 'm'},
      {"help", 0, 0, 'h'},     {0, 0, 0, 0}};
  int ch;
  O.token = getenv("LOADGEN_TOKEN");
  while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (ch) {
    case 'H': O.host = optarg; break;
    case 'p': O.port = (int)strtol(optarg, NULL, 10); break;
    case 't': O.token = optarg; break;
    case 'c': O.conns = (int)strtol(optarg, NULL, 10); break;
    case 'r': O.rate = strtod(optarg, NULL); break;
    case 'd': O.duration = strtod(optarg, NULL); break;
    case 'w': O.warmup = strtod(optarg, NULL); break;
    case 'i': O.items = (int)strtol(optarg, NULL, 10); break;
    case 'g': O.green_pct = (int)strtol(optarg, NULL, 10); break;
    case 'v': O.verify = (int)strtol(optarg, NULL, 10); break;
    case 'j': O.json = 1; break;
    case 'f': O.fetch = optarg; break;
    case 'm': O.max_lag = strtod(optarg, NULL); break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (O.port <= 0 || O.port > 65535 || O.conns < 1 || O.conns > MAX_CONNS || O.items < 1 ||
      O.items > 10 || O.duration <= 0 || O.warmup < 0 || O.rate < 0 || O.green_pct < 0 ||
      O.green_pct > 100) {
    usage(stderr);
    return 2;
  }
  if (O.fetch) {
    struct conn c = {.fd = -1};
    struct response r;
    if (http_get(&c, O.fetch, O.token, &r) < 0) {
      fprintf(stderr, "loadgen: GET %s failed\n", O.fetch);
      return 1;
    }
    fwrite(r.body, 1, r.body_len, stdout);
    conn_close(&c);
    free(c.buf);
    return r.status == 200 ? 0 : 1;
  }
  if (!O.token || strlen(O.token) > 200) {
    fprintf(stderr, "loadgen: --token (or LOADGEN_TOKEN) is required\n");
    return 2;
  }
  snprintf(RUN_ID, sizeof RUN_ID, "%06llx", (unsigned long long)(real_us() / 1000) & 0xffffff);

  struct worker *ws = calloc((size_t)O.conns, sizeof *ws);
  if (!ws) return 1;
  T_START = mono_ns() + 50 * 1000000LL; /* let every thread start */
  T_MEASURE = T_START + (int64_t)(O.warmup * 1e9);
  T_END = T_MEASURE + (int64_t)(O.duration * 1e9);
  for (int i = 0; i < O.conns; i++) {
    ws[i].idx = i;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 256 * 1024);
    if (pthread_create(&ws[i].th, &at, worker_main, &ws[i]) != 0) {
      fprintf(stderr, "loadgen: cannot start thread %d\n", i);
      return 1;
    }
    pthread_attr_destroy(&at);
  }
  for (int i = 0; i < O.conns; i++) pthread_join(ws[i].th, NULL);
  int64_t t_last = mono_ns();

  /* merge */
  size_t n_lat = 0, n_green = 0;
  uint64_t ok = 0, rel = 0, nonrel = 0, est = 0, eio = 0, recon = 0, unexp = 0, hist[6] = {0};
  uint64_t in_window = 0, unsent = 0;
  for (int i = 0; i < O.conns; i++) {
    n_lat += ws[i].n_lat;
    n_green += ws[i].n_green;
    ok += ws[i].ok;
    rel += ws[i].released;
    nonrel += ws[i].non_released;
    est += ws[i].err_status;
    eio += ws[i].err_io;
    recon += ws[i].reconnects;
    unexp += ws[i].unexpected_body;
    in_window += ws[i].done_in_window;
    unsent += ws[i].unsent;
    for (int k = 0; k < 6; k++) hist[k] += ws[i].status_hist[k];
  }
  uint32_t *lat = malloc((n_lat + 1) * sizeof *lat), *grn = malloc((n_green + 1) * sizeof *grn);
  if (!lat || !grn) return 1;
  size_t a = 0, b = 0;
  for (int i = 0; i < O.conns; i++) {
    memcpy(lat + a, ws[i].lat_us, ws[i].n_lat * sizeof *lat);
    a += ws[i].n_lat;
    memcpy(grn + b, ws[i].green_us, ws[i].n_green * sizeof *grn);
    b += ws[i].n_green;
  }
  /* measured window: the scheduled (open) or sent (closed) times in [T_MEASURE, T_END) */
  double window = O.duration;
  double drain = (double)(t_last - T_END) / 1e9;

  printf("mode                   %s, %d connections, %d items per declaration, %d%% green\n",
         O.rate > 0 ? "open loop" : "closed loop", O.conns, O.items, O.green_pct);
  if (O.rate > 0) printf("target rate            %.0f declarations/s\n", O.rate);
  printf("measured               %.1f s after %.1f s warm-up (last answer %.2f s after the "
         "window)\n", window, O.warmup, drain);
  printf("declarations/s         %.0f  (answers completed in the window; %zu requests %s in "
         "it)\n", (double)in_window / window, n_lat, O.rate > 0 ? "scheduled" : "sent");
  if (unsent)
    printf("not sent               %" PRIu64 " scheduled requests (the server fell more than "
           "%.0f s behind)\n", unsent, O.max_lag);
  printf("answers                201: %" PRIu64 " (released %" PRIu64 ", other status %" PRIu64
         ")  2xx:%" PRIu64 " 4xx:%" PRIu64 " 5xx:%" PRIu64 "\n",
         ok, rel, nonrel, hist[2], hist[4], hist[5]);
  printf("errors                 %" PRIu64 "  (non-201: %" PRIu64 ", connection: %" PRIu64
         ", green not released: %" PRIu64 "; connections opened %" PRIu64 ")\n",
         est + eio + unexp, est, eio, unexp, recon);
  for (int i = 0; i < O.conns; i++)
    if (ws[i].first_bad_status) {
      printf("first non-201 answer   %d %s\n", ws[i].first_bad_status, ws[i].first_bad_body);
      break;
    }
  dist(O.rate > 0 ? "latency (from schedule)" : "latency", lat, n_lat, stdout);
  dist("submission->release", grn, n_green, stdout);

  struct verify_result *vr = calloc(1, sizeof *vr);
  if (!vr) return 1;
  verify_sample(ws, O.conns, vr);
  printf("read-back sample       %d checked: %d released, %d not released, %d failed\n",
         vr->checked, vr->released, vr->not_released, vr->failed);
  if (vr->n) {
    dist("  events registered->released", vr->reg_to_rel_us, vr->n, stdout);
    dist("  client send->released event", vr->send_to_rel_us, vr->n, stdout);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("loadgen cpu            %.2f s (user %.2f, system %.2f) over %.1f s\n",
         (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
             ru.ru_stime.tv_usec / 1e6,
         (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
         (double)(mono_ns() - T_START) / 1e9);
  if (O.json) {
    printf("{\"mode\":\"%s\",\"conns\":%d,\"rate\":%.0f,\"duration\":%.1f,"
           "\"decl_per_s\":%.0f,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,"
           "\"max_ms\":%.2f,\"errors\":%" PRIu64 ",\"release_p50_ms\":%.2f,"
           "\"release_p99_ms\":%.2f,\"release_max_ms\":%.2f,\"verified_released\":%d}\n",
           O.rate > 0 ? "open" : "closed", O.conns, O.rate, window, (double)in_window / window,
           pct(lat, n_lat, 50), pct(lat, n_lat, 90), pct(lat, n_lat, 99),
           n_lat ? lat[n_lat - 1] / 1000.0 : 0, est + eio + unexp, pct(grn, n_green, 50),
           pct(grn, n_green, 99), n_green ? grn[n_green - 1] / 1000.0 : 0, vr->released);
  }
  for (int i = 0; i < O.conns; i++) {
    free(ws[i].lat_us);
    free(ws[i].green_us);
    free(ws[i].ids);
  }
  free(ws);
  free(lat);
  free(grn);
  free(vr);
  return 0;
}
