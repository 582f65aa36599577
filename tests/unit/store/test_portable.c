/* tests/unit/store/test_portable.c: core/store/portable.c: each construct
 * outside the portable subset is named with its position and the portable
 * spelling; the same words in strings, quoted names and comments are not;
 * the PostgreSQL rewrite of the subset's types; baton.store.json's SQL;
 * the SQL literals of Lua source found on their lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "portable.h"

/* Asserts that sql is refused for `what`, whose first letters begin at
 * column col (1-based, on its line), and that the sentence names the
 * construct and the docs. */
static void refused(const char *sql, const char *what, int col) {
  size_t from = 0;
  baton__sql_portable_issue_t is;
  if (!baton__sql_portable_next(sql, &from, &is))
    fail_msg("not refused: %s", sql);
  if (strcmp(is.what, what) != 0)
    fail_msg("%s: found `%s`, expected `%s`", sql, is.what, what);
  size_t bol = is.offset;
  while (bol > 0 && sql[bol - 1] != '\n')
    bol--;
  if ((int)(is.offset - bol + 1) != col)
    fail_msg("%s: `%s` at column %d, expected %d", sql, what,
             (int)(is.offset - bol + 1), col);
  char *why = baton__sql_portable_check(sql);
  assert_non_null(why);
  assert_non_null(strstr(why, what));
  assert_non_null(strstr(why, "docs/plugins.md#portable-sql"));
  assert_non_null(strstr(why, "column"));
  free(why);
}

static void portable(const char *sql) {
  char *why = baton__sql_portable_check(sql);
  if (why != NULL)
    fail_msg("refused portable SQL %s: %s", sql, why);
}

