/* edi_dirgen.c - UN/EDIFACT directory converter (a build tool, not part of the product).
 *
 *   edi_dirgen xml NAME XMLDIR [--codes FILE] [--edsd FILE] [--edcd FILE] > NAME.edd
 *       Reads one directory in the php-edifact/edifact-mapping XML layout (XMLDIR/segments.xml,
 *       XMLDIR/codes.xml or --codes FILE, XMLDIR/messages/\*.xml) and, optionally, the raw
 *       UNTDID texts: the segment directory (EDSD.nnn) for data element repetition counts,
 *       which the XML does not carry, and the composite directory (EDCD.nnn), whose
 *       components replace the XML's where they differ (the XML lost some in D01B/D03B). Writes the
 * compact line format below on stdout. Run by a developer when a directory is added; the .edd files
 * are what the project ships. edi_dirgen c OUT.c FILE.edd... Build time: turns the compact files
 * into C tables (struct edi_directory, see src/codec/edifact/edi_dir.h), written to OUT.c.
 *
 * Compact format (.edd), one record per line, '#' starts a comment line:
 *   D NAME                      directory (first record)
 *   S TAG                       segment; its elements follow
 *   E ID M|C REPEAT FORMAT      simple data element (FORMAT like an..35, n3, a..4)
 *   C ID M|C REPEAT             composite data element; its components follow
 *   c ID M|C FORMAT             component data element
 *   M TYPE                      message structure; its entries follow
 *   s TAG M|C MAXREPEAT         segment entry
 *   g NAME M|C MAXREPEAT        segment group start (its first entry is the trigger)
 *   e                           segment group end
 *   L ID CODE...                code list of data element ID (may continue on more L lines)
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strtok_r, also when built outside CMake */
#endif
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (64u * 1024 * 1024)

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("edi_dirgen: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = xrealloc(NULL, n);
  memcpy(p, s, n);
  return p;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open %s: %s", path, strerror(errno));
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 65536 + 1 > cap) {
      cap = cap ? cap * 2 : 131072;
      if (cap > MAX_FILE) die("%s: too large", path);
      buf = xrealloc(buf, cap);
    }
    size_t r = fread(buf + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0) break;
  }
  if (ferror(f)) die("cannot read %s", path);
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

/* ---- a minimal XML tag scanner: enough for the mapping files (no DTD, no CDATA) ---- */

#define XML_MAX_ATTR 16
struct xtag {
  char name[64];
  int end;   /* </name> */
  int empty; /* <name/> */
  int nattr;
  char key[XML_MAX_ATTR][32];
  char val[XML_MAX_ATTR][256];
};

static void xml_unescape(char *dst, size_t cap, const char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < cap; i++) {
    if (s[i] == '&') {
      static const struct {
        const char *e;
        char c;
      } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      size_t k;
      for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
        size_t el = strlen(ents[k].e);
        if (i + el <= n && !memcmp(s + i, ents[k].e, el)) {
          dst[o++] = ents[k].c;
          i += el - 1;
          break;
        }
      }
      if (k < sizeof ents / sizeof ents[0]) continue;
    }
    dst[o++] = s[i];
  }
  dst[o] = 0;
}

/* Reads the next tag at or after *pos; returns 0 at the end of the text. */
static int xml_next(const char *txt, size_t len, size_t *pos, struct xtag *t, const char *path) {
  size_t i = *pos;
  for (;;) {
    while (i < len && txt[i] != '<')
      i++;
    if (i >= len) return 0;
    if (!strncmp(txt + i, "<?", 2)) {
      const char *e = strstr(txt + i, "?>");
      if (!e) die("%s: unterminated <?", path);
      i = (size_t)(e - txt) + 2;
      continue;
    }
    if (!strncmp(txt + i, "<!--", 4)) {
      const char *e = strstr(txt + i, "-->");
      if (!e) die("%s: unterminated comment", path);
      i = (size_t)(e - txt) + 3;
      continue;
    }
    break;
  }
  memset(t, 0, sizeof *t);
  i++;
  if (i < len && txt[i] == '/') {
    t->end = 1;
    i++;
  }
  size_t n = 0;
  while (i < len && (isalnum((unsigned char)txt[i]) || txt[i] == '_' || txt[i] == '-')) {
    if (n + 1 >= sizeof t->name) die("%s: tag name too long", path);
    t->name[n++] = txt[i++];
  }
  t->name[n] = 0;
  for (;;) {
    while (i < len && isspace((unsigned char)txt[i]))
      i++;
    if (i >= len) die("%s: unterminated tag <%s", path, t->name);
    if (txt[i] == '>') {
      i++;
      break;
    }
    if (txt[i] == '/' && i + 1 < len && txt[i + 1] == '>') {
      t->empty = 1;
      i += 2;
      break;
    }
    size_t ks = i;
    while (i < len && txt[i] != '=' && !isspace((unsigned char)txt[i]))
      i++;
    size_t kl = i - ks;
    while (i < len && isspace((unsigned char)txt[i]))
      i++;
    if (i >= len || txt[i] != '=') die("%s: bad attribute in <%s", path, t->name);
    i++;
    while (i < len && isspace((unsigned char)txt[i]))
      i++;
    if (i >= len || (txt[i] != '"' && txt[i] != '\'')) die("%s: unquoted attribute", path);
    char q = txt[i++];
    size_t vs = i;
    while (i < len && txt[i] != q)
      i++;
    if (i >= len) die("%s: unterminated attribute", path);
    if (t->nattr < XML_MAX_ATTR && kl < sizeof t->key[0]) {
      memcpy(t->key[t->nattr], txt + ks, kl);
      t->key[t->nattr][kl] = 0;
      xml_unescape(t->val[t->nattr], sizeof t->val[0], txt + vs, i - vs);
      t->nattr++;
    }
    i++;
  }
  *pos = i;
  return 1;
}

