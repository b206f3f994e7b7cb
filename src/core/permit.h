/* permit.h - licences, permits and certificates (LPCO): the checks a cited permit must
 * pass and how a declared item draws on it. Pure: the caller loads the permit and its
 * usage (what earlier declarations reserved or deducted) and persists the drawing.
 *
 * Write-off states of a drawing: pre_deducted (reserved at registration, in the same
 * transaction) -> deducted (at release) -> written_off (the permit's use closed by its
 * issuer); a refusal or cancellation turns pre_deducted into released (balance restored). */
#ifndef SW_PERMIT_H
#define SW_PERMIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct errlist;
struct decl_item;

#define PERMIT_MAX_LINES 50
#define PERMIT_NUMBER_MAX 70

enum permit_status {
  PERMIT_VALID = 0,
  PERMIT_SUSPENDED,
  PERMIT_REVOKED,
  PERMIT_CLOSED,    /* written off by its issuer */
  PERMIT_EXPIRED,   /* derived: validity ended */
  PERMIT_EXHAUSTED, /* derived: no uses or no balance left */
};

enum drawing_state {
  DRAW_PRE_DEDUCTED = 0,
  DRAW_DEDUCTED,
  DRAW_WRITTEN_OFF,
  DRAW_RELEASED,
};

struct permit_line {
  char *hs_prefix; /* 2-10 digits */
  char *description;
  char *unit;      /* UN/ECE Rec 20, as items declare it */
  int64_t quantity, value; /* allowed: DEC_SCALE_QTY / DEC_SCALE_MONEY */
  bool has_quantity, has_value;
  int64_t used_quantity, used_value; /* reserved or deducted so far (loaded by the caller) */
};

struct permit {
  int64_t id;
  char *type, *number, *issuer; /* issuer: agency code */
  char *holder;                 /* national id of the holding party */
  int64_t valid_from, valid_to; /* days since 1970-01-01, inclusive */
  int64_t max_uses;             /* 0: unlimited within validity */
  int64_t uses;                 /* declarations drawing on it now (loaded by the caller) */
  enum permit_status status;    /* stored status: valid, suspended, revoked or closed */
  struct permit_line lines[PERMIT_MAX_LINES];
  size_t n_lines;
};

const char *permit_status_name(enum permit_status s);
int permit_status_parse(const char *s); /* -1 when unknown */
const char *drawing_state_name(enum drawing_state s);
int drawing_state_parse(const char *s);

/* The status a user sees on day `today`: the stored one, or expired / exhausted when the
 * validity ended or nothing is left to draw. */
enum permit_status permit_effective_status(const struct permit *p, int64_t today);

/* What an item takes from a permit. */
struct permit_draw {
  size_t line;      /* index into p->lines */
  int64_t quantity; /* DEC_SCALE_QTY, 0 when the line limits only value */
  int64_t value;    /* DEC_SCALE_MONEY, 0 when the line limits only quantity */
};

/* Checks that item (of a declaration dated `today`, lodged for the party `principal`
 * national id) may draw on p, adding one precise problem under `path` (the document's
 * JSON path) for each failure: permit_suspended, permit_revoked, permit_closed,
 * permit_not_yet_valid, permit_expired, permit_wrong_holder, permit_uses_exhausted,
 * permit_hs_mismatch, permit_unit_mismatch, permit_insufficient_balance (naming what
 * remains). On success fills *draw, adds its amounts to the line's used_* and counts the
 * use when new_use is true (so several items of one declaration see each other). Returns
 * 0 or -SW_EVALIDATION. */
int permit_check_draw(struct permit *p, const struct decl_item *item, const char *principal,
                      int64_t today, bool new_use, const char *path, struct errlist *errs,
                      struct permit_draw *draw);

#endif
