#!/usr/bin/env bash
# e2e: the store's trust boundary (issue 13). A plugin with no permissions
# (tests/fixtures/plugins/sql_evil) tries every SQL construct to read or
# change what is not its own: views, triggers (its own and temporary),
# CTEs, subqueries, the schema tables, temporary tables shadowing core
# ones, ATTACH, forged events; and objects an older baton let it make,
# run later by itself or by the host. Then SQL inside the limits: a query
# that allocates, one that never ends and one that builds a huge value are
# stopped at the plugin's memory, time and size limits, through pcall too.
#
# On PostgreSQL (tests/pg/e2e.txt) the same attacks meet the engine's
# isolation (a role and a schema per plugin) and the pre-send check, with
# the same sentences; and the engine's own escapes are tried: SET ROLE,
# set_config, DO, COPY, functions, extensions, pg_read_file, lo_import,
# advisory locks, another plugin's schema, triggers and rules on a core
# table. Each is read back with psql: nothing changed.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins sql_victim sql_evil
# on_pg: the test's database is PostgreSQL's.
on_pg() { [ "${BATON_TEST_ENGINE:-sqlite}" = postgres ]; }
# pg_objects: what a plugin could leave to run later or outside its
# statement: triggers, rules, views, functions outside the system's
# schemas, large objects, roles and schemas.
pg_objects() {
  sqlite3 "$BATON_DB" "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal)
    || ' ' || (SELECT count(*) FROM pg_rules WHERE schemaname <> 'pg_catalog')
    || ' ' || (SELECT count(*) FROM pg_views WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))
    || ' ' || (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE nspname NOT IN ('pg_catalog', 'information_schema'))
    || ' ' || (SELECT count(*) FROM pg_largeobject_metadata)
    || ' ' || (SELECT count(*) FROM pg_roles) || ' ' || (SELECT count(*) FROM pg_namespace)"
}

baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
baton sql_victim keep
names_before=$(sqlite3 "$BATON_DB" "SELECT group_concat(name) FROM people")
if on_pg; then
  baton sql_evil try cte_own >/dev/null # the plugin's role and schema exist
  objects_before=$(pg_objects)
  rm -f "$WORK/pwned"
fi

# attack NAME: runs one attack; its line is in ./out.
attack() { run baton sql_evil try "$1"; }

test_case "refused: views, triggers, temporary objects"
for a in view_other view_schema_version temp_view trigger_people temp_trigger \
  temp_table_shadow; do
  attack "$a"
  expect_contains "REFUSED" out
  expect_not_contains "the secret" out
done
attack view_other
expect_contains "may not create view or trigger 'sql_evil_v'" out
attack temp_table_shadow
expect_contains "may not use database 'temp'" out

test_case "refused: other tables through CTEs and subqueries"
for a in cte_other cte_recursive_other subquery_other; do
  attack "$a"
  expect_contains "REFUSED" out
  expect_contains "may not read table 'sql_victim_secret'" out
done
on_pg || {
  attack cte_other
  expect_contains "(through c)" out
}

test_case "allowed: a CTE over the plugin's own data and the core tables"
attack cte_own
expect_contains "GOT 6 40" out

test_case "refused: the core's bookkeeping and the schema"
for a in read_schema_version write_schema_version write_sqlite_schema \
  writable_schema attach own_schema_table; do
  attack "$a"
  expect_contains "REFUSED" out
done
attack write_schema_version
expect_contains "may not write table 'schema_version'" out
attack own_schema_table
expect_contains "may not create, alter or drop 'schema_version_x'" out

test_case "refused: accounts, sessions, API tokens; writing people; the core's shape"
for t in read_users:baton_users read_sessions:baton_sessions read_tokens:baton_api_tokens; do
  attack "${t%%:*}"
  expect_contains "REFUSED" out
  expect_contains "plugin 'sql_evil' may not read table '${t#*:}': baton_* tables are baton's own" out
done
attack write_people
expect_contains "REFUSED" out
expect_contains "plugin 'sql_evil' may not change core table 'people'" out
for a in pg_alter_people pg_index_people; do
  attack "$a"
  expect_contains "REFUSED" out
  expect_contains "plugin 'sql_evil' may not create" out
  expect_contains "'people'" out
done

