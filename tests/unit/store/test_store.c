/* tests/unit/store/test_store.c: core/store/store.c: opening, migrations, the plugin
 * authorizer, events, backup and restore, and a locked database. */
#include <sqlite3.h>

#include "store_helpers.h"

static void test_open_creates_schema_in_wal_mode_with_foreign_keys(
    void **state) {
  fx_t *f = *state;
  assert_string_equal(scalar(f->s, "PRAGMA journal_mode"), "wal");
  assert_string_equal(scalar(f->s, "PRAGMA foreign_keys"), "1");
  assert_int_equal(baton_store_schema_version(f->s),
                   BATON_STORE_SCHEMA_VERSION);
  assert_string_equal(
      scalar(f->s, "SELECT group_concat(name) FROM (SELECT name FROM "
                   "sqlite_schema WHERE type = 'table' ORDER BY name)"),
      "baton_api_tokens,baton_invitations,baton_sessions,baton_settings,"
      "baton_terms,baton_users,events,groups,memberships,people,schema_version");
}

static void test_migrations_apply_exactly_once(void **state) {
  fx_t *f = *state;
  baton_store_close(f->s);
  f->s = open_store_in(f->t); /* a second open applies nothing */
  assert_string_equal(
      scalar(f->s, "SELECT count(*) || ':' || max(version) FROM "
                   "schema_version WHERE component = 'baton'"),
      "7:7");
}

static void test_migrates_a_database_from_an_older_schema(void **state) {
  fx_t *f = *state;
  baton_store_t *old;
  const char *path = scratch_path(f->t, "old.db");
  assert_int_equal(baton__store_open_version(&old, path, 1, NULL), 0);
  assert_int_equal(baton_store_schema_version(old), 1);
  /* Version 1 had no append-only rule; write history under it. */
  assert_int_equal(baton_events_log(old, "rota", NULL, "rota.assign", "T1",
                                    "{\"week\":1}", NULL),
                   0);
  assert_string_equal(scalar(old, "UPDATE events SET kind = kind RETURNING "
                                  "'updatable'"),
                      "updatable");
  baton_store_close(old);

  baton_store_t *s;
  assert_int_equal(baton_store_open(&s, scratch_path(f->t, "old.db"), NULL),
                   0);
  assert_int_equal(baton_store_schema_version(s), BATON_STORE_SCHEMA_VERSION);
  assert_string_equal(scalar(s, "PRAGMA application_id"), "1111577678");
  assert_string_equal(scalar(s, "SELECT subject FROM events"), "T1");
  assert_int_not_equal(
      sqlite3_exec(s->db, "UPDATE events SET kind = 'x'", NULL, NULL, NULL),
      SQLITE_OK);
  assert_non_null(strstr(sqlite3_errmsg(s->db), "append-only"));
  baton_store_close(s);
}

