/* logistics_store.c - logistics events, matching, release notices, release-time records,
 * historical declarations (see logistics_store.h). */
#include "store/logistics_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timefmt.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/decl_store.h"
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

static json_t *time_json(int64_t us) {
  char buf[40];
  time_format_us(us, buf, sizeof buf);
  return json_string(buf);
}

/* Current status of a declaration ("" when absent). */
static int decl_status_text(struct db *db, int64_t decl_id, char out[24]) {
  static const char *const sql = "SELECT status FROM declarations WHERE id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  out[0] = 0;
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  if ((rc = db_step(st)) == 1) snprintf(out, 24, "%s", db_col_text(st, 0));
  db_done(st);
  return rc < 0 ? rc : 0;
}

static int notice_add(struct db *db, int64_t party_id, int64_t decl_id, int64_t at) {
  static const char *const sql = "INSERT INTO release_notices (party_id, decl_id, at)"
                                 " VALUES (?1,?2,?3) ON CONFLICT DO NOTHING";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, party_id);
  db_bind_int64(st, 2, decl_id);
  db_bind_int64(st, 3, at);
  return step_done(st);
}

/* Links event ev_id to decl_id once; a new link is appended to the declaration's
 * timeline (kind "logistics", at the time it happened), and a released declaration gives
 * the poster its release notice. */
static int link_event(struct db *db, int64_t ev_id, int64_t decl_id, int64_t now) {
  static const char *const ins = "INSERT INTO logistics_links (event_id, decl_id, linked_at)"
                                 " VALUES (?1,?2,?3) ON CONFLICT DO NOTHING";
  static const char *const q_ev =
      "SELECT le.kind, le.key_kind, le.key_value, le.port, le.at, le.actor, le.party_id,"
      " p.national_id FROM logistics_events le JOIN parties p ON p.id = le.party_id"
      " WHERE le.id = ?1";
  static const char *const ins_tl =
      "INSERT INTO events (at, decl_id, kind, status, agency, task_id, actor, automated,"
      " detail) VALUES (?1,?2,'logistics',?3,NULL,NULL,?4,0,?5)";
  struct db_stmt *st;
  char status[24], *detail = NULL;
  char actor[64] = "";
  int64_t at = 0, party = 0;
  int rc;
  TRY(db_prepare(db, ins, &st));
  db_bind_int64(st, 1, ev_id);
  db_bind_int64(st, 2, decl_id);
  db_bind_int64(st, 3, now);
  TRY(step_done(st));
  if (db_changes(db) == 0) return 0;
  TRY(decl_status_text(db, decl_id, status));
  TRY(db_prepare(db, q_ev, &st));
  db_bind_int64(st, 1, ev_id);
  if ((rc = db_step(st)) == 1) {
    json_t *d = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "event", db_col_text(st, 0), "key",
                          "kind", db_col_text(st, 1), "value", db_col_text(st, 2), "port",
                          db_col_text(st, 3), "party", db_col_text(st, 7));
    detail = d ? jt_dumps(d, false) : NULL;
    json_decref(d);
    at = db_col_int64(st, 4);
    snprintf(actor, sizeof actor, "%s", db_col_text(st, 5));
    party = db_col_int64(st, 6);
  }
  db_done(st);
  if (rc < 0) goto out;
  if (!detail) {
    rc = -SW_ENOMEM;
    goto out;
  }
  TRY(db_prepare(db, ins_tl, &st));
  db_bind_int64(st, 1, at);
  db_bind_int64(st, 2, decl_id);
  db_bind_text(st, 3, status);
  db_bind_text(st, 4, actor);
  db_bind_text(st, 5, detail);
  TRY(step_done(st));
  if (!strcmp(status, "released")) TRY(notice_add(db, party, decl_id, now));
  rc = 1;
out:
  free(detail);
  return rc;
}

