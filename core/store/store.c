/* core/store/store.c: the SQLite database: opening, migrations, the authorizer
 * that keeps plugins to their own tables, people/group/event queries, and
 * backup and restore.
 *
 * One connection per host, opened on first use. Every write happens inside
 * an explicit transaction started with BEGIN IMMEDIATE, so a second baton
 * waits (busy timeout) at the start of its write instead of failing half way
 * through it, and a kill at any moment leaves the old content or the new. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_int.h"

#define BATON_STR_(x) #x
#define BATON_STR(x) BATON_STR_(x)

/* Core migrations: entry i brings the schema from version i to i+1. They are
 * applied in order, each in its own transaction with its row in
 * schema_version, so each runs exactly once. Never edit a released entry;
 * append a new one and raise BATON_STORE_SCHEMA_VERSION. */
static const char *const core_migrations[BATON_STORE_SCHEMA_VERSION] = {
    /* 1: the core tables. */
    "CREATE TABLE people ("
    "  id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  email TEXT, role TEXT, department TEXT, campus TEXT,"
    "  subjects TEXT, grades TEXT, languages TEXT,"
    "  start_date TEXT,"
    "  manager_id TEXT REFERENCES people(id) DEFERRABLE INITIALLY DEFERRED,"
    "  attrs TEXT NOT NULL DEFAULT '{}',"
    "  active INTEGER NOT NULL DEFAULT 1"
    ") WITHOUT ROWID;"
    "CREATE TABLE groups ("
    "  name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),"
    "  kind TEXT NOT NULL"
    ");"
    "CREATE TABLE memberships ("
    "  group_name TEXT NOT NULL REFERENCES groups(name) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL REFERENCES people(id),"
    "  role_in_group TEXT,"
    "  PRIMARY KEY (group_name, person_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
    "  actor TEXT, plugin TEXT,"
    "  kind TEXT NOT NULL,"
    "  subject TEXT,"
    "  data TEXT"
    ");",
    /* 2: the event log becomes append-only; indexes for the common
     * questions (a person's groups, a subject's history). people.manager_id
     * has no index on purpose: it would cost a B-tree write per imported
     * person, and SQLite needs it only to find the reports of a person
     * deleted or renumbered (never done) or inserted while a deferred
     * manager check is pending (the import inserts managers first, see
     * core/store/import.c). */
    "CREATE INDEX memberships_person ON memberships(person_id);"
    "CREATE INDEX events_kind_at ON events(kind, at);"
    "CREATE INDEX events_subject ON events(subject);"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'the event log is append-only');"
    "END;"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'the event log is append-only');"
    "END;",
    /* 3: the file says it is baton's, so a later open can tell a baton
     * database from another program's before changing anything. */
    "PRAGMA application_id = " BATON_STR(BATON_APPLICATION_ID) ";",
    /* 4: the school calendar (terms and the closures in and between them)
     * and plugins' settings. Named baton_*: no plugin may read or write
     * them through SQL (the authorizer refuses the prefix); plugins use
     * baton.terms and baton.settings. */
    "CREATE TABLE baton_terms ("
    "  kind TEXT NOT NULL CHECK (kind IN ('term', 'closure')),"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  start_date TEXT NOT NULL, end_date TEXT NOT NULL,"
    "  CHECK (start_date <= end_date),"
    "  PRIMARY KEY (kind, name, start_date)"
    ") WITHOUT ROWID;"
    "CREATE UNIQUE INDEX baton_terms_one_name ON baton_terms(name)"
    "  WHERE kind = 'term';"
    "CREATE TABLE baton_settings ("
    "  plugin TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY (plugin, key)"
    ") WITHOUT ROWID;",
    /* 5: accounts (core/store/users.c): who may sign in and with what
     * role, one-time invitations and browser sessions. Tokens and session
     * ids are kept only as their BLAKE2b hash, passphrases only as argon2id
     * strings; times are Unix seconds. baton_* names: no plugin reads them
     * through SQL. */
    "CREATE TABLE baton_users ("
    "  person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id),"
    "  role TEXT NOT NULL"
    "    CHECK (role IN ('coordinator', 'staff', 'viewer')),"
    "  passphrase TEXT CHECK (passphrase IS NULL OR"
    "    substr(passphrase, 1, 10) = '$argon2id$'),"
    "  created INTEGER NOT NULL,"
    "  revoked INTEGER"
    ") WITHOUT ROWID;"
    "CREATE TABLE baton_invitations ("
    "  token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),"
    "  person_id TEXT NOT NULL REFERENCES baton_users(person_id),"
    "  role TEXT NOT NULL"
    "    CHECK (role IN ('coordinator', 'staff', 'viewer')),"
    "  created INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  used INTEGER"
    ") WITHOUT ROWID;"
    "CREATE INDEX baton_invitations_person ON baton_invitations(person_id);"
    "CREATE TABLE baton_sessions ("
    "  id_hash BLOB PRIMARY KEY NOT NULL CHECK (length(id_hash) = 32),"
    "  person_id TEXT NOT NULL REFERENCES baton_users(person_id),"
    "  csrf TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX baton_sessions_person ON baton_sessions(person_id);",
    /* 6: API tokens (core/store/api_tokens.c): a script acts as a person,
     * with the role of their account. Kept only as the BLAKE2b hash; a
     * label names each among its person's tokens while it is in use;
     * revoked ones stay, for the record. */
    "CREATE TABLE baton_api_tokens ("
    "  token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),"
    "  person_id TEXT NOT NULL REFERENCES baton_users(person_id),"
    "  label TEXT NOT NULL CHECK (label <> ''),"
    "  created INTEGER NOT NULL,"
    "  last_used INTEGER,"
    "  revoked INTEGER"
    ") WITHOUT ROWID;"
    "CREATE UNIQUE INDEX baton_api_tokens_label ON"
    "  baton_api_tokens(person_id, label) WHERE revoked IS NULL;",
    /* 7: schools (core/store/schools.c): people and groups belong to a
     * school ('' is the one school of a single-school database); an
     * account's role holds in its school, or in every school with the
     * district flag. Plain SQL valid on SQLite and PostgreSQL alike. */
    "ALTER TABLE people ADD COLUMN school TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE groups ADD COLUMN school TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE baton_users ADD COLUMN school TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE baton_users ADD COLUMN district BIGINT NOT NULL DEFAULT 0;"
    "CREATE INDEX people_school ON people(school);",
};

#define CORE_COMPONENT "baton"

static const char *const core_tables[] = {"people", "groups", "memberships",
                                          "events"};

/* ---- errors -------------------------------------------------------------- */

/* Maps an SQLite result code to a BATON_E* code. */
static int from_sqlite(int rc) {
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_DONE:
  case SQLITE_ROW:
    return 0;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return BATON_EBUSY;
  case SQLITE_READONLY:
    return BATON_EREADONLY;
  case SQLITE_FULL:
    return BATON_EFULL;
  case SQLITE_NOMEM:
    return BATON_ENOMEM;
  case SQLITE_IOERR:
    return BATON_EIO;
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    return BATON_EPERM;
  default:
    return BATON_ESTORE;
  }
}

/* What to do about a failure of this kind; "" when there is nothing
 * better to say than SQLite's own message. */
