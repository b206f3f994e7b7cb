/* cmd_stats.c - swctl stats: import historical declarations (milestones from a previous
 * system, JSON lines), release-time statistics on a terminal; and the demo's extras: a fee
 * catalogue for two ports and generated history for the charts. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decl.h"
#include "core/err.h"
#include "core/fees.h"
#include "core/stats.h"
#include "core/timefmt.h"
#include "store/fee_store.h"
#include "store/identity.h"
#include "store/logistics_store.h"
#include "swctl/swctl.h"

#define HIST_MAX 200000

struct hist_job {
  struct hist_decl *h;
  size_t n;
  const char *actor;
  size_t bad; /* index of the failing record */
  struct fee_rec *fees;
  size_t n_fees;
  int trusted_party; /* parties to mark trusted: ids in trust[] */
  int64_t trust[4];
};

static int hist_write(struct db *db, void *arg) {
  struct hist_job *j = arg;
  int rc;
  for (int i = 0; i < j->trusted_party; i++)
    if ((rc = history_party_trust(db, j->trust[i], 1)) < 0) return rc;
  for (size_t i = 0; i < j->n_fees; i++)
    if ((rc = fee_publish(db, &j->fees[i], j->actor, "cli")) < 0 && rc != -SW_EEXISTS) return rc;
  for (size_t i = 0; i < j->n; i++) {
    if ((rc = history_add(db, &j->h[i], j->actor)) < 0) {
      j->bad = i;
      return rc;
    }
  }
  return 0;
}

static int time_field(json_t *o, const char *key, int64_t *out) {
  json_t *v = json_object_get(o, key);
  *out = 0;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_string(v) || decl_datetime_parse(json_string_value(v), out) < 0) return -1;
  return 0;
}

struct party_cache {
  char nid[40];
  int64_t id;
};

static int party_id(struct ctl *c, struct party_cache *pc, size_t *npc, const char *nid,
                    int64_t *id) {
  for (size_t i = 0; i < *npc; i++)
    if (!strcmp(pc[i].nid, nid)) return (int)(*id = pc[i].id, 0);
  struct party_rec p;
  if (idn_party_by_nid(store_reader(c->store), nid, &p) < 0) return -1;
  if (*npc < 64) {
    snprintf(pc[*npc].nid, sizeof pc[*npc].nid, "%s", nid);
    pc[(*npc)++].id = p.id;
  }
  *id = p.id;
  return 0;
}

/* One JSON line into h; a message into err on failure. */
static int hist_parse(struct ctl *c, const char *line, struct hist_decl *h,
                      struct party_cache *pc, size_t *npc, char *err, size_t errlen) {
  json_error_t je;
  json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
  int rc = -1;
  memset(h, 0, sizeof *h);
  if (!json_is_object(o)) {
    snprintf(err, errlen, "not a JSON object: %.100s", je.text);
    goto out;
  }
  const char *ref = json_string_value(json_object_get(o, "reference"));
  const char *type = json_string_value(json_object_get(o, "type"));
  const char *office = json_string_value(json_object_get(o, "office"));
  const char *mode = json_string_value(json_object_get(o, "mode"));
  const char *party = json_string_value(json_object_get(o, "party"));
  const char *port = json_string_value(json_object_get(o, "port_operator"));
  if (!ref || !*ref || strlen(ref) > 35 || !type || strlen(type) != 2 || !office ||
      strlen(office) != 5 || !party) {
    snprintf(err, errlen, "reference, type, office and party are required");
    goto out;
  }
  snprintf(h->reference, sizeof h->reference, "%s", ref);
  snprintf(h->type, sizeof h->type, "%s", type);
  snprintf(h->office, sizeof h->office, "%s", office);
  snprintf(h->mode, sizeof h->mode, "%s", mode ? mode : "");
  if (party_id(c, pc, npc, party, &h->principal_id) < 0) {
    snprintf(err, errlen, "unknown party %s", party);
    goto out;
  }
  if (port && party_id(c, pc, npc, port, &h->port_party_id) < 0) {
    snprintf(err, errlen, "unknown port operator %s", port);
    goto out;
  }
  if (time_field(o, "arrival", &h->arrival) || time_field(o, "lodged", &h->lodged) ||
      time_field(o, "paid", &h->paid) || time_field(o, "released", &h->released) ||
      time_field(o, "gate_out", &h->gate_out)) {
    snprintf(err, errlen, "times are RFC 3339 UTC");
    goto out;
  }
  if (!h->lodged || !h->released || h->released < h->lodged) {
    snprintf(err, errlen, "lodged and released are required, released not before lodged");
    goto out;
  }
  json_t *decs = json_object_get(o, "decisions"), *d;
  size_t i;
  json_array_foreach(decs, i, d) {
    const char *ag = json_string_value(json_object_get(d, "agency"));
    if (h->n_agencies == 6 || !ag || strlen(ag) >= sizeof h->agencies[0].code ||
        time_field(d, "at", &h->agencies[h->n_agencies].at) ||
        !h->agencies[h->n_agencies].at) {
      snprintf(err, errlen, "decisions: up to 6 of {agency, at, automated}");
      goto out;
    }
    snprintf(h->agencies[h->n_agencies].code, sizeof h->agencies[0].code, "%s", ag);
    h->agencies[h->n_agencies].automated = json_is_true(json_object_get(d, "automated"));
    h->n_agencies++;
  }
  rc = 0;
out:
  json_decref(o);
  return rc;
}

