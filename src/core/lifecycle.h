/* lifecycle.h - the state machines of a declaration and of each agency's task.
 *
 * Declaration: received -> registered -> under_review -> released (goods) | cleared
 *   (vessel calls); goods whose duties are neither paid nor secured by a guarantee wait in
 *   awaiting_payment between the last approval and the release; or refused (an agency's final rejection), or cancelled (by the
 *   declarant before the outcome). "rejected" is never stored: a submission that fails
 *   validation is answered 422 and nothing is kept.
 * Task: pending -> approved | rejected (final) | held (information requested; the
 *   declarant's answer returns it to pending) | inspection (its result approves or
 *   rejects); open tasks become closed when the declaration is refused or cancelled.
 * Decisions are taken only on a pending task (any decision) or one under inspection
 * (approve or reject), so of two concurrent decisions exactly one wins. */
#ifndef SW_LIFECYCLE_H
#define SW_LIFECYCLE_H
#include <stddef.h>

enum decl_status {
  DS_RECEIVED = 0,
  DS_REGISTERED,
  DS_UNDER_REVIEW,
  DS_RELEASED,
  DS_CLEARED,
  DS_REFUSED,
  DS_CANCELLED,
  DS_AWAITING_PAYMENT, /* every agency approved; the bill is neither paid nor secured */
};

enum task_state {
  TS_PENDING = 0,
  TS_APPROVED,
  TS_REJECTED,
  TS_HELD,
  TS_INSPECTION,
  TS_CLOSED,
};

enum decision {
  DEC_NONE = 0,
  DEC_APPROVE,
  DEC_REJECT,
  DEC_HOLD,
  DEC_INSPECT,
};

const char *decl_status_name(enum decl_status s);
/* -1 when unknown. */
int decl_status_parse(const char *s);
const char *task_state_name(enum task_state s);
int task_state_parse(const char *s);
const char *decision_name(enum decision d);
enum decision decision_parse(const char *s);

/* True when the status is final (released, cleared, refused, cancelled). */
int decl_status_final(enum decl_status s);
/* True when the task still waits for someone (pending, held, inspection). */
int task_state_open(enum task_state s);

/* Applies a decision to a task in state from. Returns 0 and sets *to, or -SW_ESTATE
 * when the decision is not allowed in that state. reject needs a reason code (checked
 * by the caller, who knows the request). */
int task_decide(enum task_state from, enum decision d, enum task_state *to);

/* The declaration's status implied by its tasks: refused if any task is rejected,
 * released/cleared when all are approved (vessel: cleared), else under_review. */
enum decl_status decl_outcome(const enum task_state *tasks, size_t n, int is_vessel);

#endif
