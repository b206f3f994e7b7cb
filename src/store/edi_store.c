/* edi_store.c - the UN/EDIFACT channel's rows (see edi_store.h). */
#include "store/edi_store.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

int edi_arrival_record(struct db *db, struct edi_arrival *a) {
  static const char *const sql =
      "INSERT INTO decl_channels (decl_id, channel, sender, sender_qual, interchange_ref,"
      " message_ref, message, received_at) VALUES (?1, 'edifact', ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT (decl_id) DO NOTHING";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  a->received_at = store_now_us();
  db_bind_int64(st, 1, a->decl_id);
  db_bind_text(st, 2, a->sender);
  db_bind_text(st, 3, a->sender_qual);
  db_bind_text(st, 4, a->interchange_ref);
  db_bind_text(st, 5, a->message_ref);
  db_bind_text(st, 6, a->message);
  db_bind_int64(st, 7, a->received_at);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int edi_arrival_get(struct db *db, int64_t decl_id, struct edi_arrival *out) {
  static const char *const sql =
      "SELECT sender, sender_qual, interchange_ref, message_ref, message, received_at"
      " FROM decl_channels WHERE decl_id = ?1 AND channel = 'edifact'";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  memset(out, 0, sizeof *out);
  if ((rc = db_step(st)) == 1) {
    out->decl_id = decl_id;
    snprintf(out->sender, sizeof out->sender, "%s", db_col_text(st, 0));
    snprintf(out->sender_qual, sizeof out->sender_qual, "%s", db_col_text(st, 1));
    snprintf(out->interchange_ref, sizeof out->interchange_ref, "%s", db_col_text(st, 2));
    snprintf(out->message_ref, sizeof out->message_ref, "%s", db_col_text(st, 3));
    snprintf(out->message, sizeof out->message, "%s", db_col_text(st, 4));
    out->received_at = db_col_int64(st, 5);
  }
  db_done(st);
  return rc;
}

/* A string member of a stored event detail, copied into a (NULL when absent or empty). */
static const char *detail_str(json_t *detail, const char *key, struct arena *a, int *nomem) {
  const char *v = json_string_value(json_object_get(detail, key));
  if (!v || !*v) return NULL;
  char *s = arena_strdup(a, v);
  if (!s) *nomem = 1;
  return s;
}

int edi_cusres_collect(struct db *db, int64_t decl_id, struct arena *a, struct edi_cusres *out,
                       size_t max) {
  static const char *const q_decl =
      "SELECT number, reference, office FROM declarations WHERE id = ?1";
  static const char *const q_events =
      "SELECT at, kind, status, agency, detail FROM events WHERE decl_id = ?1 ORDER BY seq";
  struct db_stmt *st;
  const char *number = NULL, *reference = NULL, *office = NULL;
  struct edi_cusres_reason *reasons = NULL;
  size_t n = 0, nreasons = 0;
  int nomem = 0;
  int rc = db_prepare(db, q_decl, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  if ((rc = db_step(st)) == 1) {
    number = arena_strdup(a, db_col_text(st, 0));
    reference = arena_strdup(a, db_col_text(st, 1));
    office = arena_strdup(a, db_col_text(st, 2));
    nomem = !number || !reference || !office;
  }
  db_done(st);
  if (rc < 0) return rc;
  if (rc == 0) return -SW_ENOTFOUND;
  if (nomem) return -SW_ENOMEM;
  if ((rc = db_prepare(db, q_events, &st)) < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  while (!nomem && n < max && (rc = db_step(st)) == 1) {
    int64_t at = db_col_int64(st, 0) / 1000000;
    const char *kind = db_col_text(st, 1), *status = db_col_text(st, 2);
    struct edi_cusres *m = &out[n];
    memset(m, 0, sizeof *m);
    m->reference = reference;
    m->number = number;
    m->office = office;
    m->at = at;
    if (!strcmp(kind, "registered")) {
      m->kind = EDI_CUSRES_REGISTERED;
      n++;
      continue;
    }
    if (strcmp(kind, "decision") && strcmp(kind, "status")) continue;
    json_t *detail = json_loads(db_col_text(st, 4), 0, NULL);
    if (!strcmp(kind, "decision")) {
      const char *decision = json_string_value(json_object_get(detail, "decision"));
      if (decision && !strcmp(decision, "reject") && nreasons < EDI_CUSRES_MAX_REASONS) {
        if (!reasons && !(reasons = arena_alloc(a, EDI_CUSRES_MAX_REASONS * sizeof *reasons))) {
          nomem = 1;
        } else {
          struct edi_cusres_reason *why = &reasons[nreasons++];
          const char *agency = db_col_text(st, 3);
          why->agency = *agency ? arena_strdup(a, agency) : NULL;
          why->code = detail_str(detail, "reason_code", a, &nomem);
          why->text = detail_str(detail, "note", a, &nomem);
          if (*agency && !why->agency) nomem = 1;
        }
      }
    } else if (!strcmp(status, "released") || !strcmp(status, "cleared")) {
      m->kind = EDI_CUSRES_RELEASED;
      n++;
    } else if (!strcmp(status, "awaiting_payment")) {
      m->kind = EDI_CUSRES_AWAITING_PAYMENT;
      n++;
    } else if (!strcmp(status, "refused")) {
      m->kind = EDI_CUSRES_REFUSED;
      m->reasons = reasons;
      m->n_reasons = nreasons;
      n++;
    } else if (!strcmp(status, "cancelled")) {
      struct edi_cusres_reason *why = arena_alloc(a, sizeof *why);
      m->kind = EDI_CUSRES_CANCELLED;
      if (!why) {
        nomem = 1;
      } else {
        memset(why, 0, sizeof *why);
        why->text = detail_str(detail, "reason", a, &nomem);
        m->reasons = why;
        m->n_reasons = why->text ? 1 : 0;
      }
      n++;
    }
    json_decref(detail);
  }
  db_done(st);
  if (nomem) return -SW_ENOMEM;
  if (rc < 0) return rc;
  return (int)n;
}
