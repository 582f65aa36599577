/* core/store/copy.c: `baton db copy`: a whole baton database from one store
 * to another, on either engine, verified and all or nothing.
 *
 * The copy reads `from` inside one read transaction (a snapshot: a serve
 * writing meanwhile changes nothing of what is copied) and writes `to`
 * inside one write transaction. The core tables and baton_* tables exist
 * on `to` already: baton_store_open made them with that engine's own
 * migrations. A plugin's tables are made from their definition on `from`
 * (docs/decisions.md, "Store": a plugin's migrations run inside its Lua
 * code, which the copy cannot run, and `from`'s schema_version rows say
 * those migrations are done, so the tables must be exactly what they
 * made). Rows go across value by value with their type (integer, real,
 * text, blob, NULL), through sql.h only.
 *
 * Verification: for every table, a canonical text of its rows, in
 * primary-key order with byte-wise order for text on both engines, is
 * hashed with BLAKE2b while `from` is read, and again from what `to` holds
 * before the commit; the counts and hashes must be equal. Layer: store. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "copy.h"
#include "portable.h"

#define PG(s) (baton__sql_engine((s)->sql) == BATON_SQL_POSTGRES)

/* One table of `from`. Columns are sorted by name, so the canonical text
 * does not depend on the order in which an engine lists them. */
typedef struct {
  char *name;
  char *schema;    /* PostgreSQL: its schema on the store it was listed on */
  char *plugin;    /* the plugin whose table it is, or NULL */
  char *to_schema; /* PostgreSQL TO: plugin_NAME for a plugin's table, or
                    * NULL (TO's current schema) */
  char *ddl;       /* from's CREATE TABLE (SQLite), or NULL */
  char **cols;     /* quoted names, sorted by their unquoted names */
  char **names;    /* the names themselves */
  int *pk;         /* position in the primary key (1...), or 0 */
  int *text;       /* PostgreSQL: a text column (ordered with COLLATE "C") */
  size_t ncols;
  int create; /* not on `to`: a plugin's table, made from ddl */
  long long rows;
  unsigned char sum[BATON_COPY_CHECKSUM_SIZE];
} table_t;

typedef struct {
  table_t *t;
  size_t n, cap;
} tables_t;

static void columns_free(table_t *t) {
  for (size_t c = 0; c < t->ncols; c++) {
    free(t->cols[c]);
    free(t->names[c]);
  }
  free(t->cols);
  free(t->names);
  free(t->pk);
  free(t->text);
}

static void tables_free(tables_t *ts) {
  for (size_t i = 0; i < ts->n; i++) {
    columns_free(&ts->t[i]);
    free(ts->t[i].name);
    free(ts->t[i].schema);
    free(ts->t[i].plugin);
    free(ts->t[i].to_schema);
    free(ts->t[i].ddl);
  }
  free(ts->t);
}

/* ---- errors: the sentence always ends up as `to`'s last error ------------ */

/* A failure on `from`: its message (naming its path), prefixed FROM. */
static int fail_from(baton_store_t *from, baton_store_t *to, int rc,
                     const char *what) {
  int err = baton__store_fail_sqlite(from, rc, what);
  return baton__store_fail(to, err, "FROM %s", baton_store_last_error(from));
}

/* err, from a store call on `to`, with `to`'s last error prefixed TO.
 * Without memory to copy that error: err with "TO otherwise", or
 * BATON_ENOMEM when otherwise is NULL. */
static int fail_as_to(baton_store_t *to, int err, const char *otherwise) {
  char *msg = baton__strdup(baton_store_last_error(to));
  if (msg == NULL)
    return otherwise ? baton__store_fail(to, err, "TO %s", otherwise)
                     : baton__store_fail(to, BATON_ENOMEM, "out of memory");
  baton__store_fail(to, err, "TO %s", msg);
  free(msg);
  return err;
}

static int fail_to(baton_store_t *to, int rc, const char *what) {
  return fail_as_to(to, baton__store_fail_sqlite(to, rc, what), NULL);
}

static int oom(baton_store_t *to) {
  return baton__store_fail(to, BATON_ENOMEM,
                           "out of memory while copying the database; "
                           "nothing was written to TO");
}