if on_pg; then
  test_case "PostgreSQL: leaving the plugin's role, running code, reaching files"
  for t in "pg_set_role:may not run set on PostgreSQL" \
    "pg_reset_role:may not run reset on PostgreSQL" \
    "pg_set_config:may not use set_config" \
    "pg_do:may not run do on PostgreSQL" \
    "pg_copy:may not run copy on PostgreSQL" \
    "pg_function:may not run create function on PostgreSQL" \
    "pg_extension:may not run create extension on PostgreSQL" \
    "pg_read_file:may not call function 'pg_read_file': it reaches past" \
    "pg_lo_import:may not call function 'lo_import': it reaches past" \
    "pg_advisory:may not use advisory locks" \
    "pg_trigger_people:may not create view or trigger 'sql_evil_tr'" \
    "pg_rule_people:may not create view or trigger 'sql_evil_r'"; do
    attack "${t%%:*}"
    expect_contains "REFUSED" out
    expect_contains "plugin 'sql_evil' ${t#*:}" out
    expect_not_contains "root:" out
  done
  # the refusals raised before the statement runs name the file and line
  attack pg_do
  expect_contains "plugins/sql_evil/init.lua:" out
  expect_contains "use baton.store.transaction(fn)" out

  test_case "PostgreSQL: another plugin's schema, and the catalog"
  for a in other_schema other_schema_write; do
    attack "$a"
    expect_contains "REFUSED" out
    expect_contains "plugin 'sql_evil' may not use schema 'plugin_sql_victim'" out
    expect_not_contains "the secret" out
  done
  # Statistics hold sample values: the server has them for the victim's
  # table, the plugin's role sees none; table names are readable, as
  # sqlite_schema is on SQLite.
  sqlite3 "$BATON_DB" "ANALYZE sql_victim_secret" >/dev/null
  verdict "pg_stats holds the victim's values" "pg_stats is empty: the check below proves nothing" "" \
    test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM pg_stats WHERE tablename = 'sql_victim_secret'")" -ge 1
  attack pg_catalog_other
  expect_contains "GOT 0 1" out

  test_case "PostgreSQL: nothing was made to run later, nothing written outside"
  verdict "no new trigger, rule, view, function, large object, role or schema" \
    "the catalog changed: $objects_before -> $(pg_objects)" "" \
    test "$(pg_objects)" = "$objects_before"
  verdict "COPY TO PROGRAM ran nothing" "/tmp/baton_pwned exists" "" \
    not test -e /tmp/baton_pwned
  verdict "the plugin holds no advisory lock" "an advisory lock is held" "" \
    test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" = 0
fi

test_case "events name the plugin that wrote them"
attack event_as_other
expect_contains "GOT sql_evil true" out

test_case "nothing changed: staff, the victim's rows, the schema version"
verdict "people unchanged" "people changed" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT group_concat(name) FROM people")" = "$names_before"
run baton sql_victim show
expect_contains "1 the secret" out
verdict "schema version intact" "schema_version changed" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT max(version) FROM schema_version WHERE component = 'baton'")" = 7
on_pg || verdict "no views or triggers but the core's" "a plugin's view or trigger exists" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM sqlite_schema WHERE type IN ('view', 'trigger')")" = 2
on_pg && verdict "no tables but the plugins' own in their schemas" "a table outside the rules exists" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY tablename)
    FROM pg_tables WHERE schemaname LIKE 'plugin%'")" = "plugin_sql_evil.sql_evil_t,plugin_sql_victim.sql_victim_secret"
verdict "no forged events" "an event claims another plugin" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM events WHERE plugin = 'sql_victim'")" = 0

if ! on_pg; then
test_case "objects an older baton let a plugin make are checked as whoever runs them"
# As an older baton allowed: a trigger on the plugin's own table that
# writes the core, and a view over another plugin's table.
sqlite3 "$BATON_DB" "CREATE TRIGGER sql_evil_old_tr AFTER INSERT ON sql_evil_t BEGIN
  UPDATE people SET name = 'PWNED'; END;
  CREATE VIEW sql_evil_old_v AS SELECT v FROM sql_victim_secret;
  CREATE TRIGGER sql_evil_on_people AFTER UPDATE ON people BEGIN
  DELETE FROM sql_victim_secret; END;"
