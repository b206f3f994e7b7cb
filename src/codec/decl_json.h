/* decl_json.h - the JSON channel of declarations (DESIGN.md §7) <-> struct decl.
 * Decimals travel as strings ("98000.00") or JSON integers, never as JSON reals. Vessel
 * calls name the place "port"; goods declarations name it "office". */
#ifndef SW_DECL_JSON_H
#define SW_DECL_JSON_H
#include <jansson.h>

#include "core/decl.h"

struct arena;
struct errlist;

/* Decodes root into *out (zeroed first), copying strings into a, then canonicalizes it
 * (decl_canonicalize). Every decoding problem goes to errs with its JSON Pointer: a wrong
 * JSON type is "bad_type", a field unknown at its level (or not used by the declaration's
 * type) "unknown_field", a malformed decimal "bad_decimal", a string longer than
 * DECL_TEXT_HARD_MAX bytes "too_long", an array past its hard bound "too_many_items" /
 * "too_many" (the rest is not decoded), an unknown "type" "bad_value". A JSON null is
 * treated as absent. Returns 0 when nothing was reported, -SW_EVALIDATION when problems
 * were added (out is filled as far as possible: run decl_validate to list the rest), or
 * -SW_ENOMEM when the arena is exhausted (out is unusable). */
int decl_from_json(const json_t *root, struct arena *a, struct decl *out, struct errlist *errs);

/* decl_fast.c: decodes JSON text into *out (zeroed first) for the common case, without
 * jansson, exactly as json_loadb + decl_from_json would. Returns 0 when decoded with no
 * problem at all (out is canonical); DECL_FAST_DECLINED when the text needs the full path
 * (malformed, or anything the full path would report or that the fast path does not
 * handle, such as escapes in strings); -SW_ENOMEM when the arena is exhausted. */
#define DECL_FAST_DECLINED 1
int decl_from_text_fast(const char *text, size_t len, struct arena *a, struct decl *out);

/* The canonical submitted content of d: fields in a fixed order, absent fields omitted,
 * money as strings with 2 decimals ("98000.00"), quantities as trimmed strings ("12000",
 * "12.5"). decl_from_json(decl_to_json(d)) yields d again when d is canonical. Returns a
 * new reference, or NULL when out of memory or a string is not valid UTF-8. */
json_t *decl_to_json(const struct decl *d);

/* The same canonical content as compact JSON text with keys in sorted order: byte for byte
 * json_dumps(decl_to_json(d), JSON_COMPACT | JSON_SORT_KEYS), written directly. Returns a
 * malloc'd string, or NULL when out of memory or a string is not valid UTF-8. */
char *decl_to_text(const struct decl *d);

#endif
