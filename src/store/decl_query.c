/* decl_query.c - read side of the declaration engine: visibility, details, lists, inbox,
 * event feed. Every list is bounded and cursor-paged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timefmt.h"
#include "store/decl_store.h"
#include "store/duty_store.h"
#include "store/permit_store.h"
#include "codec/jtext.h"

static json_t *time_json(int64_t us) {
  char buf[40];
  time_format_us(us, buf, sizeof buf);
  return json_string(buf);
}

/* Parses stored JSON text; a corrupt row yields null rather than a crash. */
static json_t *stored_json(const char *text) {
  json_t *j = json_loads(text, 0, NULL);
  return j ? j : json_null();
}

int decl_visible(struct db *db, int64_t decl_id, const struct caller *c) {
  static const char *const by_party =
      "SELECT 1 FROM declarations WHERE id = ?1 AND (declarant_id = ?2 OR principal_id = ?2)";
  static const char *const by_agency = "SELECT 1 FROM tasks WHERE decl_id = ?1 AND agency = ?2";
  static const char *const exists = "SELECT 1 FROM declarations WHERE id = ?1";
  struct db_stmt *st;
  int rc;
  if (c->role == ROLE_ADMIN) rc = db_prepare(db, exists, &st);
  else if (c->party_id) rc = db_prepare(db, by_party, &st);
  else if (c->agency_id) rc = db_prepare(db, by_agency, &st);
  else return 0;
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  if (c->role != ROLE_ADMIN) {
    if (c->party_id) db_bind_int64(st, 2, c->party_id);
    else db_bind_text(st, 2, c->agency);
  }
  rc = db_step(st);
  db_done(st);
  return rc;
}

static json_t *task_row_json(struct db_stmt *st, int first_col) {
  int c = first_col;
  json_t *rules = stored_json(db_col_text(st, c + 4));
  json_t *first = json_array_get(rules, 0);
  json_t *t = json_pack("{s:I, s:s, s:s, s:s, s:O, s:o, s:b, s:o}", "id",
                        (json_int_t)db_col_int64(st, c), "agency", db_col_text(st, c + 1),
                        "state", db_col_text(st, c + 2), "reason", db_col_text(st, c + 3),
                        "rule", first ? json_object_get(first, "id") : json_null(), "rules",
                        rules, "automated", (int)db_col_int64(st, c + 5), "since",
                        time_json(db_col_int64(st, c + 6)));
  if (!db_col_is_null(st, c + 7))
    json_object_set_new(t, "reason_code", json_string(db_col_text(st, c + 7)));
  if (!db_col_is_null(st, c + 8)) json_object_set_new(t, "note", json_string(db_col_text(st, c + 8)));
  if (!db_col_is_null(st, c + 9))
    json_object_set_new(t, "inspection_at", json_string(db_col_text(st, c + 9)));
  if (!db_col_is_null(st, c + 10))
    json_object_set_new(t, "decided_by", json_string(db_col_text(st, c + 10)));
  return t;
}

#define TASK_COLS                                                                          \
  "t.id, t.agency, t.state, t.reason, t.rules, t.automated, t.since, t.reason_code, t.note,"\
  " t.inspection_at, t.decided_by"

/* The declaration as a document. With raw set, "content" and "assessment" are left out of
 * the document and their stored texts are returned in raw->content / raw->assessment
 * (malloc'd; assessment NULL when there is none) to be written out verbatim. */
struct decl_raw {
  char *content, *assessment;
};

