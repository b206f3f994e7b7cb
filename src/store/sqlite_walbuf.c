/* sqlite_walbuf.c - an SQLite VFS that gathers the writes of a commit to the WAL into one.
 *
 * SQLite writes each WAL frame as two write calls, the 24-byte frame header and then the
 * page: a commit of 200 pages costs 400 pwrite system calls in the writer thread, the
 * serial part of every write. This VFS wraps the default one and, for WAL files only,
 * keeps consecutive writes in a buffer that goes to the file in 64 KiB writes when
 *   - the connection syncs the file (every commit: swd's writers use synchronous=FULL,
 *     which syncs the WAL at each commit, before the commit becomes visible to readers),
 *   - a write does not continue the buffered range, or would overflow the buffer,
 *   - the connection reads, truncates, sizes, controls or closes the file.
 * So no other connection can read a frame before it is in the file, and the connection
 * itself never reads around its own buffer. A failed write surfaces at the latest at the
 * sync, failing the commit; unless syncs are deferred (below), the commit returns only
 * after the sync, as without this VFS.
 *
 * Only for connections with synchronous=FULL (db_sqlite.c opens every read-write
 * connection so): with NORMAL a commit would not sync, and readers could see a commit
 * whose frames are still in this buffer.
 *
 * Deferred syncs (sqlite_walbuf_defer_syncs): while a thread has them on, its WAL syncs
 * write the buffer to the OS but leave the fdatasync to whoever holds the file's sync
 * descriptor (sqlite_walbuf_sync_fd). The writer commits so and lets another thread make
 * the commit durable while it runs the next transaction; no caller is answered before. */
#include "store/sqlite_walbuf.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WALBUF_CAP (4 << 20) /* a commit of ~1,000 pages in one write */

