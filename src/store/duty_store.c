/* duty_store.c - persistence of duties, bills, payments and guarantees. */
#include "store/duty_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/timefmt.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/counters.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define BILL_DAYS 15

static int step_done(struct db_stmt *st) {
  int rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

static json_t *money(int64_t v) {
  char buf[40];
  if (dec_format(v, DEC_SCALE_MONEY, 0, buf, sizeof buf) < 0) return json_null();
  return json_string(buf);
}

static json_t *rate_pct(int64_t ppm) {
  char buf[40]; /* ppm / 10000 = percent with 4 decimals */
  if (dec_format(ppm, 4, DEC_FMT_TRIM, buf, sizeof buf) < 0) return json_null();
  return json_string(buf);
}

static json_t *day_json(int64_t day) {
  char buf[16];
  time_format_date(day, buf, sizeof buf);
  return json_string(buf);
}

static json_t *time_json(int64_t us) {
  char buf[40];
  time_format_us(us, buf, sizeof buf);
  return json_string(buf);
}

/* ---- tariff ---- */

int tariff_load(struct db *db, struct arena *a, const char *national, struct tariff *out) {
  static const char *const q_count =
      "SELECT (SELECT COUNT(*) FROM tariff_lines), (SELECT COUNT(*) FROM tariff_prefs),"
      " (SELECT COUNT(*) FROM exchange_rates)";
  static const char *const q_lines =
      "SELECT code, effective_from, mfn_ppm, specific, specific_unit, vat_ppm, excise_ppm,"
      " export_ppm FROM tariff_lines";
  static const char *const q_prefs =
      "SELECT code, agreement, origins, effective_from, rate_ppm FROM tariff_prefs";
  static const char *const q_rates = "SELECT currency, effective_from, rate_micro FROM exchange_rates";
  struct db_stmt *st;
  int64_t nl = 0, np = 0, nr = 0;
  int rc = db_prepare(db, q_count, &st);
  if (rc < 0) return rc;
  memset(out, 0, sizeof *out);
  COPY(out->national, national);
  if ((rc = db_step(st)) == 1) {
    nl = db_col_int64(st, 0);
    np = db_col_int64(st, 1);
    nr = db_col_int64(st, 2);
  }
  db_done(st);
  out->lines = arena_alloc(a, (size_t)(nl + 1) * sizeof *out->lines);
  out->prefs = arena_alloc(a, (size_t)(np + 1) * sizeof *out->prefs);
  out->rates = arena_alloc(a, (size_t)(nr + 1) * sizeof *out->rates);
  if (!out->lines || !out->prefs || !out->rates) return -SW_ENOMEM;
  if ((rc = db_prepare(db, q_lines, &st)) < 0) return rc;
  while ((rc = db_step(st)) == 1 && (int64_t)out->n_lines < nl) {
    struct tariff_line *l = &out->lines[out->n_lines++];
    COPY(l->code, db_col_text(st, 0));
    l->effective_from = db_col_int64(st, 1);
    l->mfn_ppm = db_col_int64(st, 2);
    l->specific = db_col_int64(st, 3);
    COPY(l->specific_unit, db_col_text(st, 4));
    l->vat_ppm = db_col_int64(st, 5);
    l->excise_ppm = db_col_int64(st, 6);
    l->export_ppm = db_col_int64(st, 7);
  }
  db_done(st);
  if (rc < 0 || (rc = db_prepare(db, q_prefs, &st)) < 0) return rc;
  while ((rc = db_step(st)) == 1 && (int64_t)out->n_prefs < np) {
    struct tariff_pref *p = &out->prefs[out->n_prefs++];
    COPY(p->code, db_col_text(st, 0));
    COPY(p->agreement, db_col_text(st, 1));
    COPY(p->origins, db_col_text(st, 2));
    p->effective_from = db_col_int64(st, 3);
    p->rate_ppm = db_col_int64(st, 4);
  }
  db_done(st);
  if (rc < 0 || (rc = db_prepare(db, q_rates, &st)) < 0) return rc;
  while ((rc = db_step(st)) == 1 && (int64_t)out->n_rates < nr) {
    struct fx_rate *r = &out->rates[out->n_rates++];
    COPY(r->currency, db_col_text(st, 0));
    r->effective_from = db_col_int64(st, 1);
    r->rate_micro = db_col_int64(st, 2);
  }
  db_done(st);
  if (rc < 0) return rc;
  tariff_sort(out);
  return 0;
}

int tariff_bump(struct db *db) {
  int64_t version;
  return counter_next(db, "ruleset", &version);
}

int tariff_put_line(struct db *db, const struct tariff_line *l, const char *description) {
  static const char *const sql =
      "INSERT INTO tariff_lines (code, effective_from, description, mfn_ppm, specific,"
      " specific_unit, vat_ppm, excise_ppm, export_ppm) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
      " ON CONFLICT (code, effective_from) DO UPDATE SET description = excluded.description,"
      " mfn_ppm = excluded.mfn_ppm, specific = excluded.specific,"
      " specific_unit = excluded.specific_unit, vat_ppm = excluded.vat_ppm,"
      " excise_ppm = excluded.excise_ppm, export_ppm = excluded.export_ppm";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, l->code);
  db_bind_int64(st, 2, l->effective_from);
  db_bind_text(st, 3, description ? description : "");
  db_bind_int64(st, 4, l->mfn_ppm);
  db_bind_int64(st, 5, l->specific);
  db_bind_text(st, 6, l->specific_unit);
  db_bind_int64(st, 7, l->vat_ppm);
  db_bind_int64(st, 8, l->excise_ppm);
  db_bind_int64(st, 9, l->export_ppm);
  return step_done(st);
}

