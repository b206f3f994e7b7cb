/* cmd_edi.c - swctl edi: offline UN/EDIFACT tools (no database needed).
 *
 *   swctl edi parse FILE [--no-validate]     the interchange tree as JSON on stdout
 *   swctl edi validate FILE [--json] [--warnings] [--no-codes] [--contrl]
 *                                            problems, one per line; exit 1 when invalid
 * FILE "-" reads standard input. Input is streamed: any size works in bounded memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codec/edifact/edi_ack.h"
#include "codec/edifact/edi_check.h"
#include "codec/edifact/edi_json.h"
#include "core/err.h"
#include "swctl/swctl.h"

static void edi_usage(FILE *f) {
  fputs("usage: swctl edi parse FILE [--no-validate]\n"
        "       swctl edi validate FILE [--json] [--warnings] [--no-codes] [--contrl]\n"
        "parse prints the interchange tree as JSON (problems included);\n"
        "validate prints the problems and exits 1 when the interchange is invalid.\n"
        "--contrl also prints the CONTRL acknowledgement; FILE '-' is standard input.\n",
        f);
}

static int has_flag(int argc, char **argv, const char *flag) {
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], flag)) return 1;
  return 0;
}

struct edi_run {
  struct edi_json *json;
};

static int run_segment(void *ctx, const struct edi_segment *s, const struct edi_envelope *env) {
  struct edi_run *r = ctx;
  return r->json ? edi_json_segment(r->json, s, env) : 0;
}

static void run_end(void *ctx, int level, const struct edi_envelope *env) {
  struct edi_run *r = ctx;
  if (r->json) edi_json_end(r->json, level, env);
}

/* Streams path through c; 0, or 2 when it cannot be read. */
static int feed_file(struct edi_check *c, const char *path) {
  int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
  int rc = 0;
  char *buf = NULL;
  if (fd < 0) {
    fprintf(stderr, "swctl edi: cannot open %s: %s\n", path, strerror(errno));
    return 2;
  }
  buf = malloc(1 << 16);
  if (!buf) {
    rc = 2;
    goto out;
  }
  for (;;) {
    ssize_t n = read(fd, buf, 1 << 16);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fprintf(stderr, "swctl edi: cannot read %s: %s\n", path, strerror(errno));
      rc = 2;
      goto out;
    }
    if (n == 0) break;
    if (edi_check_feed(c, buf, (size_t)n) < 0) {
      rc = 2;
      goto out;
    }
  }
  if (edi_check_finish(c) < 0) rc = 2;
out:
  free(buf);
  if (fd > 0) close(fd);
  return rc;
}

static void print_problem(FILE *f, const char *path, const struct edi_error *e) {
  fprintf(f, "%s:%llu: %s %u (%s)", path, (unsigned long long)e->pos.offset,
          e->severity == EDI_ERROR ? "error" : "warning", e->code, edi_code_name(e->code));
  if (e->pos.msg) fprintf(f, " message %u", e->pos.msg);
  if (e->pos.seg) fprintf(f, " segment %u", e->pos.seg);
  if (e->pos.tag[0]) fprintf(f, " %s", e->pos.tag);
  if (e->pos.elem) fprintf(f, " element %u", e->pos.elem);
  if (e->pos.comp) fprintf(f, " component %u", e->pos.comp);
  if (e->pos.rep > 1) fprintf(f, " repetition %u", e->pos.rep);
  fprintf(f, ": %s\n", e->text);
}

int cmd_edi(struct ctl *c, int argc, char **argv) {
  (void)c;
  int rc = 2;
  struct edi_check *chk = NULL;
  struct edi_json *json = NULL;
  struct edi_contrl *contrl = NULL;
  struct edi_buf ack;
  struct edi_run run = {NULL};
  edi_buf_init(&ack, 0);
  if (argc < 3 || ctl_wants_help(argc, argv)) {
    edi_usage(argc < 3 ? stderr : stdout);
    return argc < 3 ? 2 : 0;
  }
  const char *verb = argv[1], *path = argv[2];
  int parse = !strcmp(verb, "parse");
  if (!parse && strcmp(verb, "validate")) {
    edi_usage(stderr);
    return 2;
  }
  int as_json = parse || has_flag(argc, argv, "--json");
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.parse_only = has_flag(argc, argv, "--no-validate");
  o.no_codes = has_flag(argc, argv, "--no-codes");
  o.keep_warnings = parse || has_flag(argc, argv, "--warnings");
  if (parse && edi_json_new(&json, stdout) < 0) goto out;
  run.json = json;
  o.user.ctx = &run;
  o.user.segment = run_segment;
  o.user.end = run_end;
  if (has_flag(argc, argv, "--contrl")) {
    struct edi_contrl_opts co = {"OPENSW", NULL, (int64_t)time(NULL), 0};
    if (edi_contrl_new(&contrl, &co, &ack) < 0) goto out;
    o.contrl = contrl;
  }
  if (edi_check_new(&chk, &o) < 0) {
    fprintf(stderr, "swctl edi: out of memory\n");
    goto out;
  }
  if (feed_file(chk, path)) goto out;
  const struct edi_report *r = edi_check_report(chk);
  if (as_json) {
    /* validate --json: the problems and summary, with an empty tree */
    if (!json && edi_json_new(&json, stdout) < 0) goto out;
    edi_json_finish(json, r);
  } else {
    for (size_t i = 0; i < r->n; i++)
      print_problem(stdout, path, &r->items[i]);
    if (r->errors + r->warnings > r->n)
      printf("%s: %llu more problems not listed\n", path,
             (unsigned long long)(r->errors + r->warnings - r->n));
    printf("%s: %s: %llu interchange(s), %llu message(s), %llu segment(s), %llu error(s), "
           "%llu warning(s)\n",
           path, r->errors ? "invalid" : "valid", (unsigned long long)r->interchanges,
           (unsigned long long)r->messages, (unsigned long long)r->segments,
           (unsigned long long)r->errors, (unsigned long long)r->warnings);
  }
  if (contrl && ack.len) fwrite(ack.p, 1, ack.len, stdout);
  rc = parse ? 0 : r->errors ? 1 : 0;
out:
  edi_check_free(chk);
  edi_json_free(json);
  edi_contrl_free(contrl);
  edi_buf_release(&ack);
  return rc;
}
