/* h_public.c - what anyone may ask without signing in: the status of a declaration,
 * given its official number and the declarant's own reference (both must match). The
 * answer is the status only - never the contents, the parties or the officers' notes -
 * and an unknown number and a wrong reference get the same 404, so the lookup does not
 * tell whether a number exists. */
#include <string.h>

#include "core/lifecycle.h"
#include "core/timefmt.h"
#include "http/app.h"
#include "http/handlers.h"
#include "store/db.h"

#define NUMBER_LEN 18
#define REFERENCE_MAX 35

/* Status and open agencies of the declaration with this number and reference; NULL when
 * none matches (or the store cannot be read: the caller answers 404 either way). */
static json_t *public_status_json(struct db *db, const char *number, const char *reference) {
  static const char *const q_decl =
      "SELECT id, number, type, status, updated_at FROM declarations"
      " WHERE number = ?1 AND reference = ?2";
  static const char *const q_tasks =
      "SELECT agency, state FROM tasks WHERE decl_id = ?1 ORDER BY agency";
  struct db_stmt *st;
  json_t *doc = NULL;
  int64_t id = 0;
  if (!db || db_prepare(db, q_decl, &st) < 0) return NULL;
  db_bind_text(st, 1, number);
  db_bind_text(st, 2, reference);
  if (db_step(st) == 1) {
    char at[40];
    id = db_col_int64(st, 0);
    time_format_us(db_col_int64(st, 4), at, sizeof at);
    doc = json_pack("{s:s, s:s, s:s, s:s}", "number", db_col_text(st, 1), "type",
                    db_col_text(st, 2), "status", db_col_text(st, 3), "updated_at", at);
  }
  db_done(st);
  if (!doc) return NULL;
  json_t *pending = json_array();
  if (db_prepare(db, q_tasks, &st) == 0) {
    db_bind_int64(st, 1, id);
    while (db_step(st) == 1) {
      int state = task_state_parse(db_col_text(st, 1));
      if (state >= 0 && task_state_open((enum task_state)state))
        json_array_append_new(pending, json_string(db_col_text(st, 0)));
    }
    db_done(st);
  }
  json_object_set_new(doc, "pending", pending);
  return doc;
}

/* GET /v1/public/declaration-status?number=&reference= */
void h_public_decl_status(struct http_req *r) {
  const char *number = req_query(r, "number"), *reference = req_query(r, "reference");
  struct errlist *errs = arena_alloc(&r->arena, sizeof *errs);
  if (!errs) {
    reply_error(r, 503, "", "unavailable", "out of memory");
    return;
  }
  errlist_init(errs);
  if (!number || strlen(number) != NUMBER_LEN ||
      strspn(number, "0123456789") != NUMBER_LEN)
    errlist_add(errs, "?number", "bad_parameter", "number must be the 18-digit official number");
  if (!reference || !*reference || strlen(reference) > REFERENCE_MAX)
    errlist_add(errs, "?reference", "bad_parameter",
                "reference must be the declarant's reference (1 to 35 characters)");
  if (errlist_any(errs)) {
    reply_problem(r, 400, "bad_parameter", "Bad request", "give both number and reference",
                  errs);
    return;
  }
  json_t *doc = public_status_json(store_reader(r->app->store), number, reference);
  if (!doc) {
    reply_error(r, 404, "", "not_found",
                "no declaration has this number and reference; check both");
    return;
  }
  reply_json(r, 200, doc);
}
