/* tests/unit/store/test_store_pg.c: core/store/store.c on PostgreSQL:
 * opening a postgresql:// URL, the core schema's PostgreSQL migrations,
 * refusing another program's database, the sentences of a server that is
 * down, backup refused, and the core queries (people filters, events
 * with data conditions) giving what they give on SQLite.
 *
 * Needs BATON_TEST_PG, the maintenance URL of a running PostgreSQL
 * (tests/pg/cluster.sh start DIR prints it); each test makes its own
 * database and drops it after. Registered as pg/unit/test_store_pg. */
#include <libpq-fe.h>

#include "store_helpers.h"

#define STR_(x) #x
#define VERSION_STR(x) STR_(x)

typedef struct {
  scratch_t *t;
  char name[64];
  char url[1024];
  baton_store_t *s;
} pgfx_t;

/* The maintenance URL with its database name replaced by name. */
static void url_of(char *out, size_t size, const char *name) {
  const char *m = getenv("BATON_TEST_PG");
  const char *auth = strstr(m, "://") + 3;
  const char *path = auth + strcspn(auth, "/?");
  const char *rest = *path == '/' ? path + 1 + strcspn(path + 1, "?") : path;
  snprintf(out, size, "%.*s/%s%s", (int)(path - m), m, name, rest);
}

static void admin(const char *sql) {
  PGconn *c = PQconnectdb(getenv("BATON_TEST_PG"));
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("cannot reach BATON_TEST_PG: %s", PQerrorMessage(c));
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
}

/* Runs sql on the database at url directly (libpq), outside baton. */
static void on_db(const char *url, const char *sql) {
  PGconn *c = PQconnectdb(url);
  assert_int_equal(PQstatus(c), CONNECTION_OK);
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK &&
      PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
}

static int pg_setup(void **state) {
  if (getenv("BATON_TEST_PG") == NULL || !*getenv("BATON_TEST_PG")) {
    print_error("BATON_TEST_PG is not set: start a test PostgreSQL with "
                "`tests/pg/cluster.sh start build/pg` and export the URL it "
                "prints as BATON_TEST_PG\n");
    return -1;
  }
  static int n;
  pgfx_t *f = calloc(1, sizeof *f);
  f->t = scratch_new();
  snprintf(f->name, sizeof f->name, "baton_unit_%d_%d", (int)getpid(), ++n);
  char sql[128];
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->name);
  admin(sql);
  url_of(f->url, sizeof f->url, f->name);
  *state = f;
  return 0;
}

static int pg_teardown(void **state) {
  pgfx_t *f = *state;
  baton_store_close(f->s);
  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", f->name);
  admin(sql);
  scratch_free(f->t);
  free(f);
  return 0;
}

static baton_store_t *open_pg(pgfx_t *f) {
  char *err = NULL;
  baton_store_t *s;
  if (baton_store_open(&s, f->url, &err) != 0)
    fail_msg("open %s: %s", f->url, err ? err : "?");
  return s;
}

/* The first column of the first row of sql through the store's own
 * connection (static storage; "" for none or NULL). */
static const char *pg_scalar(baton_store_t *s, const char *sql) {
  static char out[512];
  baton__sql_stmt_t *st;
  int rc = baton__sql_prepare(s->sql, sql, &st);
  if (rc != SQLITE_OK)
    fail_msg("%s: %s", sql, baton__sql_errmsg(s->sql));
  out[0] = '\0';
  if (baton__sql_step(st) == SQLITE_ROW && baton__sql_column_text(st, 0))
    snprintf(out, sizeof out, "%s", baton__sql_column_text(st, 0));
  baton__sql_finalize(st);
  return out;
}

