/* decl.h - the canonical declaration model (goods declarations IM/EX, vessel calls VA/VD)
 * and its validation. Every channel (JSON, EDIFACT, XML) decodes into struct decl; from
 * there on the pipeline is one: canonicalize -> validate -> route -> persist.
 *
 * Ownership: all strings and arrays are owned by the arena the codec decoded into; a NULL
 * string means "absent" (codecs and decl_canonicalize turn empty strings into NULL).
 * Numbers carry a has_* flag. Money is an int64 at DEC_SCALE_MONEY (hundredths of the
 * invoice currency); quantities and masses are int64 at DEC_SCALE_QTY (thousandths). */
#ifndef SW_DECL_H
#define SW_DECL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct refdata;
struct errlist;

enum decl_type {
  DECL_TYPE_NONE = 0,
  DECL_IM = 1, /* import goods declaration */
  DECL_EX = 2, /* export goods declaration */
  DECL_VA = 3, /* vessel arrival */
  DECL_VD = 4, /* vessel departure */
};
#define DECL_TYPE_BIT(t) (1u << (unsigned)(t))
#define DECL_TYPES_GOODS (DECL_TYPE_BIT(DECL_IM) | DECL_TYPE_BIT(DECL_EX))
#define DECL_TYPES_VESSEL (DECL_TYPE_BIT(DECL_VA) | DECL_TYPE_BIT(DECL_VD))
#define DECL_TYPES_ALL (DECL_TYPES_GOODS | DECL_TYPES_VESSEL)

/* Hard bounds: codecs never decode past them, validation reports them. */
#define DECL_MAX_ITEMS 999
#define DECL_MAX_CONTAINERS 100
#define DECL_MAX_DOCUMENTS 10 /* per item */
#define DECL_MAX_CREW 500
/* Text bounds in characters (Unicode code points). */
#define DECL_REFERENCE_MAX 35
#define DECL_PARTY_ID_MAX 35
#define DECL_NAME_MAX 140 /* party, vessel and crew names */
#define DECL_DESCRIPTION_MAX 512
#define DECL_VOYAGE_MAX 17
#define DECL_BOL_MAX 35
#define DECL_DOC_TYPE_MAX 35
#define DECL_DOC_NUMBER_MAX 70
#define DECL_CALL_SIGN_MAX 12
#define DECL_RANK_MAX 70
#define DECL_CARGO_SUMMARY_MAX 2000
/* Bytes a codec may copy for any one string, before validation judges its length. */
#define DECL_TEXT_HARD_MAX 8192

struct decl_party {
  char *id;   /* national id of the party (an..35) */
  char *name; /* optional */
};

struct decl_document {
  char *type;   /* e.g. "phyto"; kept as given (trimmed) */
  char *number; /* the document's own number */
};

struct decl_item {
  int64_t seq; /* 1..999, unique within the declaration */
  char *hs;    /* 6 digits, or 8-10 national digits */
  char *description;
  char *origin;                       /* ISO 3166 alpha-2 */
  char *unit;                         /* UN/ECE Rec 20 code, e.g. "KGM" */
  int64_t quantity, net_kg, gross_kg; /* DEC_SCALE_QTY */
  int64_t value;                      /* DEC_SCALE_MONEY, in the invoice currency */
  bool has_seq, has_quantity, has_net_kg, has_gross_kg, has_value;
  struct decl_document *documents;
  size_t n_documents;
};

struct decl_transport {
  char *mode; /* UN Rec 19, one digit: "1" sea, "4" air, ... */
  char *vessel_imo;
  char *voyage;
  char *bill_of_lading;
  char *loading, *discharge; /* UN/LOCODE */
  char *arrival;             /* RFC 3339 UTC */
  char **containers;         /* ISO 6346 */
  size_t n_containers;
};

struct decl_invoice {
  char *currency; /* ISO 4217 */
  char *incoterm; /* Incoterms 2020 */
  int64_t total;  /* DEC_SCALE_MONEY */
  bool has_total;
  /* Optional, in the invoice currency: added to the customs value when the Incoterm
     leaves them out (EXW, FCA, FAS, FOB: both; CFR, CPT: insurance). */
  int64_t freight, insurance;
  bool has_freight, has_insurance;
};

/* IM and EX. */
struct decl_goods {
  char *procedure; /* 4 digits */
  struct decl_party importer, exporter, declarant;
  bool has_importer, has_exporter, has_declarant;
  char *destination; /* ISO 3166 alpha-2; required for EX */
  struct decl_transport transport;
  bool has_transport;
  struct decl_invoice invoice;
  bool has_invoice;
  struct decl_item *items;
  size_t n_items;
};

