/* h_edi.c - POST /v1/edi: a UN/EDIFACT interchange in (application/EDIFACT), the CONTRL
 * and one APERAK per message out.
 *
 * The interchange is parsed and validated against the UN directory in one pass. Every
 * CUSDEC (D96B, D01B) without syntax or directory errors is mapped onto struct decl
 * (codec/edifact/edi_cusdec.h) and goes through submit_declaration, the same pipeline as
 * POST /v1/declarations: same validation, routing and registration, same problem codes
 * (carried in the APERAK's FTX). The answer is two interchanges in one body: the CONTRL
 * (syntax level, for the whole interchange), then the APERAKs (application level:
 * 29 accepted with RFF+ABT the official number, or 27 with ERC/FTX per problem).
 *
 * Every declaration registered from a CUSDEC (or re-lodged identically by one) is recorded
 * as arrived by EDIFACT, with the interchange's sender (store/edi_store.h). Its status
 * changes are then served as CUSRES by GET /v1/declarations/{id}/cusres. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "codec/edifact/edi_ack.h"
#include "codec/edifact/edi_check.h"
#include "codec/edifact/edi_cusdec.h"
#include "codec/edifact/edi_cusres.h"
#include "core/err.h"
#include "http/app.h"
#include "http/handlers.h"
#include "http/submit.h"
#include "store/decl_store.h"
#include "store/edi_store.h"
#include "store/store.h"

#define EDI_MAX_MESSAGES 1000 /* APERAKs answered per request; more are refused */

struct edi_run {
  struct http_req *r;
  struct edi_buf aperaks;
  struct edi_writer w;
  unsigned naperak;
  int64_t now;
  int version;            /* syntax version of the interchange answered */
  struct edi_cusdec *map; /* the CUSDEC being mapped, or NULL */
  struct decl *d;
  struct errlist *errs;
  int too_many;
  struct edi_interchange ic; /* the last interchange received (its sender gets the APERAKs) */
};

static int run_segment(void *ctx, const struct edi_segment *s, const struct edi_envelope *env) {
  struct edi_run *x = ctx;
  if (!env->in_message) return 0;
  if (!strcmp(s->tag, "UNH")) {
    x->map = NULL;
    if (!edi_cusdec_supported(&env->msg)) return 0;
    x->d = arena_alloc(&x->r->arena, sizeof *x->d);
    x->errs = arena_alloc(&x->r->arena, sizeof *x->errs);
    if (!x->d || !x->errs) return -SW_ENOMEM;
    errlist_init(x->errs);
    if (edi_cusdec_begin(&x->map, &x->r->arena, x->d, x->errs) < 0) return -SW_ENOMEM;
  }
  if (x->map && edi_cusdec_segment(x->map, s, env) < 0) return -SW_ENOMEM;
  return 0;
}

static int arrival_hook(struct db *db, int64_t decl_id, void *arg) {
  struct edi_arrival *a = arg;
  a->decl_id = decl_id;
  return edi_arrival_record(db, a);
}

/* Who sent the message env describes, recorded with the registration (same transaction). */
static void arrival_of(const struct edi_envelope *env, struct edi_arrival *a) {
  memset(a, 0, sizeof *a);
  snprintf(a->sender, sizeof a->sender, "%s", env->ic.sender);
  snprintf(a->sender_qual, sizeof a->sender_qual, "%s", env->ic.sender_qual);
  snprintf(a->interchange_ref, sizeof a->interchange_ref, "%s", env->ic.ref);
  snprintf(a->message_ref, sizeof a->message_ref, "%s", env->msg.ref);
  snprintf(a->message, sizeof a->message, "%s:%s:%s:%s", env->msg.type, env->msg.version,
           env->msg.release, env->msg.agency);
}

