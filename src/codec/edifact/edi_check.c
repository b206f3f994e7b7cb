/* edi_check.c - parse + validate + report in one pass (see edi_check.h). */
#include "codec/edifact/edi_check.h"

#include "codec/edifact/edi_ack.h"
#include "codec/edifact/edi_validate.h"
#include "core/err.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct edi_check {
  struct edi_check_opts o;
  struct edi_parser *p;
  struct edi_validator *v;
  struct edi_report r;
};

/* Segments are counted by the parser (edi_parser_segments), so that parsing without
 * validation or a user hook makes no call per segment. */
static int on_segment(void *ctx, const struct edi_segment *s, const struct edi_envelope *env) {
  struct edi_check *c = ctx;
  if (c->v) edi_validator_segment(c->v, c->p, s, env);
  if (c->o.user.segment) return c->o.user.segment(c->o.user.ctx, s, env);
  return 0;
}

/* on_segment when validating without a user hook. */
static int on_segment_validate(void *ctx, const struct edi_segment *s,
                               const struct edi_envelope *env) {
  struct edi_check *c = ctx;
  edi_validator_segment(c->v, c->p, s, env);
  return 0;
}

static void on_error(void *ctx, const struct edi_error *e, const struct edi_envelope *env) {
  struct edi_check *c = ctx;
  if (e->severity == EDI_ERROR)
    c->r.errors++;
  else
    c->r.warnings++;
  if ((e->severity == EDI_ERROR || c->o.keep_warnings) && c->r.n < EDI_REPORT_MAX)
    c->r.items[c->r.n++] = *e;
  if (c->o.contrl) edi_contrl_error(c->o.contrl, e, env);
  if (c->o.user.error) c->o.user.error(c->o.user.ctx, e, env);
}

static void on_end(void *ctx, int level, const struct edi_envelope *env) {
  struct edi_check *c = ctx;
  if (c->v) edi_validator_end(c->v, c->p, level, env);
  if (level == EDI_LVL_MESSAGE) c->r.messages++;
  if (level == EDI_LVL_INTERCHANGE && env->ic.present) c->r.interchanges++;
  if (c->o.contrl) edi_contrl_end(c->o.contrl, level, env);
  if (c->o.user.end) c->o.user.end(c->o.user.ctx, level, env);
}

int edi_check_new(struct edi_check **out, const struct edi_check_opts *o) {
  int rc = 0;
  struct edi_check *c = calloc(1, sizeof *c);
  *out = NULL;
  if (!c) return -SW_ENOMEM;
  if (o) c->o = *o;
  struct edi_handler h = {c, on_segment, on_error, on_end};
  if (!c->o.user.segment) /* one call per segment at most, none when only parsing */
    h.segment = c->o.parse_only ? NULL : on_segment_validate;
  rc = edi_parser_new(&c->p, &h, c->o.limits);
  if (rc < 0) goto out;
  if (!c->o.parse_only) {
    struct edi_validate_opts vo = {c->o.no_codes};
    rc = edi_validator_new(&c->v, &vo);
    if (rc < 0) goto out;
  }
  *out = c;
  c = NULL;
out:
  edi_check_free(c);
  return rc;
}

void edi_check_free(struct edi_check *c) {
  if (!c) return;
  edi_parser_free(c->p);
  edi_validator_free(c->v);
  free(c);
}

int edi_check_feed(struct edi_check *c, const void *data, size_t len) {
  c->r.bytes += len;
  int rc = edi_parser_feed(c->p, data, len);
  c->r.segments = edi_parser_segments(c->p);
  return rc;
}

int edi_check_finish(struct edi_check *c) {
  int rc = edi_parser_finish(c->p);
  c->r.segments = edi_parser_segments(c->p);
  return rc;
}

const struct edi_report *edi_check_report(const struct edi_check *c) { return &c->r; }

struct edi_parser *edi_check_parser(struct edi_check *c) {
  return c->p;
}

int edi_check_file(const char *path, const struct edi_check_opts *o, struct edi_report *r) {
  struct edi_check *c = NULL;
  char *buf = NULL;
  int fd = -1;
  int rc = edi_check_new(&c, o);
  if (rc < 0) goto out;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    rc = -SW_EIO;
    goto out;
  }
  buf = malloc(1 << 16);
  if (!buf) {
    rc = -SW_ENOMEM;
    goto out;
  }
  for (;;) {
    ssize_t n = read(fd, buf, 1 << 16);
    if (n < 0) {
      rc = -SW_EIO;
      goto out;
    }
    if (n == 0) break;
    rc = edi_check_feed(c, buf, (size_t)n);
    if (rc) goto out;
  }
  rc = edi_check_finish(c);
  *r = c->r;
out:
  if (fd >= 0) close(fd);
  free(buf);
  edi_check_free(c);
  return rc;
}
