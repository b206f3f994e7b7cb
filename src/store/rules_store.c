#include "store/rules_store.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/timefmt.h"
#include "store/audit.h"
#include "store/json_rows.h"
#include "store/store.h"
#include "store/counters.h"

int rules_ruleset_version(struct db *db, int64_t *out) {
  return counter_value(db, "ruleset", out);
}

/* Stores the body with its version and enabled flag set, as the API shows it. */
static char *versioned_body(const char *body, int64_t version, int enabled) {
  json_t *j = json_loads(body, 0, NULL);
  if (!j) return NULL;
  json_object_set_new(j, "version", json_integer(version));
  json_object_set_new(j, "enabled", json_boolean(enabled));
  char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  return text;
}

int rules_put(struct db *db, struct rule_put *p) {
  static const char *const q_cur = "SELECT version FROM routing_rules WHERE rule_id = ?1";
  static const char *const upsert =
      "INSERT INTO routing_rules (rule_id, version, agency, enabled, body, updated_at,"
      " updated_by) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT (rule_id) DO UPDATE SET"
      " version = excluded.version, agency = excluded.agency, enabled = excluded.enabled,"
      " body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
  static const char *const hist =
      "INSERT INTO routing_rule_history (rule_id, version, ruleset, body, changed_at,"
      " changed_by) VALUES (?1,?2,?3,?4,?5,?6)";
  struct db_stmt *st;
  int64_t now = store_now_us(), cur = 0;
  char *body = NULL;
  int rc = db_prepare(db, q_cur, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, p->rule_id);
  if ((rc = db_step(st)) == 1) cur = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if (p->create && rc == 1) return -SW_EEXISTS;
  if (!p->create && rc == 0) return -SW_ENOTFOUND;
  p->version = cur + 1;
  if (!(body = versioned_body(p->body, p->version, p->enabled))) return -SW_EINVAL;
  if ((rc = counter_next(db, "ruleset", &p->ruleset)) < 0) goto out;
  if ((rc = db_prepare(db, upsert, &st)) < 0) goto out;
  db_bind_text(st, 1, p->rule_id);
  db_bind_int64(st, 2, p->version);
  db_bind_text(st, 3, p->agency);
  db_bind_int64(st, 4, p->enabled);
  db_bind_text(st, 5, body);
  db_bind_int64(st, 6, now);
  db_bind_text(st, 7, p->actor);
  rc = db_step(st);
  db_done(st);
  if (rc < 0 || (rc = db_prepare(db, hist, &st)) < 0) goto out;
  db_bind_text(st, 1, p->rule_id);
  db_bind_int64(st, 2, p->version);
  db_bind_int64(st, 3, p->ruleset);
  db_bind_text(st, 4, body);
  db_bind_int64(st, 5, now);
  db_bind_text(st, 6, p->actor);
  rc = db_step(st);
  db_done(st);
  if (rc < 0) goto out;
  rc = audit_append(db, p->actor, p->origin, p->create ? "rule.create" : "rule.update",
                    p->rule_id, body);
out:
  free(body);
  return rc < 0 ? rc : 0;
}

json_t *rules_list_json(struct db *db) {
  static const char *const sql = "SELECT body FROM routing_rules ORDER BY rule_id";
  return json_rows_all(db, sql, NULL);
}

json_t *rules_get_json(struct db *db, const char *rule_id) {
  static const char *const sql = "SELECT body FROM routing_rules WHERE rule_id = ?1";
  return json_rows_one(db, sql, rule_id);
}

json_t *rules_history_json(struct db *db, const char *rule_id) {
  static const char *const sql =
      "SELECT version, ruleset, body, changed_at, changed_by FROM routing_rule_history"
      " WHERE rule_id = ?1 ORDER BY version DESC";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_text(st, 1, rule_id);
  while (db_step(st) == 1) {
    char at[40];
    time_format_us(db_col_int64(st, 3), at, sizeof at);
    json_t *body = json_loads(db_col_text(st, 2), 0, NULL);
    json_array_append_new(arr, json_pack("{s:I, s:I, s:o, s:s, s:s}", "version",
                                         (json_int_t)db_col_int64(st, 0), "ruleset",
                                         (json_int_t)db_col_int64(st, 1), "rule",
                                         body ? body : json_null(), "changed_at", at,
                                         "changed_by", db_col_text(st, 4)));
  }
  db_done(st);
  return arr;
}
