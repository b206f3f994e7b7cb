/* db_pg.c - the PostgreSQL implementation of db.h over libpq (dispatched to by db.c).
 *
 * Statements: the ?N parameters of the shared SQL become $N once, when a statement is first
 * prepared on a connection; it then lives there as a named server-side prepared statement
 * (cached by SQL pointer, as on SQLite) and runs with PQexecPrepared, values in text format.
 * Parameters PostgreSQL infers as int2/int4 (from "?2 = 0", a comparison with an INTEGER
 * column...) are re-declared int8, since every integer we bind is 64 bits.
 *
 * Results are fetched whole at the first db_step; db_step then walks the rows.
 *
 * SQLite rolls back only the failing statement of a transaction (a unique violation the
 * caller expects and handles, say); PostgreSQL aborts the whole transaction. So inside a
 * transaction every statement that is not a SELECT runs under its own savepoint, sent in
 * the same round trip (pipeline: SAVEPOINT, EXECUTE, RELEASE, Sync) and rolled back to on
 * failure, which keeps SQLite's semantics for the store code and the writer's batches.
 * Those savepoints cost a subtransaction each (past 64 in one transaction every snapshot
 * of the server gets slower), so a connection whose callers never go on after a failed
 * statement turns them off (db_statement_savepoints): swd's writer, whose jobs each run
 * under a savepoint of their own and are rolled back whole when they fail. */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "store/db_backend.h"

#define STMT_CACHE 128 /* open-addressed by SQL pointer; the project has fewer statements */

/* type OIDs (server/catalog/pg_type_d.h is not in libpq-dev) */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

struct pg_param {
  char *owned; /* copy of a bound text, or NULL */
  char num[24];
};

struct pg_stmt {
  struct db_stmt base;
  const char *sql; /* cache key: the caller's SQL text */
  char *text;      /* translated to $N */
  char name[16];   /* of the server-side prepared statement */
  int nparams;
  int prepared; /* exists on the server (cleared when the connection is re-established) */
  int write;    /* not a SELECT: runs under a statement savepoint inside a transaction */
  struct pg_param *params;
  const char **vals; /* nparams; NULL binds SQL NULL */
  PGresult *res;
  int row, nrows, executed;
};

struct pg_db {
  struct db base;
  PGconn *c;
  int readonly;
  int in_tx; /* between our BEGIN and COMMIT/ROLLBACK: never reconnect silently there */
  int unguarded; /* no statement savepoints (db_statement_savepoints) */
  unsigned next_id;
  int64_t changes;
  char err[512];
  struct pg_stmt cache[STMT_CACHE];
};

static const struct db_ops PG_OPS;
#define PDB(d) ((struct pg_db *)(d))
#define PST(s) ((struct pg_stmt *)(s))

int db_pg_map_sqlstate(const char *state) {
  if (!state || strlen(state) != 5) return -SW_EDB;
  if (!strcmp(state, "23505")) return -SW_EEXISTS; /* unique_violation */
  if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
    return -SW_EBUSY; /* serialization_failure, deadlock_detected, lock_not_available */
  if (!strncmp(state, "23", 2)) return -SW_EINVAL; /* other constraints, as on SQLite */
  return -SW_EDB;
}

char *db_pg_translate(const char *sql, int *nparams) {
  size_t n = strlen(sql);
  char *out = malloc(3 * n + 1), *w = out; /* a bare ? may become $NN */
  int maxp = 0;
  if (!out) return NULL;
  for (const char *p = sql; *p;) {
    if (*p == '\'' || *p == '"') { /* literal or quoted identifier: copied as is */
      char q = *p;
      *w++ = *p++;
      while (*p && *p != q) *w++ = *p++;
      if (*p) *w++ = *p++;
    } else if (p[0] == '-' && p[1] == '-') {
      while (*p && *p != '\n') *w++ = *p++;
    } else if (p[0] == '/' && p[1] == '*') {
      const char *e = strstr(p + 2, "*/");
      size_t len = e ? (size_t)(e + 2 - p) : strlen(p);
      memcpy(w, p, len);
      w += len;
      p += len;
    } else if (*p == '?') {
      p++;
      int k = 0;
      if (*p >= '0' && *p <= '9') {
        while (*p >= '0' && *p <= '9' && k < 100000) k = k * 10 + (*p++ - '0');
      } else {
        k = maxp + 1; /* SQLite numbers a bare ? one above the largest so far */
      }
      if (k > maxp) maxp = k;
      w += snprintf(w, (size_t)(out + 3 * n + 1 - w), "$%d", k);
    } else {
      *w++ = *p++;
    }
  }
  *w = 0;
  *nparams = maxp;
  return out;
}

