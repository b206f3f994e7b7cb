/* store_watch.c - LISTEN for other nodes' commits (see store_watch.h). */
#include "store/store_watch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

struct store_watch {
  struct store *store;
  void (*fn)(void *arg);
  void *arg;
  pthread_t thread;
  atomic_int stop;
  atomic_uint_fast64_t remote;
};

static struct db *listen_conn(struct store_watch *w) {
  struct db *db = NULL;
  if (db_open_url(store_url(w->store), 0, &db) < 0) return NULL;
  if (db_listen(db, STORE_CHANNEL) < 0) {
    db_close(db);
    return NULL;
  }
  return db;
}

static void *watch_main(void *arg) {
  struct store_watch *w = arg;
  struct db *db = NULL;
  int lost = 0;
  char payload[64];
  while (!atomic_load(&w->stop)) {
    if (!db && !(db = listen_conn(w))) {
      if (!lost) fprintf(stderr, "{\"level\":\"warn\",\"msg\":\"commit notifications lost; retrying\"}\n");
      lost = 1;
      sleep(1);
      continue;
    }
    if (lost) { /* announcements may have been missed while disconnected */
      lost = 0;
      w->fn(w->arg);
    }
    int rc = db_wait_notify(db, 250, payload, sizeof payload);
    if (rc < 0) {
      db_close(db);
      db = NULL;
      lost = 1;
      continue;
    }
    if (rc == 1 && strcmp(payload, store_node_id(w->store)) != 0) {
      atomic_fetch_add(&w->remote, 1);
      w->fn(w->arg);
    }
  }
  db_close(db);
  return NULL;
}

struct store_watch *store_watch_start(struct store *s, void (*fn)(void *arg), void *arg) {
  if (strcmp(store_backend(s), "postgresql") != 0) return NULL;
  struct store_watch *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->store = s;
  w->fn = fn;
  w->arg = arg;
  if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
    free(w);
    return NULL;
  }
  return w;
}

void store_watch_stop(struct store_watch *w) {
  if (!w) return;
  atomic_store(&w->stop, 1);
  pthread_join(w->thread, NULL);
  free(w);
}

uint64_t store_watch_remote_commits(const struct store_watch *w) {
  return w ? atomic_load(&w->remote) : 0;
}