static int stats_import(struct ctl *c, const char *path) {
  FILE *f = fopen(path, "r");
  char *line = NULL, err[160];
  size_t cap = 0, npc = 0, lineno = 0;
  struct party_cache pc[64];
  struct hist_job j = {.actor = c->actor};
  int rc = 1;
  if (!f) {
    fprintf(stderr, "swctl stats import: cannot open %s\n", path);
    return 1;
  }
  if (ctl_open(c) < 0) goto out;
  size_t hcap = 0;
  while (getline(&line, &cap, f) > 0) {
    lineno++;
    if (line[strspn(line, " \t\r\n")] == 0) continue;
    if (j.n == hcap) {
      size_t nc = hcap ? hcap * 2 : 256;
      struct hist_decl *nh = nc <= HIST_MAX ? realloc(j.h, nc * sizeof *nh) : NULL;
      if (!nh) {
        fprintf(stderr, "swctl stats import: too many records (at most %d)\n", HIST_MAX);
        goto out;
      }
      j.h = nh;
      hcap = nc;
    }
    if (hist_parse(c, line, &j.h[j.n], pc, &npc, err, sizeof err) < 0) {
      fprintf(stderr, "swctl stats import: %s:%zu: %s\n", path, lineno, err);
      goto out;
    }
    j.n++;
  }
  int w = store_write(c->store, hist_write, &j);
  if (w < 0) {
    fprintf(stderr, "swctl stats import: record %zu (%s): %s; nothing imported\n", j.bad + 1,
            j.n ? j.h[j.bad].reference : "-",
            w == -SW_EEXISTS ? "reference imported before" : sw_strerror(w));
    goto out;
  }
  printf("imported %zu historical declarations\n", j.n);
  rc = 0;
out:
  free(line);
  free(j.h);
  fclose(f);
  return rc;
}

static void fmt_dur(int64_t us, char *buf, size_t cap) {
  int64_t s = stats_div_round(us, 1000000), a = s < 0 ? -s : s;
  snprintf(buf, cap, "%s%lldh%02lldm%02llds", s < 0 ? "-" : "", (long long)(a / 3600),
           (long long)(a / 60 % 60), (long long)(a % 60));
}