/* One APERAK for the message that just ended. */
static void run_end(void *ctx, int level, const struct edi_envelope *env) {
  struct edi_run *x = ctx;
  struct errlist local;
  const struct errlist *errs = NULL;
  char number[64] = "", ref[16], doc[40];
  if (level == EDI_LVL_INTERCHANGE && env->ic.present) x->ic = env->ic;
  if (level != EDI_LVL_MESSAGE) return;
  if (x->naperak == EDI_MAX_MESSAGES) {
    x->too_many = 1;
    x->map = NULL;
    return;
  }
  errlist_init(&local);
  if (!edi_cusdec_supported(&env->msg)) {
    errlist_add(&local, "", "unsupported_message",
                "only CUSDEC D96B and D01B are processed here, not %s %s%s", env->msg.type,
                env->msg.version, env->msg.release);
    errs = &local;
  } else if (env->msg.nerrors || !x->map) {
    errlist_add(&local, "", "edi_syntax",
                "the message has %u syntax or directory errors (see the CONTRL); it was not "
                "processed",
                env->msg.nerrors);
    errs = &local;
  } else {
    int64_t id = 0;
    struct edi_arrival arrival;
    struct submit_hook hook = {.fn = arrival_hook, .arg = &arrival};
    arrival_of(env, &arrival);
    edi_cusdec_end(x->map); /* decoding problems are in x->errs and kept by submit */
    switch (submit_declaration(x->r->app, &x->r->caller, x->r->client_ip, x->d, &x->r->arena,
                               x->errs, &hook, &id)) {
    case SUBMIT_CREATED:
    case SUBMIT_EXISTED: {
      json_t *doc_json = decl_get_json(store_reader(x->r->app->store), id);
      const char *n = doc_json ? json_string_value(json_object_get(doc_json, "number")) : NULL;
      snprintf(number, sizeof number, "%s", n ? n : "");
      json_decref(doc_json);
      break;
    }
    default: errs = x->errs; break;
    }
  }
  x->map = NULL;
  snprintf(ref, sizeof ref, "%u", ++x->naperak);
  snprintf(doc, sizeof doc, "APK%lld-%u", (long long)x->now, x->naperak);
  edi_aperak_write(&x->w, ref, &env->msg, doc, number[0] ? number : NULL, errs, x->now);
}

void h_edi(struct http_req *r) {
  struct edi_buf contrl;
  struct edi_contrl *c = NULL;
  struct edi_check *chk = NULL;
  struct edi_run x;
  const char *ct = req_header(r, "Content-Type");
  memset(&x, 0, sizeof x);
  edi_buf_init(&contrl, 16u << 20);
  edi_buf_init(&x.aperaks, 16u << 20);
  if (!ct || strncasecmp(ct, "application/edifact", 19) != 0) {
    reply_error(r, 415, "", "unsupported_media_type", "send Content-Type: application/EDIFACT");
    goto out;
  }
  x.r = r;
  x.now = (int64_t)time(NULL);
  edi_writer_init(&x.w, &x.aperaks, 3);
  x.w.newline = 1;
  x.w.latin1 = 1; /* the APERAK interchange is UNOC; problem texts are UTF-8 */
  struct edi_contrl_opts co = {"OPENSW", NULL, x.now, 0};
  struct edi_check_opts o;
  memset(&o, 0, sizeof o);
  o.user.ctx = &x;
  o.user.segment = run_segment;
  o.user.end = run_end;
  if (edi_contrl_new(&c, &co, &contrl) < 0) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    goto out;
  }
  o.contrl = c;
  if (edi_check_new(&chk, &o) < 0 || edi_check_feed(chk, r->body, r->body_len) < 0 ||
      edi_check_finish(chk) < 0) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    goto out;
  }
  const struct edi_report *rep = edi_check_report(chk);
  if (!rep->interchanges) {
    reply_error(r, 400, "", "no_interchange",
                "the body holds no UN/EDIFACT interchange (UNB ... UNZ)");
    goto out;
  }
  if (x.too_many) {
    reply_error(r, 413, "", "too_many_messages", "more than 1000 messages in one request");
    goto out;
  }
  if (x.naperak) {
    /* The APERAKs travel in their own interchange, from us to the sender. */
    struct edi_buf body;
    struct edi_writer w;
    struct edi_interchange ic = x.ic;
    char ref[24];
    snprintf(ic.syntax_id, sizeof ic.syntax_id, "UNOC");
    ic.version = 3;
    snprintf(ref, sizeof ref, "A%lld", (long long)x.now % 10000000000LL);
    edi_buf_init(&body, 32u << 20);
    edi_writer_init(&w, &body, 3);
    w.newline = 1;
    w.latin1 = 1;
    edi_buf_put(&body, contrl.p, contrl.len);
    edi_w_unb(&w, &ic, "OPENSW", NULL, ref, x.now);
    edi_buf_put(&body, x.aperaks.p, x.aperaks.len);
    edi_w_unz(&w, x.naperak, ref);
    if (body.err)
      reply_error(r, 503, "", "unavailable", "the answer does not fit in memory");
    else
      reply_bytes(r, 200, "application/EDIFACT", body.p, body.len, 1);
    edi_buf_release(&body);
  } else {
    reply_bytes(r, 200, "application/EDIFACT", contrl.p, contrl.len, 1);
  }