struct walbuf_file {
  sqlite3_file base; /* base.pMethods = &walbuf_io */
  sqlite3_file *real; /* the default VFS's file, in the same allocation, after this */
  int is_wal;
  int synced;  /* has been synced for real once (which also syncs a new file's directory) */
  int sync_fd; /* WAL files: a descriptor of the same file, for sqlite_walbuf_sync_fd */
  char *buf; /* allocated at the first write of a WAL file */
  size_t len;
  sqlite3_int64 off; /* file offset of buf[0] */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs walbuf_vfs;
static sqlite3_io_methods walbuf_io;
static _Thread_local int defer_syncs;

#define REAL(f) (((struct walbuf_file *)(f))->real)
#define RM(f) (REAL(f)->pMethods)

/* The default VFS writes at most 128 KiB per call (it never expects more than a page). */
#define WRITE_CHUNK (64 << 10)

static int flush(struct walbuf_file *f) {
  int rc = SQLITE_OK;
  for (size_t done = 0; done < f->len && rc == SQLITE_OK; done += WRITE_CHUNK) {
    size_t n = f->len - done < WRITE_CHUNK ? f->len - done : WRITE_CHUNK;
    rc = RM(f)->xWrite(f->real, f->buf + done, (int)n, f->off + (sqlite3_int64)done);
  }
  f->len = 0;
  return rc;
}

static int wb_close(sqlite3_file *file) {
  struct walbuf_file *f = (struct walbuf_file *)file;
  int rc = flush(f), rc2 = RM(f)->xClose(f->real);
  if (f->sync_fd >= 0) close(f->sync_fd);
  free(f->buf);
  f->buf = NULL;
  return rc != SQLITE_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *file, void *p, int amt, sqlite3_int64 off) {
  int rc = flush((struct walbuf_file *)file);
  return rc != SQLITE_OK ? rc : RM(file)->xRead(REAL(file), p, amt, off);
}

static int wb_write(sqlite3_file *file, const void *p, int amt, sqlite3_int64 off) {
  struct walbuf_file *f = (struct walbuf_file *)file;
  if (!f->is_wal) return RM(f)->xWrite(f->real, p, amt, off);
  if (!f->buf && !(f->buf = malloc(WALBUF_CAP))) return RM(f)->xWrite(f->real, p, amt, off);
  size_t n = (size_t)amt;
  if (f->len && (off != f->off + (sqlite3_int64)f->len || f->len + n > WALBUF_CAP)) {
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
  }
  if (n > WRITE_CHUNK) return RM(f)->xWrite(f->real, p, amt, off); /* never: pages are smaller */
  if (!f->len) f->off = off;
  memcpy(f->buf + f->len, p, n);
  f->len += n;
  return SQLITE_OK;
}

static int wb_truncate(sqlite3_file *file, sqlite3_int64 size) {
  int rc = flush((struct walbuf_file *)file);
  return rc != SQLITE_OK ? rc : RM(file)->xTruncate(REAL(file), size);
}

static int wb_sync(sqlite3_file *file, int flags) {
  struct walbuf_file *f = (struct walbuf_file *)file;
  int rc = flush(f);
  if (rc != SQLITE_OK) return rc;
  if (defer_syncs && f->is_wal && f->synced && f->sync_fd >= 0) return SQLITE_OK;
  if ((rc = RM(f)->xSync(f->real, flags)) == SQLITE_OK) f->synced = 1;
  return rc;
}

static int wb_file_size(sqlite3_file *file, sqlite3_int64 *size) {
  int rc = flush((struct walbuf_file *)file);
  return rc != SQLITE_OK ? rc : RM(file)->xFileSize(REAL(file), size);
}

static int wb_lock(sqlite3_file *file, int lock) { return RM(file)->xLock(REAL(file), lock); }
static int wb_unlock(sqlite3_file *file, int lock) { return RM(file)->xUnlock(REAL(file), lock); }
static int wb_check_reserved(sqlite3_file *file, int *out) {
  return RM(file)->xCheckReservedLock(REAL(file), out);
}

static int wb_file_control(sqlite3_file *file, int op, void *arg) {
  int rc = flush((struct walbuf_file *)file);
  return rc != SQLITE_OK ? rc : RM(file)->xFileControl(REAL(file), op, arg);
}

static int wb_sector_size(sqlite3_file *file) { return RM(file)->xSectorSize(REAL(file)); }
static int wb_device(sqlite3_file *file) {
  return RM(file)->xDeviceCharacteristics(REAL(file));
}
static int wb_shm_map(sqlite3_file *file, int pg, int pgsz, int extend, void volatile **pp) {
  return RM(file)->xShmMap(REAL(file), pg, pgsz, extend, pp);
}
static int wb_shm_lock(sqlite3_file *file, int offset, int n, int flags) {
  return RM(file)->xShmLock(REAL(file), offset, n, flags);
}
static void wb_shm_barrier(sqlite3_file *file) { RM(file)->xShmBarrier(REAL(file)); }
static int wb_shm_unmap(sqlite3_file *file, int del) {
  return RM(file)->xShmUnmap(REAL(file), del);
}
static int wb_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **pp) {
  int rc = flush((struct walbuf_file *)file);
  return rc != SQLITE_OK ? rc : RM(file)->xFetch(REAL(file), off, amt, pp);
}
static int wb_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p) {
  return RM(file)->xUnfetch(REAL(file), off, p);
}

static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                   int *out_flags) {
  (void)vfs;
  struct walbuf_file *f = (struct walbuf_file *)file;
  memset(f, 0, sizeof *f);
  f->sync_fd = -1;
  f->real = (sqlite3_file *)(f + 1);
  int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || !f->real->pMethods) {
    f->base.pMethods = NULL; /* SQLite then does not call xClose */
    return rc;
  }
  f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  /* opened just after the real file, by name: the same file (SQLite never renames one) */
  if (f->is_wal && name) f->sync_fd = open(name, O_RDONLY | O_CLOEXEC);
  f->base.pMethods = &walbuf_io;
  return SQLITE_OK;
}