static int stats_release_times(struct ctl *c, int argc, char **argv) {
  struct rt_filter f = {0};
  const char *by_s = ctl_opt(argc, argv, "--by"), *from = ctl_opt(argc, argv, "--from");
  const char *to = ctl_opt(argc, argv, "--to"), *min_s = ctl_opt(argc, argv, "--min-group");
  int64_t day;
  size_t min = 5;
  int by = by_s ? rt_dim_parse(by_s) : RT_BY_NONE;
  if (by < 0) {
    fprintf(stderr, "swctl stats release-times: --by type|office|mode|channel|agencies|agency|"
                    "trusted|month|day\n");
    return 2;
  }
  if (from) {
    if (decl_date_parse(from, &day) < 0) return fprintf(stderr, "bad --from\n"), 2;
    f.from_us = day * 86400LL * 1000000;
  }
  if (to) {
    if (decl_date_parse(to, &day) < 0) return fprintf(stderr, "bad --to\n"), 2;
    f.to_us = (day + 1) * 86400LL * 1000000;
  }
  if (min_s) {
    char *end;
    long v = strtol(min_s, &end, 10);
    if (*end || v < 1) return fprintf(stderr, "bad --min-group\n"), 2;
    min = (size_t)v;
  }
  f.type = ctl_opt(argc, argv, "--type");
  f.office = ctl_opt(argc, argv, "--office");
  if (ctl_open(c) < 0) return 1;
  struct rt_record *recs;
  struct rt_group *g;
  size_t n, ng;
  char *keys;
  int rc = rt_records_load(store_reader(c->store), &f, (enum rt_dim)by, &recs, &n, &keys);
  if (rc == 0) rc = rt_aggregate(recs, n, min, &g, &ng);
  if (rc < 0) {
    fprintf(stderr, "swctl stats release-times: %s\n", sw_strerror(rc));
    free(recs);
    free(keys);
    return 1;
  }
  printf("%-22s %-22s %7s %12s %12s %12s %12s %12s\n", "group", "stage", "n", "mean",
         "median", "p90", "min", "max");
  for (size_t i = 0; i < ng; i++) {
    if (g[i].suppressed) {
      printf("%-22s %-22s %7zu (fewer than %zu: suppressed)\n", g[i].key, "-", g[i].count, min);
      continue;
    }
    for (int s = 0; s < RT_N_STAGES; s++) {
      const struct stats_summary *m = &g[i].stage[s];
      char a[32], b[32], cc[32], d[32], e[32];
      if (!m->count) continue;
      fmt_dur(m->mean, a, sizeof a);
      fmt_dur(m->median, b, sizeof b);
      fmt_dur(m->p90, cc, sizeof cc);
      fmt_dur(m->min, d, sizeof d);
      fmt_dur(m->max, e, sizeof e);
      printf("%-22s %-22s %7zu %12s %12s %12s %12s %12s\n", g[i].key, rt_stage_name(s),
             m->count, a, b, cc, d, e);
    }
  }
  free(g);
  free(recs);
  free(keys);
  return 0;
}

int cmd_stats(struct ctl *c, int argc, char **argv) {
  if (argc < 2 || ctl_wants_help(argc, argv)) {
    puts("usage: swctl stats import FILE.jsonl\n"
         "       swctl stats release-times [--by DIM] [--from DATE] [--to DATE] [--type T]\n"
         "                                 [--office LOCODE] [--min-group N]\n"
         "import: historical declarations from a previous system, one JSON object a line:\n"
         "  {reference, type, office, mode, party, port_operator, arrival, lodged,\n"
         "   decisions: [{agency, at, automated}], paid, released, gate_out}\n"
         "  (times RFC 3339 UTC; all lines in one transaction, or none).\n"
         "release-times: the WCO Time Release Study figures per stage (docs/logistics.md).");
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "import") && argc == 3) return stats_import(c, argv[2]);
  if (!strcmp(argv[1], "release-times")) return stats_release_times(c, argc - 1, argv + 1);
  fprintf(stderr, "swctl stats: unknown subcommand (see swctl stats --help)\n");
  return 2;
}

/* ---- the demo's extras ---- */

#define R(x) ((int64_t)(x)) /* rates at FEE_RATE_SCALE: R(4500) is 0.45 */

struct demo_fee {
  const char *port, *item, *entity, *description, *basis, *unit, *setting, *legal;
  int64_t rate, free_days;
  int upcoming; /* 1: a second version from the 1st of next month, +20% */
};

static const char *const LAW =
    "Port Charges Rules (Ministry of Transport and NDRC, JT Water Rules [2019] No. 2)";

