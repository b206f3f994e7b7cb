/* refdata.h - reference data held in memory for validation and lookup: HS 2022
 * nomenclature, ISO 3166 countries, ISO 4217 currencies, UN/LOCODE locations.
 * Built once at start-up (add..., then refdata_finish), read-only and thread-safe after.
 * All strings returned point into the refdata and live as long as it does. */
#ifndef SW_REFDATA_H
#define SW_REFDATA_H
#include <stddef.h>

struct refdata; /* opaque */

struct hs_entry {
  const char *code; /* "03", "0306", "030617" */
  const char *description;
  const char *parent;  /* parent code, "" for chapters */
  const char *section; /* Roman numeral, "I".."XXI" */
  int level;           /* 2, 4 or 6 */
};

/* An HS section (I..XXI) and its title, for display next to a code. */
struct hs_section {
  const char *section; /* "I" */
  const char *name;
};

struct country {
  const char *alpha2, *alpha3, *numeric, *name;
};

struct currency {
  const char *code, *numeric, *name;
  int minor_unit; /* digits after the decimal point; -1 when not applicable */
};

struct location {
  const char *locode;  /* "CNSHA" */
  const char *country; /* "CN" */
  const char *name;
  const char *function; /* UN/LOCODE function string, "1-------" */
};

struct refdata *refdata_new(void);
void refdata_free(struct refdata *rd);

/* Adders copy their arguments. Return 0, -SW_EINVAL on a malformed code, -SW_ENOMEM. */
int refdata_add_hs(struct refdata *rd, const char *code, const char *description,
                   const char *parent, const char *section, int level);
int refdata_add_section(struct refdata *rd, const char *section, const char *name);
int refdata_add_country(struct refdata *rd, const char *alpha2, const char *alpha3,
                        const char *numeric, const char *name);
int refdata_add_currency(struct refdata *rd, const char *code, const char *numeric,
                         const char *name, int minor_unit);
int refdata_add_location(struct refdata *rd, const char *locode, const char *name,
                         const char *function);
/* Sorts and indexes; must be called once after the last add and before any lookup.
 * Of rows added twice with the same code the first is kept. Adding after it: -SW_ESTATE. */
int refdata_finish(struct refdata *rd);

/* Exact lookups; NULL when absent. Codes are matched case-sensitively in canonical form
 * (upper-case letters, digits only for HS). */
const struct hs_entry *refdata_hs(const struct refdata *rd, const char *code);
const struct hs_section *refdata_section(const struct refdata *rd, const char *section);
const struct country *refdata_country(const struct refdata *rd, const char *alpha2);
const struct currency *refdata_currency(const struct refdata *rd, const char *code);
const struct location *refdata_location(const struct refdata *rd, const char *locode);

/* True when an HS code of 6 digits exists, or an 8-10 digit national code whose first
 * 6 digits exist. Anything else (letters, odd lengths, unknown) is false. */
int refdata_hs_valid_national(const struct refdata *rd, const char *code);

/* Text search over HS descriptions (and codes by prefix when q is digits): fills out[]
 * with up to max entries, best ranked first; returns the count. Case-insensitive; all
 * words of q must match (prefix of a word); whole-word and 6-digit matches rank higher. */
size_t refdata_hs_search(const struct refdata *rd, const char *q, const struct hs_entry **out,
                         size_t max);
/* Name search for countries, currencies and locations: case-insensitive substring over
 * code and name; returns the count written to out. */
size_t refdata_country_search(const struct refdata *rd, const char *q, const struct country **out,
                              size_t max);
size_t refdata_currency_search(const struct refdata *rd, const char *q, const struct currency **out,
                               size_t max);
size_t refdata_location_search(const struct refdata *rd, const char *q, const struct location **out,
                               size_t max);

/* Counts, for health output and tests. */
size_t refdata_hs_count(const struct refdata *rd);
size_t refdata_section_count(const struct refdata *rd);
size_t refdata_country_count(const struct refdata *rd);
size_t refdata_currency_count(const struct refdata *rd);
size_t refdata_location_count(const struct refdata *rd);

#endif