static const char *fix_for(int err) {
  switch (err) {
  case BATON_EBUSY:
    return "; another baton is writing to it: wait for it to finish and retry";
  case BATON_EREADONLY:
    return "; the file or its directory is read-only: make it writable or "
           "choose another file with --db";
  case BATON_EFULL:
    return "; the disk is full: free some space and retry (nothing was "
           "written)";
  case BATON_EPERM:
    return "; check that the directory exists and that you may write there, "
           "or choose another file with --db";
  case BATON_EIO:
    return "; the disk reported an error: check it, then restore from a "
           "backup if the problem stays";
  default:
    return "";
  }
}

int baton__store_fail(baton_store_t *s, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = baton__vasprintf(fmt, ap);
  va_end(ap);
  free(s->err);
  s->err = msg;
  return err;
}

/* Forgets why the authorizer refused a statement of the core's, so the
 * sentence cannot be taken for the cause of a later failure. */
static void clear_core_refusal(baton_store_t *s) {
  if (s->auth_plugin == NULL) {
    free(s->auth_err);
    s->auth_err = NULL;
  }
}

int baton__store_fail_sqlite(baton_store_t *s, int rc, const char *what) {
  int err = from_sqlite(rc);
  if (err == 0)
    err = BATON_ESTORE;
  if (s->auth_err != NULL) { /* the authorizer's sentence says it all */
    err = baton__store_fail(s, BATON_EPERM, "%s: %s", what, s->auth_err);
    if (s->auth_plugin == NULL) /* a refusal of the core's own SQL */
      clear_core_refusal(s);
    return err;
  }
  if ((rc & 0xff) == SQLITE_NOTADB)
    return baton__store_fail(s, err,
                             "%s is not a database (is it another kind of "
                             "file?): choose baton's database with --db or "
                             "BATON_DB",
                             s->path);
  if ((rc & 0xff) == SQLITE_CORRUPT)
    return baton__store_fail(s, err,
                             "%s: %s: the database is damaged (%s); restore "
                             "a backup with `baton restore FILE`",
                             s->path, what, baton__sql_errmsg(s->sql));
  return baton__store_fail(s, err, "%s: %s: %s%s", s->path, what,
                           baton__sql_errmsg(s->sql), fix_for(err));
}

const char *baton_store_last_error(const baton_store_t *s) {
  return s && s->err ? s->err : "";
}

const char *baton_store_path(const baton_store_t *s) { return s->path; }

/* ---- small helpers ------------------------------------------------------- */

int baton__store_exec(baton_store_t *s, const char *sql, const char *what) {
  clear_core_refusal(s);
  int rc = baton__sql_exec(s->sql, sql);
  if (rc != SQLITE_OK)
    return baton__store_fail_sqlite(s, rc, what);
  return 0;
}

int baton__store_prepare(baton_store_t *s, const char *sql, baton__sql_stmt_t **st) {
  clear_core_refusal(s);
  int rc = baton__sql_prepare(s->sql, sql, st);
  if (rc != SQLITE_OK) {
    return baton__store_fail_sqlite(s, rc, "cannot prepare a query");
  }
  return 0;
}

int baton__store_begin(baton_store_t *s) {
  return baton__store_exec(s, "BEGIN IMMEDIATE", "cannot start a write");
}

int baton__store_commit(baton_store_t *s) {
  int err = baton__store_exec(s, "COMMIT", "cannot commit");
  if (err != 0)
    baton__store_rollback(s);
  return err;
}

void baton__store_rollback(baton_store_t *s) {
  if (baton__sql_in_transaction(s->sql))
    baton__sql_exec(s->sql, "ROLLBACK");
}

const char *baton__col_text(baton__sql_stmt_t *st, int i) {
  return (const char *)baton__sql_column_text(st, i);
}

void baton__bind_text(baton__sql_stmt_t *st, int i, const char *v) {
  if (v != NULL && *v != '\0')
    baton__sql_bind_text(st, i, v, -1);
  else
    baton__sql_bind_null(st, i);
}

sqlite3 *baton__store_db(baton_store_t *s) { return s->db; }

/* ---- the authorizer ------------------------------------------------------ */

int baton__store_is_core_table(const char *t) {
  for (size_t i = 0; i < sizeof core_tables / sizeof *core_tables; i++)
    if (sqlite3_stricmp(t, core_tables[i]) == 0)
      return 1;
  return 0;
}

/* Names that belong to no plugin whatever its name: the core's
 * bookkeeping (schema_version), SQLite's own (sqlite_...) and the prefix
 * kept for core tables to come (baton_...). A plugin called "schema" must
 * not own schema_version because of its name. */
static int is_reserved_name(const char *name) {
  return sqlite3_stricmp(name, "schema_version") == 0 ||
         sqlite3_strnicmp(name, "sqlite_", 7) == 0 ||
         sqlite3_strnicmp(name, "baton_", 6) == 0 ||
         baton__store_is_core_table(name);
}

/* A table belongs to plugin p when named "p_..." (case-insensitive, as
 * SQLite compares names) and is not reserved. */
static int owns(const char *plugin, const char *name) {
  size_t n = strlen(plugin);
  return name != NULL && sqlite3_strnicmp(name, plugin, (int)n) == 0 &&
         name[n] == '_' && name[n + 1] != '\0' && !is_reserved_name(name);
}

/* An index SQLite makes by itself for UNIQUE or PRIMARY KEY is named
 * sqlite_autoindex_TABLE_N: it belongs to whoever owns TABLE. */
static int owns_index(const char *plugin, const char *name) {
  static const char autoindex[] = "sqlite_autoindex_";
  if (name != NULL &&
      sqlite3_strnicmp(name, autoindex, (int)sizeof autoindex - 1) == 0)
    return owns(plugin, name + sizeof autoindex - 1);
  return owns(plugin, name);
}

static int is_schema_table(const char *t) {
  return t != NULL && (sqlite3_stricmp(t, "sqlite_master") == 0 ||
                       sqlite3_stricmp(t, "sqlite_schema") == 0);
}

/* Whether `name` is a view or trigger found in the schema at open that
 * the core did not make (one a plugin made under an older baton). */
static int is_foreign_object(const baton_store_t *s, const char *name) {
  for (size_t i = 0; i < s->nforeign; i++)
    if (sqlite3_stricmp(s->foreign[i], name) == 0)
      return 1;
  return 0;
}

static int refuse(baton_store_t *s, const char *fmt, ...) BATON_PRINTF(2, 3);
static int refuse(baton_store_t *s, const char *fmt, ...) {
  if (s->auth_err == NULL) {
    va_list ap;
    va_start(ap, fmt);
    s->auth_err = baton__vasprintf(fmt, ap);
    va_end(ap);
  }
  return SQLITE_DENY;
}

