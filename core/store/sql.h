/* core/store/sql.h: one SQL connection, on SQLite or on PostgreSQL.
 *
 * The store speaks to its engine only through these calls, so the same
 * code serves a school's file and a district's server:
 *
 *     baton__sql_stmt_t *st;
 *     if (baton__sql_prepare(c, "SELECT name FROM people WHERE id = ?",
 *                            &st) != SQLITE_OK) ...
 *     baton__sql_bind_text(st, 1, "T001", -1);
 *     while ((rc = baton__sql_step(st)) == SQLITE_ROW)
 *       puts(baton__sql_column_text(st, 0));
 *     baton__sql_finalize(st);
 *
 * The calls mirror SQLite's statement API and keep its result codes
 * (SQLITE_OK, SQLITE_ROW, SQLITE_DONE, SQLITE_BUSY, SQLITE_CONSTRAINT, ...)
 * on both engines: PostgreSQL's SQLSTATE classes are mapped to the nearest
 * code (a unique violation is SQLITE_CONSTRAINT, a serialization failure
 * SQLITE_BUSY, a lost connection SQLITE_IOERR, a cancelled statement
 * SQLITE_INTERRUPT), so one mapping to BATON_E* codes serves both.
 *
 * Placeholders are `?` (and `?N`) on both engines; on PostgreSQL they are
 * rewritten to `$N` outside quotes and comments. The SQL itself must be
 * valid on the connection's engine: the store writes the few statements
 * that differ once per engine (baton__sql_engine), plugins write the
 * portable subset (docs/plugins.md, "Portable SQL").
 *
 * Strings and blobs returned by column_* belong to the statement and stay
 * valid until the next step, reset or finalize. Layer: store. */
#ifndef BATON_STORE_SQL_H
#define BATON_STORE_SQL_H

#include <sqlite3.h>
#include <stddef.h>

typedef enum {
  BATON_SQL_SQLITE = 1,
  BATON_SQL_POSTGRES = 2
} baton__sql_engine_t;

typedef struct baton__sql_s baton__sql_t;
typedef struct baton__sql_stmt_s baton__sql_stmt_t;

/* Whether `target` (a --db value) names a PostgreSQL database: it starts
 * with postgresql:// or postgres://. */
int baton__sql_is_url(const char *target);

/* Wraps an open SQLite connection; the wrapper owns it from now on
 * (baton__sql_close closes it). NULL on allocation failure. */
baton__sql_t *baton__sql_wrap_sqlite(sqlite3 *db);

/* Connects to the PostgreSQL database at `url` (a libpq connection URI).
 * Returns SQLITE_OK and *out, or SQLITE_CANTOPEN with *err (malloc'd)
 * saying why; the password, if the URL has one, is never in *err. */
int baton__sql_open_postgres(baton__sql_t **out, const char *url, char **err);

/* Closes the connection (finalize its statements first). NULL is fine. */
void baton__sql_close(baton__sql_t *c);

baton__sql_engine_t baton__sql_engine(const baton__sql_t *c);

/* The libpq handle (a PGconn *) under c, or NULL on SQLite. */
void *baton__sql_postgres(baton__sql_t *c);

/* Runs one or more statements without parameters or results. */
int baton__sql_exec(baton__sql_t *c, const char *sql);

/* Prepares the first statement of sql. On failure *st is NULL and
 * errmsg says why; SQL with no statement (blank, only a comment) gives
 * SQLITE_OK and *st NULL. With tail set, *tail points past the statement
 * prepared (at what is left of sql). */
int baton__sql_prepare(baton__sql_t *c, const char *sql,
                       baton__sql_stmt_t **st);
int baton__sql_prepare_tail(baton__sql_t *c, const char *sql,
                            baton__sql_stmt_t **st, const char **tail);

/* While set, every prepare first asks check(ud, sql) (sql: what is left
 * to prepare): nonzero refuses the statement with SQLITE_AUTH before the
 * engine sees it. NULL clears it. The store sets it around a plugin's
 * statements on PostgreSQL, where no authorizer watches them. */
void baton__sql_set_check(baton__sql_t *c, int (*check)(void *, const char *),
                          void *ud);

