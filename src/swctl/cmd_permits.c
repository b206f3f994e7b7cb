/* cmd_permits.c - swctl permits import FILE: bulk issuance from JSON lines or CSV, in one
 * transaction (a broken file loads nothing), with a progress bar on a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/csv.h"
#include "codec/permit_json.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/errlist.h"
#include "store/identity.h"
#include "store/permit_store.h"
#include "swctl/swctl.h"

#define LINE_MAX_BYTES (256 * 1024)

struct pimport {
  FILE *f;
  int csv;
  long permits, line;
  struct ctl_progress bar;
  const char *actor;
  char err[512];
};

/* Checks one decoded permit against the register and creates it. */
static int issue_one(struct db *db, struct pimport *j, json_t *doc) {
  struct arena a;
  struct errlist *errs = malloc(sizeof *errs);
  struct permit *p = malloc(sizeof *p);
  struct doc_type t;
  struct party_rec holder;
  int64_t agency;
  int rc = -SW_EINVAL;
  arena_init(&a, 0);
  if (!errs || !p) {
    rc = -SW_ENOMEM;
    goto out;
  }
  errlist_init(errs);
  json_t *issuer = json_object_get(doc, "issuer");
  const char *iss = json_string_value(issuer);
  json_incref(issuer);
  json_object_del(doc, "issuer");
  if (permit_from_json(doc, &a, p, errs) < 0) {
    snprintf(j->err, sizeof j->err, "line %ld: %s: %s", j->line,
             errs->n ? errs->items[0].path : "", errs->n ? errs->items[0].message : "invalid");
  } else if (!iss || idn_agency_id(db, iss, &agency) < 0) {
    snprintf(j->err, sizeof j->err, "line %ld: issuer must name an agency", j->line);
  } else if (doc_type_get(db, p->type, &t) < 0 || !t.registered || strcmp(t.agency, iss)) {
    snprintf(j->err, sizeof j->err, "line %ld: %s is not a type %s issues here", j->line,
             p->type, iss);
  } else if (idn_party_by_nid(db, p->holder, &holder) < 0) {
    snprintf(j->err, sizeof j->err, "line %ld: holder %s is not a registered party", j->line,
             p->holder);
  } else {
    p->issuer = (char *)iss;
    char *body = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    rc = body ? permit_create(db, p, holder.id, body, j->actor, "cli") : -SW_ENOMEM;
    free(body);
    if (rc == -SW_EEXISTS)
      snprintf(j->err, sizeof j->err, "line %ld: %s %s exists already", j->line, p->type,
               p->number);
    if (rc == 0) j->permits++;
  }
  json_decref(issuer);
out:
  arena_release(&a);
  free(errs);
  free(p);
  return rc;
}

static int import_jsonl(struct db *db, struct pimport *j) {
  char *buf = malloc(LINE_MAX_BYTES);
  int rc = 0;
  if (!buf) return -SW_ENOMEM;
  while (rc == 0 && fgets(buf, LINE_MAX_BYTES, j->f)) {
    j->line++;
    size_t n = strlen(buf);
    if (n == LINE_MAX_BYTES - 1 && buf[n - 1] != '\n') {
      snprintf(j->err, sizeof j->err, "line %ld: longer than %d bytes", j->line, LINE_MAX_BYTES);
      rc = -SW_ETOOBIG;
      break;
    }
    if (strspn(buf, " \t\r\n") == n) continue;
    json_error_t e;
    json_t *doc = json_loads(buf, JSON_REJECT_DUPLICATES, &e);
    if (!doc) {
      snprintf(j->err, sizeof j->err, "line %ld: %s", j->line, e.text);
      rc = -SW_EINVAL;
      break;
    }
    rc = issue_one(db, j, doc);
    json_decref(doc);
    ctl_progress_show(&j->bar, j->permits);
  }
  free(buf);
  return rc;
}

/* CSV: one row per goods line; consecutive rows with the same type and number are one
 * permit. Columns: type,number,issuer,holder,valid_from,valid_to,usage,max_uses,hs_prefix,
 * description,unit,quantity,value. */