/* The authorizer: one rule for every statement, whatever construct an
 * access comes through.
 *
 * While a plugin's SQL is prepared (s->auth_plugin set), it may read the
 * core tables and its own tables, and write, create, alter and drop only
 * its own tables and their indexes. It may not create views or triggers
 * (nothing a plugin makes runs inside anyone else's statement), temporary
 * objects, or run PRAGMA, ATTACH or transactions. Each access is checked
 * against the plugin running the statement even when it comes from inside
 * a view, trigger or CTE (`ctx`): SQLite expands those into the statement
 * when it is prepared, so their body is checked as if written in it.
 *
 * Core SQL (no plugin) is not restricted, except that it never runs a
 * view or trigger the core did not make (one left by an older baton):
 * such an object would act with the host's powers.
 *
 * A refusal keeps a sentence naming the table and the rule in
 * s->auth_err. */
static int authorize(void *ud, int action, const char *a1, const char *a2,
                     const char *db, const char *ctx) {
  baton_store_t *s = ud;
  const char *p = s->auth_plugin;
  if (p == NULL) {
    if (ctx != NULL && is_foreign_object(s, ctx))
      return refuse(s,
                    "'%s' in %s was not made by baton's core (a plugin "
                    "of an older baton made it): baton does not run it; "
                    "drop it with the sqlite3 program, or restore a backup",
                    ctx, s->path);
    return SQLITE_OK;
  }
  const char *rule = "a plugin reads the core tables (people, groups, "
                     "memberships, events) and its own tables, and writes "
                     "only its own tables, whose names start with";
  if (db != NULL && strcmp(db, "main") != 0)
    return refuse(s, "plugin '%s' may not use database '%s': %s '%s_'", p, db,
                  rule, p);
  switch (action) {
  case SQLITE_SELECT:
  case SQLITE_FUNCTION:
  case SQLITE_RECURSIVE:
    return SQLITE_OK;
  case SQLITE_READ:
    /* A read with no database is of a CTE or subquery by its name: its
     * rows come from tables whose reads were checked themselves. SQLite
     * reads sqlite_schema itself for CREATE and ALTER; the schema holds
     * table definitions, not people's data. */
    if (db == NULL || baton__store_is_core_table(a1) || owns(p, a1) ||
        is_schema_table(a1))
      return SQLITE_OK;
    if (sqlite3_strnicmp(a1, "baton_", 6) == 0)
      return refuse(s, "plugin '%s' may not read table '%s'%s%s%s: baton_* "
                    "tables are baton's own (the school calendar, plugins' "
                    "settings, accounts); read them with baton.terms and "
                    "baton.settings", p, a1, ctx ? " (through " : "",
                    ctx ? ctx : "", ctx ? ")" : "");
    return refuse(s, "plugin '%s' may not read table '%s'%s%s%s: %s '%s_'", p,
                  a1, ctx ? " (through " : "", ctx ? ctx : "", ctx ? ")" : "",
                  rule, p);
  case SQLITE_INSERT:
  case SQLITE_UPDATE:
  case SQLITE_DELETE:
    if (owns(p, a1))
      return SQLITE_OK;
    /* CREATE, ALTER and DROP of the plugin's own table write the schema
     * (checked above as the schema change itself); SQLite's defensive
     * mode refuses any other write to it. */
    if (is_schema_table(a1) && ctx == NULL)
      return SQLITE_OK;
    if (baton__store_is_core_table(a1))
      return refuse(s,
                    "plugin '%s' may not change core table '%s': the core "
                    "tables are read-only to plugins (write history with "
                    "baton.events.log)",
                    p, a1);
    return refuse(s, "plugin '%s' may not write table '%s': %s '%s_'", p, a1,
                  rule, p);
  case SQLITE_CREATE_TABLE:
  case SQLITE_DROP_TABLE:
  case SQLITE_ALTER_TABLE:
    /* ALTER TABLE passes the database in a1 and the table in a2. */
    if (owns(p, action == SQLITE_ALTER_TABLE ? a2 : a1))
      return SQLITE_OK;
    return refuse(s, "plugin '%s' may not create, alter or drop '%s': %s '%s_'",
                  p, action == SQLITE_ALTER_TABLE ? a2 : a1, rule, p);
  case SQLITE_CREATE_INDEX:
  case SQLITE_DROP_INDEX:
    if (owns_index(p, a1) && owns(p, a2))
      return SQLITE_OK;
    return refuse(s,
                  "plugin '%s' may not create or drop index '%s' on table "
                  "'%s': indexes must be named '%s_...' and be on the "
                  "plugin's own tables",
                  p, a1, a2, p);
  case SQLITE_CREATE_VIEW:
  case SQLITE_CREATE_TRIGGER:
  case SQLITE_CREATE_TEMP_VIEW:
  case SQLITE_CREATE_TEMP_TRIGGER:
    return refuse(s,
                  "plugin '%s' may not create view or trigger '%s': their "
                  "SQL would run inside other statements; write the query "
                  "or the follow-up write in the plugin's code instead",
                  p, a1);
  case SQLITE_DROP_VIEW:
  case SQLITE_DROP_TRIGGER:
    /* Only to clean up what an older baton let the plugin make. */
    if (owns(p, a1) && (action == SQLITE_DROP_VIEW || owns(p, a2)))
      return SQLITE_OK;
    return refuse(s, "plugin '%s' may not drop '%s': only its own ('%s_...')",
                  p, a1, p);
  case SQLITE_REINDEX: /* CREATE INDEX reindexes the new index */
  case SQLITE_ANALYZE:
    if (owns_index(p, a1))
      return SQLITE_OK;
    return refuse(s,
                  "plugin '%s' may not reindex or analyze '%s': only its "
                  "own tables and indexes ('%s_...')",
                  p, a1, p);
  case SQLITE_TRANSACTION:
  case SQLITE_SAVEPOINT:
    return refuse(s,
                  "plugin '%s' may not run BEGIN, COMMIT or SAVEPOINT itself: "
                  "use baton.store.transaction(fn)",
                  p);
  case SQLITE_PRAGMA:
    return refuse(s,
                  "plugin '%s' may not run PRAGMA %s: pragmas change the "
                  "whole database",
                  p, a1);
  case SQLITE_ATTACH:
  case SQLITE_DETACH:
    return refuse(s, "plugin '%s' may not attach or detach databases", p);
  default:
    return refuse(s,
                  "plugin '%s' may not run this statement (action %d): %s "
                  "'%s_'",
                  p, action, rule, p);
  }
}

/* SQLite's progress handler while a plugin's SQL runs, every 100 steps
 * (an atomic load each: nothing next to a step): asks the bounds' stop()
 * whether the plugin's call is being ended (time limit, memory,
 * Ctrl-C), so a slow query stops with it. */
static int progress(void *ud) {
  baton_store_t *s = ud;
  if (s->bounds.stop != NULL && s->bounds.stop(s->bounds.ud)) {
    s->stopped = 1;
    return 1;
  }
  return 0;
}

void baton__store_auth_begin(baton_store_t *s, const char *plugin,
                             const baton_store_bounds_t *b) {
  s->auth_plugin = plugin;
  free(s->auth_err);
  s->auth_err = NULL;
  s->stopped = 0;
  s->bounds = b ? *b : (baton_store_bounds_t){0};
  if (s->bounds.heap > 0) {
    sqlite3_int64 used = sqlite3_memory_used();
    s->saved_soft = sqlite3_soft_heap_limit64(-1);
    s->saved_hard = sqlite3_hard_heap_limit64(-1);
    sqlite3_hard_heap_limit64(used + (long long)s->bounds.heap);
  }
  if (s->bounds.max_length > 0)
    s->saved_length =
        sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, (int)s->bounds.max_length);
  if (s->bounds.stop != NULL)
    sqlite3_progress_handler(s->db, 100, progress, s);
}

