/* core/store/sql_pg.h: the PostgreSQL half of sql.h, in sql_pg.c.
 *
 * sql.c dispatches each baton__sql_* call to the matching baton__pg_* one
 * when the connection is PostgreSQL's; the contract of each is that of its
 * sql.h twin (SQLite's result codes, `?` placeholders, column values valid
 * until the next step). Only sql.c and listen.c include this.
 * Layer: store. */
#ifndef BATON_STORE_SQL_PG_H
#define BATON_STORE_SQL_PG_H

#include "sql.h"

typedef struct baton__pg_s baton__pg_t;
typedef struct baton__pg_stmt_s baton__pg_stmt_t;

/* A libpq connection (PGconn *) to url with the store's defaults (a 10 s
 * connect timeout, UTF8, application name baton) and server notices kept
 * off stderr; NULL on failure, with *err (malloc'd) saying why without the
 * URL's password. listen.c connects through it too. */
void *baton__pg_connect(const char *url, char **err);
/* conn's last message (a PGconn *) on one line, without libpq's
 * "ERROR:  " prefix or the connection's password. Malloc'd. */
char *baton__pg_conn_message(void *conn);

int baton__pg_open(baton__pg_t **out, const char *url, char **err);
void baton__pg_close(baton__pg_t *c);
void *baton__pg_conn(baton__pg_t *c); /* the PGconn * */

int baton__pg_exec(baton__pg_t *c, const char *sql);
/* sql.h's baton__sql_set_limits and baton__sql_copy_*. */
void baton__pg_set_limits(baton__pg_t *c, const baton__sql_limits_t *l);
int baton__pg_copy_begin(baton__pg_t *c, const char *sql);
int baton__pg_copy_put(baton__pg_t *c, const char *data, size_t n);
int baton__pg_copy_end(baton__pg_t *c, const char *abort);
int baton__pg_prepare(baton__pg_t *c, const char *sql, baton__pg_stmt_t **st,
                      const char **tail);
/* copy: 0 keeps the pointer (valid until reset or finalize), 1 copies. */
int baton__pg_bind_text(baton__pg_stmt_t *st, int i, const char *v, int len,
                        int copy);
int baton__pg_bind_blob(baton__pg_stmt_t *st, int i, const void *v, int len,
                        int copy);
int baton__pg_bind_int64(baton__pg_stmt_t *st, int i, long long v);
int baton__pg_bind_double(baton__pg_stmt_t *st, int i, double v);
int baton__pg_bind_null(baton__pg_stmt_t *st, int i);
int baton__pg_bind_parameter_count(baton__pg_stmt_t *st);
int baton__pg_step(baton__pg_stmt_t *st);
int baton__pg_reset(baton__pg_stmt_t *st);
void baton__pg_finalize(baton__pg_stmt_t *st);
int baton__pg_column_count(baton__pg_stmt_t *st);
const char *baton__pg_column_name(baton__pg_stmt_t *st, int i);
int baton__pg_column_type(baton__pg_stmt_t *st, int i);
const char *baton__pg_column_text(baton__pg_stmt_t *st, int i);
const void *baton__pg_column_blob(baton__pg_stmt_t *st, int i);
int baton__pg_column_bytes(baton__pg_stmt_t *st, int i);
long long baton__pg_column_int64(baton__pg_stmt_t *st, int i);
double baton__pg_column_double(baton__pg_stmt_t *st, int i);
long long baton__pg_changes(baton__pg_t *c);
long long baton__pg_total_changes(baton__pg_t *c);
const char *baton__pg_errmsg(baton__pg_t *c);
int baton__pg_in_transaction(baton__pg_t *c);

#endif
