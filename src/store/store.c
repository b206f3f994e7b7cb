/* store.c - group commit: concurrent writers enqueue jobs; one thread runs a batch of them
 * in one BEGIN IMMEDIATE ... COMMIT, and a second thread makes the commit durable and only
 * then wakes each caller. The writer runs the next batch while the previous one syncs, so
 * a batch costs the writer its SQL, not its SQL plus an fdatasync. */
#include "store/store.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "store/migrations.h"

#define BATCH_MAX 512

struct write_job {
  store_write_fn fn;
  void *arg;
  int rc;
  int rerunnable; /* store_write_rerunnable: may go without a savepoint */
  void (*on_done)(void *done_arg, int rc); /* store_write_async; else the caller waits */
  void *done_arg;
  /* posted once, after the commit; only its caller waits. A semaphore rather than the
   * store's mutex and a condition variable: a woken caller then runs at once instead of
   * queueing for the mutex the writer holds while it wakes the rest of the batch. */
  sem_t done;
  struct write_job *next;
};

struct reader_node {
  struct db *db;
  struct reader_node *next;
};

struct store {
  char *path;
  struct db *writer;
  int version;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t work;     /* signalled when jobs are queued or on stop */
  struct write_job *head, *tail;
  int stopping;
  pthread_t syncer;
  pthread_cond_t committed; /* signalled when a batch awaits its sync, or on stop */
  struct write_job *sync_head, *sync_tail; /* committed (or failed), not yet answered */
  int writer_done;
  int sync_failed; /* an fdatasync failed: no later commit is answered as durable */
  struct store_stats stats;
  pthread_key_t reader_key;
  struct reader_node *readers;
  char node_id[40]; /* this process, in the commit notifications other nodes receive */
  int job_reads_cheap; /* store_job_reads_cheap, decided at open */
};

int64_t store_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int batch_bucket(size_t n) {
  int b = 0;
  while (n > 1 && b < 7) {
    n >>= 1;
    b++;
  }
  return b;
}

#define RUN_AGAIN 1 /* run_jobs: a job without a savepoint failed; all was rolled back */

/* Runs the jobs in one transaction and commits it, answering each job's rc. A job has a
 * savepoint of its own, so that its failure undoes it alone, except a rerunnable one when
 * fast is set: should that fail, the whole transaction is rolled back and RUN_AGAIN
 * returned, for the batch to run again with a savepoint per job. A savepoint costs the
 * writer a copy of every page the job touches that the batch had changed already. */
static int run_jobs(struct store *s, struct write_job *jobs, int fast) {
  size_t n = 0;
  char why[160] = "";
  int rc = db_exec(s->writer, "BEGIN IMMEDIATE");
  for (struct write_job *j = jobs; j; j = j->next) {
    n++;
    if (rc < 0) {
      j->rc = rc;
      continue;
    }
    if (fast && j->rerunnable) {
      if ((j->rc = j->fn(s->writer, j->arg)) >= 0) continue;
      db_exec(s->writer, "ROLLBACK"); /* fails harmlessly when SQLite rolled back already */
      return RUN_AGAIN;
    }
    if (db_exec(s->writer, "SAVEPOINT job") < 0) {
      j->rc = -SW_EDB;
      continue;
    }
    j->rc = j->fn(s->writer, j->arg);
    /* On a full disk or an I/O error SQLite may roll back the whole transaction inside a
     * job: the savepoint is then gone, the earlier jobs' changes with it, and a further
     * SAVEPOINT would start (and RELEASE commit) a transaction of its own. So once the
     * savepoint cannot be rolled back to or released, the batch has failed as a whole:
     * no further job runs and every job of it is answered with the error. */
    if (j->rc < 0) snprintf(why, sizeof why, "%s", db_errmsg(s->writer));
    if ((j->rc < 0 && db_exec(s->writer, "ROLLBACK TO job") < 0) ||
        db_exec(s->writer, "RELEASE job") < 0) {
      if (j->rc >= 0) snprintf(why, sizeof why, "%s", db_errmsg(s->writer));
      rc = j->rc < 0 ? j->rc : -SW_EDB;
      fprintf(stderr,
              "{\"level\":\"error\",\"msg\":\"write transaction lost, batch failed\","
              "\"at_job\":%zu,\"error\":\"%s\"}\n",
              n, why);
    }
  }
  if (rc < 0) {
    db_exec(s->writer, "ROLLBACK"); /* fails harmlessly when SQLite rolled back already */
    for (struct write_job *j = jobs; j; j = j->next)
      if (j->rc >= 0) j->rc = rc;
  } else if ((rc = db_notify(s->writer, STORE_CHANNEL, s->node_id)) < 0 ||
             (rc = db_commit_unsynced(s->writer)) < 0) {
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"commit failed\",\"error\":\"%s\"}\n",
            db_errmsg(s->writer));
    db_exec(s->writer, "ROLLBACK");
    for (struct write_job *j = jobs; j; j = j->next)
      if (j->rc >= 0) j->rc = rc;
  }
  return 0;
}