static const char *xml_attr(const struct xtag *t, const char *key) {
  for (int i = 0; i < t->nattr; i++)
    if (!strcmp(t->key[i], key)) return t->val[i];
  return NULL;
}

/* ---- xml mode ---- */

struct rep {
  char tag[4];
  int pos; /* 1-based element position */
  char id[5];
  int repeat;
};

/* Reads element repetition counts from a raw UNTDID EDSD text: lines "NNN    ID  NAME ... M|C  R".
 */
static struct rep *edsd_read(const char *path, size_t *nrep) {
  size_t len;
  char *txt = read_file(path, &len);
  struct rep *r = NULL;
  size_t n = 0, cap = 0;
  char tag[4] = "";
  char *save = NULL;
  for (char *line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    size_t l = strlen(line);
    while (l && (line[l - 1] == '\r' || line[l - 1] == ' '))
      line[--l] = 0;
    /* Segment header: up to 7 columns of change marks/spaces, TAG, two spaces, NAME. */
    if (l > 12 && isupper((unsigned char)line[7]) && isalnum((unsigned char)line[8]) &&
        isalnum((unsigned char)line[9]) && line[10] == ' ' && line[11] == ' ' &&
        isupper((unsigned char)line[12])) {
      int marks = 1;
      for (int k = 0; k < 7; k++)
        if (isalnum((unsigned char)line[k])) marks = 0;
      if (marks) {
        memcpy(tag, line + 7, 3);
        tag[3] = 0;
        continue;
      }
    }
    if (l < 20 || !isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
        !isdigit((unsigned char)line[2]) || line[3] != ' ' || !tag[0])
      continue;
    int pos = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    const char *p = line + 3;
    while (*p == ' ')
      p++;
    char id[5] = "";
    size_t k = 0;
    while (k < 4 && isalnum((unsigned char)p[k])) {
      id[k] = p[k];
      k++;
    }
    id[k] = 0;
    /* Status and repetition: the last "M|C <digits>" pair on the line. */
    int repeat = 0;
    for (size_t j = l; j-- > 20;) {
      if ((line[j] == 'M' || line[j] == 'C') && line[j - 1] == ' ' && line[j + 1] == ' ') {
        const char *q = line + j + 1;
        while (*q == ' ')
          q++;
        if (isdigit((unsigned char)*q)) repeat = (int)strtol(q, NULL, 10);
        break;
      }
    }
    if (repeat <= 0 || pos % 10) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      r = xrealloc(r, cap * sizeof *r);
    }
    memcpy(r[n].tag, tag, 4);
    r[n].pos = pos / 10;
    memcpy(r[n].id, id, 5);
    r[n].repeat = repeat;
    n++;
  }
  free(txt);
  *nrep = n;
  return r;
}

struct rcomp {
  char id[5]; /* composite */
  int n;
  char cid[32][5];
  char status[32];
  char fmt[32][16];
};

static int is_format(const char *t) {
  const char *p = t;
  if (!strncmp(p, "an", 2))
    p += 2;
  else if (*p == 'a' || *p == 'n')
    p++;
  else
    return 0;
  if (!strncmp(p, "..", 2)) p += 2;
  if (!isdigit((unsigned char)*p)) return 0;
  while (isdigit((unsigned char)*p))
    p++;
  return *p == 0;
}

/* Reads composite definitions from a raw UNTDID composite directory (EDCD.nnn): a header
 * "Cnnn NAME", then "NNN  ID  Name ... M|C  FORMAT" per component (a long name may wrap
 * onto the next line). Change marks in the first columns are ignored. */
