/* tests/unit/store/test_sql_pg.c: sql.h on a real PostgreSQL (sql_pg.c).
 *
 * Each test gets a fresh database on the test cluster named by
 * BATON_TEST_PG (tests/pg/cluster.sh start DIR prints it); without it the
 * run fails and says how to start one. Registered as pg/unit/test_sql_pg
 * when configured with -DBATON_PG_TESTS=ON (./bootstrap test does). */
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <time.h>

#include "listen.h"
#include "sql.h"

static const char *maintenance; /* BATON_TEST_PG */

/* A fresh database and a connection to it. */
typedef struct {
  char name[64];
  char *url;
  baton__sql_t *c;
} db_t;

/* Runs one statement on a libpq connection to `url`, failing the test if
 * it fails. */
static void admin(const char *url, const char *sql) {
  PGconn *a = PQconnectdb(url);
  assert_int_equal(PQstatus(a), CONNECTION_OK);
  PGresult *r = PQexec(a, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK &&
      PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("%s: %s", sql, PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(a);
}

/* The URL of database `name` on the cluster: the maintenance URL with its
 * path replaced; `userinfo` (e.g. "baton:pw@") goes before the host part. */
static char *url_of(const char *name, const char *userinfo) {
  const char *q = strchr(maintenance, '?');
  char *u = malloc(strlen(maintenance) + strlen(name) + 64);
  sprintf(u, "postgresql://%s/%s%s", userinfo, name, q ? q : "");
  return u;
}

static int setup(void **state) {
  static unsigned seq;
  db_t *d = calloc(1, sizeof *d);
  snprintf(d->name, sizeof d->name, "sqlpg_%d_%u", (int)getpid(), ++seq);
  char sql[128];
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", d->name);
  admin(maintenance, sql);
  d->url = url_of(d->name, "");
  char *err = NULL;
  int rc = baton__sql_open_postgres(&d->c, d->url, &err);
  if (rc != SQLITE_OK)
    fail_msg("cannot open %s: %s", d->url, err ? err : "?");
  *state = d;
  return 0;
}

static int teardown(void **state) {
  db_t *d = *state;
  baton__sql_close(d->c);
  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", d->name);
  admin(maintenance, sql);
  free(d->url);
  free(d);
  return 0;
}

static void exec_ok(baton__sql_t *c, const char *sql) {
  if (baton__sql_exec(c, sql) != SQLITE_OK)
    fail_msg("%s: %s", sql, baton__sql_errmsg(c));
}

static baton__sql_stmt_t *prep(baton__sql_t *c, const char *sql) {
  baton__sql_stmt_t *st = NULL;
  if (baton__sql_prepare(c, sql, &st) != SQLITE_OK)
    fail_msg("%s: %s", sql, baton__sql_errmsg(c));
  assert_non_null(st);
  return st;
}

/* Runs sql (no parameters) and returns the code of its first step. */
static int step_once(baton__sql_t *c, const char *sql) {
  baton__sql_stmt_t *st = NULL;
  int rc = baton__sql_prepare(c, sql, &st);
  if (rc != SQLITE_OK)
    return rc;
  rc = baton__sql_step(st);
  baton__sql_finalize(st);
  return rc;
}

/* ---- placeholders -------------------------------------------------------- */

static void
test_placeholders_inside_quotes_and_comments_are_untouched(void **state) {
  db_t *d = *state;
  baton__sql_stmt_t *st =
      prep(d->c, "SELECT ?, '?''?', E'\\'?', $$?$$, $tag$ ?$ $tag$, "
                 "? /* ? /* ? */ ? */ AS \"wh?\" -- ?\n, ?1");
  assert_int_equal(baton__sql_bind_parameter_count(st), 2);
  baton__sql_bind_text(st, 1, "one", -1);
  baton__sql_bind_text(st, 2, "two", -1);
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_int_equal(baton__sql_column_count(st), 7);
  assert_string_equal(baton__sql_column_text(st, 0), "one");
  assert_string_equal(baton__sql_column_text(st, 1), "?'?");
  assert_string_equal(baton__sql_column_text(st, 2), "'?");
  assert_string_equal(baton__sql_column_text(st, 3), "?");
  assert_string_equal(baton__sql_column_text(st, 4), " ?$ ");
  assert_string_equal(baton__sql_column_text(st, 5), "two");
  assert_string_equal(baton__sql_column_name(st, 5), "wh?");
  assert_string_equal(baton__sql_column_text(st, 6), "one");
  assert_int_equal(baton__sql_step(st), SQLITE_DONE);
  baton__sql_finalize(st);
}

static void test_numbered_placeholders_follow_sqlite_numbering(void **state) {
  db_t *d = *state;
  /* ?3 then ? (= ?4), as SQLite numbers them. */
  baton__sql_stmt_t *st = prep(d->c, "SELECT ?3::text || ?::text || ?1::text");
  assert_int_equal(baton__sql_bind_parameter_count(st), 4);
  baton__sql_bind_text(st, 1, "a", -1);
  baton__sql_bind_text(st, 2, "b", -1);
  baton__sql_bind_text(st, 3, "c", -1);
  baton__sql_bind_text(st, 4, "d", -1);
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_string_equal(baton__sql_column_text(st, 0), "cda");
  assert_int_equal(baton__sql_bind_text(st, 5, "e", -1), SQLITE_RANGE);
  baton__sql_finalize(st);
  assert_int_equal(baton__sql_prepare(d->c, "SELECT ?32767", &st),
                   SQLITE_RANGE);
  assert_null(st);
}

/* ---- values -------------------------------------------------------------- */

static void test_every_type_round_trips(void **state) {
  db_t *d = *state;
  exec_ok(d->c, "CREATE TABLE t (n BIGINT, x DOUBLE PRECISION, s TEXT, "
                "b BYTEA, f BOOLEAN, k INTEGER, m NUMERIC)");
  static const unsigned char bytes[] = {0, 1, 0, 255, '\\', 'x', 0};
  const char *unicode = "Zoë Ångström ✓ 日本語 🎓";
  struct {
    long long n;
    double x;
  } rows[] = {
      {LLONG_MIN, 0.1}, {LLONG_MAX, -1.7976931348623157e308}, {0, 5e-324}};
  baton__sql_stmt_t *ins =
      prep(d->c, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (int i = 0; i < 3; i++) {
    baton__sql_reset(ins);
    baton__sql_bind_int64(ins, 1, rows[i].n);
    baton__sql_bind_double(ins, 2, rows[i].x);
    if (i == 0) {
      baton__sql_bind_text(ins, 3, unicode, -1);
      baton__sql_bind_blob(ins, 4, bytes, sizeof bytes);
      baton__sql_bind_int64(ins, 5, 1);
    } else if (i == 1) {
      baton__sql_bind_text(ins, 3, "", -1);
      baton__sql_bind_blob(ins, 4, "", 0);
      baton__sql_bind_int64(ins, 5, 0);
    } else {
      baton__sql_bind_null(ins, 3);
      baton__sql_bind_null(ins, 4);
      baton__sql_bind_null(ins, 5);
    }
    baton__sql_bind_int64(ins, 6, -7);
    baton__sql_bind_text(ins, 7, "2.5", -1);
    assert_int_equal(baton__sql_step(ins), SQLITE_DONE);
  }
  baton__sql_finalize(ins);

  baton__sql_stmt_t *st = prep(d->c, "SELECT n, x, s, b, f, k, m FROM t "
                                     "ORDER BY n");
  /* LLONG_MIN first */
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_int_equal(baton__sql_column_type(st, 0), SQLITE_INTEGER);
  assert_true(baton__sql_column_int64(st, 0) == LLONG_MIN);
  assert_int_equal(baton__sql_column_type(st, 1), SQLITE_FLOAT);
  assert_true(baton__sql_column_double(st, 1) == 0.1);
  assert_int_equal(baton__sql_column_type(st, 2), SQLITE_TEXT);
  assert_string_equal(baton__sql_column_text(st, 2), unicode);
  assert_int_equal(baton__sql_column_bytes(st, 2), (int)strlen(unicode));
  assert_int_equal(baton__sql_column_type(st, 3), SQLITE_BLOB);
  assert_int_equal(baton__sql_column_bytes(st, 3), (int)sizeof bytes);
  assert_memory_equal(baton__sql_column_blob(st, 3), bytes, sizeof bytes);
  assert_int_equal(baton__sql_column_type(st, 4), SQLITE_INTEGER);
  assert_int_equal(baton__sql_column_int64(st, 4), 1);
  assert_string_equal(baton__sql_column_text(st, 4), "1");
  assert_int_equal(baton__sql_column_type(st, 5), SQLITE_INTEGER);
  assert_int_equal(baton__sql_column_int64(st, 5), -7);
  assert_int_equal(baton__sql_column_type(st, 6), SQLITE_FLOAT);
  assert_true(baton__sql_column_double(st, 6) == 2.5);
  /* 0: the NULLs */
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_int_equal(baton__sql_column_int64(st, 0), 0);
  assert_true(baton__sql_column_double(st, 1) == 5e-324);
  for (int i = 2; i <= 4; i++) {
    assert_int_equal(baton__sql_column_type(st, i), SQLITE_NULL);
    assert_null(baton__sql_column_text(st, i));
    assert_int_equal(baton__sql_column_bytes(st, i), 0);
  }
  /* LLONG_MAX: empty text and blob, false */
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_true(baton__sql_column_int64(st, 0) == LLONG_MAX);
  assert_true(baton__sql_column_double(st, 1) == -1.7976931348623157e308);
  assert_int_equal(baton__sql_column_type(st, 2), SQLITE_TEXT);
  assert_string_equal(baton__sql_column_text(st, 2), "");
  assert_int_equal(baton__sql_column_type(st, 3), SQLITE_BLOB);
  assert_int_equal(baton__sql_column_bytes(st, 3), 0);
  assert_int_equal(baton__sql_column_int64(st, 4), 0);
  assert_string_equal(baton__sql_column_text(st, 4), "0");
  assert_int_equal(baton__sql_step(st), SQLITE_DONE);
  baton__sql_finalize(st);
}

static void
test_bind_without_copy_keeps_the_pointer_and_copy_copies(void **state) {
  db_t *d = *state;
  char kept[8] = "before", copied[8] = "before";
  baton__sql_stmt_t *st = prep(d->c, "SELECT ?::text, ?::text");
  baton__sql_bind_text(st, 1, kept, -1);
  baton__sql_bind_text_copy(st, 2, copied, -1);
  strcpy(kept, "after");
  strcpy(copied, "after");
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_string_equal(baton__sql_column_text(st, 0), "after");
  assert_string_equal(baton__sql_column_text(st, 1), "before");
  baton__sql_finalize(st);
}

static void test_bind_with_a_length_takes_that_many_bytes(void **state) {
  db_t *d = *state;
  char text[8] = "abcdef";
  unsigned char bytes[4] = {1, 0, 2, 3};
  baton__sql_stmt_t *st =
      prep(d->c, "SELECT ?::text, ?::text, length(?::bytea), ?::bytea");
  assert_int_equal(baton__sql_bind_text(st, 1, text, 3), SQLITE_OK);
  assert_int_equal(baton__sql_bind_text_copy(st, 2, text, 0), SQLITE_OK);
  assert_int_equal(baton__sql_bind_blob(st, 3, bytes, 4), SQLITE_OK);
  assert_int_equal(baton__sql_bind_blob_copy(st, 4, bytes, 3), SQLITE_OK);
  /* Text with a length is the statement's copy; so is a blob's _copy. */
  strcpy(text, "XYZXYZ");
  bytes[2] = 9;
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_string_equal(baton__sql_column_text(st, 0), "abc");
  assert_string_equal(baton__sql_column_text(st, 1), "");
  assert_int_equal(baton__sql_column_int64(st, 2), 4);
  assert_int_equal(baton__sql_column_bytes(st, 3), 3);
  assert_memory_equal(baton__sql_column_blob(st, 3), "\x01\x00\x02", 3);
  baton__sql_finalize(st);
}

/* ---- results and errors -------------------------------------------------- */

static void test_unique_violation_is_constraint_with_detail(void **state) {
  db_t *d = *state;
  exec_ok(d->c, "CREATE TABLE u (id BIGINT PRIMARY KEY)");
  exec_ok(d->c, "INSERT INTO u VALUES (1)");
  baton__sql_stmt_t *st = prep(d->c, "INSERT INTO u VALUES (?)");
  baton__sql_bind_int64(st, 1, 1);
  assert_int_equal(baton__sql_step(st), SQLITE_CONSTRAINT);
  const char *m = baton__sql_errmsg(d->c);
  assert_string_equal(m, "duplicate key value violates unique constraint "
                         "\"u_pkey\"; Key (id)=(1) already exists.");
  baton__sql_finalize(st);
  /* NOT NULL is class 23 too */
  assert_int_equal(baton__sql_exec(d->c, "INSERT INTO u VALUES (NULL)"),
                   SQLITE_CONSTRAINT);
}

static void test_statement_timeout_is_interrupt(void **state) {
  db_t *d = *state;
  exec_ok(d->c, "SET statement_timeout = 50");
  assert_int_equal(step_once(d->c, "SELECT pg_sleep(2)"), SQLITE_INTERRUPT);
  assert_string_equal(baton__sql_errmsg(d->c),
                      "canceling statement due to statement timeout");
}

static void test_lock_not_available_is_busy(void **state) {
  db_t *d = *state;
  exec_ok(d->c, "CREATE TABLE l (id BIGINT); INSERT INTO l VALUES (1)");
  PGconn *other = PQconnectdb(d->url);
  PQclear(PQexec(other, "BEGIN; SELECT * FROM l FOR UPDATE"));
  /* 55P03: a lock another holds, as a wait past lock_timeout; busy's
   * extended code, so the store says "another baton is writing" */
  int rc = step_once(d->c, "SELECT * FROM l FOR UPDATE NOWAIT");
  assert_int_equal(rc, SQLITE_BUSY_TIMEOUT);
  assert_int_equal(rc & 0xff, SQLITE_BUSY);
  PQfinish(other);
}

static void test_mistakes_say_what_without_prefix(void **state) {
  db_t *d = *state;
  baton__sql_stmt_t *st = (baton__sql_stmt_t *)1;
  assert_int_equal(baton__sql_prepare(d->c, "SELECT * FROM nope", &st),
                   SQLITE_ERROR);
  assert_null(st);
  assert_string_equal(baton__sql_errmsg(d->c),
                      "relation \"nope\" does not exist");
  assert_int_equal(baton__sql_exec(d->c, "SELEC 1"), SQLITE_ERROR);
  assert_string_equal(baton__sql_errmsg(d->c),
                      "syntax error at or near \"SELEC\"");
  /* permission: a role that may not read the table (roles outlive the
   * database: one left by a failed run is dropped first) */
  exec_ok(d->c, "DROP ROLE IF EXISTS sqlpg_nobody; CREATE TABLE secret (x "
                "TEXT); CREATE ROLE sqlpg_nobody; SET ROLE sqlpg_nobody");
  int rc = step_once(d->c, "SELECT * FROM secret");
  exec_ok(d->c, "RESET ROLE; DROP TABLE secret; DROP ROLE sqlpg_nobody");
  assert_int_equal(rc, SQLITE_AUTH);
}

static void test_errmsg_never_holds_the_password(void **state) {
  db_t *d = *state;
  /* libpq echoes a malformed URL's token, here the password. */
  char *bad = url_of(d->name, "baton:s3cret%zzPW@");
  baton__sql_t *c = NULL;
  char *err = NULL;
  assert_int_equal(baton__sql_open_postgres(&c, bad, &err), SQLITE_CANTOPEN);
  assert_null(c);
  assert_non_null(err);
  assert_null(strstr(err, "s3cret"));
  assert_non_null(strstr(err, "***")); /* the rest is still said */
  free(err);
  free(bad);
  /* A server message quoting it (trust auth ignores the password). */
  char *good = url_of(d->name, "baton:s3cretPW@");
  assert_int_equal(baton__sql_open_postgres(&c, good, &err), SQLITE_OK);
  assert_int_equal(step_once(c, "SELECT 's3cretPW'::int"), SQLITE_ERROR);
  assert_null(strstr(baton__sql_errmsg(c), "s3cretPW"));
  assert_non_null(strstr(baton__sql_errmsg(c), "invalid input syntax"));
  baton__sql_close(c);
  free(good);
}

static void test_listener_message_never_holds_the_password(void **state) {
  db_t *d = *state;
  /* The URL the store refused above: the listener says why the same way
   * (its message reaches every page of baton serve). */
  char *bad = url_of(d->name, "baton:s3cret%zzPW@");
  baton_listener_t *l = NULL;
  char *err = NULL;
  assert_int_not_equal(baton_listener_open(&l, bad, &err), 0);
  assert_non_null(l);
  assert_non_null(err);
  assert_null(strstr(err, "s3cret"));
  assert_non_null(strstr(err, "***"));
  assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
  assert_null(strstr(baton_listener_error(l), "s3cret"));
  assert_int_equal(baton_listener_fd(l), -1);
  baton_listener_close(l);
  free(err);
  free(bad);
}

static void test_listener_hears_a_committed_write(void **state) {
  db_t *d = *state;
  baton_listener_t *l = NULL;
  char *err = NULL;
  if (baton_listener_open(&l, d->url, &err) != 0)
    fail_msg("listener: %s", err ? err : "?");
  assert_string_equal(baton_listener_error(l), "");
  exec_ok(d->c, "CREATE TABLE heard (x INT)");
  exec_ok(d->c, "INSERT INTO heard VALUES (1)");
  struct pollfd p = {.fd = baton_listener_fd(l), .events = POLLIN};
  assert_true(p.fd >= 0);
  long long n = 0;
  for (int i = 0; i < 50 && n == 0; i++) {
    assert_true(poll(&p, 1, 100) >= 0);
    assert_int_equal(baton_listener_drain(l, &n), 0);
  }
  assert_int_equal(n, 1);
  baton_listener_close(l);
}

static void test_changes_count_the_last_write(void **state) {
  db_t *d = *state;
  exec_ok(d->c, "CREATE TABLE c (id BIGINT)");
  exec_ok(d->c, "INSERT INTO c VALUES (1), (2), (3)");
  assert_int_equal(baton__sql_changes(d->c), 3);
  assert_int_equal(step_once(d->c, "UPDATE c SET id = id + 10 WHERE id > 1"),
                   SQLITE_DONE);
  assert_int_equal(baton__sql_changes(d->c), 2);
  /* A SELECT leaves it as it was. */
  assert_int_equal(step_once(d->c, "SELECT * FROM c"), SQLITE_ROW);
  assert_int_equal(baton__sql_changes(d->c), 2);
  baton__sql_stmt_t *st = prep(d->c, "DELETE FROM c RETURNING id");
  int rows = 0;
  while (baton__sql_step(st) == SQLITE_ROW)
    rows++;
  baton__sql_finalize(st);
  assert_int_equal(rows, 3);
  assert_int_equal(baton__sql_changes(d->c), 3);
}

static void test_tail_is_past_the_first_top_level_semicolon(void **state) {
  db_t *d = *state;
  const char *sql = "  SELECT $$a;b$$, ';' /* ; */ -- ;\n; SELECT 2;\n"
                    "-- only a comment ;\n";
  const char *tail = NULL;
  baton__sql_stmt_t *st = NULL;
  assert_int_equal(baton__sql_prepare_tail(d->c, sql, &st, &tail), SQLITE_OK);
  assert_string_equal(tail, " SELECT 2;\n-- only a comment ;\n");
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_string_equal(baton__sql_column_text(st, 0), "a;b");
  baton__sql_finalize(st);
  assert_int_equal(baton__sql_prepare_tail(d->c, tail, &st, &tail), SQLITE_OK);
  assert_string_equal(tail, "\n-- only a comment ;\n");
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_int_equal(baton__sql_column_int64(st, 0), 2);
  baton__sql_finalize(st);
  /* What is left holds no statement. */
  st = (baton__sql_stmt_t *)1;
  assert_int_equal(baton__sql_prepare_tail(d->c, tail, &st, &tail), SQLITE_OK);
  assert_null(st);
  assert_string_equal(tail, "");
}

static void test_in_transaction_follows_the_session(void **state) {
  db_t *d = *state;
  assert_false(baton__sql_in_transaction(d->c));
  exec_ok(d->c, "BEGIN");
  assert_true(baton__sql_in_transaction(d->c));
  assert_int_equal(baton__sql_exec(d->c, "SELECT 1/0"), SQLITE_ERROR);
  assert_true(baton__sql_in_transaction(d->c)); /* failed, still open */
  exec_ok(d->c, "ROLLBACK");
  assert_false(baton__sql_in_transaction(d->c));
}

/* ---- a lost connection --------------------------------------------------- */

/* Ends d's session from another one, as an administrator or a restart
 * would, and gives the client time to see its socket closed. */
static void end_session(db_t *d) {
  baton__sql_stmt_t *pid = prep(d->c, "SELECT pg_backend_pid()");
  assert_int_equal(baton__sql_step(pid), SQLITE_ROW);
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)",
           baton__sql_column_int64(pid, 0));
  baton__sql_finalize(pid);
  admin(d->url, sql);
  usleep(100 * 1000);
}

static void test_lost_connection_resets_once_then_works(void **state) {
  db_t *d = *state;
  baton__sql_stmt_t *kept = prep(d->c, "SELECT ?::int + 1");
  baton__sql_bind_int64(kept, 1, 41);
  baton__sql_stmt_t *write = prep(d->c, "CREATE TEMP TABLE lost_t (x int)");
  end_session(d);
  /* A write that finds it gone fails and says so (it is not tried again:
   * it might have committed before the answer was lost)... */
  assert_int_equal(baton__sql_step(write), SQLITE_IOERR);
  baton__sql_finalize(write);
  assert_non_null(strstr(baton__sql_errmsg(d->c), "lost the connection"));
  assert_false(baton__sql_in_transaction(d->c));
  /* ...the next reconnects, and statements prepared before still run. */
  assert_int_equal(step_once(d->c, "SELECT 1"), SQLITE_ROW);
  assert_int_equal(baton__sql_step(kept), SQLITE_ROW);
  assert_int_equal(baton__sql_column_int64(kept, 0), 42);
  baton__sql_finalize(kept);
}

static void test_a_read_on_a_lost_session_is_tried_again(void **state) {
  db_t *d = *state;
  baton__sql_stmt_t *pid = prep(d->c, "SELECT pg_backend_pid()");
  assert_int_equal(baton__sql_step(pid), SQLITE_ROW);
  long long before = baton__sql_column_int64(pid, 0);
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", before);
  baton__sql_reset(pid);
  admin(d->url, sql);
  usleep(100 * 1000);
  /* Outside a transaction a read cannot do anything twice: it runs on a
   * new session at once (a server restart is not an error to a page). */
  assert_int_equal(baton__sql_step(pid), SQLITE_ROW);
  assert_true(baton__sql_column_int64(pid, 0) != before);
  baton__sql_finalize(pid);
}

/* Inside a transaction a lost session is not replaced behind its owner's
 * back: the server rolled the transaction back, and the rest of it on a
 * new session would commit statement by statement. Every call fails until
 * the owner ends it; ROLLBACK succeeds (nothing is left to undo), COMMIT
 * fails; then the next call reconnects. */
static void test_a_session_lost_in_a_transaction_holds_until_it_ends(
    void **state) {
  db_t *d = *state;
  for (int commit = 0; commit < 2; commit++) {
    exec_ok(d->c, "BEGIN");
    end_session(d);
    assert_int_equal(step_once(d->c, "SELECT 1"), SQLITE_IOERR);
    assert_non_null(strstr(baton__sql_errmsg(d->c), "lost the connection"));
    assert_true(baton__sql_in_transaction(d->c));
    /* a read, a write, a savepoint: none runs on a new session */
    assert_int_equal(step_once(d->c, "SELECT 2"), SQLITE_IOERR);
    assert_non_null(strstr(baton__sql_errmsg(d->c), "in the middle of a "
                                                    "transaction"));
    assert_int_equal(baton__sql_exec(d->c, "CREATE TABLE t_after (x int)"),
                     SQLITE_IOERR);
    assert_int_equal(baton__sql_exec(d->c, "ROLLBACK TO SAVEPOINT s"),
                     SQLITE_IOERR);
    assert_true(baton__sql_in_transaction(d->c));
    assert_int_equal(baton__sql_exec(d->c, commit ? "COMMIT" : "ROLLBACK"),
                     commit ? SQLITE_IOERR : SQLITE_OK);
    assert_false(baton__sql_in_transaction(d->c));
    assert_int_equal(step_once(d->c, "SELECT 1"), SQLITE_ROW);
    assert_int_equal(
        step_once(d->c, "SELECT count(*) FROM pg_tables WHERE tablename = "
                        "'t_after'"),
        SQLITE_ROW);
  }
  baton__sql_stmt_t *n =
      prep(d->c, "SELECT count(*) FROM pg_tables WHERE tablename = 't_after'");
  assert_int_equal(baton__sql_step(n), SQLITE_ROW);
  assert_int_equal(baton__sql_column_int64(n, 0), 0);
  baton__sql_finalize(n);
}

/* ---- bounds (baton__sql_set_limits) and COPY ---------------------------- */

/* A bounded statement's rows come one by one, as unbounded ones do. */
static void test_bounded_rows_read_the_same(void **state) {
  db_t *d = *state;
  baton__sql_set_limits(d->c, &(baton__sql_limits_t){.max_value = 100});
  baton__sql_stmt_t *st =
      prep(d->c, "SELECT i, 'v' || i AS v FROM generate_series(1, 3) i");
  for (int i = 1; i <= 3; i++) {
    assert_int_equal(baton__sql_step(st), SQLITE_ROW);
    assert_int_equal(baton__sql_column_int64(st, 0), i);
    char want[8];
    snprintf(want, sizeof want, "v%d", i);
    assert_string_equal(baton__sql_column_text(st, 1), want);
    assert_string_equal(baton__sql_column_name(st, 1), "v");
  }
  assert_int_equal(baton__sql_step(st), SQLITE_DONE);
  /* Run again after DONE, as sqlite3_step does. */
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  baton__sql_finalize(st);
  baton__sql_set_limits(d->c, NULL);
  assert_int_equal(step_once(d->c, "SELECT 1"), SQLITE_ROW);
}

/* A value past max_value (after rows within it) is SQLITE_TOOBIG, and the
 * transaction it ran in is failed: nothing of it commits. */
static void test_a_value_past_the_bound_is_toobig(void **state) {
  db_t *d = *state;
  exec_ok(d->c, "CREATE TABLE t (x text)");
  exec_ok(d->c, "BEGIN");
  baton__sql_set_limits(d->c, &(baton__sql_limits_t){.max_value = 1000});
  baton__sql_stmt_t *st =
      prep(d->c, "INSERT INTO t SELECT repeat('x', i * 600) FROM "
                 "generate_series(1, 3) i RETURNING x");
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_int_equal(baton__sql_step(st), SQLITE_TOOBIG);
  assert_non_null(strstr(baton__sql_errmsg(d->c), "column 'x'"));
  baton__sql_finalize(st);
  baton__sql_set_limits(d->c, NULL);
  baton__sql_exec(d->c, "COMMIT"); /* the server makes it a ROLLBACK */
  baton__sql_stmt_t *n = prep(d->c, "SELECT count(*) FROM t");
  assert_int_equal(baton__sql_step(n), SQLITE_ROW);
  assert_int_equal(baton__sql_column_int64(n, 0), 0);
  baton__sql_finalize(n);
}

/* A parameter past max_value is refused before it is sent. */
static void test_a_parameter_past_the_bound_is_toobig(void **state) {
  db_t *d = *state;
  baton__sql_set_limits(d->c, &(baton__sql_limits_t){.max_value = 4});
  baton__sql_stmt_t *st = prep(d->c, "SELECT length(?)");
  assert_int_equal(baton__sql_bind_text_copy(st, 1, "12345", -1),
                   SQLITE_TOOBIG);
  assert_int_equal(baton__sql_bind_text_copy(st, 1, "1234", -1), SQLITE_OK);
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  baton__sql_finalize(st);
  baton__sql_set_limits(d->c, NULL);
}

static int stop_flag;
static int stop_now(void *ud) {
  (void)ud;
  return stop_flag;
}

/* How many statements run `pattern` on the cluster (not this one). */
static long running(const char *pattern) {
  PGconn *a = PQconnectdb(maintenance);
  const char *v[1] = {pattern};
  PGresult *r = PQexecParams(a,
                             "SELECT count(*) FROM pg_stat_activity WHERE "
                             "state = 'active' AND query LIKE $1 AND pid <> "
                             "pg_backend_pid()",
                             1, NULL, v, NULL, NULL, 0);
  long n =
      PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
  PQclear(r);
  PQfinish(a);
  return n;
}

/* stop() saying so cancels the statement on the server: the step is
 * SQLITE_INTERRUPT and pg_stat_activity no longer shows it. */
static void test_stop_cancels_the_statement_on_the_server(void **state) {
  db_t *d = *state;
  stop_flag = 0;
  baton__sql_set_limits(d->c, &(baton__sql_limits_t){.stop = stop_now});
  baton__sql_stmt_t *st = prep(d->c, "SELECT 42 AS stop_me, pg_sleep(30)");
  /* The stop comes from another thread in baton (a signal, the
   * watchdog); here it is armed at once: the first poll sees it. */
  stop_flag = 1;
  time_t t0 = time(NULL);
  assert_int_equal(baton__sql_step(st), SQLITE_INTERRUPT);
  /* Not after the 30 s sleep: the server was told to stop. */
  assert_true(time(NULL) - t0 < 5);
  baton__sql_finalize(st);
  baton__sql_set_limits(d->c, NULL);
  assert_int_equal(running("SELECT 42 AS stop_me%"), 0);
  assert_int_equal(step_once(d->c, "SELECT 1"), SQLITE_ROW);
}

/* COPY FROM STDIN: rows in pieces; a bad line fails the COPY naming its
 * line; an abort drops what was sent. */
static void test_copy_from_stdin(void **state) {
  db_t *d = *state;
  exec_ok(d->c, "CREATE TABLE t (id bigint, x text, b bytea)");
  assert_int_equal(baton__sql_copy_begin(d->c, "COPY t FROM STDIN"), SQLITE_OK);
  const char *rows = "1\ta\\tb\t\\\\x00ff\n2\t\\N\t";
  assert_int_equal(baton__sql_copy_put(d->c, rows, strlen(rows)), SQLITE_OK);
  assert_int_equal(baton__sql_copy_put(d->c, "\\N\n", 3), SQLITE_OK);
  assert_int_equal(baton__sql_copy_end(d->c, NULL), SQLITE_OK);
  assert_int_equal(baton__sql_changes(d->c), 2);
  baton__sql_stmt_t *st =
      prep(d->c, "SELECT x, length(b), x IS NULL FROM t ORDER BY id");
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_string_equal(baton__sql_column_text(st, 0), "a\tb");
  assert_int_equal(baton__sql_column_int64(st, 1), 2);
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_int_equal(baton__sql_column_int64(st, 2), 1);
  baton__sql_finalize(st);
  /* Line 2 is not a number. */
  assert_int_equal(baton__sql_copy_begin(d->c, "COPY t (id) FROM STDIN"),
                   SQLITE_OK);
  assert_int_equal(baton__sql_copy_put(d->c, "3\nthree\n", 8), SQLITE_OK);
  assert_int_not_equal(baton__sql_copy_end(d->c, NULL), SQLITE_OK);
  assert_non_null(strstr(baton__sql_errmsg(d->c), "line 2"));
  /* Aborted: nothing of it stays. */
  assert_int_equal(baton__sql_copy_begin(d->c, "COPY t (id) FROM STDIN"),
                   SQLITE_OK);
  assert_int_equal(baton__sql_copy_put(d->c, "4\n", 2), SQLITE_OK);
  assert_int_not_equal(baton__sql_copy_end(d->c, "given up"), SQLITE_OK);
  st = prep(d->c, "SELECT count(*) FROM t");
  assert_int_equal(baton__sql_step(st), SQLITE_ROW);
  assert_int_equal(baton__sql_column_int64(st, 0), 2);
  baton__sql_finalize(st);
}

int main(void) {
  maintenance = getenv("BATON_TEST_PG");
  if (maintenance == NULL || *maintenance == '\0') {
    fprintf(stderr,
            "test_sql_pg needs a PostgreSQL: BATON_TEST_PG is not set. Start "
            "the test cluster with `tests/pg/cluster.sh start build/pg` and "
            "export BATON_TEST_PG=the URL it prints (./bootstrap test does "
            "both).\n");
    return 1;
  }
  const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
      T(test_placeholders_inside_quotes_and_comments_are_untouched),
      T(test_numbered_placeholders_follow_sqlite_numbering),
      T(test_every_type_round_trips),
      T(test_bind_without_copy_keeps_the_pointer_and_copy_copies),
      T(test_bind_with_a_length_takes_that_many_bytes),
      T(test_unique_violation_is_constraint_with_detail),
      T(test_statement_timeout_is_interrupt),
      T(test_lock_not_available_is_busy),
      T(test_mistakes_say_what_without_prefix),
      T(test_errmsg_never_holds_the_password),
      T(test_listener_message_never_holds_the_password),
      T(test_listener_hears_a_committed_write),
      T(test_changes_count_the_last_write),
      T(test_tail_is_past_the_first_top_level_semicolon),
      T(test_in_transaction_follows_the_session),
      T(test_lost_connection_resets_once_then_works),
      T(test_a_read_on_a_lost_session_is_tried_again),
      T(test_a_session_lost_in_a_transaction_holds_until_it_ends),
      T(test_bounded_rows_read_the_same),
      T(test_a_value_past_the_bound_is_toobig),
      T(test_a_parameter_past_the_bound_is_toobig),
      T(test_stop_cancels_the_statement_on_the_server),
      T(test_copy_from_stdin),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
