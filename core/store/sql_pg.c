/* core/store/sql_pg.c: PostgreSQL through libpq (sql_pg.h). A placeholder
 * until the libpq half lands: it says PostgreSQL is not supported yet. */
#include "sql_pg.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

int baton__pg_open(baton__pg_t **out, const char *url, char **err) {
  *out = NULL;
  if (err)
    *err = strdup("this baton cannot open PostgreSQL databases yet");
  return SQLITE_CANTOPEN;
}
void baton__pg_close(baton__pg_t *c) {}
void *baton__pg_conn(baton__pg_t *c) { return NULL; }
int baton__pg_exec(baton__pg_t *c, const char *sql) { return SQLITE_MISUSE; }
int baton__pg_prepare(baton__pg_t *c, const char *sql, baton__pg_stmt_t **st,
                      const char **tail) {
  return SQLITE_MISUSE;
}
int baton__pg_bind_text(baton__pg_stmt_t *st, int i, const char *v, int len,
                        int copy) {
  return SQLITE_MISUSE;
}
int baton__pg_bind_blob(baton__pg_stmt_t *st, int i, const void *v, int len,
                        int copy) {
  return SQLITE_MISUSE;
}
int baton__pg_bind_int64(baton__pg_stmt_t *st, int i, long long v) {
  return SQLITE_MISUSE;
}
int baton__pg_bind_double(baton__pg_stmt_t *st, int i, double v) {
  return SQLITE_MISUSE;
}
int baton__pg_bind_null(baton__pg_stmt_t *st, int i) { return SQLITE_MISUSE; }
int baton__pg_bind_parameter_count(baton__pg_stmt_t *st) { return 0; }
int baton__pg_step(baton__pg_stmt_t *st) { return SQLITE_MISUSE; }
int baton__pg_reset(baton__pg_stmt_t *st) { return SQLITE_MISUSE; }
void baton__pg_finalize(baton__pg_stmt_t *st) {}
int baton__pg_column_count(baton__pg_stmt_t *st) { return 0; }
const char *baton__pg_column_name(baton__pg_stmt_t *st, int i) { return NULL; }
int baton__pg_column_type(baton__pg_stmt_t *st, int i) { return SQLITE_NULL; }
const char *baton__pg_column_text(baton__pg_stmt_t *st, int i) { return NULL; }
const void *baton__pg_column_blob(baton__pg_stmt_t *st, int i) { return NULL; }
int baton__pg_column_bytes(baton__pg_stmt_t *st, int i) { return 0; }
long long baton__pg_column_int64(baton__pg_stmt_t *st, int i) { return 0; }
double baton__pg_column_double(baton__pg_stmt_t *st, int i) { return 0; }
long long baton__pg_changes(baton__pg_t *c) { return 0; }
const char *baton__pg_errmsg(baton__pg_t *c) { return ""; }
int baton__pg_in_transaction(baton__pg_t *c) { return 0; }
