#!/usr/bin/env bash
# e2e: `baton test` on either engine (issue 21). Without --db a plugin's
# tests run on a fresh SQLite file, SQLite-only SQL with a warning naming
# file and line; $BATON_DB, the everyday database, is never read. With
# --db postgresql://... (on PostgreSQL: the pg/ run, tests/pg/e2e.txt) each
# test file runs in a scratch database made on that server and dropped
# after; SQL outside the portable subset fails the test naming plugin, file
# and line, even a test that expected the command to fail; the URL's own
# database, full of a school's data, is not changed; a role that may not
# make databases gets a sentence saying what to do.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins both_tags lite_only
# lite_only's json_extract alone, and a test that does not look at the
# status of a command whose SQL is refused on PostgreSQL
cat >"$PLUGINS/lite_only/tests/kinds_test.lua" <<'LUA'
test("json_extract", function()
  expect(run("kinds").status):to_equal(0)
end)
test("a refused statement is never a pass", function()
  run("add", "x") -- the status is not looked at
end)
LUA
on_pg() { [ "${BATON_TEST_ENGINE:-sqlite}" = postgres ]; }

# The everyday database holds a school: people, and both_tags' own rows.
baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
baton both_tags add T001 mentor >/dev/null
# state: what the everyday database holds, in full.
state() {
  if on_pg; then pg_dump --no-owner "$BATON_DB" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' >"dump.$1"; md5sum <"dump.$1"
  else md5sum <"$BATON_DB"; fi
}
before=$(state 0)

test_case "without --db: a fresh SQLite file; SQLite-only SQL warns with file and line"
run baton test "$PLUGINS/both_tags"
verdict "exit 0" "exit $STATUS" out test "$STATUS" = 0
expect_contains "2 passed, 0 failed" out
run baton test "$PLUGINS/lite_only"
expect_contains "3 passed, 0 failed" out
expect_contains "warn  plugin 'lite_only', $PLUGINS/lite_only/init.lua:9: this SQL would be refused on PostgreSQL: column 1 of the SQL: \`INSERT OR IGNORE\`" out
expect_contains "warn  plugin 'lite_only', $PLUGINS/lite_only/init.lua:17: this SQL would be refused on PostgreSQL: column 8 of the SQL: \`json_extract(\`" out
verdict "\$BATON_DB untouched" "baton test changed \$BATON_DB" "" test "$(state 1)" = "$before"

test_case "--db takes a PostgreSQL URL only"
expect_status 2 baton test --db other.db "$PLUGINS/both_tags"
expect_contains "baton test: --db other.db: give a postgresql:// URL" err
expect_contains "the URL's own database is never written" err
expect_file_absent other.db

if on_pg; then
  # scratch: baton test's databases left on the server.
  scratch() { sqlite3 "$BATON_DB" "SELECT count(*) FROM pg_database WHERE datname LIKE 'baton\_test\_%'"; }

  test_case "--db URL: the tests pass on PostgreSQL, in a scratch database"
  run baton test --db "$BATON_DB" "$PLUGINS/both_tags"
  verdict "exit 0" "exit $STATUS" out test "$STATUS" = 0
  expect_contains "ok    a tag is added once" out
  expect_contains "ok    the next test starts from an empty database" out
  expect_contains "2 passed, 0 failed" out
  verdict "the scratch database was dropped" "scratch databases left: $(scratch)" "" test "$(scratch)" = 0

  test_case "--db URL: SQLite-only SQL fails the test, naming plugin, file and line"
  run baton test --db "$BATON_DB" "$PLUGINS/lite_only"
  verdict "exit 1" "exit $STATUS" out test "$STATUS" = 1
  expect_contains "0 passed, 3 failed" out
  expect_contains "plugin 'lite_only' ran SQL that is refused on PostgreSQL (at $PLUGINS/lite_only/init.lua:9): column 1 of the SQL: \`INSERT OR IGNORE\`" out
  expect_contains "instead: INSERT INTO ... ON CONFLICT DO NOTHING" out
  expect_contains "plugin 'lite_only' ran SQL that is refused on PostgreSQL (at $PLUGINS/lite_only/init.lua:17): column 8 of the SQL: \`json_extract(\`" out
  expect_contains "instead: baton.store.json(column, key)" out
  # a test that does not look at the command's status fails all the same
  grep -A1 "a refused statement is never a pass" out >never.txt || true
  expect_contains "FAIL  a refused statement is never a pass" never.txt
  expect_contains "init.lua:9" never.txt
  verdict "the scratch databases were dropped" "scratch databases left: $(scratch)" "" test "$(scratch)" = 0

  test_case "--db URL: a role that may not make databases is told what to do"
  sqlite3 "$BATON_DB" "DROP ROLE IF EXISTS iso_plain; CREATE ROLE iso_plain LOGIN" >/dev/null 2>&1
  plain=${BATON_DB//user=baton/user=iso_plain}
  run baton test --db "$plain" "$PLUGINS/both_tags"
  verdict "exit 1" "exit $STATUS" out test "$STATUS" = 1
  expect_contains "cannot make the scratch database baton_test_" out
  expect_contains "the role needs CREATEDB: ALTER ROLE name CREATEDB" out
  expect_contains "permission denied to create database" out
  verdict "nothing made" "scratch databases left: $(scratch)" "" test "$(scratch)" = 0
  sqlite3 "$BATON_DB" "DROP ROLE iso_plain" >/dev/null

  test_case "--db URL: the database of the URL, a school's, is not changed"
  verdict "every table, row and definition as before" "the database changed" "" \
    test "$(state 1)" = "$before"
  run baton both_tags list
  expect_lines out "T001 Wei Chen mentor"

  test_case "--db URL: an empty database (not baton's) is not made baton's"
  empty=$(sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh")
  run baton test --db "$empty" "$PLUGINS/both_tags"
  expect_contains "2 passed, 0 failed" out
  verdict "no table made in it" "baton test made tables in the URL's database" "" \
    test "$(psql -X -At "$empty" -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" = 0
  sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh" --drop "$empty"
fi

finish