static int key_add(struct db *db, int64_t decl_id, const char *kind, const char *value,
                   int64_t now) {
  static const char *const ins = "INSERT INTO logistics_keys (key_kind, key_value, decl_id)"
                                 " VALUES (?1,?2,?3) ON CONFLICT DO NOTHING";
  static const char *const q = "SELECT id FROM logistics_events WHERE key_kind = ?1"
                               " AND key_value = ?2 ORDER BY id";
  struct db_stmt *st;
  int64_t ids[256];
  size_t n = 0;
  int rc;
  if (!value || !*value) return 0;
  TRY(db_prepare(db, ins, &st));
  db_bind_text(st, 1, kind);
  db_bind_text(st, 2, value);
  db_bind_int64(st, 3, decl_id);
  TRY(step_done(st));
  TRY(db_prepare(db, q, &st));
  db_bind_text(st, 1, kind);
  db_bind_text(st, 2, value);
  while ((rc = db_step(st)) == 1 && n < 256) ids[n++] = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto out;
  for (size_t i = 0; i < n; i++) TRY(link_event(db, ids[i], decl_id, now));
  rc = 0;
out:
  return rc;
}

static void upper_copy(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; i++)
    dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? (char)(src[i] - 32) : src[i];
  dst[i] = 0;
}

int logistics_link_declaration(struct db *db, int64_t decl_id, const char *number,
                               const struct decl *d, int64_t now) {
  static const char *const ins_facts = "INSERT INTO decl_facts (decl_id, mode, port, history)"
                                       " VALUES (?1,?2,?3,0) ON CONFLICT DO NOTHING";
  const struct decl_transport *t = &d->goods.transport;
  int goods = d->type == DECL_IM || d->type == DECL_EX;
  char buf[64];
  struct db_stmt *st;
  int rc;
  TRY(db_prepare(db, ins_facts, &st));
  db_bind_int64(st, 1, decl_id);
  db_bind_text(st, 2, goods && t->mode ? t->mode : "");
  db_bind_text(st, 3, goods && t->discharge && d->type == DECL_IM ? t->discharge
                      : goods && t->loading && d->type == DECL_EX ? t->loading
                                                                   : d->office);
  TRY(step_done(st));
  TRY(key_add(db, decl_id, LG_KEY_DECLARATION, number, now));
  if (!goods || !d->goods.has_transport) return 0;
  upper_copy(buf, sizeof buf, t->bill_of_lading);
  TRY(key_add(db, decl_id, LG_KEY_BL, buf, now));
  for (size_t i = 0; i < t->n_containers; i++) {
    upper_copy(buf, sizeof buf, t->containers[i]);
    TRY(key_add(db, decl_id, LG_KEY_CONTAINER, buf, now));
  }
  if (t->vessel_imo && t->voyage) {
    char call[64];
    snprintf(call, sizeof call, "%s/%s", t->vessel_imo, t->voyage);
    upper_copy(buf, sizeof buf, call);
    TRY(key_add(db, decl_id, LG_KEY_VESSEL_CALL, buf, now));
  }
  rc = 0;
out:
  return rc;
}

