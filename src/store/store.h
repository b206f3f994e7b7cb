/* store.h - the persistence facade: one writer thread doing group commit, read
 * connections per thread, migrations applied at open. */
#ifndef SW_STORE_H
#define SW_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct store; /* opaque */

struct store_stats {
  uint64_t commits;        /* transactions committed by the writer */
  uint64_t jobs;           /* write jobs executed */
  uint64_t batch_hist[8];  /* batch sizes: 1, 2-3, 4-7, 8-15, 16-31, 32-63, 64-127, 128+ */
  uint64_t queue_depth;    /* jobs waiting right now */
};

/* Opens the database named by url (see db_open_url: sqlite:///path, a plain SQLite file
 * path, or postgresql://...; a SQLite file is created if needed), applies pending
 * migrations and starts the writer thread. Readers open one connection per thread that
 * reads (store_reader), so a node holds at most threads + 1 connections. */
int store_open(const char *url, struct store **out);
/* Drains the write queue, stops the writer and closes every connection. */
void store_free(struct store *s);

/* A write job runs inside the writer's transaction, isolated by a savepoint: returning a
 * negative code rolls back only this job's changes. The caller blocks until the
 * transaction holding the job is committed and durable (or failed), and gets the job's
 * result. After a failed sync of the log every write fails with -SW_EIO. */
typedef int (*store_write_fn)(struct db *db, void *arg);
int store_write(struct store *s, store_write_fn fn, void *arg);

/* store_write for a job that may run more than once, which spares the writer the job's
 * savepoint: it runs without one, and should it fail, the writer rolls its whole batch
 * back and runs the batch again with a savepoint per job. So fn must give the same result
 * on the same database and leave nothing outside the database that a second run would
 * not overwrite (reset its outputs on entry). */
int store_write_rerunnable(struct store *s, store_write_fn fn, void *arg);

/* A write job whose caller does not wait: on_done(done_arg, rc) runs on the store's syncer
 * thread once the job's transaction is committed and durable (or failed), with what
 * store_write would return; it must be quick and must not use the store. slot is the
 * job's storage, of store_async_size() bytes aligned like a pointer, and lives until
 * on_done ran. rerunnable as for store_write_rerunnable. Returns 0, or -SW_ESHUTDOWN when
 * the store is stopping or -SW_EIO after a failed sync (then on_done never runs). */
struct store_async;
size_t store_async_size(void);
int store_write_async(struct store *s, struct store_async *slot, store_write_fn fn, void *arg,
                      int rerunnable, void (*on_done)(void *done_arg, int rc), void *done_arg);

/* For writers whose jobs never go on after a failed statement (they return the error and
 * the job's savepoint undoes them): the writer connection may skip per-statement
 * savepoints (db_statement_savepoints). Call before the first store_write. */
void store_jobs_fail_whole(struct store *s);

/* The calling thread's read connection (opened on first use, closed by store_free). */
struct db *store_reader(struct store *s);

/* Online consistent copy of the database. */
int store_backup(struct store *s, const char *dest_path);

void store_get_stats(struct store *s, struct store_stats *out);
/* Schema version after migrations. */
int store_schema_version(struct store *s);
/* The URL (or SQLite path) the store was opened with; may hold a password. */
const char *store_url(const struct store *s);
/* "sqlite" or "postgresql". */
const char *store_backend(const struct store *s);
/* 1 when a write job reads what it just wrote more cheaply than a reader would after the
 * commit: SQLite (the writer's page cache holds it; a reader's cache is emptied by every
 * commit). 0 on PostgreSQL, where every read in the one writer is a serial round trip. */
int store_job_reads_cheap(const struct store *s);

/* The channel on which the writer announces each commit (PostgreSQL NOTIFY, payload: the
 * committing node's id), so that other nodes' long polls wake (store_watch.h). */
#define STORE_CHANNEL "opensw_commits"
/* This process's id in those announcements ("host:pid:start"). */
const char *store_node_id(const struct store *s);

/* Current time in microseconds since the epoch (UTC). */
int64_t store_now_us(void);

#endif
