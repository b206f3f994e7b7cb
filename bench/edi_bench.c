/* edi_bench.c - throughput and memory of the EDIFACT parser and validator.
 *
 *   edi_bench FILE...            MB/s for parse only and parse + validation, per file
 *   edi_bench --rss N FILE       streams FILE N times (64 KiB reads, one stream) through
 *                                parse + validation; prints MB/s and peak RSS
 *   edi_bench --passes N parse|valid FILE
 *                                exactly N in-memory passes (for profilers: perf, callgrind)
 *   edi_bench --scalar ...       any of the above with the scalar tokenizer instead of the
 *                                SIMD one (what CPUs without AVX2 run)
 *
 * Throughput: the file is held in memory and fed in 64 KiB chunks, repeated until about
 * one second has passed; the best of five rounds is reported (MB = 10^6 bytes). Prints
 * figures only; it never decides pass or fail. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codec/edifact/edi_check.h"

#define CHUNK (64 * 1024)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  char *buf = NULL;
  if (fd < 0 || fstat(fd, &st) < 0) goto out;
  buf = malloc((size_t)st.st_size + 1);
  if (!buf) goto out;
  size_t n = 0;
  while (n < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
    if (r <= 0) break;
    n += (size_t)r;
  }
  *len = n;
out:
  if (fd >= 0) close(fd);
  return buf;
}

static int scan_kind = EDI_SCAN_AUTO; /* --scalar: EDI_SCAN_SCALAR */

/* One pass over buf; returns the report's error count (to keep the work observable). */
static uint64_t one_pass(const char *buf, size_t len, int parse_only) {
  struct edi_check *c = NULL;
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = parse_only;
  if (edi_check_new(&c, &o) < 0) exit(1);
  edi_parser_set_scan(edi_check_parser(c), scan_kind);
  for (size_t off = 0; off < len; off += CHUNK)
    edi_check_feed(c, buf + off, len - off < CHUNK ? len - off : CHUNK);
  edi_check_finish(c);
  uint64_t e = edi_check_report(c)->errors + edi_check_report(c)->segments;
  edi_check_free(c);
  return e;
}

static double mbps(const char *buf, size_t len, int parse_only, uint64_t *sink) {
  double best = 0;
  for (int round = 0; round < 5; round++) {
    double t0 = now_s(), t;
    size_t bytes = 0;
    do {
      *sink += one_pass(buf, len, parse_only);
      bytes += len;
      t = now_s() - t0;
    } while (t < 0.2);
    double r = (double)bytes / t / 1e6;
    if (r > best) best = r;
  }
  return best;
}

static long peak_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static int rss_run(int times, const char *path) {
  struct edi_check *c = NULL;
  struct edi_check_opts o;
  char *buf = malloc(CHUNK);
  uint64_t bytes = 0;
  memset(&o, 0, sizeof o);
  if (!buf || edi_check_new(&c, &o) < 0) return 1;
  edi_parser_set_scan(edi_check_parser(c), scan_kind);
  double t0 = now_s();
  for (int i = 0; i < times; i++) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1;
    ssize_t n;
    while ((n = read(fd, buf, CHUNK)) > 0) {
      edi_check_feed(c, buf, (size_t)n);
      bytes += (uint64_t)n;
    }
    close(fd);
  }
  edi_check_finish(c);
  double t = now_s() - t0;
  const struct edi_report *r = edi_check_report(c);
  printf("%3dx  %8.1f MB  %7.1f MB/s  peak RSS %6ld KiB  (%llu segments, %llu errors)\n", times,
         (double)bytes / 1e6, (double)bytes / t / 1e6, peak_rss_kb(),
         (unsigned long long)r->segments, (unsigned long long)r->errors);
  edi_check_free(c);
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  uint64_t sink = 0;
  if (argc > 1 && !strcmp(argv[1], "--scalar")) {
    scan_kind = EDI_SCAN_SCALAR;
    argv++;
    argc--;
  }
  if (argc == 4 && !strcmp(argv[1], "--rss")) {
    long times = strtol(argv[2], NULL, 10);
    return rss_run(times > 0 && times < 100000 ? (int)times : 1, argv[3]);
  }
  if (argc == 5 && !strcmp(argv[1], "--passes")) {
    long times = strtol(argv[2], NULL, 10);
    size_t len = 0;
    char *buf = slurp(argv[4], &len);
    if (!buf) return 1;
    for (long i = 0; i < times; i++)
      sink += one_pass(buf, len, !strcmp(argv[3], "parse"));
    printf("%ld passes, %llu\n", times, (unsigned long long)sink);
    free(buf);
    return 0;
  }
  if (argc < 2) {
    fputs("usage: edi_bench FILE... | edi_bench --rss N FILE | edi_bench --passes N parse|valid "
          "FILE\n",
          stderr);
    return 2;
  }
  printf("%-58s %10s %12s %12s\n", "file", "bytes", "parse MB/s", "+valid MB/s");
  for (int i = 1; i < argc; i++) {
    size_t len = 0;
    char *buf = slurp(argv[i], &len);
    if (!buf) {
      fprintf(stderr, "edi_bench: cannot read %s\n", argv[i]);
      return 1;
    }
    const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
    double p = mbps(buf, len, 1, &sink), v = mbps(buf, len, 0, &sink);
    printf("%-58s %10zu %12.1f %12.1f\n", name, len, p, v);
    free(buf);
  }
  return sink == 0; /* keeps the work from being optimised away */
}
