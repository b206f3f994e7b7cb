#include "core/caller.h"

#include <stdio.h>
#include <string.h>

static const char *const ROLE_NAMES[] = {"", "declarant", "officer", "supervisor",
                                         "administrator"};
static const char *const PARTY_ROLE_NAMES[] = {"importer", "exporter",      "broker",
                                               "carrier",  "bank",          "port_operator",
                                               "ecommerce", "logistics"};
#define N_PARTY_ROLES (sizeof PARTY_ROLE_NAMES / sizeof PARTY_ROLE_NAMES[0])

const char *role_name(enum user_role r) {
  return (r > ROLE_NONE && r <= ROLE_ADMIN) ? ROLE_NAMES[r] : "";
}

enum user_role role_parse(const char *name) {
  for (int r = ROLE_DECLARANT; r <= ROLE_ADMIN; r++)
    if (strcmp(name, ROLE_NAMES[r]) == 0) return (enum user_role)r;
  return ROLE_NONE;
}

int party_roles_parse(const char *list, unsigned *out) {
  unsigned set = 0;
  const char *p = list;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    size_t i;
    for (i = 0; i < N_PARTY_ROLES; i++)
      if (strlen(PARTY_ROLE_NAMES[i]) == len && strncmp(p, PARTY_ROLE_NAMES[i], len) == 0) break;
    if (i == N_PARTY_ROLES) return -1;
    set |= 1u << i;
    p += len;
    if (*p == ',') p++;
  }
  *out = set;
  return 0;
}

void party_roles_format(unsigned roles, char *buf, unsigned len) {
  size_t off = 0;
  if (len) buf[0] = 0;
  for (size_t i = 0; i < N_PARTY_ROLES; i++) {
    if (!(roles & (1u << i))) continue;
    int n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", PARTY_ROLE_NAMES[i]);
    if (n < 0 || (size_t)n >= len - off) return;
    off += (size_t)n;
  }
}