static void set_err(struct pg_db *db, const PGresult *r) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  if (!msg) msg = PQerrorMessage(db->c);
  snprintf(db->err, sizeof db->err, "%s%s%s", state ? state : "", state ? ": " : "",
           msg && *msg ? msg : "unknown error");
  size_t len = strlen(db->err);
  while (len && (db->err[len - 1] == '\n' || db->err[len - 1] == '\r')) db->err[--len] = 0;
}

/* Records r's error, frees r and returns the mapped code. */
static int fail(struct pg_db *db, PGresult *r) {
  set_err(db, r);
  int rc = db_pg_map_sqlstate(r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
  PQclear(r);
  return rc;
}

static void quiet(void *arg, const char *message) { /* notices (e.g. no transaction) */
  (void)arg;
  (void)message;
}

static int session_setup(struct pg_db *db) {
  PQsetNoticeProcessor(db->c, quiet, NULL);
  if (PQsetClientEncoding(db->c, "UTF8") != 0) return -SW_EDB;
  if (db->readonly) {
    PGresult *r = PQexec(db->c, "SET default_transaction_read_only = on");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return fail(db, r);
    PQclear(r);
  }
  return 0;
}

static void pg_close(struct db *d) {
  struct pg_db *db = PDB(d);
  for (int i = 0; i < STMT_CACHE; i++) {
    struct pg_stmt *s = &db->cache[i];
    if (!s->sql) continue;
    PQclear(s->res);
    for (int k = 0; k < s->nparams; k++) free(s->params[k].owned);
    free(s->params);
    free(s->vals);
    free(s->text);
  }
  PQfinish(db->c);
  free(db);
}

int db_open_pg(const char *conninfo, int readonly, struct db **out) {
  struct pg_db *db = calloc(1, sizeof *db);
  if (!db) return -SW_ENOMEM;
  db->base.ops = &PG_OPS;
  db->readonly = readonly;
  db->c = PQconnectdb(conninfo);
  if (!db->c) {
    free(db);
    return -SW_ENOMEM;
  }
  int rc = PQstatus(db->c) == CONNECTION_OK ? session_setup(db) : -SW_EDB;
  if (rc < 0) {
    set_err(db, NULL);
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"cannot connect to PostgreSQL\",\"error\":\"");
    for (const char *p = db->err; *p; p++) /* JSON-escaped, one line */
      if (*p == '"' || *p == '\\') fprintf(stderr, "\\%c", *p);
      else fputc((unsigned char)*p < 0x20 ? ' ' : *p, stderr);
    fprintf(stderr, "\"}\n");
    pg_close(&db->base);
    return rc;
  }
  *out = &db->base;
  return 0;
}

static void clear_binds(struct pg_stmt *st) {
  PQclear(st->res);
  st->res = NULL;
  st->executed = 0;
  st->row = st->nrows = 0;
  for (int k = 0; k < st->nparams; k++) {
    free(st->params[k].owned);
    st->params[k].owned = NULL;
    st->vals[k] = NULL;
  }
}

/* "could not determine data type of parameter $N" (ambiguous or indeterminate): N, or 0. */
static int undetermined_param(const PGresult *r) {
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  const char *d = msg ? strchr(msg, '$') : NULL;
  if (!state || (strcmp(state, "42P08") && strcmp(state, "42P18")) || !d) return 0;
  return (int)strtol(d + 1, NULL, 10);
}

/* PostgreSQL types a parameter where it first meets it, and "$2 IS NULL" tells nothing: so
 * a parameter first seen that way is declared text up front (every one in the project is a
 * text filter: "?2 IS NULL OR status = ?2"). Other untypable ones are retried below. */
static void hint_types(const char *text, int nparams, Oid *types) {
  unsigned char seen[256] = {0};
  for (const char *p = text; *p; p++) {
    if (*p == '\'' || *p == '"') {
      const char *e = strchr(p + 1, *p);
      if (!e) return;
      p = e;
      continue;
    }
    if (*p != '$') continue;
    char *end;
    long k = strtol(p + 1, &end, 10);
    if (k < 1 || k > nparams || k > 255 || seen[k]) continue;
    seen[k] = 1;
    if (!strncmp(end, " IS NULL", 8) || !strncmp(end, " IS NOT NULL", 12))
      types[k - 1] = OID_TEXT;
  }
}

