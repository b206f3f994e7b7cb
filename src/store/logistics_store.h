/* logistics_store.h - logistics events from ports, terminals and carriers, matched to
 * declarations by key; release notices for the parties that posted them; the facts the
 * release-time analysis groups by; imported (historical) declarations. Writers run inside
 * store_write jobs. */
#ifndef SW_LOGISTICS_STORE_H
#define SW_LOGISTICS_STORE_H
#include <jansson.h>
#include <stdint.h>

#include "core/decl.h"
#include "core/stats.h"
#include "store/db.h"

/* Keys a logistics event may be given by. */
#define LG_KEY_DECLARATION "declaration"
#define LG_KEY_BL "bill_of_lading"
#define LG_KEY_CONTAINER "container"
#define LG_KEY_VESSEL_CALL "vessel_call" /* "IMO/VOYAGE" */

struct lg_event {
  int64_t party_id;
  const char *party_nid, *actor;
  const char *kind;      /* arrival, discharge, storage_entry, loading, gate_out, departure */
  const char *key_kind;  /* one of LG_KEY_* */
  const char *key_value; /* normalised (upper case) */
  const char *port;      /* UN/LOCODE or "" */
  int64_t at;            /* when it happened, microseconds */
  /* out */
  int64_t id;
  int existed; /* 1: the same event was posted before (idempotent) */
};

/* Called at registration: records the declaration's keys (its official number, B/L,
 * containers, vessel call) and facts (transport mode, port), and links the events already
 * posted with those keys. */
int logistics_link_declaration(struct db *db, int64_t decl_id, const char *number,
                               const struct decl *d, int64_t now);
/* Stores an event (or finds the identical one), links it to every declaration with its
 * key, appends it to their timelines, and when one is already released gives the poster a
 * release notice. -SW_ENOTFOUND for a declaration key that names no declaration. */
int logistics_event_post(struct db *db, struct lg_event *ev);
/* Called when a declaration is released: a release notice for each party whose events
 * are linked to it. */
int logistics_on_release(struct db *db, int64_t decl_id, int64_t now);

/* {id, kind, key, port, at, declarations: [numbers]} of one event of the party; NULL when
 * it is not the party's. */
json_t *logistics_event_json(struct db *db, int64_t party_id, int64_t id);
/* The party's events after a cursor (oldest first): {items, next}. */
json_t *logistics_events_json(struct db *db, int64_t party_id, int64_t after, int limit);
/* The party's release notices after a cursor (oldest first); *last the last id. */
json_t *logistics_notices_json(struct db *db, int64_t party_id, int64_t after, int limit,
                               int64_t *last);

/* Filters of the release-time analysis (0 / NULL: any). */
struct rt_filter {
  int64_t from_us, to_us; /* on the release time, [from, to) */
  const char *type, *office, *mode;
};
/* Dimensions to group by. */
enum rt_dim { RT_BY_NONE, RT_BY_TYPE, RT_BY_OFFICE, RT_BY_MODE, RT_BY_CHANNEL,
              RT_BY_AGENCIES, RT_BY_AGENCY, RT_BY_TRUSTED, RT_BY_MONTH, RT_BY_DAY };
int rt_dim_parse(const char *name); /* -1 when unknown */
/* Loads one record per released declaration matching f (one per agency for RT_BY_AGENCY:
 * its lodgement_to_decision is that agency's decision). Group keys live in *keys (caller
 * frees both arrays with free(); *keys is one block). */
int rt_records_load(struct db *db, const struct rt_filter *f, enum rt_dim by,
                    struct rt_record **recs, size_t *n, char **keys);

/* A historical declaration (imported from a previous system, or generated for the demo):
 * inserted released, with its milestones as events at their past times. */
struct hist_agency {
  char code[16];
  int64_t at;
  int automated;
};
struct hist_decl {
  char reference[40], type[4], office[8], mode[4];
  int64_t principal_id, port_party_id; /* port_party_id: poster of arrival/gate-out, or 0 */
  struct hist_agency agencies[6];
  int n_agencies;
  int64_t arrival, lodged, paid, released, gate_out; /* 0: absent */
};
/* -SW_EEXISTS when the reference was imported before. */
int history_add(struct db *db, const struct hist_decl *h, const char *actor);
/* Sets a party's trusted-trader (AEO) status. */
int history_party_trust(struct db *db, int64_t party_id, int trusted);
/* 1 when generated or imported history exists, 0 when not. */
int history_exists(struct db *db);

#endif