static const struct demo_fee FEES[] = {
    {"CNSHA", "pilotage", "Shanghai Pilot Station", "Pilotage of the vessel in and out",
     "gross tonnage of the vessel", "per_gt", "government", NULL, R(4500), 0, 0},
    {"CNSHA", "berthing", "Shanghai Port Authority", "Berth and mooring use",
     "gross tonnage of the vessel, per call", "per_gt", "government", NULL, R(2500), 0, 0},
    {"CNSHA", "cargo_port_dues", "Shanghai Port Authority", "Cargo port dues (containers)",
     "per TEU loaded or discharged", "per_teu", "government", NULL, R(320000), 0, 0},
    {"CNSHA", "port_security_20", "Shanghai Port Authority", "Port facility security fee, 20'",
     "per 20-foot container", "per_container_20", "government", NULL, R(50000), 0, 0},
    {"CNSHA", "port_security_40", "Shanghai Port Authority", "Port facility security fee, 40'",
     "per 40-foot container", "per_container_40", "government", NULL, R(75000), 0, 0},
    {"CNSHA", "thc_20", "Shanghai International Port (Group) Co., Ltd.",
     "Terminal handling charge, 20'", "per 20-foot container", "per_container_20", "market",
     "Published tariff of the terminal operator", R(8400000), 0, 0},
    {"CNSHA", "thc_40", "Shanghai International Port (Group) Co., Ltd.",
     "Terminal handling charge, 40'", "per 40-foot container", "per_container_40", "market",
     "Published tariff of the terminal operator", R(12500000), 0, 0},
    {"CNSHA", "storage", "Shanghai International Port (Group) Co., Ltd.",
     "Container storage in the terminal yard", "per container per day after 4 free days",
     "per_container_day", "market", "Published tariff of the terminal operator", R(100000), 4,
     1},
    {"CNSHA", "documentation", "Shipping lines' agents (median published)",
     "Documentation (delivery order)", "per declaration", "per_declaration", "market",
     "Published tariffs of the agents", R(1500000), 0, 0},
    {"CNNGB", "pilotage", "Ningbo Pilot Station", "Pilotage of the vessel in and out",
     "gross tonnage of the vessel", "per_gt", "government", NULL, R(4200), 0, 0},
    {"CNNGB", "berthing", "Ningbo Port Authority", "Berth and mooring use",
     "gross tonnage of the vessel, per call", "per_gt", "government", NULL, R(2500), 0, 0},
    {"CNNGB", "cargo_port_dues", "Ningbo Port Authority", "Cargo port dues (containers)",
     "per TEU loaded or discharged", "per_teu", "government", NULL, R(320000), 0, 0},
    {"CNNGB", "port_security_20", "Ningbo Port Authority", "Port facility security fee, 20'",
     "per 20-foot container", "per_container_20", "government", NULL, R(50000), 0, 0},
    {"CNNGB", "port_security_40", "Ningbo Port Authority", "Port facility security fee, 40'",
     "per 40-foot container", "per_container_40", "government", NULL, R(75000), 0, 0},
    {"CNNGB", "thc_20", "Ningbo Zhoushan Port Co., Ltd.", "Terminal handling charge, 20'",
     "per 20-foot container", "per_container_20", "market",
     "Published tariff of the terminal operator", R(7900000), 0, 0},
    {"CNNGB", "thc_40", "Ningbo Zhoushan Port Co., Ltd.", "Terminal handling charge, 40'",
     "per 40-foot container", "per_container_40", "market",
     "Published tariff of the terminal operator", R(11800000), 0, 0},
    {"CNNGB", "storage", "Ningbo Zhoushan Port Co., Ltd.",
     "Container storage in the terminal yard", "per container per day after 5 free days",
     "per_container_day", "market", "Published tariff of the terminal operator", R(80000), 5,
     0},
};
#define N_FEES (sizeof FEES / sizeof FEES[0])

