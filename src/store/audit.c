#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "store/counters.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Length-prefixes every field so that no two different rows hash alike. */
static void feed(struct crypto_sha256 *h, const char *s) {
  char len[24];
  int n = snprintf(len, sizeof len, "%zu:", strlen(s));
  crypto_sha256_update(h, len, (size_t)n);
  crypto_sha256_update(h, s, strlen(s));
}

static void row_hash(int64_t seq, int64_t at, const char *actor, const char *origin,
                     const char *action, const char *object, const char *detail,
                     const char *prev, char out[CRYPTO_HEX32_LEN]) {
  struct crypto_sha256 h;
  char num[48];
  crypto_sha256_init(&h);
  feed(&h, prev);
  snprintf(num, sizeof num, "%" PRId64 "/%" PRId64, seq, at);
  feed(&h, num);
  feed(&h, actor);
  feed(&h, origin);
  feed(&h, action);
  feed(&h, object);
  feed(&h, detail);
  crypto_sha256_final_hex(&h, out);
}

int audit_append(struct db *db, const char *actor, const char *origin, const char *action,
                 const char *object, const char *detail) {
  /* appends are serialised by the lock on the "audit" counter's row (taken first): with
     several nodes on one PostgreSQL database, two transactions could otherwise read the
     same last row */
  static const char *const last = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
  static const char *const ins =
      "INSERT INTO audit (seq, at, actor, origin, action, object, detail, prev_hash, hash)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
  struct db_stmt *st;
  char prev[CRYPTO_HEX32_LEN] = GENESIS, hash[CRYPTO_HEX32_LEN];
  int64_t seq = 1, at = store_now_us();
  int64_t appends;
  int rc = counter_next(db, "audit", &appends);
  if (rc < 0 || (rc = db_prepare(db, last, &st)) < 0) return rc;
  if ((rc = db_step(st)) == 1) {
    seq = db_col_int64(st, 0) + 1;
    snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
  }
  db_done(st);
  if (rc < 0) return rc;
  row_hash(seq, at, actor, origin, action, object, detail, prev, hash);
  if ((rc = db_prepare(db, ins, &st)) < 0) return rc;
  db_bind_int64(st, 1, seq);
  db_bind_int64(st, 2, at);
  db_bind_text(st, 3, actor);
  db_bind_text(st, 4, origin);
  db_bind_text(st, 5, action);
  db_bind_text(st, 6, object);
  db_bind_text(st, 7, detail);
  db_bind_text(st, 8, prev);
  db_bind_text(st, 9, hash);
  rc = db_step(st);
  db_done(st);
  return rc < 0 ? rc : 0;
}

int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq) {
  static const char *const all =
      "SELECT seq, at, actor, origin, action, object, detail, prev_hash, hash FROM audit"
      " ORDER BY seq";
  struct db_stmt *st;
  char prev[CRYPTO_HEX32_LEN] = GENESIS, hash[CRYPTO_HEX32_LEN];
  int64_t expect = 1;
  int rc = db_prepare(db, all, &st);
  *rows = 0;
  *bad_seq = 0;
  if (rc < 0) return rc;
  while ((rc = db_step(st)) == 1) {
    int64_t seq = db_col_int64(st, 0);
    row_hash(seq, db_col_int64(st, 1), db_col_text(st, 2), db_col_text(st, 3),
             db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6), prev, hash);
    if (seq != expect || strcmp(db_col_text(st, 7), prev) != 0 ||
        strcmp(db_col_text(st, 8), hash) != 0) {
      *bad_seq = seq != expect ? expect : seq;
      db_done(st);
      return -SW_ECONFLICT;
    }
    memcpy(prev, hash, sizeof prev);
    expect++;
    (*rows)++;
  }
  db_done(st);
  if (rc < 0) return rc;
  /* the chain alone cannot see its newest rows cut off: the "audit" counter, in another
     table and taken by every append, says how many there were */
  int64_t appends = 0;
  if ((rc = counter_value(db, "audit", &appends)) < 0) return rc;
  if (appends > *rows) {
    *bad_seq = *rows + 1;
    return -SW_ECONFLICT;
  }
  return 0;
}
