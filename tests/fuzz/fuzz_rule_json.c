/* fuzz_rule_json.c - libFuzzer target for routing rules as administrators send them
 * (POST/PUT /v1/routing-rules): routing_rule_from_json with its checks against the shipped
 * reference data, then routing_evaluate of the rule (together with a green-channel rule)
 * against the DESIGN.md §7 import and a vessel arrival.
 *
 * Oracles besides ASan/UBSan: problems are presentable; a rule that decodes cleanly has a
 * JSON form (routing_rule_to_json) that decodes cleanly to the same form; evaluation gives
 * at most one task per agency, each naming a matching rule of that agency. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/decl_json.h"
#include "codec/rule_json.h"
#include "core/arena.h"
#include "core/decl.h"
#include "core/err.h"
#include "core/errlist.h"
#include "core/routing.h"
#include "fuzz_json_common.h"

static struct refdata *rd;
static struct arena fixed; /* the declarations and the green rule, for the whole run */
static struct decl goods, vessel;
static struct routing_rule green;

static const char goods_json[] =
    "{\"type\":\"IM\",\"reference\":\"BRK-2026-000123\",\"procedure\":\"4000\","
    "\"office\":\"CNSHA\",\"importer\":{\"id\":\"91310000MA1FL0001X\"},"
    "\"transport\":{\"mode\":\"1\",\"vessel_imo\":\"9321483\",\"loading\":\"VNSGN\","
    "\"discharge\":\"CNSHA\",\"containers\":[\"MSKU9070323\"]},"
    "\"invoice\":{\"currency\":\"USD\",\"incoterm\":\"CIF\",\"total\":\"98000.00\"},"
    "\"items\":[{\"seq\":1,\"hs\":\"03061711\",\"description\":\"Frozen shrimps\","
    "\"origin\":\"VN\",\"quantity\":\"12000\",\"unit\":\"KGM\",\"value\":\"98000.00\"},"
    "{\"seq\":2,\"hs\":\"440311\",\"description\":\"Logs\",\"origin\":\"US\","
    "\"quantity\":\"1\",\"unit\":\"MTQ\",\"value\":\"0.00\"}]}";
static const char vessel_json[] =
    "{\"type\":\"VA\",\"reference\":\"VA-1\",\"port\":\"CNSHA\",\"vessel\":{\"imo\":\"9321483\","
    "\"name\":\"COSCO\",\"flag\":\"PA\"},\"voyage\":\"025E\",\"eta\":\"2026-12-01T06:00:00Z\","
    "\"carrier\":{\"id\":\"91310000COSCO0001X\"}}";
static const char green_json[] =
    "{\"id\":\"customs-green\",\"agency\":\"CUSTOMS\",\"types\":[\"IM\",\"EX\"],\"always\":true,"
    "\"auto_decision\":\"approve\",\"priority\":10,\"reason\":\"green channel\"}";

static void load_fixed(const char *text, void (*use)(const json_t *, struct errlist *)) {
  struct errlist *e = malloc(sizeof *e);
  json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
  if (!e || !j) abort();
  errlist_init(e);
  use(j, e);
  json_decref(j);
  free(e);
}
static void use_goods(const json_t *j, struct errlist *e) {
  if (decl_from_json(j, &fixed, &goods, e) != 0) abort();
}
static void use_vessel(const json_t *j, struct errlist *e) {
  if (decl_from_json(j, &fixed, &vessel, e) != 0) abort();
}
static void use_green(const json_t *j, struct errlist *e) {
  if (routing_rule_from_json(j, "", rd, &fixed, &green, e) != 0) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  rd = fuzz_refdata();
  arena_init(&fixed, 0);
  load_fixed(goods_json, use_goods);
  load_fixed(vessel_json, use_vessel);
  load_fixed(green_json, use_green);
  return 0;
}

static void evaluate(const struct routing_rule *rule, const struct decl *d) {
  struct routing_rule rules[2] = {green, *rule};
  struct route_result *out = malloc(sizeof *out);
  if (!out) abort();
  if (routing_evaluate(rules, 2, d, out) == 0) {
    if (out->n > ROUTE_MAX_AGENCIES) abort();
    for (size_t i = 0; i < out->n; i++) {
      const struct route_task *t = &out->tasks[i];
      for (size_t k = i + 1; k < out->n; k++)
        if (strcmp(t->agency, out->tasks[k].agency) == 0) abort(); /* one task per agency */
      if (t->n_matched == 0 || !t->rules[0] || strcmp(t->rules[0]->agency, t->agency)) abort();
    }
  }
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *root = fuzz_parse(data, size);
  if (!root) return 0;
  struct errlist *e = malloc(sizeof *e);
  struct arena a;
  struct routing_rule r1, r2;
  if (!e) abort();
  arena_init(&a, 64u << 20);
  errlist_init(e);
  int rc = routing_rule_from_json(root, "", rd, &a, &r1, e);
  if (rc != 0 && rc != -SW_EVALIDATION && rc != -SW_ENOMEM) abort();
  fuzz_check_problems(e);
  if (rc == 0) {
    if (errlist_any(e)) abort();
    json_t *j1 = routing_rule_to_json(&r1);
    char *s1 = fuzz_dump(j1);
    if (routing_rule_from_json(j1, "", rd, &a, &r2, e) != 0) abort();
    json_t *j2 = routing_rule_to_json(&r2);
    char *s2 = fuzz_dump(j2);
    if (strcmp(s1, s2) != 0) abort();
    evaluate(&r1, &goods);
    evaluate(&r1, &vessel);
    free(s1);
    free(s2);
    json_decref(j1);
    json_decref(j2);
  }
  arena_release(&a);
  free(e);
  json_decref(root);
  return 0;
}