static json_t *decl_build(struct db *db, int64_t decl_id, struct decl_raw *raw) {
  static const char *const q_decl =
      "SELECT d.id, d.number, d.type, d.status, d.reference, d.office, d.content, d.ruleset,"
      " d.clearance, d.created_at, d.updated_at, dp.national_id, pp.national_id"
      " FROM declarations d JOIN parties dp ON dp.id = d.declarant_id"
      " JOIN parties pp ON pp.id = d.principal_id WHERE d.id = ?1";
  static const char *const q_tasks =
      "SELECT " TASK_COLS " FROM tasks t WHERE t.decl_id = ?1 ORDER BY t.id";
  struct db_stmt *st;
  json_t *d = NULL;
  if (db_prepare(db, q_decl, &st) < 0) return NULL;
  db_bind_int64(st, 1, decl_id);
  if (db_step(st) == 1) {
    d = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:o, s:s, s:s}", "id",
                  (json_int_t)db_col_int64(st, 0), "number", db_col_text(st, 1), "type",
                  db_col_text(st, 2), "status", db_col_text(st, 3), "reference",
                  db_col_text(st, 4), "office", db_col_text(st, 5), "content",
                  raw ? json_null() : stored_json(db_col_text(st, 6)), "ruleset",
                  (json_int_t)db_col_int64(st, 7),
                  "created_at", time_json(db_col_int64(st, 9)), "updated_at",
                  time_json(db_col_int64(st, 10)), "declarant", db_col_text(st, 11),
                  "principal", db_col_text(st, 12));
    if (d && !db_col_is_null(st, 8))
      json_object_set_new(d, "clearance", json_string(db_col_text(st, 8)));
    if (d && raw) {
      json_object_del(d, "content");
      if (!(raw->content = strdup(db_col_text(st, 6)))) {
        json_decref(d);
        d = NULL;
      }
    }
  }
  db_done(st);
  if (!d) return NULL;
  json_t *tasks = json_array(), *pending = json_array();
  if (db_prepare(db, q_tasks, &st) == 0) {
    db_bind_int64(st, 1, decl_id);
    while (db_step(st) == 1) {
      json_t *t = task_row_json(st, 0);
      const char *state = json_string_value(json_object_get(t, "state"));
      if (state && task_state_open((enum task_state)task_state_parse(state)))
        json_array_append_new(pending, json_pack("{s:O, s:O, s:O}", "agency",
                                                 json_object_get(t, "agency"), "state",
                                                 json_object_get(t, "state"), "since",
                                                 json_object_get(t, "since")));
      json_array_append_new(tasks, t);
    }
    db_done(st);
  }
  /* each agency's task shows the documents it is concerned with: permits it issued,
     verified online, and documents it must check by hand */
  size_t i;
  json_t *t;
  json_array_foreach(tasks, i, t) {
    json_t *docs = decl_documents_json(db, decl_id, json_string_value(json_object_get(t, "agency")));
    if (json_array_size(docs)) json_object_set_new(t, "documents", docs);
    else json_decref(docs);
  }
  json_object_set_new(d, "tasks", tasks);
  json_object_set_new(d, "pending", pending);
  if (raw) {
    raw->assessment = assessment_text(db, decl_id);
  } else {
    json_t *as = assessment_json(db, decl_id);
    if (as) json_object_set_new(d, "assessment", as);
  }
  json_t *bill = bill_of_decl_json(db, decl_id);
  if (bill) json_object_set_new(d, "bill", bill);
  return d;
}

json_t *decl_get_json(struct db *db, int64_t decl_id) { return decl_build(db, decl_id, NULL); }

/* Appends ,"key":value before the closing brace of the object text at buf[0..*len),
 * within cap bytes; 0, or -1 when it does not fit. */
static int splice_member(char *buf, size_t cap, size_t *len, const char *key,
                         const char *value) {
  size_t n = *len - 1; /* drop the '}' */
  int empty = n == 1;  /* "{}" */
  int w = snprintf(buf + n, cap - n, "%s\"%s\":%s}", empty ? "" : ",", key,
                   *value ? value : "null");
  if (w < 0 || (size_t)w >= cap - n) return -1;
  *len = n + (size_t)w;
  return 0;
}