int tariff_put_pref(struct db *db, const struct tariff_pref *p) {
  static const char *const sql =
      "INSERT INTO tariff_prefs (code, agreement, origins, effective_from, rate_ppm)"
      " VALUES (?1,?2,?3,?4,?5) ON CONFLICT (code, agreement, effective_from) DO UPDATE SET"
      " origins = excluded.origins, rate_ppm = excluded.rate_ppm";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, p->code);
  db_bind_text(st, 2, p->agreement);
  db_bind_text(st, 3, p->origins);
  db_bind_int64(st, 4, p->effective_from);
  db_bind_int64(st, 5, p->rate_ppm);
  return step_done(st);
}

int fx_rate_put(struct db *db, const char *currency, int64_t from, int64_t rate_micro,
                const char *actor) {
  static const char *const sql =
      "INSERT INTO exchange_rates (currency, effective_from, rate_micro, set_by)"
      " VALUES (?1,?2,?3,?4) ON CONFLICT (currency, effective_from) DO UPDATE SET"
      " rate_micro = excluded.rate_micro, set_by = excluded.set_by";
  struct db_stmt *st;
  char detail[96];
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, currency);
  db_bind_int64(st, 2, from);
  db_bind_int64(st, 3, rate_micro);
  db_bind_text(st, 4, actor);
  if ((rc = step_done(st)) < 0 || (rc = tariff_bump(db)) < 0) return rc;
  snprintf(detail, sizeof detail, "{\"from\":%lld,\"rate_micro\":%lld}", (long long)from,
           (long long)rate_micro);
  return audit_append(db, actor, "api", "rate.set", currency, detail);
}