static void test_each_sqlite_only_construct_is_named_at_its_column(void **s) {
  (void)s;
  refused("INSERT OR IGNORE INTO p_t VALUES (?)", "INSERT OR IGNORE", 1);
  refused("insert or replace into p_t VALUES (?)", "INSERT OR REPLACE", 1);
  refused("INSERT OR ROLLBACK INTO p_t VALUES (1)", "INSERT OR ...", 1);
  refused("REPLACE INTO p_t VALUES (?)", "REPLACE INTO", 1);
  refused("SELECT json_extract(data, '$.a') FROM events", "json_extract(", 8);
  refused("SELECT value FROM json_each(?)", "json_each(", 19);
  refused("SELECT 1 FROM events WHERE json_valid(data)", "json_valid(", 28);
  refused("SELECT json_array_length(x) FROM p_t", "json_array_length(", 8);
  refused("SELECT json_object('a', 1)", "SQLite's json_ functions", 8);
  refused("SELECT group_concat(id) FROM p_t", "group_concat(", 8);
  refused("SELECT last_insert_rowid()", "last_insert_rowid(", 8);
  refused("SELECT strftime('%Y', at) FROM events", "strftime(", 8);
  refused("SELECT datetime(at) FROM events", "datetime(", 8);
  refused("SELECT julianday(?) - julianday(at) FROM events", "julianday(", 8);
  refused("UPDATE p_t SET d = date('now')", "date('now') and date modifiers",
          20);
  refused("UPDATE p_t SET d = date(?, '+1 day')",
          "date('now') and date modifiers", 20);
  refused("SELECT ifnull(a, 0) FROM p_t", "ifnull(", 8);
  refused("SELECT instr(a, 'x') FROM p_t", "instr(", 8);
  refused("SELECT printf('%d', a) FROM p_t", "printf(", 8);
  refused("SELECT a FROM p_t WHERE a GLOB 'x*'", "GLOB", 27);
  refused("PRAGMA table_info(p_t)", "PRAGMA", 1);
  refused("CREATE TABLE p_t (a TEXT PRIMARY KEY) WITHOUT ROWID",
          "WITHOUT ROWID", 39);
  refused("CREATE TABLE p_t (id INTEGER PRIMARY KEY AUTOINCREMENT)",
          "AUTOINCREMENT", 42);
  refused("SELECT rowid FROM p_t", "rowid", 8);
  refused("DELETE FROM p_t WHERE _rowid_ = ?", "rowid", 23);
  refused("SELECT name FROM sqlite_master", "a sqlite_ name", 18);
  refused("CREATE TABLE p_t (a, b TEXT)", "a column without a type", 19);
  refused("CREATE TABLE IF NOT EXISTS p_t (a TEXT, b)",
          "a column without a type", 41);
  refused("CREATE TABLE p_t (a TEXT, b NOT NULL DEFAULT '')",
          "a column without a type", 27);
  refused("INSERT INTO p_t (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE "
          "SET n = coalesce(excluded.n, n)",
          "a bare column on the right of ON CONFLICT DO UPDATE SET", 93);
  refused("INSERT INTO p_t (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE "
          "SET m = 1, n = n + 1 WHERE n > 0",
          "a bare column on the right of ON CONFLICT DO UPDATE SET", 79);
  refused("INSERT INTO p_t (k, n) VALUES (?, ?) ON CONFLICT DO UPDATE SET n = "
          "excluded.n",
          "ON CONFLICT DO UPDATE without the key's columns", 41);
  refused("CREATE TABLE p_t (id INTEGER, user TEXT)",
          "a column named by a reserved word of PostgreSQL", 31);
  refused("CREATE TABLE p_t (\"order\" TEXT, group TEXT)",
          "a column named by a reserved word of PostgreSQL", 33);
  refused("SELECT * FROM p_t WHERE a = :a",
          "a named parameter (:name, "
          "@name, $name)",
          29);
  refused("SELECT * FROM p_t WHERE a = @a",
          "a named parameter (:name, "
          "@name, $name)",
          29);
  refused("SELECT * FROM p_t WHERE a = $a",
          "a named parameter (:name, "
          "@name, $name)",
          29);
  refused("SELECT * FROM p_t WHERE a = $1", "a $N parameter", 29);
  refused("SELECT a::text FROM p_t", "a :: cast", 9);
  refused("SELECT n FROM (SELECT count(*) AS n FROM p_t) WHERE n > 0",
          "a subquery in FROM without a name", 15);
  refused("SELECT n FROM (SELECT 1 AS n)", "a subquery in FROM without a name",
          15);
  refused("SELECT * FROM p_t JOIN (SELECT 1 AS n) ON n = 1",
          "a subquery in FROM without a name", 24);
  /* A second line: the column is on that line, and the sentence says so. */
  refused("SELECT a\n  FROM p_t WHERE b GLOB ?", "GLOB", 20);
  char *why = baton__sql_portable_check("SELECT a\n  FROM p_t WHERE b GLOB ?");
  assert_non_null(strstr(why, "line 2, column 20"));
  free(why);
}

static void test_later_issues_are_found_one_after_another(void **s) {
  (void)s;
  const char *sql = "INSERT OR IGNORE INTO p_t SELECT json_extract(d, '$.a') "
                    "FROM p_u WHERE rowid > 0";
  size_t from = 0;
  baton__sql_portable_issue_t is;
  const char *want[] = {"INSERT OR IGNORE", "json_extract(", "rowid"};
  for (int i = 0; i < 3; i++) {
    assert_true(baton__sql_portable_next(sql, &from, &is));
    assert_string_equal(is.what, want[i]);
  }
  assert_false(baton__sql_portable_next(sql, &from, &is));
  /* INSERT OR REPLACE is one issue, not also a REPLACE INTO. */
  from = 0;
  assert_true(baton__sql_portable_next("INSERT OR REPLACE INTO p_t VALUES (1)",
                                       &from, &is));
  assert_false(baton__sql_portable_next("INSERT OR REPLACE INTO p_t VALUES (1)",
                                        &from, &is));
  /* WITHOUT ROWID is one issue, not also a `rowid`. */
  from = 0;
  assert_true(baton__sql_portable_next(
      "CREATE TABLE p_t (a TEXT PRIMARY KEY) WITHOUT ROWID", &from, &is));
  assert_false(baton__sql_portable_next(
      "CREATE TABLE p_t (a TEXT PRIMARY KEY) WITHOUT ROWID", &from, &is));
}

