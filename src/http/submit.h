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

#endif
