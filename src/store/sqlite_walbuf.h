/* sqlite_walbuf.h - an SQLite VFS that writes a commit's WAL frames in one system call
 * (see sqlite_walbuf.c). For read-write connections with synchronous=FULL only. */
#ifndef SW_SQLITE_WALBUF_H
#define SW_SQLITE_WALBUF_H

#define SQLITE_WALBUF_VFS "opensw-walbuf"

/* Registers the VFS (not as the default) over the default one. Call once, before opening a
 * connection with it; SQLITE_OK or an SQLite error code (then use the default VFS). */
int sqlite_walbuf_register(void);

/* While on (for the calling thread), a sync of a WAL file only writes the VFS's buffer to
 * the OS and leaves the sync owed; a file's first sync is never deferred, since it also
 * makes the new file's directory entry durable. For a commit whose fdatasync another
 * thread does on sqlite_walbuf_sync_fd before anyone relies on the commit. */
void sqlite_walbuf_defer_syncs(int on);

struct sqlite3;
/* A descriptor of the connection's WAL file, valid while the connection is open, on which
 * fdatasync makes the connection's commits so far durable (safe from any thread); -1 when
 * the connection does not use this VFS or has no WAL file open. */
int sqlite_walbuf_sync_fd(struct sqlite3 *db);

#endif