static void test_words_in_strings_names_and_comments_do_not_count(void **s) {
  (void)s;
  portable(
      "INSERT INTO p_t (note) VALUES ('INSERT OR IGNORE json_extract(x)')");
  portable("SELECT 'it''s rowid GLOB PRAGMA' FROM p_t");
  portable("SELECT \"rowid\", \"group\" FROM p_t");
  portable("SELECT a FROM p_t -- INSERT OR REPLACE, group_concat(a)\n");
  portable("SELECT a /* json_each(x) :name date('now') */ FROM p_t");
  portable("SELECT $$ last_insert_rowid() $$ FROM p_t");
  portable("SELECT ':a @b $c' FROM p_t WHERE a = ? AND b = ?2");
  /* Names that only contain a construct's letters. */
  portable("SELECT group_concatenated, rowids, glob_pattern FROM p_t");
  portable("SELECT replace(a, 'x', 'y') FROM p_t");
  portable("UPDATE p_t SET ifnull_count = 1, date = ?");
  portable("SELECT date(?) FROM p_t");
  portable("SELECT n FROM (SELECT 1 AS n) AS t WHERE n > 0");
  portable("SELECT n FROM (SELECT 1 AS n) t JOIN (VALUES (1)) \"v\" ON 1 = 1");
  portable("SELECT a FROM p_t WHERE a IN (SELECT b FROM p_u)");
  portable("SELECT (SELECT 1) FROM p_t");
  /* The portable subset itself. */
  portable("CREATE TABLE IF NOT EXISTS p_t (id INTEGER PRIMARY KEY, a TEXT "
           "NOT NULL, b REAL, c BLOB, UNIQUE (a, b), PRIMARY KEY (a))");
  portable("CREATE TABLE p_t (a TEXT, b INTEGER, CONSTRAINT k UNIQUE (a))");
  portable("CREATE TABLE p_t (\"user\" TEXT, by TEXT, date TEXT, key TEXT, "
           "value TEXT, PRIMARY KEY (\"user\"))");
  portable(
      "CREATE TABLE p_t (a TEXT DEFAULT (coalesce(NULL, 'x')), b INTEGER)");
  portable("INSERT INTO p_t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE "
           "SET b = excluded.b RETURNING id");
  portable("SELECT coalesce(a, '') || b, count(*) FROM p_t GROUP BY 1");
  portable("INSERT INTO p_t (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE "
           "SET n = coalesce(excluded.n, p_t.n) + 1, m = CAST(excluded.m AS "
           "TEXT), o = CASE WHEN p_t.o IS NULL THEN 'x' ELSE NULL END "
           "WHERE n > 0 RETURNING id");
  portable("INSERT INTO p_t (k) VALUES (?) ON CONFLICT DO NOTHING");
  portable("SELECT * FROM p_t WHERE a LIKE ? ORDER BY b LIMIT 3 OFFSET ?");
  portable("");
  portable("-- only a comment");
  /* Unterminated quotes and comments end at the end, without a crash. */
  portable("SELECT 'rowid");
  portable("SELECT \"rowid");
  portable("SELECT 1 /* rowid");
}

/* Asserts the PostgreSQL rewrite of sql is want. */
static void rewritten(const char *sql, const char *want) {
  char *r = baton__sql_portable_rewrite(BATON_SQL_POSTGRES, sql);
  assert_non_null(r);
  assert_string_equal(r, want);
  free(r);
  r = baton__sql_portable_rewrite(BATON_SQL_SQLITE, sql);
  assert_string_equal(r, sql);
  free(r);
}

static void test_types_are_rewritten_for_postgresql_outside_quotes(void **s) {
  (void)s;
  rewritten("CREATE TABLE p_t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, "
            "x REAL, b BLOB)",
            "CREATE TABLE p_t (id BIGINT GENERATED BY DEFAULT AS IDENTITY "
            "PRIMARY KEY, n BIGINT NOT NULL, x DOUBLE PRECISION, b BYTEA)");
  rewritten("create table p_t (id integer  primary\n key)",
            "create table p_t (id BIGINT GENERATED BY DEFAULT AS IDENTITY "
            "PRIMARY KEY)");
  rewritten("SELECT CAST(a AS integer), 'INTEGER REAL', \"BLOB\" -- REAL\n",
            "SELECT CAST(a AS BIGINT), 'INTEGER REAL', \"BLOB\" -- REAL\n");
  rewritten("CREATE TABLE p_t (a INTEGERS, realm TEXT)",
            "CREATE TABLE p_t (a INTEGERS, realm TEXT)");
  rewritten("", "");
}