static struct rcomp *edcd_read(const char *path, size_t *ncomp) {
  size_t len;
  char *txt = read_file(path, &len);
  struct rcomp *r = NULL;
  size_t n = 0, cap = 0;
  struct rcomp *cur = NULL;
  char pending[256] = ""; /* a component line whose status/format wrapped */
  char *save = NULL;
  for (char *line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    size_t l = strlen(line);
    while (l && (line[l - 1] == '\r' || line[l - 1] == ' '))
      line[--l] = 0;
    char *p = line;
    int k = 0;
    while (k < 7 && *p && strchr(" +*#|X-", *p)) {
      p++;
      k++;
    }
    while (*p == ' ')
      p++;
    if (!strncmp(line, "----", 4)) {
      cur = NULL;
      pending[0] = 0;
      continue;
    }
    if ((p[0] == 'C' || p[0] == 'S') && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && p[4] == ' ' &&
        !isdigit((unsigned char)line[0])) {
      const char *q = p + 4;
      while (*q == ' ')
        q++;
      if (isupper((unsigned char)*q)) {
        if (n == cap) {
          cap = cap ? cap * 2 : 256;
          r = xrealloc(r, cap * sizeof *r);
        }
        cur = &r[n++];
        memset(cur, 0, sizeof *cur);
        memcpy(cur->id, p, 4);
        pending[0] = 0;
        continue;
      }
    }
    if (!cur) continue;
    if (isdigit((unsigned char)line[0]) && isdigit((unsigned char)line[1]) &&
        isdigit((unsigned char)line[2])) {
      snprintf(pending, sizeof pending, "%s", line + 3);
    } else if (pending[0] && l) {
      size_t pl = strlen(pending);
      if (pl + 1 + l < sizeof pending) {
        pending[pl] = ' ';
        memcpy(pending + pl + 1, line, l + 1);
      }
    } else {
      continue;
    }
    /* Complete when it ends with "M|C FORMAT". */
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", pending);
    char *tok[64];
    int nt = 0;
    char *sv = NULL;
    for (char *t = strtok_r(tmp, " ", &sv); t && nt < 64; t = strtok_r(NULL, " ", &sv))
      tok[nt++] = t;
    if (nt < 3 || !is_format(tok[nt - 1]) || (strcmp(tok[nt - 2], "M") && strcmp(tok[nt - 2], "C")))
      continue;
    int t0 = 0;
    while (t0 < nt && strspn(tok[t0], "+*#|X-") == strlen(tok[t0]))
      t0++;
    if (t0 < nt && strlen(tok[t0]) == 4 && cur->n < 32) {
      memcpy(cur->cid[cur->n], tok[t0], 5);
      cur->status[cur->n] = tok[nt - 2][0];
      snprintf(cur->fmt[cur->n], sizeof cur->fmt[0], "%s", tok[nt - 1]);
      cur->n++;
    }
    pending[0] = 0;
  }
  free(txt);
  *ncomp = n;
  return r;
}

static const char *fmt_of(const struct xtag *t, char *buf, size_t cap, const char *path) {
  const char *type = xml_attr(t, "type");
  const char *len = xml_attr(t, "length");
  const char *max = xml_attr(t, "maxlength");
  if (!type) type = "an";
  if (strcmp(type, "a") && strcmp(type, "n") && strcmp(type, "an"))
    die("%s: element %s has type %s", path, xml_attr(t, "id"), type);
  if (len)
    snprintf(buf, cap, "%s%s", type, len);
  else if (max)
    snprintf(buf, cap, "%s..%s", type, max);
  else
    snprintf(buf, cap, "%s..35", type); /* none given: the common default */
  return buf;
}

static int is_required(const struct xtag *t) {
  const char *r = xml_attr(t, "required");
  return r && !strcmp(r, "true");
}