static void test_open_makes_the_core_schema(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  assert_int_equal(baton_store_schema_version(f->s),
                   BATON_STORE_SCHEMA_VERSION);
  assert_null(baton__store_db(f->s)); /* no SQLite handle */
  assert_string_equal(
      pg_scalar(f->s, "SELECT string_agg(tablename, ',' ORDER BY tablename "
                      "COLLATE \"C\") FROM pg_tables WHERE schemaname = "
                      "current_schema()"),
      "baton_api_tokens,baton_invitations,baton_sessions,baton_settings,"
      "baton_terms,baton_users,events,groups,memberships,people,"
      "schema_version");
  assert_string_equal(pg_scalar(f->s,
                                "SELECT count(*) || ':' || max(version) FROM "
                                "schema_version WHERE component = 'baton'"),
                      VERSION_STR(BATON_STORE_SCHEMA_VERSION) ":" VERSION_STR(
                          BATON_STORE_SCHEMA_VERSION));
  /* The same keys and checks as on SQLite. */
  assert_string_equal(
      pg_scalar(f->s, "SELECT data_type FROM information_schema.columns "
                      "WHERE table_name = 'baton_sessions' AND column_name "
                      "= 'id_hash'"),
      "bytea");
  assert_string_equal(
      pg_scalar(f->s, "SELECT is_identity FROM information_schema.columns "
                      "WHERE table_name = 'events' AND column_name = 'id'"),
      "YES");
  assert_int_equal(baton__sql_exec(f->s->sql, "INSERT INTO people(id, name) "
                                              "VALUES ('', 'x')"),
                   SQLITE_CONSTRAINT);
}

static void test_migrations_apply_exactly_once(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  baton_store_close(f->s);
  f->s = open_pg(f);
  assert_string_equal(pg_scalar(f->s, "SELECT count(*) FROM schema_version"),
                      VERSION_STR(BATON_STORE_SCHEMA_VERSION));
}

static void test_migrates_an_older_database(void **state) {
  pgfx_t *f = *state;
  baton_store_t *old;
  assert_int_equal(baton__store_open_version(&old, f->url, 1, NULL), 0);
  assert_int_equal(baton_store_schema_version(old), 1);
  assert_int_equal(baton_events_log(old, "rota", NULL, "rota.assign", "T1",
                                    "{\"week\":1}", NULL),
                   0);
  /* Version 1 had no append-only rule. */
  assert_int_equal(baton__sql_exec(old->sql, "UPDATE events SET kind = kind"),
                   SQLITE_OK);
  baton_store_close(old);
  f->s = open_pg(f);
  assert_int_equal(baton_store_schema_version(f->s),
                   BATON_STORE_SCHEMA_VERSION);
  assert_string_equal(pg_scalar(f->s, "SELECT subject FROM events"), "T1");
}

static void test_the_event_log_is_append_only(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  long long id = 0, id2 = 0;
  assert_int_equal(
      baton_events_log(f->s, "mentor", "P001", "mentor.pair", "T1",
                       "{\"pair\":{\"mentor\":\"P001\"},\"n\":5,\"ok\":true}",
                       &id),
      0);
  assert_int_equal(baton_events_log(f->s, "mentor", NULL, "mentor.pair", "T2",
                                    "{\"n\":6,\"ok\":false}", &id2),
                   0);
  assert_true(id > 0 && id2 == id + 1);
  const char *attacks[] = {"UPDATE events SET kind = 'x'", "DELETE FROM events",
                           "TRUNCATE events"};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(baton__sql_exec(f->s->sql, attacks[i]), SQLITE_CONSTRAINT);
    assert_non_null(strstr(baton__sql_errmsg(f->s->sql), "append-only"));
  }
  assert_string_equal(pg_scalar(f->s, "SELECT count(*) FROM events"), "2");
  /* `at` is ISO 8601 UTC with milliseconds, as on SQLite. */
  const char *at = pg_scalar(f->s, "SELECT at FROM events LIMIT 1");
  assert_int_equal(strlen(at), 24);
  assert_true(at[10] == 'T' && at[23] == 'Z');
}

static int count_event(const baton_event_t *e, void *ud) {
  (void)e;
  (*(int *)ud)++;
  return 0;
}

static int events_matching(baton_store_t *s, const baton_event_match_t *m,
                           size_t n, size_t limit) {
  baton_event_query_t q = {
      .kind = "mentor.pair", .data = m, .ndata = n, .limit = limit};
  int count = 0;
  int err = baton_events_query(s, &q, count_event, &count);
  if (err != 0)
    fail_msg("%s", baton_store_last_error(s));
  return count;
}

