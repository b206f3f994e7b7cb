/* permit_store.c - persistence of permits, drawings, cited documents, requirement rules. */
#include "store/permit_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/timefmt.h"
#include "store/audit.h"
#include "store/json_rows.h"
#include "store/store.h"
#include "store/counters.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static int step_done(struct db_stmt *st) {
  int rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int doc_type_get(struct db *db, const char *code, struct doc_type *out) {
  static const char *const sql =
      "SELECT code, name, agency, registered FROM document_types WHERE code = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, code);
  if ((rc = db_step(st)) == 1) {
    COPY(out->code, db_col_text(st, 0));
    COPY(out->name, db_col_text(st, 1));
    COPY(out->agency, db_col_text(st, 2));
    out->registered = (int)db_col_int64(st, 3);
  }
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

json_t *doc_types_json(struct db *db) {
  static const char *const sql =
      "SELECT code, name, agency, registered FROM document_types ORDER BY code";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  while (db_step(st) == 1)
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "code", db_col_text(st, 0),
                                         "name", db_col_text(st, 1), "agency",
                                         db_col_text(st, 2), "registered",
                                         (int)db_col_int64(st, 3)));
  db_done(st);
  return arr;
}

static char *dup_col(struct arena *a, struct db_stmt *st, int col) {
  return db_col_is_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

int permit_load(struct db *db, const char *type, const char *number, struct arena *a,
                struct permit *out) {
  static const char *const q_permit =
      "SELECT p.id, p.type, p.number, p.issuer, h.national_id, p.valid_from, p.valid_to,"
      " p.max_uses, p.status, (SELECT COUNT(DISTINCT decl_id) FROM permit_drawings d"
      "  WHERE d.permit_id = p.id AND d.state <> 'released')"
      " FROM permits p JOIN parties h ON h.id = p.holder_id WHERE p.type = ?1 AND p.number = ?2";
  static const char *const q_lines =
      "SELECT l.hs_prefix, l.description, l.unit, l.quantity, l.value,"
      " COALESCE((SELECT SUM(d.quantity) FROM permit_drawings d WHERE d.permit_id = l.permit_id"
      "  AND d.line_no = l.line_no AND d.state <> 'released'), 0),"
      " COALESCE((SELECT SUM(d.value) FROM permit_drawings d WHERE d.permit_id = l.permit_id"
      "  AND d.line_no = l.line_no AND d.state <> 'released'), 0)"
      " FROM permit_lines l WHERE l.permit_id = ?1 ORDER BY l.line_no";
  struct db_stmt *st;
  int rc = db_prepare(db, q_permit, &st);
  if (rc < 0) return rc;
  memset(out, 0, sizeof *out);
  db_bind_text(st, 1, type);
  db_bind_text(st, 2, number);
  if ((rc = db_step(st)) == 1) {
    out->id = db_col_int64(st, 0);
    out->type = dup_col(a, st, 1);
    out->number = dup_col(a, st, 2);
    out->issuer = dup_col(a, st, 3);
    out->holder = dup_col(a, st, 4);
    out->valid_from = db_col_int64(st, 5);
    out->valid_to = db_col_int64(st, 6);
    out->max_uses = db_col_int64(st, 7);
    int s = permit_status_parse(db_col_text(st, 8));
    out->status = s < 0 ? PERMIT_REVOKED : (enum permit_status)s;
    out->uses = db_col_int64(st, 9);
  }
  db_done(st);
  if (rc <= 0) return rc == 0 ? -SW_ENOTFOUND : rc;
  if (!out->type || !out->number || !out->issuer || !out->holder) return -SW_ENOMEM;
  if ((rc = db_prepare(db, q_lines, &st)) < 0) return rc;
  db_bind_int64(st, 1, out->id);
  while ((rc = db_step(st)) == 1 && out->n_lines < PERMIT_MAX_LINES) {
    struct permit_line *l = &out->lines[out->n_lines++];
    l->hs_prefix = dup_col(a, st, 0);
    l->description = dup_col(a, st, 1);
    l->unit = dup_col(a, st, 2);
    l->has_quantity = !db_col_is_null(st, 3);
    l->quantity = db_col_int64(st, 3);
    l->has_value = !db_col_is_null(st, 4);
    l->value = db_col_int64(st, 4);
    l->used_quantity = db_col_int64(st, 5);
    l->used_value = db_col_int64(st, 6);
  }
  db_done(st);
  return rc < 0 ? rc : 0;
}

static int write_lines(struct db *db, int64_t permit_id, const struct permit *p) {
  static const char *const del = "DELETE FROM permit_lines WHERE permit_id = ?1";
  static const char *const ins =
      "INSERT INTO permit_lines (permit_id, line_no, hs_prefix, description, unit, quantity,"
      " value) VALUES (?1,?2,?3,?4,?5,?6,?7)";
  struct db_stmt *st;
  int rc = db_prepare(db, del, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  if ((rc = step_done(st)) < 0) return rc;
  for (size_t i = 0; i < p->n_lines; i++) {
    const struct permit_line *l = &p->lines[i];
    if ((rc = db_prepare(db, ins, &st)) < 0) return rc;
    db_bind_int64(st, 1, permit_id);
    db_bind_int64(st, 2, (int64_t)i);
    db_bind_text(st, 3, l->hs_prefix);
    db_bind_text(st, 4, l->description);
    db_bind_text(st, 5, l->unit);
    if (l->has_quantity) db_bind_int64(st, 6, l->quantity);
    if (l->has_value) db_bind_int64(st, 7, l->value);
    if ((rc = step_done(st)) < 0) return rc;
  }
  return 0;
}

static int add_version(struct db *db, int64_t permit_id, int64_t version, const char *body,
                       const char *actor) {
  static const char *const sql = "INSERT INTO permit_versions (permit_id, version, body,"
                                 " changed_at, changed_by) VALUES (?1,?2,?3,?4,?5)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  db_bind_int64(st, 2, version);
  db_bind_text(st, 3, body);
  db_bind_int64(st, 4, store_now_us());
  db_bind_text(st, 5, actor);
  return step_done(st);
}

static void object_name(const char *type, const char *number, char *out, size_t len) {
  snprintf(out, len, "%s/%s", type, number);
}

int permit_create(struct db *db, struct permit *p, int64_t holder_id, const char *body,
                  const char *actor, const char *origin) {
  static const char *const ins =
      "INSERT INTO permits (type, number, issuer, holder_id, valid_from, valid_to, max_uses,"
      " status, version, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,'valid',1,?8,?8)"
      " RETURNING id";
  struct db_stmt *st;
  char obj[160];
  int rc = db_prepare(db, ins, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, p->type);
  db_bind_text(st, 2, p->number);
  db_bind_text(st, 3, p->issuer);
  db_bind_int64(st, 4, holder_id);
  db_bind_int64(st, 5, p->valid_from);
  db_bind_int64(st, 6, p->valid_to);
  db_bind_int64(st, 7, p->max_uses);
  db_bind_int64(st, 8, store_now_us());
  if ((rc = db_step(st)) == 1) p->id = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if ((rc = write_lines(db, p->id, p)) < 0 || (rc = add_version(db, p->id, 1, body, actor)) < 0)
    return rc;
  object_name(p->type, p->number, obj, sizeof obj);
  return audit_append(db, actor, origin, "permit.create", obj, body);
}

int permit_amend(struct db *db, int64_t permit_id, const struct permit *p, int64_t holder_id,
                 const char *body, const char *actor, const char *origin) {
  static const char *const q_max =
      "SELECT COALESCE(MAX(line_no), -1) FROM permit_drawings WHERE permit_id = ?1";
  static const char *const upd =
      "UPDATE permits SET holder_id = ?2, valid_from = ?3, valid_to = ?4, max_uses = ?5,"
      " version = version + 1, updated_at = ?6 WHERE id = ?1 RETURNING version";
  struct db_stmt *st;
  int64_t max_line = -1, version = 0;
  char obj[160];
  int rc = db_prepare(db, q_max, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  if ((rc = db_step(st)) == 1) max_line = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if ((int64_t)p->n_lines <= max_line) return -SW_ESTATE;
  if ((rc = db_prepare(db, upd, &st)) < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  db_bind_int64(st, 2, holder_id);
  db_bind_int64(st, 3, p->valid_from);
  db_bind_int64(st, 4, p->valid_to);
  db_bind_int64(st, 5, p->max_uses);
  db_bind_int64(st, 6, store_now_us());
  if ((rc = db_step(st)) == 1) version = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if ((rc = write_lines(db, permit_id, p)) < 0 ||
      (rc = add_version(db, permit_id, version, body, actor)) < 0)
    return rc;
  object_name(p->type, p->number, obj, sizeof obj);
  return audit_append(db, actor, origin, "permit.amend", obj, body);
}

static int write_off_permit(struct db *db, int64_t permit_id) {
  static const char *const sql = "UPDATE permit_drawings SET state = 'written_off',"
                                 " updated_at = ?2 WHERE permit_id = ?1 AND state = 'deducted'";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  db_bind_int64(st, 2, store_now_us());
  return step_done(st);
}

int permit_set_status(struct db *db, int64_t permit_id, enum permit_status s,
                      const char *actor, const char *origin) {
  static const char *const upd =
      "UPDATE permits SET status = ?2, updated_at = ?3 WHERE id = ?1 RETURNING type, number";
  struct db_stmt *st;
  char obj[160] = "", detail[64];
  int rc = db_prepare(db, upd, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  db_bind_text(st, 2, permit_status_name(s));
  db_bind_int64(st, 3, store_now_us());
  if ((rc = db_step(st)) == 1) object_name(db_col_text(st, 0), db_col_text(st, 1), obj, sizeof obj);
  db_done(st);
  if (rc <= 0) return rc == 0 ? -SW_ENOTFOUND : rc;
  if (s == PERMIT_CLOSED && (rc = write_off_permit(db, permit_id)) < 0) return rc;
  snprintf(detail, sizeof detail, "{\"status\":\"%s\"}", permit_status_name(s));
  return audit_append(db, actor, origin, "permit.status", obj, detail);
}

int permit_lock(struct db *db, const char *type, const char *number) {
  static const char *const sql =
      "UPDATE permits SET status = status WHERE type = ?1 AND number = ?2";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, type);
  db_bind_text(st, 2, number);
  return step_done(st);
}

int permit_draw(struct db *db, int64_t permit_id, size_t line, int64_t decl_id,
                int64_t item_seq, int64_t quantity, int64_t value) {
  static const char *const sql =
      "INSERT INTO permit_drawings (permit_id, line_no, decl_id, item_seq, quantity, value,"
      " state, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,'pre_deducted',?7,?7)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  db_bind_int64(st, 2, (int64_t)line);
  db_bind_int64(st, 3, decl_id);
  db_bind_int64(st, 4, item_seq);
  db_bind_int64(st, 5, quantity);
  db_bind_int64(st, 6, value);
  db_bind_int64(st, 7, store_now_us());
  return step_done(st);
}

int drawings_settle(struct db *db, int64_t decl_id, enum drawing_state to) {
  static const char *const upd =
      "UPDATE permit_drawings SET state = ?2, updated_at = ?3 WHERE decl_id = ?1"
      " AND state = 'pre_deducted'";
  static const char *const q_permits =
      "SELECT DISTINCT p.type, p.number FROM permit_drawings d JOIN permits p"
      " ON p.id = d.permit_id WHERE d.decl_id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, upd, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  db_bind_text(st, 2, drawing_state_name(to));
  db_bind_int64(st, 3, store_now_us());
  if ((rc = step_done(st)) < 0) return rc;
  int changed = (int)db_changes(db);
  if (to != DRAW_DEDUCTED || !changed) return changed;
  /* a permit with nothing left to draw is written off: its use is closed */
  char keys[16][2][80];
  int n = 0;
  if ((rc = db_prepare(db, q_permits, &st)) < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  while ((rc = db_step(st)) == 1 && n < 16) {
    COPY(keys[n][0], db_col_text(st, 0));
    COPY(keys[n][1], db_col_text(st, 1));
    n++;
  }
  db_done(st);
  if (rc < 0) return rc;
  int64_t today = time_days_us(store_now_us());
  for (int i = 0; i < n; i++) {
    struct arena a;
    struct permit *p = malloc(sizeof *p);
    arena_init(&a, 0);
    rc = p ? permit_load(db, keys[i][0], keys[i][1], &a, p) : -SW_ENOMEM;
    if (rc == 0 && permit_effective_status(p, today) == PERMIT_EXHAUSTED)
      rc = write_off_permit(db, p->id);
    arena_release(&a);
    free(p);
    if (rc < 0) return rc;
  }
  return changed;
}

int decl_document_add(struct db *db, int64_t decl_id, int64_t item_seq, const char *type,
                      const char *number, int64_t permit_id, const char *agency,
                      const char *result, const char *detail) {
  static const char *const sql =
      "INSERT INTO decl_documents (decl_id, item_seq, type, number, permit_id, agency, result,"
      " detail) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT DO NOTHING";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  db_bind_int64(st, 2, item_seq);
  db_bind_text(st, 3, type);
  db_bind_text(st, 4, number);
  if (permit_id) db_bind_int64(st, 5, permit_id);
  db_bind_text(st, 6, agency);
  db_bind_text(st, 7, result);
  db_bind_text(st, 8, detail);
  return step_done(st);
}

json_t *decl_documents_json(struct db *db, int64_t decl_id, const char *agency) {
  static const char *const sql =
      "SELECT item_seq, type, number, agency, result, detail FROM decl_documents"
      " WHERE decl_id = ?1 AND (?2 IS NULL OR agency = ?2) ORDER BY item_seq, type, number";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_int64(st, 1, decl_id);
  db_bind_text(st, 2, agency);
  while (db_step(st) == 1) {
    json_t *detail = json_loads(db_col_text(st, 5), 0, NULL);
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "item",
                                         (json_int_t)db_col_int64(st, 0), "type",
                                         db_col_text(st, 1), "number", db_col_text(st, 2),
                                         "agency", db_col_text(st, 3), "result",
                                         db_col_text(st, 4), "detail",
                                         detail ? detail : json_object()));
  }
  db_done(st);
  return arr;
}

int permit_visible(struct db *db, int64_t permit_id, const struct caller *c) {
  static const char *const sql =
      "SELECT 1 FROM permits p WHERE p.id = ?1 AND (?4 = 1 OR p.holder_id = ?2"
      " OR p.issuer = ?3 OR EXISTS (SELECT 1 FROM permit_drawings d JOIN tasks t"
      "  ON t.decl_id = d.decl_id WHERE d.permit_id = p.id AND t.agency = ?3)"
      " OR EXISTS (SELECT 1 FROM decl_documents dd JOIN tasks t ON t.decl_id = dd.decl_id"
      "  WHERE dd.permit_id = p.id AND t.agency = ?3))";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, permit_id);
  db_bind_int64(st, 2, c->party_id ? c->party_id : -1);
  db_bind_text(st, 3, c->agency_id ? c->agency : "\x01");
  db_bind_int64(st, 4, c->role == ROLE_ADMIN ? 1 : 0);
  rc = db_step(st);
  db_done(st);
  return rc;
}

static json_t *amount_json(int64_t v, int scale) {
  char buf[40];
  if (dec_format(v, scale, scale == DEC_SCALE_QTY ? DEC_FMT_TRIM : 0, buf, sizeof buf) < 0)
    return json_null();
  return json_string(buf);
}

json_t *permit_ledger_json(struct db *db, int64_t permit_id) {
  static const char *const sql =
      "SELECT d.line_no, d.decl_id, dl.number, d.item_seq, d.quantity, d.value, d.state,"
      " d.created_at, d.updated_at FROM permit_drawings d JOIN declarations dl"
      " ON dl.id = d.decl_id WHERE d.permit_id = ?1 ORDER BY d.id";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_int64(st, 1, permit_id);
  while (db_step(st) == 1) {
    char at[40], upd[40];
    time_format_us(db_col_int64(st, 7), at, sizeof at);
    time_format_us(db_col_int64(st, 8), upd, sizeof upd);
    json_array_append_new(
        arr, json_pack("{s:I, s:I, s:s, s:I, s:o, s:o, s:s, s:s, s:s}", "line",
                       (json_int_t)db_col_int64(st, 0), "declaration",
                       (json_int_t)db_col_int64(st, 1), "number", db_col_text(st, 2), "item",
                       (json_int_t)db_col_int64(st, 3), "quantity",
                       amount_json(db_col_int64(st, 4), 3), "value",
                       amount_json(db_col_int64(st, 5), 2), "state", db_col_text(st, 6), "at",
                       at, "updated_at", upd));
  }
  db_done(st);
  return arr;
}

int permit_id_of(struct db *db, const char *type, const char *number, int64_t *id,
                 char issuer[40]) {
  static const char *const sql = "SELECT id, issuer FROM permits WHERE type = ?1 AND number = ?2";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, type);
  db_bind_text(st, 2, number);
  if ((rc = db_step(st)) == 1) {
    *id = db_col_int64(st, 0);
    snprintf(issuer, 40, "%s", db_col_text(st, 1));
  }
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

int permit_list_keys(struct db *db, const struct caller *c, char (*keys)[2][80], int max) {
  static const char *const sql =
      "SELECT type, number FROM permits WHERE (holder_id = ?1 OR issuer = ?2 OR ?3 = 1)"
      " ORDER BY id DESC LIMIT ?4";
  struct db_stmt *st;
  int n = 0, rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, c->party_id ? c->party_id : -1);
  db_bind_text(st, 2, c->agency_id ? c->agency : "\x01");
  db_bind_int64(st, 3, c->role == ROLE_ADMIN ? 1 : 0);
  db_bind_int64(st, 4, max);
  while ((rc = db_step(st)) == 1 && n < max) {
    COPY(keys[n][0], db_col_text(st, 0));
    COPY(keys[n][1], db_col_text(st, 1));
    n++;
  }
  db_done(st);
  return rc < 0 ? rc : n;
}

json_t *permit_versions_json(struct db *db, int64_t permit_id) {
  static const char *const sql = "SELECT version, body, changed_at, changed_by FROM"
                                 " permit_versions WHERE permit_id = ?1 ORDER BY version DESC";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_int64(st, 1, permit_id);
  while (db_step(st) == 1) {
    char at[40];
    json_t *body = json_loads(db_col_text(st, 1), 0, NULL);
    time_format_us(db_col_int64(st, 2), at, sizeof at);
    json_array_append_new(arr, json_pack("{s:I, s:o, s:s, s:s}", "version",
                                         (json_int_t)db_col_int64(st, 0), "permit",
                                         body ? body : json_null(), "changed_at", at,
                                         "changed_by", db_col_text(st, 3)));
  }
  db_done(st);
  return arr;
}

int req_rule_put(struct db *db, const char *rule_id, int enabled, const char *body, int create,
                 const char *actor, const char *origin, int64_t *version) {
  static const char *const q = "SELECT version FROM requirement_rules WHERE rule_id = ?1";
  static const char *const up =
      "INSERT INTO requirement_rules (rule_id, version, enabled, body, updated_at, updated_by)"
      " VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT (rule_id) DO UPDATE SET version ="
      " excluded.version, enabled = excluded.enabled, body = excluded.body,"
      " updated_at = excluded.updated_at, updated_by = excluded.updated_by";
  struct db_stmt *st;
  int64_t cur = 0;
  int rc = db_prepare(db, q, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, rule_id);
  if ((rc = db_step(st)) == 1) cur = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if (create && rc == 1) return -SW_EEXISTS;
  if (!create && rc == 0) return -SW_ENOTFOUND;
  *version = cur + 1;
  json_t *j = json_loads(body, 0, NULL);
  if (!j) return -SW_EINVAL;
  json_object_set_new(j, "version", json_integer(*version));
  json_object_set_new(j, "enabled", json_boolean(enabled));
  char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  if (!text) return -SW_ENOMEM;
  if ((rc = db_prepare(db, up, &st)) == 0) {
    db_bind_text(st, 1, rule_id);
    db_bind_int64(st, 2, *version);
    db_bind_int64(st, 3, enabled);
    db_bind_text(st, 4, text);
    db_bind_int64(st, 5, store_now_us());
    db_bind_text(st, 6, actor);
    rc = step_done(st);
  }
  int64_t ruleset;
  if (rc == 0) rc = counter_next(db, "ruleset", &ruleset);
  if (rc == 0)
    rc = audit_append(db, actor, origin, create ? "requirement.create" : "requirement.update",
                      rule_id, text);
  free(text);
  return rc;
}

json_t *req_rules_json(struct db *db) {
  static const char *const sql = "SELECT body FROM requirement_rules ORDER BY rule_id";
  return json_rows_all(db, sql, NULL);
}

json_t *req_rule_json(struct db *db, const char *rule_id) {
  static const char *const sql = "SELECT body FROM requirement_rules WHERE rule_id = ?1";
  return json_rows_one(db, sql, rule_id);
}
