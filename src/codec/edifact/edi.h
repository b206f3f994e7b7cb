/* edi.h - streaming UN/EDIFACT parser (ISO 9735 syntax versions 1-4).
 *
 * Push API: feed the interchange in chunks of any size; complete segments are handed to a
 * callback as they are recognised, with every value already unescaped (release character
 * removed) and converted to UTF-8 (UNOC is Latin-1). Memory is bounded by the limits
 * below, whatever the size of the input: a segment is kept only while it is incomplete
 * at the end of a chunk.
 *
 * The parser also checks the envelope (UNA, UNB/UNZ, UNG/UNE, UNH/UNT: order, control
 * counts and references, syntax identifier and version) and the character repertoire
 * declared in UNB. It does not check a message against a directory: edi_validate.h does.
 * Every problem is reported through the error callback with its position; parsing goes
 * on after a problem, so one pass reports everything.
 *
 * Positions are 1-based: element 1 is the first data element after the tag, component 1
 * the first component, repetition 1 the first occurrence. Offsets are 0-based byte offsets
 * in the stream as fed. */
#ifndef SW_EDI_H
#define SW_EDI_H
#include <stddef.h>
#include <stdint.h>

/* UN/EDIFACT syntax error codes (data element 0085), used in CONTRL and in reports. */
enum edi_code {
  EDI_E_SYNTAX_LEVEL = 2,  /* syntax version or level not supported */
  EDI_E_VALUE = 12,        /* invalid value */
  EDI_E_MISSING = 13,      /* missing */
  EDI_E_NOT_IN_POS = 14,   /* value not supported in this position */
  EDI_E_POSITION = 15,     /* not supported in this position */
  EDI_E_CONSTITUENTS = 16, /* too many constituents */
  EDI_E_UNSPECIFIED = 18,  /* unspecified error */
  EDI_E_SERVICE_CHAR = 20, /* character invalid as service character */
  EDI_E_CHARACTER = 21,    /* invalid character(s) */
  EDI_E_SERVICE_USE = 22,  /* invalid service character(s) (a release of a non-service char) */
  EDI_E_REFERENCE = 28,    /* references do not match */
  EDI_E_COUNT = 29,        /* control count does not match number of instances received */
  EDI_E_MIXED = 30,        /* groups and messages mixed */
  EDI_E_EMPTY = 32,        /* lower level empty */
  EDI_E_OUTSIDE = 33,      /* invalid occurrence outside message, package or group */
  EDI_E_REPETITIONS = 35,  /* too many data element or segment repetitions */
  EDI_E_GROUP_REPS = 36,   /* too many segment group repetitions */
  EDI_E_CHAR_TYPE = 37,    /* invalid type of character(s) */
  EDI_E_TOO_LONG = 39,     /* data element too long */
  EDI_E_TOO_SHORT = 40,    /* data element too short */
  EDI_E_CHARSET = 46,      /* character set not supported */
};

enum edi_severity {
  EDI_ERROR = 0,   /* the interchange or message does not conform: it is rejected */
  EDI_WARNING = 1, /* tolerated deviation, reported but not a reason to reject */
};

/* Where a problem belongs, for CONTRL (UCI/UCF/UCM/UCS/UCD). */
enum edi_level {
  EDI_LVL_INTERCHANGE = 1, /* UNA/UNB/UNZ, or data between messages */
  EDI_LVL_GROUP = 2,       /* UNG/UNE */
  EDI_LVL_MESSAGE = 3,     /* UNH/UNT, counts, structure (segment missing, out of place) */
  EDI_LVL_SEGMENT = 4,     /* a segment or one of its elements inside a message */
};

struct edi_pos {
  uint64_t offset; /* of the segment's first byte, or of the offending byte */
  uint32_t msg;    /* message number in the interchange (1-based), 0 outside a message */
  uint32_t seg;    /* segment number: in the message (UNH = 1), else in the interchange */
  char tag[4];     /* segment tag, "" when unknown */
  uint16_t elem;   /* element position, 0 for the whole segment */
  uint16_t comp;   /* component position, 0 for the whole element */
  uint16_t rep;    /* repetition, 0 when not applicable */
};

#define EDI_TEXT_MAX 160
struct edi_error {
  struct edi_pos pos;
  uint8_t severity;        /* enum edi_severity */
  uint8_t level;           /* enum edi_level */
  uint16_t code;           /* enum edi_code */
  char text[EDI_TEXT_MAX]; /* English explanation, UTF-8 */
};

/* A component value: UTF-8, release characters removed, not NUL-terminated. Valid only
 * during the callback that received it. */
struct edi_comp {
  const char *p;
  uint32_t len;
};

/* One occurrence of a data element: position pos (1-based), repetition rep (1-based),
 * components comp[first .. first + ncomp). */
struct edi_elem {
  uint16_t pos, rep, ncomp;
  uint32_t first;
};

struct edi_segment {
  char tag[4];
  uint64_t offset; /* stream offset of the tag */
  uint32_t msg;    /* as in struct edi_pos */
  uint32_t index;
  uint16_t npos; /* highest element position present */
  uint32_t nel;  /* element occurrences, ordered by (pos, rep) */
  const struct edi_elem *el;
  const struct edi_comp *comp;
};

/* Component c of repetition rep of element pos; an empty value when absent. */
struct edi_comp edi_seg_rep(const struct edi_segment *s, unsigned pos, unsigned rep, unsigned c);
/* Component c of the first occurrence of element pos; an empty value when absent. */
struct edi_comp edi_seg_get(const struct edi_segment *s, unsigned pos, unsigned c);
/* True when v equals the NUL-terminated string lit. */
int edi_comp_eq(struct edi_comp v, const char *lit);
/* Copies v into buf (capacity cap > 0) as a NUL-terminated string, truncating on a UTF-8
 * character boundary; returns buf. */