json_t *tariff_lines_json(struct db *db, const char *hs) {
  static const char *const sql =
      "SELECT code, effective_from, description, mfn_ppm, specific, specific_unit, vat_ppm,"
      " excise_ppm, export_ppm FROM tariff_lines WHERE ?1 LIKE code || '%'"
      " ORDER BY length(code) DESC, effective_from DESC";
  static const char *const prefs =
      "SELECT code, agreement, origins, effective_from, rate_ppm FROM tariff_prefs"
      " WHERE ?1 LIKE code || '%' ORDER BY agreement, effective_from DESC";
  struct db_stmt *st;
  json_t *lines = json_array(), *pr = json_array();
  if (db_prepare(db, sql, &st) == 0) {
    db_bind_text(st, 1, hs);
    while (db_step(st) == 1) {
      json_t *l = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "code", db_col_text(st, 0),
                            "effective_from", day_json(db_col_int64(st, 1)), "description",
                            db_col_text(st, 2), "mfn", rate_pct(db_col_int64(st, 3)), "vat",
                            rate_pct(db_col_int64(st, 6)), "excise",
                            rate_pct(db_col_int64(st, 7)), "export",
                            rate_pct(db_col_int64(st, 8)));
      if (db_col_int64(st, 4)) {
        json_object_set_new(l, "specific", money(db_col_int64(st, 4)));
        json_object_set_new(l, "specific_unit", json_string(db_col_text(st, 5)));
      }
      json_array_append_new(lines, l);
    }
    db_done(st);
  }
  if (db_prepare(db, prefs, &st) == 0) {
    db_bind_text(st, 1, hs);
    while (db_step(st) == 1)
      json_array_append_new(pr, json_pack("{s:s, s:s, s:s, s:o, s:o}", "code",
                                          db_col_text(st, 0), "agreement", db_col_text(st, 1),
                                          "origins", db_col_text(st, 2), "effective_from",
                                          day_json(db_col_int64(st, 3)), "rate",
                                          rate_pct(db_col_int64(st, 4))));
    db_done(st);
  }
  return json_pack("{s:s, s:o, s:o}", "hs", hs, "lines", lines, "preferences", pr);
}

json_t *fx_rates_json(struct db *db) {
  static const char *const sql = "SELECT currency, effective_from, rate_micro, set_by"
                                 " FROM exchange_rates ORDER BY currency, effective_from DESC";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  while (db_step(st) == 1) {
    char rate[40];
    dec_format(db_col_int64(st, 2), 6, DEC_FMT_TRIM, rate, sizeof rate);
    json_array_append_new(arr, json_pack("{s:s, s:o, s:s, s:s}", "currency", db_col_text(st, 0),
                                         "effective_from", day_json(db_col_int64(st, 1)),
                                         "rate", rate, "set_by", db_col_text(st, 3)));
  }
  db_done(st);
  return arr;
}

/* ---- ledger, bills, gate ---- */

static int ledger_add(struct db *db, int64_t now, const char *kind, int64_t bill_id,
                      int64_t guarantee_id, int64_t amount, const char *detail) {
  static const char *const sql = "INSERT INTO ledger (at, day, kind, bill_id, guarantee_id,"
                                 " amount, detail) VALUES (?1,?2,?3,?4,?5,?6,?7)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, now);
  db_bind_int64(st, 2, time_days_us(now));
  db_bind_text(st, 3, kind);
  if (bill_id) db_bind_int64(st, 4, bill_id);
  if (guarantee_id) db_bind_int64(st, 5, guarantee_id);
  db_bind_int64(st, 6, amount);
  db_bind_text(st, 7, detail ? detail : "{}");
  return step_done(st);
}