/* Runs the n jobs from jobs to last and hands them to the syncer. */
static void run_batch(struct store *s, struct write_job *jobs, struct write_job *last,
                      size_t n) {
  if (run_jobs(s, jobs, 1) == RUN_AGAIN) run_jobs(s, jobs, 0);
  pthread_mutex_lock(&s->mu);
  s->stats.commits++;
  s->stats.jobs += n;
  s->stats.batch_hist[batch_bucket(n)]++;
  if (s->sync_tail)
    s->sync_tail->next = jobs;
  else
    s->sync_head = jobs;
  s->sync_tail = last;
  pthread_cond_signal(&s->committed);
  pthread_mutex_unlock(&s->mu);
}

/* The syncer: takes every batch committed since its last sync, syncs once for all of them
 * and wakes or resumes their callers. A failed sync fails those jobs and every later one:
 * after an fdatasync error the kernel may have dropped the dirty pages, and a later sync
 * that succeeds proves nothing about them (the store must be reopened). */
static void *syncer_main(void *arg) {
  struct store *s = arg;
  prctl(PR_SET_NAME, "sw-syncer");
  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (!s->sync_head && !s->writer_done) pthread_cond_wait(&s->committed, &s->mu);
    if (!s->sync_head) break;
    struct write_job *jobs = s->sync_head;
    s->sync_head = s->sync_tail = NULL;
    int failed = s->sync_failed;
    pthread_mutex_unlock(&s->mu);
    if (!failed && db_sync_commits(s->writer) < 0) {
      failed = 1;
      fprintf(stderr, "{\"level\":\"error\",\"msg\":\"fdatasync of the write-ahead log"
                      " failed; writes refused until the store is reopened\"}\n");
    }
    for (struct write_job *j = jobs, *next; j; j = next) {
      next = j->next; /* the job lives with its caller: read next before waking it */
      if (failed && j->rc >= 0) j->rc = -SW_EIO;
      if (j->on_done)
        j->on_done(j->done_arg, j->rc);
      else
        sem_post(&j->done);
    }
    pthread_mutex_lock(&s->mu);
    if (failed) s->sync_failed = 1;
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* Ends the syncer once it has answered every committed batch (the writer has stopped). */
static void stop_syncer(struct store *s) {
  pthread_mutex_lock(&s->mu);
  s->writer_done = 1;
  pthread_cond_signal(&s->committed);
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->syncer, NULL);
}