static int import_csv(struct db *db, struct pimport *j) {
  static const char *const cols[] = {"type", "number", "issuer", "holder", "valid_from",
                                     "valid_to", "usage", "max_uses", "hs_prefix",
                                     "description", "unit", "quantity", "value"};
  struct csv_reader r;
  size_t nf;
  int ix[13], rc = csv_reader_init(&r, j->f, 4096, 64);
  json_t *cur = NULL;
  if (rc < 0) return rc;
  if ((rc = csv_next(&r, &nf)) <= 0) {
    snprintf(j->err, sizeof j->err, "line 1: a header row is required");
    rc = -SW_EINVAL;
    goto out;
  }
  for (size_t i = 0; i < 13; i++)
    if ((ix[i] = csv_column(&r, cols[i])) < 0 && i < 9) {
      snprintf(j->err, sizeof j->err, "line 1: missing column '%s'", cols[i]);
      rc = -SW_EINVAL;
      goto out;
    }
  while ((rc = csv_next(&r, &nf)) == 1) {
#define F(i) (ix[i] < 0 ? "" : csv_field(&r, (size_t)ix[i]))
    if (cur && (strcmp(json_string_value(json_object_get(cur, "type")), F(0)) ||
                strcmp(json_string_value(json_object_get(cur, "number")), F(1)))) {
      if ((rc = issue_one(db, j, cur)) < 0) goto out;
      json_decref(cur);
      cur = NULL;
      ctl_progress_show(&j->bar, j->permits);
    }
    j->line = csv_line(&r);
    if (!cur) {
      cur = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "type", F(0), "number", F(1),
                      "issuer", F(2), "holder", F(3), "valid_from", F(4), "valid_to", F(5),
                      "usage", *F(6) ? F(6) : "unlimited", "lines");
      if (*F(7)) json_object_set_new(cur, "max_uses", json_integer(strtoll(F(7), NULL, 10)));
    }
    json_t *line = json_pack("{s:s}", "hs_prefix", F(8));
    if (*F(9)) json_object_set_new(line, "description", json_string(F(9)));
    if (*F(10)) json_object_set_new(line, "unit", json_string(F(10)));
    if (*F(11)) json_object_set_new(line, "quantity", json_string(F(11)));
    if (*F(12)) json_object_set_new(line, "value", json_string(F(12)));
    json_array_append_new(json_object_get(cur, "lines"), line);
#undef F
  }
  if (rc < 0) snprintf(j->err, sizeof j->err, "line %ld: malformed CSV", csv_line(&r));
  else if (cur) rc = issue_one(db, j, cur);
out:
  json_decref(cur);
  csv_reader_release(&r);
  return rc;
}

static int import_write(struct db *db, void *arg) {
  struct pimport *j = arg;
  return j->csv ? import_csv(db, j) : import_jsonl(db, j);
}

int cmd_permits(struct ctl *c, int argc, char **argv) {
  if (ctl_wants_help(argc, argv) || argc != 3 || strcmp(argv[1], "import") != 0) {
    puts("usage: swctl permits import FILE\n"
         "Issues permits in bulk from JSON lines (one permit per line, as POST /v1/permits\n"
         "takes it plus \"issuer\": the agency code) or CSV (FILE ending in .csv; columns\n"
         "type,number,issuer,holder,valid_from,valid_to,usage,max_uses,hs_prefix,\n"
         "description,unit,quantity,value; one row per goods line). One transaction: a\n"
         "broken file is refused with its line and reason and nothing is issued.");
    return ctl_wants_help(argc, argv) ? 0 : 2;
  }
  struct pimport j = {.actor = c->actor};
  size_t n = strlen(argv[2]);
  j.csv = n > 4 && strcmp(argv[2] + n - 4, ".csv") == 0;
  if (!(j.f = fopen(argv[2], "rb"))) {
    fprintf(stderr, "swctl permits import: cannot open %s\n", argv[2]);
    return 1;
  }
  ctl_progress_init(&j.bar, "permits", j.f);
  if (ctl_open(c) < 0) {
    fclose(j.f);
    return 1;
  }
  int rc = store_write(c->store, import_write, &j);
  fclose(j.f);
  ctl_progress_end(&j.bar);
  if (rc < 0) {
    fprintf(stderr, "swctl permits import: %s; nothing was issued\n",
            j.err[0] ? j.err : sw_strerror(rc));
    return 1;
  }
  printf("issued %ld permits\n", j.permits);
  return 0;
}
