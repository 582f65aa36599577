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
#include <libpq-fe.h>
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

/* The same versions on PostgreSQL (core/store/sql.h): the same tables,
 * columns, keys, CHECKs and indexes, in PostgreSQL's spelling. Text is
 * compared byte by byte (COLLATE "C"), as SQLite compares it, so lists come
 * out in the same order on both engines; INTEGER is BIGINT, BLOB bytea;
 * events.id is an identity column; times are the same ISO 8601 text. A
 * version whose SQL is valid on both engines shares its string with
 * core_migrations. */
#define PG_TEXT "TEXT COLLATE \"C\""
#define PG_NOW                                                                 \
  "(to_char(statement_timestamp() AT TIME ZONE 'UTC', "                        \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))"
static const char *const pg_migrations[BATON_STORE_SCHEMA_VERSION] = {
    /* 1: the core tables. */
    "CREATE TABLE people ("
    "  id " PG_TEXT " PRIMARY KEY NOT NULL CHECK (id <> ''),"
    "  name " PG_TEXT " NOT NULL CHECK (name <> ''),"
    "  email " PG_TEXT ", role " PG_TEXT ", department " PG_TEXT ","
    "  campus " PG_TEXT ", subjects " PG_TEXT ", grades " PG_TEXT ","
    "  languages " PG_TEXT ", start_date " PG_TEXT ","
    "  manager_id " PG_TEXT " REFERENCES people(id) DEFERRABLE INITIALLY"
    "    DEFERRED,"
    "  attrs " PG_TEXT " NOT NULL DEFAULT '{}',"
    "  active BIGINT NOT NULL DEFAULT 1"
    ");"
    "CREATE TABLE groups ("
    "  name " PG_TEXT " PRIMARY KEY NOT NULL CHECK (name <> ''),"
    "  kind " PG_TEXT " NOT NULL"
    ");"
    "CREATE TABLE memberships ("
    "  group_name " PG_TEXT " NOT NULL REFERENCES groups(name)"
    "    ON DELETE CASCADE,"
    "  person_id " PG_TEXT " NOT NULL REFERENCES people(id),"
    "  role_in_group " PG_TEXT ","
    "  PRIMARY KEY (group_name, person_id)"
    ");"
    "CREATE TABLE events ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  at " PG_TEXT " NOT NULL DEFAULT " PG_NOW ","
    "  actor " PG_TEXT ", plugin " PG_TEXT ","
    "  kind " PG_TEXT " NOT NULL,"
    "  subject " PG_TEXT ","
    "  data " PG_TEXT ");",
    /* 2: the event log becomes append-only (UPDATE, DELETE and TRUNCATE
     * fail as a constraint does on SQLite); the same indexes. */
    "CREATE INDEX memberships_person ON memberships(person_id);"
    "CREATE INDEX events_kind_at ON events(kind, at);"
    "CREATE INDEX events_subject ON events(subject);"
    "CREATE FUNCTION baton_events_append_only() RETURNS trigger"
    "  LANGUAGE plpgsql AS $$ BEGIN"
    "  RAISE EXCEPTION 'the event log is append-only'"
    "    USING ERRCODE = 'integrity_constraint_violation';"
    "END $$;"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
    "  FOR EACH ROW EXECUTE FUNCTION baton_events_append_only();"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
    "  FOR EACH ROW EXECUTE FUNCTION baton_events_append_only();"
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events"
    "  FOR EACH STATEMENT EXECUTE FUNCTION baton_events_append_only();",
    /* 3: SQLite's file stamp (application_id) has no PostgreSQL twin: the
     * schema_version rows say the database is baton's. */
    "COMMENT ON TABLE schema_version IS 'baton: the applied migrations'",
    /* 4: the school calendar and plugins' settings. */
    "CREATE TABLE baton_terms ("
    "  kind " PG_TEXT " NOT NULL CHECK (kind IN ('term', 'closure')),"
    "  name " PG_TEXT " NOT NULL CHECK (name <> ''),"
    "  start_date " PG_TEXT " NOT NULL, end_date " PG_TEXT " NOT NULL,"
    "  CHECK (start_date <= end_date),"
    "  PRIMARY KEY (kind, name, start_date)"
    ");"
    "CREATE UNIQUE INDEX baton_terms_one_name ON baton_terms(name)"
    "  WHERE kind = 'term';"
    "CREATE TABLE baton_settings ("
    "  plugin " PG_TEXT " NOT NULL, key " PG_TEXT " NOT NULL,"
    "  value " PG_TEXT " NOT NULL,"
    "  PRIMARY KEY (plugin, key)"
    ");",
    /* 5: accounts, invitations, sessions. */
    "CREATE TABLE baton_users ("
    "  person_id " PG_TEXT " PRIMARY KEY NOT NULL REFERENCES people(id),"
    "  role " PG_TEXT " NOT NULL"
    "    CHECK (role IN ('coordinator', 'staff', 'viewer')),"
    "  passphrase " PG_TEXT " CHECK (passphrase IS NULL OR"
    "    substr(passphrase, 1, 10) = '$argon2id$'),"
    "  created BIGINT NOT NULL,"
    "  revoked BIGINT"
    ");"
    "CREATE TABLE baton_invitations ("
    "  token_hash BYTEA PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),"
    "  person_id " PG_TEXT " NOT NULL REFERENCES baton_users(person_id),"
    "  role " PG_TEXT " NOT NULL"
    "    CHECK (role IN ('coordinator', 'staff', 'viewer')),"
    "  created BIGINT NOT NULL,"
    "  expires BIGINT NOT NULL,"
    "  used BIGINT"
    ");"
    "CREATE INDEX baton_invitations_person ON baton_invitations(person_id);"
    "CREATE TABLE baton_sessions ("
    "  id_hash BYTEA PRIMARY KEY NOT NULL CHECK (length(id_hash) = 32),"
    "  person_id " PG_TEXT " NOT NULL REFERENCES baton_users(person_id),"
    "  csrf " PG_TEXT " NOT NULL,"
    "  created BIGINT NOT NULL,"
    "  expires BIGINT NOT NULL"
    ");"
    "CREATE INDEX baton_sessions_person ON baton_sessions(person_id);",
    /* 6: API tokens. */
    "CREATE TABLE baton_api_tokens ("
    "  token_hash BYTEA PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),"
    "  person_id " PG_TEXT " NOT NULL REFERENCES baton_users(person_id),"
    "  label " PG_TEXT " NOT NULL CHECK (label <> ''),"
    "  created BIGINT NOT NULL,"
    "  last_used BIGINT,"
    "  revoked BIGINT"
    ");"
    "CREATE UNIQUE INDEX baton_api_tokens_label ON"
    "  baton_api_tokens(person_id, label) WHERE revoked IS NULL;",
    /* 7: schools, as on SQLite, with text compared byte by byte. */
    "ALTER TABLE people ADD COLUMN school " PG_TEXT " NOT NULL DEFAULT '';"
    "ALTER TABLE groups ADD COLUMN school " PG_TEXT " NOT NULL DEFAULT '';"
    "ALTER TABLE baton_users ADD COLUMN school " PG_TEXT " NOT NULL"
    "  DEFAULT '';"
    "ALTER TABLE baton_users ADD COLUMN district BIGINT NOT NULL DEFAULT 0;"
    "CREATE INDEX people_school ON people(school);",
};