int assessment_store(struct db *db, int64_t decl_id, int64_t party_id, const char *number,
                     const struct assessment *as, const char *body, int64_t now) {
  static const char *const ins = "INSERT INTO assessments (decl_id, currency, total, body)"
                                 " VALUES (?1,?2,?3,?4)";
  static const char *const bill =
      "INSERT INTO bills (number, decl_id, party_id, currency, amount, due_day, status,"
      " created_at, created_day) VALUES (?1,?2,?3,?4,?5,?6,'unpaid',?7,?8) RETURNING id";
  struct db_stmt *st;
  char bill_no[48];
  int64_t bill_id = 0;
  int rc = db_prepare(db, ins, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  db_bind_text(st, 2, as->currency);
  db_bind_int64(st, 3, as->total);
  db_bind_text(st, 4, body);
  if ((rc = step_done(st)) < 0 || as->total <= 0) return rc;
  snprintf(bill_no, sizeof bill_no, "B%s", number);
  if ((rc = db_prepare(db, bill, &st)) < 0) return rc;
  db_bind_text(st, 1, bill_no);
  db_bind_int64(st, 2, decl_id);
  db_bind_int64(st, 3, party_id);
  db_bind_text(st, 4, as->currency);
  db_bind_int64(st, 5, as->total);
  db_bind_int64(st, 6, time_days_us(now) + BILL_DAYS);
  db_bind_int64(st, 7, now);
  db_bind_int64(st, 8, time_days_us(now));
  if ((rc = db_step(st)) == 1) bill_id = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  return ledger_add(db, now, "charge", bill_id, 0, as->total, "{}");
}

int payment_gate(struct db *db, int64_t decl_id, int64_t now) {
  static const char *const q_bill =
      "SELECT id, party_id, amount, status FROM bills WHERE decl_id = ?1";
  static const char *const q_guar =
      "SELECT id FROM guarantees WHERE party_id = ?1 AND balance >= ?2 AND valid_from <= ?3"
      " AND valid_to >= ?3 ORDER BY valid_to, id LIMIT 1";
  static const char *const take =
      "UPDATE guarantees SET balance = balance - ?2 WHERE id = ?1 AND balance >= ?2";
  static const char *const secure =
      "UPDATE bills SET status = 'secured', guarantee_id = ?2 WHERE id = ?1";
  struct db_stmt *st;
  int64_t bill = 0, party = 0, amount = 0, guarantee = 0;
  char status[16] = "";
  int rc = db_prepare(db, q_bill, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  if ((rc = db_step(st)) == 1) {
    bill = db_col_int64(st, 0);
    party = db_col_int64(st, 1);
    amount = db_col_int64(st, 2);
    COPY(status, db_col_text(st, 3));
  }
  db_done(st);
  if (rc < 0) return rc;
  if (!bill || amount <= 0 || strcmp(status, "unpaid") != 0) return 1;
  if ((rc = db_prepare(db, q_guar, &st)) < 0) return rc;
  db_bind_int64(st, 1, party);
  db_bind_int64(st, 2, amount);
  db_bind_int64(st, 3, time_days_us(now));
  if ((rc = db_step(st)) == 1) guarantee = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if (!guarantee) return 0;
  if ((rc = db_prepare(db, take, &st)) < 0) return rc;
  db_bind_int64(st, 1, guarantee);
  db_bind_int64(st, 2, amount);
  if ((rc = step_done(st)) < 0) return rc;
  if (db_changes(db) != 1) return 0; /* never negative: the balance check is in the UPDATE */
  if ((rc = db_prepare(db, secure, &st)) < 0) return rc;
  db_bind_int64(st, 1, bill);
  db_bind_int64(st, 2, guarantee);
  if ((rc = step_done(st)) < 0) return rc;
  if ((rc = ledger_add(db, now, "secured", bill, guarantee, amount, "{}")) < 0) return rc;
  return 2;
}

int bill_cancel(struct db *db, int64_t decl_id, int64_t now) {
  static const char *const sql = "UPDATE bills SET status = 'cancelled' WHERE decl_id = ?1"
                                 " AND status = 'unpaid' RETURNING id, amount";
  struct db_stmt *st;
  int64_t id = 0, amount = 0;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, decl_id);
  if ((rc = db_step(st)) == 1) {
    id = db_col_int64(st, 0);
    amount = db_col_int64(st, 1);
  }
  db_done(st);
  if (rc <= 0) return rc;
  return ledger_add(db, now, "cancelled", id, 0, -amount, "{}");
}

/* ---- payments ---- */

static int record_payment(struct db *db, struct payment_conf *pc, const char *status,
                          const char *reason, int64_t now) {
  static const char *const sql =
      "INSERT INTO payments (bank_id, txn, bill_number, amount, currency, status, reason,"
      " body_hash, at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, pc->bank_id);
  db_bind_text(st, 2, pc->txn);
  db_bind_text(st, 3, pc->bill);
  db_bind_int64(st, 4, pc->amount);
  db_bind_text(st, 5, pc->currency);
  db_bind_text(st, 6, status);
  db_bind_text(st, 7, reason);
  db_bind_text(st, 8, pc->body_hash);
  db_bind_int64(st, 9, now);
  COPY(pc->status, status);
  COPY(pc->reason, reason);
  return step_done(st);
}

int payment_confirm(struct db *db, struct payment_conf *pc) {
  static const char *const q_seen = "SELECT status, reason, body_hash FROM payments"
                                    " WHERE bank_id = ?1 AND txn = ?2";
  static const char *const q_bill =
      "SELECT b.id, b.decl_id, b.amount, b.currency, b.status, COALESCE(b.guarantee_id, 0)"
      " FROM bills b JOIN payment_agreements a ON a.party_id = b.party_id AND a.bank_id = ?2"
      " WHERE b.number = ?1";
  /* conditional: of two nodes confirming one bill at once, the second finds it paid */
  static const char *const pay = "UPDATE bills SET status = 'paid', paid_at = ?2, paid_day = ?3"
                                 " WHERE id = ?1 AND status NOT IN ('paid', 'cancelled')";
  static const char *const restore = "UPDATE guarantees SET balance = balance + ?2 WHERE id = ?1";
  struct db_stmt *st;
  int64_t now = store_now_us(), bill = 0, amount = 0, guarantee = 0;
  char currency[8] = "", status[16] = "", detail[160];
  int rc = db_prepare(db, q_seen, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, pc->bank_id);
  db_bind_text(st, 2, pc->txn);
  if ((rc = db_step(st)) == 1) {
    int same = strcmp(db_col_text(st, 2), pc->body_hash) == 0;
    COPY(pc->status, db_col_text(st, 0));
    COPY(pc->reason, db_col_text(st, 1));
    db_done(st);
    if (!same) return -SW_ECONFLICT;
    pc->replay = 1;
    return 0;
  }
  db_done(st);
  if (rc < 0) return rc;
  if ((rc = db_prepare(db, q_bill, &st)) < 0) return rc;
  db_bind_text(st, 1, pc->bill);
  db_bind_int64(st, 2, pc->bank_id);
  if ((rc = db_step(st)) == 1) {
    bill = db_col_int64(st, 0);
    pc->decl_id = db_col_int64(st, 1);
    amount = db_col_int64(st, 2);
    COPY(currency, db_col_text(st, 3));
    COPY(status, db_col_text(st, 4));
    guarantee = db_col_int64(st, 5);
  }
  db_done(st);
  if (rc < 0) return rc;
  if (!bill) return -SW_ENOTFOUND;
  if (strcmp(status, "paid") == 0 || strcmp(status, "cancelled") == 0) return -SW_ESTATE;
  if (pc->amount != amount || strcmp(pc->currency, currency) != 0) {
    char reason[128];
    snprintf(reason, sizeof reason, "amount_mismatch");
    rc = record_payment(db, pc, "refused", reason, now);
    if (rc == 0)
      rc = audit_append(db, pc->actor, pc->origin, "payment.refused", pc->bill,
                        "{\"reason\":\"amount_mismatch\"}");
    return rc;
  }
  if ((rc = record_payment(db, pc, "accepted", "", now)) < 0) return rc;
  if ((rc = db_prepare(db, pay, &st)) < 0) return rc;
  db_bind_int64(st, 1, bill);
  db_bind_int64(st, 2, now);
  db_bind_int64(st, 3, time_days_us(now));
  if ((rc = step_done(st)) < 0) return rc;
  if (db_changes(db) != 1) return -SW_ESTATE;
  snprintf(detail, sizeof detail, "{\"txn\":\"%.60s\"}", pc->txn);
  if ((rc = ledger_add(db, now, "payment", bill, 0, amount, detail)) < 0) return rc;
  if (guarantee) {
    if ((rc = db_prepare(db, restore, &st)) < 0) return rc;
    db_bind_int64(st, 1, guarantee);
    db_bind_int64(st, 2, amount);
    if ((rc = step_done(st)) < 0) return rc;
    if ((rc = ledger_add(db, now, "restored", bill, guarantee, amount, "{}")) < 0) return rc;
  }
  return audit_append(db, pc->actor, pc->origin, "payment.accepted", pc->bill, detail);
}

/* ---- agreements, keys, guarantees ---- */

int agreement_add(struct db *db, int64_t party_id, int64_t bank_id, const char *account,
                  const char *actor, const char *origin) {
  static const char *const sql = "INSERT INTO payment_agreements (party_id, bank_id, account,"
                                 " created_at) VALUES (?1,?2,?3,?4)";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, party_id);
  db_bind_int64(st, 2, bank_id);
  db_bind_text(st, 3, account);
  db_bind_int64(st, 4, store_now_us());
  if ((rc = step_done(st)) < 0) return rc;
  return audit_append(db, actor, origin, "agreement.add", account, "{}");
}

