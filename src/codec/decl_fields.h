/* decl_fields.h - the declaration's JSON fields as tables: one per JSON object, naming
 * each field, its kind and where it lives in struct decl. The JSON decoders
 * (decl_json.c, decl_fast.c) and the encoders walk the same tables, so what one writes
 * the others read. Private to src/codec. */
#ifndef SW_DECL_FIELDS_H
#define SW_DECL_FIELDS_H
#include <stddef.h>

#include "core/decl.h"

enum fkind {
  F_STR,    /* char * */
  F_MONEY,  /* int64_t at DEC_SCALE_MONEY + bool has */
  F_QTY,    /* int64_t at DEC_SCALE_QTY + bool has */
  F_INT,    /* int64_t + bool has */
  F_BOOL,   /* bool + bool has */
  F_OBJ,    /* embedded struct + bool has */
  F_STRARR, /* char ** + size_t count */
  F_OBJARR, /* struct * + size_t count (+ optional bool has) */
};

#define NOHAS ((size_t)-1)

struct objdesc;

struct fdesc {
  const char *name;
  enum fkind kind;
  unsigned types; /* declaration types the field belongs to; 0 = all */
  size_t off;
  size_t has_off; /* NOHAS when the field has no presence flag */
  size_t cnt_off; /* arrays */
  size_t max;     /* arrays: hard bound */
  const char *too_many_code;
  const struct objdesc *sub; /* F_OBJ, F_OBJARR */
};

struct objdesc {
  size_t size; /* element size, for arrays of objects */
  const struct fdesc *fields;
  size_t n;
};

#define AT(base, off, T) ((T *)((char *)(base) + (off)))
#define CAT(base, off, T) ((const T *)((const char *)(base) + (off)))

/* The top level of a declaration, in output order ("type" is handled by hand). */
extern const struct objdesc decl_fields;

#endif