char *decl_get_text(struct db *db, int64_t decl_id, size_t *len) {
  struct decl_raw raw = {0};
  json_t *d = decl_build(db, decl_id, &raw);
  char *head = d ? jt_dumps(d, true) : NULL;
  char *out = NULL;
  json_decref(d);
  if (head) {
    size_t n = strlen(head);
    size_t cap = n + strlen(raw.content) + (raw.assessment ? strlen(raw.assessment) : 0) + 64;
    if ((out = malloc(cap))) {
      memcpy(out, head, n + 1);
      if (splice_member(out, cap, &n, "content", raw.content) < 0 ||
          (raw.assessment && splice_member(out, cap, &n, "assessment", raw.assessment) < 0)) {
        free(out);
        out = NULL;
      } else {
        *len = n;
      }
    }
  }
  free(head);
  free(raw.content);
  free(raw.assessment);
  return out;
}

static json_t *event_row_json(struct db_stmt *st) {
  json_t *e = json_pack("{s:I, s:o, s:I, s:s, s:s, s:s, s:b, s:o}", "seq",
                        (json_int_t)db_col_int64(st, 0), "at", time_json(db_col_int64(st, 1)),
                        "declaration", (json_int_t)db_col_int64(st, 2), "kind",
                        db_col_text(st, 3), "status", db_col_text(st, 4), "actor",
                        db_col_text(st, 7), "automated", (int)db_col_int64(st, 8), "detail",
                        stored_json(db_col_text(st, 9)));
  if (!db_col_is_null(st, 5)) json_object_set_new(e, "agency", json_string(db_col_text(st, 5)));
  if (!db_col_is_null(st, 6)) json_object_set_new(e, "task", json_integer(db_col_int64(st, 6)));
  if (!db_col_is_null(st, 10)) json_object_set_new(e, "number", json_string(db_col_text(st, 10)));
  return e;
}

#define EVENT_COLS                                                                         \
  "e.seq, e.at, e.decl_id, e.kind, e.status, e.agency, e.task_id, e.actor, e.automated,"  \
  " e.detail, d.number"

json_t *decl_events_json(struct db *db, int64_t decl_id) {
  static const char *const sql = "SELECT " EVENT_COLS " FROM events e JOIN declarations d"
                                 " ON d.id = e.decl_id WHERE e.decl_id = ?1 ORDER BY e.seq";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_int64(st, 1, decl_id);
  while (db_step(st) == 1) json_array_append_new(arr, event_row_json(st));
  db_done(st);
  return arr;
}

json_t *decl_list_json(struct db *db, const struct caller *c, const struct decl_filter *f) {
  static const char *const sql =
      "SELECT d.id, d.number, d.type, d.status, d.reference, d.office, d.created_at,"
      " d.updated_at FROM declarations d"
      " WHERE (d.declarant_id = ?1 OR d.principal_id = ?1 OR ?9 = 1)"
      " AND (?2 IS NULL OR d.status = ?2) AND (?3 IS NULL OR d.type = ?3)"
      " AND (?4 = 0 OR d.created_at >= ?4) AND (?5 = 0 OR d.created_at < ?5)"
      " AND (?6 = 0 OR d.id < ?6)"
      " AND (?7 IS NULL OR EXISTS (SELECT 1 FROM decl_items i WHERE i.decl_id = d.id"
      "  AND i.hs >= ?7 AND i.hs < ?7 || '~'))"
      " ORDER BY d.id DESC LIMIT ?8";
  struct db_stmt *st;
  json_t *items = json_array();
  int64_t last = 0;
  int n = 0;
  if (db_prepare(db, sql, &st) < 0) return NULL;
  db_bind_int64(st, 1, c->party_id);
  db_bind_text(st, 2, f->status);
  db_bind_text(st, 3, f->type);
  db_bind_int64(st, 4, f->from_us);
  db_bind_int64(st, 5, f->to_us);
  db_bind_int64(st, 6, f->after);
  db_bind_text(st, 7, f->hs);
  db_bind_int64(st, 8, f->limit);
  db_bind_int64(st, 9, c->role == ROLE_ADMIN ? 1 : 0);
  while (db_step(st) == 1) {
    last = db_col_int64(st, 0);
    n++;
    json_array_append_new(
        items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)last,
                         "number", db_col_text(st, 1), "type", db_col_text(st, 2), "status",
                         db_col_text(st, 3), "reference", db_col_text(st, 4), "office",
                         db_col_text(st, 5), "created_at", time_json(db_col_int64(st, 6)),
                         "updated_at", time_json(db_col_int64(st, 7))));
  }
  db_done(st);
  json_t *page = json_pack("{s:o}", "items", items);
  if (n == f->limit) {
    char cur[24];
    snprintf(cur, sizeof cur, "%lld", (long long)last);
    json_object_set_new(page, "next", json_string(cur));
  }
  return page;
}