json_t *agreements_json(struct db *db, const struct caller *c) {
  static const char *const sql =
      "SELECT p.national_id, p.name, b.national_id, b.name, a.account, a.created_at"
      " FROM payment_agreements a JOIN parties p ON p.id = a.party_id"
      " JOIN parties b ON b.id = a.bank_id WHERE a.party_id = ?1 OR a.bank_id = ?1 OR ?2 = 1"
      " ORDER BY a.created_at";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_int64(st, 1, c->party_id ? c->party_id : -1);
  db_bind_int64(st, 2, c->role == ROLE_ADMIN);
  while (db_step(st) == 1)
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "party",
                                         db_col_text(st, 0), "party_name", db_col_text(st, 1),
                                         "bank", db_col_text(st, 2), "bank_name",
                                         db_col_text(st, 3), "account", db_col_text(st, 4),
                                         "created_at", time_json(db_col_int64(st, 5))));
  db_done(st);
  return arr;
}

int bank_key_get(struct db *db, int64_t bank_id, char key_hex[129]) {
  static const char *const sql = "SELECT key_hex FROM bank_keys WHERE bank_id = ?1";
  struct db_stmt *st;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, bank_id);
  if ((rc = db_step(st)) == 1) snprintf(key_hex, 129, "%s", db_col_text(st, 0));
  db_done(st);
  return rc == 1 ? 0 : rc == 0 ? -SW_ENOTFOUND : rc;
}

