#include "checkdigit.h"

#include <stddef.h>

static int cd_is_digit(char c) { return c >= '0' && c <= '9'; }
static char cd_upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }
static int cd_is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* ISO 6346 letter values run from A=10 and skip the multiples of 11 (11, 22, 33). */
static const signed char cd_letter_value[26] = {10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24,
                                                25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38};

static int cd_iso6346_value(char c) {
  c = cd_upper(c);
  if (cd_is_digit(c)) return c - '0';
  if (!cd_is_upper(c)) return -1;
  return cd_letter_value[c - 'A'];
}

int cd_iso6346_compute(const char *s, int n) {
  if (!s || n < 0) return -1;
  int sum = 0, weight = 1; /* both kept mod 11: only the residue matters */
  for (int i = 0; i < n; i++) {
    if (s[i] == '\0') return -1;
    int v = cd_iso6346_value(s[i]);
    if (v < 0) return -1;
    sum = (sum + v * weight) % 11;
    weight = weight * 2 % 11;
  }
  return sum % 10;
}

enum cd_result cd_iso6346(const char *s) {
  if (!s) return CD_BAD_LENGTH;
  size_t n = 0;
  while (s[n] && n < 12)
    n++;
  if (n != 11) return CD_BAD_LENGTH;
  for (int i = 0; i < 3; i++)
    if (!cd_is_upper(cd_upper(s[i]))) return CD_BAD_FORMAT;
  char cat = cd_upper(s[3]);
  if (cat != 'U' && cat != 'J' && cat != 'Z') return CD_BAD_FORMAT;
  for (int i = 4; i < 11; i++)
    if (!cd_is_digit(s[i])) return CD_BAD_FORMAT;
  int cd = cd_iso6346_compute(s, 10);
  if (cd < 0) return CD_BAD_FORMAT;
  return cd == s[10] - '0' ? CD_VALID : CD_BAD_CHECK;
}

enum cd_result cd_imo(const char *s) {
  if (!s) return CD_BAD_LENGTH;
  if (cd_upper(s[0]) == 'I' && cd_upper(s[1]) == 'M' && cd_upper(s[2]) == 'O') {
    s += 3;
    if (*s == ' ') s++;
  }
  size_t n = 0;
  while (s[n] && n < 8)
    n++;
  if (n != 7) return CD_BAD_LENGTH;
  int sum = 0;
  for (int i = 0; i < 7; i++)
    if (!cd_is_digit(s[i])) return CD_BAD_FORMAT;
  for (int i = 0; i < 6; i++)
    sum += (s[i] - '0') * (7 - i);
  return sum % 10 == s[6] - '0' ? CD_VALID : CD_BAD_CHECK;
}
