/* checkdigit.h - check digits of identifiers used in trade. */
#ifndef SW_CHECKDIGIT_H
#define SW_CHECKDIGIT_H

enum cd_result {
  CD_VALID = 0,
  CD_BAD_LENGTH = 1,
  CD_BAD_FORMAT = 2,
  CD_BAD_CHECK = 3,
};

/* IMO ship number: 7 digits (an optional "IMO" prefix is accepted), the last a check
 * digit: sum of the first six digits weighted 7..2, mod 10. */
enum cd_result cd_imo(const char *s);
/* ISO 6346 container number: 3-letter owner code, equipment category U, J or Z,
 * 6-digit serial, check digit. Case-insensitive. */
enum cd_result cd_iso6346(const char *s);
/* ISO 6346 check digit for the first n characters (letters A-Z, digits); -1 if a
 * character is not allowed. Used also for EU MRN. */
int cd_iso6346_compute(const char *s, int n);

#endif