out:
  edi_check_free(chk);
  edi_contrl_free(c);
  edi_buf_release(&contrl);
  edi_buf_release(&x.aperaks);
}

/* ---- GET /v1/declarations/{id}/cusres ---- */

#define CUSRES_MAX 64 /* status changes answered; a declaration has a handful */

void h_edi_cusres(struct http_req *r) {
  struct db *db = store_reader(r->app->store);
  struct edi_arrival arr;
  struct edi_cusres *msgs;
  struct edi_buf out;
  char ref[24];
  int64_t id = req_id_param(r, "id");
  if (!id) return;
  if (!db) {
    reply_error(r, 503, "", "unavailable", "the store cannot be read now; retry");
    return;
  }
  int v = decl_visible(db, id, &r->caller);
  if (v < 0) {
    reply_error(r, 503, "", "unavailable", "the store cannot be read now; retry");
    return;
  }
  if (v != 1) {
    reply_error(r, 404, "", "not_found", "no such declaration");
    return;
  }
  int rc = edi_arrival_get(db, id, &arr);
  if (rc < 0) {
    reply_error(r, 503, "", "unavailable", "the store cannot be read now; retry");
    return;
  }
  if (rc == 0) {
    reply_error(r, 409, "", "not_edifact",
                "this declaration was not lodged over UN/EDIFACT (POST /v1/edi), so it has no "
                "CUSRES; follow it with GET /v1/declarations/{id}/events");
    return;
  }
  if (!(msgs = arena_alloc(&r->arena, CUSRES_MAX * sizeof *msgs))) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  int n = edi_cusres_collect(db, id, &r->arena, msgs, CUSRES_MAX);
  if (n == -SW_ENOTFOUND) {
    reply_error(r, 404, "", "not_found", "no such declaration");
    return;
  }
  if (n <= 0) {
    reply_error(r, 503, "", "unavailable",
                n == 0 ? "the declaration has no recorded status yet; retry"
                       : "the status changes cannot be read now; retry");
    return;
  }
  int64_t now_us = store_now_us();
  /* an interchange control reference (an..14) unique per answer: R + time in base 36 */
  {
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char tmp[16];
    size_t k = 0;
    uint64_t t = (uint64_t)now_us;
    do {
      tmp[k++] = digits[t % 36];
      t /= 36;
    } while (t && k < 13);
    ref[0] = 'R';
    for (size_t i = 0; i < k; i++)
      ref[1 + i] = tmp[k - 1 - i];
    ref[1 + k] = 0;
  }
  struct edi_cusres_envelope env = {.sender = "OPENSW",
                                    .recipient = arr.sender,
                                    .recipient_qual = arr.sender_qual,
                                    .ref = ref,
                                    .now = now_us / 1000000};
  edi_buf_init(&out, 4u << 20);
  if (edi_cusres_interchange(&out, &env, msgs, (size_t)n) < 0)
    reply_error(r, 503, "", "unavailable", "the CUSRES could not be written");
  else
    reply_bytes(r, 200, "application/EDIFACT", out.p, out.len, 1);
  edi_buf_release(&out);
}