/* schema_version, made before the first migration. */
static const char sqlite_schema_version[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "  component TEXT NOT NULL, version INTEGER NOT NULL,"
    "  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', "
    "'now')),"
    "  PRIMARY KEY (component, version))";
static const char pg_schema_version[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "  component " PG_TEXT " NOT NULL, version BIGINT NOT NULL,"
    "  applied_at " PG_TEXT " NOT NULL DEFAULT " PG_NOW ","
    "  PRIMARY KEY (component, version))";

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

/* The same on PostgreSQL: a server, not a file. rc tells a wait for
 * another's lock that ran out (SQLITE_BUSY_TIMEOUT, from lock_timeout)
 * from a conflict of two transactions. */
static const char *fix_for_pg(int err, int rc) {
  switch (err) {
  case BATON_EBUSY:
    if (rc == SQLITE_BUSY_TIMEOUT)
      return fix_for(err);
    return "; another baton changed the same rows at the same time: retry";
  case BATON_EREADONLY:
  case BATON_EPERM:
    return "; the database role may not do this: connect as the role that "
           "owns baton's tables, or grant it the privilege";
  case BATON_EFULL:
    return "; the PostgreSQL server is out of disk or memory: free some and "
           "retry (nothing was written)";
  case BATON_EIO:
    return "; the connection to PostgreSQL was lost: is PostgreSQL running? "
           "check the URL, then retry (nothing was written)";
  default:
    return "";
  }
}

int baton__sql_json_text(baton_buf_t *b, baton__sql_engine_t e,
                         const char *column, const char *key) {
  if (strchr(key, '"') != NULL)
    return BATON_EINVAL;
  int err =
      baton__buf_printf(b,
                        e == BATON_SQL_POSTGRES ? "(CAST(%s AS jsonb) ->> '"
                                                : "json_extract(%s, '$.\"",
                        column);
  for (const char *k = key; err == 0 && *k; k++) /* ' is '' in quotes */
    err =
        *k == '\'' ? baton__buf_append(b, "''", 2) : baton__buf_append(b, k, 1);
  if (err == 0)
    err = baton__buf_printf(b, e == BATON_SQL_POSTGRES ? "')" : "\"')");
  return err ? BATON_ENOMEM : 0;
}

int baton__store_exists(const char *target) {
  return baton__sql_is_url(target) || baton__is_file(target);
}

int baton__store_pg(const baton_store_t *s) {
  return s->sql != NULL && baton__sql_engine(s->sql) == BATON_SQL_POSTGRES;
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

/* PostgreSQL refused a plugin's statement (its role lacks the right, or
 * the name is not on its search path): the sentence SQLite's authorizer
 * would give, from the table, schema or function the server names, as a
 * malloc'd string; NULL when the message is none of these. The core
 * tables are readable, so a refusal on one is a write. */
static char *pg_plugin_sentence(baton_store_t *s, int rc) {
  const char *msg = baton__sql_errmsg(s->sql), *p = s->auth_plugin;
  const char *rule = "a plugin reads the core tables (people, groups, "
                     "memberships, events) and its own tables, and writes "
                     "only its own tables, whose names start with";
  const char *verb = s->pg_write ? "write" : "read";
  char name[128] = "";
  if ((rc & 0xff) != SQLITE_AUTH) {
    /* another plugin's table is not on the plugin's search path, so the
     * server says it does not exist: a name outside the plugin's prefix is
     * refused whether it exists or not, as SQLite's authorizer does */
    size_t pl = strlen(p);
    if (sscanf(msg, "relation \"%127[^\"]\" does not exist", name) != 1 ||
        (strncmp(name, p, pl) == 0 && name[pl] == '_') ||
        baton__store_is_core_table(name))
      return NULL;
    return baton__asprintf("plugin '%s' may not %s table '%s': %s '%s_' "
                           "(there is no such table among its own)",
                           p, verb, name, rule, p);
  }
  if (sscanf(msg, "permission denied for schema %127s", name) == 1)
    return baton__asprintf("plugin '%s' may not use schema '%s': each "
                           "plugin's tables are in its own schema, out of "
                           "other plugins' reach; %s '%s_'",
                           p, name, rule, p);
  if (sscanf(msg, "permission denied for function %127s", name) == 1)
    return baton__asprintf("plugin '%s' may not call function '%s': it "
                           "reaches past the plugin's own tables (files, "
                           "large objects or the server); work on the "
                           "plugin's own tables, and read files with "
                           "baton.fs and the fs.read permission",
                           p, name);
  const char *t = strstr(msg, " table ");
  if (t != NULL)
    sscanf(t + 7, "%127[A-Za-z0-9_.\"]", name);
  if (strncmp(msg, "must be owner", 13) == 0)
    return baton__asprintf("plugin '%s' may not create, alter or drop "
                           "'%s': %s '%s_'",
                           p, name, rule, p);
  if (baton__store_is_core_table(name))
    return baton__asprintf("plugin '%s' may not change core table "
                           "'%s': the core tables are read-only to plugins "
                           "(write history with baton.events.log)",
                           p, name);
  if (strncmp(name, "baton_", 6) == 0)
    return baton__asprintf("plugin '%s' may not %s table '%s': baton_* "
                           "tables are baton's own (the school calendar, "
                           "plugins' settings, accounts); read them with "
                           "baton.terms and baton.settings",
                           p, verb, name);
  if (name[0] == '\0')
    return baton__asprintf("plugin '%s' may not do this: %s '%s_' (%s)", p,
                           rule, p, msg);
  return baton__asprintf("plugin '%s' may not %s table '%s': %s '%s_' (%s)", p,
                         verb, name, rule, p, msg);
}

const char *baton__store_plugin_errmsg(baton_store_t *s, int rc) {
  if (s->auth_err != NULL)
    return s->auth_err;
  char *why = s->auth_plugin != NULL && baton__store_pg(s)
                  ? pg_plugin_sentence(s, rc)
                  : NULL;
  /* The database gone (a lost connection, a disk error) is named, as the
   * core's own failures name it (baton__store_fail_sqlite): which
   * database to check. */
  if (why == NULL && (rc & 0xff) == SQLITE_IOERR)
    why = baton__asprintf("%s: %s", s->path, baton__sql_errmsg(s->sql));
  if (why == NULL)
    return baton__sql_errmsg(s->sql);
  free(s->err);
  s->err = why;
  return why;
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
  char *why = s->auth_plugin != NULL && baton__store_pg(s)
                  ? pg_plugin_sentence(s, rc)
                  : NULL;
  if (why != NULL) {
    err = baton__store_fail(s, BATON_EPERM, "%s: %s", what, why);
    free(why);
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
  return baton__store_fail(
      s, err, "%s: %s: %s%s", s->path, what, baton__sql_errmsg(s->sql),
      baton__store_pg(s) ? fix_for_pg(err, rc) : fix_for(err));
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

int baton__store_prepare(baton_store_t *s, const char *sql,
                         baton__sql_stmt_t **st) {
  clear_core_refusal(s);
  int rc = baton__sql_prepare(s->sql, sql, st);
  if (rc != SQLITE_OK) {
    return baton__store_fail_sqlite(s, rc, "cannot prepare a query");
  }
  return 0;
}

/* The key of the advisory lock every write transaction on PostgreSQL
 * takes first ("baton" in ASCII). */
#define PG_WRITE_LOCK "418581342062"
/* The key of the advisory lock that orders the making of plugins' roles
 * and schemas (baton__store_pg_plugin_ready). */
#define PG_READY_LOCK "418581342063"

int baton__store_begin(baton_store_t *s) {
  /* SQLite's BEGIN IMMEDIATE takes the one write lock up front, so what a
   * transaction reads cannot change before it writes (a plan checked
   * against the pairs saved, then saved). PostgreSQL's BEGIN takes no
   * lock: a transaction-level advisory lock, which every baton write takes
   * first, gives the same order; a wait longer than lock_timeout (the
   * busy timeout, set at open) fails as SQLITE_BUSY does. Readers are not
   * held up on either engine. */
  return baton__store_exec(
      s,
      baton__store_pg(s) ? "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK
                           ")"
                         : "BEGIN IMMEDIATE",
      "cannot start a write");
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
      return refuse(s,
                    "plugin '%s' may not read table '%s'%s%s%s: baton_* "
                    "tables are baton's own (the school calendar, plugins' "
                    "settings, accounts); read them with baton.terms and "
                    "baton.settings",
                    p, a1, ctx ? " (through " : "", ctx ? ctx : "",
                    ctx ? ")" : "");
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

/* ---- plugin SQL on PostgreSQL --------------------------------------------
 * SQLite's authorizer has no twin there: the engine's own rights do its
 * work. Each plugin has a role, baton_plugin_NAME (NOLOGIN), owning a
 * schema, plugin_NAME, where its tables go; the role may read people,
 * groups, memberships and events and nothing else of baton's. Each
 * statement of the plugin runs as that role (SET LOCAL ROLE), with
 * search_path = plugin_NAME, public and the plugin's statement_timeout,
 * in a transaction of its own or a savepoint of the caller's, so a
 * failure undoes only the statement, as on SQLite. */

/* Skips what is not SQL code at p: blanks, -- and (nested) comments. */
static const char *pg_skip(const char *p) {
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
      p++;
    if (p[0] == '-' && p[1] == '-') {
      p += strcspn(p, "\n\r");
    } else if (p[0] == '/' && p[1] == '*') {
      int depth = 0;
      do {
        if (p[0] == '/' && p[1] == '*')
          depth++, p += 2;
        else if (p[0] == '*' && p[1] == '/')
          depth--, p += 2;
        else
          p++;
      } while (depth > 0 && *p);
    } else {
      return p;
    }
  }
}

static int word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         (unsigned char)c >= 0x80;
}

/* The next token of sql at *p: a word or quoted name into w (lower case
 * for a word, as written for a quoted name), a string or other character
 * skipped. Returns 0 at the end. *u is set for U&'...' and U&"...". */
static int pg_token(const char **p, char w[64], int *u) {
  const char *c = pg_skip(*p);
  w[0] = '\0';
  *u = 0;
  if (*c == '\0')
    return 0;
  if ((c[0] == 'u' || c[0] == 'U') && c[1] == '&' &&
      (c[2] == '\'' || c[2] == '"')) {
    *u = 1;
    c += 2;
  }
  if (*c == '\'' || *c == '"' ||
      ((c[0] == 'e' || c[0] == 'E') && c[1] == '\'')) {
    char q = *c == '"' ? '"' : '\'';
    int esc = *c != q; /* E'...': backslash escapes */
    c += esc ? 2 : 1;
    size_t n = 0;
    for (; *c; c++) {
      if (esc && *c == '\\' && c[1]) {
        c++;
        continue;
      }
      if (*c == q && c[1] == q) {
        c++;
      } else if (*c == q) {
        c++;
        break;
      }
      if (q == '"' && n < 63)
        w[n++] = *c;
    }
    w[n] = '\0';
  } else if (*c == '$' && (c[1] == '$' || word_char(c[1]))) {
    /* $tag$ ... $tag$: the tag is a name (digits but not first, no $), as
     * PostgreSQL reads it; a $1 parameter has no closing $: skipped */
    const char *e = c + 1;
    if (!(*e >= '0' && *e <= '9'))
      while (*e && *e != '$' && word_char(*e))
        e++;
    if (*e == '$') { /* to the same tag, however long */
      size_t tl = (size_t)(e - c) + 1;
      const char *end = e + 1;
      while ((end = strchr(end, '$')) != NULL && strncmp(end, c, tl) != 0)
        end++;
      c = end ? end + tl : e + strlen(e);
    } else {
      c = e;
    }
  } else if (word_char(*c)) {
    size_t n = 0;
    for (; word_char(*c); c++)
      if (n < 63)
        w[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    w[n] = '\0';
  } else {
    c++;
  }
  *p = c;
  return 1;
}

/* CREATE, ALTER or DROP of a table or index (its first nw tokens in kw,
 * "." for a dot): the refusal of a name that is not the plugin's, as
 * SQLite's authorizer words it, or NULL. The plugin's schema would hold
 * any name, but a name outside its prefix would not run on SQLite, nor
 * copy there with `baton db copy`. */
static char *pg_refused_name(const char *plugin, char kw[8][64], int nw) {
  int i = 1;
  if (strcmp(kw[0], "create") == 0 && strcmp(kw[i], "unique") == 0)
    i++;
  int index = strcmp(kw[i], "index") == 0;
  if (!index && strcmp(kw[i], "table") != 0)
    return NULL;
  for (i++;
       i < nw && (strcmp(kw[i], "if") == 0 || strcmp(kw[i], "not") == 0 ||
                  strcmp(kw[i], "exists") == 0 || strcmp(kw[i], "only") == 0 ||
                  strcmp(kw[i], "concurrently") == 0);
       i++)
    ;
  if (i + 2 < nw && strcmp(kw[i + 1], ".") == 0)
    i += 2; /* schema.name: the name */
  if (i >= nw || (index && strcmp(kw[i], "on") == 0) || owns(plugin, kw[i]))
    return NULL;
  if (index)
    return baton__asprintf("plugin '%s' may not create or drop index '%s': "
                           "indexes must be named '%s_...' and be on the "
                           "plugin's own tables",
                           plugin, kw[i], plugin);
  return baton__asprintf("plugin '%s' may not create, alter or drop '%s': a "
                         "plugin's own tables are named '%s_...'",
                         plugin, kw[i], plugin);
}

/* The refusal of the statement at *p (see baton__store_pg_refusal), or
 * NULL; *p is left past its ';', and first gets its first word (lower
 * case; "" for an empty statement). */
static char *pg_refusal_one(const char *plugin, const char **p,
                            char first[64]) {
  static const char *const first_ok[] = {
      "select", "insert",  "update", "delete", "with", "values",
      "table",  "explain", "create", "alter",  "drop"};
  char w[64], kw[8][64] = {"", "", "", "", "", "", "", ""};
  int u, nw = 0;
  first[0] = '\0';
  const char *why = NULL;
  for (;;) {
    const char *at = pg_skip(*p);
    if (*at == ';') {
      *p = at + 1;
      break;
    }
    if (!pg_token(p, w, &u))
      break;
    if (nw < 8) /* a '.' is kept, for a schema-qualified name */
      snprintf(kw[nw++], sizeof kw[0], "%s",
               w[0] == '\0' && (*p)[-1] == '.' ? "." : w);
    if (nw == 1)
      snprintf(first, 64, "%s", kw[0]);
    if (u)
      why = "U&'...' or U&\"...\" escapes (write the characters themselves)";
    else if (strcmp(w, "set_config") == 0)
      why = "set_config (it changes the connection's settings, its role "
            "among them)";
    else if (strcmp(w, "pg_settings") == 0)
      why = "pg_settings (writing it changes the connection's settings, its "
            "role among them)";
    else if (strncmp(w, "pg_advisory", 11) == 0 ||
             strncmp(w, "pg_try_advisory", 15) == 0)
      why = "advisory locks (a lock outlives the plugin's statement and would "
            "stop every baton's writes; use baton.store.transaction(fn))";
    else if (strcmp(w, "pg_notify") == 0)
      why = "pg_notify (baton tells the other servers of every write itself)";
    if (why != NULL)
      return baton__asprintf("plugin '%s' may not use %s", plugin, why);
  }
  if (nw == 0)
    return NULL; /* an empty statement */
  int known = 0;
  for (size_t i = 0; i < sizeof first_ok / sizeof *first_ok; i++)
    known |= strcmp(kw[0], first_ok[i]) == 0;
  int ddl = strcmp(kw[0], "create") == 0 || strcmp(kw[0], "alter") == 0 ||
            strcmp(kw[0], "drop") == 0;
  if (strcmp(kw[0], "create") == 0 &&
      (strcmp(kw[1], "temp") == 0 || strcmp(kw[1], "temporary") == 0))
    return baton__asprintf("plugin '%s' may not use database 'temp': a "
                           "plugin's tables are its own, in its schema",
                           plugin);
  if (strcmp(kw[0], "create") == 0 &&
      (strcmp(kw[1], "view") == 0 || strcmp(kw[1], "trigger") == 0 ||
       strcmp(kw[1], "rule") == 0))
    return baton__asprintf("plugin '%s' may not create view or trigger '%s': "
                           "their SQL would run inside other statements; "
                           "write the query or the follow-up write in the "
                           "plugin's code instead",
                           plugin, kw[2]);
  char *bad = ddl ? pg_refused_name(plugin, kw, nw) : NULL;
  if (bad != NULL)
    return bad;
  if (known &&
      (!ddl || strcmp(kw[1], "table") == 0 || strcmp(kw[1], "index") == 0 ||
       (strcmp(kw[0], "create") == 0 && strcmp(kw[1], "unique") == 0 &&
        strcmp(kw[2], "index") == 0)))
    return NULL;
  return baton__asprintf(
      "plugin '%s' may not run %s%s%s on PostgreSQL: a plugin's SQL is "
      "SELECT, INSERT, UPDATE, DELETE (WITH, VALUES), and CREATE, ALTER or "
      "DROP of its own tables and indexes; no views, triggers, functions, "
      "roles, settings or transaction control (use "
      "baton.store.transaction(fn))",
      plugin, kw[0], ddl ? " " : "", ddl ? kw[1] : "");
}

char *baton__store_pg_refusal(const char *plugin, const char *sql) {
  const char *p = sql;
  while (*pg_skip(p) != '\0') {
    char first[64];
    char *why = pg_refusal_one(plugin, &p, first);
    if (why != NULL)
      return why;
  }
  return NULL;
}

/* Appends the quoted identifier PREFIX + name ("" doubled) to b. */
static int pg_ident(baton_buf_t *b, const char *prefix, const char *name) {
  int err = baton__buf_printf(b, "\"%s", prefix);
  for (const char *c = name; err == 0 && *c; c++)
    err = *c == '"' ? baton__buf_append(b, "\"\"", 2)
                    : baton__buf_append(b, c, 1);
  return err || baton__buf_append(b, "\"", 1) ? BATON_ENOMEM : 0;
}

/* Makes plugin's role and schema: once per connection when made outside
 * a transaction; inside one (which may yet roll back) each time, as the
 * statements are idempotent. */
int baton__store_pg_plugin_ready(baton_store_t *s, const char *plugin) {
  int lasting = !baton__sql_in_transaction(s->sql);
  for (size_t i = 0; i < s->npg_ready; i++)
    if (strcmp(s->pg_ready[i], plugin) == 0)
      return 0;
  baton_buf_t b = {0}, role = {0}, schema = {0};
  int err = pg_ident(&role, "baton_plugin_", plugin);
  if (err == 0)
    err = pg_ident(&schema, "plugin_", plugin);
  if (err == 0)
    err = baton__buf_printf(
        &b,
        /* one baton at a time: two making the same role, grant or schema
         * at once fail with "tuple concurrently updated" (a simple query's
         * statements are one transaction, which holds the lock) */
        "SELECT pg_advisory_xact_lock(" PG_READY_LOCK ");"
        "DO $baton$ BEGIN CREATE ROLE %s NOLOGIN; EXCEPTION WHEN "
        "duplicate_object THEN NULL; END $baton$;"
        "GRANT %s TO CURRENT_USER;"
        "CREATE SCHEMA IF NOT EXISTS %s AUTHORIZATION %s;"
        "GRANT SELECT ON people, groups, memberships, events TO %s;"
        "DO $baton$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %%I "
        "FROM PUBLIC', current_database()); END $baton$",
        role.data, role.data, schema.data, role.data, role.data);
  char **n =
      err == 0 ? realloc(s->pg_ready, (s->npg_ready + 1) * sizeof *n) : NULL;
  char *copy = n ? baton__strdup(plugin) : NULL;
  if (n)
    s->pg_ready = n;
  if (copy == NULL)
    err = BATON_ENOMEM;
  if (err == 0) {
    char *what = baton__asprintf(
        "cannot make the role and schema of plugin '%s' (the database "
        "role needs CREATEROLE, or make them as docs/district.md says)",
        plugin);
    err = baton__store_exec(s, b.data, what ? what : "cannot make a role");
    free(what);
  }
  if (err == 0 && lasting)
    s->pg_ready[s->npg_ready++] = copy;
  else
    free(copy);
  baton__buf_free(&b);
  baton__buf_free(&role);
  baton__buf_free(&schema);
  return err;
}

/* The check of the plugin's statements before they are sent
 * (baton__sql_set_check): only the first statement of sql is prepared. */
static int pg_check(void *ud, const char *sql) {
  baton_store_t *s = ud;
  const char *p = sql;
  char first[64] = "";
  char *why = s->auth_plugin ? pg_refusal_one(s->auth_plugin, &p, first) : NULL;
  s->pg_write = strcmp(first, "insert") == 0 || strcmp(first, "update") == 0 ||
                strcmp(first, "delete") == 0;
  if (why == NULL)
    return 0;
  free(s->auth_err);
  s->auth_err = why;
  return 1;
}

/* Whether the connection's role may SET temp_file_limit (a superuser's
 * setting: a superuser, or since PostgreSQL 15 a role granted SET ON
 * PARAMETER temp_file_limit), asked once per connection. */
static int pg_may_limit_temp(baton_store_t *s) {
  if (s->pg_temp == 0) {
    void *conn = baton__sql_postgres(s->sql);
    const char *sql =
        PQserverVersion(conn) >= 150000
            ? "SELECT has_parameter_privilege('temp_file_limit', 'SET')"
            : "SELECT rolsuper FROM pg_roles WHERE rolname = current_user";
    baton__sql_stmt_t *st;
    s->pg_temp = 2;
    if (baton__sql_prepare(s->sql, sql, &st) == SQLITE_OK) {
      if (baton__sql_step(st) == SQLITE_ROW &&
          baton__sql_column_int64(st, 0) == 1)
        s->pg_temp = 1;
      baton__sql_finalize(st);
    }
  }
  return s->pg_temp == 1;
}

/* Appends to b the SET LOCAL of the server's bounds of a plugin
 * statement: work_mem (sorts and hashes past it go to temporary files)
 * and, when the connection's role may set it, temp_file_limit (the disk
 * such files may take); each in kB, as the server counts. Before SET
 * ROLE: the check is against baton's role; the plugin cannot change them
 * (pg_check refuses SET and set_config). */
static int pg_server_bounds(baton_store_t *s, baton_buf_t *b) {
  int err = 0;
  if (s->bounds.work_mem > 0)
    err = baton__buf_printf(b, "SET LOCAL work_mem = '%zukB'; ",
                            s->bounds.work_mem >> 10 ? s->bounds.work_mem >> 10
                                                     : 64);
  if (err == 0 && s->bounds.temp_bytes > 0 && pg_may_limit_temp(s))
    err = baton__buf_printf(b, "SET LOCAL temp_file_limit = '%zukB'; ",
                            s->bounds.temp_bytes >> 10);
  return err;
}

/* The PostgreSQL half of baton__store_auth_begin. A failure leaves the
 * transaction failed (so the plugin's statement cannot run) and its
 * sentence in auth_err. */
static void pg_auth_begin(baton_store_t *s, const char *plugin) {
  baton_buf_t b = {0};
  int err = baton__store_pg_plugin_ready(s, plugin);
  int nested = baton__sql_in_transaction(s->sql);
  if (err == 0)
    err = baton__store_exec(s, nested ? "SAVEPOINT baton_plugin_stmt" : "BEGIN",
                            "cannot start the plugin's statement");
  if (err == 0)
    s->pg_tx = nested ? 2 : 1;
  if (err == 0 && (err = pg_server_bounds(s, &b)) == 0 &&
      (err = baton__buf_printf(&b, "SET LOCAL ROLE ")) == 0 &&
      (err = pg_ident(&b, "baton_plugin_", plugin)) == 0 &&
      (err = baton__buf_printf(&b, "; SET LOCAL search_path = ")) == 0 &&
      (err = pg_ident(&b, "plugin_", plugin)) == 0)
    err = s->bounds.timeout_ms == 0 /* 0: the server's own */
              ? baton__buf_printf(&b, ", public")
              : baton__buf_printf(&b,
                                  ", public; SET LOCAL statement_timeout = %u",
                                  s->bounds.timeout_ms);
  if (err == 0)
    err = baton__store_exec(s, b.data, "cannot take the plugin's role");
  baton__buf_free(&b);
  baton__sql_set_check(s->sql, pg_check, s);
  /* In the client: SQLite's length limit and progress handler. */
  baton__sql_limits_t lim = {.max_value = s->bounds.max_length,
                             .stop = s->bounds.stop,
                             .ud = s->bounds.ud};
  baton__sql_set_limits(s->sql, &lim);
  if (err != 0 && s->auth_err == NULL)
    s->auth_err = baton__strdup(s->err ? s->err : "out of memory");
}

static void pg_auth_end(baton_store_t *s) {
  baton__sql_set_check(s->sql, NULL, NULL);
  baton__sql_set_limits(s->sql, NULL);
  void *conn = baton__sql_postgres(s->sql);
  int failed = conn != NULL && PQtransactionStatus(conn) == PQTRANS_INERROR;
  if (s->pg_tx == 1)
    baton__sql_exec(s->sql, failed ? "ROLLBACK" : "COMMIT");
  else if (s->pg_tx == 2 && failed)
    baton__sql_exec(s->sql, "ROLLBACK TO SAVEPOINT baton_plugin_stmt; "
                            "RELEASE SAVEPOINT baton_plugin_stmt");
  else if (s->pg_tx == 2) /* a SET LOCAL outlives RELEASE: undo them */
    baton__sql_exec(s->sql,
                    s->pg_temp == 1
                        ? "RESET ROLE; RESET search_path; RESET "
                          "statement_timeout; RESET work_mem; RESET "
                          "temp_file_limit; RELEASE SAVEPOINT baton_plugin_stmt"
                        : "RESET ROLE; RESET search_path; RESET "
                          "statement_timeout; RESET work_mem; "
                          "RELEASE SAVEPOINT baton_plugin_stmt");
  s->pg_tx = 0;
}

void baton__store_auth_begin(baton_store_t *s, const char *plugin,
                             const baton_store_bounds_t *b) {
  s->auth_plugin = plugin;
  free(s->auth_err);
  s->auth_err = NULL;
  s->stopped = 0;
  s->bounds = b ? *b : (baton_store_bounds_t){0};
  if (s->db == NULL) { /* PostgreSQL: the engine's rights (above) */
    if (plugin != NULL)
      pg_auth_begin(s, plugin);
    return;
  }
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
  if (s->db == NULL)
    pg_auth_end(s);
  if (s->db != NULL && s->bounds.heap > 0) {
    sqlite3_hard_heap_limit64(s->saved_hard);
    sqlite3_soft_heap_limit64(s->saved_soft);
  }
  if (s->db != NULL && s->bounds.max_length > 0)
    sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, s->saved_length);
  if (s->db != NULL && s->bounds.stop != NULL)
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
  int pg = baton__sql_engine(s->sql) == BATON_SQL_POSTGRES;
  int err = baton__store_exec(s, pg ? pg_schema_version : sqlite_schema_version,
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
     * a new database at once cannot both apply a step (on PostgreSQL the
     * write lock baton__store_begin takes makes the second wait here). */
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
    char *refused =
        plugin != NULL && pg ? baton__store_pg_refusal(plugin, steps[v]) : NULL;
    if (refused != NULL) {
      err = baton__store_fail(s, BATON_EPERM, "%s: migration %d of %s: %s",
                              s->path, v + 1, plugin, refused);
      free(refused);
      goto fail_rollback;
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
  baton_names_free(s->pg_ready, s->npg_ready);
  s->pg_ready = NULL;
  s->npg_ready = 0;
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

char *baton__store_url_public(const char *url) {
  baton_buf_t b = {0};
  const char *p = url, *auth = strstr(url, "://");
  if (auth != NULL) {
    auth += 3;
    /* user:password@ before the host: keep the user */
    size_t hostpart = strcspn(auth, "/?");
    const char *at = memchr(auth, '@', hostpart);
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon != NULL) {
      baton__buf_append(&b, url, (size_t)(colon - url));
      p = at;
    }
  }
  /* and password=... among the parameters */
  const char *q = strchr(p, '?');
  baton__buf_append(&b, p, q ? (size_t)(q - p) : strlen(p));
  for (char sep = '?'; q != NULL && *q != '\0';) {
    q++;
    size_t n = strcspn(q, "&");
    if (strncmp(q, "password=", 9) != 0) {
      baton__buf_append(&b, &sep, 1);
      baton__buf_append(&b, q, n);
      sep = '&';
    }
    q += n;
  }
  if (b.data == NULL)
    baton__buf_append(&b, "", 0);
  return b.data;
}

/* Makes sure the PostgreSQL database is baton's before anything writes to
 * it: one with no tables in its schema (a new database), or one whose
 * schema_version has the core's rows. Another program's database is
 * refused untouched, naming a few of its tables. */
static int check_ours_pg(baton_store_t *s) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT (SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname ="
      "  current_schema()),"
      " (SELECT string_agg(tablename, ', ') FROM (SELECT tablename FROM"
      "  pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY"
      "  tablename COLLATE \"C\" LIMIT 5) t),"
      " to_regclass('schema_version') IS NOT NULL, current_schema()",
      &st);
  if (err != 0)
    return err;
  int rc = baton__sql_step(st);
  if (rc != SQLITE_ROW) {
    baton__sql_finalize(st);
    return baton__store_fail_sqlite(s, rc, "cannot read the database");
  }
  long long tables = baton__sql_column_int64(st, 0);
  char *names =
      baton__strdup(baton__col_text(st, 1) ? baton__col_text(st, 1) : "");
  int has_versions = (int)baton__sql_column_int64(st, 2);
  char *schema =
      baton__strdup(baton__col_text(st, 3) ? baton__col_text(st, 3) : "none");
  baton__sql_finalize(st);
  int core = 0;
  if (has_versions &&
      (err = baton__store_prepare(s,
                                  "SELECT count(*) FROM schema_version "
                                  "WHERE component = '" CORE_COMPONENT "'",
                                  &st)) == 0) {
    if (baton__sql_step(st) == SQLITE_ROW)
      core = baton__sql_column_int64(st, 0) > 0;
    baton__sql_finalize(st);
  }
  if (err == 0 && tables > 0 && !core)
    err = baton__store_fail(
        s, BATON_EINVAL,
        "%s holds tables of another program in schema %s (%s): baton left "
        "it untouched; give the URL of baton's database, or of a new "
        "database (CREATE DATABASE) to start one",
        s->path, schema ? schema : "?", names ? names : "");
  free(names);
  free(schema);
  return err;
}

static int open_postgres(baton_store_t *s, const char *url, int upto) {
  char *why = NULL;
  int rc = baton__sql_open_postgres(&s->sql, url, &why);
  if (rc != SQLITE_OK) {
    int err = baton__store_fail(
        s, rc == SQLITE_NOMEM ? BATON_ENOMEM : BATON_EIO,
        "cannot connect to %s: %s: is PostgreSQL running? check the URL "
        "(--db or BATON_DB): host, port, user and database name",
        s->path, why ? why : "out of memory");
    free(why);
    return err;
  }
  char set[64];
  snprintf(set, sizeof set, "SET lock_timeout = %d", busy_timeout_ms());
  int err = baton__store_exec(s, set, "cannot set the lock timeout");
  if (err == 0)
    err = check_ours_pg(s);
  if (err == 0)
    err = baton__store_migrate(s, CORE_COMPONENT, NULL, NULL, pg_migrations,
                               BATON_STORE_SCHEMA_VERSION, upto);
  return err;
}

int baton__store_open_version(baton_store_t **out, const char *path, int upto,
                              char **err) {
  *out = NULL;
  if (err)
    *err = NULL;
  baton_store_t *s = calloc(1, sizeof *s);
  if (s == NULL)
    return BATON_ENOMEM;
  int pg = baton__sql_is_url(path);
  s->path = pg ? baton__store_url_public(path) : baton__strdup(path);
  if (s->path == NULL) {
    free(s);
    return BATON_ENOMEM;
  }
  int rc, e;
  if (pg) {
    if ((e = open_postgres(s, path, upto)) != 0)
      goto fail;
    *out = s;
    return 0;
  }
  rc = sqlite3_open_v2(
      path, &s->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
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
  int pg = baton__store_pg(s);
  int err = baton__buf_printf(&sql,
                              "SELECT " PERSON_COLUMNS
                              " FROM people p WHERE (p.active = 1 OR %d = 1)",
                              include_inactive ? 1 : 0);
  /* Case-insensitive as SQLite's NOCASE (ASCII letters): PostgreSQL has
   * no NOCASE, lower() on both sides does the same on both engines. */
  for (size_t i = 0; i < nfilters && err == 0; i++) {
    const char *k = filters[i].key, *c;
    if ((c = in_list(k, plain_columns, 9)) != NULL)
      err = baton__buf_printf(&sql, " AND lower(p.%s) = lower(?%zu)", c, i + 1);
    else if ((c = in_list(k, list_columns, 3)) != NULL)
      err = baton__buf_printf(
          &sql,
          " AND %s(';' || lower(p.%s) || ';', ';' || lower(?%zu) || "
          "';') > 0",
          pg ? "strpos" : "instr", c, i + 1);
    else if (strcasecmp(k, "active") == 0)
      err = baton__buf_printf(&sql, " AND p.active = ?%zu", i + 1);
    else /* attribute names in any case: `FTE` is `fte` */
      err = baton__buf_printf(
          &sql,
          " AND EXISTS (SELECT 1 FROM %s j WHERE lower(j.key) = lower(?%zu) "
          "AND lower(CAST(j.value AS TEXT)) = lower(?%zu))",
          pg ? "jsonb_each_text(CAST(p.attrs AS jsonb))" : "json_each(p.attrs)",
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
  int err = baton__store_prepare(
      s,
      baton__store_pg(s)
          ? "SELECT " PERSON_COLUMNS " FROM people p WHERE p.id IN (SELECT "
            "jsonb_array_elements_text(CAST(? AS jsonb))) ORDER BY p.id"
          : "SELECT " PERSON_COLUMNS " FROM people p WHERE p.id IN (SELECT "
            "value FROM json_each(?)) ORDER BY p.id",
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
  int err = baton__store_prepare(
      s,
      baton__store_pg(s)
          ? "SELECT DISTINCT j.key COLLATE \"C\" FROM people p, "
            "jsonb_object_keys(CAST(p.attrs AS jsonb)) j(key) ORDER BY 1"
          : "SELECT DISTINCT j.key FROM people p, json_each(p.attrs) j "
            "ORDER BY j.key",
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
                   "kind = coalesce(?2, groups.kind)",
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

/* Binds a data condition for PostgreSQL: the key as a text[] path
 * ("pair.mentor" is {pair,mentor}: is_data_key allows no other
 * characters) and the value as JSON text; NULL for what SQLite would not
 * match either (no text, or "", bound as NULL there; a number that is not
 * finite). */
static int bind_pg_match(baton__sql_stmt_t *st, int at,
                         const baton_event_match_t *m) {
  char *path = baton__asprintf("{%s}", m->key);
  if (path == NULL)
    return SQLITE_NOMEM;
  for (char *c = path; *c; c++)
    if (*c == '.')
      *c = ',';
  int rc = baton__sql_bind_text_copy(st, at, path, -1);
  free(path);
  json_t *v = NULL;
  switch (m->type) {
  case BATON_MATCH_TEXT:
    v = m->text && *m->text ? json_string(m->text) : NULL;
    break;
  case BATON_MATCH_INTEGER:
    v = json_integer(m->integer);
    break;
  case BATON_MATCH_NUMBER:
    v = json_real(m->number); /* NULL for NaN and infinities */
    break;
  case BATON_MATCH_BOOLEAN:
    v = json_boolean(m->integer);
    break;
  }
  char *text =
      v ? json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)) : NULL;
  json_decref(v);
  if (rc == SQLITE_OK)
    rc = text ? baton__sql_bind_text_copy(st, at + 1, text, -1)
              : baton__sql_bind_null(st, at + 1);
  free(text);
  return rc;
}

int baton_events_query(baton_store_t *s, const baton_event_query_t *q,
                       baton_event_cb cb, void *ud) {
  baton_buf_t sql = {0};
  int pg = baton__store_pg(s);
  /* CAST(? AS TEXT) IS NULL, not ? IS NULL: PostgreSQL must know a
   * parameter's type where it first meets it. */
  int err = baton__buf_printf(
      &sql, "SELECT id, at, actor, plugin, kind, subject, data FROM events "
            "WHERE (CAST(?1 AS TEXT) IS NULL OR plugin = ?1) AND "
            "(CAST(?2 AS TEXT) IS NULL OR kind = ?2) AND "
            "(CAST(?3 AS TEXT) IS NULL OR subject = ?3) AND "
            "(CAST(?4 AS TEXT) IS NULL OR at >= ?4) AND "
            "(CAST(?5 AS TEXT) IS NULL OR substr(at, 1, length(?5)) <= ?5) "
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
    /* PostgreSQL: the value at the path, as jsonb, equals the match
     * written as JSON (numbers compare as numbers, 5 = 5.0). */
    err = pg ? baton__buf_printf(&sql,
                                 " AND CAST(data AS jsonb) #> CAST(?%d AS "
                                 "TEXT[]) = CAST(?%d AS jsonb)",
                                 at, at + 1)
          : q->data[i].type == BATON_MATCH_BOOLEAN
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
  /* No limit: -1 on SQLite, NULL on PostgreSQL (which refuses -1). */
  if (q->limit)
    baton__sql_bind_int64(st, 7, (long long)q->limit);
  else if (pg)
    baton__sql_bind_null(st, 7);
  else
    baton__sql_bind_int64(st, 7, -1);
  for (size_t i = 0; i < q->ndata; i++) {
    const baton_event_match_t *m = &q->data[i];
    int at = 8 + 2 * (int)i;
    int brc;
    if (pg) {
      brc = bind_pg_match(st, at, m);
    } else {
      char *path = baton__asprintf("$.%s", m->key);
      brc = path ? baton__sql_bind_text_copy(st, at, path, -1) : SQLITE_NOMEM;
      free(path);
    }
    if (brc != SQLITE_OK) {
      baton__sql_finalize(st);
      return baton__store_fail(s, BATON_ENOMEM, "out of memory");
    }
    if (pg)
      continue;
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
                       baton__col_text(st, 2),         baton__col_text(st, 3),
                       baton__col_text(st, 4),         baton__col_text(st, 5),
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

/* baton backup and restore copy an SQLite file; PostgreSQL has its own
 * tools. */
static int no_file_copy(baton_store_t *s, const char *what) {
  return baton__store_fail(
      s, BATON_EINVAL,
      "%s is a PostgreSQL database: baton %s works on SQLite files; use "
      "PostgreSQL's tools (pg_dump -Fc to back up, pg_restore to restore), "
      "see docs/district.md, or `baton db copy` to move it to a file",
      s->path, what);
}

int baton_store_backup(baton_store_t *s, const char *path) {
  if (s->db == NULL)
    return no_file_copy(s, "backup");
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
  if (s->db == NULL)
    return no_file_copy(s, "restore");
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