/* The bounds of the statements run on a PostgreSQL connection while set
 * (a plugin's: baton__store_auth_begin), where SQLite's length limit and
 * progress handler have no twin in the client. A bounded statement's rows
 * are read one at a time as the server sends them (libpq's single-row
 * mode), so the client never holds more than one row of it, and the
 * caller's memory bound counts what it keeps; a bound parameter or a
 * value of a row longer than max_value bytes fails with SQLITE_TOOBIG;
 * stop(ud), asked every 50 ms while the server works, cancels the
 * statement on the server (PQcancel) when it returns nonzero
 * (SQLITE_INTERRUPT). A statement ended so, or finalized or reset before
 * its last row, is cancelled and leaves the transaction failed, as the
 * server's own errors do; so does any other use of the connection while
 * its rows are being read. 0 or NULL: no bound. */
typedef struct {
  size_t max_value;
  int (*stop)(void *ud);
  void *ud;
} baton__sql_limits_t;

/* Sets (l) or clears (NULL) c's bounds; nothing on SQLite. */
void baton__sql_set_limits(baton__sql_t *c, const baton__sql_limits_t *l);

/* PostgreSQL only: COPY ... FROM STDIN (text format) on c, for the core's
 * bulk writes (baton db copy). _begin runs sql (a COPY statement) and
 * leaves c in its copy state; _put sends n bytes of its data (whole lines
 * or not); _end finishes it, or aborts it with the reason `abort` (not
 * NULL), and returns the server's verdict: SQLITE_OK, or the failure's
 * code with errmsg saying why (the server's CONTEXT names the line). Each
 * returns SQLITE_MISUSE on SQLite. After a failed _begin or _put, call
 * _end (with abort) all the same. */
int baton__sql_copy_begin(baton__sql_t *c, const char *sql);
int baton__sql_copy_put(baton__sql_t *c, const char *data, size_t n);
int baton__sql_copy_end(baton__sql_t *c, const char *abort);

/* Binds parameter i (from 1); len < 0 means up to the NUL. Text and blobs
 * are not copied (SQLite's SQLITE_STATIC): v must stay valid until the
 * statement is reset or finalized, and binding cannot fail for want of
 * memory. The _copy variants copy v at once and return SQLITE_NOMEM when
 * they cannot. */
int baton__sql_bind_text(baton__sql_stmt_t *st, int i, const char *v, int len);
int baton__sql_bind_blob(baton__sql_stmt_t *st, int i, const void *v, int len);
int baton__sql_bind_text_copy(baton__sql_stmt_t *st, int i, const char *v,
                              int len);
int baton__sql_bind_blob_copy(baton__sql_stmt_t *st, int i, const void *v,
                              int len);
int baton__sql_bind_int64(baton__sql_stmt_t *st, int i, long long v);
int baton__sql_bind_double(baton__sql_stmt_t *st, int i, double v);
int baton__sql_bind_null(baton__sql_stmt_t *st, int i);
int baton__sql_bind_parameter_count(baton__sql_stmt_t *st);

/* SQLITE_ROW while rows come, then SQLITE_DONE, or an error code. */
int baton__sql_step(baton__sql_stmt_t *st);
/* Makes the statement ready to run again; the bindings stay. */
int baton__sql_reset(baton__sql_stmt_t *st);
void baton__sql_finalize(baton__sql_stmt_t *st);

int baton__sql_column_count(baton__sql_stmt_t *st);
const char *baton__sql_column_name(baton__sql_stmt_t *st, int i);
/* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
 * On PostgreSQL: from the column's type (booleans are integers 0/1). */
int baton__sql_column_type(baton__sql_stmt_t *st, int i);
/* NULL for SQL NULL. */
const char *baton__sql_column_text(baton__sql_stmt_t *st, int i);
const void *baton__sql_column_blob(baton__sql_stmt_t *st, int i);
int baton__sql_column_bytes(baton__sql_stmt_t *st, int i);
long long baton__sql_column_int64(baton__sql_stmt_t *st, int i);
double baton__sql_column_double(baton__sql_stmt_t *st, int i);

/* Rows changed by the last INSERT, UPDATE or DELETE run on c, and by all
 * of them since c was opened. */
long long baton__sql_changes(baton__sql_t *c);
long long baton__sql_total_changes(baton__sql_t *c);
/* The message of the last failure on c ("" if none). */
const char *baton__sql_errmsg(baton__sql_t *c);
/* Whether a transaction is open on c. */
int baton__sql_in_transaction(baton__sql_t *c);

#endif