static void test_refuses_a_database_from_a_newer_baton(void **state) {
  fx_t *f = *state;
  assert_int_equal(sqlite3_exec(f->s->db,
                                "INSERT INTO schema_version(component, "
                                "version) VALUES ('baton', 99)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  baton_store_close(f->s);
  f->s = NULL;
  baton_store_t *s;
  char *err = NULL;
  assert_int_equal(baton_store_open(&s, scratch_path(f->t, "baton.db"), &err),
                   BATON_EVERSION);
  assert_null(s);
  assert_non_null(strstr(err, "was written by a newer baton (schema "
                              "version 99; this baton knows up to 7)"));
  free(err);
  unlink(scratch_path(f->t, "baton.db")); /* a fresh file for teardown */
  unlink(scratch_path(f->t, "baton.db-wal"));
  unlink(scratch_path(f->t, "baton.db-shm"));
  f->s = open_store_in(f->t);
}

static void test_open_names_the_file_when_it_is_not_a_database(void **state) {
  fx_t *f = *state;
  const char *path = scratch_path(f->t, "notes.txt");
  write_text(path, "these are not the pages you are looking for, at all; "
                   "this text is long enough to be read as a header........"
                   "...............................................\n");
  baton_store_t *s;
  char *err = NULL;
  assert_int_equal(baton_store_open(&s, path, &err), BATON_ESTORE);
  assert_non_null(strstr(err, "notes.txt"));
  assert_non_null(strstr(err, "not a database"));
  free(err);
}

/* Prepares sql as plugin `who`; returns 0 or the SQLite code, with the
 * refusal in *why. */
static int prepare_as(baton_store_t *s, const char *who, const char *sql,
                      char *why, size_t n) {
  sqlite3_stmt *st = NULL;
  baton__store_auth_begin(s, who, NULL);
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st) == SQLITE_DONE || sqlite3_errcode(s->db) == SQLITE_ROW
             ? 0
             : sqlite3_errcode(s->db);
  snprintf(why, n, "%s", s->auth_err ? s->auth_err : "");
  sqlite3_finalize(st);
  baton__store_auth_end(s);
  return rc;
}

static void test_authorizer_refuses_another_plugins_table(void **state) {
  fx_t *f = *state;
  static const char *const steps[] = {
      "CREATE TABLE mentor_pairs (mentor TEXT, mentee TEXT);"
      "INSERT INTO mentor_pairs VALUES ('T001', 'T002')"};
  assert_int_equal(
      baton__store_migrate(f->s, "plugin/mentor", "mentor", NULL, steps, 1, 1), 0);
  char why[512];
  assert_int_equal(prepare_as(f->s, "mentor", "SELECT * FROM mentor_pairs",
                              why, sizeof why),
                   0);
  assert_int_equal(prepare_as(f->s, "rota", "SELECT * FROM mentor_pairs", why,
                              sizeof why),
                   SQLITE_AUTH);
  assert_non_null(strstr(why, "plugin 'rota' may not read table "
                              "'mentor_pairs'"));
  assert_non_null(strstr(why, "whose names start with 'rota_'"));
  assert_int_equal(prepare_as(f->s, "rota", "DROP TABLE mentor_pairs", why,
                              sizeof why),
                   SQLITE_AUTH);
  /* A name that merely starts with the plugin's name is not its own. */
  assert_int_equal(prepare_as(f->s, "ment", "SELECT * FROM mentor_pairs",
                              why, sizeof why),
                   SQLITE_AUTH);
}

static void test_authorizer_allows_reading_core_tables_only(void **state) {
  fx_t *f = *state;
  char why[512];
  assert_int_equal(prepare_as(f->s, "rota",
                              "SELECT p.name FROM people p JOIN memberships m "
                              "ON m.person_id = p.id",
                              why, sizeof why),
                   0);
  assert_int_equal(prepare_as(f->s, "rota", "DELETE FROM people", why,
                              sizeof why),
                   SQLITE_AUTH);
  assert_non_null(strstr(why, "may not change core table 'people'"));
  assert_int_equal(prepare_as(f->s, "rota", "PRAGMA foreign_keys = OFF", why,
                              sizeof why),
                   SQLITE_AUTH);
  assert_int_equal(prepare_as(f->s, "rota", "ATTACH 'x.db' AS x", why,
                              sizeof why),
                   SQLITE_AUTH);
  assert_int_equal(prepare_as(f->s, "rota",
                              "CREATE INDEX rota_i ON people(name)", why,
                              sizeof why),
                   SQLITE_AUTH);
  assert_int_equal(prepare_as(f->s, "rota", "SELECT * FROM schema_version",
                              why, sizeof why),
                   SQLITE_AUTH);
}

static void test_authorizer_no_plugin_owns_core_bookkeeping(void **state) {
  fx_t *f = *state;
  char why[512];
  /* A plugin called "schema" or "sqlite" or "baton" owns nothing of the
   * core's because of its name. */
  assert_int_equal(prepare_as(f->s, "schema",
                              "INSERT INTO schema_version(component, version)"
                              " VALUES ('baton', 99)",
                              why, sizeof why),
                   SQLITE_AUTH);
  assert_non_null(strstr(why, "may not write table 'schema_version'"));
  assert_int_equal(prepare_as(f->s, "schema", "DROP TABLE schema_version",
                              why, sizeof why),
                   SQLITE_AUTH);
  assert_int_equal(prepare_as(f->s, "baton", "CREATE TABLE baton_users (x)",
                              why, sizeof why),
                   SQLITE_AUTH);
  assert_string_equal(scalar(f->s, "SELECT max(version) FROM schema_version "
                                   "WHERE component = 'baton'"),
                      "7");
}

static void test_authorizer_checks_views_triggers_and_ctes_as_the_runner(
    void **state) {
  fx_t *f = *state;
  static const char *const steps[] = {"CREATE TABLE mentor_pairs (m, e);"
                                      "INSERT INTO mentor_pairs VALUES (1, 2)"};
  assert_int_equal(baton__store_migrate(f->s, "plugin/mentor", "mentor", NULL,
                                        steps, 1, 1),
                   0);
  char why[512];
  assert_int_equal(prepare_as(f->s, "rota",
                              "CREATE VIEW rota_v AS SELECT * FROM people",
                              why, sizeof why),
                   SQLITE_AUTH);
  assert_non_null(strstr(why, "may not create view or trigger 'rota_v'"));
  assert_int_equal(prepare_as(f->s, "rota",
                              "WITH c AS (SELECT * FROM mentor_pairs) "
                              "SELECT * FROM c",
                              why, sizeof why),
                   SQLITE_AUTH);
  assert_non_null(strstr(why, "'mentor_pairs' (through c)"));
  /* A CTE's own name is not a table: reading it is allowed. */
  assert_int_equal(prepare_as(f->s, "rota",
                              "SELECT n FROM (WITH RECURSIVE r(n) AS (SELECT 1"
                              " UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
                              "SELECT n FROM r)",
                              why, sizeof why),
                   0);
  /* A trigger the core did not make, found at open, is not run by core
   * SQL; one made after open by a plugin cannot exist (refused above). */
  assert_int_equal(sqlite3_exec(f->s->db,
                                "CREATE TRIGGER mentor_tr AFTER UPDATE ON "
                                "people BEGIN DELETE FROM mentor_pairs; END",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  char *path = baton__strdup(baton_store_path(f->s));
  baton_store_close(f->s);
  char *err = NULL;
  assert_int_equal(baton_store_open(&f->s, path, &err), 0);
  free(path);
  assert_int_not_equal(sqlite3_exec(f->s->db, "UPDATE people SET name = name",
                                    NULL, NULL, NULL),
                       SQLITE_OK);
  assert_non_null(strstr(f->s->auth_err, "'mentor_tr' in "));
  assert_non_null(strstr(f->s->auth_err, "was not made by baton's core"));
  assert_string_equal(scalar(f->s, "SELECT count(*) FROM mentor_pairs"), "1");
}

static int stop_after(void *ud) { return --*(int *)ud < 0; }

static void test_plugin_sql_stops_at_its_bounds(void **state) {
  fx_t *f = *state;
  sqlite3_stmt *st = NULL;
  /* The progress handler: a query that never ends stops when stop() says. */
  int calls = 5;
  baton_store_bounds_t b = {.stop = stop_after, .ud = &calls};
  baton__store_auth_begin(f->s, "rota", &b);
  assert_int_equal(sqlite3_prepare_v2(f->s->db,
                                      "WITH RECURSIVE r(n) AS (SELECT 1 UNION "
                                      "ALL SELECT n + 1 FROM r) SELECT "
                                      "count(*) FROM r",
                                      -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_INTERRUPT);
  assert_true(baton__store_auth_stopped(f->s));
  sqlite3_finalize(st);
  baton__store_auth_end(f->s);
  /* The heap bound: a sort that needs more memory fails, and the limit
   * is lifted afterwards. */
  b = (baton_store_bounds_t){.heap = 2u << 20};
  baton__store_auth_begin(f->s, "rota", &b);
  assert_int_equal(sqlite3_prepare_v2(f->s->db,
                                      "WITH RECURSIVE r(n) AS (SELECT 1 UNION "
                                      "ALL SELECT n + 1 FROM r WHERE n < "
                                      "200000) SELECT count(*) FROM (SELECT "
                                      "DISTINCT n, hex(randomblob(100)) b "
                                      "FROM r ORDER BY b)",
                                      -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st) & 0xff, SQLITE_NOMEM);
  sqlite3_finalize(st);
  baton__store_auth_end(f->s);
  assert_int_equal(sqlite3_hard_heap_limit64(-1), 0);
  /* The length bound, lifted afterwards too. */
  b = (baton_store_bounds_t){.max_length = 1000};
  baton__store_auth_begin(f->s, "rota", &b);
  assert_int_equal(sqlite3_prepare_v2(f->s->db,
                                      "SELECT length(zeroblob(2000))", -1, &st,
                                      NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_TOOBIG);
  sqlite3_finalize(st);
  baton__store_auth_end(f->s);
  assert_string_equal(scalar(f->s, "SELECT length(zeroblob(2000))"), "2000");
}

static void test_plugin_migrations_apply_once_and_stay_in_bounds(
    void **state) {
  fx_t *f = *state;
  static const char *const steps[] = {
      "CREATE TABLE rota_slots (week INTEGER, person TEXT)",
      "ALTER TABLE rota_slots ADD COLUMN role TEXT"};
  assert_int_equal(
      baton__store_migrate(f->s, "plugin/rota", "rota", NULL, steps, 1, 1), 0);
  assert_int_equal(
      baton__store_migrate(f->s, "plugin/rota", "rota", NULL, steps, 2, 2), 0);
  assert_int_equal(
      baton__store_migrate(f->s, "plugin/rota", "rota", NULL, steps, 2, 2), 0);
  assert_string_equal(scalar(f->s, "SELECT count(*) FROM schema_version "
                                   "WHERE component = 'plugin/rota'"),
                      "2");
  /* An older plugin meeting a newer plugin's database says so. */
  assert_int_equal(
      baton__store_migrate(f->s, "plugin/rota", "rota", NULL, steps, 1, 1),
      BATON_EVERSION);
  /* A step outside the plugin's tables fails and is not recorded. */
  static const char *const bad[] = {"CREATE TABLE mentor_x (a)"};
  assert_int_equal(baton__store_migrate(f->s, "plugin/x", "x", NULL, bad, 1, 1),
                   BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "may not create"));
  assert_string_equal(scalar(f->s, "SELECT count(*) FROM schema_version "
                                   "WHERE component = 'plugin/x'"),
                      "0");
}

typedef struct {
  int n;
  char last[128];
} events_t;

static int count_event(const baton_event_t *e, void *ud) {
  events_t *c = ud;
  c->n++;
  snprintf(c->last, sizeof c->last, "%s %s %s %s", e->plugin, e->kind,
           e->subject, e->data ? e->data : "null");
  return 0;
}

static void test_events_are_appended_listed_and_never_changed(void **state) {
  fx_t *f = *state;
  long long id;
  assert_int_equal(baton_events_log(f->s, "mentor", "coordinator",
                                    "mentor.pair", "T002",
                                    "{\"mentor\":\"T001\"}", &id),
                   0);
  assert_int_equal(id, 1);
  assert_int_equal(baton_events_log(f->s, "rota", NULL, "rota.assign", "T001",
                                    NULL, NULL),
                   0);
  assert_int_equal(
      baton_events_log(f->s, "rota", NULL, "x", NULL, "{not json", NULL),
      BATON_EINVAL);
  assert_int_equal(baton_events_log(f->s, "rota", NULL, "", NULL, NULL, NULL),
                   BATON_EINVAL);
  events_t c = {0};
  assert_int_equal(baton_events_each(f->s, NULL, "mentor.pair", NULL, NULL, 0,
                                     count_event, &c),
                   0);
  assert_int_equal(c.n, 1);
  assert_string_equal(c.last, "mentor mentor.pair T002 {\"mentor\":\"T001\"}");
  c.n = 0;
  assert_int_equal(baton_events_each(f->s, NULL, NULL, NULL, "2999-01-01", 0,
                                     count_event, &c),
                   0);
  assert_int_equal(c.n, 0);
  assert_int_not_equal(
      sqlite3_exec(f->s->db, "DELETE FROM events", NULL, NULL, NULL),
      SQLITE_OK);
}

/* Appends each event's id to a "1,2,3" list. */
static int event_ids(const baton_event_t *e, void *ud) {
  char *out = ud;
  size_t n = strlen(out);
  snprintf(out + n, 128 - n, "%s%lld", n ? "," : "", e->id);
  return 0;
}

static void
test_events_query_orders_limits_and_matches_data_in_sql(void **state) {
  fx_t *f = *state;
  const char *data[] = {"{\"mentee\":1,\"ok\":true,\"p\":{\"m\":\"A\"}}",
                        "{\"mentee\":2,\"ok\":false}",
                        "{\"mentee\":\"2\",\"ok\":true}", NULL};
  for (int i = 0; i < 4; i++)
    assert_int_equal(
        baton_events_log(f->s, "p", NULL, "k", NULL, data[i], NULL), 0);
  char ids[128] = "";
  baton_event_query_t q = {.newest_first = 1, .limit = 2};
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), 0);
  assert_string_equal(ids, "4,3"); /* the newest two, newest first */
  ids[0] = '\0';
  q = (baton_event_query_t){.limit = 2};
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), 0);
  assert_string_equal(ids, "1,2");
  /* A number matches the number only, not the text "2". */
  baton_event_match_t m[2] = {
      {.key = "mentee", .type = BATON_MATCH_INTEGER, .integer = 2}};
  q = (baton_event_query_t){.data = m, .ndata = 1};
  ids[0] = '\0';
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), 0);
  assert_string_equal(ids, "2");
  m[0] = (baton_event_match_t){
      .key = "mentee", .type = BATON_MATCH_TEXT, .text = "2"};
  ids[0] = '\0';
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), 0);
  assert_string_equal(ids, "3");
  /* A boolean is JSON's true, not the number 1; conditions combine. */
  m[0] = (baton_event_match_t){
      .key = "ok", .type = BATON_MATCH_BOOLEAN, .integer = 1};
  m[1] = (baton_event_match_t){
      .key = "p.m", .type = BATON_MATCH_TEXT, .text = "A"};
  q.ndata = 2;
  ids[0] = '\0';
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), 0);
  assert_string_equal(ids, "1");
  /* A key that is not a field name is refused before any SQL runs. */
  m[0].key = "x') OR 1=1 --";
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s), "not a field"));
  /* until takes in the whole day it names; one event by id. */
  q = (baton_event_query_t){.until = "2000-01-01"};
  ids[0] = '\0';
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), 0);
  assert_string_equal(ids, "");
  q = (baton_event_query_t){.until = "2999-12-31", .id = 3};
  assert_int_equal(baton_events_query(f->s, &q, event_ids, ids), 0);
  assert_string_equal(ids, "3");
}