void baton__store_auth_end(baton_store_t *s) {
  if (s->bounds.heap > 0) {
    sqlite3_hard_heap_limit64(s->saved_hard);
    sqlite3_soft_heap_limit64(s->saved_soft);
  }
  if (s->bounds.max_length > 0)
    sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, s->saved_length);
  if (s->bounds.stop != NULL)
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
  s->bounds = (baton_store_bounds_t){0};
  s->auth_plugin = NULL;
  free(s->auth_err);
  s->auth_err = NULL;
}

int baton__store_auth_stopped(const baton_store_t *s) { return s->stopped; }

/* ---- migrations ---------------------------------------------------------- */

/* The highest version applied for component, or 0. -1 on error. */
static int applied_version(baton_store_t *s, const char *component) {
  baton__sql_stmt_t *st;
  if (baton__store_prepare(s,
                           "SELECT coalesce(max(version), 0) FROM "
                           "schema_version WHERE component = ?",
                           &st) != 0)
    return -1;
  baton__sql_bind_text(st, 1, component, -1);
  int v = -1;
  int rc = baton__sql_step(st);
  if (rc == SQLITE_ROW)
    v = (int)baton__sql_column_int64(st, 0);
  else
    baton__store_fail_sqlite(s, rc, "cannot read schema_version");
  baton__sql_finalize(st);
  return v;
}

int baton__store_migrate(baton_store_t *s, const char *component,
                         const char *plugin, const baton_store_bounds_t *b,
                         const char *const *steps, int nsteps, int upto) {
  int err = baton__store_exec(
      s,
      "CREATE TABLE IF NOT EXISTS schema_version ("
      "  component TEXT NOT NULL, version INTEGER NOT NULL,"
      "  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', "
      "'now')),"
      "  PRIMARY KEY (component, version))",
      "cannot create schema_version");
  if (err != 0)
    return err;
  for (;;) {
    /* Up to date, as on every command but the first: nothing to write, so
     * no write transaction, and none to roll back. A ROLLBACK can fail
     * (out of memory) and leave the transaction open; every later write
     * of the process then vanished at close, with success reported. */
    int v = applied_version(s, component);
    if (v < 0)
      return BATON_ESTORE;
    if (v >= upto && v <= nsteps) {
      if (plugin == NULL)
        s->version = v;
      return 0;
    }
    /* Read again inside the write transaction, so two processes opening
     * a new database at once cannot both apply a step. */
    if ((err = baton__store_begin(s)) != 0)
      return err;
    v = applied_version(s, component);
    if (v < 0) {
      err = BATON_ESTORE;
      goto fail_rollback;
    }
    if (v > nsteps) {
      err = plugin == NULL
                ? baton__store_fail(
                      s, BATON_EVERSION,
                      "%s was written by a newer baton (schema version %d; "
                      "this baton knows up to %d): upgrade baton, or use "
                      "another file with --db",
                      s->path, v, nsteps)
                : baton__store_fail(
                      s, BATON_EVERSION,
                      "%s: plugin '%s' has migration %d applied but declares "
                      "only %d: a newer version of the plugin used this "
                      "database; install that version",
                      s->path, plugin, v, nsteps);
      goto fail_rollback;
    }
    if (v >= upto) {
      baton__store_rollback(s);
      if (plugin == NULL)
        s->version = v;
      return 0;
    }
    if (plugin != NULL)
      baton__store_auth_begin(s, plugin, b);
    int rc = baton__sql_exec(s->sql, steps[v]);
    if (rc != SQLITE_OK) {
      char *what = baton__asprintf("migration %d of %s failed", v + 1,
                                   plugin ? plugin : "the core schema");
      err = baton__store_fail_sqlite(s, rc, what ? what : "migration failed");
      free(what);
      if (plugin != NULL)
        baton__store_auth_end(s);
      goto fail_rollback;
    }
    if (plugin != NULL)
      baton__store_auth_end(s);
    baton__sql_stmt_t *st;
    if ((err = baton__store_prepare(
             s, "INSERT INTO schema_version(component, version) VALUES (?, ?)",
             &st)) != 0)
      goto fail_rollback;
    baton__sql_bind_text(st, 1, component, -1);
    baton__sql_bind_int64(st, 2, v + 1);
    rc = baton__sql_step(st);
    baton__sql_finalize(st);
    if (rc != SQLITE_DONE) {
      err = baton__store_fail_sqlite(s, rc, "cannot record a migration");
      goto fail_rollback;
    }
    if ((err = baton__store_commit(s)) != 0)
      return err;
  }

fail_rollback:
  baton__store_rollback(s);
  return err;
}

int baton_store_schema_version(baton_store_t *s) { return s->version; }

/* ---- open and close ------------------------------------------------------ */

/* The busy timeout: how long a write waits for another baton. */
static int busy_timeout_ms(void) {
  const char *e = getenv("BATON_BUSY_TIMEOUT_MS");
  if (e != NULL && *e != '\0') {
    long v = strtol(e, NULL, 10);
    if (v >= 0 && v < 600000)
      return (int)v;
  }
  return 5000;
}

/* Makes sure the file at s->path is baton's before anything writes to
 * it: a new or empty file, a file whose application_id is baton's, or a
 * file of an earlier baton (schema_version has the core's rows; migration
 * 3 stamps it). Another program's SQLite file is refused untouched,
 * naming a few of its tables. Returns 0 or an error code. */
static int check_ours(baton_store_t *s) {
  baton__sql_stmt_t *st;
  int err;
  if ((err = baton__store_prepare(s, "PRAGMA application_id", &st)) != 0)
    return err;
  int rc = baton__sql_step(st);
  long long app = rc == SQLITE_ROW ? baton__sql_column_int64(st, 0) : 0;
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW)
    return baton__store_fail_sqlite(s, rc, "cannot read the database");
  if (app == BATON_APPLICATION_ID)
    return 0;
  if ((err = baton__store_prepare(
           s,
           "SELECT (SELECT count(*) FROM sqlite_schema),"
           " (SELECT group_concat(name, ', ') FROM (SELECT name FROM"
           "  sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 5)),"
           " (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND"
           "  name = 'schema_version' AND sql LIKE '%component%')",
           &st)) != 0)
    return err;
  rc = baton__sql_step(st);
  long long objects = baton__sql_column_int64(st, 0);
  char *tables =
      baton__strdup(baton__col_text(st, 1) ? baton__col_text(st, 1) : "");
  int has_versions = (int)baton__sql_column_int64(st, 2) > 0;
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW) {
    free(tables);
    return baton__store_fail_sqlite(s, rc, "cannot read the database");
  }
  int core = 0;
  if (app == 0 && has_versions) {
    if ((err = baton__store_prepare(s,
                                    "SELECT count(*) FROM schema_version "
                                    "WHERE component = '" CORE_COMPONENT "'",
                                    &st)) != 0) {
      free(tables);
      return err;
    }
    if (baton__sql_step(st) == SQLITE_ROW)
      core = (int)baton__sql_column_int64(st, 0) > 0;
    baton__sql_finalize(st);
  }
  if (app == 0 && (objects == 0 || core)) {
    free(tables);
    return 0;
  }
  err = baton__store_fail(
      s, BATON_EINVAL,
      "%s is an SQLite database of another program (application id %lld; "
      "tables %s): baton left it untouched; choose baton's database with "
      "--db or BATON_DB, or a new file name to start one",
      s->path, app, tables && *tables ? tables : "none");
  free(tables);
  return err;
}