/* "name" with " doubled: an identifier on both engines. NULL: no memory. */
static char *quote(const char *name) {
  baton_buf_t b = {0};
  if (baton__buf_append(&b, "\"", 1) != 0)
    return NULL;
  for (const char *p = name; *p; p++)
    if (baton__buf_append(&b, p, 1) != 0 ||
        (*p == '"' && baton__buf_append(&b, "\"", 1) != 0)) {
      baton__buf_free(&b);
      return NULL;
    }
  if (baton__buf_append(&b, "\"", 1) != 0) {
    baton__buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* A table's name for SQL: "schema"."name", or "name" when schema is NULL.
 * NULL: no memory. */
static char *qualified(const char *schema, const char *name) {
  char *qs = schema ? quote(schema) : NULL, *qn = quote(name);
  char *q = qn == NULL || (schema && qs == NULL) ? NULL
            : schema ? baton__asprintf("%s.%s", qs, qn)
                     : baton__strdup(qn);
  free(qs);
  free(qn);
  return q;
}

/* PostgreSQL: table ?1 of schema ?2 (NULL: the current schema), for the
 * catalog queries below; bound by bind_table. */
#define PG_TABLE                                                               \
  "format('%I.%I', coalesce(CAST(?2 AS text), current_schema()), "             \
  "CAST(?1 AS text))::regclass"

static void bind_table(baton_store_t *s, baton__sql_stmt_t *st,
                       const char *name, const char *schema) {
  baton__sql_bind_text(st, 1, name, -1);
  if (PG(s))
    schema ? baton__sql_bind_text(st, 2, schema, -1)
           : baton__sql_bind_null(st, 2);
}

/* ---- which tables -------------------------------------------------------- */

/* Tables that baton_store_open makes itself, whatever the engine. */
static int made_by_open(const char *name) {
  return strcmp(name, "schema_version") == 0 ||
         baton__store_is_core_table(name) || strncmp(name, "baton_", 6) == 0;
}

/* Copy order: schema_version, then the core tables in the order their
 * references need (people before those pointing at them), then the rest
 * by name. SQLite defers foreign keys to the commit anyway; PostgreSQL's
 * core keys are not deferrable. */
static int rank(const char *name) {
  static const char *const order[] = {
      "schema_version",    "people",         "groups",
      "memberships",       "events",         "baton_users",
      "baton_invitations", "baton_sessions", "baton_api_tokens",
      "baton_terms",       "baton_settings"};
  for (size_t i = 0; i < sizeof order / sizeof *order; i++)
    if (strcmp(name, order[i]) == 0)
      return (int)i;
  return 100;
}

static int cmp_table(const void *a, const void *b) {
  const table_t *x = a, *y = b;
  int rx = rank(x->name), ry = rank(y->name);
  if (rx != ry)
    return rx - ry;
  int c = strcmp(x->name, y->name);
  if (c != 0 || x->schema == y->schema)
    return c;
  return !x->schema ? -1 : !y->schema ? 1 : strcmp(x->schema, y->schema);
}

/* Whether t is `name` in `schema` (both NULL on SQLite). */
static int is_table(const table_t *t, const char *name, const char *schema) {
  return strcmp(t->name, name) == 0 &&
         (t->schema == NULL || schema == NULL ? t->schema == schema
                                              : strcmp(t->schema, schema) == 0);
}

/* The tables of s and, on SQLite, their CREATE TABLE. On PostgreSQL
 * those of the current schema and of every plugin's (plugin_NAME), with
 * their schema. */
static int list_tables(baton_store_t *s, tables_t *ts) {
  const char *sql =
      PG(s) ? "SELECT c.relname, NULL, n.nspname FROM pg_class c JOIN "
              "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
              "('r', 'p') AND (n.nspname = current_schema() OR n.nspname "
              "LIKE 'plugin\\_%')"
            : "SELECT name, sql, NULL FROM sqlite_schema WHERE type = 'table' "
              "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
  baton__sql_stmt_t *st;
  int rc = baton__sql_prepare(s->sql, sql, &st);
  if (rc != SQLITE_OK)
    return rc;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    if (BATON_GROW(ts->t, ts->n, ts->cap, 16) != 0) {
      rc = SQLITE_NOMEM;
      break;
    }
    table_t *t = &ts->t[ts->n];
    memset(t, 0, sizeof *t);
    const char *ddl = baton__col_text(st, 1);
    const char *schema = baton__col_text(st, 2);
    t->name = baton__strdup(baton__col_text(st, 0));
    t->ddl = ddl ? baton__strdup(ddl) : NULL;
    t->schema = schema ? baton__strdup(schema) : NULL;
    if (t->name == NULL || (ddl != NULL && t->ddl == NULL) ||
        (schema != NULL && t->schema == NULL)) {
      free(t->name);
      free(t->ddl);
      free(t->schema);
      rc = SQLITE_NOMEM;
      break;
    }
    ts->n++;
  }
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return rc;
  if (ts->n > 0)
    qsort(ts->t, ts->n, sizeof *ts->t, cmp_table);
  return SQLITE_OK;
}

/* Whether table t of `from` refers by a foreign key to a table
 * among ts->t[0..n-1] other than itself: 1, 0, or an SQLite error < 0. */
static int refers_to_later(baton_store_t *from, const table_t *t,
                           const tables_t *ts, size_t n) {
  baton__sql_stmt_t *st;
  const char *sql =
      PG(from) ? "SELECT DISTINCT c.relname, n.nspname FROM pg_constraint k "
                 "JOIN pg_class c ON c.oid = k.confrelid JOIN pg_namespace n "
                 "ON n.oid = c.relnamespace WHERE k.contype = 'f' AND "
                 "k.conrelid = " PG_TABLE
               : "SELECT DISTINCT \"table\", NULL FROM "
                 "pragma_foreign_key_list(?1)";
  if (baton__sql_prepare(from->sql, sql, &st) != SQLITE_OK)
    return -1;
  bind_table(from, st, t->name, t->schema);
  int found = 0, rc;
  while (!found && (rc = baton__sql_step(st)) == SQLITE_ROW) {
    const char *ref = baton__col_text(st, 0), *schema = baton__col_text(st, 1);
    for (size_t i = 0; i < n && !found; i++)
      found = &ts->t[i] != t && ref && is_table(&ts->t[i], ref, schema);
  }
  baton__sql_finalize(st);
  return found ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Puts the tables of `from` in an order where a table comes after
 * those its foreign keys refer to (PostgreSQL checks a reference when the
 * table is made and, for keys not deferrable, when each row is written),
 * keeping the order of cmp_table otherwise. A cycle keeps its order. */
static int order_by_references(baton_store_t *from, tables_t *ts) {
  for (size_t done = 0; done < ts->n; done++) {
    size_t pick = done;
    for (size_t i = done; i < ts->n; i++) {
      tables_t rest = {.t = ts->t + done, .n = ts->n - done};
      int r = refers_to_later(from, &ts->t[i], &rest, rest.n);
      if (r < 0)
        return BATON_ESTORE;
      if (r == 0) {
        pick = i;
        break;
      }
    }
    table_t t = ts->t[pick]; /* move it to `done`, the others down one */
    memmove(ts->t + done + 1, ts->t + done, (pick - done) * sizeof t);
    ts->t[done] = t;
  }
  return 0;
}

static table_t *find_table(tables_t *ts, const char *name) {
  for (size_t i = 0; i < ts->n; i++)
    if (strcmp(ts->t[i].name, name) == 0)
      return &ts->t[i];
  return NULL;
}

/* The columns of t (in `schema` on PostgreSQL, NULL: the current one) on
 * s: names, primary-key positions, and on PostgreSQL whether each is text
 * (its order then needs COLLATE "C" to be SQLite's byte order). Sorted by
 * name. */
static int list_columns(baton_store_t *s, table_t *t, const char *schema) {
  const char *sql =
      PG(s) ? "SELECT a.attname, coalesce((SELECT k.n FROM pg_index i, "
              "unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n) "
              "WHERE i.indrelid = a.attrelid AND i.indisprimary AND "
              "k.attnum = a.attnum), 0), "
              "(SELECT typcategory = 'S' FROM pg_type WHERE oid = a.atttypid) "
              "FROM pg_attribute a WHERE a.attrelid = " PG_TABLE
              " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname "
              "COLLATE \"C\""
            : "SELECT name, pk, 0 FROM pragma_table_info(?1) ORDER BY name "
              "COLLATE BINARY";
  baton__sql_stmt_t *st;
  int rc = baton__sql_prepare(s->sql, sql, &st);
  if (rc != SQLITE_OK)
    return rc;
  bind_table(s, st, t->name, schema);
  size_t cap = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    size_t c = t->ncols;
    if (c == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      char **cols = realloc(t->cols, ncap * sizeof *cols);
      if (cols)
        t->cols = cols;
      char **names = realloc(t->names, ncap * sizeof *names);
      if (names)
        t->names = names;
      int *pk = realloc(t->pk, ncap * sizeof *pk);
      if (pk)
        t->pk = pk;
      int *text = realloc(t->text, ncap * sizeof *text);
      if (text)
        t->text = text;
      if (!cols || !names || !pk || !text) {
        rc = SQLITE_NOMEM;
        break;
      }
      cap = ncap;
    }
    t->names[c] = baton__strdup(baton__col_text(st, 0));
    t->cols[c] = t->names[c] ? quote(t->names[c]) : NULL;
    if (t->cols[c] == NULL) {
      free(t->names[c]);
      rc = SQLITE_NOMEM;
      break;
    }
    t->pk[c] = (int)baton__sql_column_int64(st, 1);
    t->text[c] = (int)baton__sql_column_int64(st, 2);
    t->ncols++;
  }
  baton__sql_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ---- the canonical text of rows, hashed ---------------------------------- */

/* "SELECT cols FROM t ORDER BY pk" in the same order on both engines:
 * text compared byte by byte (SQLite's BINARY, PostgreSQL's "C"), NULL
 * first, the
 * primary key's columns in their key order, or every column when the
 * table has no primary key. NULL: no memory. */
static char *select_sql(baton_store_t *s, const table_t *t,
                        const char *schema) {
  baton_buf_t b = {0};
  int bad = baton__buf_append(&b, "SELECT ", 7);
  for (size_t c = 0; c < t->ncols; c++)
    bad |= baton__buf_printf(&b, "%s%s", c ? ", " : "", t->cols[c]);
  char *q = qualified(schema, t->name);
  bad |= q == NULL || baton__buf_printf(&b, " FROM %s ORDER BY ", q);
  free(q);
  int haspk = 0;
  for (size_t c = 0; c < t->ncols; c++)
    haspk |= t->pk[c] > 0;
  int first = 1;
  for (int k = 1; k <= (int)t->ncols; k++) /* key positions, in order */
    for (size_t c = 0; c < t->ncols; c++) {
      if (haspk ? t->pk[c] != k : (size_t)k != c + 1)
        continue;
      /* SQLite puts NULL first, PostgreSQL last unless told. */
      const char *coll =
          PG(s) ? (t->text[c] ? " COLLATE \"C\" NULLS FIRST" : " NULLS FIRST")
                : " COLLATE BINARY";
      bad |=
          baton__buf_printf(&b, "%s%s%s", first ? "" : ", ", t->cols[c], coll);
      first = 0;
    }
  if (bad) {
    baton__buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* Adds the value of column i of the row to the hash, with its type:
 * n (NULL), i<decimal>, f<%.17g>, t<length>:<bytes> or b<length>:<bytes>. */
static void hash_value(crypto_generichash_state *h, baton__sql_stmt_t *st,
                       int i) {
  char head[48];
  int n;
  switch (baton__sql_column_type(st, i)) {
  case SQLITE_NULL:
    crypto_generichash_update(h, (const unsigned char *)"n", 1);
    return;
  case SQLITE_INTEGER:
    n = snprintf(head, sizeof head, "i%lld;", baton__sql_column_int64(st, i));
    crypto_generichash_update(h, (const unsigned char *)head, (size_t)n);
    return;
  case SQLITE_FLOAT:
    n = snprintf(head, sizeof head, "f%.17g;", baton__sql_column_double(st, i));
    crypto_generichash_update(h, (const unsigned char *)head, (size_t)n);
    return;
  case SQLITE_BLOB: {
    const void *v = baton__sql_column_blob(st, i);
    int len = baton__sql_column_bytes(st, i);
    n = snprintf(head, sizeof head, "b%d:", len);
    crypto_generichash_update(h, (const unsigned char *)head, (size_t)n);
    if (len > 0)
      crypto_generichash_update(h, v, (size_t)len);
    return;
  }
  default: {
    const char *v = baton__col_text(st, i);
    int len = baton__sql_column_bytes(st, i);
    n = snprintf(head, sizeof head, "t%d:", len);
    crypto_generichash_update(h, (const unsigned char *)head, (size_t)n);
    if (len > 0)
      crypto_generichash_update(h, (const unsigned char *)v, (size_t)len);
  }
  }
}

/* Starts a table's hash with its column names (so two tables with the
 * same rows under other columns differ). */
static void hash_begin(crypto_generichash_state *h, const table_t *t) {
  crypto_generichash_init(h, NULL, 0, BATON_COPY_CHECKSUM_SIZE);
  for (size_t c = 0; c < t->ncols; c++)
    crypto_generichash_update(h, (const unsigned char *)t->names[c],
                              strlen(t->names[c]) + 1);
  crypto_generichash_update(h, (const unsigned char *)"\n", 1);
}

/* Binds the value of column i of `row` as parameter i + 1 of ins. Text and
 * blobs are not copied: the row stays current until ins has run. */
static int bind_value(baton__sql_stmt_t *ins, baton__sql_stmt_t *row, int i) {
  static const char empty[1] = "";
  switch (baton__sql_column_type(row, i)) {
  case SQLITE_NULL:
    return baton__sql_bind_null(ins, i + 1);
  case SQLITE_INTEGER:
    return baton__sql_bind_int64(ins, i + 1, baton__sql_column_int64(row, i));
  case SQLITE_FLOAT:
    return baton__sql_bind_double(ins, i + 1, baton__sql_column_double(row, i));
  case SQLITE_BLOB: {
    /* A zero-length blob comes back as NULL; bound as NULL it would be. */
    const void *v = baton__sql_column_blob(row, i);
    int len = baton__sql_column_bytes(row, i);
    return baton__sql_bind_blob(ins, i + 1, v && len > 0 ? v : empty, len);
  }
  default: {
    const char *v = baton__col_text(row, i);
    return baton__sql_bind_text(ins, i + 1, v ? v : empty,
                                baton__sql_column_bytes(row, i));
  }
  }
}

/* ---- PostgreSQL: COPY FROM STDIN ---------------------------------------- */

/* Rows go to PostgreSQL through COPY ... FROM STDIN in text format, sent in
 * pieces of this many bytes: one round trip per piece, not per row. */
#define COPY_PIECE (1u << 20)

/* Appends the value of column i of `row` to b as COPY's text format has
 * it: \N for NULL, numbers as the INSERT path binds them, text with
 * backslash, newline, carriage return and tab escaped, a blob as bytea's
 * hex (\\x...). The server reads each with the column type's input
 * function, as it reads an untyped parameter. */
static int copy_value(baton_buf_t *b, baton__sql_stmt_t *row, int i) {
  static const char hex[] = "0123456789abcdef";
  switch (baton__sql_column_type(row, i)) {
  case SQLITE_NULL:
    return baton__buf_append(b, "\\N", 2);
  case SQLITE_INTEGER:
    return baton__buf_printf(b, "%lld", baton__sql_column_int64(row, i));
  case SQLITE_FLOAT: {
    double d = baton__sql_column_double(row, i);
    return isnan(d) ? baton__buf_append(b, "NaN", 3)
           : isinf(d)
               ? baton__buf_printf(b, "%s", d > 0 ? "Infinity" : "-Infinity")
               : baton__buf_printf(b, "%.17g", d);
  }
  case SQLITE_BLOB: {
    const unsigned char *v = baton__sql_column_blob(row, i);
    int len = baton__sql_column_bytes(row, i);
    int err = baton__buf_append(b, "\\\\x", 3);
    for (int k = 0; err == 0 && k < len; k++) {
      char two[2] = {hex[v[k] >> 4], hex[v[k] & 15]};
      err = baton__buf_append(b, two, 2);
    }
    return err;
  }
  default: {
    const char *v = baton__col_text(row, i);
    int len = baton__sql_column_bytes(row, i), from = 0, err = 0;
    for (int k = 0; err == 0 && k < len; k++) {
      const char *esc = v[k] == '\\'   ? "\\\\"
                        : v[k] == '\n' ? "\\n"
                        : v[k] == '\r' ? "\\r"
                        : v[k] == '\t' ? "\\t"
                                       : NULL;
      if (esc == NULL)
        continue;
      err = baton__buf_append(b, v + from, (size_t)(k - from));
      if (err == 0)
        err = baton__buf_append(b, esc, 2);
      from = k + 1;
    }
    return err ? err : baton__buf_append(b, v + from, (size_t)(len - from));
  }
  }
}

/* ---- the steps ----------------------------------------------------------- */

/* Refuses a `to` that holds anything: a table baton_store_open does not
 * make (a plugin's), a row in any table, or schema_version rows other than
 * the core's. BATON_EEXIST names what it found. */
static int check_empty(baton_store_t *to, tables_t *tt) {
  for (size_t i = 0; i < tt->n; i++)
    if (!made_by_open(tt->t[i].name))
      return baton__store_fail(
          to, BATON_EEXIST,
          "TO %s is not empty: it has table '%s' (a plugin's); copy into a "
          "new database (a new file name, or a new PostgreSQL database made "
          "with `createdb`); nothing was written",
          baton_store_path(to), tt->t[i].name);
  for (size_t i = 0; i < tt->n; i++) {
    const char *name = tt->t[i].name;
    char *q = qualified(tt->t[i].schema, name);
    char *sql =
        q == NULL ? NULL
        : strcmp(name, "schema_version") == 0
            ? baton__asprintf("SELECT count(*) FROM %s WHERE component <> "
                              "'baton'",
                              q)
            : baton__asprintf("SELECT count(*) FROM %s", q);
    free(q);
    if (sql == NULL)
      return oom(to);
    baton__sql_stmt_t *st;
    int rc = baton__sql_prepare(to->sql, sql, &st);
    free(sql);
    if (rc != SQLITE_OK)
      return fail_to(to, rc, "cannot count the rows of a table");
    rc = baton__sql_step(st);
    long long n = rc == SQLITE_ROW ? baton__sql_column_int64(st, 0) : 0;
    baton__sql_finalize(st);
    if (rc != SQLITE_ROW)
      return fail_to(to, rc, "cannot count the rows of a table");
    if (n > 0)
      return baton__store_fail(
          to, BATON_EEXIST,
          "TO %s is not empty: table '%s' has %lld row%s; copy into a new "
          "database (a new file name, or a new PostgreSQL database made "
          "with `createdb`), or delete this one first; nothing was written",
          baton_store_path(to), name, n, n == 1 ? "" : "s");
  }
  if (to->nforeign > 0)
    return baton__store_fail(
        to, BATON_EEXIST,
        "TO %s is not empty: it has view or trigger '%s', which baton did "
        "not make; copy into a new database; nothing was written",
        baton_store_path(to), to->foreign[0]);
  return 0;
}

/* baton_store_replace: removes everything the PostgreSQL `to` holds,
 * inside the copy's transaction: one DROP TABLE of the plugins' tables (in
 * their schemas plugin_NAME), so their references to one another do not
 * matter, and one TRUNCATE of the tables baton_store_open makes, which
 * restarts their ids. The event log's guard against TRUNCATE (a trigger,
 * store.c) is off for that statement only, and inside the transaction, so
 * a rollback puts it back too. A table that neither baton nor a plugin
 * made is refused. */
static int empty_to(baton_store_t *to, tables_t *tt) {
  baton_buf_t drop = {0}, clear = {0};
  int err = 0;
  for (size_t i = 0; i < tt->n && err == 0; i++) {
    const table_t *t = &tt->t[i];
    int plugin = t->schema != NULL && strncmp(t->schema, "plugin_", 7) == 0;
    if (!plugin && !made_by_open(t->name)) {
      err = baton__store_fail(
          to, BATON_EEXIST,
          "TO %s has table '%s' in schema '%s', which neither baton nor a "
          "plugin made: it is not replaced; nothing was written",
          baton_store_path(to), t->name, t->schema ? t->schema : "");
      break;
    }
    char *q = qualified(t->schema, t->name);
    baton_buf_t *b = plugin ? &drop : &clear;
    if (q == NULL || baton__buf_printf(b, "%s%s", b->len ? ", " : "", q) != 0)
      err = oom(to);
    free(q);
  }
  char *sql = NULL;
  if (err == 0)
    sql = baton__asprintf(
        "%s%s%sALTER TABLE events DISABLE TRIGGER events_no_truncate; "
        "TRUNCATE %s RESTART IDENTITY; "
        "ALTER TABLE events ENABLE TRIGGER events_no_truncate",
        drop.len ? "DROP TABLE " : "", drop.len ? drop.data : "",
        drop.len ? "; " : "", clear.data ? clear.data : "events");
  baton__buf_free(&drop);
  baton__buf_free(&clear);
  if (err != 0)
    return err;
  int rc = sql ? baton__sql_exec(to->sql, sql) : SQLITE_NOMEM;
  free(sql);
  if (rc != SQLITE_OK)
    return rc == SQLITE_NOMEM ? oom(to)
                              : fail_to(to, rc, "cannot empty the database");
  return 0;
}

/* Runs one statement of from's schema on `to`: as it is between two
 * SQLite files, through the portable subset's rewrite on PostgreSQL
 * (INTEGER PRIMARY KEY an identity, BLOB BYTEA, ...), as a plugin's
 * migration steps are run there. */
static int run_ddl(baton_store_t *to, const table_t *t, const char *ddl,
                   const char *what) {
  char *sql = baton__sql_portable_rewrite(baton__sql_engine(to->sql), ddl);
  if (sql == NULL)
    return oom(to);
  int rc = baton__sql_exec(to->sql, sql);
  free(sql);
  if (rc == SQLITE_OK)
    return 0;
  char *msg = baton__asprintf("cannot make plugin table '%s' (its %s as "
                              "FROM has it: %.200s)",
                              t->name, what, ddl);
  int err = fail_to(to, rc, msg ? msg : "cannot make a plugin's table");
  free(msg);
  return err;
}

/* ---- a plugin's table out of PostgreSQL ---------------------------------- */

/* PostgreSQL's text of an expression (a default, an index's WHERE) in
 * SQLite's spelling: casts (`'x'::text`, `0::bigint`, `::character
 * varying`) dropped outside strings and quoted names. NULL: no memory. */
static char *drop_casts(const char *e) {
  baton_buf_t b = {0};
  int bad = baton__buf_append(&b, "", 0);
  for (const char *p = e; *p && !bad;) {
    if (*p == '\'' || *p == '"') { /* a string or a quoted name, whole */
      const char *q = p + 1;
      while (*q && !(*q == *p && q[1] != *p))
        q += *q == *p ? 2 : 1;
      q += *q != '\0';
      bad |= baton__buf_append(&b, p, (size_t)(q - p));
      p = q;
    } else if (p[0] == ':' && p[1] == ':') {
      p += 2;
      for (;;) {
        while (*p == '_' || (*p >= 'a' && *p <= 'z') ||
               (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
          p++;
        if (strncmp(p, " varying", 8) == 0 || strncmp(p, " precision", 10) == 0)
          p++;
        else
          break;
      }
      if (strncmp(p, "[]", 2) == 0)
        p += 2;
    } else {
      bad |= baton__buf_append(&b, p, 1);
      p++;
    }
  }
  if (bad) {
    baton__buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* The SQLite type of a PostgreSQL column type (format_type's text), as
 * the portable subset names them: INTEGER, REAL, BLOB or TEXT. */
static const char *sqlite_type(const char *pg) {
  if (strcmp(pg, "bigint") == 0 || strcmp(pg, "integer") == 0 ||
      strcmp(pg, "smallint") == 0 || strcmp(pg, "boolean") == 0)
    return "INTEGER";
  if (strcmp(pg, "double precision") == 0 || strcmp(pg, "real") == 0 ||
      strncmp(pg, "numeric", 7) == 0)
    return "REAL";
  return strcmp(pg, "bytea") == 0 ? "BLOB" : "TEXT";
}

/* Appends to b the rows of sql (bound to the table's name and schema),
 * each through fn. Returns an SQLite code. */
static int each_row(baton_store_t *from, const char *sql, const table_t *t,
                    int (*fn)(baton__sql_stmt_t *st, baton_buf_t *b, void *ud),
                    baton_buf_t *b, void *ud) {
  baton__sql_stmt_t *st;
  int rc = baton__sql_prepare(from->sql, sql, &st);
  if (rc != SQLITE_OK)
    return rc;
  bind_table(from, st, t->name, t->schema);
  while ((rc = baton__sql_step(st)) == SQLITE_ROW)
    if (fn(st, b, ud) != 0) {
      rc = SQLITE_NOMEM;
      break;
    }
  baton__sql_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A column: name, type, identity key, NOT NULL, default. ud: int *n. */
static int column_def(baton__sql_stmt_t *st, baton_buf_t *b, void *ud) {
  int *n = ud;
  char *q = quote(baton__col_text(st, 0));
  int ident = baton__sql_column_int64(st, 3) != 0;
  const char *dflt = baton__col_text(st, 4);
  char *d = dflt && !ident ? drop_casts(dflt) : NULL;
  int bad = q == NULL || (dflt && !ident && d == NULL);
  if (!bad)
    bad = baton__buf_printf(
        b, "%s%s %s%s%s%s%s", (*n)++ ? ", " : "", q,
        ident ? "INTEGER PRIMARY KEY" : sqlite_type(baton__col_text(st, 1)),
        baton__sql_column_int64(st, 2) && !ident ? " NOT NULL" : "",
        d ? " DEFAULT (" : "", d ? d : "", d ? ")" : "");
  free(q);
  free(d);
  return bad;
}

/* A table constraint as PostgreSQL writes it: PRIMARY KEY (...), UNIQUE
 * (...), FOREIGN KEY (...) REFERENCES t(c) [ON DELETE ...] are SQLite's
 * spelling too. A key already written with its identity column is left
 * out. ud: int *has_identity. */
static int constraint_def(baton__sql_stmt_t *st, baton_buf_t *b, void *ud) {
  const char *def = baton__col_text(st, 1);
  if (*(int *)ud && strcmp(baton__col_text(st, 0), "p") == 0)
    return 0;
  return baton__buf_printf(b, ", %s", def ? def : "");
}

/* An index as PostgreSQL writes it, in SQLite's spelling: without
 * `USING btree`, the schema before the table, and casts. */
static int index_def(baton__sql_stmt_t *st, baton_buf_t *b, void *ud) {
  (void)ud;
  char *d = drop_casts(baton__col_text(st, 0));
  if (d == NULL)
    return 1;
  char *using = strstr(d, " USING btree");
  if (using != NULL)
    memmove(using, using + 12, strlen(using + 12) + 1);
  char *on = strstr(d, " ON ");
  char *dot = on ? strchr(on + 4, '.') : NULL;
  char *paren = on ? strchr(on + 4, '(') : NULL;
  if (dot != NULL && (paren == NULL || dot < paren))
    memmove(on + 4, dot + 1, strlen(dot + 1) + 1);
  int bad = baton__buf_printf(b, ";\n%s", d);
  free(d);
  return bad;
}

/* t's definition out of PostgreSQL's catalog, as SQLite statements (the
 * portable subset's types): CREATE TABLE with its columns, defaults, keys,
 * unique and foreign-key constraints, then its other indexes. CHECK
 * constraints are left out: PostgreSQL writes them in its own SQL. */
static int pg_definition(baton_store_t *from, table_t *t) {
  char *q = quote(t->name);
  baton_buf_t b = {0};
  int bad = q == NULL || baton__buf_printf(&b, "CREATE TABLE %s (", q);
  free(q);
  if (bad) {
    baton__buf_free(&b);
    return SQLITE_NOMEM;
  }
  int n = 0, rc;
  rc = each_row(
      from,
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "a.attidentity <> '' AND (SELECT count(*) FROM pg_index i WHERE "
      "i.indrelid = a.attrelid AND i.indisprimary AND i.indnatts = 1 AND "
      "i.indkey[0] = a.attnum) = 1, pg_get_expr(d.adbin, d.adrelid) "
      "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
      "AND d.adnum = a.attnum WHERE a.attrelid = " PG_TABLE
      " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      t, column_def, &b, &n);
  int ident = b.data != NULL && strstr(b.data, "INTEGER PRIMARY KEY") != NULL;
  if (rc == SQLITE_OK)
    rc = each_row(from,
                  "SELECT contype::text, pg_get_constraintdef(oid) FROM "
                  "pg_constraint WHERE conrelid = " PG_TABLE
                  " AND contype IN ('p', 'u', 'f') ORDER BY contype, conname",
                  t, constraint_def, &b, &ident);
  if (rc == SQLITE_OK && baton__buf_append(&b, ")", 1) != 0)
    rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK)
    rc = each_row(from,
                  "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                  "WHERE i.indrelid = " PG_TABLE " AND NOT EXISTS (SELECT 1 "
                  "FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                  "ORDER BY i.indexrelid::regclass::text",
                  t, index_def, &b, NULL);
  if (rc != SQLITE_OK) {
    baton__buf_free(&b);
    return rc;
  }
  free(t->ddl);
  t->ddl = b.data;
  return SQLITE_OK;
}

/* Runs sql (with ?1 bound to arg when not NULL) on s; *out, when not NULL,
 * gets a copy of the first column of its row. Returns an SQLite code. */
static int one_value(baton_store_t *s, const char *sql, const char *arg,
                     char **out) {
  baton__sql_stmt_t *st;
  int rc = baton__sql_prepare(s->sql, sql, &st);
  if (rc != SQLITE_OK)
    return rc;
  if (arg != NULL)
    baton__sql_bind_text(st, 1, arg, -1);
  rc = baton__sql_step(st);
  if (rc == SQLITE_ROW && out != NULL) {
    const char *v = baton__col_text(st, 0);
    *out = baton__strdup(v ? v : "");
    if (*out == NULL)
      rc = SQLITE_NOMEM;
  }
  baton__sql_finalize(st);
  return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static const char set_path[] = "SELECT set_config('search_path', ?1, true)";

/* PostgreSQL: puts schema first on s's search_path until pop_path or the
 * end of the transaction, *saved getting the path it had. Names in that
 * schema are then written without it (pg_get_constraintdef) and found
 * without it (a plugin's own SQL, as its migrations ran). */
static int push_path(baton_store_t *s, const char *schema, char **saved) {
  *saved = NULL;
  int rc = one_value(s, "SELECT current_setting('search_path')", NULL, saved);
  if (rc != SQLITE_OK)
    return rc;
  char *q = quote(schema);
  char *path = q ? baton__asprintf("%s, %s", q, *saved) : NULL;
  free(q);
  rc = path ? one_value(s, set_path, path, NULL) : SQLITE_NOMEM;
  free(path);
  return rc;
}

/* Makes a plugin's table on `to` from its definition on `from`, with its
 * indexes: SQLite's own CREATE TABLE and CREATE INDEX, as the plugin's
 * migrations left them (ALTER TABLE rewrites the CREATE TABLE kept in
 * sqlite_schema). Out of PostgreSQL, which keeps no such text, from its
 * catalog (pg_definition), read with the table's schema first on the
 * search path so that the names of its schema come unqualified. */
static int create_here(baton_store_t *from, baton_store_t *to, table_t *t) {
  if (PG(from)) {
    char *saved = NULL;
    int rc = push_path(from, t->schema, &saved);
    if (rc == SQLITE_OK)
      rc = pg_definition(from, t);
    if (rc == SQLITE_OK)
      rc = one_value(from, set_path, saved, NULL);
    free(saved);
    if (rc != SQLITE_OK)
      return rc == SQLITE_NOMEM
                 ? oom(to)
                 : fail_from(from, to, rc, "cannot read a table's definition");
    return run_ddl(to, t, t->ddl, "definition");
  }
  int err = run_ddl(to, t, t->ddl, "definition");
  if (err != 0)
    return err;
  baton__sql_stmt_t *st;
  int rc = baton__sql_prepare(from->sql,
                              "SELECT sql FROM sqlite_schema WHERE type = "
                              "'index' AND tbl_name = ? AND sql IS NOT NULL "
                              "ORDER BY name",
                              &st);
  if (rc != SQLITE_OK)
    return fail_from(from, to, rc, "cannot read a table's indexes");
  baton__sql_bind_text(st, 1, t->name, -1);
  while ((rc = baton__sql_step(st)) == SQLITE_ROW)
    if ((err = run_ddl(to, t, baton__col_text(st, 0), "index")) != 0) {
      baton__sql_finalize(st);
      return err;
    }
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return fail_from(from, to, rc, "cannot read a table's indexes");
  return 0;
}

/* create_here, on PostgreSQL for a plugin's table as the plugin's own
 * migration would: its role and schema made (as store.c makes them), and
 * the statements run as that role with its schema first on the search
 * path, so the table is in plugin_NAME, owned by baton_plugin_NAME. */
static int create_table(baton_store_t *from, baton_store_t *to, table_t *t) {
  if (!PG(to) || t->plugin == NULL)
    return create_here(from, to, t);
  int err = baton__store_pg_plugin_ready(to, t->plugin);
  if (err != 0)
    return fail_as_to(to, err, "cannot make a role");
  char *saved = NULL, *role = baton__asprintf("baton_plugin_%s", t->plugin);
  char *q = role ? quote(role) : NULL;
  char *sql = q ? baton__asprintf("SET LOCAL ROLE %s", q) : NULL;
  free(role);
  free(q);
  if (sql == NULL)
    return oom(to);
  int rc = push_path(to, t->to_schema, &saved);
  if (rc == SQLITE_OK)
    rc = baton__sql_exec(to->sql, sql);
  free(sql);
  if (rc == SQLITE_OK) {
    err = create_here(from, to, t);
    if (err == 0 && (rc = baton__sql_exec(to->sql, "RESET ROLE")) == SQLITE_OK)
      rc = one_value(to, set_path, saved, NULL);
  }
  free(saved);
  if (err == 0 && rc != SQLITE_OK)
    err = rc == SQLITE_NOMEM
              ? oom(to)
              : fail_to(to, rc, "cannot take a plugin's role and schema");
  return err;
}

/* The plugins of `from` (the NAME of its plugin/NAME schema_version rows,
 * as the plugin's table prefix: lower case, other characters than letters
 * and digits as _) own its tables: on PostgreSQL those in schema
 * plugin_NAME; elsewhere (SQLite) those named NAME_..., the longest NAME
 * that fits. On a PostgreSQL `to`, a plugin's table goes to plugin_NAME. */
static int find_plugins(baton_store_t *from, baton_store_t *to, tables_t *ts) {
  baton__sql_stmt_t *st;
  int rc = baton__sql_prepare(from->sql,
                              "SELECT DISTINCT substr(component, 8) FROM "
                              "schema_version WHERE component LIKE 'plugin/%'",
                              &st);
  if (rc != SQLITE_OK)
    return rc;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    const char *p = baton__col_text(st, 0);
    size_t n = p ? strlen(p) : 0;
    for (size_t i = 0; n > 0 && i < ts->n; i++) {
      table_t *t = &ts->t[i];
      int fits = strlen(t->name) > n + 1 && t->name[n] == '_' &&
                 (t->schema == NULL || strncmp(t->schema, "plugin_", 7) != 0) &&
                 !made_by_open(t->name) &&
                 (t->plugin == NULL || strlen(t->plugin) < n);
      for (size_t k = 0; fits && k < n; k++) {
        char c = t->name[k], w = p[k];
        c = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        w = w >= 'A' && w <= 'Z' ? (char)(w + 32) : w;
        w = (w >= 'a' && w <= 'z') || (w >= '0' && w <= '9') ? w : '_';
        fits = c == w;
      }
      if (!fits)
        continue;
      char *plugin = baton__strdup(t->name);
      if (plugin == NULL) {
        rc = SQLITE_NOMEM;
        break;
      }
      plugin[n] = '\0';
      for (char *c = plugin; *c; c++)
        *c = *c >= 'A' && *c <= 'Z' ? (char)(*c + 32) : *c;
      free(t->plugin);
      t->plugin = plugin;
    }
    if (rc == SQLITE_NOMEM)
      break;
  }
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return rc;
  for (size_t i = 0; i < ts->n; i++) {
    table_t *t = &ts->t[i];
    if (t->schema != NULL && strncmp(t->schema, "plugin_", 7) == 0 &&
        t->schema[7] != '\0' &&
        (t->plugin = baton__strdup(t->schema + 7)) == NULL)
      return SQLITE_NOMEM;
    if (PG(to) && t->plugin != NULL &&
        (t->to_schema = baton__asprintf("plugin_%s", t->plugin)) == NULL)
      return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

/* Whether t is to be made on `to`: a plugin's table (in its schema on
 * PostgreSQL), or one `to` does not have and baton_store_open does not
 * make. */
static int made_by_copy(const table_t *t) {
  return t->create && (t->to_schema != NULL || !made_by_open(t->name));
}

/* The columns of t must be the same on both sides (both were made by this
 * baton's migrations, or t was just made from from's definition). */
static int check_columns(baton_store_t *to, const table_t *t,
                         const table_t *tt) {
  size_t c = 0;
  while (c < t->ncols && c < tt->ncols &&
         strcmp(t->names[c], tt->names[c]) == 0)
    c++;
  if (c == t->ncols && c == tt->ncols)
    return 0;
  const char *col = c < t->ncols ? t->names[c] : tt->names[c];
  return baton__store_fail(
      to, BATON_EVERSION,
      "TO %s: table '%s' does not have the same columns on both sides "
      "(column '%s' is on %s only): FROM and TO must be at the same schema "
      "version; open both with this baton first; nothing was written",
      baton_store_path(to), t->name, col, c < t->ncols ? "FROM" : "TO");
}

/* The statement that writes t's rows on `to`: COPY ... FROM STDIN on
 * PostgreSQL, else an INSERT with one parameter per column. Malloc'd;
 * NULL: no memory. */
static char *write_sql(baton_store_t *to, const table_t *t) {
  char *q = qualified(t->to_schema, t->name);
  baton_buf_t b = {0};
  int bad =
      q == NULL ||
      baton__buf_printf(&b, "%s %s (", PG(to) ? "COPY" : "INSERT INTO", q) != 0;
  for (size_t c = 0; !bad && c < t->ncols; c++)
    bad |= baton__buf_printf(&b, "%s%s", c ? ", " : "", t->cols[c]);
  if (PG(to))
    bad |= baton__buf_printf(&b, ") FROM STDIN");
  else {
    bad |= baton__buf_append(&b, ") VALUES (", 10);
    for (size_t c = 0; !bad && c < t->ncols; c++)
      bad |= baton__buf_append(&b, c ? ", ?" : "?", c ? 3 : 1);
    bad |= baton__buf_append(&b, ")", 1);
  }
  free(q);
  if (bad) {
    baton__buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* Writes the current row of rd to `to`: as a line of COPY data in *data
 * (sent when it reaches COPY_PIECE) on PostgreSQL, else through the
 * INSERT wr. SQLITE_OK or the failure's code (errmsg of `to`). */
static int write_row(baton_store_t *to, const table_t *t, baton__sql_stmt_t *rd,
                     baton__sql_stmt_t *wr, baton_buf_t *data) {
  int rc = SQLITE_OK;
  if (!PG(to)) {
    for (size_t c = 0; c < t->ncols && rc == SQLITE_OK; c++)
      rc = bind_value(wr, rd, (int)c);
    if (rc == SQLITE_OK)
      rc = baton__sql_step(wr);
    baton__sql_reset(wr);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
  for (size_t c = 0; c < t->ncols && rc == SQLITE_OK; c++)
    if ((c && baton__buf_append(data, "\t", 1)) || copy_value(data, rd, (int)c))
      rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK && baton__buf_append(data, "\n", 1))
    rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK && data->len >= COPY_PIECE) {
    rc = baton__sql_copy_put(to->sql, data->data, data->len);
    data->len = 0;
  }
  return rc;
}

/* Copies t's rows from `from` to `to`, hashing them as they are read. On
 * PostgreSQL they go in one COPY: a row the server refuses fails the
 * whole COPY (the server's message says which line, i.e. row), and the
 * caller rolls back. */
static int copy_rows(baton_store_t *from, baton_store_t *to, table_t *t) {
  char *sel = select_sql(from, t, t->schema);
  char *ins = write_sql(to, t);
  if (sel == NULL || ins == NULL) {
    free(sel);
    free(ins);
    return oom(to);
  }
  baton__sql_stmt_t *rd = NULL, *wr = NULL;
  baton_buf_t data = {0};
  int err = 0, copying = 0;
  int rc = baton__sql_prepare(from->sql, sel, &rd);
  if (rc != SQLITE_OK) {
    err = fail_from(from, to, rc, "cannot read a table");
    goto done;
  }
  rc = PG(to) ? baton__sql_copy_begin(to->sql, ins)
              : baton__sql_prepare(to->sql, ins, &wr);
  if (rc != SQLITE_OK) {
    err = fail_to(to, rc, "cannot write a table");
    goto done;
  }
  copying = PG(to);
  crypto_generichash_state h;
  hash_begin(&h, t);
  t->rows = 0;
  while ((rc = baton__sql_step(rd)) == SQLITE_ROW) {
    for (size_t c = 0; c < t->ncols; c++)
      hash_value(&h, rd, (int)c);
    crypto_generichash_update(&h, (const unsigned char *)"\n", 1);
    if ((rc = write_row(to, t, rd, wr, &data)) != SQLITE_OK) {
      char *what = baton__asprintf("cannot copy row %lld of table '%s'",
                                   t->rows + 1, t->name);
      err = fail_to(to, rc, what ? what : "cannot copy a row");
      free(what);
      goto done;
    }
    t->rows++;
  }
  if (rc != SQLITE_DONE) {
    err = fail_from(from, to, rc, "cannot read a table");
    goto done;
  }
  crypto_generichash_final(&h, t->sum, sizeof t->sum);
  if (copying) {
    rc = data.len ? baton__sql_copy_put(to->sql, data.data, data.len)
                  : SQLITE_OK;
    copying = 0;
    if (rc == SQLITE_OK)
      rc = baton__sql_copy_end(to->sql, NULL);
    else
      baton__sql_copy_end(to->sql, "baton: the copy failed");
    if (rc != SQLITE_OK) {
      char *what = baton__asprintf("cannot copy table '%s'", t->name);
      err = fail_to(to, rc, what ? what : "cannot copy a table");
      free(what);
    }
  }

done:
  if (copying) /* ended early: the server drops what it was sent */
    baton__sql_copy_end(to->sql, "baton: the copy failed");
  baton__sql_finalize(rd);
  baton__sql_finalize(wr);
  free(sel);
  free(ins);
  baton__buf_free(&data);
  return err;
}

/* Reads t back from `to` and compares its count and checksum with from's. */
static int verify(baton_store_t *to, const table_t *t) {
  char *sel = select_sql(to, t, t->to_schema);
  if (sel == NULL)
    return oom(to);
  baton__sql_stmt_t *rd;
  int rc = baton__sql_prepare(to->sql, sel, &rd);
  free(sel);
  if (rc != SQLITE_OK)
    return fail_to(to, rc, "cannot read a table back");
  crypto_generichash_state h;
  hash_begin(&h, t);
  long long rows = 0;
  while ((rc = baton__sql_step(rd)) == SQLITE_ROW) {
    for (size_t c = 0; c < t->ncols; c++)
      hash_value(&h, rd, (int)c);
    crypto_generichash_update(&h, (const unsigned char *)"\n", 1);
    rows++;
  }
  baton__sql_finalize(rd);
  if (rc != SQLITE_DONE)
    return fail_to(to, rc, "cannot read a table back");
  unsigned char sum[BATON_COPY_CHECKSUM_SIZE];
  crypto_generichash_final(&h, sum, sizeof sum);
  if (rows != t->rows || sodium_memcmp(sum, t->sum, sizeof sum) != 0)
    return baton__store_fail(
        to, BATON_ESTORE,
        "TO %s: table '%s' does not read back as it was copied (FROM has "
        "%lld row%s, TO %lld%s): the copy was rolled back and TO is as it "
        "was; check TO's engine and disk, then run the copy again",
        baton_store_path(to), t->name, t->rows, t->rows == 1 ? "" : "s", rows,
        rows == t->rows ? ", with other values" : "");
  return 0;
}

/* PostgreSQL: the sequence of t's identity (or serial) column `c`, if it
 * has one, goes on after the largest copied id, so a new row does not take
 * an id already used. */
static int advance_sequence(baton_store_t *to, const table_t *t, size_t c,
                            const char *q) {
  baton__sql_stmt_t *st;
  int rc =
      baton__sql_prepare(to->sql, "SELECT pg_get_serial_sequence(?, ?)", &st);
  if (rc != SQLITE_OK)
    return fail_to(to, rc, "cannot find an id sequence");
  baton__sql_bind_text(st, 1, q, -1);
  baton__sql_bind_text(st, 2, t->names[c], -1);
  rc = baton__sql_step(st);
  char *seq = rc == SQLITE_ROW && baton__col_text(st, 0)
                  ? baton__strdup(baton__col_text(st, 0))
                  : NULL;
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW)
    return fail_to(to, rc, "cannot find an id sequence");
  if (seq == NULL)
    return 0; /* no sequence (or no memory: then the next insert says so) */
  /* ALTER SEQUENCE ... RESTART, not setval(): setval is not undone by a
   * rollback, and a failed copy must leave TO's sequences as they were. */
  char *sql =
      baton__asprintf("SELECT coalesce(max(%s), 0) FROM %s", t->cols[c], q);
  long long top = 0;
  rc = sql ? baton__sql_prepare(to->sql, sql, &st) : SQLITE_NOMEM;
  free(sql);
  if (rc == SQLITE_OK) {
    rc = baton__sql_step(st);
    top = baton__sql_column_int64(st, 0);
    baton__sql_finalize(st);
  }
  if (rc == SQLITE_ROW) {
    /* After the largest id; at INT64_MAX only the next insert fails. */
    sql = baton__asprintf("ALTER SEQUENCE %s RESTART WITH %lld", seq,
                          top < 1            ? 1
                          : top == LLONG_MAX ? top
                                             : top + 1);
    rc = sql == NULL ? SQLITE_NOMEM : baton__sql_exec(to->sql, sql);
    rc = rc == SQLITE_OK ? SQLITE_ROW : rc;
    free(sql);
  }
  free(seq);
  if (rc != SQLITE_ROW)
    return fail_to(to, rc, "cannot move an id sequence past the copied ids");
  return 0;
}

static int advance_sequences(baton_store_t *to, const table_t *t) {
  if (!PG(to))
    return 0;
  char *q = qualified(t->to_schema, t->name);
  if (q == NULL)
    return oom(to);
  int err = 0;
  for (size_t c = 0; c < t->ncols && err == 0; c++)
    if (t->pk[c] > 0 && !t->text[c])
      err = advance_sequence(to, t, c, q);
  free(q);
  return err;
}

/* The copy, and with replace the replacement (baton__store_replace). */
static int copy_into(baton_store_t *from, baton_store_t *to, baton_copy_cb cb,
                     void *ud, int replace, baton_replace_cb may, void *may_ud,
                     int (*tamper)(baton_store_t *to, void *ud),
                     void *tamper_ud) {
  int err = baton__sodium_ready(to);
  if (err != 0)
    return err;
  if (replace && !PG(to))
    return baton__store_fail(
        to, BATON_EINVAL,
        "TO %s is a file: a file's database is replaced with `baton "
        "restore` (baton_store_restore); nothing was written",
        baton_store_path(to));
  if (baton_store_schema_version(from) != baton_store_schema_version(to))
    return baton__store_fail(
        to, BATON_EVERSION,
        "FROM %s is at schema version %d and TO %s at %d: open both with "
        "the same baton first; nothing was written",
        baton_store_path(from), baton_store_schema_version(from),
        baton_store_path(to), baton_store_schema_version(to));
  tables_t ft = {0}, tt = {0};
  int rc;
  /* One snapshot of `from`: what a serve writes meanwhile is not half in. */
  if ((rc = baton__sql_exec(from->sql,
                            PG(from) ? "BEGIN ISOLATION LEVEL REPEATABLE READ "
                                       "READ ONLY"
                                     : "BEGIN")) != SQLITE_OK)
    return fail_from(from, to, rc, "cannot start reading");
  if ((err = baton__store_begin(to)) != 0) {
    fail_as_to(to, err, "cannot start a write");
    goto end_from;
  }
  /* SQLite checks foreign keys at the commit, so the order of the tables
   * (and of rows referring to rows of the same table) does not matter. */
  if (!PG(to) &&
      (rc = baton__sql_exec(to->sql, "PRAGMA defer_foreign_keys = ON")) !=
          SQLITE_OK) {
    err = fail_to(to, rc, "cannot defer foreign keys");
    goto rollback;
  }
  if ((rc = list_tables(from, &ft)) != SQLITE_OK) {
    err = rc == SQLITE_NOMEM ? oom(to)
                             : fail_from(from, to, rc, "cannot list tables");
    goto rollback;
  }
  if ((rc = find_plugins(from, to, &ft)) != SQLITE_OK) {
    err = rc == SQLITE_NOMEM ? oom(to)
                             : fail_from(from, to, rc, "cannot read plugins");
    goto rollback;
  }
  if (order_by_references(from, &ft) != 0) {
    err = fail_from(from, to, SQLITE_ERROR, "cannot read foreign keys");
    goto rollback;
  }
  if ((rc = list_tables(to, &tt)) != SQLITE_OK) {
    err = rc == SQLITE_NOMEM ? oom(to) : fail_to(to, rc, "cannot list tables");
    goto rollback;
  }
  if (replace && (err = check_empty(to, &tt)) == BATON_EEXIST) {
    /* It holds something: asked first, then emptied, in the transaction. */
    if ((may != NULL && (err = may(to, may_ud)) != 0) ||
        (err = empty_to(to, &tt)) != 0)
      goto rollback;
    tables_free(&tt);
    memset(&tt, 0, sizeof tt);
    if ((rc = list_tables(to, &tt)) != SQLITE_OK) {
      err =
          rc == SQLITE_NOMEM ? oom(to) : fail_to(to, rc, "cannot list tables");
      goto rollback;
    }
  }
  if ((err = check_empty(to, &tt)) != 0)
    goto rollback;
  if ((rc = baton__sql_exec(to->sql, "DELETE FROM schema_version")) !=
      SQLITE_OK) {
    err = fail_to(to, rc, "cannot clear schema_version");
    goto rollback;
  }
  /* Every table first: a table's rows may refer to one later in order. */
  for (size_t i = 0; i < ft.n; i++) {
    table_t *t = &ft.t[i];
    /* A table in a plugin's schema is that plugin's, whatever its name. */
    t->create = find_table(&tt, t->name) == NULL ||
                (t->plugin != NULL && t->schema != NULL &&
                 strncmp(t->schema, "plugin_", 7) == 0);
    if (made_by_copy(t) && (err = create_table(from, to, t)) != 0)
      goto rollback;
  }
  for (size_t i = 0; i < ft.n; i++) {
    table_t *t = &ft.t[i];
    if ((rc = list_columns(from, t, t->schema)) != SQLITE_OK) {
      err = rc == SQLITE_NOMEM ? oom(to)
                               : fail_from(from, to, rc, "cannot list columns");
      goto rollback;
    }
    table_t there = {.name = t->name};
    rc = list_columns(to, &there, t->to_schema);
    err = rc == SQLITE_OK      ? check_columns(to, t, &there)
          : rc == SQLITE_NOMEM ? oom(to)
                               : fail_to(to, rc, "cannot list columns");
    columns_free(&there);
    if (err != 0)
      goto rollback;
    if ((err = copy_rows(from, to, t)) != 0 ||
        (err = advance_sequences(to, t)) != 0)
      goto rollback;
  }
  if (tamper != NULL && (err = tamper(to, tamper_ud)) != 0)
    goto rollback;
  for (size_t i = 0; i < ft.n; i++)
    if ((err = verify(to, &ft.t[i])) != 0)
      goto rollback;
  if ((err = baton__store_commit(to)) != 0) {
    fail_as_to(to, err, "cannot commit");
    goto end_from;
  }
  baton__sql_exec(from->sql, "ROLLBACK");
  for (size_t i = 0; cb != NULL && i < ft.n; i++) {
    baton_copy_table_t r = {.table = ft.t[i].name,
                            .rows = ft.t[i].rows,
                            .created = made_by_copy(&ft.t[i])};
    memcpy(r.checksum, ft.t[i].sum, sizeof r.checksum);
    if ((err = cb(&r, ud)) != 0)
      break;
  }
  tables_free(&ft);
  tables_free(&tt);
  return err;

rollback:
  baton__store_rollback(to);
end_from:
  if (baton__sql_in_transaction(from->sql))
    baton__sql_exec(from->sql, "ROLLBACK");
  tables_free(&ft);
  tables_free(&tt);
  return err;
}

int baton__store_copy(baton_store_t *from, baton_store_t *to, baton_copy_cb cb,
                      void *ud, int (*tamper)(baton_store_t *to, void *ud),
                      void *tamper_ud) {
  return copy_into(from, to, cb, ud, 0, NULL, NULL, tamper, tamper_ud);
}

int baton__store_replace(baton_store_t *from, baton_store_t *to,
                         baton_replace_cb may, void *may_ud,
                         int (*tamper)(baton_store_t *to, void *ud),
                         void *tamper_ud) {
  return copy_into(from, to, NULL, NULL, 1, may, may_ud, tamper, tamper_ud);
}

int baton_store_copy(baton_store_t *from, baton_store_t *to, baton_copy_cb cb,
                     void *ud) {
  return baton__store_copy(from, to, cb, ud, NULL, NULL);
}

int baton_store_replace(baton_store_t *from, baton_store_t *to,
                        baton_replace_cb may, void *ud) {
  return baton__store_replace(from, to, may, ud, NULL, NULL);
}