static int server_prepare_typed(struct pg_db *db, struct pg_stmt *st, Oid *types) {
  hint_types(st->text, st->nparams, types);
  for (int attempt = 0; attempt <= st->nparams + 1; attempt++) {
    PGresult *r = PQprepare(db->c, st->name, st->text, st->nparams, types);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      int k = undetermined_param(r);
      if (k < 1 || k > st->nparams || types[k - 1]) return fail(db, r);
      types[k - 1] = OID_TEXT; /* used only where any type goes ("?1 IS NULL") */
      PQclear(r);
      if (PQtransactionStatus(db->c) == PQTRANS_INERROR)
        PQclear(PQexec(db->c, "ROLLBACK TO SAVEPOINT sw_prep"));
      continue;
    }
    PQclear(r);
    r = PQdescribePrepared(db->c, st->name);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return fail(db, r);
    int widen = 0;
    for (int k = 0; k < st->nparams && k < PQnparams(r); k++) {
      Oid t = PQparamtype(r, k);
      types[k] = t;
      if (t == OID_INT2 || t == OID_INT4) types[k] = OID_INT8, widen = 1;
    }
    PQclear(r);
    if (!widen) {
      st->prepared = 1;
      return 0;
    }
    char dealloc[40];
    snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", st->name);
    r = PQexec(db->c, dealloc);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return fail(db, r);
    PQclear(r);
    r = PQprepare(db->c, st->name, st->text, st->nparams, types);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return fail(db, r);
    PQclear(r);
    st->prepared = 1;
    return 0;
  }
  return -SW_EDB;
}

/* Inside a transaction a failed Parse would abort it (unlike SQLite's prepare), and the
 * retries above need it alive: so the first prepare there runs under a savepoint. */
static int server_prepare(struct pg_db *db, struct pg_stmt *st) {
  Oid *types = calloc(st->nparams ? (size_t)st->nparams : 1, sizeof *types);
  if (!types) return -SW_ENOMEM;
  int in_tx = PQtransactionStatus(db->c) == PQTRANS_INTRANS;
  if (in_tx) PQclear(PQexec(db->c, "SAVEPOINT sw_prep"));
  int rc = server_prepare_typed(db, st, types);
  if (in_tx)
    PQclear(PQexec(db->c, rc < 0 ? "ROLLBACK TO SAVEPOINT sw_prep; RELEASE SAVEPOINT sw_prep"
                                 : "RELEASE SAVEPOINT sw_prep"));
  free(types);
  return rc;
}

