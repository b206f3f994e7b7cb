/* decl_fields.c - the field tables of a declaration's JSON (see decl_fields.h). */
#include "codec/decl_fields.h"

#define GOODS DECL_TYPES_GOODS
#define VESSEL DECL_TYPES_VESSEL
#define STR(name, T, member, types)                                                                \
  { name, F_STR, types, offsetof(T, member), NOHAS, 0, 0, NULL, NULL }
#define NUM(name, kind, T, member, has, types)                                                     \
  { name, kind, types, offsetof(T, member), offsetof(T, has), 0, 0, NULL, NULL }
#define OBJ(name, T, member, has, types, sub)                                                      \
  { name, F_OBJ, types, offsetof(T, member), offsetof(T, has), 0, 0, NULL, &sub }
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct fdesc party_f[] = {
    STR("id", struct decl_party, id, 0),
    STR("name", struct decl_party, name, 0),
};
static const struct objdesc party_d = {sizeof(struct decl_party), party_f, NELEMS(party_f)};

static const struct fdesc document_f[] = {
    STR("type", struct decl_document, type, 0),
    STR("number", struct decl_document, number, 0),
};
static const struct objdesc document_d = {sizeof(struct decl_document), document_f,
                                          NELEMS(document_f)};

static const struct fdesc item_f[] = {
    NUM("seq", F_INT, struct decl_item, seq, has_seq, 0),
    STR("hs", struct decl_item, hs, 0),
    STR("description", struct decl_item, description, 0),
    STR("origin", struct decl_item, origin, 0),
    NUM("quantity", F_QTY, struct decl_item, quantity, has_quantity, 0),
    STR("unit", struct decl_item, unit, 0),
    NUM("net_kg", F_QTY, struct decl_item, net_kg, has_net_kg, 0),
    NUM("gross_kg", F_QTY, struct decl_item, gross_kg, has_gross_kg, 0),
    NUM("value", F_MONEY, struct decl_item, value, has_value, 0),
    {"documents", F_OBJARR, 0, offsetof(struct decl_item, documents), NOHAS,
     offsetof(struct decl_item, n_documents), DECL_MAX_DOCUMENTS, "too_many", &document_d},
};
static const struct objdesc item_d = {sizeof(struct decl_item), item_f, NELEMS(item_f)};

static const struct fdesc transport_f[] = {
    STR("mode", struct decl_transport, mode, 0),
    STR("vessel_imo", struct decl_transport, vessel_imo, 0),
    STR("voyage", struct decl_transport, voyage, 0),
    STR("bill_of_lading", struct decl_transport, bill_of_lading, 0),
    STR("loading", struct decl_transport, loading, 0),
    STR("discharge", struct decl_transport, discharge, 0),
    STR("arrival", struct decl_transport, arrival, 0),
    {"containers", F_STRARR, 0, offsetof(struct decl_transport, containers), NOHAS,
     offsetof(struct decl_transport, n_containers), DECL_MAX_CONTAINERS, "too_many", NULL},
};
static const struct objdesc transport_d = {sizeof(struct decl_transport), transport_f,
                                           NELEMS(transport_f)};

static const struct fdesc invoice_f[] = {
    STR("currency", struct decl_invoice, currency, 0),
    STR("incoterm", struct decl_invoice, incoterm, 0),
    NUM("total", F_MONEY, struct decl_invoice, total, has_total, 0),
    NUM("freight", F_MONEY, struct decl_invoice, freight, has_freight, 0),
    NUM("insurance", F_MONEY, struct decl_invoice, insurance, has_insurance, 0),
};
static const struct objdesc invoice_d = {sizeof(struct decl_invoice), invoice_f, NELEMS(invoice_f)};

static const struct fdesc vessel_f[] = {
    STR("imo", struct decl_vessel, imo, 0),
    STR("name", struct decl_vessel, name, 0),
    STR("flag", struct decl_vessel, flag, 0),
    STR("call_sign", struct decl_vessel, call_sign, 0),
    NUM("gross_tonnage", F_INT, struct decl_vessel, gross_tonnage, has_gross_tonnage, 0),
};
static const struct objdesc vessel_d = {sizeof(struct decl_vessel), vessel_f, NELEMS(vessel_f)};

static const struct fdesc crew_f[] = {
    STR("name", struct decl_crew, name, 0),
    STR("nationality", struct decl_crew, nationality, 0),
    STR("rank", struct decl_crew, rank, 0),
};
static const struct objdesc crew_d = {sizeof(struct decl_crew), crew_f, NELEMS(crew_f)};

/* Top level, in output order ("type" is handled first, by hand). */
static const struct fdesc decl_f[] = {
    STR("reference", struct decl, reference, 0),
    STR("procedure", struct decl, goods.procedure, GOODS),
    STR("office", struct decl, office, GOODS),
    STR("port", struct decl, office, VESSEL),
    OBJ("importer", struct decl, goods.importer, goods.has_importer, GOODS, party_d),
    OBJ("exporter", struct decl, goods.exporter, goods.has_exporter, GOODS, party_d),
    OBJ("declarant", struct decl, goods.declarant, goods.has_declarant, GOODS, party_d),
    STR("destination", struct decl, goods.destination, GOODS),
    OBJ("transport", struct decl, goods.transport, goods.has_transport, GOODS, transport_d),
    OBJ("invoice", struct decl, goods.invoice, goods.has_invoice, GOODS, invoice_d),
    {"items", F_OBJARR, GOODS, offsetof(struct decl, goods.items), NOHAS,
     offsetof(struct decl, goods.n_items), DECL_MAX_ITEMS, "too_many_items", &item_d},
    OBJ("vessel", struct decl, vcall.vessel, vcall.has_vessel, VESSEL, vessel_d),
    STR("voyage", struct decl, vcall.voyage, VESSEL),
    STR("eta", struct decl, vcall.eta, VESSEL),
    STR("etd", struct decl, vcall.etd, VESSEL),
    STR("last_port", struct decl, vcall.last_port, VESSEL),
    STR("next_port", struct decl, vcall.next_port, VESSEL),
    NUM("crew_count", F_INT, struct decl, vcall.crew_count, vcall.has_crew_count, VESSEL),
    {"crew", F_OBJARR, VESSEL, offsetof(struct decl, vcall.crew),
     offsetof(struct decl, vcall.has_crew), offsetof(struct decl, vcall.n_crew), DECL_MAX_CREW,
     "too_many", &crew_d},
    NUM("passenger_count", F_INT, struct decl, vcall.passenger_count, vcall.has_passenger_count,
        VESSEL),
    STR("cargo_summary", struct decl, vcall.cargo_summary, VESSEL),
    NUM("dangerous_goods", F_BOOL, struct decl, vcall.dangerous_goods, vcall.has_dangerous_goods,
        VESSEL),
    STR("sanitation_certificate_expiry", struct decl, vcall.sanitation_certificate_expiry, VESSEL),
    NUM("security_level", F_INT, struct decl, vcall.security_level, vcall.has_security_level,
        VESSEL),
    OBJ("carrier", struct decl, vcall.carrier, vcall.has_carrier, VESSEL, party_d),
};
const struct objdesc decl_fields = {sizeof(struct decl), decl_f, NELEMS(decl_f)};
