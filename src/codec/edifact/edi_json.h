/* edi_json.h - the interchange tree as JSON, written while parsing (bounded memory):
 *
 *   {"interchanges": [{"syntax_id", "syntax_version", "sender", "recipient", "date", "time",
 *      "control_ref", "messages": [{"number", "ref", "type", "version", "release",
 *      "agency", "assoc", "group", "segments": [{"tag", "index", "offset",
 *      "elements": [["c1", "c2"], ...]}]}]}],
 *    "errors": [{"severity", "code", "code_name", "level", "offset", "message", "segment",
 *      "tag", "element", "component", "repetition", "text"}],
 *    "summary": {"bytes", "interchanges", "messages", "segments", "errors", "warnings",
 *      "errors_listed", "valid"}}
 *
 * An element is the array of its components (trailing empty ones left out); a repeated
 * element (syntax version 4) is {"repeats": [[...], [...]]}. Segments outside messages
 * (UNB, UNG, UNE, UNZ, misplaced ones) are not in the tree; problems are in "errors". */
#ifndef SW_EDI_JSON_H
#define SW_EDI_JSON_H
#include <stdio.h>

#include "codec/edifact/edi.h"
#include "codec/edifact/edi_check.h"

struct edi_json;

/* Creates a writer to f (kept by the caller). 0 or -SW_ENOMEM. */
int edi_json_new(struct edi_json **out, FILE *f);
void edi_json_free(struct edi_json *j);
/* Feed from the parser's callbacks (edi_check's user hooks). */
int edi_json_segment(struct edi_json *j, const struct edi_segment *s,
                     const struct edi_envelope *env);
void edi_json_end(struct edi_json *j, int level, const struct edi_envelope *env);
/* Closes the tree and writes the errors and summary of r. 0 or -SW_EIO. */
int edi_json_finish(struct edi_json *j, const struct edi_report *r);
/* Writes s as a JSON string (quotes included), escaping as needed. */
void edi_json_string(FILE *f, const char *s, size_t n);

#endif
