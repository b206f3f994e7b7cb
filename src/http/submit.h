/* submit.h - the one submission pipeline every channel feeds (JSON API, EDIFACT, ...):
 * validate -> check office, principal and mandate -> route -> register (idempotent). */
#ifndef SW_SUBMIT_H
#define SW_SUBMIT_H
#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/decl.h"
#include "core/errlist.h"

struct app;

enum submit_outcome {
  SUBMIT_CREATED = 0, /* registered now */
  SUBMIT_EXISTED,     /* identical resubmission: the existing declaration */
  SUBMIT_INVALID,     /* errs lists every problem; nothing stored */
  SUBMIT_FORBIDDEN,   /* no mandate to declare for the principal (errs has one entry) */
  SUBMIT_CONFLICT,    /* the reference was used for other content */
  SUBMIT_UNAVAILABLE, /* rules or store failed; errs has one entry; retry later */
  SUBMIT_PENDING,     /* submit_prepare only: the registration is ready to be written */
};

struct db;

/* Work a channel adds to the registration's own transaction (e.g. EDIFACT records who sent
 * the message): fn runs after a declaration is registered, or found identical, with its
 * id; a negative result undoes the registration too. The registration may run more than
 * once (store_write_rerunnable): fn must overwrite, not accumulate, what it keeps. */
struct submit_hook {
  int (*fn)(struct db *db, int64_t decl_id, void *arg);
  void *arg;
};

/* Runs the pipeline for a decoded declaration d (errs may already hold decoding
 * problems: they are kept and validation adds the rest). hook may be NULL. Sets *id on
 * CREATED/EXISTED. */
enum submit_outcome submit_declaration(struct app *app, const struct caller *caller,
                                       const char *origin, struct decl *d, struct arena *a,
                                       struct errlist *errs, const struct submit_hook *hook,
                                       int64_t *id);

/* submit_declaration in two halves, for a caller that does not wait for the write (an
 * HTTP worker that suspends the connection meanwhile). submit_prepare validates, routes
 * and assesses; SUBMIT_PENDING with *job set (in arena a) means the registration is ready:
 * run submit_job_write as a rerunnable store job (store_write_rerunnable or
 * store_write_async), then submit_finish with its result. Any other outcome is final and
 * needs no finish. */
struct submit_job;
enum submit_outcome submit_prepare(struct app *app, const struct caller *caller,
                                   const char *origin, struct decl *d, struct arena *a,
                                   struct errlist *errs, const struct submit_hook *hook,
                                   struct submit_job **job);
int submit_job_write(struct db *db, void *job); /* a store_write_fn */
/* The outcome of the written job (rc: the store's result), *id on CREATED/EXISTED; frees
 * what the job held. */
enum submit_outcome submit_finish(struct submit_job *job, int rc, int64_t *id);

#endif
