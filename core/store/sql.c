/* core/store/sql.c: one SQL connection on either engine (sql.h).
 *
 * SQLite's calls are passed straight through; PostgreSQL's go to
 * sql_pg.c. The store never calls sqlite3_* or libpq itself except for
 * what only one engine has (the authorizer, backups, PRAGMAs: on the sqlite3
 * handle it wrapped, or PostgreSQL's through baton__sql_postgres). Layer:
 * store. */
#include "sql.h"

#include <stdlib.h>
#include <string.h>

#include "sql_pg.h"

struct baton__sql_s {
  baton__sql_engine_t engine;
  sqlite3 *db;
  baton__pg_t *pg;
  int (*check)(void *ud, const char *sql); /* baton__sql_set_check */
  void *check_ud;
};

struct baton__sql_stmt_s {
  sqlite3_stmt *st;
  baton__pg_stmt_t *pg;
};

#define PG(c) ((c)->engine == BATON_SQL_POSTGRES)

int baton__sql_is_url(const char *target) {
  return target != NULL && (strncmp(target, "postgresql://", 13) == 0 ||
                            strncmp(target, "postgres://", 11) == 0);
}

baton__sql_t *baton__sql_wrap_sqlite(sqlite3 *db) {
  baton__sql_t *c = calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->engine = BATON_SQL_SQLITE;
  c->db = db;
  return c;
}

int baton__sql_open_postgres(baton__sql_t **out, const char *url, char **err) {
  *out = NULL;
  baton__sql_t *c = calloc(1, sizeof *c);
  if (c == NULL)
    return SQLITE_NOMEM;
  c->engine = BATON_SQL_POSTGRES;
  int rc = baton__pg_open(&c->pg, url, err);
  if (rc != SQLITE_OK) {
    free(c);
    return rc;
  }
  *out = c;
  return SQLITE_OK;
}

void baton__sql_close(baton__sql_t *c) {
  if (c == NULL)
    return;
  if (PG(c))
    baton__pg_close(c->pg);
  else
    sqlite3_close_v2(c->db);
  free(c);
}

baton__sql_engine_t baton__sql_engine(const baton__sql_t *c) {
  return c->engine;
}

void *baton__sql_postgres(baton__sql_t *c) {
  return PG(c) ? baton__pg_conn(c->pg) : NULL;
}

int baton__sql_exec(baton__sql_t *c, const char *sql) {
  if (PG(c))
    return baton__pg_exec(c->pg, sql);
  return sqlite3_exec(c->db, sql, NULL, NULL, NULL);
}

int baton__sql_prepare_tail(baton__sql_t *c, const char *sql,
                            baton__sql_stmt_t **st, const char **tail) {
  *st = NULL;
  if (c->check != NULL && c->check(c->check_ud, sql) != 0)
    return SQLITE_AUTH;
  baton__sql_stmt_t *s = calloc(1, sizeof *s);
  if (s == NULL)
    return SQLITE_NOMEM;
  int rc = PG(c) ? baton__pg_prepare(c->pg, sql, &s->pg, tail)
                 : sqlite3_prepare_v2(c->db, sql, -1, &s->st, tail);
  if (rc != SQLITE_OK || (s->st == NULL && s->pg == NULL)) {
    free(s); /* an error, or no statement at all (only a comment) */
    return rc;
  }
  *st = s;
  return SQLITE_OK;
}

void baton__sql_set_check(baton__sql_t *c, int (*check)(void *, const char *),
                          void *ud) {
  c->check = check;
  c->check_ud = ud;
}

void baton__sql_set_limits(baton__sql_t *c, const baton__sql_limits_t *l) {
  if (PG(c))
    baton__pg_set_limits(c->pg, l);
}

int baton__sql_copy_begin(baton__sql_t *c, const char *sql) {
  return PG(c) ? baton__pg_copy_begin(c->pg, sql) : SQLITE_MISUSE;
}

int baton__sql_copy_put(baton__sql_t *c, const char *data, size_t n) {
  return PG(c) ? baton__pg_copy_put(c->pg, data, n) : SQLITE_MISUSE;
}

int baton__sql_copy_end(baton__sql_t *c, const char *abort) {
  return PG(c) ? baton__pg_copy_end(c->pg, abort) : SQLITE_MISUSE;
}

int baton__sql_prepare(baton__sql_t *c, const char *sql,
                       baton__sql_stmt_t **st) {
  return baton__sql_prepare_tail(c, sql, st, NULL);
}