json_t *task_inbox_json(struct db *db, const char *agency, const struct task_filter *f) {
  static const char *const sql =
      "SELECT " TASK_COLS ", d.id, d.number, d.type, d.status, d.reference, d.created_at"
      " FROM tasks t JOIN declarations d ON d.id = t.decl_id WHERE t.agency = ?1"
      " AND (?2 IS NULL OR t.state = ?2) AND (?3 IS NULL OR d.type = ?3) AND t.id > ?4"
      " ORDER BY t.id LIMIT ?5";
  struct db_stmt *st;
  json_t *items = json_array();
  int64_t last = 0;
  int n = 0;
  if (db_prepare(db, sql, &st) < 0) return NULL;
  db_bind_text(st, 1, agency);
  db_bind_text(st, 2, f->state);
  db_bind_text(st, 3, f->type);
  db_bind_int64(st, 4, f->after);
  db_bind_int64(st, 5, f->limit);
  while (db_step(st) == 1) {
    json_t *t = task_row_json(st, 0);
    last = db_col_int64(st, 0);
    n++;
    json_object_set_new(
        t, "declaration",
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)db_col_int64(st, 11),
                  "number", db_col_text(st, 12), "type", db_col_text(st, 13), "status",
                  db_col_text(st, 14), "reference", db_col_text(st, 15), "created_at",
                  time_json(db_col_int64(st, 16))));
    json_array_append_new(items, t);
  }
  db_done(st);
  json_t *page = json_pack("{s:o}", "items", items);
  if (n == f->limit) {
    char cur[24];
    snprintf(cur, sizeof cur, "%lld", (long long)last);
    json_object_set_new(page, "next", json_string(cur));
  }
  return page;
}

json_t *events_feed_json(struct db *db, const struct caller *c, int64_t after, int limit,
                         int64_t *last_seq) {
  static const char *const sql =
      "SELECT " EVENT_COLS " FROM events e JOIN declarations d ON d.id = e.decl_id"
      " WHERE e.seq > ?1 AND (?4 = 1"
      "  OR (?2 <> 0 AND (d.declarant_id = ?2 OR d.principal_id = ?2))"
      "  OR (?3 <> '' AND EXISTS (SELECT 1 FROM tasks t WHERE t.decl_id = e.decl_id"
      "      AND t.agency = ?3)))"
      " ORDER BY e.seq LIMIT ?5";
  struct db_stmt *st;
  json_t *items = json_array();
  *last_seq = after;
  if (db_prepare(db, sql, &st) < 0) return items;
  db_bind_int64(st, 1, after);
  db_bind_int64(st, 2, c->party_id);
  db_bind_text(st, 3, c->agency_id ? c->agency : "");
  db_bind_int64(st, 4, c->role == ROLE_ADMIN ? 1 : 0);
  db_bind_int64(st, 5, limit);
  while (db_step(st) == 1) {
    *last_seq = db_col_int64(st, 0);
    json_array_append_new(items, event_row_json(st));
  }
  db_done(st);
  return items;
}