struct decl_vessel {
  char *imo; /* 7 digits with a valid check digit */
  char *name;
  char *flag; /* ISO 3166 alpha-2 */
  char *call_sign;
  int64_t gross_tonnage;
  bool has_gross_tonnage;
};

struct decl_crew {
  char *name;
  char *nationality; /* ISO 3166 alpha-2 */
  char *rank;
};

/* VA and VD. */
struct decl_vcall {
  struct decl_vessel vessel;
  bool has_vessel;
  char *voyage;
  char *eta, *etd;             /* RFC 3339 UTC */
  char *last_port, *next_port; /* UN/LOCODE */
  int64_t crew_count, passenger_count, security_level;
  bool has_crew_count, has_passenger_count, has_security_level;
  struct decl_crew *crew;
  size_t n_crew;
  bool has_crew; /* crew list given (possibly empty): its length must equal crew_count */
  char *cargo_summary;
  bool dangerous_goods, has_dangerous_goods;
  char *sanitation_certificate_expiry; /* YYYY-MM-DD */
  struct decl_party carrier;
  bool has_carrier;
};

struct decl {
  enum decl_type type;
  char *reference;         /* the declarant's own number (WCO LRN), 1..35 printable ASCII */
  char *office;            /* UN/LOCODE: the customs office (IM/EX), or the port of call (VA/VD,
                              "port" in JSON) */
  struct decl_goods goods; /* used when type is IM or EX; zero otherwise */
  struct decl_vcall vcall; /* used when type is VA or VD; zero otherwise */
};

/* Tunable limits; values beyond the hard bounds above are clamped to them. */
struct decl_limits {
  size_t max_items;        /* <= DECL_MAX_ITEMS */
  int64_t total_tolerance; /* |sum(items.value) - invoice.total| allowed, in minor units */
};

/* Defaults: max_items DECL_MAX_ITEMS, total_tolerance 0. */
void decl_limits_default(struct decl_limits *lim);

/* "IM", "EX", "VA", "VD", or "" for DECL_TYPE_NONE. */
const char *decl_type_name(enum decl_type t);
/* Parses a type code (exact, upper-case); DECL_TYPE_NONE when unknown. */
enum decl_type decl_type_parse(const char *s);
/* The same for n bytes of s in either case ("im" is IM), as the JSON channel accepts it. */
enum decl_type decl_type_parse_any_case(const char *s, size_t n);

/* Puts d into canonical form in place: trims every string, turns empty strings into
 * NULL, upper-cases codes (countries, currencies, locodes, units, incoterm, containers,
 * call sign), removes '.' and spaces from HS codes, spaces and '-' from container
 * numbers, an "IMO" prefix from IMO numbers. Never fails; run it before decl_validate
 * (decl_from_json does). Free text (names, descriptions, reference, ids) keeps its case. */
void decl_canonicalize(struct decl *d);

/* Checks d against the rules of its type and reference data, appending EVERY problem
 * found to errs (JSON Pointer path, stable code from docs/validation-codes.md). It never
 * stops at the first problem. It does not report "required" for a path where errs
 * already holds a problem (a codec's bad_type, say), so decode and validation problems
 * can share one list. lim may be NULL for defaults. Allocates nothing. Returns 0 when
 * errs holds no problem afterwards, -SW_EVALIDATION otherwise. Thread-safe. */
int decl_validate(const struct decl *d, const struct refdata *rd, const struct decl_limits *lim,
                  struct errlist *errs);

/* True when s is one of the Incoterms 2020 codes (EXW FCA CPT CIP DAP DPU DDP FAS FOB CFR
 * CIF), exact upper case. */
bool decl_incoterm_valid(const char *s);

/* Byte length of the longest prefix of s, at most max bytes, that does not split a UTF-8
 * character: for echoing input in bounded messages that must stay valid UTF-8 (use as
 * "%.*s", (int)decl_utf8_clip(s, 40), s). */
size_t decl_utf8_clip(const char *s, size_t max);

/* RFC 3339 date-time in UTC: "YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z" ('T' and 'Z' also in lower
 * case). Sets microseconds since 1970-01-01T00:00:00Z (years 1900..9999, may be negative).
 * Returns 0 or -SW_EINVAL. */
int decl_datetime_parse(const char *s, int64_t *us);
/* "YYYY-MM-DD"; sets days since 1970-01-01. Returns 0 or -SW_EINVAL. */
int decl_date_parse(const char *s, int64_t *days);

#endif