/* Remembers the views and triggers the core did not make (a plugin made
 * them under an older baton): the authorizer refuses to run them inside
 * the core's own SQL. */
static int list_foreign(baton_store_t *s) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT name FROM sqlite_schema WHERE type IN ('view', 'trigger') "
      "AND name NOT IN ('events_no_update', 'events_no_delete')",
      &st);
  if (err != 0)
    return err;
  int rc;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    char **n = realloc(s->foreign, (s->nforeign + 1) * sizeof *n);
    char *name = n ? baton__strdup(baton__col_text(st, 0)) : NULL;
    if (n != NULL)
      s->foreign = n;
    if (name == NULL) {
      baton__sql_finalize(st);
      return baton__store_fail(s, BATON_ENOMEM, "out of memory");
    }
    s->foreign[s->nforeign++] = name;
  }
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot read the schema");
  return 0;
}

static void free_foreign(baton_store_t *s) {
  for (size_t i = 0; i < s->nforeign; i++)
    free(s->foreign[i]);
  free(s->foreign);
  s->foreign = NULL;
  s->nforeign = 0;
}

static int set_pragmas(baton_store_t *s) {
  int err;
  sqlite3_busy_timeout(s->db, busy_timeout_ms());
  if ((err = baton__store_exec(s, "PRAGMA foreign_keys = ON",
                               "cannot enable foreign keys")) != 0)
    return err;
  /* Reading journal_mode first avoids a write on an up-to-date file, so a
   * read-only database can still be listed. */
  baton__sql_stmt_t *st;
  if ((err = baton__store_prepare(s, "PRAGMA journal_mode", &st)) != 0)
    return err;
  int rc = baton__sql_step(st);
  int wal =
      rc == SQLITE_ROW && sqlite3_stricmp(baton__col_text(st, 0), "wal") == 0;
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW)
    return baton__store_fail_sqlite(s, rc, "cannot read the database");
  if (!wal && (err = baton__store_exec(s, "PRAGMA journal_mode = WAL",
                                       "cannot switch to WAL mode")) != 0)
    return err;
  /* A roster import touches every page of people once; a cache that holds
   * them all (64 MiB at most, allocated only as used) keeps SQLite from
   * spilling pages to the WAL and writing them again. */
  if ((err = baton__store_exec(s, "PRAGMA cache_size = -65536",
                               "cannot set the cache size")) != 0)
    return err;
  return baton__store_exec(s, "PRAGMA synchronous = NORMAL",
                           "cannot set synchronous mode");
}

int baton__store_open_version(baton_store_t **out, const char *path, int upto,
                              char **err) {
  *out = NULL;
  if (err)
    *err = NULL;
  baton_store_t *s = calloc(1, sizeof *s);
  if (s == NULL)
    return BATON_ENOMEM;
  s->path = baton__strdup(path);
  if (s->path == NULL) {
    free(s);
    return BATON_ENOMEM;
  }
  int rc = sqlite3_open_v2(
      path, &s->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  int e;
  if (s->db != NULL && (s->sql = baton__sql_wrap_sqlite(s->db)) == NULL) {
    sqlite3_close(s->db);
    s->db = NULL;
  }
  if (rc != SQLITE_OK || s->sql == NULL) {
    e = s->sql ? baton__store_fail_sqlite(s, rc, "cannot open the database")
               : BATON_ENOMEM;
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 0);
  /* SQLite's own hardening: no writes to the schema or shadow tables by
   * any trick, and no function with side effects inside a view or
   * trigger. */
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_set_authorizer(s->db, authorize, s);
  sqlite3_busy_timeout(s->db, busy_timeout_ms());
  if ((e = check_ours(s)) != 0 || (e = list_foreign(s)) != 0)
    goto fail;
  if ((e = set_pragmas(s)) != 0)
    goto fail;
  if ((e = baton__store_migrate(s, CORE_COMPONENT, NULL, NULL, core_migrations,
                                BATON_STORE_SCHEMA_VERSION, upto)) != 0)
    goto fail;
  *out = s;
  return 0;

fail:
  if (err)
    *err = s->err ? s->err : baton__strdup(baton_strerror(e));
  else
    free(s->err);
  s->err = NULL;
  free_foreign(s);
  baton__sql_close(s->sql);
  free(s->path);
  free(s);
  return e;
}

int baton_store_open(baton_store_t **out, const char *path, char **err) {
  return baton__store_open_version(out, path, BATON_STORE_SCHEMA_VERSION, err);
}

void baton_store_close(baton_store_t *s) {
  if (s == NULL)
    return;
  baton__sql_close(s->sql);
  free_foreign(s);
  free(s->auth_err);
  free(s->err);
  free(s->path);
  free(s);
}

/* ---- people -------------------------------------------------------------- */

#define PERSON_COLUMNS                                                         \
  "p.id, p.name, p.email, p.role, p.department, p.campus, p.subjects, "        \
  "p.grades, p.languages, p.start_date, p.manager_id, p.attrs, p.active"

/* Fills a person from a row selected with PERSON_COLUMNS first. */
static void person_from_row(baton__sql_stmt_t *st, baton_person_t *p) {
  memset(p, 0, sizeof *p);
  p->id = baton__col_text(st, 0);
  p->name = baton__col_text(st, 1);
  p->email = baton__col_text(st, 2);
  p->role = baton__col_text(st, 3);
  p->department = baton__col_text(st, 4);
  p->campus = baton__col_text(st, 5);
  p->subjects = baton__col_text(st, 6);
  p->grades = baton__col_text(st, 7);
  p->languages = baton__col_text(st, 8);
  p->start_date = baton__col_text(st, 9);
  p->manager_id = baton__col_text(st, 10);
  p->attrs = baton__col_text(st, 11);
  p->active = (int)baton__sql_column_int64(st, 12);
}

/* Steps st and calls cb per row. Returns 0, cb's value or an error. Always
 * finalizes st. */
static int each_person(baton_store_t *s, baton__sql_stmt_t *st, int with_role,
                       baton_person_cb cb, void *ud, size_t *count) {
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    baton_person_t p;
    person_from_row(st, &p);
    if (with_role)
      p.role_in_group = baton__col_text(st, 13);
    if (count)
      (*count)++;
    if ((r = cb(&p, ud)) != 0)
      break;
  }
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read people");
  baton__sql_finalize(st);
  return r;
}

static const char *const plain_columns[] = {
    "id",     "name",       "email",      "role",  "department",
    "campus", "start_date", "manager_id", "school"};
static const char *const list_columns[] = {"subjects", "grades", "languages"};

/* The list's spelling of k (any case), or NULL: only that spelling is
 * ever written into SQL. */