static int count_people(const baton_person_t *p, void *ud) {
  (void)p;
  ++*(int *)ud;
  return 0;
}

static void
test_people_get_many_reads_the_ids_given_in_one_query(void **state) {
  fx_t *f = *state;
  baton_import_report_t r;
  assert_int_equal(baton_people_import(f->s, fixture("people.csv"), NULL, &r),
                   0);
  baton_import_report_free(&r);
  const char *ids[] = {"T001", "nobody", "T002", "T001", "\"quoted\""};
  int n = 0;
  assert_int_equal(baton_people_get_many(f->s, ids, 5, count_people, &n), 0);
  assert_int_equal(n, 2);
  n = 0;
  assert_int_equal(baton_people_get_many(f->s, ids, 0, count_people, &n), 0);
  assert_int_equal(n, 0);
}

static void test_backup_and_restore_round_trip(void **state) {
  fx_t *f = *state;
  baton_import_report_t r;
  assert_int_equal(baton_people_import(f->s, fixture("people.csv"), NULL, &r),
                   0);
  baton_import_report_free(&r);
  char *before = export_text(f->s, f->t);
  char backup[600];
  snprintf(backup, sizeof backup, "%s/backup.db", f->t->dir);
  assert_int_equal(baton_store_backup(f->s, backup), 0);
  /* Change everything, then restore. */
  write_text(scratch_path(f->t, "other.csv"), "id,name\nZ1,Someone Else\n");
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.full = 1;
  assert_int_equal(baton_people_import(f->s, f->t->path, &o, &r), 0);
  baton_import_report_free(&r);
  assert_int_equal(baton_store_restore(f->s, backup), 0);
  char *after = export_text(f->s, f->t);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

static void test_restore_refuses_a_file_that_is_not_a_baton_backup(
    void **state) {
  fx_t *f = *state;
  sqlite3 *other;
  const char *path = scratch_path(f->t, "other.db");
  assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
  assert_int_equal(
      sqlite3_exec(other, "CREATE TABLE x(a)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(other);
  assert_int_equal(baton_store_restore(f->s, path), BATON_ESTORE);
  assert_non_null(strstr(baton_store_last_error(f->s), "is not a baton "
                                                       "backup"));
  assert_int_equal(baton_store_restore(f->s, scratch_path(f->t, "none.db")),
                   BATON_ENOENT);
}

static void test_locked_database_gives_a_clear_busy_error(void **state) {
  fx_t *f = *state;
  setenv("BATON_BUSY_TIMEOUT_MS", "100", 1);
  baton_store_t *other = open_store_in(f->t);
  unsetenv("BATON_BUSY_TIMEOUT_MS");
  /* Another baton holds the write lock. */
  assert_int_equal(baton__store_begin(f->s), 0);
  baton_import_report_t r;
  assert_int_equal(baton_people_import(other, fixture("people.csv"), NULL, &r),
                   BATON_EBUSY);
  assert_non_null(strstr(baton_store_last_error(other), "another baton is "
                                                        "writing to it"));
  baton_import_report_free(&r);
  baton__store_rollback(f->s);
  assert_int_equal(baton_people_import(other, fixture("people.csv"), NULL, &r),
                   0);
  baton_import_report_free(&r);
  baton_store_close(other);
}

static void test_full_disk_gives_a_clear_error_and_changes_nothing(
    void **state) {
  fx_t *f = *state;
  baton_import_report_t r;
  assert_int_equal(baton_people_import(f->s, fixture("people.csv"), NULL, &r),
                   0);
  baton_import_report_free(&r);
  char *before = export_text(f->s, f->t);
  /* SQLite reports a full disk as SQLITE_FULL; a page cap triggers it. */
  const char *big = scratch_path(f->t, "big.csv");
  FILE *out = fopen(big, "w");
  assert_non_null(out);
  fprintf(out, "id,name,note\n");
  for (int i = 0; i < 5000; i++)
    fprintf(out, "N%05d,Person %d,%0200d\n", i, i, i);
  fclose(out);
  assert_string_equal(scalar(f->s, "PRAGMA max_page_count = 24"), "24");
  assert_int_equal(baton_people_import(f->s, f->t->path, NULL, &r),
                   BATON_EFULL);
  baton_import_report_free(&r);
  assert_non_null(strstr(baton_store_last_error(f->s), "the disk is full"));
  assert_string_equal(scalar(f->s, "PRAGMA max_page_count = 1000000"),
                      "1000000");
  char *after = export_text(f->s, f->t);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

static void test_read_only_database_gives_a_clear_error(void **state) {
  fx_t *f = *state;
  scalar(f->s, "PRAGMA query_only = 1"); /* as a read-only file behaves */
  baton_import_report_t r;
  int rc = baton_people_import(f->s, fixture("people.csv"), NULL, &r);
  baton_import_report_free(&r);
  assert_int_equal(rc, BATON_EREADONLY);
  assert_non_null(strstr(baton_store_last_error(f->s), "read-only"));
  /* Reading still works. */
  assert_int_equal(baton_people_each(f->s, NULL, 0, 1, NULL, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_open_creates_schema_in_wal_mode_with_foreign_keys),
      T(test_events_query_orders_limits_and_matches_data_in_sql),
      T(test_people_get_many_reads_the_ids_given_in_one_query),
      T(test_migrations_apply_exactly_once),
      T(test_migrates_a_database_from_an_older_schema),
      T(test_refuses_a_database_from_a_newer_baton),
      T(test_open_names_the_file_when_it_is_not_a_database),
      T(test_authorizer_refuses_another_plugins_table),
      T(test_authorizer_allows_reading_core_tables_only),
      T(test_authorizer_no_plugin_owns_core_bookkeeping),
      T(test_authorizer_checks_views_triggers_and_ctes_as_the_runner),
      T(test_plugin_sql_stops_at_its_bounds),
      T(test_plugin_migrations_apply_once_and_stay_in_bounds),
      T(test_events_are_appended_listed_and_never_changed),
      T(test_backup_and_restore_round_trip),
      T(test_restore_refuses_a_file_that_is_not_a_baton_backup),
      T(test_locked_database_gives_a_clear_busy_error),
      T(test_full_disk_gives_a_clear_error_and_changes_nothing),
      T(test_read_only_database_gives_a_clear_error),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
