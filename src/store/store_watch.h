/* store_watch.h - wakes this node when another node commits to the same database. On
 * PostgreSQL a thread of its own LISTENs on STORE_CHANNEL (store.h) over a connection of
 * its own and calls back for every commit announced by a node other than this one;
 * after losing the connection it reconnects (every second) and calls back once, since
 * announcements may have been missed meanwhile. SQLite needs none of this: one process
 * owns the file, so store_watch_start returns NULL there. */
#ifndef SW_STORE_WATCH_H
#define SW_STORE_WATCH_H
#include <stdint.h>

struct store;
struct store_watch;

/* Starts watching the store's database; fn(arg) runs on the watcher's thread. NULL on
 * SQLite or when the thread cannot start (then wake-ups come from the feed's own tick). */
struct store_watch *store_watch_start(struct store *s, void (*fn)(void *arg), void *arg);
/* Stops the thread and closes its connection; NULL is ignored. */
void store_watch_stop(struct store_watch *w);
/* Commits announced by other nodes so far (for /metrics). */
uint64_t store_watch_remote_commits(const struct store_watch *w);

#endif