static const char *in_list(const char *k, const char *const *l, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcasecmp(k, l[i]) == 0)
      return l[i];
  return NULL;
}

int baton_people_each(baton_store_t *s, const baton_filter_t *filters,
                      size_t nfilters, int include_inactive, baton_person_cb cb,
                      void *ud) {
  baton_buf_t sql = {0};
  int err = baton__buf_printf(&sql,
                              "SELECT " PERSON_COLUMNS
                              " FROM people p WHERE (p.active = 1 OR %d)",
                              include_inactive ? 1 : 0);
  for (size_t i = 0; i < nfilters && err == 0; i++) {
    const char *k = filters[i].key, *c;
    if ((c = in_list(k, plain_columns, 9)) != NULL)
      err =
          baton__buf_printf(&sql, " AND p.%s = ?%zu COLLATE NOCASE", c, i + 1);
    else if ((c = in_list(k, list_columns, 3)) != NULL)
      err = baton__buf_printf(
          &sql,
          " AND instr(';' || lower(p.%s) || ';', ';' || lower(?%zu) || "
          "';') > 0",
          c, i + 1);
    else if (strcasecmp(k, "active") == 0)
      err = baton__buf_printf(&sql, " AND p.active = ?%zu", i + 1);
    else /* attribute names in any case: `FTE` is `fte` */
      err = baton__buf_printf(
          &sql,
          " AND EXISTS (SELECT 1 FROM json_each(p.attrs) j WHERE "
          "lower(j.key) = lower(?%zu) AND CAST(j.value AS TEXT) = ?%zu "
          "COLLATE NOCASE)",
          i + 1 + nfilters, i + 1);
  }
  if (err == 0)
    err = baton__buf_printf(&sql, " ORDER BY p.id");
  if (err != 0) {
    baton__buf_free(&sql);
    return BATON_ENOMEM;
  }
  baton__sql_stmt_t *st;
  err = baton__store_prepare(s, sql.data, &st);
  baton__buf_free(&sql);
  if (err != 0)
    return err;
  for (size_t i = 0; i < nfilters; i++) {
    const char *k = filters[i].key, *v = filters[i].value;
    if (strcasecmp(k, "active") == 0)
      baton__sql_bind_int64(st, (int)i + 1,
                       strcmp(v, "0") != 0 && strcasecmp(v, "no") != 0 &&
                           strcasecmp(v, "false") != 0);
    else
      baton__sql_bind_text(st, (int)i + 1, v, -1);
    if (!in_list(k, plain_columns, 9) && !in_list(k, list_columns, 3))
      baton__sql_bind_text(st, (int)(i + 1 + nfilters), k, -1);
  }
  return each_person(s, st, 0, cb, ud, NULL);
}

int baton_people_get(baton_store_t *s, const char *id, baton_person_cb cb,
                     void *ud) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s, "SELECT " PERSON_COLUMNS " FROM people p WHERE p.id = ?", &st);
  if (err != 0)
    return err;
  baton__sql_bind_text(st, 1, id, -1);
  size_t n = 0;
  err = each_person(s, st, 0, cb, ud, &n);
  if (err == 0 && n == 0)
    return baton__store_fail(s, BATON_ENOTFOUND,
                             "no person with id '%s': `baton people list` "
                             "shows who is in %s",
                             id, s->path);
  return err;
}

int baton_people_get_many(baton_store_t *s, const char *const *ids, size_t n,
                          baton_person_cb cb, void *ud) {
  json_t *a = json_array();
  for (size_t i = 0; a != NULL && i < n; i++)
    if (json_array_append_new(a, json_string(ids[i])) != 0) {
      json_decref(a);
      a = NULL;
    }
  char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
  json_decref(a);
  if (text == NULL)
    return baton__store_fail(s, BATON_ENOMEM, "out of memory listing ids");
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s,
                                 "SELECT " PERSON_COLUMNS " FROM people p "
                                 "WHERE p.id IN (SELECT value FROM "
                                 "json_each(?)) ORDER BY p.id",
                                 &st);
  if (err == 0) {
    baton__sql_bind_text(st, 1, text, -1);
    err = each_person(s, st, 0, cb, ud, NULL);
  }
  free(text);
  return err;
}

/* ---- groups -------------------------------------------------------------- */

int baton_groups_each(baton_store_t *s, baton_group_cb cb, void *ud) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT g.name, g.kind, (SELECT count(*) FROM memberships m "
      "WHERE m.group_name = g.name) FROM groups g ORDER BY g.name",
      &st);
  if (err != 0)
    return err;
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    baton_group_t g = {baton__col_text(st, 0), baton__col_text(st, 1),
                       (size_t)baton__sql_column_int64(st, 2)};
    if ((r = cb(&g, ud)) != 0)
      break;
  }
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read groups");
  baton__sql_finalize(st);
  return r;
}

int baton_group_members(baton_store_t *s, const char *group, baton_person_cb cb,
                        void *ud) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, "SELECT 1 FROM groups WHERE name = ?", &st);
  if (err != 0)
    return err;
  baton__sql_bind_text(st, 1, group, -1);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc == SQLITE_DONE)
    return baton__store_fail(s, BATON_ENOTFOUND,
                             "no group named '%s': `baton groups list` shows "
                             "the groups in %s",
                             group, s->path);
  if (rc != SQLITE_ROW)
    return baton__store_fail_sqlite(s, rc, "cannot read groups");
  err = baton__store_prepare(s,
                             "SELECT " PERSON_COLUMNS ", m.role_in_group "
                             "FROM memberships m JOIN people p "
                             "ON p.id = m.person_id WHERE m.group_name = ? "
                             "ORDER BY p.id",
                             &st);
  if (err != 0)
    return err;
  baton__sql_bind_text(st, 1, group, -1);
  return each_person(s, st, 1, cb, ud, NULL);
}

int baton_people_attr_names(baton_store_t *s, char ***names, size_t *n) {
  *names = NULL;
  *n = 0;
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s,
                                 "SELECT DISTINCT j.key FROM people p, "
                                 "json_each(p.attrs) j ORDER BY j.key",
                                 &st);
  if (err != 0)
    return err;
  int rc;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    char **k = realloc(*names, (*n + 1) * sizeof *k);
    if (k == NULL) {
      err = BATON_ENOMEM;
      break;
    }
    *names = k;
    if ((k[*n] = baton__strdup(baton__col_text(st, 0))) == NULL) {
      err = BATON_ENOMEM;
      break;
    }
    (*n)++;
  }
  if (err == 0 && rc != SQLITE_DONE)
    err = baton__store_fail_sqlite(s, rc, "cannot read attributes");
  baton__sql_finalize(st);
  if (err != 0) {
    baton_names_free(*names, *n);
    *names = NULL;
    *n = 0;
  }
  return err;
}

void baton_names_free(char **names, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

/* Runs sql with text parameters a, b, c (NULL binds NULL) in its own
 * statement; *changed gets the rows it changed. */
static int exec3(baton_store_t *s, const char *sql, const char *a,
                 const char *b, const char *c, const char *what, int *changed) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, sql, &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, a);
  baton__bind_text(st, 2, b);
  baton__bind_text(st, 3, c);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return baton__store_fail_sqlite(s, rc, what);
  if (changed)
    *changed = baton__sql_changes(s->sql);
  return 0;
}

