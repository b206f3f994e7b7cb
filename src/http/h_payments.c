/* h_payments.c - tariff and exchange rates, bills, the banks' payment confirmations,
 * three-way payment agreements, guarantees, and the daily revenue reconciliation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/jfield.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/timefmt.h"
#include "crypto/crypto.h"
#include "http/app.h"
#include "http/handlers.h"
#include "http/notify.h"
#include "http/ruleset.h"
#include "store/decl_store.h"
#include "store/duty_store.h"
#include "store/identity.h"

void h_tariff_get(struct http_req *r) {
  const char *hs = req_param(r, "hs");
  size_t n = strlen(hs);
  if (n < 2 || n > 10 || strspn(hs, "0123456789") != n) {
    reply_error(r, 400, "/hs", "bad_parameter", "an HS code of 2 to 10 digits");
    return;
  }
  reply_json(r, 200, tariff_lines_json(store_reader(r->app->store), hs));
}

void h_rates_list(struct http_req *r) {
  reply_json(r, 200, json_pack("{s:o}", "items", fx_rates_json(store_reader(r->app->store))));
}

struct rate_job {
  const char *currency, *actor;
  int64_t from, micro;
};

static int rate_write(struct db *db, void *arg) {
  struct rate_job *j = arg;
  return fx_rate_put(db, j->currency, j->from, j->micro, j->actor);
}

void h_rate_put(struct http_req *r) {
  const char *cur = req_param(r, "currency");
  json_t *body = req_json(r);
  struct errlist errs;
  struct jf f = {.a = &r->arena, .errs = &errs};
  struct rate_job j = {.currency = cur, .actor = r->caller.login};
  if (!body) return;
  errlist_init(&errs);
  if (!refdata_currency(r->app->rd, cur))
    errlist_add(&errs, "/currency", "unknown_currency", "not an ISO 4217 currency");
  if (!jf_decimal(&f, body, "rate", 6, true, &j.micro) && !errlist_any(&errs))
    jf_problem(&f, "/rate", "required", "the rate: national units per unit, e.g. \"7.1\"");
  const char *from = jf_str(&f, body, "effective_from", 10, true, false);
  if (from && decl_date_parse(from, &j.from) < 0)
    jf_problem(&f, "/effective_from", "bad_datetime", "expected YYYY-MM-DD");
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The exchange rate has problems", NULL, &errs);
  } else if (store_write(r->app->store, rate_write, &j) < 0) {
    reply_error(r, 503, "", "store_failed", "the rate could not be stored");
  } else {
    ruleset_invalidate(r->app);
    reply_json(r, 200, json_pack("{s:o}", "items", fx_rates_json(store_reader(r->app->store))));
  }
  json_decref(body);
}

void h_bills_list(struct http_req *r) {
  reply_json(r, 200, json_pack("{s:o}", "items",
                               bills_json(store_reader(r->app->store), &r->caller, NULL)));
}

void h_bill_get(struct http_req *r) {
  json_t *list = bills_json(store_reader(r->app->store), &r->caller, req_param(r, "number"));
  json_t *b = json_array_get(list, 0);
  if (!b) reply_error(r, 404, "", "not_found", "no such bill");
  else reply_json(r, 200, json_incref(b));
  json_decref(list);
}

/* ---- payment confirmations ---- */

struct confirm_job {
  struct payment_conf pc;
  int64_t released_decl;
};

static int confirm_write(struct db *db, void *arg) {
  struct confirm_job *j = arg;
  int rc = payment_confirm(db, &j->pc);
  if (rc < 0 || j->pc.replay || strcmp(j->pc.status, "accepted") != 0) return rc;
  char detail[160];
  snprintf(detail, sizeof detail, "{\"bill\":\"%.40s\",\"transaction_id\":\"%.60s\"}", j->pc.bill,
           j->pc.txn);
  if ((rc = decl_event(db, j->pc.decl_id, "payment", j->pc.actor, detail)) < 0) return rc;
  j->released_decl = j->pc.decl_id;
  return decl_settle(db, j->pc.decl_id, j->pc.actor);
}

