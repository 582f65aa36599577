/* core/store/store_int.h: the store's internals (the public half is
 * include/baton/store.h).
 *
 * store.c opens, migrates and guards the SQLite database (the authorizer
 * of plugin SQL) and answers the people, groups and events queries;
 * import.c and export.c read and write staff files. Plain C on SQLite: no
 * Lua, no libuv. Layer: base < store. */
#ifndef BATON_STORE_INT_H
#define BATON_STORE_INT_H

#include "base.h"

#include "baton/store.h"
#include "sql.h"

/* The bounds of one plugin statement, from baton__store_auth_begin to
 * _end: SQLite may allocate at most `heap` bytes more than it held when the
 * statement began (0: no bound), a text or blob value is at most
 * `max_length` bytes (0: SQLite's default), and `stop(ud)`, asked every
 * 100 virtual-machine steps, interrupts the statement when it returns
 * nonzero (NULL: never). */
typedef struct {
  size_t heap;
  size_t max_length;
  unsigned timeout_ms; /* PostgreSQL: statement_timeout (0: the server's) */
  size_t work_mem;     /* PostgreSQL: work_mem in bytes (0: the server's) */
  size_t temp_bytes;   /* PostgreSQL: temp_file_limit, when the connection's
                          role may set it (0: the server's) */
  int (*stop)(void *ud);
  void *ud;
} baton_store_bounds_t;

struct baton_store_s {
  baton__sql_t *sql; /* the connection, on either engine */
  sqlite3 *db;       /* the same connection on SQLite; NULL on PostgreSQL */
  char *path;
  char *err;               /* the last failure, for baton_store_last_error */
  int version;             /* core schema version */
  const char *auth_plugin; /* whose SQL is being prepared; NULL: core */
  char *auth_err;          /* why the authorizer refused it */
  /* Views and triggers found at open that the core did not make: the
   * core's own SQL never runs them (see the authorizer). */
  char **foreign;
  size_t nforeign;
  /* The running plugin statement's bounds, and what they replaced. */
  baton_store_bounds_t bounds;
  long long saved_soft, saved_hard;
  int saved_length;
  int stopped; /* the progress handler interrupted the statement */
  /* PostgreSQL: the plugins whose role and schema are made (this
   * connection has seen them), and how auth_begin opened the plugin's
   * statement: 0 not, 1 its own transaction, 2 a savepoint. */
  char **pg_ready;
  size_t npg_ready;
  int pg_tx;
  int pg_write; /* the plugin's statement begins INSERT, UPDATE or DELETE */
  int pg_temp;  /* may SET temp_file_limit: 0 not asked yet, 1 yes, 2 no */
};

/* Records the last failure (printf-style) and returns `err`. */
int baton__store_fail(baton_store_t *s, int err, const char *fmt, ...)
    BATON_PRINTF(3, 4);
/* Records an SQLite failure as "PATH: WHAT: sqlite's message; the fix" and
 * returns the matching BATON_E* code (BATON_EBUSY, BATON_EREADONLY, ...). */
int baton__store_fail_sqlite(baton_store_t *s, int rc, const char *what);
int baton__store_exec(baton_store_t *s, const char *sql, const char *what);
int baton__store_prepare(baton_store_t *s, const char *sql,
                         baton__sql_stmt_t **st);
/* BEGIN IMMEDIATE / COMMIT (rolls back if the commit fails) / ROLLBACK. */
int baton__store_begin(baton_store_t *s);
int baton__store_commit(baton_store_t *s);
void baton__store_rollback(baton_store_t *s);
/* A PostgreSQL URL as it may be shown: without the password (neither
 * user:password@ nor password=...). Malloc'd; NULL when out of memory. */
char *baton__store_url_public(const char *url);
/* Appends to b the SQL of "the value of key `key` in the JSON text of
 * `column` (an SQL expression), as text", in the engine's spelling:
 * json_extract(column, '$."key"') on SQLite, (CAST(column AS jsonb) ->>
 * 'key') on PostgreSQL. The key is any text but '"' and is quoted into the
 * SQL. Returns 0, BATON_EINVAL (a '"' in key) or BATON_ENOMEM. */
