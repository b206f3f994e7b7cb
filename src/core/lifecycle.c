#include "core/lifecycle.h"

#include <string.h>

#include "core/err.h"

static const char *const DS_NAMES[] = {"received", "registered", "under_review",
                                       "released", "cleared",    "refused",
                                       "cancelled", "awaiting_payment"};
static const char *const TS_NAMES[] = {"pending", "approved", "rejected",
                                       "held",    "inspection", "closed"};
static const char *const DEC_NAMES[] = {"", "approve", "reject", "hold", "inspect"};

#define N(a) ((int)(sizeof(a) / sizeof(a)[0]))

static int lookup(const char *const *names, int n, const char *s) {
  for (int i = 0; s && i < n; i++)
    if (names[i][0] && strcmp(names[i], s) == 0) return i;
  return -1;
}

const char *decl_status_name(enum decl_status s) {
  return (int)s >= 0 && (int)s < N(DS_NAMES) ? DS_NAMES[s] : "";
}
int decl_status_parse(const char *s) { return lookup(DS_NAMES, N(DS_NAMES), s); }
const char *task_state_name(enum task_state s) {
  return (int)s >= 0 && (int)s < N(TS_NAMES) ? TS_NAMES[s] : "";
}
int task_state_parse(const char *s) { return lookup(TS_NAMES, N(TS_NAMES), s); }
const char *decision_name(enum decision d) {
  return (int)d >= 0 && (int)d < N(DEC_NAMES) ? DEC_NAMES[d] : "";
}
enum decision decision_parse(const char *s) {
  int i = lookup(DEC_NAMES, N(DEC_NAMES), s);
  return i < 0 ? DEC_NONE : (enum decision)i;
}

int decl_status_final(enum decl_status s) {
  return s == DS_RELEASED || s == DS_CLEARED || s == DS_REFUSED || s == DS_CANCELLED;
}

int task_state_open(enum task_state s) {
  return s == TS_PENDING || s == TS_HELD || s == TS_INSPECTION;
}

int task_decide(enum task_state from, enum decision d, enum task_state *to) {
  if (from == TS_PENDING) {
    switch (d) {
    case DEC_APPROVE: *to = TS_APPROVED; return 0;
    case DEC_REJECT: *to = TS_REJECTED; return 0;
    case DEC_HOLD: *to = TS_HELD; return 0;
    case DEC_INSPECT: *to = TS_INSPECTION; return 0;
    default: return -SW_EINVAL;
    }
  }
  if (from == TS_INSPECTION) {
    if (d == DEC_APPROVE) *to = TS_APPROVED;
    else if (d == DEC_REJECT) *to = TS_REJECTED;
    else return -SW_ESTATE;
    return 0;
  }
  return -SW_ESTATE;
}

enum decl_status decl_outcome(const enum task_state *tasks, size_t n, int is_vessel) {
  size_t approved = 0;
  for (size_t i = 0; i < n; i++) {
    if (tasks[i] == TS_REJECTED) return DS_REFUSED;
    if (tasks[i] == TS_APPROVED) approved++;
  }
  if (approved == n) return is_vessel ? DS_CLEARED : DS_RELEASED;
  return DS_UNDER_REVIEW;
}