static void test_event_data_conditions(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  assert_int_equal(
      baton_events_log(f->s, "mentor", NULL, "mentor.pair", "T1",
                       "{\"pair\":{\"mentor\":\"P001\"},\"n\":5,\"ok\":true}",
                       NULL),
      0);
  assert_int_equal(baton_events_log(f->s, "mentor", NULL, "mentor.pair", "T2",
                                    "{\"n\":\"5\",\"ok\":false}", NULL),
                   0);
  baton_event_match_t nested = {
      .key = "pair.mentor", .type = BATON_MATCH_TEXT, .text = "P001"};
  baton_event_match_t n5 = {
      .key = "n", .type = BATON_MATCH_INTEGER, .integer = 5};
  baton_event_match_t n5f = {
      .key = "n", .type = BATON_MATCH_NUMBER, .number = 5.0};
  baton_event_match_t s5 = {.key = "n", .type = BATON_MATCH_TEXT, .text = "5"};
  baton_event_match_t no = {
      .key = "ok", .type = BATON_MATCH_BOOLEAN, .integer = 0};
  assert_int_equal(events_matching(f->s, &nested, 1, 0), 1);
  assert_int_equal(events_matching(f->s, &n5, 1, 0), 1);  /* not "5" */
  assert_int_equal(events_matching(f->s, &n5f, 1, 0), 1); /* 5 = 5.0 */
  assert_int_equal(events_matching(f->s, &s5, 1, 0), 1);  /* not 5 */
  assert_int_equal(events_matching(f->s, &no, 1, 0), 1);
  assert_int_equal(events_matching(f->s, NULL, 0, 1), 1); /* the limit */
  assert_int_equal(events_matching(f->s, NULL, 0, 0), 2); /* none */
}

static int count_person(const baton_person_t *p, void *ud) {
  (void)p;
  (*(int *)ud)++;
  return 0;
}

