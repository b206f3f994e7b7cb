/* decl_fixture.h - shared test fixtures for the declaration tests: a small reference data
 * set and the DESIGN.md §7 declarations built by hand. Header-only, static functions. */
#ifndef SW_TEST_DECL_FIXTURE_H
#define SW_TEST_DECL_FIXTURE_H
#include <string.h>

#include "core/arena.h"
#include "core/decimal.h"
#include "core/decl.h"
#include "core/errlist.h"
#include "core/refdata.h"

/* Reference data just big enough for the fixtures. NULL when it cannot be built. */
static inline struct refdata *fixture_refdata(void) {
  static const char *const hs[][4] = {
      /* code, parent, section, level */
      {"03", "", "I", "2"},   {"0306", "03", "I", "4"},   {"030617", "0306", "I", "6"},
      {"01", "", "I", "2"},   {"0102", "01", "I", "4"},   {"010221", "0102", "I", "6"},
      {"44", "", "IX", "2"},  {"4403", "44", "IX", "4"},  {"440311", "4403", "IX", "6"},
      {"84", "", "XVI", "2"}, {"8471", "84", "XVI", "4"}, {"847130", "8471", "XVI", "6"},
      {"24", "", "IV", "2"},  {"2402", "24", "IV", "4"},  {"240220", "2402", "IV", "6"},
      {"25", "", "V", "2"},   {"2501", "25", "V", "4"},   {"250100", "2501", "V", "6"},
  };
  static const char *const countries[][3] = {
      {"CN", "CHN", "156"}, {"VN", "VNM", "704"}, {"US", "USA", "840"}, {"PA", "PAN", "591"},
      {"SG", "SGP", "702"}, {"PH", "PHL", "608"}, {"DE", "DEU", "276"}, {"JP", "JPN", "392"},
  };
  static const char *const locodes[] = {"CNSHA", "VNSGN", "SGSIN", "USLAX", "CNNGB", "JPTYO"};
  struct refdata *rd = refdata_new();
  if (!rd) return NULL;
  for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++)
    if (refdata_add_hs(rd, hs[i][0], "desc", hs[i][1], hs[i][2], hs[i][3][0] - '0') < 0) goto bad;
  for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
    if (refdata_add_country(rd, countries[i][0], countries[i][1], countries[i][2], "Country") < 0)
      goto bad;
  if (refdata_add_currency(rd, "USD", "840", "US Dollar", 2) < 0 ||
      refdata_add_currency(rd, "CNY", "156", "Yuan Renminbi", 2) < 0 ||
      refdata_add_currency(rd, "JPY", "392", "Yen", 0) < 0 ||
      refdata_add_currency(rd, "EUR", "978", "Euro", 2) < 0)
    goto bad;
  for (size_t i = 0; i < sizeof locodes / sizeof locodes[0]; i++)
    if (refdata_add_location(rd, locodes[i], "Place", "1-------") < 0) goto bad;
  if (refdata_finish(rd) < 0) goto bad;
  return rd;
bad:
  refdata_free(rd);
  return NULL;
}

static inline char *fx_s(struct arena *a, const char *s) { return arena_strdup(a, s); }

static inline int64_t fx_money(const char *s) {
  int64_t v = 0;
  dec_parse(s, strlen(s), DEC_SCALE_MONEY, 0, &v, NULL);
  return v;
}

static inline int64_t fx_qty(const char *s) {
  int64_t v = 0;
  dec_parse(s, strlen(s), DEC_SCALE_QTY, 0, &v, NULL);
  return v;
}