static void xml_segments(const char *path, const struct rep *reps, size_t nrep,
                         const struct rcomp *rc, size_t nrc) {
  size_t len, pos = 0;
  char *txt = read_file(path, &len);
  struct xtag t;
  char fmt[32];
  char tag[4] = "";
  char comp_id[8] = "";
  static char clines[64][48];
  int ncl = 0;
  int in_comp = 0, elpos = 0, checked = 0, mismatched = 0;
  while (xml_next(txt, len, &pos, &t, path)) {
    if (!strcmp(t.name, "segment") && !t.end) {
      const char *id = xml_attr(&t, "id");
      if (!id || strlen(id) != 3) die("%s: segment without a 3-letter id", path);
      memcpy(tag, id, 4);
      elpos = 0;
      printf("S %s\n", id);
    } else if (!strcmp(t.name, "composite_data_element") && !t.end) {
      const char *id = xml_attr(&t, "id");
      int repeat = 1;
      elpos++;
      for (size_t i = 0; i < nrep; i++)
        if (!strcmp(reps[i].tag, tag) && reps[i].pos == elpos) {
          checked++;
          if (strcmp(reps[i].id, id)) {
            mismatched++;
            fprintf(stderr, "mismatch %s pos %d: edsd %s xml %s\n", tag, elpos, reps[i].id, id);
          } else
            repeat = reps[i].repeat;
        }
      printf("C %s %c %d\n", id, is_required(&t) ? 'M' : 'C', repeat);
      snprintf(comp_id, sizeof comp_id, "%s", id);
      ncl = 0;
      in_comp = !t.empty;
    } else if (!strcmp(t.name, "composite_data_element") && t.end) {
      /* The raw directory wins where the XML lost components. */
      const struct rcomp *raw = NULL;
      for (size_t i = 0; i < nrc; i++)
        if (!strcmp(rc[i].id, comp_id)) raw = &rc[i];
      int same = raw && raw->n == ncl;
      for (int i = 0; same && i < ncl; i++)
        if (strncmp(clines[i] + 2, raw->cid[i], 4)) same = 0;
      if (raw) {
        if (!same)
          fprintf(stderr,
                  "edi_dirgen: %s: composite %s: %d components in the XML, %d in the raw "
                  "directory; raw used\n",
                  path, comp_id, ncl, raw->n);
        for (int i = 0; i < raw->n; i++)
          printf("c %s %c %s\n", raw->cid[i], raw->status[i], raw->fmt[i]);
      } else {
        for (int i = 0; i < ncl; i++)
          printf("%s\n", clines[i]);
      }
      in_comp = 0;
    } else if (!strcmp(t.name, "data_element") && !t.end) {
      const char *id = xml_attr(&t, "id");
      if (!id) die("%s: data_element without id", path);
      if (in_comp) {
        if (ncl == 64) die("%s: composite %s with too many components", path, comp_id);
        snprintf(clines[ncl++], sizeof clines[0], "c %s %c %s", id, is_required(&t) ? 'M' : 'C',
                 fmt_of(&t, fmt, sizeof fmt, path));
      } else {
        int repeat = 1;
        elpos++;
        for (size_t i = 0; i < nrep; i++)
          if (!strcmp(reps[i].tag, tag) && reps[i].pos == elpos) {
            checked++;
            if (strcmp(reps[i].id, id)) {
              mismatched++;
              fprintf(stderr, "mismatch %s pos %d: edsd %s xml %s\n", tag, elpos, reps[i].id, id);
            } else
              repeat = reps[i].repeat;
          }
        printf("E %s %c %d %s\n", id, is_required(&t) ? 'M' : 'C', repeat,
               fmt_of(&t, fmt, sizeof fmt, path));
      }
    }
  }
  if (nrep)
    fprintf(stderr, "edi_dirgen: %s: %d repetition entries matched, %d mismatched\n", path,
            checked - mismatched, mismatched);
  free(txt);
}

static void xml_message(const char *path) {
  size_t len, pos = 0;
  char *txt = read_file(path, &len);
  struct xtag t;
  char type[8] = "";
  int depth = 0, in_defaults = 0;
  /* The type comes from <defaults><data_element id="0065" value=.../>. */
  while (xml_next(txt, len, &pos, &t, path)) {
    if (!strcmp(t.name, "defaults")) in_defaults = !t.end && !t.empty;
    if (in_defaults && !strcmp(t.name, "data_element")) {
      const char *id = xml_attr(&t, "id"), *v = xml_attr(&t, "value");
      if (id && v && !strcmp(id, "0065")) snprintf(type, sizeof type, "%s", v);
    }
  }
  if (!type[0]) die("%s: no message type (0065) in <defaults>", path);
  printf("M %s\n", type);
  pos = 0;
  while (xml_next(txt, len, &pos, &t, path)) {
    const char *id = xml_attr(&t, "id");
    const char *mr = xml_attr(&t, "maxrepeat");
    if (!strcmp(t.name, "segment") && !t.end) {
      printf("s %s %c %s\n", id, is_required(&t) ? 'M' : 'C', mr ? mr : "1");
    } else if (!strcmp(t.name, "group") && !t.end) {
      printf("g %s %c %s\n", id, is_required(&t) ? 'M' : 'C', mr ? mr : "1");
      depth++;
      if (t.empty) die("%s: empty group %s", path, id);
    } else if (!strcmp(t.name, "group") && t.end) {
      puts("e");
      depth--;
    }
  }
  if (depth) die("%s: unbalanced groups", path);
  free(txt);
}

struct pair {
  char id[5];
  char *code;
};
static struct pair *pairs;
static size_t npairs, cap_pairs;

/* Collects the codes of every data element in a codes.xml (lists repeat in some files). */
static void xml_codes(const char *path) {
  size_t len, pos = 0;
  char *txt = read_file(path, &len);
  struct xtag t;
  char id[5] = "";
  while (xml_next(txt, len, &pos, &t, path)) {
    if (!strcmp(t.name, "data_element") && !t.end && !t.empty) {
      const char *v = xml_attr(&t, "id");
      if (!v || strlen(v) != 4) die("%s: data_element without a 4-character id", path);
      memcpy(id, v, 5);
    } else if (!strcmp(t.name, "data_element") && t.end) {
      id[0] = 0;
    } else if (id[0] && !strcmp(t.name, "code")) {
      const char *c = xml_attr(&t, "id");
      if (!c || !*c) continue;
      for (const char *q = c; *q; q++)
        if (isspace((unsigned char)*q)) die("%s: code with a space", path);
      if (npairs == cap_pairs) {
        cap_pairs = cap_pairs ? cap_pairs * 2 : 4096;
        pairs = xrealloc(pairs, cap_pairs * sizeof *pairs);
      }
      memcpy(pairs[npairs].id, id, 5);
      pairs[npairs].code = xstrdup(c);
      npairs++;
    }
  }
  free(txt);
}