int bank_key_set(struct db *db, int64_t bank_id, const char *key_hex, const char *actor) {
  static const char *const sql =
      "INSERT INTO bank_keys (bank_id, key_hex, created_at) VALUES (?1,?2,?3)"
      " ON CONFLICT (bank_id) DO UPDATE SET key_hex = excluded.key_hex,"
      " created_at = excluded.created_at";
  struct db_stmt *st;
  char obj[32];
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_int64(st, 1, bank_id);
  db_bind_text(st, 2, key_hex);
  db_bind_int64(st, 3, store_now_us());
  if ((rc = step_done(st)) < 0) return rc;
  snprintf(obj, sizeof obj, "bank:%lld", (long long)bank_id);
  return audit_append(db, actor, "cli", "bank.key", obj, "{}"); /* never the key itself */
}

int guarantee_add(struct db *db, const struct guarantee_in *g, const char *actor,
                  const char *origin) {
  static const char *const sql =
      "INSERT INTO guarantees (number, party_id, kind, issuer, currency, amount, balance,"
      " valid_from, valid_to, created_at) VALUES (?1,?2,?3,?4,?5,?6,?6,?7,?8,?9)"
      " RETURNING id";
  struct db_stmt *st;
  int64_t id = 0;
  int rc = db_prepare(db, sql, &st);
  if (rc < 0) return rc;
  db_bind_text(st, 1, g->number);
  db_bind_int64(st, 2, g->party_id);
  db_bind_text(st, 3, g->kind);
  db_bind_text(st, 4, g->issuer);
  db_bind_text(st, 5, g->currency);
  db_bind_int64(st, 6, g->amount);
  db_bind_int64(st, 7, g->valid_from);
  db_bind_int64(st, 8, g->valid_to);
  db_bind_int64(st, 9, store_now_us());
  if ((rc = db_step(st)) == 1) id = db_col_int64(st, 0);
  db_done(st);
  if (rc < 0) return rc;
  if ((rc = ledger_add(db, store_now_us(), "guarantee", 0, id, g->amount, "{}")) < 0) return rc;
  return audit_append(db, actor, origin, "guarantee.add", g->number, "{}");
}