int baton__sql_bind_text(baton__sql_stmt_t *st, int i, const char *v, int len) {
  if (st->pg)
    return baton__pg_bind_text(st->pg, i, v, len, 0);
  return sqlite3_bind_text(st->st, i, v, len, SQLITE_STATIC);
}

int baton__sql_bind_blob(baton__sql_stmt_t *st, int i, const void *v, int len) {
  if (st->pg)
    return baton__pg_bind_blob(st->pg, i, v, len, 0);
  return sqlite3_bind_blob(st->st, i, v, len, SQLITE_STATIC);
}

int baton__sql_bind_text_copy(baton__sql_stmt_t *st, int i, const char *v,
                              int len) {
  if (st->pg)
    return baton__pg_bind_text(st->pg, i, v, len, 1);
  return sqlite3_bind_text(st->st, i, v, len, SQLITE_TRANSIENT);
}

int baton__sql_bind_blob_copy(baton__sql_stmt_t *st, int i, const void *v,
                              int len) {
  if (st->pg)
    return baton__pg_bind_blob(st->pg, i, v, len, 1);
  return sqlite3_bind_blob(st->st, i, v, len, SQLITE_TRANSIENT);
}

int baton__sql_bind_int64(baton__sql_stmt_t *st, int i, long long v) {
  if (st->pg)
    return baton__pg_bind_int64(st->pg, i, v);
  return sqlite3_bind_int64(st->st, i, (sqlite3_int64)v);
}

int baton__sql_bind_double(baton__sql_stmt_t *st, int i, double v) {
  if (st->pg)
    return baton__pg_bind_double(st->pg, i, v);
  return sqlite3_bind_double(st->st, i, v);
}

int baton__sql_bind_null(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_bind_null(st->pg, i);
  return sqlite3_bind_null(st->st, i);
}

int baton__sql_bind_parameter_count(baton__sql_stmt_t *st) {
  if (st->pg)
    return baton__pg_bind_parameter_count(st->pg);
  return sqlite3_bind_parameter_count(st->st);
}

int baton__sql_step(baton__sql_stmt_t *st) {
  if (st->pg)
    return baton__pg_step(st->pg);
  return sqlite3_step(st->st);
}

int baton__sql_reset(baton__sql_stmt_t *st) {
  if (st->pg)
    return baton__pg_reset(st->pg);
  return sqlite3_reset(st->st);
}

void baton__sql_finalize(baton__sql_stmt_t *st) {
  if (st == NULL)
    return;
  if (st->pg)
    baton__pg_finalize(st->pg);
  else
    sqlite3_finalize(st->st);
  free(st);
}

int baton__sql_column_count(baton__sql_stmt_t *st) {
  if (st->pg)
    return baton__pg_column_count(st->pg);
  return sqlite3_column_count(st->st);
}

const char *baton__sql_column_name(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_column_name(st->pg, i);
  return sqlite3_column_name(st->st, i);
}

int baton__sql_column_type(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_column_type(st->pg, i);
  return sqlite3_column_type(st->st, i);
}

const char *baton__sql_column_text(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_column_text(st->pg, i);
  return (const char *)sqlite3_column_text(st->st, i);
}

const void *baton__sql_column_blob(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_column_blob(st->pg, i);
  return sqlite3_column_blob(st->st, i);
}

int baton__sql_column_bytes(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_column_bytes(st->pg, i);
  return sqlite3_column_bytes(st->st, i);
}

long long baton__sql_column_int64(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_column_int64(st->pg, i);
  return (long long)sqlite3_column_int64(st->st, i);
}

double baton__sql_column_double(baton__sql_stmt_t *st, int i) {
  if (st->pg)
    return baton__pg_column_double(st->pg, i);
  return sqlite3_column_double(st->st, i);
}

long long baton__sql_changes(baton__sql_t *c) {
  if (PG(c))
    return baton__pg_changes(c->pg);
  return sqlite3_changes64(c->db);
}

long long baton__sql_total_changes(baton__sql_t *c) {
  if (PG(c))
    return baton__pg_total_changes(c->pg);
  return sqlite3_total_changes64(c->db);
}

const char *baton__sql_errmsg(baton__sql_t *c) {
  if (PG(c))
    return baton__pg_errmsg(c->pg);
  return sqlite3_errmsg(c->db);
}

int baton__sql_in_transaction(baton__sql_t *c) {
  if (PG(c))
    return baton__pg_in_transaction(c->pg);
  return !sqlite3_get_autocommit(c->db);
}