static int cmp_pair(const void *a, const void *b) {
  const struct pair *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : strcmp(x->code, y->code);
}

static void codes_print(void) {
  qsort(pairs, npairs, sizeof *pairs, cmp_pair);
  for (size_t i = 0; i < npairs; i++) {
    int same_id = i > 0 && !strcmp(pairs[i].id, pairs[i - 1].id);
    if (same_id && !strcmp(pairs[i].code, pairs[i - 1].code)) continue;
    if (!same_id) printf("%sL %s", i ? "\n" : "", pairs[i].id);
    printf(" %s", pairs[i].code);
  }
  if (npairs) putchar('\n');
  for (size_t i = 0; i < npairs; i++)
    free(pairs[i].code);
  free(pairs);
  pairs = NULL;
  npairs = cap_pairs = 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_xml(int argc, char **argv) {
  if (argc < 4) die("usage: edi_dirgen xml NAME XMLDIR [--codes FILE]... [--edsd F] [--edcd F]");
  const char *name = argv[2], *dir = argv[3];
  const char *codes[8];
  int ncodes = 0;
  const char *edsd = NULL, *edcd = NULL;
  for (int i = 4; i < argc; i++) {
    if (!strcmp(argv[i], "--codes") && i + 1 < argc && ncodes < 8)
      codes[ncodes++] = argv[++i];
    else if (!strcmp(argv[i], "--edsd") && i + 1 < argc)
      edsd = argv[++i];
    else if (!strcmp(argv[i], "--edcd") && i + 1 < argc)
      edcd = argv[++i];
    else
      die("unknown argument %s", argv[i]);
  }
  char path[4096];
  printf("# UN/EDIFACT directory %s in the OpenSW compact format (tools/edi_dirgen.c).\n"
         "# Derived from the php-edifact/edifact-mapping XML definitions; see NOTICE.md.\n",
         name);
  printf("D %s\n", name);
  size_t nrep = 0;
  struct rep *reps = edsd ? edsd_read(edsd, &nrep) : NULL;
  size_t nrc = 0;
  struct rcomp *rc = edcd ? edcd_read(edcd, &nrc) : NULL;
  snprintf(path, sizeof path, "%s/segments.xml", dir);
  xml_segments(path, reps, nrep, rc, nrc);
  free(reps);
  free(rc);
  snprintf(path, sizeof path, "%s/messages", dir);
  DIR *d = opendir(path);
  if (d) {
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
      size_t l = strlen(de->d_name);
      if (l < 5 || strcmp(de->d_name + l - 4, ".xml")) continue;
      names = xrealloc(names, (n + 1) * sizeof *names);
      names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
      snprintf(path, sizeof path, "%s/messages/%s", dir, names[i]);
      xml_message(path);
      free(names[i]);
    }
    free(names);
  }
  if (ncodes == 0) {
    snprintf(path, sizeof path, "%s/codes.xml", dir);
    xml_codes(path);
  }
  for (int i = 0; i < ncodes; i++)
    xml_codes(codes[i]);
  codes_print();
  return 0;
}

/* ---- c mode: .edd -> C tables ---- */

struct el {
  char id[5];
  int mandatory, repeat, type, fixed, minlen, maxlen;
  int ncomp, first; /* composites: components at first.. */
  int codes;        /* index into lists or -1 */
};
struct seg {
  char tag[4];
  int first, nel; /* into top-level element index list */
};
struct node {
  char tag[8];
  int group, mandatory;
  long maxrep;
  int end; /* group: index past its last entry */
  int seg; /* segment def index or -1 */
};
struct msg {
  char type[8];
  int first, n;
};
struct list {
  char id[5];
  char **codes;
  int n;
};

struct dir {
  char name[16];
  struct el *els;
  int nels;
  int *top; /* element indexes of segment positions */
  int ntop;
  struct seg *segs;
  int nsegs;
  struct node *nodes;
  int nnodes;
  struct msg *msgs;
  int nmsgs;
  struct list *lists;
  int nlists;
};

static int parse_format(const char *s, int *type, int *fixed, int *minlen, int *maxlen) {
  if (!strncmp(s, "an", 2)) {
    *type = 3;
    s += 2;
  } else if (*s == 'a') {
    *type = 1;
    s++;
  } else if (*s == 'n') {
    *type = 2;
    s++;
  } else {
    return -1;
  }
  *fixed = strncmp(s, "..", 2) != 0;
  if (!*fixed) s += 2;
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v <= 0 || v > 65535) return -1;
  *maxlen = (int)v;
  *minlen = *fixed ? (int)v : 1;
  return 0;
}

#define GROW(arr, n, cap)                                                                          \
  do {                                                                                             \
    if ((n) == (cap)) {                                                                            \
      (cap) = (cap) ? (cap)*2 : 64;                                                                \
      (arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr));                                      \
    }                                                                                              \
  } while (0)