json_t *guarantees_json(struct db *db, const struct caller *c) {
  static const char *const sql =
      "SELECT g.number, p.national_id, g.kind, g.issuer, g.currency, g.amount, g.balance,"
      " g.valid_from, g.valid_to FROM guarantees g JOIN parties p ON p.id = g.party_id"
      " WHERE g.party_id = ?1 OR ?2 = 1 ORDER BY g.id";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_int64(st, 1, c->party_id ? c->party_id : -1);
  db_bind_int64(st, 2, c->role == ROLE_ADMIN || !strcmp(c->agency, "CUSTOMS"));
  while (db_step(st) == 1)
    json_array_append_new(
        arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "number",
                       db_col_text(st, 0), "party", db_col_text(st, 1), "kind",
                       db_col_text(st, 2), "issuer", db_col_text(st, 3), "currency",
                       db_col_text(st, 4), "amount", money(db_col_int64(st, 5)), "balance",
                       money(db_col_int64(st, 6)), "valid_from", day_json(db_col_int64(st, 7)),
                       "valid_to", day_json(db_col_int64(st, 8))));
  db_done(st);
  return arr;
}

json_t *bills_json(struct db *db, const struct caller *c, const char *number) {
  static const char *const sql =
      "SELECT b.number, d.id, d.number, p.national_id, b.currency, b.amount, b.due_day,"
      " b.status, b.created_at, b.paid_at, g.number FROM bills b"
      " JOIN declarations d ON d.id = b.decl_id JOIN parties p ON p.id = b.party_id"
      " LEFT JOIN guarantees g ON g.id = b.guarantee_id"
      " WHERE (?3 IS NULL OR b.number = ?3) AND (?2 = 1 OR b.party_id = ?1"
      "  OR EXISTS (SELECT 1 FROM payment_agreements a WHERE a.party_id = b.party_id"
      "   AND a.bank_id = ?1)) ORDER BY b.id DESC LIMIT 200";
  struct db_stmt *st;
  json_t *arr = json_array();
  if (db_prepare(db, sql, &st) < 0) return arr;
  db_bind_int64(st, 1, c->party_id ? c->party_id : -1);
  db_bind_int64(st, 2, c->role == ROLE_ADMIN || !strcmp(c->agency, "CUSTOMS") ||
                           !strcmp(c->agency, "TAX"));
  db_bind_text(st, 3, number);
  while (db_step(st) == 1) {
    json_t *b = json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "number",
                          db_col_text(st, 0), "declaration", (json_int_t)db_col_int64(st, 1),
                          "declaration_number", db_col_text(st, 2), "party",
                          db_col_text(st, 3), "currency", db_col_text(st, 4), "amount",
                          money(db_col_int64(st, 5)), "due_date", day_json(db_col_int64(st, 6)),
                          "status", db_col_text(st, 7), "issued_at",
                          time_json(db_col_int64(st, 8)));
    if (!db_col_is_null(st, 9)) json_object_set_new(b, "paid_at", time_json(db_col_int64(st, 9)));
    if (!db_col_is_null(st, 10)) json_object_set_new(b, "guarantee", json_string(db_col_text(st, 10)));
    json_array_append_new(arr, b);
  }
  db_done(st);
  return arr;
}

