/* fuzz_decl_json.c - libFuzzer target for the JSON channel of declarations: decl_from_json
 * (decoding and canonicalisation) and decl_validate against the shipped reference data,
 * as swd runs them on POST /v1/declarations.
 *
 * Oracles besides ASan/UBSan: every problem is presentable (fuzz_check_problems); and a
 * declaration that decodes without problems has a canonical form (decl_to_json) that
 * decodes without problems to the same canonical form, and validates with the very same
 * problems as the original - what swd stores is what it checked. The fast decoder
 * (decl_from_text_fast) may decline any input, but what it accepts the full path must
 * accept too, with the very same canonical text. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/decl_json.h"
#include "core/arena.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"
#include "fuzz_json_common.h"

static struct refdata *rd;
static struct decl_limits lim;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  rd = fuzz_refdata();
  decl_limits_default(&lim);
  if (dec_parse("1.00", 4, DEC_SCALE_MONEY, 0, &lim.total_tolerance, NULL) < 0) abort();
  return 0;
}

static int same_problems(const struct errlist *a, const struct errlist *b) {
  if (a->n != b->n || a->dropped != b->dropped) return 0;
  for (size_t i = 0; i < a->n; i++)
    if (strcmp(a->items[i].path, b->items[i].path) || strcmp(a->items[i].code, b->items[i].code))
      return 0;
  return 1;
}

/* The fast path against the full one, on the raw bytes. */
static void check_fast_path(const uint8_t *data, size_t size, const json_t *root) {
  struct decl *fast = malloc(sizeof *fast), *full = malloc(sizeof *full);
  struct errlist *e = malloc(sizeof *e);
  struct arena af, a;
  if (!fast || !full || !e) abort();
  arena_init(&af, 64u << 20);
  arena_init(&a, 64u << 20);
  errlist_init(e);
  int rc = decl_from_text_fast((const char *)data, size, &af, fast);
  if (rc != 0 && rc != DECL_FAST_DECLINED && rc != -SW_ENOMEM) abort();
  if (rc == 0) {
    if (!root || decl_from_json(root, &a, full, e) != 0) abort(); /* accepted: full agrees */
    char *t1 = decl_to_text(fast), *t2 = decl_to_text(full);
    if ((t1 == NULL) != (t2 == NULL) || (t1 && strcmp(t1, t2) != 0)) abort();
    free(t1);
    free(t2);
  }
  arena_release(&af);
  arena_release(&a);
  free(fast);
  free(full);
  free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *root = fuzz_parse(data, size);
  if (size <= FUZZ_BODY_LIMIT) check_fast_path(data, size, root);
  if (!root) return 0;
  struct errlist *e1 = malloc(sizeof *e1), *e2 = malloc(sizeof *e2);
  struct decl *d1 = malloc(sizeof *d1), *d2 = malloc(sizeof *d2);
  struct arena a1, a2;
  if (!e1 || !e2 || !d1 || !d2) abort();
  arena_init(&a1, 64u << 20); /* swd's per-request arena limit */
  arena_init(&a2, 64u << 20);
  errlist_init(e1);
  errlist_init(e2);
  int rc = decl_from_json(root, &a1, d1, e1);
  if (rc != 0 && rc != -SW_EVALIDATION && rc != -SW_ENOMEM) abort();
  if ((rc == 0) != !errlist_any(e1)) abort(); /* 0 exactly when nothing was reported */
  if (rc != -SW_ENOMEM) {
    int decoded_clean = rc == 0;
    decl_validate(d1, rd, &lim, e1);
    fuzz_check_problems(e1);
    if (decoded_clean) {
      json_t *c1 = decl_to_json(d1); /* jansson's strings are valid UTF-8: never NULL */
      char *s1 = fuzz_dump(c1);
      if (decl_from_json(c1, &a2, d2, e2) != 0) abort();
      json_t *c2 = decl_to_json(d2);
      char *s2 = fuzz_dump(c2);
      if (strcmp(s1, s2) != 0) abort(); /* the canonical form is a fixed point */
      decl_validate(d2, rd, &lim, e2);
      if (!same_problems(e1, e2)) abort();
      free(s1);
      free(s2);
      json_decref(c1);
      json_decref(c2);
    }
  }
  arena_release(&a1);
  arena_release(&a2);
  free(e1);
  free(e2);
  free(d1);
  free(d2);
  json_decref(root);
  return 0;
}