static int cmp_seg(const void *a, const void *b) {
  return strcmp(((const struct seg *)a)->tag, ((const struct seg *)b)->tag);
}
static int cmp_list(const void *a, const void *b) {
  return strcmp(((const struct list *)a)->id, ((const struct list *)b)->id);
}

/* Copies a field of a .edd record, which must fit. */
static void set_str(char *dst, size_t cap, const char *src, const char *path, int lineno) {
  size_t n = strlen(src);
  if (n >= cap) die("%s:%d: '%s' is too long", path, lineno, src);
  memcpy(dst, src, n + 1);
}

static void edd_read(const char *path, struct dir *d) {
  size_t len;
  char *txt = read_file(path, &len);
  int cap_els = 0, cap_top = 0, cap_segs = 0, cap_nodes = 0, cap_msgs = 0, cap_lists = 0;
  int stack[64], depth = 0;
  int cur_comp = -1;
  int lineno = 0;
  char *save = NULL;
  memset(d, 0, sizeof *d);
  /* Components are appended after all segments are read, so collect them per composite. */
  struct el *comps = NULL;
  int ncomps = 0, cap_comps = 0;
  int *comp_owner = NULL;
  for (char *line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    lineno++;
    size_t l = strlen(line);
    if (l && line[l - 1] == '\r') line[--l] = 0;
    if (!l || line[0] == '#') continue;
    char kind = line[0];
    char *rest = line + 1;
    char a[64] = "", b[64] = "", c[64] = "", e[64] = "";
    int nf = sscanf(rest, "%63s %63s %63s %63s", a, b, c, e);
    switch (kind) {
    case 'D': set_str(d->name, sizeof d->name, a, path, lineno); break;
    case 'S':
      if (strlen(a) != 3) die("%s:%d: bad segment tag", path, lineno);
      GROW(d->segs, d->nsegs, cap_segs);
      memcpy(d->segs[d->nsegs].tag, a, 4);
      d->segs[d->nsegs].first = d->ntop;
      d->segs[d->nsegs].nel = 0;
      d->nsegs++;
      cur_comp = -1;
      break;
    case 'E':
    case 'C': {
      if (!d->nsegs || nf < 3) die("%s:%d: element outside a segment", path, lineno);
      GROW(d->els, d->nels, cap_els);
      struct el *x = &d->els[d->nels];
      memset(x, 0, sizeof *x);
      set_str(x->id, sizeof x->id, a, path, lineno);
      x->mandatory = b[0] == 'M';
      x->repeat = (int)strtol(c, NULL, 10);
      if (x->repeat <= 0) x->repeat = 1;
      x->codes = -1;
      if (kind == 'E') {
        if (nf < 4 || parse_format(e, &x->type, &x->fixed, &x->minlen, &x->maxlen))
          die("%s:%d: bad format", path, lineno);
        cur_comp = -1;
      } else {
        cur_comp = d->nels;
      }
      GROW(d->top, d->ntop, cap_top);
      d->top[d->ntop++] = d->nels;
      d->segs[d->nsegs - 1].nel++;
      d->nels++;
      break;
    }
    case 'c': {
      if (cur_comp < 0 || nf < 3) die("%s:%d: component outside a composite", path, lineno);
      GROW(comps, ncomps, cap_comps);
      comp_owner = xrealloc(comp_owner, (size_t)cap_comps * sizeof *comp_owner);
      struct el *x = &comps[ncomps];
      memset(x, 0, sizeof *x);
      set_str(x->id, sizeof x->id, a, path, lineno);
      x->mandatory = b[0] == 'M';
      x->repeat = 1;
      x->codes = -1;
      if (parse_format(c, &x->type, &x->fixed, &x->minlen, &x->maxlen))
        die("%s:%d: bad format", path, lineno);
      comp_owner[ncomps] = cur_comp;
      ncomps++;
      break;
    }
    case 'M':
      GROW(d->msgs, d->nmsgs, cap_msgs);
      set_str(d->msgs[d->nmsgs].type, sizeof d->msgs[0].type, a, path, lineno);
      d->msgs[d->nmsgs].first = d->nnodes;
      d->msgs[d->nmsgs].n = 0;
      d->nmsgs++;
      depth = 0;
      break;
    case 's':
    case 'g': {
      if (!d->nmsgs || nf < 3) die("%s:%d: entry outside a message", path, lineno);
      GROW(d->nodes, d->nnodes, cap_nodes);
      struct node *x = &d->nodes[d->nnodes];
      memset(x, 0, sizeof *x);
      set_str(x->tag, sizeof x->tag, a, path, lineno);
      x->group = kind == 'g';
      x->mandatory = b[0] == 'M';
      x->maxrep = strtol(c, NULL, 10);
      if (x->maxrep <= 0) x->maxrep = 1;
      x->seg = -1;
      if (x->group) {
        if (depth == 64) die("%s:%d: groups nested too deep", path, lineno);
        stack[depth++] = d->nnodes;
      }
      d->nnodes++;
      d->msgs[d->nmsgs - 1].n++;
      break;
    }
    case 'e':
      if (!depth) die("%s:%d: unbalanced group end", path, lineno);
      d->nodes[stack[--depth]].end = d->nnodes;
      break;
    case 'L': {
      struct list *li = NULL;
      for (int i = 0; i < d->nlists; i++)
        if (!strcmp(d->lists[i].id, a)) li = &d->lists[i];
      if (!li) {
        GROW(d->lists, d->nlists, cap_lists);
        li = &d->lists[d->nlists++];
        memset(li, 0, sizeof *li);
        set_str(li->id, sizeof li->id, a, path, lineno);
      }
      char *p = rest;
      while (*p == ' ')
        p++;
      p += strlen(a);
      for (char *sv = NULL, *tok = strtok_r(p, " ", &sv); tok; tok = strtok_r(NULL, " ", &sv)) {
        li->codes = xrealloc(li->codes, (size_t)(li->n + 1) * sizeof *li->codes);
        li->codes[li->n++] = xstrdup(tok);
      }
      break;
    }
    default: die("%s:%d: unknown record '%c'", path, lineno, kind);
    }
  }
  if (depth) die("%s: unbalanced groups", path);
  /* Components go after the top-level elements, grouped per composite. */
  for (int i = 0; i < d->nels; i++) {
    int first = -1, n = 0;
    for (int k = 0; k < ncomps; k++) {
      if (comp_owner[k] != i) continue;
      GROW(d->els, d->nels, cap_els);
      d->els[d->nels] = comps[k];
      if (first < 0) first = d->nels;
      d->nels++;
      n++;
    }
    d->els[i].first = first < 0 ? 0 : first;
    d->els[i].ncomp = n;
  }
  free(comps);
  free(comp_owner);
  /* Sort segments by tag (the element index list stays as is) and lists by id; codes too. */
  qsort(d->segs, (size_t)d->nsegs, sizeof *d->segs, cmp_seg);
  for (int i = 1; i < d->nsegs; i++)
    if (!strcmp(d->segs[i].tag, d->segs[i - 1].tag))
      die("%s: segment %s defined twice", path, d->segs[i].tag);
  qsort(d->lists, (size_t)d->nlists, sizeof *d->lists, cmp_list);
  for (int i = 0; i < d->nlists; i++) {
    struct list *li = &d->lists[i];
    qsort(li->codes, (size_t)li->n, sizeof *li->codes, cmp_str);
    int w = 0;
    for (int k = 0; k < li->n; k++) {
      if (w && !strcmp(li->codes[w - 1], li->codes[k])) {
        free(li->codes[k]);
        continue;
      }
      li->codes[w++] = li->codes[k];
    }
    li->n = w;
  }
  for (int i = 0; i < d->nels; i++) {
    if (d->els[i].ncomp) continue;
    struct list key;
    snprintf(key.id, sizeof key.id, "%s", d->els[i].id);
    struct list *li = bsearch(&key, d->lists, (size_t)d->nlists, sizeof *d->lists, cmp_list);
    if (li && li->n) d->els[i].codes = (int)(li - d->lists);
  }
  for (int i = 0; i < d->nnodes; i++) {
    struct node *x = &d->nodes[i];
    if (x->group) continue;
    struct seg key;
    memset(&key, 0, sizeof key);
    if (strlen(x->tag) != 3) die("%s: bad segment tag %s in a message", path, x->tag);
    memcpy(key.tag, x->tag, 3);
    struct seg *s = bsearch(&key, d->segs, (size_t)d->nsegs, sizeof *d->segs, cmp_seg);
    x->seg = s ? (int)(s - d->segs) : -1;
  }
  free(txt);
}