static void demo_fees(struct fee_rec *out, size_t *n, int64_t today) {
  int64_t first = 0; /* days of 2026-01-01 */
  decl_date_parse("2026-01-01", &first);
  /* the 1st of next month */
  char d[16];
  time_format_date(today, d, sizeof d);
  int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  int m = (d[5] - '0') * 10 + (d[6] - '0') + 1;
  if (m == 13) m = 1, y++;
  char next[32];
  int64_t next_day = today + 30;
  snprintf(next, sizeof next, "%04d-%02d-01", y, m);
  decl_date_parse(next, &next_day);
  *n = 0;
  for (size_t i = 0; i < N_FEES; i++) {
    const struct demo_fee *df = &FEES[i];
    for (int v = 0; v <= df->upcoming; v++) {
      struct fee_rec *f = &out[(*n)++];
      memset(f, 0, sizeof *f);
      snprintf(f->port, sizeof f->port, "%s", df->port);
      snprintf(f->item, sizeof f->item, "%s", df->item);
      snprintf(f->entity, sizeof f->entity, "%s", df->entity);
      snprintf(f->description, sizeof f->description, "%s", df->description);
      snprintf(f->basis, sizeof f->basis, "%s", df->basis);
      snprintf(f->unit, sizeof f->unit, "%s", df->unit);
      snprintf(f->currency, sizeof f->currency, "CNY");
      snprintf(f->setting, sizeof f->setting, "%s", df->setting);
      snprintf(f->legal_basis, sizeof f->legal_basis, "%s", df->legal ? df->legal : LAW);
      f->free_days = df->free_days;
      f->rate = v ? df->rate + df->rate / 5 : df->rate;
      f->effective_from = v ? next_day : first;
    }
  }
}

/* xorshift64*: reproducible demo history */
static uint64_t rng_next(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}
/* uniform in [lo, hi) */
static int64_t rng_range(uint64_t *s, int64_t lo, int64_t hi) {
  return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo));
}
/* skewed towards lo: the minimum of two draws */
static int64_t rng_skew(uint64_t *s, int64_t lo, int64_t hi) {
  int64_t a = rng_range(s, lo, hi), b = rng_range(s, lo, hi);
  return a < b ? a : b;
}

#define SEC 1000000LL
#define MIN (60 * SEC)
#define HR (60 * MIN)
#define DAY (24 * HR)

static void gen_history(struct hist_decl *h, size_t n, int64_t now, int64_t party[2],
                        int64_t port_party) {
  uint64_t s = 0x9E3779B97F4A7C15ULL;
  int64_t span = 180 * DAY, end = now - 2 * DAY;
  for (size_t i = 0; i < n; i++) {
    struct hist_decl *d = &h[i];
    memset(d, 0, sizeof *d);
    snprintf(d->reference, sizeof d->reference, "HIST-%06zu", i + 1);
    int64_t r = rng_range(&s, 0, 100);
    snprintf(d->type, sizeof d->type, "%s", r < 72 ? "IM" : "EX");
    r = rng_range(&s, 0, 100);
    snprintf(d->office, sizeof d->office, "%s", r < 55 ? "CNSHA" : r < 90 ? "CNSGH" : "CNQDG");
    r = rng_range(&s, 0, 100);
    snprintf(d->mode, sizeof d->mode, "%s", r < 84 ? "1" : r < 95 ? "4" : "2");
    int trusted = rng_range(&s, 0, 100) < 30;
    d->principal_id = party[trusted ? 0 : 1];
    d->port_party_id = port_party;
    int64_t base = end - span + rng_range(&s, 0, span);
    int sea = d->mode[0] == '1';
    /* arrival; about 35 % lodge before arrival (pre-arrival processing) */
    if (rng_range(&s, 0, 100) < (sea ? 90 : 70)) d->arrival = base;
    if (d->arrival && rng_range(&s, 0, 100) < (trusted ? 55 : 30))
      d->lodged = d->arrival - rng_range(&s, 2 * HR, 48 * HR);
    else
      d->lodged = base + rng_skew(&s, 20 * MIN, trusted ? 20 * HR : 60 * HR);
    int64_t decided = d->lodged;
    int green = rng_range(&s, 0, 100) < (trusted ? 88 : 62);
    struct hist_agency *a = &d->agencies[d->n_agencies++];
    snprintf(a->code, sizeof a->code, "CUSTOMS");
    a->automated = green;
    a->at = d->lodged + (green ? rng_range(&s, 1 * SEC, 8 * SEC)
                               : rng_skew(&s, 25 * MIN, trusted ? 12 * HR : 40 * HR));
    if (a->at > decided) decided = a->at;
    if (!strcmp(d->type, "IM") && rng_range(&s, 0, 100) < 24) {
      a = &d->agencies[d->n_agencies++];
      snprintf(a->code, sizeof a->code, "QUARANTINE");
      a->automated = 0;
      a->at = d->lodged + rng_skew(&s, 2 * HR, 72 * HR);
      if (a->at > decided) decided = a->at;
    }
    if (rng_range(&s, 0, 100) < 6) {
      a = &d->agencies[d->n_agencies++];
      snprintf(a->code, sizeof a->code, "COMMERCE");
      a->automated = 0;
      a->at = d->lodged + rng_skew(&s, 1 * HR, 30 * HR);
      if (a->at > decided) decided = a->at;
    }
    int64_t ready = decided;
    if (!strcmp(d->type, "IM") && rng_range(&s, 0, 100) < (trusted ? 20 : 65)) {
      d->paid = decided + rng_skew(&s, 3 * MIN, 30 * HR);
      ready = d->paid;
    }
    d->released = ready + rng_range(&s, 0, 3 * SEC);
    if (d->arrival && rng_range(&s, 0, 100) < 92) {
      int64_t from = d->released > d->arrival ? d->released : d->arrival;
      d->gate_out = from + rng_skew(&s, 40 * MIN, 96 * HR);
      if (d->gate_out > now) d->gate_out = 0;
    }
  }
}