static void test_people_import_and_filters(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  baton_import_options_t o;
  baton_import_options_init(&o);
  baton_import_report_t r;
  if (baton_people_import(f->s, fixture("people.csv"), &o, &r) != 0)
    fail_msg("import: %s", baton_store_last_error(f->s));
  assert_true(r.added > 0);
  baton_import_report_free(&r);
  int n = 0;
  baton_filter_t by_lang = {"languages", "mandarin"};
  assert_int_equal(baton_people_each(f->s, &by_lang, 1, 0, count_person, &n),
                   0);
  assert_int_equal(n, 1);
  n = 0;
  baton_filter_t by_attr = {"Trained_Facilitator", "YES"};
  assert_int_equal(baton_people_each(f->s, &by_attr, 1, 0, count_person, &n),
                   0);
  assert_true(n > 0);
  char want[16];
  snprintf(want, sizeof want, "%d", n);
  assert_string_equal(
      pg_scalar(f->s, "SELECT count(*) FROM people WHERE active = 1 AND "
                      "attrs::jsonb ->> 'trained_facilitator' = 'yes'"),
      want);
  /* The same import again changes nothing. */
  assert_int_equal(baton_people_import(f->s, fixture("people.csv"), &o, &r), 0);
  assert_int_equal(r.added + r.updated, 0);
  baton_import_report_free(&r);
  /* An import that fails writes nothing. */
  char *before = export_text(f->s, f->t);
  assert_int_not_equal(
      baton_people_import(f->s, fixture("bad_manager.csv"), &o, &r), 0);
  baton_import_report_free(&r);
  char *after = export_text(f->s, f->t);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

/* A column filter matches in any case (SQLite's NOCASE), as on SQLite. */
static void test_column_filters_ignore_case(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  baton_import_options_t o;
  baton_import_options_init(&o);
  baton_import_report_t r;
  if (baton_people_import(f->s, fixture("people.csv"), &o, &r) != 0)
    fail_msg("import: %s", baton_store_last_error(f->s));
  baton_import_report_free(&r);
  int n = 0;
  baton_filter_t dept = {"department", "MATHEMATICS"};
  assert_int_equal(baton_people_each(f->s, &dept, 1, 0, count_person, &n), 0);
  assert_string_equal(pg_scalar(f->s, "SELECT count(*) FROM people WHERE "
                                      "department = 'Mathematics'"),
                      "1");
  assert_int_equal(n, 1);
  n = 0;
  baton_filter_t fte = {"FTE", "0.8"};
  assert_int_equal(baton_people_each(f->s, &fte, 1, 0, count_person, &n), 0);
  assert_true(n > 0);
}

static void test_refuses_another_programs_database(void **state) {
  pgfx_t *f = *state;
  on_db(f->url, "CREATE TABLE invoices (n int); CREATE TABLE clients (n int)");
  char *err = NULL;
  baton_store_t *s = NULL;
  assert_int_equal(baton_store_open(&s, f->url, &err), BATON_EINVAL);
  assert_null(s);
  assert_non_null(strstr(err, "another program"));
  assert_non_null(strstr(err, "clients, invoices"));
  assert_non_null(strstr(err, f->name));
  free(err);
  /* untouched: no schema_version was made */
  f->s = NULL;
  PGconn *c = PQconnectdb(f->url);
  PGresult *r = PQexec(c, "SELECT to_regclass('schema_version') IS NULL");
  assert_string_equal(PQgetvalue(r, 0, 0), "t");
  PQclear(r);
  PQfinish(c);
}

static void test_server_down_says_what_to_do(void **state) {
  pgfx_t *f = *state;
  char *err = NULL;
  baton_store_t *s = NULL;
  const char *url = "postgresql://baton:sesame@/baton?host=/nonexistent/run"
                    "&password=sesame2";
  assert_int_equal(baton_store_open(&s, url, &err), BATON_EIO);
  assert_null(s);
  assert_non_null(strstr(err, "is PostgreSQL running? check the URL"));
  assert_non_null(strstr(err, "postgresql://baton@/baton?host=/nonexistent"));
  assert_null(strstr(err, "sesame"));
  free(err);
  (void)f;
}

static void test_backup_and_restore_point_to_pg_dump(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  assert_int_equal(baton_store_backup(f->s, scratch_path(f->t, "b.db")),
                   BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s), "pg_dump"));
  assert_int_equal(access(scratch_path(f->t, "b.db"), F_OK), -1);
  assert_int_equal(baton_store_restore(f->s, scratch_path(f->t, "b.db")),
                   BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s), "pg_restore"));
  assert_string_equal(baton_store_path(f->s), f->url);
}

/* Prepares and runs sql as plugin "evil"; returns the SQLite code of the
 * first failure or SQLITE_DONE/SQLITE_ROW, and the first column of the
 * first row in out. */
static int as_plugin(baton_store_t *s, const char *sql, char out[128]) {
  baton__store_auth_begin(s, "evil", NULL);
  baton__sql_stmt_t *st = NULL;
  int rc = baton__sql_prepare(s->sql, sql, &st);
  out[0] = '\0';
  if (rc == SQLITE_OK && st != NULL) {
    rc = baton__sql_step(st);
    if (rc == SQLITE_ROW && baton__sql_column_text(st, 0))
      snprintf(out, 128, "%s", baton__sql_column_text(st, 0));
  }
  baton__sql_finalize(st);
  if (rc == SQLITE_AUTH && s->auth_err)
    snprintf(out, 128, "%s", s->auth_err);
  baton__store_auth_end(s);
  return rc;
}

