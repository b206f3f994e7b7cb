/* caller.h - who is calling: the identity every access decision is made on. */
#ifndef SW_CALLER_H
#define SW_CALLER_H
#include <stdint.h>

enum user_role {
  ROLE_NONE = 0,
  ROLE_DECLARANT,  /* a user of a party: trader, broker, carrier, bank, port operator */
  ROLE_OFFICER,    /* a user of an agency */
  ROLE_SUPERVISOR, /* an agency user who may also manage the agency's work */
  ROLE_ADMIN,      /* the system's administrator */
};

/* Party roles, a bit set (a party may be importer and exporter at once). */
enum party_role {
  PARTY_IMPORTER = 1 << 0,
  PARTY_EXPORTER = 1 << 1,
  PARTY_BROKER = 1 << 2,
  PARTY_CARRIER = 1 << 3,
  PARTY_BANK = 1 << 4,
  PARTY_PORT_OPERATOR = 1 << 5,
  PARTY_ECOMMERCE = 1 << 6,
  PARTY_LOGISTICS = 1 << 7,
};

struct caller {
  int64_t user_id; /* 0: anonymous */
  char login[64];
  enum user_role role;
  int64_t party_id; /* 0 when not a party user */
  char party_nid[40];
  unsigned party_roles;
  int64_t agency_id; /* 0 when not an agency user */
  char agency[16];
  int via_session; /* 1: cookie session (CSRF applies); 0: bearer token */
  char csrf[48];
};

/* Role names as stored and shown: "declarant", "officer", "supervisor", "administrator". */
const char *role_name(enum user_role r);
/* ROLE_NONE when the name is unknown. */
enum user_role role_parse(const char *name);
/* Parses "importer,broker" into a bit set; returns -1 on an unknown name. */
int party_roles_parse(const char *list, unsigned *out);
/* Writes the comma-separated names of a role set into buf. */
void party_roles_format(unsigned roles, char *buf, unsigned len);

#endif