static void put_cstr(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) {
      fprintf(f, "\\%03o", (unsigned char)*s);
      continue;
    }
    fputc(*s, f);
  }
  fputc('"', f);
}

static void emit_dir(FILE *f, const struct dir *d, int k) {
  /* Code strings: one pool, each NUL-terminated; lists refer to sorted offset ranges. */
  long off = 0, ncodes = 0;
  fprintf(f, "static const char d%d_pool[] =\n", k);
  for (int i = 0; i < d->nlists; i++)
    for (int j = 0; j < d->lists[i].n; j++) {
      fputs("  ", f);
      put_cstr(f, d->lists[i].codes[j]);
      fputs(" \"\\0\"\n", f);
    }
  fputs("  \"\";\n", f);
  fprintf(f, "static const uint32_t d%d_codes[] = {\n", k);
  for (int i = 0; i < d->nlists; i++)
    for (int j = 0; j < d->lists[i].n; j++) {
      long len = (long)strlen(d->lists[i].codes[j]);
      if (len > 31 || off >= (1L << 26))
        die("code '%s' too long or pool too big", d->lists[i].codes[j]);
      fprintf(f, "%ld,%s", off << 5 | len, (++ncodes % 16) ? "" : "\n");
      off += len + 1;
    }
  fputs("0};\n", f);
  fprintf(f, "static const struct edi_codelist d%d_lists[] = {\n", k);
  long first = 0;
  for (int i = 0; i < d->nlists; i++) {
    fprintf(f, "  {\"%s\", %ld, %d},\n", d->lists[i].id, first, d->lists[i].n);
    first += d->lists[i].n;
  }
  fputs("  {\"\", 0, 0}};\n", f);
  fprintf(f, "static const struct edi_eldef d%d_els[] = {\n", k);
  for (int i = 0; i < d->nels; i++) {
    const struct el *x = &d->els[i];
    fprintf(f, "  {\"%s\", %d, %d, %d, %d, %d, %d, %d, %d},\n", x->id, x->mandatory, x->type,
            x->minlen, x->maxlen, x->repeat, x->first, x->ncomp, x->codes);
  }
  fputs("  {\"\", 0, 0, 0, 0, 0, 0, 0, -1}};\n", f);
  fprintf(f, "static const uint16_t d%d_top[] = {\n", k);
  for (int i = 0; i < d->ntop; i++)
    fprintf(f, "%d,%s", d->top[i], (i + 1) % 16 ? "" : "\n");
  fputs("0};\n", f);
  fprintf(f, "static const struct edi_segdef d%d_segs[] = {\n", k);
  for (int i = 0; i < d->nsegs; i++)
    fprintf(f, "  {\"%s\", %d, %d},\n", d->segs[i].tag, d->segs[i].first, d->segs[i].nel);
  fputs("  {\"\", 0, 0}};\n", f);
  fprintf(f, "static const struct edi_node d%d_nodes[] = {\n", k);
  for (int m = 0; m < d->nmsgs; m++) {
    const struct msg *ms = &d->msgs[m];
    for (int i = ms->first; i < ms->first + ms->n; i++) {
      const struct node *x = &d->nodes[i];
      int end = x->group ? x->end - ms->first : 0;
      fprintf(f, "  {\"%s\", %d, %d, %ld, %d, %d},\n", x->tag, x->group, x->mandatory, x->maxrep,
              end, x->seg);
    }
  }
  fputs("  {\"\", 0, 0, 0, 0, -1}};\n", f);
  fprintf(f, "static const struct edi_msgdef d%d_msgs[] = {\n", k);
  for (int m = 0; m < d->nmsgs; m++)
    fprintf(f, "  {\"%s\", d%d_nodes + %d, %d},\n", d->msgs[m].type, k, d->msgs[m].first,
            d->msgs[m].n);
  fputs("  {\"\", NULL, 0}};\n\n", f);
}

