/* refreload.c - reloads reference data when its version changes (see refreload.h). */
#include "http/refreload.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "http/app.h"
#include "store/refdata_store.h"

#define CHECK_MS 2000

struct retired {
  struct refdata *rd;
  struct retired *next;
};

struct refreload {
  struct app *app;
  int64_t version;
  pthread_t thread;
  atomic_int stop;
  struct retired *retired;
};

static void nap_ms(int ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

/* One check: loads and swaps in a new copy when the version moved. */
static void check_once(struct refreload *w) {
  struct db *db = store_reader(w->app->store);
  int64_t v = 0;
  struct refdata *fresh = NULL;
  struct retired *old = malloc(sizeof *old);
  if (!old) return;
  if (!db || refstore_version(db, &v) < 0 || v == w->version ||
      refstore_load(db, &fresh) < 0) {
    free(old);
    return;
  }
  old->rd = atomic_exchange(&w->app->rd, fresh);
  old->next = w->retired;
  w->retired = old;
  w->version = v;
  fprintf(stderr,
          "{\"level\":\"info\",\"msg\":\"reference data reloaded\",\"version\":%lld,"
          "\"hs_codes\":%zu}\n",
          (long long)v, refdata_hs_count(fresh));
}

static void *reload_main(void *arg) {
  struct refreload *w = arg;
  while (!atomic_load(&w->stop)) {
    for (int slept = 0; slept < CHECK_MS && !atomic_load(&w->stop); slept += 100) nap_ms(100);
    if (!atomic_load(&w->stop)) check_once(w);
  }
  return NULL;
}

struct refreload *refreload_start(struct app *app, int64_t version) {
  struct refreload *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->app = app;
  w->version = version;
  if (pthread_create(&w->thread, NULL, reload_main, w) != 0) {
    free(w);
    return NULL;
  }
  return w;
}

void refreload_stop(struct refreload *w) {
  if (!w) return;
  atomic_store(&w->stop, 1);
  pthread_join(w->thread, NULL);
  for (struct retired *r = w->retired, *n; r; r = n) {
    n = r->next;
    refdata_free(r->rd);
    free(r);
  }
  free(w);
}