static void test_an_insert_returns_its_row_on_postgresql(void **s) {
  (void)s;
  char *r = baton__sql_portable_returning("INSERT INTO p_t (a) VALUES (?) ;\n");
  assert_string_equal(r, "INSERT INTO p_t (a) VALUES (?) RETURNING *, "
                         "(xmax = 0) AS baton__inserted");
  free(r);
  r = baton__sql_portable_returning(
      "INSERT INTO p_t (a) VALUES ('; RETURNING') -- RETURNING");
  assert_string_equal(r, "INSERT INTO p_t (a) VALUES ('; RETURNING') "
                         "RETURNING *, (xmax = 0) AS baton__inserted");
  free(r);
  r = baton__sql_portable_returning("INSERT INTO p_t (a) VALUES (1) "
                                    "RETURNING a");
  assert_string_equal(r, "INSERT INTO p_t (a) VALUES (1) RETURNING a");
  free(r);
}

static void test_json_value_is_spelled_per_engine(void **s) {
  (void)s;
  const char *why;
  char *q = baton__sql_portable_json(BATON_SQL_SQLITE, "e.data", "group", &why);
  assert_string_equal(
      q, "CAST(/*baton.store.json*/json_extract(e.data, '$.group') AS TEXT)");
  /* What the helper writes passes the check; the same by hand does not. */
  portable(q);
  free(q);
  refused("SELECT CAST(json_extract(e.data, '$.group') AS TEXT) FROM events e",
          "json_extract(", 13);
  refused(
      "SELECT /*baton.store.json*/ 1, json_extract(data, '$.a') FROM events",
      "json_extract(", 32);
  q = baton__sql_portable_json(BATON_SQL_POSTGRES, "data", "pair.mentor", &why);
  assert_string_equal(q, "(CAST(data AS jsonb) #>> '{pair,mentor}')");
  portable(q);
  free(q);
  /* Hostile input never reaches the SQL. */
  const char *bad_columns[] = {
      "data); DROP TABLE x; --", "", "1x", "a..b", "a.", "d'"};
  for (size_t i = 0; i < sizeof bad_columns / sizeof *bad_columns; i++) {
    assert_null(
        baton__sql_portable_json(BATON_SQL_SQLITE, bad_columns[i], "k", &why));
    assert_non_null(strstr(why, "column"));
  }
  const char *bad_keys[] = {"a') OR 1=1 --", "", "a..b", ".a", "a}", "a,b"};
  for (size_t i = 0; i < sizeof bad_keys / sizeof *bad_keys; i++) {
    assert_null(baton__sql_portable_json(BATON_SQL_POSTGRES, "data",
                                         bad_keys[i], &why));
    assert_non_null(strstr(why, "key"));
  }
}

typedef struct {
  int n;
  int lines[8];
  const char *what[8];
} found_t;

static int collect(int line, const baton__sql_portable_issue_t *is, void *ud) {
  found_t *f = ud;
  if (f->n < 8) {
    f->lines[f->n] = line;
    f->what[f->n] = is->what;
  }
  f->n++;
  return 0;
}

