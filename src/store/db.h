/* db.h - backend-neutral SQL access used by every store module, over SQLite (db_sqlite.c)
 * or PostgreSQL (db_pg.c). SQL is written once in the dialect both backends run
 * (parameters as ?1, ?2 ...; PostgreSQL gets them as $1, $2 ...). Statements are prepared
 * once per connection and cached by the address of their SQL text, so pass string
 * literals (or other strings that outlive the connection). Prepared statements only:
 * values are always bound, never spliced into SQL. */
#ifndef SW_DB_H
#define SW_DB_H
#include <stddef.h>
#include <stdint.h>

struct db;      /* one connection, used by one thread at a time */
struct db_stmt; /* a cached prepared statement of that connection */

/* Opens a connection by URL: "sqlite:///path/file.db" (or a plain file path) or
 * "postgresql://user@host:port/dbname" ("postgres://" too; any libpq URL parameter).
 * readonly opens a query-only connection. The only place URLs are interpreted. */
int db_open_url(const char *url, int readonly, struct db **out);
/* Opens a connection to a SQLite file with the project's pragmas (WAL, synchronous=FULL,
 * busy timeout, foreign keys). readonly opens a query-only connection. */
int db_open_sqlite(const char *path, int readonly, struct db **out);
void db_close(struct db *db);
/* "sqlite" or "postgresql". */
const char *db_backend_name(const struct db *db);
/* Copies url into out with any password replaced by "***", for messages and logs. */
void db_url_redact(const char *url, char *out, size_t len);

/* Returns the cached statement for sql, reset and with bindings cleared. */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out);
int db_bind_text(struct db_stmt *st, int idx, const char *s); /* s NULL binds NULL */
int db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n);
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_null(struct db_stmt *st, int idx);
/* Returns 1 when a row is available, 0 when done, -SW_EEXISTS on a unique or primary key
 * violation, -SW_EBUSY when locked, -SW_EDB on other errors. */
int db_step(struct db_stmt *st);
const char *db_col_text(struct db_stmt *st, int col); /* "" for NULL; valid until next step */
int64_t db_col_int64(struct db_stmt *st, int col);
int db_col_is_null(struct db_stmt *st, int col);
/* Releases the statement's read locks early (it is reset anyway on next prepare). */
void db_done(struct db_stmt *st);

/* Commit in two steps, so that a group commit's sync overlaps the next transaction.
 * db_commit_unsynced commits the open transaction: its changes are visible to other
 * connections and survive a crash of this process, not yet a power loss. db_sync_commits
 * then makes every commit of the connection so far durable; it may run on another thread
 * while the connection runs its next transaction. Nothing may be acknowledged to anyone
 * before it returned 0; after it failed, no commit of the connection is known durable.
 * PostgreSQL: the COMMIT is durable already and db_sync_commits does nothing. */
int db_commit_unsynced(struct db *db);
int db_sync_commits(struct db *db);

/* Executes one or more statements without parameters (DDL, BEGIN, COMMIT). */
int db_exec(struct db *db, const char *sql);
/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t db_changes(struct db *db);
/* Last error message of the connection, for logs (never contains bound values). */
const char *db_errmsg(struct db *db);
/* Consistent online copy of the whole database into dest_path (SQLite backup API).
 * PostgreSQL: -SW_EINVAL; use pg_dump or pg_basebackup (docs/operations.md). */
int db_backup(struct db *db, const char *dest_path);
/* Before closing the writer: SQLite folds the WAL into the database file; PostgreSQL:
 * nothing. */
void db_checkpoint(struct db *db);

/* Whether a failed statement inside a transaction leaves the transaction usable, as it
 * does on SQLite (the default: on). PostgreSQL pays a savepoint per statement for it; a
 * caller that never goes on after a failed statement (it rolls back to a savepoint of its
 * own instead) may turn that off. */
void db_statement_savepoints(struct db *db, int on);

/* Cross-process wake-ups, for several nodes on one database (PostgreSQL LISTEN/NOTIFY).
 * db_notify queues a notification on channel with payload, delivered to every listener
 * when the current transaction commits; db_listen subscribes this connection, and
 * db_wait_notify waits up to timeout_ms for one: 1 with its payload copied into payload,
 * 0 on timeout, negative when the connection failed. SQLite (one process owns the file):
 * db_notify does nothing and returns 0, db_listen returns -SW_EINVAL. */
int db_notify(struct db *db, const char *channel, const char *payload);
int db_listen(struct db *db, const char *channel);
int db_wait_notify(struct db *db, int timeout_ms, char *payload, size_t len);

/* Dialect token in migrations: "@ID@" becomes the backend's auto-increment key type. */
const char *db_dialect_id_type(struct db *db);

#endif