static int is_query(const char *sql) {
  while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(') sql++;
  return !strncasecmp(sql, "SELECT", 6) || !strncasecmp(sql, "WITH", 4) ||
         !strncasecmp(sql, "VALUES", 6);
}

/* A connection lost between transactions (server restart, idle timeout) is re-opened; its
 * server-side statements are gone with it and get prepared again. Inside a transaction it
 * is not: the statements after the loss must fail, not run in autocommit elsewhere. */
static void revive(struct pg_db *db) {
  if (db->in_tx || PQstatus(db->c) != CONNECTION_BAD) return;
  PQreset(db->c);
  if (PQstatus(db->c) != CONNECTION_OK || session_setup(db) < 0) return;
  for (int i = 0; i < STMT_CACHE; i++) db->cache[i].prepared = 0;
}

static int pg_prepare(struct db *d, const char *sql, struct db_stmt **out) {
  struct pg_db *db = PDB(d);
  revive(db);
  size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
  for (size_t i = 0; i < STMT_CACHE; i++) {
    struct pg_stmt *s = &db->cache[(h + i) % STMT_CACHE];
    if (s->sql == sql) {
      clear_binds(s);
      if (!s->prepared) {
        int rc = server_prepare(db, s);
        if (rc < 0) return rc;
      }
      *out = &s->base;
      return 0;
    }
    if (!s->sql) {
      int n = 0;
      char *text = db_pg_translate(sql, &n);
      struct pg_param *params = calloc(n ? (size_t)n : 1, sizeof *params);
      const char **vals = calloc(n ? (size_t)n : 1, sizeof *vals);
      if (!text || !params || !vals) {
        free(text);
        free(params);
        free(vals);
        return -SW_ENOMEM;
      }
      struct pg_stmt tmp = {.base = {.db = d}, .sql = sql, .text = text, .nparams = n,
                            .write = !is_query(sql), .params = params, .vals = vals};
      snprintf(tmp.name, sizeof tmp.name, "sw%u", db->next_id++);
      int rc = server_prepare(db, &tmp);
      if (rc < 0) {
        free(text);
        free(params);
        free(vals);
        return rc;
      }
      *s = tmp;
      *out = &s->base;
      return 0;
    }
  }
  return -SW_ENOMEM;
}

static int pg_bind_text(struct db_stmt *b, int idx, const char *s, size_t n) {
  struct pg_stmt *st = PST(b);
  if (idx < 1 || idx > st->nparams) return -SW_EDB;
  struct pg_param *p = &st->params[idx - 1];
  char *copy = malloc(n + 1);
  if (!copy) return -SW_ENOMEM;
  memcpy(copy, s, n);
  copy[n] = 0;
  free(p->owned);
  p->owned = copy;
  st->vals[idx - 1] = copy;
  return 0;
}

static int pg_bind_int64(struct db_stmt *b, int idx, int64_t v) {
  struct pg_stmt *st = PST(b);
  if (idx < 1 || idx > st->nparams) return -SW_EDB;
  struct pg_param *p = &st->params[idx - 1];
  free(p->owned);
  p->owned = NULL;
  snprintf(p->num, sizeof p->num, "%" PRId64, v);
  st->vals[idx - 1] = p->num;
  return 0;
}

static int pg_bind_null(struct db_stmt *b, int idx) {
  struct pg_stmt *st = PST(b);
  if (idx < 1 || idx > st->nparams) return -SW_EDB;
  free(st->params[idx - 1].owned);
  st->params[idx - 1].owned = NULL;
  st->vals[idx - 1] = NULL;
  return 0;
}

/* SAVEPOINT, the statement, RELEASE and Sync in one round trip; on failure rolls back to
 * the savepoint, so the transaction goes on as SQLite's would. Returns the statement's
 * result (the caller checks its status), or NULL when even that could not be sent. */
static PGresult *exec_guarded(struct pg_db *db, struct pg_stmt *st) {
  PGconn *c = db->c;
  if (!PQenterPipelineMode(c)) return NULL;
  int sent = PQsendQueryParams(c, "SAVEPOINT sw_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
             PQsendQueryPrepared(c, st->name, st->nparams, st->vals, NULL, NULL, 0) &&
             PQsendQueryParams(c, "RELEASE SAVEPOINT sw_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
             PQpipelineSync(c);
  PGresult *main = NULL, *first_err = NULL;
  int cmd = 0;
  while (sent && cmd <= 3) {
    PGresult *r = PQgetResult(c);
    if (!r) {
      cmd++;
      continue;
    }
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    if (cmd == 0 && s != PGRES_COMMAND_OK && !first_err)
      first_err = r;
    else if (cmd == 1 && !main)
      main = r;
    else
      PQclear(r);
  }
  PQexitPipelineMode(c);
  if (first_err) { /* the savepoint itself failed: nothing to roll back to */
    PQclear(main);
    return first_err;
  }
  if (main && PQresultStatus(main) != PGRES_TUPLES_OK &&
      PQresultStatus(main) != PGRES_COMMAND_OK)
    PQclear(PQexec(c, "ROLLBACK TO SAVEPOINT sw_stmt; RELEASE SAVEPOINT sw_stmt"));
  return main;
}

static int pg_step(struct db_stmt *b) {
  struct pg_stmt *st = PST(b);
  struct pg_db *db = PDB(b->db);
  if (!st->executed) {
    PGresult *r;
    if (st->write && !db->unguarded && PQtransactionStatus(db->c) == PQTRANS_INTRANS)
      r = exec_guarded(db, st);
    else
      r = PQexecPrepared(db->c, st->name, st->nparams, st->vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (!r || (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)) return fail(db, r);
    const char *cmd = PQcmdStatus(r);
    if (!strncmp(cmd, "INSERT", 6) || !strncmp(cmd, "UPDATE", 6) ||
        !strncmp(cmd, "DELETE", 6) || !strncmp(cmd, "MERGE", 5))
      db->changes = strtoll(PQcmdTuples(r), NULL, 10);
    st->res = r;
    st->nrows = PQntuples(r);
    st->row = -1;
    st->executed = 1;
  }
  if (st->row + 1 < st->nrows) {
    st->row++;
    return 1;
  }
  st->row = st->nrows;
  return 0;
}

static int valid_cell(const struct pg_stmt *st, int col) {
  return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
         col < PQnfields(st->res);
}

static const char *pg_col_text(struct db_stmt *b, int col) {
  struct pg_stmt *st = PST(b);
  if (!valid_cell(st, col) || PQgetisnull(st->res, st->row, col)) return "";
  const char *v = PQgetvalue(st->res, st->row, col);
  if (PQftype(st->res, col) == OID_BOOL) return v[0] == 't' ? "1" : "0"; /* as SQLite */
  return v;
}

static int64_t pg_col_int64(struct db_stmt *b, int col) {
  struct pg_stmt *st = PST(b);
  const char *v = pg_col_text(b, col);
  if (!*v) return 0;
  Oid t = PQftype(st->res, col);
  if (t == OID_FLOAT4 || t == OID_FLOAT8 || t == OID_NUMERIC)
    return (int64_t)strtod(v, NULL); /* truncates, as sqlite3_column_int64 does */
  return strtoll(v, NULL, 10);
}

static int pg_col_is_null(struct db_stmt *b, int col) {
  struct pg_stmt *st = PST(b);
  return !valid_cell(st, col) || PQgetisnull(st->res, st->row, col);
}

static void pg_done(struct db_stmt *b) {
  struct pg_stmt *st = PST(b);
  PQclear(st->res);
  st->res = NULL;
  st->row = st->nrows = 0;
}

static int pg_exec(struct db *d, const char *sql) {
  struct pg_db *db = PDB(d);
  int begin = !strncmp(sql, "BEGIN", 5);
  if (!strcmp(sql, "BEGIN IMMEDIATE")) sql = "BEGIN"; /* SQLite's write lock up front */
  if (!strcmp(sql, "COMMIT") || !strcmp(sql, "ROLLBACK")) db->in_tx = 0;
  if (begin) revive(db);
  PGresult *r = PQexec(db->c, sql);
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return fail(db, r);
  PQclear(r);
  if (begin) db->in_tx = 1;
  return 0;
}

static int64_t pg_changes(struct db *d) { return PDB(d)->changes; }

static const char *pg_errmsg(struct db *d) { return PDB(d)->err; }

static int pg_backup(struct db *d, const char *dest_path) {
  (void)dest_path;
  snprintf(PDB(d)->err, sizeof PDB(d)->err,
           "online backup to a file is for SQLite; back up PostgreSQL with pg_dump or "
           "pg_basebackup (docs/operations.md)");
  return -SW_EINVAL;
}

static void pg_checkpoint(struct db *d) { (void)d; }

static void pg_statement_savepoints(struct db *d, int on) { PDB(d)->unguarded = !on; }

static int pg_listen(struct db *d, const char *channel) {
  struct pg_db *db = PDB(d);
  char *id = PQescapeIdentifier(db->c, channel, strlen(channel));
  char sql[160];
  if (!id) return -SW_ENOMEM;
  snprintf(sql, sizeof sql, "LISTEN %s", id);
  PQfreemem(id);
  PGresult *r = PQexec(db->c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) return fail(db, r);
  PQclear(r);
  return 0;
}

/* One pending notification, if any: 1 with its payload copied. */
static int take_notify(PGconn *c, char *payload, size_t len) {
  PGnotify *n = PQnotifies(c);
  if (!n) return 0;
  snprintf(payload, len, "%s", n->extra ? n->extra : "");
  PQfreemem(n);
  return 1;
}

static int pg_wait_notify(struct db *d, int timeout_ms, char *payload, size_t len) {
  struct pg_db *db = PDB(d);
  if (!PQconsumeInput(db->c)) return -SW_EDB;
  if (take_notify(db->c, payload, len)) return 1;
  struct pollfd pfd = {.fd = PQsocket(db->c), .events = POLLIN};
  if (pfd.fd < 0) return -SW_EDB;
  int rc = poll(&pfd, 1, timeout_ms);
  if (rc < 0) return errno == EINTR ? 0 : -SW_EDB;
  if (rc == 0) return 0;
  if (!PQconsumeInput(db->c)) return -SW_EDB;
  return take_notify(db->c, payload, len);
}

static const struct db_ops PG_OPS = {
    .name = "postgresql",
    .id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_text = pg_col_text,
    .col_int64 = pg_col_int64,
    .col_is_null = pg_col_is_null,
    .done = pg_done,
    .exec = pg_exec,
    .changes = pg_changes,
    .errmsg = pg_errmsg,
    .backup = pg_backup,
    .checkpoint = pg_checkpoint,
    .statement_savepoints = pg_statement_savepoints,
    .listen = pg_listen,
    .wait_notify = pg_wait_notify,
};