/* The DESIGN.md §7 import declaration. */
static inline void fixture_goods(struct arena *a, struct decl *d) {
  memset(d, 0, sizeof *d);
  d->type = DECL_IM;
  d->reference = fx_s(a, "BRK-2026-000123");
  d->office = fx_s(a, "CNSHA");
  struct decl_goods *g = &d->goods;
  g->procedure = fx_s(a, "4000");
  g->has_importer = true;
  g->importer.id = fx_s(a, "91310000MA1FL0001X");
  g->has_transport = true;
  g->transport.mode = fx_s(a, "1");
  g->transport.vessel_imo = fx_s(a, "9321483");
  g->transport.voyage = fx_s(a, "025E");
  g->transport.bill_of_lading = fx_s(a, "COSU1234567890");
  g->transport.loading = fx_s(a, "VNSGN");
  g->transport.discharge = fx_s(a, "CNSHA");
  g->transport.arrival = fx_s(a, "2026-12-01T06:00:00Z");
  g->transport.containers = arena_alloc(a, sizeof(char *));
  g->transport.containers[0] = fx_s(a, "MSKU9070323");
  g->transport.n_containers = 1;
  g->has_invoice = true;
  g->invoice.currency = fx_s(a, "USD");
  g->invoice.incoterm = fx_s(a, "CIF");
  g->invoice.total = fx_money("98000.00");
  g->invoice.has_total = true;
  g->items = arena_alloc(a, sizeof(struct decl_item));
  g->n_items = 1;
  struct decl_item *it = &g->items[0];
  it->seq = 1;
  it->has_seq = true;
  it->hs = fx_s(a, "03061711");
  it->description = fx_s(a, "Frozen shrimps, peeled");
  it->origin = fx_s(a, "VN");
  it->quantity = fx_qty("12000");
  it->unit = fx_s(a, "KGM");
  it->net_kg = fx_qty("12000");
  it->gross_kg = fx_qty("12600");
  it->value = fx_money("98000.00");
  it->has_quantity = it->has_net_kg = it->has_gross_kg = it->has_value = true;
  it->documents = arena_alloc(a, sizeof(struct decl_document));
  it->n_documents = 1;
  it->documents[0].type = fx_s(a, "phyto");
  it->documents[0].number = fx_s(a, "VN-PC-2026-8812");
}

/* A vessel arrival at Shanghai. */
static inline void fixture_va(struct arena *a, struct decl *d) {
  memset(d, 0, sizeof *d);
  d->type = DECL_VA;
  d->reference = fx_s(a, "COSCO-VA-2026-0042");
  d->office = fx_s(a, "CNSHA");
  struct decl_vcall *v = &d->vcall;
  v->has_vessel = true;
  v->vessel.imo = fx_s(a, "9321483");
  v->vessel.name = fx_s(a, "COSCO EXAMPLE");
  v->vessel.flag = fx_s(a, "PA");
  v->vessel.call_sign = fx_s(a, "3FAB7");
  v->vessel.gross_tonnage = 91051;
  v->vessel.has_gross_tonnage = true;
  v->voyage = fx_s(a, "025E");
  v->eta = fx_s(a, "2026-12-01T06:00:00Z");
  v->etd = fx_s(a, "2026-12-02T18:30:00Z");
  v->last_port = fx_s(a, "VNSGN");
  v->next_port = fx_s(a, "CNNGB");
  v->crew_count = 2;
  v->has_crew_count = true;
  v->has_crew = true;
  v->n_crew = 2;
  v->crew = arena_alloc(a, 2 * sizeof(struct decl_crew));
  v->crew[0].name = fx_s(a, "Li Wei");
  v->crew[0].nationality = fx_s(a, "CN");
  v->crew[0].rank = fx_s(a, "Master");
  v->crew[1].name = fx_s(a, "Juan dela Cruz");
  v->crew[1].nationality = fx_s(a, "PH");
  v->crew[1].rank = fx_s(a, "Chief Engineer");
  v->passenger_count = 0;
  v->has_passenger_count = true;
  v->cargo_summary = fx_s(a, "1,850 TEU general cargo");
  v->dangerous_goods = false;
  v->has_dangerous_goods = true;
  v->sanitation_certificate_expiry = fx_s(a, "2027-03-31");
  v->security_level = 1;
  v->has_security_level = true;
  v->has_carrier = true;
  v->carrier.id = fx_s(a, "91310000COSCO0001X");
}

/* True when errs holds a problem with exactly this path and code. */
static inline int fx_has(const struct errlist *e, const char *path, const char *code) {
  for (size_t i = 0; i < e->n; i++)
    if (strcmp(e->items[i].path, path) == 0 && strcmp(e->items[i].code, code) == 0) return 1;
  return 0;
}

#endif