char *edi_comp_str(struct edi_comp v, char *buf, size_t cap);

/* Character repertoires (syntax identifier 0001). */
enum edi_charset {
  EDI_CS_NONE = 0, /* no UNB seen: printable ASCII and UTF-8 accepted */
  EDI_CS_UNOA,     /* also IATA */
  EDI_CS_UNOB,     /* also IATB */
  EDI_CS_UNOC,     /* ISO 8859-1, converted to UTF-8 */
  EDI_CS_UTF8,     /* UNOY, UNOW */
  EDI_CS_OTHER,    /* a valid identifier this parser cannot convert (UNOD..UNOK, UNOX) */
};

struct edi_interchange {
  int present; /* a UNB was seen (0 for a message-level stream: UNH..UNT only) */
  int una;     /* the interchange started with a UNA service string advice */
  char syntax_id[5];
  int version; /* 1..4, 0 when unknown */
  int charset; /* enum edi_charset */
  char sender[36], sender_qual[5], recipient[36], recipient_qual[5];
  char date[9], time[5];
  char ref[72]; /* control references: an..14, kept longer so that comparisons stay exact */
  int test;     /* UNB test indicator 0035 is 1 */
  uint64_t offset;
  uint32_t nmsgs, ngroups; /* seen so far */
  uint32_t nerrors;        /* errors (not warnings) reported so far in this interchange */
};

struct edi_group {
  char id[7], ref[72], sender[36], recipient[36];
  uint32_t nmsgs;
};

struct edi_message {
  uint32_t number; /* in the interchange, from 1 */
  char ref[72];    /* 0062 */
  char type[7], version[4], release[4], agency[3], assoc[7];
  uint32_t nsegs;   /* segments so far, UNH included */
  uint64_t offset;  /* of UNH */
  int closed;       /* ended by its UNT (at end callbacks) */
  uint32_t nerrors; /* errors (not warnings) so far in this message, all layers */
};

/* Envelope state at the time of a callback. */
struct edi_envelope {
  struct edi_interchange ic;
  struct edi_group grp;
  struct edi_message msg;
  int in_group, in_message;
  /* Separators in effect (rep 0: none, syntax versions 1-3). */
  unsigned char comp, elem, dec, rel, rep, term;
};

/* Callbacks. segment: return 0 to go on, non-zero to stop parsing (edi_parser_feed then
 * returns that value). error: every problem, syntax and (when chained) validation. end:
 * a message (EDI_LVL_MESSAGE), group or interchange ended, closed by its trailer or not;
 * env still describes it. Any callback may be NULL. */
struct edi_handler {
  void *ctx;
  int (*segment)(void *ctx, const struct edi_segment *s, const struct edi_envelope *env);
  void (*error)(void *ctx, const struct edi_error *e, const struct edi_envelope *env);
  void (*end)(void *ctx, int level, const struct edi_envelope *env);
};

struct edi_limits {
  size_t max_segment;  /* bytes in one segment (default 256 KiB) */
  size_t max_elements; /* element occurrences in one segment (default 1024) */
  size_t max_comps;    /* components in one segment (default 8192) */
};

struct edi_parser;

/* Creates a parser reporting to h (copied). lim may be NULL for defaults. Returns 0 or
 * -SW_ENOMEM / -SW_EINVAL; *out is owned by the caller (edi_parser_free). */
int edi_parser_new(struct edi_parser **out, const struct edi_handler *h,
                   const struct edi_limits *lim);
/* Frees p and what it holds; NULL is fine. */
void edi_parser_free(struct edi_parser *p);
/* Parses len more bytes of the stream. Returns 0, or the non-zero value a segment callback
 * returned (parsing stops; later calls return it again). Input problems are reported
 * through the error callback, never as a return value. */
int edi_parser_feed(struct edi_parser *p, const void *data, size_t len);
/* Ends the stream: reports an unterminated last segment and open messages, groups and
 * interchanges, and calls the end callbacks. Returns like edi_parser_feed. */
int edi_parser_finish(struct edi_parser *p);
/* Stage-1 tokenizer implementations (see edi_parse.c); all give identical results. */
enum edi_scan {
  EDI_SCAN_AUTO = 0,   /* the fastest the CPU supports (the default) */
  EDI_SCAN_SCALAR = 1, /* class table, byte by byte: any CPU */
  EDI_SCAN_AVX2 = 2,   /* 32-byte nibble lookups, x86-64 with AVX2 */
};
/* Chooses the tokenizer implementation (for tests and benchmarks); a kind the CPU or the
 * build cannot run falls back to scalar. Returns the kind now in use. Call it before
 * the first edi_parser_feed or between feeds. */
int edi_parser_set_scan(struct edi_parser *p, int kind);
/* Bytes fed so far. */
uint64_t edi_parser_offset(const struct edi_parser *p);
/* Segments delivered so far: one per segment callback, counted also when the handler has
 * no segment callback. */
uint64_t edi_parser_segments(const struct edi_parser *p);
/* Reports an error at pos through the parser's handler (for layers chained on it, such as
 * the validator), counting it in the envelope. text is printf-formatted. */
void edi_parser_report(struct edi_parser *p, const struct edi_pos *pos, int severity, int level,
                       int code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Like edi_parser_report for an error already filled in (its text formatted). */
void edi_parser_emit(struct edi_parser *p, const struct edi_error *e);

/* Static English name of an 0085 code ("missing", "invalid value", ...). */
const char *edi_code_name(int code);

#endif