/* Whether a row answers sql with one text parameter. */
static int exists1(baton_store_t *s, const char *sql, const char *a, int *yes) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, sql, &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, a);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return baton__store_fail_sqlite(s, rc, "cannot read the database");
  *yes = rc == SQLITE_ROW;
  return 0;
}

int baton_group_add(baton_store_t *s, const char *group, const char *kind,
                    const char *person, const char *role, int *added) {
  int yes, err = baton__store_begin(s);
  if (err != 0)
    return err;
  if ((err = exists1(s, "SELECT 1 FROM people WHERE id = ?", person, &yes)) !=
      0)
    goto fail;
  if (!yes) {
    err = baton__store_fail(s, BATON_ENOTFOUND,
                            "no person with id '%s': `baton people list` "
                            "shows who is in %s",
                            person, s->path);
    goto fail;
  }
  if ((err = exec3(s,
                   "INSERT INTO groups(name, kind) VALUES (?1, "
                   "coalesce(?2, 'team')) ON CONFLICT(name) DO UPDATE SET "
                   "kind = coalesce(?2, kind)",
                   group, kind, NULL, "cannot create the group", NULL)) != 0 ||
      (err = exec3(s,
                   "INSERT INTO memberships(group_name, person_id, "
                   "role_in_group) VALUES (?1, ?2, ?3) ON CONFLICT DO "
                   "NOTHING",
                   group, person, role, "cannot add the member", added)) != 0 ||
      (!*added && (err = exec3(s,
                               "UPDATE memberships SET role_in_group = ?3 "
                               "WHERE group_name = ?1 AND person_id = ?2",
                               group, person, role,
                               "cannot change the member's role", NULL)) != 0))
    goto fail;
  return baton__store_commit(s);
fail:
  baton__store_rollback(s);
  return err;
}

int baton_group_remove(baton_store_t *s, const char *group,
                       const char *person) {
  int yes, n = 0;
  int err = exists1(s, "SELECT 1 FROM groups WHERE name = ?", group, &yes);
  if (err == 0 && !yes)
    return baton__store_fail(s, BATON_ENOTFOUND,
                             "no group named '%s': `baton groups list` shows "
                             "the groups in %s",
                             group, s->path);
  if (err == 0)
    err = exec3(s,
                "DELETE FROM memberships WHERE group_name = ? AND "
                "person_id = ?",
                group, person, NULL, "cannot remove the member", &n);
  if (err == 0 && n == 0)
    return baton__store_fail(s, BATON_ENOTFOUND,
                             "'%s' is not a member of '%s': `baton groups "
                             "show \"%s\"` lists its members",
                             person, group, group);
  return err;
}

int baton_group_delete(baton_store_t *s, const char *group, size_t *members) {
  int yes, n = 0, err = baton__store_begin(s);
  if (err != 0)
    return err;
  if ((err = exists1(s, "SELECT 1 FROM groups WHERE name = ?", group, &yes)) !=
      0)
    goto fail;
  if (!yes) {
    err = baton__store_fail(s, BATON_ENOTFOUND,
                            "no group named '%s': `baton groups list` shows "
                            "the groups in %s",
                            group, s->path);
    goto fail;
  }
  if ((err = exec3(s, "DELETE FROM memberships WHERE group_name = ?", group,
                   NULL, NULL, "cannot remove the members", &n)) != 0 ||
      (err = exec3(s, "DELETE FROM groups WHERE name = ?", group, NULL, NULL,
                   "cannot delete the group", NULL)) != 0)
    goto fail;
  *members = (size_t)n;
  return baton__store_commit(s);
fail:
  baton__store_rollback(s);
  return err;
}

/* ---- events -------------------------------------------------------------- */

int baton_events_log(baton_store_t *s, const char *plugin, const char *actor,
                     const char *kind, const char *subject, const char *data,
                     long long *id) {
  if (kind == NULL || *kind == '\0')
    return baton__store_fail(s, BATON_EINVAL,
                             "an event needs a kind, e.g. 'mentor.pair'");
  if (data != NULL) {
    json_error_t je;
    json_t *j = json_loads(data, JSON_DECODE_ANY, &je);
    if (j == NULL)
      return baton__store_fail(s, BATON_EINVAL,
                               "event data is not JSON: %s at column %d",
                               je.text, je.column);
    json_decref(j);
  }
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s,
                                 "INSERT INTO events(actor, plugin, kind, "
                                 "subject, data) VALUES (?, ?, ?, ?, ?) "
                                 "RETURNING id",
                                 &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, actor);
  baton__bind_text(st, 2, plugin);
  baton__bind_text(st, 3, kind);
  baton__bind_text(st, 4, subject);
  baton__bind_text(st, 5, data);
  /* A single INSERT is its own transaction (autocommit), unless the caller
   * (a plugin's baton.store.transaction) already opened one. */
  int rc = baton__sql_step(st);
  long long new_id = rc == SQLITE_ROW ? baton__sql_column_int64(st, 0) : 0;
  if (rc == SQLITE_ROW)
    rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot log the event");
  if (id)
    *id = new_id;
  return 0;
}

int baton_events_each(baton_store_t *s, const char *plugin, const char *kind,
                      const char *subject, const char *since, size_t limit,
                      baton_event_cb cb, void *ud) {
  baton_event_query_t q = {.plugin = plugin,
                           .kind = kind,
                           .subject = subject,
                           .since = since,
                           .limit = limit};
  return baton_events_query(s, &q, cb, ud);
}

/* Whether key names a field of JSON data: letters, digits and '_', with
 * single dots between (a nested field), so that "$." + key is a path. */
static int is_data_key(const char *key) {
  if (key == NULL || *key == '\0' || *key == '.' || strlen(key) > 200)
    return 0;
  for (const char *k = key; *k; k++)
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
          (*k >= '0' && *k <= '9') || *k == '_' ||
          (*k == '.' && k[1] != '.' && k[1] != '\0')))
      return 0;
  return 1;
}

