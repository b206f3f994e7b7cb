/* fuzz_permit_json.c - libFuzzer target for permits and requirement rules as issuers and
 * administrators send them (POST/PUT /v1/permits, /v1/requirement-rules):
 * permit_from_json, permit_to_json, and permit_check_draw of a decoded permit by the items
 * of a fixed import; requirement_rule_from_json, requirements_check against that import.
 * Every input goes through both decoders.
 *
 * Oracles besides ASan/UBSan: problems are presentable; a successful draw never takes more
 * than a line allows; a requirement rule that decodes cleanly round-trips through
 * requirement_rule_to_json to the same form. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/decl_json.h"
#include "codec/permit_json.h"
#include "core/arena.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"
#include "core/permit.h"
#include "core/requirement.h"
#include "fuzz_json_common.h"

static struct arena fixed;
static struct decl goods;
static const int64_t TODAY = 20788; /* 2026-12-01, days since 1970-01-01 */

static const char goods_json[] =
    "{\"type\":\"IM\",\"reference\":\"PRM-1\",\"procedure\":\"4000\",\"office\":\"CNSHA\","
    "\"importer\":{\"id\":\"91310000MA1FL0001X\"},"
    "\"invoice\":{\"currency\":\"USD\",\"incoterm\":\"CIF\",\"total\":\"60000.00\"},"
    "\"items\":[{\"seq\":1,\"hs\":\"85171300\",\"description\":\"Phones\",\"origin\":\"KR\","
    "\"quantity\":\"300\",\"unit\":\"KGM\",\"value\":\"30000.00\","
    "\"documents\":[{\"type\":\"import_licence\",\"number\":\"IL-1\"}]},"
    "{\"seq\":2,\"hs\":\"02011000\",\"description\":\"Beef\",\"origin\":\"AU\","
    "\"quantity\":\"0.001\",\"unit\":\"KGM\",\"value\":\"30000.00\"}]}";

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  struct errlist *e = malloc(sizeof *e);
  json_t *j = json_loads(goods_json, JSON_REJECT_DUPLICATES, NULL);
  if (!e || !j) abort();
  errlist_init(e);
  arena_init(&fixed, 0);
  if (decl_from_json(j, &fixed, &goods, e) != 0) abort();
  json_decref(j);
  free(e);
  return 0;
}

static void permit_case(const json_t *root) {
  struct errlist *e = malloc(sizeof *e);
  struct permit *p = malloc(sizeof *p);
  struct arena a;
  if (!e || !p) abort();
  arena_init(&a, 64u << 20);
  errlist_init(e);
  int rc = permit_from_json(root, &a, p, e);
  if (rc != 0 && rc != -SW_EVALIDATION && rc != -SW_ENOMEM) abort();
  fuzz_check_problems(e);
  if (rc == 0) {
    if (p->n_lines > PERMIT_MAX_LINES) abort();
    p->issuer = "COMMERCE";
    json_t *j = permit_to_json(p, TODAY);
    free(fuzz_dump(j));
    json_decref(j);
    /* each item draws, as at registration; the second sees the first's use */
    for (size_t i = 0; i < goods.goods.n_items; i++) {
      struct permit_draw draw;
      struct errlist *de = malloc(sizeof *de);
      if (!de) abort();
      errlist_init(de);
      if (permit_check_draw(p, &goods.goods.items[i], "91310000MA1FL0001X", TODAY, i == 0,
                            "/items/0/documents/0", de, &draw) == 0) {
        const struct permit_line *l = &p->lines[draw.line];
        if (draw.line >= p->n_lines) abort();
        if (l->has_quantity && l->used_quantity > l->quantity) abort();
        if (l->has_value && l->used_value > l->value) abort();
      }
      fuzz_check_problems(de);
      free(de);
    }
  }
  arena_release(&a);
  free(p);
  free(e);
}

static void requirement_case(const json_t *root) {
  struct errlist *e = malloc(sizeof *e);
  struct arena a;
  struct requirement_rule r1, r2;
  if (!e) abort();
  arena_init(&a, 64u << 20);
  errlist_init(e);
  int rc = requirement_rule_from_json(root, &a, &r1, e);
  if (rc != 0 && rc != -SW_EVALIDATION && rc != -SW_ENOMEM) abort();
  fuzz_check_problems(e);
  if (rc == 0) {
    json_t *j1 = requirement_rule_to_json(&r1);
    char *s1 = fuzz_dump(j1);
    if (requirement_rule_from_json(j1, &a, &r2, e) != 0) abort();
    json_t *j2 = requirement_rule_to_json(&r2);
    char *s2 = fuzz_dump(j2);
    if (strcmp(s1, s2) != 0) abort();
    requirements_check(&r1, 1, &goods, e);
    fuzz_check_problems(e);
    free(s1);
    free(s2);
    json_decref(j1);
    json_decref(j2);
  }
  arena_release(&a);
  free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *root = fuzz_parse(data, size);
  if (!root) return 0;
  permit_case(root);
  requirement_case(root);
  json_decref(root);
  return 0;
}