int logistics_event_post(struct db *db, struct lg_event *ev) {
  static const char *const q_dup =
      "SELECT id FROM logistics_events WHERE party_id = ?1 AND kind = ?2 AND key_kind = ?3"
      " AND key_value = ?4 AND at = ?5";
  static const char *const ins =
      "INSERT INTO logistics_events (party_id, kind, key_kind, key_value, port, at,"
      " received_at, actor) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) RETURNING id";
  static const char *const q_decl = "SELECT id FROM declarations WHERE number = ?1";
  static const char *const q_keys =
      "SELECT decl_id FROM logistics_keys WHERE key_kind = ?1 AND key_value = ?2";
  int64_t now = store_now_us(), decls[256];
  size_t n = 0;
  struct db_stmt *st;
  int rc;
  ev->existed = 0;
  if (!strcmp(ev->key_kind, LG_KEY_DECLARATION)) {
    TRY(db_prepare(db, q_decl, &st));
    db_bind_text(st, 1, ev->key_value);
    rc = db_step(st);
    db_done(st);
    if (rc < 0) goto out;
    if (rc == 0) return -SW_ENOTFOUND;
  }
  TRY(db_prepare(db, q_dup, &st));
  db_bind_int64(st, 1, ev->party_id);
  db_bind_text(st, 2, ev->kind);
  db_bind_text(st, 3, ev->key_kind);
  db_bind_text(st, 4, ev->key_value);
  db_bind_int64(st, 5, ev->at);
  if ((rc = db_step(st)) == 1) {
    ev->id = db_col_int64(st, 0);
    ev->existed = 1;
  }
  db_done(st);
  if (rc < 0) goto out;
  if (ev->existed) return 0;
  TRY(db_prepare(db, ins, &st));
  db_bind_int64(st, 1, ev->party_id);
  db_bind_text(st, 2, ev->kind);
  db_bind_text(st, 3, ev->key_kind);
  db_bind_text(st, 4, ev->key_value);
  db_bind_text(st, 5, ev->port ? ev->port : "");
  db_bind_int64(st, 6, ev->at);
  db_bind_int64(st, 7, now);
  db_bind_text(st, 8, ev->actor);
  if ((rc = db_step(st)) == 1) ev->id = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto out;
  TRY(db_prepare(db, q_keys, &st));
  db_bind_text(st, 1, ev->key_kind);
  db_bind_text(st, 2, ev->key_value);
  while ((rc = db_step(st)) == 1 && n < 256) decls[n++] = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto out;
  for (size_t i = 0; i < n; i++) TRY(link_event(db, ev->id, decls[i], now));
  char detail[200];
  snprintf(detail, sizeof detail, "{\"kind\":\"%s\",\"key\":\"%s\",\"linked\":%zu}", ev->kind,
           ev->key_kind, n);
  TRY(audit_append(db, ev->actor, "api", "logistics.event", ev->key_value, detail));
  rc = 0;
out:
  return rc;
}

int logistics_on_release(struct db *db, int64_t decl_id, int64_t now) {
  static const char *const q =
      "SELECT DISTINCT le.party_id FROM logistics_links l JOIN logistics_events le"
      " ON le.id = l.event_id WHERE l.decl_id = ?1";
  int64_t parties[64];
  size_t n = 0;
  struct db_stmt *st;
  int rc;
  TRY(db_prepare(db, q, &st));
  db_bind_int64(st, 1, decl_id);
  while ((rc = db_step(st)) == 1 && n < 64) parties[n++] = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto out;
  for (size_t i = 0; i < n; i++) TRY(notice_add(db, parties[i], decl_id, now));
  rc = 0;
out:
  return rc;
}

static json_t *linked_numbers(struct db *db, int64_t ev_id) {
  static const char *const q =
      "SELECT d.number FROM logistics_links l JOIN declarations d ON d.id = l.decl_id"
      " WHERE l.event_id = ?1 ORDER BY d.id";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, q, &st) < 0) return arr;
  db_bind_int64(st, 1, ev_id);
  while (db_step(st) == 1) json_array_append_new(arr, json_string(db_col_text(st, 0)));
  db_done(st);
  return arr;
}

#define LG_COLS "id, kind, key_kind, key_value, port, at, received_at"

static json_t *event_row(struct db_stmt *st) {
  return json_pack("{s:I, s:s, s:{s:s, s:s}, s:s, s:o, s:o}", "id",
                   (json_int_t)db_col_int64(st, 0), "kind", db_col_text(st, 1), "key", "kind",
                   db_col_text(st, 2), "value", db_col_text(st, 3), "port", db_col_text(st, 4),
                   "at", time_json(db_col_int64(st, 5)), "received_at",
                   time_json(db_col_int64(st, 6)));
}

json_t *logistics_event_json(struct db *db, int64_t party_id, int64_t id) {
  static const char *const q =
      "SELECT " LG_COLS " FROM logistics_events WHERE id = ?1 AND party_id = ?2";
  struct db_stmt *st;
  json_t *e = NULL;
  if (db_prepare(db, q, &st) < 0) return NULL;
  db_bind_int64(st, 1, id);
  db_bind_int64(st, 2, party_id);
  if (db_step(st) == 1) e = event_row(st);
  db_done(st);
  if (e) json_object_set_new(e, "declarations", linked_numbers(db, id));
  return e;
}

