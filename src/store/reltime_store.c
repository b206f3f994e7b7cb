/* reltime_store.c - what the release-time analysis reads (milestones of released
 * declarations from the event log and the linked logistics events), and historical
 * declarations inserted with their milestones at past times (see logistics_store.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timefmt.h"
#include "store/decl_store.h"
#include "store/logistics_store.h"
#include "store/counters.h"

#define TRY(x)                                                                             \
  do {                                                                                     \
    if ((rc = (x)) < 0) goto out;                                                          \
  } while (0)

#define RT_MAX_AG 8
#define RT_KEY_LEN 64

static const char *const DIMS[] = {"none", "type", "office", "mode", "channel", "agencies",
                                   "agency", "trusted", "month", "day"};

int rt_dim_parse(const char *name) {
  for (size_t i = 0; i < sizeof DIMS / sizeof DIMS[0]; i++)
    if (name && !strcmp(name, DIMS[i])) return (int)i;
  return -1;
}

struct rt_decl {
  int64_t id;
  char type[4], office[8], mode[4];
  int trusted;
  struct rt_milestones m;
  int n_ag;
  char ag[RT_MAX_AG][16];
  int64_t ag_at[RT_MAX_AG];
  int ag_auto[RT_MAX_AG];
};

static struct rt_decl *find_decl(struct rt_decl *v, size_t n, int64_t id) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && v[lo].id == id ? &v[lo] : NULL;
}

static const char *mode_name(const char *code) {
  static const char *const names[] = {"unknown", "sea", "rail", "road", "air", "post",
                                      "multimodal", "fixed", "inland_water"};
  if (code[0] >= '1' && code[0] <= '8' && !code[1]) return names[code[0] - '0'];
  return code[0] ? "other" : "unknown";
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

static void group_key(const struct rt_decl *d, enum rt_dim by, int agency, char *out) {
  char day[16];
  switch (by) {
  case RT_BY_TYPE: snprintf(out, RT_KEY_LEN, "%s", d->type); break;
  case RT_BY_OFFICE: snprintf(out, RT_KEY_LEN, "%s", d->office); break;
  case RT_BY_MODE: snprintf(out, RT_KEY_LEN, "%s", mode_name(d->mode)); break;
  case RT_BY_CHANNEL: {
    int all_auto = d->n_ag > 0;
    for (int i = 0; i < d->n_ag; i++) all_auto &= d->ag_auto[i];
    snprintf(out, RT_KEY_LEN, "%s", all_auto ? "automated" : "manual");
    break;
  }
  case RT_BY_AGENCIES: {
    char sorted[RT_MAX_AG][16];
    size_t len = 0;
    memcpy(sorted, d->ag, sizeof sorted);
    qsort(sorted, (size_t)d->n_ag, sizeof sorted[0], cmp_str);
    out[0] = 0;
    for (int i = 0; i < d->n_ag; i++) {
      int w = snprintf(out + len, RT_KEY_LEN - len, "%s%s", i ? "+" : "", sorted[i]);
      if (w < 0 || (size_t)w >= RT_KEY_LEN - len) break;
      len += (size_t)w;
    }
    if (!d->n_ag) snprintf(out, RT_KEY_LEN, "none");
    break;
  }
  case RT_BY_AGENCY: snprintf(out, RT_KEY_LEN, "%s", d->ag[agency]); break;
  case RT_BY_TRUSTED: snprintf(out, RT_KEY_LEN, "%s", d->trusted ? "trusted" : "other"); break;
  case RT_BY_MONTH:
  case RT_BY_DAY:
    time_format_date(time_days_us(d->m.released), day, sizeof day);
    snprintf(out, RT_KEY_LEN, "%.*s", by == RT_BY_MONTH ? 7 : 10, day);
    break;
  default: snprintf(out, RT_KEY_LEN, "all"); break;
  }
}

int rt_records_load(struct db *db, const struct rt_filter *f, enum rt_dim by,
                    struct rt_record **recs_out, size_t *n_out, char **keys_out) {
  static const char *const q_decl =
      "SELECT d.id, d.type, d.office, COALESCE(f.mode, ''), p.trusted FROM declarations d"
      " JOIN parties p ON p.id = d.principal_id LEFT JOIN decl_facts f ON f.decl_id = d.id"
      " WHERE d.status = 'released' AND (?1 IS NULL OR d.type = ?1)"
      " AND (?2 IS NULL OR d.office = ?2) AND (?3 IS NULL OR f.mode = ?3) ORDER BY d.id";
  static const char *const q_ev =
      "SELECT e.decl_id, e.kind, e.status, e.agency, e.at, e.automated FROM events e"
      " JOIN declarations d ON d.id = e.decl_id WHERE d.status = 'released'"
      " AND e.kind IN ('registered', 'decision', 'payment', 'status') ORDER BY e.seq";
  static const char *const q_lg =
      "SELECT l.decl_id, le.kind, le.at FROM logistics_links l JOIN logistics_events le"
      " ON le.id = l.event_id JOIN declarations d ON d.id = l.decl_id"
      " WHERE d.status = 'released' AND le.kind IN ('arrival', 'gate_out')";
  struct rt_decl *v = NULL;
  struct rt_record *recs = NULL;
  char *keys = NULL;
  size_t n = 0, cap = 0, nrec = 0;
  struct db_stmt *st;
  int rc;
  *recs_out = NULL;
  *n_out = 0;
  *keys_out = NULL;
  TRY(db_prepare(db, q_decl, &st));
  db_bind_text(st, 1, f->type);
  db_bind_text(st, 2, f->office);
  db_bind_text(st, 3, f->mode);
  while ((rc = db_step(st)) == 1) {
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 256;
      struct rt_decl *nv = realloc(v, nc * sizeof *nv);
      if (!nv) {
        rc = -SW_ENOMEM;
        break;
      }
      v = nv;
      cap = nc;
    }
    struct rt_decl *d = &v[n++];
    memset(d, 0, sizeof *d);
    d->id = db_col_int64(st, 0);
    snprintf(d->type, sizeof d->type, "%s", db_col_text(st, 1));
    snprintf(d->office, sizeof d->office, "%s", db_col_text(st, 2));
    snprintf(d->mode, sizeof d->mode, "%s", db_col_text(st, 3));
    d->trusted = (int)db_col_int64(st, 4);
  }
  db_done(st);
  if (rc < 0) goto out;
  TRY(db_prepare(db, q_ev, &st));
  while ((rc = db_step(st)) == 1) {
    struct rt_decl *d = find_decl(v, n, db_col_int64(st, 0));
    if (!d) continue;
    const char *kind = db_col_text(st, 1);
    int64_t at = db_col_int64(st, 4);
    if (!strcmp(kind, "registered")) d->m.lodged = at;
    else if (!strcmp(kind, "payment")) d->m.paid = at;
    else if (!strcmp(kind, "status")) {
      if (!strcmp(db_col_text(st, 2), "released") && !d->m.released) d->m.released = at;
    } else if (!strcmp(kind, "decision")) {
      const char *ag = db_col_text(st, 3);
      int k = 0;
      while (k < d->n_ag && strcmp(d->ag[k], ag)) k++;
      if (k == d->n_ag) {
        if (k == RT_MAX_AG) continue;
        d->n_ag++;
        snprintf(d->ag[k], sizeof d->ag[k], "%s", ag);
      }
      d->ag_at[k] = at; /* the last decision of the agency counts */
      d->ag_auto[k] = (int)db_col_int64(st, 5);
    }
  }
  db_done(st);
  if (rc < 0) goto out;
  TRY(db_prepare(db, q_lg, &st));
  while ((rc = db_step(st)) == 1) {
    struct rt_decl *d = find_decl(v, n, db_col_int64(st, 0));
    if (!d) continue;
    int64_t at = db_col_int64(st, 2);
    int64_t *slot = !strcmp(db_col_text(st, 1), "arrival") ? &d->m.arrival : &d->m.gate_out;
    if (!*slot || at < *slot) *slot = at; /* the first arrival, the first gate-out */
  }
  db_done(st);
  if (rc < 0) goto out;
  size_t max_rec = n * (by == RT_BY_AGENCY ? RT_MAX_AG : 1);
  recs = calloc(max_rec ? max_rec : 1, sizeof *recs);
  keys = malloc((max_rec ? max_rec : 1) * RT_KEY_LEN);
  if (!recs || !keys) {
    rc = -SW_ENOMEM;
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    struct rt_decl *d = &v[i];
    for (int k = 0; k < d->n_ag; k++)
      if (d->ag_at[k] > d->m.decided) d->m.decided = d->ag_at[k];
    if (!d->m.released || !d->m.lodged) continue;
    if (f->from_us && d->m.released < f->from_us) continue;
    if (f->to_us && d->m.released >= f->to_us) continue;
    int64_t iv[RT_N_STAGES];
    unsigned present = rt_intervals(&d->m, iv);
    int reps = by == RT_BY_AGENCY ? d->n_ag : 1;
    for (int k = 0; k < reps; k++) {
      struct rt_record *r = &recs[nrec];
      char *key = keys + nrec * RT_KEY_LEN;
      group_key(d, by, k, key);
      r->group = key;
      memcpy(r->v, iv, sizeof iv);
      r->present = present;
      if (by == RT_BY_AGENCY) r->v[RT_LODGEMENT_DECISION] = d->ag_at[k] - d->m.lodged;
      nrec++;
    }
  }
  *recs_out = recs;
  *keys_out = keys;
  *n_out = nrec;
  recs = NULL;
  keys = NULL;
  rc = 0;