json_t *bill_of_decl_json(struct db *db, int64_t decl_id) {
  static const char *const sql =
      "SELECT number, currency, amount, status, due_day FROM bills WHERE decl_id = ?1";
  struct db_stmt *st;
  json_t *j = NULL;
  if (db_prepare(db, sql, &st) < 0) return NULL;
  db_bind_int64(st, 1, decl_id);
  if (db_step(st) == 1)
    j = json_pack("{s:s, s:s, s:o, s:s, s:o}", "number", db_col_text(st, 0), "currency",
                  db_col_text(st, 1), "amount", money(db_col_int64(st, 2)), "status",
                  db_col_text(st, 3), "due_date", day_json(db_col_int64(st, 4)));
  db_done(st);
  return j;
}

char *assessment_text(struct db *db, int64_t decl_id) {
  static const char *const sql = "SELECT body FROM assessments WHERE decl_id = ?1";
  struct db_stmt *st;
  char *text = NULL;
  if (db_prepare(db, sql, &st) < 0) return NULL;
  db_bind_int64(st, 1, decl_id);
  if (db_step(st) == 1) text = strdup(db_col_text(st, 0));
  db_done(st);
  return text;
}

json_t *assessment_json(struct db *db, int64_t decl_id) {
  char *text = assessment_text(db, decl_id);
  json_t *j = text ? json_loads(text, 0, NULL) : NULL;
  free(text);
  return j;
}

json_t *revenue_json(struct db *db, int64_t day) {
  static const char *const per_kind =
      "SELECT kind, COUNT(*), COALESCE(SUM(amount), 0) FROM ledger WHERE day = ?1 GROUP BY kind";
  static const char *const outstanding =
      "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM bills WHERE created_day <= ?1"
      " AND status <> 'cancelled' AND (paid_day IS NULL OR paid_day > ?1)";
  struct db_stmt *st;
  json_t *kinds = json_object();
  if (db_prepare(db, per_kind, &st) == 0) {
    db_bind_int64(st, 1, day);
    while (db_step(st) == 1)
      json_object_set_new(kinds, db_col_text(st, 0),
                          json_pack("{s:I, s:o}", "count", (json_int_t)db_col_int64(st, 1),
                                    "amount", money(db_col_int64(st, 2))));
    db_done(st);
  }
  static const char *const names[][2] = {{"charge", "issued"}, {"payment", "paid"},
                                         {"secured", "secured"}, {"restored", "restored"},
                                         {"cancelled", "cancelled"}};
  json_t *doc = json_pack("{s:o}", "date", day_json(day));
  for (size_t i = 0; i < 5; i++) {
    json_t *k = json_object_get(kinds, names[i][0]);
    json_object_set_new(doc, names[i][1],
                        k ? json_incref(k) : json_pack("{s:i, s:s}", "count", 0, "amount", "0.00"));
  }
  json_decref(kinds);
  if (db_prepare(db, outstanding, &st) == 0) {
    db_bind_int64(st, 1, day);
    if (db_step(st) == 1)
      json_object_set_new(doc, "outstanding",
                          json_pack("{s:I, s:o}", "count", (json_int_t)db_col_int64(st, 0),
                                    "amount", money(db_col_int64(st, 1))));
    db_done(st);
  }
  return doc;
}