static void test_lua_sql_literals_are_found_on_their_lines(void **s) {
  (void)s;
  const char *src =
      "-- INSERT OR IGNORE in a comment: nothing\n"                /* 1 */
      "--[[ SELECT rowid FROM x\n"                                 /* 2 */
      "]]\n"                                                       /* 3 */
      "local msg = 'Select a rowid, please'\n"                     /* 4 */
      "local a = \"INSERT OR IGNORE INTO p_t VALUES (?)\"\n"       /* 5 */
      "local b = [[\n"                                             /* 6 */
      "  SELECT id,\n"                                             /* 7 */
      "         json_extract(data, '$.a') AS a,\n"                 /* 8 */
      "         json_extract(data, '$.b') AS b\n"                  /* 9 */
      "    FROM events WHERE rowid > 0]]\n"                        /* 10 */
      "local c = [==[UPDATE p_t SET a = ']]' WHERE b GLOB ?]==]\n" /* 11 */
      "local d = 'fine: INSERT OR IGNORE only after the start'\n"  /* 12 */
      "local e = 'SELECT \\'x\\' FROM p_t WHERE a = :name'\n";     /* 13 */
  found_t f = {0};
  assert_int_equal(baton__sql_portable_scan_lua(src, strlen(src), collect, &f),
                   0);
  assert_int_equal(f.n, 5);
  int lines[] = {5, 8, 10, 11};
  const char *what[] = {"INSERT OR IGNORE", "json_extract(", "rowid", "GLOB"};
  assert_int_equal(f.lines[0], lines[0]);
  assert_string_equal(f.what[0], what[0]);
  assert_int_equal(f.lines[1], lines[1]);
  assert_string_equal(f.what[1], what[1]);
  /* json_extract twice in one literal: once. */
  assert_int_equal(f.lines[2], lines[2]);
  assert_string_equal(f.what[2], what[2]);
  assert_int_equal(f.lines[3], lines[3]);
  assert_string_equal(f.what[3], what[3]);
  assert_int_equal(f.lines[4], 13);
  assert_string_equal(f.what[4], "a named parameter (:name, @name, $name)");
}

/* ---- the .lua files of a plugin's folder -------------------------------- */

typedef struct {
  char files[16][600];
  int n;
} files_t;

static int collect_file(const char *file, int line,
                        const baton__sql_portable_issue_t *is, void *ud) {
  (void)line;
  (void)is;
  files_t *f = ud;
  if (f->n == 16)
    return 1; /* going round: stop the scan */
  snprintf(f->files[f->n++], sizeof f->files[0], "%s", file);
  return 0;
}

static void write_lua(const char *dir, const char *name) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("local q = 'SELECT group_concat(id) FROM p_t'\n", f);
  assert_int_equal(fclose(f), 0);
}

/* Subfolders are scanned, tests/ is not, and links to folders (here two
 * back up, which made the scan go round 2^40 times) are not followed. */
static void test_a_folder_is_scanned_once_whatever_its_links(void **state) {
  (void)state;
  const char *tmp = getenv("TMPDIR");
  char dir[300], sub[400], tests[400], link[500];
  snprintf(dir, sizeof dir, "%s/baton-portable-XXXXXX", tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(dir));
  snprintf(sub, sizeof sub, "%s/lib", dir);
  snprintf(tests, sizeof tests, "%s/tests", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  assert_int_equal(mkdir(tests, 0700), 0);
  write_lua(dir, "a.lua");
  write_lua(sub, "b.lua");
  write_lua(tests, "c_test.lua");
  snprintf(link, sizeof link, "%s/up", sub);
  assert_int_equal(symlink("..", link), 0);
  snprintf(link, sizeof link, "%s/self", dir);
  assert_int_equal(symlink(".", link), 0);
  files_t f = {0};
  assert_int_equal(baton__sql_portable_scan_dir(dir, collect_file, &f), 0);
  assert_int_equal(f.n, 2);
  char want[600];
  snprintf(want, sizeof want, "%s/a.lua", dir);
  assert_string_equal(f.files[0], want);
  snprintf(want, sizeof want, "%s/lib/b.lua", dir);
  assert_string_equal(f.files[1], want);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_sqlite_only_construct_is_named_at_its_column),
      cmocka_unit_test(test_later_issues_are_found_one_after_another),
      cmocka_unit_test(test_words_in_strings_names_and_comments_do_not_count),
      cmocka_unit_test(test_types_are_rewritten_for_postgresql_outside_quotes),
      cmocka_unit_test(test_an_insert_returns_its_row_on_postgresql),
      cmocka_unit_test(test_json_value_is_spelled_per_engine),
      cmocka_unit_test(test_lua_sql_literals_are_found_on_their_lines),
      cmocka_unit_test(test_a_folder_is_scanned_once_whatever_its_links),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
