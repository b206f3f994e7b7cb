/* edi_dir.h - UN/EDIFACT directory tables (segments, composites, data elements, code
 * lists, message structures), generated at build time by tools/edi_dirgen.c from the
 * compact definitions in data/edifact/ (D96A, D96B, D01B, D03B; service syntax S3, S4).
 * Everything here is static read-only data: lookups allocate nothing and are thread-safe. */
#ifndef SW_EDI_DIR_H
#define SW_EDI_DIR_H
#include <stddef.h>
#include <stdint.h>

enum edi_type { EDI_T_A = 1, EDI_T_N = 2, EDI_T_AN = 3 };

/* A simple data element, a composite (ncomp > 0: components are els[first..first+ncomp))
 * or a component. */
struct edi_eldef {
  char id[5];        /* "3035", "C082" */
  uint8_t mandatory; /* M (1) or C (0) */
  uint8_t type;      /* enum edi_type; 0 for composites */
  uint16_t minlen;   /* characters; equal to maxlen for fixed-length formats (an3) */
  uint16_t maxlen;
  uint16_t repeat; /* occurrences allowed (segment positions; 1 for components) */
  uint16_t first;  /* composites: first component in els */
  uint8_t ncomp;   /* composites: number of components; 0 for simple elements */
  int16_t codes;   /* index into the directory's code lists, -1 when none */
};

struct edi_segdef {
  char tag[4];
  uint16_t first; /* positions: els[top[first + i]] for i < nel */
  uint8_t nel;
};

/* One entry of a message structure, pre-order: a group is followed by its entries up to
 * index end (relative to the message's first node); its first entry is the trigger. */
struct edi_node {
  char tag[8]; /* segment tag, or group name "SG12" */
  uint8_t group;
  uint8_t mandatory;
  uint32_t maxrep;
  uint16_t end; /* groups: index past the last entry */
  int16_t seg;  /* segments: index into segs, -1 when undefined */
};

struct edi_msgdef {
  char type[7];
  const struct edi_node *nodes;
  uint16_t n;
};

struct edi_codelist {
  char id[5];
  uint32_t first, n; /* codes[first..first+n), sorted */
};

struct edi_directory {
  const char *name;              /* "D96A", "S4" */
  const struct edi_segdef *segs; /* sorted by tag */
  size_t nsegs;
  const struct edi_eldef *els;
  const uint16_t *top;
  const struct edi_msgdef *msgs;
  size_t nmsgs;
  const struct edi_codelist *lists; /* sorted by id */
  size_t nlists;
  const uint32_t *codes; /* offset into pool << 5 | length */
  const char *pool;
};

extern const struct edi_directory edi_directories[];
extern const size_t edi_ndirectories;

/* The directory named name ("D96A"; service syntax: "S3", "S4"), or NULL. */
const struct edi_directory *edi_dir_find(const char *name);
/* The directory for a message's UNH version/release/agency ("D", "96A", "UN"), or NULL:
 * UN directories D96A..D03B, and the service directories for CONTRL, AUTACK, KEYMAN
 * (version 4 -> S4, "D"/"3" and "2" -> S3). */
const struct edi_directory *edi_dir_for_message(const char *version, const char *release,
                                                const char *agency, const char *type);
/* The segment definition of tag (3 bytes), or NULL. */
const struct edi_segdef *edi_dir_segment(const struct edi_directory *d, const char *tag);
/* The message structure of type ("ORDERS"), or NULL. */
const struct edi_msgdef *edi_dir_message(const struct edi_directory *d, const char *type);
/* Element definition at position pos (1-based) of segment sd, or NULL past the end. */
const struct edi_eldef *edi_dir_position(const struct edi_directory *d, const struct edi_segdef *sd,
                                         unsigned pos);
/* True when the code list idx of d contains the value p[0..len). */
int edi_dir_code_valid(const struct edi_directory *d, int idx, const char *p, size_t len);
/* The code list of data element id ("1001"), or -1. */
int edi_dir_codelist(const struct edi_directory *d, const char *id);

#endif