static void *writer_main(void *arg) {
  struct store *s = arg;
  prctl(PR_SET_NAME, "sw-writer"); /* for top -H, perf and /proc */
  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (!s->head && !s->stopping) pthread_cond_wait(&s->work, &s->mu);
    if (!s->head && s->stopping) break;
    struct write_job *jobs = s->head, *last = jobs;
    size_t n = 1;
    while (last->next && n < BATCH_MAX) {
      last = last->next;
      n++;
    }
    s->head = last->next;
    if (!s->head) s->tail = NULL;
    last->next = NULL;
    s->stats.queue_depth -= n;
    pthread_mutex_unlock(&s->mu);
    run_batch(s, jobs, last, n);
    pthread_mutex_lock(&s->mu);
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* Queues job for the writer; -SW_ESHUTDOWN once the store is stopping, -SW_EIO after a
 * failed sync. */
static int enqueue(struct store *s, struct write_job *job) {
  pthread_mutex_lock(&s->mu);
  if (s->stopping || s->sync_failed) {
    int rc = s->stopping ? -SW_ESHUTDOWN : -SW_EIO;
    pthread_mutex_unlock(&s->mu);
    return rc;
  }
  if (s->tail)
    s->tail->next = job;
  else
    s->head = job;
  s->tail = job;
  s->stats.queue_depth++;
  pthread_cond_signal(&s->work);
  pthread_mutex_unlock(&s->mu);
  return 0;
}

static int enqueue_and_wait(struct store *s, store_write_fn fn, void *arg, int rerunnable) {
  struct write_job job = {.fn = fn, .arg = arg, .rerunnable = rerunnable};
  if (sem_init(&job.done, 0, 0) != 0) return -SW_ENOMEM;
  int rc = enqueue(s, &job);
  if (rc < 0) {
    sem_destroy(&job.done);
    return rc;
  }
  while (sem_wait(&job.done) != 0) { /* EINTR: a signal handler ran; wait on */
  }
  sem_destroy(&job.done); /* allowed once sem_wait returned, even while sem_post ends */
  return job.rc;
}

size_t store_async_size(void) { return sizeof(struct write_job); }

int store_write_async(struct store *s, struct store_async *slot, store_write_fn fn, void *arg,
                      int rerunnable, void (*on_done)(void *done_arg, int rc), void *done_arg) {
  struct write_job *job = (struct write_job *)slot;
  *job = (struct write_job){.fn = fn, .arg = arg, .rerunnable = rerunnable, .on_done = on_done,
                            .done_arg = done_arg};
  return enqueue(s, job);
}

int store_write(struct store *s, store_write_fn fn, void *arg) {
  return enqueue_and_wait(s, fn, arg, 0);
}

int store_write_rerunnable(struct store *s, store_write_fn fn, void *arg) {
  return enqueue_and_wait(s, fn, arg, 1);
}

struct db *store_reader(struct store *s) {
  struct db *db = pthread_getspecific(s->reader_key);
  if (db) return db;
  if (db_open_url(s->path, 1, &db) < 0) return NULL;
  struct reader_node *node = malloc(sizeof *node);
  if (!node) {
    db_close(db);
    return NULL;
  }
  node->db = db;
  pthread_mutex_lock(&s->mu);
  node->next = s->readers;
  s->readers = node;
  pthread_mutex_unlock(&s->mu);
  pthread_setspecific(s->reader_key, db);
  return db;
}

int store_open(const char *path, struct store **out) {
  struct store *s = calloc(1, sizeof *s);
  int rc;
  if (!s) return -SW_ENOMEM;
  s->path = strdup(path);
  char host[24] = "";
  gethostname(host, sizeof host - 1);
  snprintf(s->node_id, sizeof s->node_id, "%s:%d:%llx", host, (int)getpid(),
           (unsigned long long)store_now_us());
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->work, NULL);
  pthread_cond_init(&s->committed, NULL);
  if (!s->path || pthread_key_create(&s->reader_key, NULL) != 0) {
    free(s->path);
    free(s);
    return -SW_ENOMEM;
  }
  if ((rc = db_open_url(path, 0, &s->writer)) < 0) goto fail;
  if ((rc = migrations_apply(s->writer)) < 0) goto fail;
  s->version = rc;
  s->job_reads_cheap = strcmp(db_backend_name(s->writer), "sqlite") == 0;
  if (pthread_create(&s->syncer, NULL, syncer_main, s) != 0) {
    rc = -SW_ENOMEM;
    goto fail;
  }
  if (pthread_create(&s->thread, NULL, writer_main, s) != 0) {
    stop_syncer(s);
    rc = -SW_ENOMEM;
    goto fail;
  }
  *out = s;
  return 0;
fail:
  db_close(s->writer);
  pthread_key_delete(s->reader_key);
  free(s->path);
  free(s);
  return rc;
}

void store_free(struct store *s) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  s->stopping = 1;
  pthread_cond_signal(&s->work);
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->thread, NULL);
  stop_syncer(s);
  db_checkpoint(s->writer);
  db_close(s->writer);
  for (struct reader_node *r = s->readers, *n; r; r = n) {
    n = r->next;
    db_close(r->db);
    free(r);
  }
  pthread_key_delete(s->reader_key);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->work);
  pthread_cond_destroy(&s->committed);
  free(s->path);
  free(s);
}

int store_backup(struct store *s, const char *dest_path) {
  struct db *r = store_reader(s);
  return r ? db_backup(r, dest_path) : -SW_EDB;
}

void store_get_stats(struct store *s, struct store_stats *out) {
  pthread_mutex_lock(&s->mu);
  *out = s->stats;
  pthread_mutex_unlock(&s->mu);
}

int store_schema_version(struct store *s) { return s->version; }
const char *store_url(const struct store *s) { return s->path; }
const char *store_node_id(const struct store *s) { return s->node_id; }
void store_jobs_fail_whole(struct store *s) { db_statement_savepoints(s->writer, 0); }
const char *store_backend(const struct store *s) { return db_backend_name(s->writer); }
int store_job_reads_cheap(const struct store *s) { return s->job_reads_cheap; }
