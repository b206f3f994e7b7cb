/* sqlite_walbuf.h - an SQLite VFS that writes a commit's WAL frames in one system call
 * (see sqlite_walbuf.c). For read-write connections with synchronous=FULL only. */
#ifndef SW_SQLITE_WALBUF_H
#define SW_SQLITE_WALBUF_H

#define SQLITE_WALBUF_VFS "opensw-walbuf"

/* Registers the VFS (not as the default) over the default one. Call once, before opening a
 * connection with it; SQLITE_OK or an SQLite error code (then use the default VFS). */
int sqlite_walbuf_register(void);

#endif