attack fire_old_trigger
expect_contains "REFUSED" out
expect_contains "may not change core table 'people'" out
attack read_old_view
expect_contains "may not read table 'sql_victim_secret' (through sql_evil_old_v)" out
# The host never runs a view or trigger it did not make: an import that
# would fire the one on people stops, and changes nothing.
sed 's/Priya Nair/Priya Nair-Patel/' "$BATON_SOURCE_DIR/samples/staff.csv" >staff2.csv
run baton people import staff2.csv
verdict "import refused" "import ran the foreign trigger" out test "$STATUS" != 0
expect_contains "'sql_evil_on_people' in" err
expect_contains "was not made by baton's core" err
run baton sql_victim show
expect_contains "1 the secret" out
verdict "people unchanged" "people changed" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT group_concat(name) FROM people")" = "$names_before"
sqlite3 "$BATON_DB" "DROP TRIGGER sql_evil_old_tr; DROP VIEW sql_evil_old_v;
  DROP TRIGGER sql_evil_on_people"

fi

# The engine's memory and size bounds on PostgreSQL are not these (see
# tests/pg/test_limits.sh); SQLite's are tested here.
if ! on_pg; then
test_case "SQL inside the limits: memory"
expect_status 1 baton --memory-limit 64 sql_evil try memory
expect_contains "out of memory in plugin 'sql_evil' (limit 64 MiB)" err
expect_status 1 baton --memory-limit 64 sql_evil try memory_pcall
expect_contains "out of memory in plugin 'sql_evil' (limit 64 MiB)" err
expect_not_contains "survived" out

test_case "SQL inside the limits: values at most 16 MiB"
attack too_big
expect_contains "longer than 16 MiB" out
TIMEOUT=60 run baton --time-limit 30 sql_evil try concat_bomb
expect_contains "longer than 16 MiB" out

fi

test_case "SQL inside the limits: time"
expect_status 1 baton --time-limit 1 sql_evil try slow
expect_contains "time limit of 1 s exceeded" err
expect_within 5000
expect_status 1 baton --time-limit 1 sql_evil try slow_pcall
expect_contains "time limit of 1 s exceeded" err
expect_not_contains "stuck inside a library call" err
expect_within 5000

test_case "SQL behind a route stops at the limits and the server goes on"
use_plugins sql_routes
serve_start --time-limit 2
t0=$(now_ms)
get /api/sql_routes/slow
ELAPSED_MS=$(($(now_ms) - t0))
expect_code 503
expect_contains "its time limit of 2 s" body
expect_contains "(time limit of 2 s exceeded" body
expect_contains '"plugin":"sql_routes"' body
expect_within 8000
# Six slow queries in a row ended the server for good before.
for i in 1 2 3 4 5 6; do get /api/sql_routes/slow; done
get /api/people
expect_code 200
verdict "server still running" "server ended" err kill -0 "$BG_PID"
interrupt_bg
if ! on_pg; then
serve_start --time-limit 30 --route-time-limit 30 --memory-limit 64
get /api/sql_routes/memory -m 60
expect_code 500
expect_contains "out of memory in plugin 'sql_routes' (limit 64 MiB)" body
get /api/people
expect_code 200
# Out of memory while the rows are built: the statement, the authorizer
# and the heap bound are released as the error unwinds, so the host's own
# next write is not taken for the plugin's SQL.
get /api/sql_routes/rows -m 60
expect_code 500
expect_contains "out of memory in plugin 'sql_routes' (limit 64 MiB)" body
get /api/sql_routes/log
expect_code 200
expect_contains '"id":' body
interrupt_bg
fi
rm -rf "$PLUGINS/sql_routes"

test_case "a foreign SQLite file is left untouched"
sqlite3 other.db "CREATE TABLE invoices (n INTEGER); INSERT INTO invoices VALUES (1)"
sum_before=$(md5sum other.db)
expect_status 1 baton --db other.db people list
expect_contains "other.db is an SQLite database of another program" err
expect_contains "tables invoices" err
verdict "file unchanged" "file changed" "" test "$(md5sum other.db)" = "$sum_before"
verdict "no WAL made" "a -wal file appeared" "" not test -e other.db-wal
printf 'not a database at all, just text that is long enough to be read\n%.0s' $(seq 100) >text.db
sum_before=$(md5sum text.db)
expect_status 1 baton --db text.db people list
expect_contains "is not a database" err
verdict "text file unchanged" "text file changed" "" test "$(md5sum text.db)" = "$sum_before"

finish