void sqlite_walbuf_defer_syncs(int on) { defer_syncs = on; }

int sqlite_walbuf_sync_fd(sqlite3 *db) {
  sqlite3_file *file = NULL;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) != SQLITE_OK ||
      !file || file->pMethods != &walbuf_io)
    return -1;
  return ((struct walbuf_file *)file)->sync_fd;
}

static int wb_delete(sqlite3_vfs *v, const char *name, int sync_dir) {
  (void)v;
  return real_vfs->xDelete(real_vfs, name, sync_dir);
}
static int wb_access(sqlite3_vfs *v, const char *name, int flags, int *out) {
  (void)v;
  return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int wb_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out) {
  (void)v;
  return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static void *wb_dlopen(sqlite3_vfs *v, const char *name) {
  (void)v;
  return real_vfs->xDlOpen(real_vfs, name);
}
static void wb_dlerror(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  real_vfs->xDlError(real_vfs, n, out);
}
static void (*wb_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void) {
  (void)v;
  return real_vfs->xDlSym(real_vfs, h, sym);
}
static void wb_dlclose(sqlite3_vfs *v, void *h) {
  (void)v;
  real_vfs->xDlClose(real_vfs, h);
}
static int wb_randomness(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return real_vfs->xRandomness(real_vfs, n, out);
}
static int wb_sleep(sqlite3_vfs *v, int us) {
  (void)v;
  return real_vfs->xSleep(real_vfs, us);
}
static int wb_current_time(sqlite3_vfs *v, double *out) {
  (void)v;
  return real_vfs->xCurrentTime(real_vfs, out);
}
static int wb_last_error(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return real_vfs->xGetLastError(real_vfs, n, out);
}
static int wb_current_time64(sqlite3_vfs *v, sqlite3_int64 *out) {
  (void)v;
  return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

int sqlite_walbuf_register(void) {
  real_vfs = sqlite3_vfs_find(NULL);
  if (!real_vfs || real_vfs->iVersion < 2 || !real_vfs->xCurrentTimeInt64) return SQLITE_ERROR;
  walbuf_io = (sqlite3_io_methods){
      .iVersion = 3,
      .xClose = wb_close,
      .xRead = wb_read,
      .xWrite = wb_write,
      .xTruncate = wb_truncate,
      .xSync = wb_sync,
      .xFileSize = wb_file_size,
      .xLock = wb_lock,
      .xUnlock = wb_unlock,
      .xCheckReservedLock = wb_check_reserved,
      .xFileControl = wb_file_control,
      .xSectorSize = wb_sector_size,
      .xDeviceCharacteristics = wb_device,
      .xShmMap = wb_shm_map,
      .xShmLock = wb_shm_lock,
      .xShmBarrier = wb_shm_barrier,
      .xShmUnmap = wb_shm_unmap,
      .xFetch = wb_fetch,
      .xUnfetch = wb_unfetch,
  };
  walbuf_vfs = (sqlite3_vfs){
      .iVersion = 2,
      .szOsFile = (int)sizeof(struct walbuf_file) + real_vfs->szOsFile,
      .mxPathname = real_vfs->mxPathname,
      .zName = SQLITE_WALBUF_VFS,
      .xOpen = wb_open,
      .xDelete = wb_delete,
      .xAccess = wb_access,
      .xFullPathname = wb_full_pathname,
      .xDlOpen = wb_dlopen,
      .xDlError = wb_dlerror,
      .xDlSym = wb_dlsym,
      .xDlClose = wb_dlclose,
      .xRandomness = wb_randomness,
      .xSleep = wb_sleep,
      .xCurrentTime = wb_current_time,
      .xGetLastError = wb_last_error,
      .xCurrentTimeInt64 = wb_current_time64,
  };
  return sqlite3_vfs_register(&walbuf_vfs, 0);
}