int baton__sql_json_text(baton_buf_t *b, baton__sql_engine_t e,
                         const char *column, const char *key);
/* Whether a --db target may already hold a database: a file that
 * exists, or any PostgreSQL URL (only connecting tells). For commands
 * that must not create a database just by looking. */
int baton__store_exists(const char *target);
/* Whether the store is on PostgreSQL. */
int baton__store_pg(const baton_store_t *s);
/* The SQLite handle, or NULL on PostgreSQL. */
sqlite3 *baton__store_db(baton_store_t *s);
const char *baton__col_text(baton__sql_stmt_t *st, int i);
/* Binds NULL for NULL or "" (the store keeps absent values as NULL). */
void baton__bind_text(baton__sql_stmt_t *st, int i, const char *v);
int baton__store_is_core_table(const char *table);
/* Opens like baton_store_open but migrates only up to version `upto`: for
 * tests of migrating an older database. */
int baton__store_open_version(baton_store_t **out, const char *path, int upto,
                              char **err);
/* Applies steps[v..upto-1] of a component ("baton" or "plugin/NAME") that
 * is at version v, each in its own transaction with its schema_version
 * row; with plugin set, under the authorizer as that plugin. Returns 0,
 * BATON_EVERSION (the database has more steps than given) or a database
 * error. */
int baton__store_migrate(baton_store_t *s, const char *component,
                         const char *plugin, const baton_store_bounds_t *b,
                         const char *const *steps, int nsteps, int upto);
/* While set, SQL prepared and run on the store is checked by the
 * authorizer as plugin `plugin`'s (its own tables, PLUGIN_*, and the
 * core tables read-only; no views, triggers or temporary objects) and
 * held to the bounds `b` (may be NULL). _end restores SQLite's limits. */
void baton__store_auth_begin(baton_store_t *s, const char *plugin,
                             const baton_store_bounds_t *b);
void baton__store_auth_end(baton_store_t *s);
/* The sentence for a failed prepare or step of a plugin's statement (rc):
 * the authorizer's, or on PostgreSQL the engine's refusal (a table, schema
 * or function the plugin's role may not use, another plugin's table not
 * on its search path) worded as the authorizer's; else the engine's own
 * message. Valid until the next call on s. */
const char *baton__store_plugin_errmsg(baton_store_t *s, int rc);
/* PostgreSQL: NULL when plugin `plugin` may send sql, else a malloc'd
 * sentence saying why not. A plugin's statement runs as its own role
 * (SET LOCAL ROLE), which a statement could leave (RESET ROLE, set_config,
 * UPDATE pg_settings: PostgreSQL checks them against the connection's
 * user, baton's): only SELECT, INSERT, UPDATE, DELETE, WITH, VALUES,
 * TABLE, EXPLAIN and CREATE/ALTER/DROP of tables and indexes pass, with
 * no set_config, pg_settings or U& escapes anywhere outside strings and
 * comments. */
char *baton__store_pg_refusal(const char *plugin, const char *sql);
/* PostgreSQL: makes plugin's role baton_plugin_NAME and its schema
 * plugin_NAME, owned by the role, if they are not there (NAME: the
 * plugin's table prefix, as in its schema_version component). Returns 0
 * or an error with the store's message set. */
int baton__store_pg_plugin_ready(baton_store_t *s, const char *plugin);
/* Whether the progress handler interrupted the plugin's statement (its
 * stop() said so) since auth_begin. */
int baton__store_auth_stopped(const baton_store_t *s);

/* ---- secrets handed out once (core/store/users.c) ------------------------
 * Invitation tokens, session ids and API tokens: baton_token_new and
 * baton_token_hash (baton/store.h). */

/* sodium_init once (it is idempotent and thread-safe). Returns 0 or
 * BATON_EIO (no source of randomness), with the store's message set. */
int baton__sodium_ready(baton_store_t *s);

/* A person as a JSON object: core fields, lists as arrays, active as a
 * boolean, attributes beside them. NULL on allocation failure. */
struct json_t *baton__person_to_json(const baton_person_t *p);

/* The format for a path: the given one, or from its extension. */
baton_format_t baton__format_of(const char *path, baton_format_t f);

#endif