out:
  free(v);
  free(recs);
  free(keys);
  return rc;
}

/* History: see logistics_store.h. */

static int step_done(struct db_stmt *st) {
  int rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

/* A logistics event of the port party, keyed by the declaration number, linked to it. */
static int hist_logistics(struct db *db, const struct hist_decl *h, int64_t decl_id,
                          const char *number, const char *kind, int64_t at,
                          const char *actor) {
  static const char *const ins =
      "INSERT INTO logistics_events (party_id, kind, key_kind, key_value, port, at,"
      " received_at, actor) VALUES (?1,?2,'declaration',?3,?4,?5,?5,?6) RETURNING id";
  static const char *const link = "INSERT INTO logistics_links (event_id, decl_id, linked_at)"
                                  " VALUES (?1,?2,?3)";
  struct db_stmt *st;
  int64_t id = 0;
  char detail[160];
  int rc = db_prepare(db, ins, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, h->port_party_id);
  db_bind_text(st, 2, kind);
  db_bind_text(st, 3, number);
  db_bind_text(st, 4, h->office);
  db_bind_int64(st, 5, at);
  db_bind_text(st, 6, actor);
  if ((rc = db_step(st)) == 1) id = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if ((rc = db_prepare(db, link, &st)) < 0) return rc;
  db_bind_int64(st, 1, id);
  db_bind_int64(st, 2, decl_id);
  db_bind_int64(st, 3, at);
  if ((rc = step_done(st)) < 0) return rc;
  snprintf(detail, sizeof detail,
           "{\"event\":\"%s\",\"key\":{\"kind\":\"declaration\",\"value\":\"%s\"},"
           "\"port\":\"%s\",\"history\":true}",
           kind, number, h->office);
  int64_t released = h->released;
  return decl_event_add(db, decl_id, at, "logistics",
                    at >= released ? DS_RELEASED : DS_UNDER_REVIEW, NULL, 0, actor, 0, detail);
}

int history_add(struct db *db, const struct hist_decl *h, const char *actor) {
  static const char *const ins_decl =
      "INSERT INTO declarations (number, type, status, reference, declarant_id, principal_id,"
      " office, content, content_hash, ruleset, created_at, updated_at, created_by)"
      " VALUES (?1,?2,'released',?3,?4,?4,?5,?6,'',0,?7,?8,?9) RETURNING id";
  static const char *const ins_facts =
      "INSERT INTO decl_facts (decl_id, mode, port, history) VALUES (?1,?2,?3,1)";
  static const char *const ins_key = "INSERT INTO logistics_keys (key_kind, key_value,"
                                     " decl_id) VALUES ('declaration',?1,?2)";
  static const char *const ins_task =
      "INSERT INTO tasks (decl_id, agency, state, reason, rules, automated, since, created_at)"
      " VALUES (?1,?2,'approved','imported history','[]',?3,?4,?5) RETURNING id";
  char code[8], cname[48], number[48], content[256], detail[160];
  int64_t serial = 0, id = 0;
  struct db_stmt *st;
  int rc;
  if (!h->lodged || !h->released || h->released < h->lodged) return -SW_EINVAL;
  TRY(office_code(db, h->office, code));
  int year = time_year_us(h->lodged);
  char flag = (!strcmp(h->type, "IM") || !strcmp(h->type, "VA")) ? '1' : '0';
  snprintf(cname, sizeof cname, "hist:%s:%d:%c", code, year, flag);
  TRY(counter_next(db, cname, &serial));
  if (serial > 99999999) return -SW_ETOOBIG;
  /* serials from 900000000 up: apart from those the live counter hands out */
  snprintf(number, sizeof number, "%s%04d%c%09" PRId64, code, year, flag, 900000000 + serial);
  snprintf(content, sizeof content,
           "{\"type\":\"%s\",\"reference\":\"%s\",\"office\":\"%s\",\"history\":true}",
           h->type, h->reference, h->office);
  TRY(db_prepare(db, ins_decl, &st));
  db_bind_text(st, 1, number);
  db_bind_text(st, 2, h->type);
  db_bind_text(st, 3, h->reference);
  db_bind_int64(st, 4, h->principal_id);
  db_bind_text(st, 5, h->office);
  db_bind_text(st, 6, content);
  db_bind_int64(st, 7, h->lodged);
  db_bind_int64(st, 8, h->released);
  db_bind_text(st, 9, actor);
  if ((rc = db_step(st)) == 1) id = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) goto out;
  TRY(db_prepare(db, ins_facts, &st));
  db_bind_int64(st, 1, id);
  db_bind_text(st, 2, h->mode);
  db_bind_text(st, 3, h->office);
  TRY(step_done(st));
  TRY(db_prepare(db, ins_key, &st));
  db_bind_text(st, 1, number);
  db_bind_int64(st, 2, id);
  TRY(step_done(st));
  snprintf(detail, sizeof detail, "{\"number\":\"%s\",\"history\":true}", number);
  TRY(decl_event_add(db, id, h->lodged, "registered", DS_REGISTERED, NULL, 0, actor, 0, detail));
  for (int i = 0; i < h->n_agencies && i < 6; i++) {
    const struct hist_agency *a = &h->agencies[i];
    int64_t task = 0;
    TRY(db_prepare(db, ins_task, &st));
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, a->code);
    db_bind_int64(st, 3, a->automated);
    db_bind_int64(st, 4, a->at);
    db_bind_int64(st, 5, h->lodged);
    if ((rc = db_step(st)) == 1) task = db_col_int64(st, 0);
    db_done(st);
    if (rc < 0) goto out;
    TRY(decl_event_add(db, id, h->lodged, "task_created", DS_UNDER_REVIEW, a->code, task, actor, 0,
                   "{\"reason\":\"imported history\",\"rules\":[]}"));
    TRY(decl_event_add(db, id, a->at, "decision", DS_UNDER_REVIEW, a->code, task,
                   a->automated ? "system" : actor, a->automated,
                   "{\"decision\":\"approve\",\"state\":\"approved\"}"));
  }
  if (h->paid)
    TRY(decl_event_add(db, id, h->paid, "payment", DS_UNDER_REVIEW, NULL, 0, actor, 1,
                   "{\"bill\":\"paid\"}"));
  TRY(decl_event_add(db, id, h->released, "status", DS_RELEASED, NULL, 0, actor, 1, "{}"));
  if (h->port_party_id && h->arrival)
    TRY(hist_logistics(db, h, id, number, "arrival", h->arrival, actor));
  if (h->port_party_id && h->gate_out)
    TRY(hist_logistics(db, h, id, number, "gate_out", h->gate_out, actor));
  rc = 0;
out:
  return rc;
}

int history_party_trust(struct db *db, int64_t party_id, int trusted) {
  static const char *const sql = "UPDATE parties SET trusted = ?2 WHERE id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, party_id);
  db_bind_int64(st, 2, trusted);
  return step_done(st);
}

int history_exists(struct db *db) {
  static const char *const sql = "SELECT 1 FROM decl_facts WHERE history = 1 LIMIT 1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  rc = db_step(st);
  db_done(st);
  return rc;
}
