/* edi_dir.c - lookups in the generated directory tables (see edi_dir.h). */
#include "codec/edifact/edi_dir.h"

#include <string.h>

const struct edi_directory *edi_dir_find(const char *name) {
  for (size_t i = 0; i < edi_ndirectories; i++)
    if (!strcmp(edi_directories[i].name, name)) return &edi_directories[i];
  return NULL;
}

const struct edi_directory *edi_dir_for_message(const char *version, const char *release,
                                                const char *agency, const char *type) {
  char name[16];
  if (strcmp(agency, "UN") != 0) return NULL;
  if (!strcmp(type, "CONTRL") || !strcmp(type, "AUTACK") || !strcmp(type, "KEYMAN")) {
    if (!strcmp(version, "4")) return edi_dir_find("S4");
    if ((!strcmp(version, "D") && !strcmp(release, "3")) || !strcmp(version, "2") ||
        !strcmp(version, "3"))
      return edi_dir_find("S3");
    return NULL;
  }
  if (strcmp(version, "D") != 0 || strlen(release) != 3) return NULL;
  name[0] = 'D';
  memcpy(name + 1, release, 4);
  return edi_dir_find(name);
}

const struct edi_segdef *edi_dir_segment(const struct edi_directory *d, const char *tag) {
  size_t lo = 0, hi = d->nsegs;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *t = d->segs[mid].tag;
    int c = t[0] != tag[0] ? t[0] - tag[0] : t[1] != tag[1] ? t[1] - tag[1] : t[2] - tag[2];
    if (c == 0) return &d->segs[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const struct edi_msgdef *edi_dir_message(const struct edi_directory *d, const char *type) {
  for (size_t i = 0; i < d->nmsgs; i++)
    if (!strcmp(d->msgs[i].type, type)) return &d->msgs[i];
  return NULL;
}

const struct edi_eldef *edi_dir_position(const struct edi_directory *d, const struct edi_segdef *sd,
                                         unsigned pos) {
  if (pos < 1 || pos > sd->nel) return NULL;
  return &d->els[d->top[sd->first + pos - 1]];
}

int edi_dir_code_valid(const struct edi_directory *d, int idx, const char *p, size_t len) {
  if (idx < 0 || (size_t)idx >= d->nlists) return 1;
  const struct edi_codelist *l = &d->lists[idx];
  size_t lo = 0, hi = l->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    uint32_t e = d->codes[l->first + mid];
    const char *c = d->pool + (e >> 5);
    size_t cl = e & 31;
    /* codes are short: an inline compare beats a library call */
    size_t n = cl < len ? cl : len, k = 0;
    while (k < n && c[k] == p[k])
      k++;
    int r = k < n ? (unsigned char)c[k] - (unsigned char)p[k] : cl < len ? -1 : cl > len ? 1 : 0;
    if (r == 0) return 1;
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

int edi_dir_codelist(const struct edi_directory *d, const char *id) {
  size_t lo = 0, hi = d->nlists;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(d->lists[mid].id, id);
    if (c == 0) return (int)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}
