/* fuzz_json_common.h - shared by the JSON decoders' libFuzzer targets (fuzz_decl_json.c,
 * fuzz_rule_json.c, fuzz_permit_json.c): reference data from the shipped data/ files, and
 * parsing an input the way swd does (strict jansson: duplicate keys refused). Header-only. */
#ifndef SW_FUZZ_JSON_COMMON_H
#define SW_FUZZ_JSON_COMMON_H
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/refdata_files.h"
#include "core/errlist.h"

#ifndef SW_SOURCE_DIR
#define SW_SOURCE_DIR "."
#endif

#define FUZZ_BODY_LIMIT (1u << 20) /* swd's default body limit */

/* The reference data swd loads (HS, countries, currencies, UN/LOCODE), from SW_DATA_DIR or
 * the source tree's data/. Exits when the files cannot be read: fuzzing without them would
 * exercise only the "unknown code" paths. */
static inline struct refdata *fuzz_refdata(void) {
  static const char *const names[] = {"harmonized-system.csv", "country-codes.csv",
                                      "currency-codes-iso4217.csv",
                                      "unlocode-ports-all-countries.csv",
                                      "unlocode-cn-all-functions.csv"};
  const char *dir = getenv("SW_DATA_DIR");
  char path[1024], err[200];
  struct refdata *rd = refdata_new();
  if (!rd) abort();
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir ? dir : SW_SOURCE_DIR "/data", names[i]);
    FILE *f = fopen(path, "rb");
    if (!f) {
      fprintf(stderr, "fuzz: cannot open %s (set SW_DATA_DIR)\n", path);
      exit(2);
    }
    int rc = i == 0   ? refload_hs(f, rd, NULL, NULL, err, sizeof err)
             : i == 1 ? refload_countries(f, rd, NULL, NULL, err, sizeof err)
             : i == 2 ? refload_currencies(f, rd, NULL, NULL, err, sizeof err)
                      : refload_locations(f, rd, NULL, NULL, err, sizeof err);
    fclose(f);
    if (rc) {
      fprintf(stderr, "fuzz: %s: %s\n", path, err);
      exit(2);
    }
  }
  if (refdata_finish(rd) < 0) abort();
  return rd;
}

/* The input as swd's request parser sees it; NULL when jansson refuses it. */
static inline json_t *fuzz_parse(const uint8_t *data, size_t size) {
  json_error_t e;
  if (size > FUZZ_BODY_LIMIT) return NULL;
  return json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
}

/* Every problem must be presentable: a JSON Pointer path ("" or starting with '/'), a
 * snake_case code and a message, all NUL-terminated within their buffers. */
static inline void fuzz_check_problems(const struct errlist *e) {
  if (e->n > ERRLIST_MAX) abort();
  for (size_t i = 0; i < e->n; i++) {
    const struct problem *p = &e->items[i];
    if (!memchr(p->path, 0, sizeof p->path) || !memchr(p->code, 0, sizeof p->code) ||
        !memchr(p->message, 0, sizeof p->message))
      abort();
    if (p->path[0] && p->path[0] != '/' && p->path[0] != '?') abort();
    if (!p->code[0]) abort();
    for (const char *c = p->code; *c; c++)
      if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) abort();
  }
}

/* Compact, key-sorted text of a JSON value (caller frees); aborts when it cannot be dumped. */
static inline char *fuzz_dump(const json_t *j) {
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
  if (!s) abort();
  return s;
}

#endif
