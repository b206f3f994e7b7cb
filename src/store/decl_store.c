/* decl_store.c - persistence of the declaration engine. */
#include "store/decl_store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/timefmt.h"
#include "core/arena.h"
#include "core/errlist.h"
#include "core/permit.h"
#include "store/audit.h"
#include "store/duty_store.h"
#include "store/logistics_store.h"
#include "store/permit_store.h"
#include "store/store.h"
#include "store/counters.h"
#include "codec/jtext.h"

#define TRY(x)                                                                             \
  do {                                                                                     \
    if ((rc = (x)) < 0) goto out;                                                          \
  } while (0)

static int step_done(struct db_stmt *st) {
  int rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int office_code(struct db *db, const char *locode, char out[8]) {
  static const char *const sql = "SELECT code FROM offices WHERE locode = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, locode);
  if ((rc = db_step(st)) == 1) snprintf(out, 8, "%s", db_col_text(st, 0));
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

int office_add(struct db *db, const char *code, const char *locode, const char *name) {
  static const char *const sql = "INSERT INTO offices (code, locode, name) VALUES (?1,?2,?3)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, code);
  db_bind_text(st, 2, locode);
  db_bind_text(st, 3, name);
  return step_done(st);
}

int decl_event_add(struct db *db, int64_t decl_id, int64_t at, const char *kind,
                   enum decl_status status, const char *agency, int64_t task_id,
                   const char *actor, int automated, const char *detail) {
  static const char *const sql =
      "INSERT INTO events (at, decl_id, kind, status, agency, task_id, actor, automated,"
      " detail) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, at);
  db_bind_int64(st, 2, decl_id);
  db_bind_text(st, 3, kind);
  db_bind_text(st, 4, decl_status_name(status));
  db_bind_text(st, 5, agency);
  if (task_id) db_bind_int64(st, 6, task_id);
  db_bind_text(st, 7, actor);
  db_bind_int64(st, 8, automated);
  db_bind_text(st, 9, detail ? detail : "{}");
  return step_done(st);
}

static int set_status(struct db *db, int64_t decl_id, enum decl_status s, int64_t now,
                      const char *clearance) {
  static const char *const sql = "UPDATE declarations SET status = ?2, updated_at = ?3,"
                                 " clearance = COALESCE(?4, clearance) WHERE id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  db_bind_text(st, 2, decl_status_name(s));
  db_bind_int64(st, 3, now);
  db_bind_text(st, 4, clearance);
  return step_done(st);
}

static int is_vessel_type(const char *type) { return type[0] == 'V'; }

/* Moves the declaration's permit drawings and, when any moved, records it as an event. */
static int permit_event(struct db *db, int64_t decl_id, int64_t now, enum decl_status s,
                        const char *actor, int automated, enum drawing_state to) {
  int n = drawings_settle(db, decl_id, to);
  if (n <= 0) return n;
  char detail[96];
  snprintf(detail, sizeof detail, "{\"drawings\":%d,\"state\":\"%s\"}", n,
           drawing_state_name(to));
  return decl_event_add(db, decl_id, now, "permits", s, NULL, 0, actor, automated, detail);
}

/* Derives the declaration's status from its tasks; on an outcome records it (with a port
 * clearance number for vessel calls) and closes the tasks still open. */
static int settle(struct db *db, int64_t decl_id, int64_t now, const char *actor,
                  int automated, enum decl_status *out) {
  static const char *const q_tasks = "SELECT state FROM tasks WHERE decl_id = ?1";
  static const char *const q_decl = "SELECT type, number, status FROM declarations WHERE id = ?1";
  static const char *const close_open =
      "UPDATE tasks SET state = 'closed', since = ?2 WHERE decl_id = ?1 AND state IN"
      " ('pending', 'held', 'inspection')";
  enum task_state states[64];
  size_t n = 0;
  char type[4] = "", number[32] = "", status[24] = "";
  struct db_stmt *st;
  int rc;
  TRY(db_prepare(db, q_decl, &st));
  db_bind_int64(st, 1, decl_id);
  if ((rc = db_step(st)) == 1) {
    snprintf(type, sizeof type, "%s", db_col_text(st, 0));
    snprintf(number, sizeof number, "%s", db_col_text(st, 1));
    snprintf(status, sizeof status, "%s", db_col_text(st, 2));
  }
  db_done(st);
  if (rc < 0) goto out;
  TRY(db_prepare(db, q_tasks, &st));
  db_bind_int64(st, 1, decl_id);
  while ((rc = db_step(st)) == 1 && n < 64) states[n++] = (enum task_state)task_state_parse(db_col_text(st, 0));
  db_done(st);
  if (rc < 0) goto out;
  enum decl_status s = decl_outcome(states, n, is_vessel_type(type));
  if (s == DS_RELEASED) {
    /* the release gate: duties paid, or secured by a guarantee */
    int gate = payment_gate(db, decl_id, now);
    if (gate < 0) return gate;
    if (gate == 2) TRY(decl_event_add(db, decl_id, now, "payment", DS_UNDER_REVIEW, NULL, 0, actor,
                                 1, "{\"bill\":\"secured\"}"));
    if (gate == 0) {
      *out = DS_AWAITING_PAYMENT;
      if (!strcmp(status, "awaiting_payment")) return 0;
      TRY(set_status(db, decl_id, DS_AWAITING_PAYMENT, now, NULL));
      return decl_event_add(db, decl_id, now, "status", DS_AWAITING_PAYMENT, NULL, 0, actor,
                       automated, "{}");
    }
  }
  *out = s;
  if (!decl_status_final(s)) return 0;
  char clearance[40] = "", detail[96];
  if (s == DS_CLEARED) snprintf(clearance, sizeof clearance, "PC%s", number);
  TRY(set_status(db, decl_id, s, now, clearance[0] ? clearance : NULL));
  TRY(permit_event(db, decl_id, now, s, actor, automated,
                   s == DS_REFUSED ? DRAW_RELEASED : DRAW_DEDUCTED));
  if (s == DS_REFUSED) {
    TRY(bill_cancel(db, decl_id, now)); /* refused goods owe nothing */
    TRY(db_prepare(db, close_open, &st));
    db_bind_int64(st, 1, decl_id);
    db_bind_int64(st, 2, now);
    TRY(step_done(st));
  }
  if (clearance[0]) snprintf(detail, sizeof detail, "{\"clearance\":\"%s\"}", clearance);
  else snprintf(detail, sizeof detail, "{}");
  TRY(decl_event_add(db, decl_id, now, "status", s, NULL, 0, actor, automated, detail));
  if (s == DS_RELEASED) TRY(logistics_on_release(db, decl_id, now));
  rc = 0;
out:
  return rc;
}

static int find_existing(struct db *db, int64_t declarant, const char *reference, int64_t *id,
                         char hash[72]) {
  static const char *const sql = "SELECT id, content_hash FROM declarations"
                                 " WHERE declarant_id = ?1 AND reference = ?2";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, declarant);
  db_bind_text(st, 2, reference);
  if ((rc = db_step(st)) == 1) {
    *id = db_col_int64(st, 0);
    snprintf(hash, 72, "%s", db_col_text(st, 1));
  }
  db_done(st);
  return rc;
}

/* Verifies every cited document online and reserves what the items draw (pre_deducted);
 * documents that only an officer can check are recorded for manual review. */
static int verify_documents(struct db *db, struct decl_reg *reg, int64_t today) {
  const struct decl *d = reg->d;
  int64_t drawn[64];
  size_t n_drawn = 0, before = reg->errs->n + reg->errs->dropped;
  struct arena a;
  struct permit *p = malloc(sizeof *p);
  int rc = 0;
  if (!p) return -SW_ENOMEM;
  arena_init(&a, 0);
  for (size_t k = 0; k < reg->n_docs && rc >= 0; k++) {
    const struct decl_doc_ref *ref = &reg->docs[k];
    const struct decl_item *it = &d->goods.items[ref->item];
    const struct decl_document *doc = &it->documents[ref->doc];
    char path[64], detail[256];
    snprintf(path, sizeof path, "/items/%zu/documents/%zu", ref->item, ref->doc);
    if (!ref->registered) {
      rc = decl_document_add(db, reg->id, it->seq, doc->type, doc->number, 0, ref->agency,
                             "manual_review", "{}");
      continue;
    }
    arena_release(&a);
    /* the balance is read, checked and drawn under the permit's row lock: two nodes on
       one PostgreSQL database never draw the same remainder twice */
    if ((rc = permit_lock(db, doc->type, doc->number)) < 0) break;
    rc = permit_load(db, doc->type, doc->number, &a, p);
    if (rc == -SW_ENOTFOUND) {
      errlist_add(reg->errs, path, "permit_not_found", "no %s numbered %s is registered",
                  doc->type, doc->number);
      rc = 0;
      continue;
    }
    if (rc < 0) break;
    bool new_use = true;
    for (size_t i = 0; i < n_drawn; i++)
      if (drawn[i] == p->id) new_use = false;
    struct permit_draw draw;
    if (permit_check_draw(p, it, reg->principal_nid, today, new_use, path, reg->errs, &draw) < 0)
      continue;
    if (new_use && n_drawn < 64) drawn[n_drawn++] = p->id;
    if ((rc = permit_draw(db, p->id, draw.line, reg->id, it->seq, draw.quantity, draw.value)) < 0)
      break;
    snprintf(detail, sizeof detail,
             "{\"issuer\":\"%s\",\"line\":%zu,\"status\":\"%s\",\"uses\":%lld}",
             p->issuer, draw.line, permit_status_name(permit_effective_status(p, today)),
             (long long)p->uses);
    rc = decl_document_add(db, reg->id, it->seq, doc->type, doc->number, p->id, p->issuer,
                           "verified", detail);
  }
  arena_release(&a);
  free(p);
  if (rc < 0) return rc;
  return reg->errs->n + reg->errs->dropped == before ? 0 : -SW_EVALIDATION;
}

int decl_register(struct db *db, struct decl_reg *reg) {
  static const char *const ins_decl =
      "INSERT INTO declarations (number, type, status, reference, declarant_id, principal_id,"
      " office, content, content_hash, ruleset, created_at, updated_at, created_by)"
      " VALUES (?1,?2,'under_review',?3,?4,?5,?6,?7,?8,?9,?10,?10,?11) RETURNING id";
  static const char *const ins_item =
      "INSERT INTO decl_items (decl_id, seq, hs, origin) VALUES (?1,?2,?3,?4)";
  static const char *const ins_task =
      "INSERT INTO tasks (decl_id, agency, state, reason, rules, automated, since, created_at)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?7) RETURNING id";
  const struct decl *d = reg->d;
  int64_t now = store_now_us(), serial, existing = 0;
  char hash[72], counter[48], number[48], detail[600];
  const char *office = reg->office_code;
  struct db_stmt *st;
  reg->id = 0; /* outputs reset: the job may run again (store_write_rerunnable) */
  reg->existed = 0;
  int rc = find_existing(db, reg->declarant_id, d->reference, &existing, hash);
  if (rc < 0) return rc;
  if (rc == 1) {
    if (strcmp(hash, reg->content_hash) != 0) return -SW_ECONFLICT;
    reg->id = existing;
    reg->existed = 1;
    return 0;
  }
  int year = time_year_us(now);
  const char flag = (d->type == DECL_IM || d->type == DECL_VA) ? '1' : '0';
  snprintf(counter, sizeof counter, "decl:%s:%d:%c", office, year, flag);
  TRY(counter_next(db, counter, &serial));
  if (serial > 999999999) return -SW_ETOOBIG;
  snprintf(number, sizeof number, "%s%04d%c%09" PRId64, office, year, flag, serial);

  TRY(db_prepare(db, ins_decl, &st));
  db_bind_text(st, 1, number);
  db_bind_text(st, 2, decl_type_name(d->type));
  db_bind_text(st, 3, d->reference);
  db_bind_int64(st, 4, reg->declarant_id);
  db_bind_int64(st, 5, reg->principal_id);
  db_bind_text(st, 6, d->office);
  db_bind_text(st, 7, reg->content);
  db_bind_text(st, 8, reg->content_hash);
  db_bind_int64(st, 9, reg->ruleset);
  db_bind_int64(st, 10, now);
  db_bind_text(st, 11, reg->actor);
  if ((rc = db_step(st)) == 1) reg->id = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto out;
  if (rc == 0) return -SW_EDB;

  for (size_t i = 0; i < d->goods.n_items; i++) {
    const struct decl_item *it = &d->goods.items[i];
    TRY(db_prepare(db, ins_item, &st));
    db_bind_int64(st, 1, reg->id);
    db_bind_int64(st, 2, it->seq);
    db_bind_text(st, 3, it->hs);
    db_bind_text(st, 4, it->origin);
    TRY(step_done(st));
  }
  if (reg->n_docs && (rc = verify_documents(db, reg, time_days_us(now))) < 0) goto out;
  if (reg->assessment)
    TRY(assessment_store(db, reg->id, reg->principal_id, number, reg->assessment,
                         reg->assessment_json ? reg->assessment_json : "{}", now));
  snprintf(detail, sizeof detail, "{\"number\":\"%s\",\"ruleset\":%" PRId64 "}", number,
           reg->ruleset);
  TRY(decl_event_add(db, reg->id, now, "registered", DS_REGISTERED, NULL, 0, reg->actor, 0, detail));

  for (size_t t = 0; t < reg->route->n; t++) {
    const struct route_task *rt = &reg->route->tasks[t];
    json_t *rules = json_array();
    for (size_t k = 0; k < rt->n_matched && k < ROUTE_MAX_TASK_RULES; k++)
      json_array_append_new(rules, json_pack("{s:s, s:I}", "id", rt->rules[k]->id, "version",
                                             (json_int_t)rt->rules[k]->version));
    const char *reason = rt->rules[0] && rt->rules[0]->reason ? rt->rules[0]->reason : "";
    /* the task stores the rules; its event shows them with the reason */
    char *rules_text = jt_dumps(rules, false);
    json_t *ev = json_pack("{s:s, s:O}", "reason", reason, "rules", rules);
    json_decref(rules);
    char *ev_text = ev ? jt_dumps(ev, false) : NULL;
    json_decref(ev);
    if (!rules_text || !ev_text) {
      free(rules_text);
      free(ev_text);
      return -SW_ENOMEM;
    }
    int64_t task_id = 0;
    rc = db_prepare(db, ins_task, &st);
    if (rc == 0) {
      db_bind_int64(st, 1, reg->id);
      db_bind_text(st, 2, rt->agency);
      db_bind_text(st, 3, rt->auto_approve ? "approved" : "pending");
      db_bind_text(st, 4, reason);
      db_bind_text(st, 5, rules_text);
      db_bind_int64(st, 6, rt->auto_approve ? 1 : 0);
      db_bind_int64(st, 7, now);
      if ((rc = db_step(st)) == 1) task_id = db_col_int64(st, 0);
      db_done(st);
    }
    free(rules_text);
    if (rc >= 0)
      rc = decl_event_add(db, reg->id, now, "task_created", DS_UNDER_REVIEW, rt->agency, task_id,
                     reg->actor, 0, ev_text);
    if (rc >= 0 && rt->auto_approve)
      rc = decl_event_add(db, reg->id, now, "decision", DS_UNDER_REVIEW, rt->agency, task_id,
                     "system", 1, "{\"decision\":\"approve\",\"state\":\"approved\"}");
    free(ev_text);
    if (rc < 0) goto out;
  }
  enum decl_status s;
  TRY(settle(db, reg->id, now, "system", 1, &s));
  TRY(logistics_link_declaration(db, reg->id, number, d, now));
  snprintf(detail, sizeof detail, "{\"number\":\"%s\",\"type\":\"%s\"}", number,
           decl_type_name(d->type));
  TRY(audit_append(db, reg->actor, reg->origin, "declaration.register", number, detail));
  rc = 0;
out:
  return rc;
}

static int decl_status_of(struct db *db, int64_t decl_id, enum decl_status *s, char number[32]) {
  static const char *const sql = "SELECT status, number FROM declarations WHERE id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  if ((rc = db_step(st)) == 1) {
    *s = (enum decl_status)decl_status_parse(db_col_text(st, 0));
    snprintf(number, 32, "%s", db_col_text(st, 1));
  }
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

int decl_decide(struct db *db, struct decl_decision *dd) {
  static const char *const q_task = "SELECT decl_id, agency, state FROM tasks WHERE id = ?1";
  static const char *const upd =
      "UPDATE tasks SET state = ?2, since = ?3, decided_by = ?4, reason_code = ?5, note = ?6,"
      " inspection_at = COALESCE(?7, inspection_at) WHERE id = ?1 AND state = ?8";
  struct db_stmt *st;
  char agency[40] = "", number[32];
  enum task_state from = TS_PENDING, to;
  enum decl_status ds;
  int64_t now = store_now_us();
  int rc = db_prepare(db, q_task, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, dd->task_id);
  if ((rc = db_step(st)) == 1) {
    dd->decl_id = db_col_int64(st, 0);
    snprintf(agency, sizeof agency, "%s", db_col_text(st, 1));
    from = (enum task_state)task_state_parse(db_col_text(st, 2));
  }
  db_done(st);
  if (rc < 0) return rc;
  if (rc == 0 || strcmp(agency, dd->by->agency) != 0) return -SW_ENOTFOUND;
  if ((rc = decl_status_of(db, dd->decl_id, &ds, number)) < 0) return rc;
  if (decl_status_final(ds)) return -SW_ECONFLICT;
  if (task_decide(from, dd->decision, &to) < 0) return -SW_ECONFLICT;
  TRY(db_prepare(db, upd, &st));
  db_bind_int64(st, 1, dd->task_id);
  db_bind_text(st, 2, task_state_name(to));
  db_bind_int64(st, 3, now);
  db_bind_text(st, 4, dd->by->login);
  db_bind_text(st, 5, dd->reason_code);
  db_bind_text(st, 6, dd->note);
  db_bind_text(st, 7, dd->inspection_at);
  db_bind_text(st, 8, task_state_name(from));
  TRY(step_done(st));
  if (db_changes(db) != 1) return -SW_ECONFLICT;
  json_t *det = json_pack("{s:s, s:s, s:s}", "decision", decision_name(dd->decision), "state",
                          task_state_name(to), "from", task_state_name(from));
  if (dd->reason_code) json_object_set_new(det, "reason_code", json_string(dd->reason_code));
  if (dd->note) json_object_set_new(det, "note", json_string(dd->note));
  if (dd->inspection_at) json_object_set_new(det, "inspection_at", json_string(dd->inspection_at));
  char *text = jt_dumps(det, false);
  json_decref(det);
  if (!text) return -SW_ENOMEM;
  rc = decl_event_add(db, dd->decl_id, now, "decision", DS_UNDER_REVIEW, agency, dd->task_id,
                 dd->by->login, 0, text);
  if (rc == 0) rc = audit_append(db, dd->by->login, dd->origin, "task.decide", number, text);
  free(text);
  if (rc < 0) goto out;
  TRY(settle(db, dd->decl_id, now, dd->by->login, 0, &ds));
  rc = 0;
out:
  return rc;
}

int decl_respond(struct db *db, int64_t decl_id, const struct caller *by, const char *origin,
                 const char *detail_json) {
  static const char *const reopen = "UPDATE tasks SET state = 'pending', since = ?2"
                                    " WHERE decl_id = ?1 AND state = 'held'";
  struct db_stmt *st;
  enum decl_status ds;
  char number[32];
  int64_t now = store_now_us();
  int rc = decl_status_of(db, decl_id, &ds, number);
  if (rc < 0) return rc;
  if (decl_status_final(ds)) return -SW_ECONFLICT;
  TRY(db_prepare(db, reopen, &st));
  db_bind_int64(st, 1, decl_id);
  db_bind_int64(st, 2, now);
  TRY(step_done(st));
  if (db_changes(db) == 0) return -SW_ESTATE;
  TRY(decl_event_add(db, decl_id, now, "response", ds, NULL, 0, by->login, 0, detail_json));
  TRY(audit_append(db, by->login, origin, "declaration.respond", number, "{}"));
out:
  return rc;
}

int decl_cancel(struct db *db, int64_t decl_id, const struct caller *by, const char *origin,
                const char *reason) {
  static const char *const close_open =
      "UPDATE tasks SET state = 'closed', since = ?2 WHERE decl_id = ?1 AND state IN"
      " ('pending', 'held', 'inspection')";
  struct db_stmt *st;
  enum decl_status ds;
  char number[32];
  int64_t now = store_now_us();
  int rc = decl_status_of(db, decl_id, &ds, number);
  if (rc < 0) return rc;
  if (decl_status_final(ds)) return -SW_ECONFLICT;
  TRY(db_prepare(db, close_open, &st));
  db_bind_int64(st, 1, decl_id);
  db_bind_int64(st, 2, now);
  TRY(step_done(st));
  TRY(set_status(db, decl_id, DS_CANCELLED, now, NULL));
  TRY(permit_event(db, decl_id, now, DS_CANCELLED, by->login, 0, DRAW_RELEASED));
  TRY(bill_cancel(db, decl_id, now));
  json_t *det = json_pack("{s:s?}", "reason", reason);
  char *text = jt_dumps(det, false);
  json_decref(det);
  if (!text) return -SW_ENOMEM;
  rc = decl_event_add(db, decl_id, now, "status", DS_CANCELLED, NULL, 0, by->login, 0, text);
  free(text);
  if (rc < 0) goto out;
  TRY(audit_append(db, by->login, origin, "declaration.cancel", number, "{}"));
out:
  return rc;
}

int decl_settle(struct db *db, int64_t decl_id, const char *actor) {
  enum decl_status s = DS_RECEIVED;
  char number[32];
  int rc = decl_status_of(db, decl_id, &s, number);
  /* only a declaration waiting for its payment moves; final ones stay as they are */
  if (rc < 0 || s != DS_AWAITING_PAYMENT) return rc;
  return settle(db, decl_id, store_now_us(), actor, 0, &s);
}

int decl_settle_awaiting(struct db *db, int64_t party_id, const char *actor) {
  static const char *const sql = "SELECT id FROM declarations WHERE principal_id = ?1"
                                 " AND status = 'awaiting_payment' ORDER BY id LIMIT 1000";
  struct db_stmt *st;
  int64_t *ids = malloc(1000 * sizeof *ids);
  size_t n = 0;
  int rc;
  if (!ids) return -SW_ENOMEM;
  if ((rc = db_prepare(db, sql, &st)) < 0) goto out;
  db_bind_int64(st, 1, party_id);
  while ((rc = db_step(st)) == 1 && n < 1000) ids[n++] = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto out;
  rc = 0;
  for (size_t i = 0; i < n && rc >= 0; i++) rc = decl_settle(db, ids[i], actor);
out:
  free(ids);
  return rc;
}

int decl_event(struct db *db, int64_t decl_id, const char *kind, const char *actor,
               const char *detail) {
  enum decl_status s = DS_RECEIVED;
  char number[32];
  int rc = decl_status_of(db, decl_id, &s, number);
  return rc < 0 ? rc : decl_event_add(db, decl_id, store_now_us(), kind, s, NULL, 0, actor, 0, detail);
}