void h_payment_confirm(struct http_req *r) {
  struct db *db = store_reader(r->app->store);
  const char *sig = req_header(r, "X-Signature");
  char key[129], mac[CRYPTO_HEX32_LEN], hash[CRYPTO_HEX32_LEN];
  struct errlist errs;
  struct jf f = {.a = &r->arena, .errs = &errs};
  struct confirm_job j = {0};
  json_t *body = NULL;
  if (!(r->caller.party_roles & PARTY_BANK)) {
    reply_error(r, 403, "", "not_a_bank", "only banks confirm payments");
    return;
  }
  /* the signature covers the exact bytes received: HMAC-SHA-256 with the bank's key */
  if (bank_key_get(db, r->caller.party_id, key) < 0 || !sig || strlen(sig) != 64 ||
      crypto_hmac_sha256_hex(key, r->body, r->body_len, mac) < 0 || !crypto_streq(sig, mac)) {
    reply_error(r, 401, "", "bad_signature",
                "X-Signature must be the hex HMAC-SHA-256 of the body under the bank's key");
    return;
  }
  if (!(body = req_json(r))) return;
  errlist_init(&errs);
  static const char *const keys[] = {"bill", "amount", "currency", "transaction_id", "paid_at", NULL};
  jf_only(&f, body, keys);
  j.pc.bill = jf_str(&f, body, "bill", 40, true, false);
  j.pc.currency = jf_str(&f, body, "currency", 3, true, true);
  j.pc.txn = jf_str(&f, body, "transaction_id", 64, true, false);
  if (!jf_decimal(&f, body, "amount", DEC_SCALE_MONEY, true, &j.pc.amount) &&
      !json_object_get(body, "amount"))
    jf_problem(&f, "/amount", "required", "the amount paid");
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The confirmation has problems", NULL, &errs);
    goto out;
  }
  crypto_sha256_hex(r->body, r->body_len, hash);
  j.pc.bank_id = r->caller.party_id;
  j.pc.body_hash = hash;
  j.pc.actor = r->caller.login;
  j.pc.origin = r->client_ip;
  int rc = store_write(r->app->store, confirm_write, &j);
  if (rc == -SW_ENOTFOUND) {
    reply_error(r, 404, "/bill", "unknown_bill",
                "no such bill among those of your clients with a payment agreement");
  } else if (rc == -SW_ECONFLICT) {
    reply_error(r, 409, "/transaction_id", "transaction_reused",
                "this transaction id was confirmed with another body");
  } else if (rc == -SW_ESTATE) {
    reply_error(r, 409, "/bill", "already_settled", "the bill is already paid or cancelled");
  } else if (rc < 0) {
    reply_error(r, 503, "", "store_failed", "the confirmation could not be stored; retry");
  } else if (strcmp(j.pc.status, "refused") == 0) {
    reply_error(r, 422, "/amount", "amount_mismatch",
                "amount and currency must equal the bill's exactly; the attempt is recorded");
  } else {
    if (j.released_decl) notify_bump(r->app->notify);
    json_t *bill = bills_json(db, &r->caller, j.pc.bill);
    reply_json(r, 200, json_pack("{s:s, s:b, s:O}", "status", j.pc.status, "replay",
                                 j.pc.replay, "bill", json_array_get(bill, 0)));
    json_decref(bill);
  }
out:
  json_decref(body);
}

/* ---- agreements and guarantees ---- */

struct agree_job {
  int64_t party, bank;
  const char *account, *actor, *origin;
};

static int agree_write(struct db *db, void *arg) {
  struct agree_job *j = arg;
  return agreement_add(db, j->party, j->bank, j->account, j->actor, j->origin);
}

void h_agreements_list(struct http_req *r) {
  reply_json(r, 200, json_pack("{s:o}", "items",
                               agreements_json(store_reader(r->app->store), &r->caller)));
}

void h_agreement_create(struct http_req *r) {
  json_t *body = req_json(r);
  struct errlist errs;
  struct jf f = {.a = &r->arena, .errs = &errs};
  struct party_rec bank;
  if (!body) return;
  errlist_init(&errs);
  const char *bank_nid = jf_str(&f, body, "bank", 35, true, false);
  const char *account = jf_str(&f, body, "account", 64, true, false);
  if (bank_nid && (idn_party_by_nid(store_reader(r->app->store), bank_nid, &bank) < 0 ||
                   !strstr(bank.roles, "bank")))
    jf_problem(&f, "/bank", "unknown_bank", "no bank with this national id");
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The agreement has problems", NULL, &errs);
  } else {
    struct agree_job j = {r->caller.party_id, bank.id, account, r->caller.login, r->client_ip};
    int rc = store_write(r->app->store, agree_write, &j);
    if (rc == -SW_EEXISTS) reply_error(r, 409, "/bank", "exists", "an agreement with this bank exists");
    else if (rc < 0) reply_error(r, 503, "", "store_failed", "could not be stored");
    else h_agreements_list(r), r->status = 201;
  }
  json_decref(body);
}