static void dir_free(struct dir *d) {
  for (int i = 0; i < d->nlists; i++) {
    for (int j = 0; j < d->lists[i].n; j++)
      free(d->lists[i].codes[j]);
    free(d->lists[i].codes);
  }
  free(d->lists);
  free(d->els);
  free(d->top);
  free(d->segs);
  free(d->nodes);
  free(d->msgs);
}

static int cmd_c(int argc, char **argv) {
  if (argc < 4) die("usage: edi_dirgen c OUT.c FILE.edd...");
  int n = argc - 3;
  struct dir *dirs = xrealloc(NULL, (size_t)n * sizeof *dirs);
  for (int i = 0; i < n; i++)
    edd_read(argv[3 + i], &dirs[i]);
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
  FILE *f = fopen(tmp, "w");
  if (!f) die("cannot write %s: %s", tmp, strerror(errno));
  fputs("/* Generated by tools/edi_dirgen.c from the data/edifact .edd files: do not edit. */\n"
        "#include \"codec/edifact/edi_dir.h\"\n\n",
        f);
  for (int i = 0; i < n; i++)
    emit_dir(f, &dirs[i], i);
  fputs("const struct edi_directory edi_directories[] = {\n", f);
  for (int i = 0; i < n; i++)
    fprintf(f,
            "  {\"%s\", d%d_segs, %d, d%d_els, d%d_top, d%d_msgs, %d, d%d_lists, %d, d%d_codes, "
            "d%d_pool},\n",
            dirs[i].name, i, dirs[i].nsegs, i, i, i, dirs[i].nmsgs, i, dirs[i].nlists, i, i);
  fputs("};\n", f);
  fprintf(f, "const size_t edi_ndirectories = %d;\n", n);
  if (fclose(f) != 0) die("cannot write %s", tmp);
  if (rename(tmp, argv[2]) != 0) die("cannot rename %s: %s", tmp, strerror(errno));
  for (int i = 0; i < n; i++) {
    fprintf(stderr, "edi_dirgen: %s: %d segments, %d messages, %d code lists\n", dirs[i].name,
            dirs[i].nsegs, dirs[i].nmsgs, dirs[i].nlists);
    dir_free(&dirs[i]);
  }
  free(dirs);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "xml")) return cmd_xml(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "c")) return cmd_c(argc, argv);
  fputs("usage: edi_dirgen xml NAME XMLDIR [--codes FILE]... [--edsd FILE] [--edcd FILE]\n"
        "       edi_dirgen c OUT.c FILE.edd...\n",
        stderr);
  return 2;
}