static void test_a_plugin_cannot_leave_its_role(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  char out[128];
  assert_int_equal(as_plugin(f->s, "SELECT current_user", out), SQLITE_ROW);
  assert_string_equal(out, "baton_plugin_evil");
  const char *escapes[] = {
      "SELECT set_config('role', 'baton', true)",
      "SELECT \"set_config\"('role', 'baton', false)",
      "select PG_CATALOG.SET_CONFIG('statement_timeout', '0', true)",
      "UPDATE pg_settings SET setting = 'baton' WHERE name = 'role'",
      "RESET ROLE",
      "SET ROLE baton",
      "SET SESSION AUTHORIZATION baton",
      "/* hi */ COMMIT",
      "DO $$ BEGIN PERFORM 1; END $$",
      "CREATE FUNCTION evil_f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
      "CREATE VIEW evil_v AS SELECT * FROM people",
      "GRANT SELECT ON people TO PUBLIC",
      "COPY people TO STDOUT",
      "SELECT U&\"\\0073et_config\"('role', 'baton', true)",
  };
  for (size_t i = 0; i < sizeof escapes / sizeof *escapes; i++) {
    int rc = as_plugin(f->s, escapes[i], out);
    if (rc != SQLITE_AUTH)
      fail_msg("not refused (%d): %s", rc, escapes[i]);
    assert_non_null(strstr(out, "plugin 'evil' may not"));
  }
  /* The engine's rights: core tables read-only, baton_* unreadable. */
  assert_int_equal(as_plugin(f->s, "SELECT count(*) FROM people", out),
                   SQLITE_ROW);
  assert_int_equal(as_plugin(f->s, "DELETE FROM people", out), SQLITE_AUTH);
  assert_int_equal(as_plugin(f->s, "SELECT * FROM baton_users", out),
                   SQLITE_AUTH);
  assert_int_equal(as_plugin(f->s, "DROP TABLE events", out), SQLITE_AUTH);
  /* Its own tables go to its schema. */
  assert_int_equal(as_plugin(f->s, "CREATE TABLE evil_t (a BIGINT)", out),
                   SQLITE_DONE);
  assert_string_equal(pg_scalar(f->s,
                                "SELECT schemaname || ':' || tableowner FROM "
                                "pg_tables WHERE tablename = 'evil_t'"),
                      "plugin_evil:baton_plugin_evil");
  /* The core is itself again after each statement, in a transaction too. */
  assert_string_equal(pg_scalar(f->s, "SELECT current_user"), "baton");
  assert_int_equal(baton__store_begin(f->s), 0);
  assert_int_equal(as_plugin(f->s, "INSERT INTO evil_t VALUES (1)", out),
                   SQLITE_DONE);
  assert_int_equal(as_plugin(f->s, "DELETE FROM people", out), SQLITE_AUTH);
  assert_string_equal(pg_scalar(f->s, "SELECT current_user"), "baton");
  assert_int_equal(baton__store_commit(f->s), 0); /* the failure undid only
                                                      its statement */
  assert_string_equal(
      pg_scalar(f->s, "SELECT count(*) FROM plugin_evil.evil_t"), "1");
}

/* What PostgreSQL reads as a string or a comment, and the check must too:
 * E'\'' is one quote (not the start of a longer string), comments nest. */
#define LONG_TAG                                                               \
  "tagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtagtag"
static void test_a_plugin_cannot_hide_code_from_the_check(void **state) {
  pgfx_t *f = *state;
  f->s = open_pg(f);
  char out[128];
  const char *hidden[] = {
      "SELECT E'\\'', set_config('role', 'baton', true) --'",
      "SELECT 1 /* a /* nested */ comment */, set_config('role', 'b', true)",
      "SELECT $a1$ ' $a1$, set_config('role', 'baton', true)",
      "SELECT 1 -- a comment ends at a carriage return\r, set_config('role', "
      "'baton', true)",
      "SELECT $" LONG_TAG "$ x $" LONG_TAG "$, set_config('role', 'baton', "
      "true)",
  };
  for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++) {
    int rc = as_plugin(f->s, hidden[i], out);
    if (rc != SQLITE_AUTH)
      fail_msg("not refused (%d): %s", rc, hidden[i]);
    assert_non_null(strstr(out, "may not use set_config"));
  }
  assert_string_equal(pg_scalar(f->s, "SELECT current_user"), "baton");
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, pg_setup, pg_teardown)
  const struct CMUnitTest tests[] = {
      T(test_open_makes_the_core_schema),
      T(test_migrations_apply_exactly_once),
      T(test_migrates_an_older_database),
      T(test_the_event_log_is_append_only),
      T(test_event_data_conditions),
      T(test_people_import_and_filters),
      T(test_column_filters_ignore_case),
      T(test_refuses_another_programs_database),
      T(test_server_down_says_what_to_do),
      T(test_backup_and_restore_point_to_pg_dump),
      T(test_a_plugin_cannot_leave_its_role),
      T(test_a_plugin_cannot_hide_code_from_the_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