struct guarantee_job {
  struct guarantee_in g;
  const char *actor, *origin;
};

/* Registers the guarantee and, in the same transaction, releases the party's goods
 * awaiting payment that it now secures. */
static int guarantee_write(struct db *db, void *arg) {
  struct guarantee_job *j = arg;
  int rc = guarantee_add(db, &j->g, j->actor, j->origin);
  return rc < 0 ? rc : decl_settle_awaiting(db, j->g.party_id, j->actor);
}

void h_guarantees_list(struct http_req *r) {
  reply_json(r, 200, json_pack("{s:o}", "items",
                               guarantees_json(store_reader(r->app->store), &r->caller)));
}

void h_guarantee_create(struct http_req *r) {
  json_t *body = req_json(r);
  struct errlist errs;
  struct jf f = {.a = &r->arena, .errs = &errs};
  struct guarantee_job j = {.actor = r->caller.login, .origin = r->client_ip};
  struct party_rec party;
  if (!body) return;
  errlist_init(&errs);
  static const char *const keys[] = {"number", "party", "kind", "issuer", "amount",
                                     "valid_from", "valid_to", NULL};
  jf_only(&f, body, keys);
  j.g.number = jf_str(&f, body, "number", 40, true, false);
  const char *nid = jf_str(&f, body, "party", 35, true, false);
  j.g.kind = jf_str(&f, body, "kind", 16, true, false);
  j.g.issuer = jf_str(&f, body, "issuer", 140, true, false);
  j.g.currency = r->app->cfg.national_currency;
  if (!jf_decimal(&f, body, "amount", DEC_SCALE_MONEY, true, &j.g.amount) &&
      !json_object_get(body, "amount"))
    jf_problem(&f, "/amount", "required", "the amount guaranteed");
  const char *from = jf_str(&f, body, "valid_from", 10, true, false);
  const char *to = jf_str(&f, body, "valid_to", 10, true, false);
  if (from && decl_date_parse(from, &j.g.valid_from) < 0)
    jf_problem(&f, "/valid_from", "bad_datetime", "expected YYYY-MM-DD");
  if (to && decl_date_parse(to, &j.g.valid_to) < 0)
    jf_problem(&f, "/valid_to", "bad_datetime", "expected YYYY-MM-DD");
  if (j.g.kind && strcmp(j.g.kind, "bank") && strcmp(j.g.kind, "insurance"))
    jf_problem(&f, "/kind", "bad_value", "bank (a bank guarantee) or insurance (a policy)");
  if (nid && idn_party_by_nid(store_reader(r->app->store), nid, &party) < 0)
    jf_problem(&f, "/party", "unknown_party", "no enterprise with this national id");
  if (errlist_any(&errs)) {
    reply_problem(r, 422, "validation", "The guarantee has problems", NULL, &errs);
  } else {
    j.g.party_id = party.id;
    int rc = store_write(r->app->store, guarantee_write, &j);
    if (rc == -SW_EEXISTS) reply_error(r, 409, "/number", "exists", "this guarantee exists");
    else if (rc < 0) reply_error(r, 503, "", "store_failed", "could not be stored");
    else {
      h_guarantees_list(r);
      r->status = 201;
    }
  }
  json_decref(body);
}

void h_revenue(struct http_req *r) {
  const char *date = req_query(r, "date");
  int64_t day;
  if (r->caller.role != ROLE_ADMIN && strcmp(r->caller.agency, "CUSTOMS") &&
      strcmp(r->caller.agency, "TAX")) {
    reply_error(r, 403, "", "forbidden", "customs, tax and administrators only");
    return;
  }
  if (!date || decl_date_parse(date, &day) < 0) {
    reply_error(r, 400, "?date", "bad_parameter", "date=YYYY-MM-DD is required");
    return;
  }
  reply_json(r, 200, revenue_json(store_reader(r->app->store), day));
}