json_t *logistics_events_json(struct db *db, int64_t party_id, int64_t after, int limit) {
  static const char *const q = "SELECT " LG_COLS " FROM logistics_events"
                               " WHERE party_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
  struct db_stmt *st;
  json_t *items = json_array();
  int64_t last = after;
  int n = 0;
  if (db_prepare(db, q, &st) == 0) {
    db_bind_int64(st, 1, party_id);
    db_bind_int64(st, 2, after);
    db_bind_int64(st, 3, limit);
    while (db_step(st) == 1) {
      last = db_col_int64(st, 0);
      n++;
      json_array_append_new(items, event_row(st));
    }
    db_done(st);
  }
  size_t i;
  json_t *e;
  json_array_foreach(items, i, e) json_object_set_new(
      e, "declarations", linked_numbers(db, json_integer_value(json_object_get(e, "id"))));
  json_t *page = json_pack("{s:o}", "items", items);
  if (n == limit) {
    char cur[24];
    snprintf(cur, sizeof cur, "%" PRId64, last);
    json_object_set_new(page, "next", json_string(cur));
  }
  return page;
}

json_t *logistics_notices_json(struct db *db, int64_t party_id, int64_t after, int limit,
                               int64_t *last) {
  static const char *const q =
      "SELECT n.id, n.at, d.id, d.number, d.type, d.status, d.office FROM release_notices n"
      " JOIN declarations d ON d.id = n.decl_id WHERE n.party_id = ?1 AND n.id > ?2"
      " ORDER BY n.id LIMIT ?3";
  static const char *const q_keys =
      "SELECT key_kind, key_value FROM logistics_keys WHERE decl_id = ?1"
      " AND key_kind IN ('bill_of_lading', 'container', 'vessel_call') ORDER BY key_kind,"
      " key_value";
  static const char *const q_gate =
      "SELECT MIN(le.at) FROM logistics_links l JOIN logistics_events le ON le.id = l.event_id"
      " WHERE l.decl_id = ?1 AND le.kind = 'gate_out'";
  struct db_stmt *st;
  json_t *items = json_array();
  *last = after;
  if (db_prepare(db, q, &st) < 0) return items;
  db_bind_int64(st, 1, party_id);
  db_bind_int64(st, 2, after);
  db_bind_int64(st, 3, limit);
  while (db_step(st) == 1) {
    *last = db_col_int64(st, 0);
    json_array_append_new(
        items, json_pack("{s:I, s:s, s:o, s:I, s:s, s:s, s:s, s:s}", "id",
                         (json_int_t)*last, "kind", "release_notice", "at",
                         time_json(db_col_int64(st, 1)), "declaration",
                         (json_int_t)db_col_int64(st, 2), "number", db_col_text(st, 3),
                         "type", db_col_text(st, 4), "status", db_col_text(st, 5), "office",
                         db_col_text(st, 6)));
  }
  db_done(st);
  size_t i;
  json_t *n;
  json_array_foreach(items, i, n) {
    int64_t decl = json_integer_value(json_object_get(n, "declaration"));
    json_t *containers = json_array();
    if (db_prepare(db, q_keys, &st) == 0) {
      db_bind_int64(st, 1, decl);
      while (db_step(st) == 1) {
        const char *k = db_col_text(st, 0), *v = db_col_text(st, 1);
        if (!strcmp(k, LG_KEY_CONTAINER)) json_array_append_new(containers, json_string(v));
        else json_object_set_new(n, k, json_string(v));
      }
      db_done(st);
    }
    json_object_set_new(n, "containers", containers);
    if (db_prepare(db, q_gate, &st) == 0) {
      db_bind_int64(st, 1, decl);
      if (db_step(st) == 1 && !db_col_is_null(st, 0))
        json_object_set_new(n, "gate_out", time_json(db_col_int64(st, 0)));
      db_done(st);
    }
  }
  return items;
}