int baton_events_query(baton_store_t *s, const baton_event_query_t *q,
                       baton_event_cb cb, void *ud) {
  baton_buf_t sql = {0};
  int err = baton__buf_printf(
      &sql, "SELECT id, at, actor, plugin, kind, subject, data FROM events "
            "WHERE (?1 IS NULL OR plugin = ?1) AND (?2 IS NULL OR kind = ?2) "
            "AND (?3 IS NULL OR subject = ?3) AND (?4 IS NULL OR at >= ?4) "
            "AND (?5 IS NULL OR substr(at, 1, length(?5)) <= ?5) "
            "AND (?6 = 0 OR id = ?6)");
  for (size_t i = 0; err == 0 && i < q->ndata; i++) {
    if (!is_data_key(q->data[i].key)) {
      baton__buf_free(&sql);
      return baton__store_fail(s, BATON_EINVAL,
                               "'%s' is not a field of event data: write "
                               "letters, digits and '_', with dots for a "
                               "nested field (\"mentee\", \"pair.mentor\")",
                               q->data[i].key ? q->data[i].key : "");
    }
    /* Parameters 8 and up, two a condition: the path, then the value. */
    int at = 8 + 2 * (int)i;
    err = q->data[i].type == BATON_MATCH_BOOLEAN
              ? baton__buf_printf(&sql, " AND json_type(data, ?%d) = ?%d", at,
                                  at + 1)
              : baton__buf_printf(&sql, " AND json_extract(data, ?%d) = ?%d",
                                  at, at + 1);
  }
  if (err == 0)
    err = baton__buf_printf(&sql, " ORDER BY id %s LIMIT ?7",
                            q->newest_first ? "DESC" : "ASC");
  if (err != 0) {
    baton__buf_free(&sql);
    return baton__store_fail(s, BATON_ENOMEM, "out of memory");
  }
  baton__sql_stmt_t *st;
  err = baton__store_prepare(s, sql.data, &st);
  baton__buf_free(&sql);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, q->plugin);
  baton__bind_text(st, 2, q->kind);
  baton__bind_text(st, 3, q->subject);
  baton__bind_text(st, 4, q->since);
  baton__bind_text(st, 5, q->until);
  baton__sql_bind_int64(st, 6, q->id);
  baton__sql_bind_int64(st, 7, q->limit ? (long long)q->limit : -1);
  for (size_t i = 0; i < q->ndata; i++) {
    const baton_event_match_t *m = &q->data[i];
    int at = 8 + 2 * (int)i;
    char *path = baton__asprintf("$.%s", m->key);
    int brc = path ? baton__sql_bind_text_copy(st, at, path, -1) : SQLITE_NOMEM;
    free(path);
    if (brc != SQLITE_OK) {
      baton__sql_finalize(st);
      return baton__store_fail(s, BATON_ENOMEM, "out of memory");
    }
    switch (m->type) {
    case BATON_MATCH_TEXT:
      baton__bind_text(st, at + 1, m->text);
      break;
    case BATON_MATCH_INTEGER:
      baton__sql_bind_int64(st, at + 1, m->integer);
      break;
    case BATON_MATCH_NUMBER:
      baton__sql_bind_double(st, at + 1, m->number);
      break;
    case BATON_MATCH_BOOLEAN:
      baton__sql_bind_text(st, at + 1, m->integer ? "true" : "false", -1);
      break;
    }
  }
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    baton_event_t e = {baton__sql_column_int64(st, 0), baton__col_text(st, 1),
                       baton__col_text(st, 2),      baton__col_text(st, 3),
                       baton__col_text(st, 4),      baton__col_text(st, 5),
                       baton__col_text(st, 6)};
    if ((r = cb(&e, ud)) != 0)
      break;
  }
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read events");
  baton__sql_finalize(st);
  return r;
}

/* ---- backup and restore -------------------------------------------------- */

/* Copies all of `from` into `to` in one step. Returns the SQLite code. */
static int copy_db(sqlite3 *to, sqlite3 *from) {
  sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
  if (b == NULL)
    return sqlite3_errcode(to);
  int rc = sqlite3_backup_step(b, -1);
  int rc2 = sqlite3_backup_finish(b);
  return rc == SQLITE_DONE ? rc2 : rc;
}

int baton_store_backup(baton_store_t *s, const char *path) {
  /* Copy to a temporary file beside the target, then rename it over: a
   * kill during the backup never leaves a half-written backup at path. */
  char *tmp = baton__asprintf("%s.tmp-XXXXXX", path);
  if (tmp == NULL)
    return BATON_ENOMEM;
  int err;
  int fd = mkstemp(tmp);
  if (fd < 0) {
    err = baton__store_fail(s, errno == ENOSPC ? BATON_EFULL : BATON_EPERM,
                            "cannot write a backup next to %s: %s", path,
                            strerror(errno));
    goto fail_tmp;
  }
  close(fd);
  sqlite3 *to = NULL;
  int rc = sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = copy_db(to, s->db);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    err = from_sqlite(rc);
    err = baton__store_fail(
        s, err ? err : BATON_ESTORE, "cannot back up %s to %s: %s%s", s->path,
        path, to ? sqlite3_errmsg(to) : sqlite3_errstr(rc), fix_for(err));
    sqlite3_close(to);
    goto fail_unlink;
  }
  sqlite3_close(to);
  fd = open(tmp, O_RDONLY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  if (rename(tmp, path) != 0) {
    err = baton__store_fail(s, BATON_EIO, "cannot move the backup to %s: %s",
                            path, strerror(errno));
    goto fail_unlink;
  }
  free(tmp);
  return 0;

fail_unlink:
  unlink(tmp);
fail_tmp:
  free(tmp);
  return err;
}

/* Checks that the file at path is a baton database this baton can read.
 * Returns 0 or BATON_ENOENT / BATON_ESTORE / BATON_EVERSION with the
 * store's error set. */
static int check_backup(baton_store_t *s, sqlite3 *from, const char *path) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(
      from,
      "SELECT coalesce(max(version), 0) FROM "
      "schema_version WHERE component = '" CORE_COMPONENT "'",
      -1, &st, NULL);
  if (rc != SQLITE_OK)
    return baton__store_fail(s, BATON_ESTORE,
                             "%s is not a baton backup (%s): give a file "
                             "made by `baton backup`",
                             path, sqlite3_errmsg(from));
  int v = -1;
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (v < 1)
    return baton__store_fail(s, BATON_ESTORE,
                             "%s is not a baton backup: give a file made by "
                             "`baton backup`",
                             path);
  if (v > BATON_STORE_SCHEMA_VERSION)
    return baton__store_fail(s, BATON_EVERSION,
                             "%s comes from a newer baton (schema version %d; "
                             "this baton knows up to %d): upgrade baton to "
                             "restore it",
                             path, v, BATON_STORE_SCHEMA_VERSION);
  return 0;
}

int baton_store_restore(baton_store_t *s, const char *path) {
  if (!baton__is_file(path))
    return baton__store_fail(s, BATON_ENOENT,
                             "cannot restore from %s: no such file", path);
  sqlite3 *from = NULL;
  int rc = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL);
  int err;
  if (rc != SQLITE_OK) {
    err = baton__store_fail(s, BATON_ESTORE, "cannot open %s: %s", path,
                            from ? sqlite3_errmsg(from) : sqlite3_errstr(rc));
    goto fail_close;
  }
  if ((err = check_backup(s, from, path)) != 0)
    goto fail_close;
  /* The backup API replaces the destination in one transaction of its own:
   * a failure or a kill leaves the database as it was. */
  rc = copy_db(s->db, from);
  if (rc != SQLITE_OK) {
    err = from_sqlite(rc);
    err = baton__store_fail(s, err ? err : BATON_ESTORE,
                            "cannot restore %s into %s: %s%s", path, s->path,
                            baton__sql_errmsg(s->sql), fix_for(err));
    goto fail_close;
  }
  sqlite3_close(from);
  /* An older backup is brought up to date like any older database. */
  return baton__store_migrate(s, CORE_COMPONENT, NULL, NULL, core_migrations,
                              BATON_STORE_SCHEMA_VERSION,
                              BATON_STORE_SCHEMA_VERSION);

fail_close:
  sqlite3_close(from);
  return err;
}