struct hp_job {
  const char *const (*hp)[3];
  int64_t id[3];
};

/* The history's parties (created once): two traders, one trusted, and a port's records. */
static int hp_write(struct db *db, void *arg) {
  struct hp_job *j = arg;
  int rc;
  for (int i = 0; i < 3; i++) {
    struct party_rec p;
    if ((rc = idn_party_by_nid(db, j->hp[i][0], &p)) == 0) {
      j->id[i] = p.id;
      continue;
    }
    if ((rc = idn_party_add(db, j->hp[i][0], j->hp[i][1], "CN", j->hp[i][2], &j->id[i])) < 0)
      return rc;
  }
  return 0;
}

int ctl_demo_extras(struct ctl *c, size_t history) {
  static const char *const HP[][3] = {
      {"91310000MA1HS0001A", "Historical trader A (demo history, trusted)", "importer,exporter"},
      {"91310000MA1HS0002B", "Historical trader B (demo history)", "importer,exporter"},
      {"91310000MA1HS0003C", "Historical port records (demo history)", "port_operator"},
  };
  struct db *rd;
  struct hist_job j = {.actor = c->actor};
  struct fee_rec fees[2 * N_FEES];
  int64_t now = store_now_us(), party[2] = {0, 0}, port_party = 0;
  int rc = 0;
  if (ctl_open(c) < 0) return 1;
  rd = store_reader(c->store);
  json_t *have = fee_ports_json(rd);
  if (json_array_size(have) == 0) {
    demo_fees(fees, &j.n_fees, time_days_us(now));
    j.fees = fees;
  }
  json_decref(have);
  if (history && history_exists(rd) == 0) {
    if (history > HIST_MAX) history = HIST_MAX;
    struct hp_job pj = {.hp = HP};
    if (store_write(c->store, hp_write, &pj) < 0) return 1;
    party[0] = pj.id[0];
    party[1] = pj.id[1];
    port_party = pj.id[2];
    j.trust[j.trusted_party++] = party[0];
    j.h = malloc(history * sizeof *j.h);
    if (!j.h) return 1;
    gen_history(j.h, history, now, party, port_party);
    j.n = history;
  }
  if (j.n || j.n_fees) rc = store_write(c->store, hist_write, &j);
  free(j.h);
  if (rc < 0) {
    fprintf(stderr, "swctl demo: history or fees: %s\n", sw_strerror(rc));
    return 1;
  }
  return 0;
}
