#!/usr/bin/env bash
# e2e (issue 13): plugin names, namespaces and baton's own words are one
# space. A plugin named like a core table or bookkeeping (schema owns
# schema_version), like an API word (events takes /api/events/*), with
# another plugin's name as its namespace, or with its tables among another
# plugin's, is refused when the plugins are found, with file, line and the
# fix; a workflow script whose file name would own such tables is refused
# before it runs.
. "$(dirname "$0")/lib.sh"
use_plugins name_borrower name_events name_nested name_schema

test_case "baton plugins lists each colliding plugin as failed, with file, line and the fix"
expect_status 0 baton plugins
expect_match "^schema +1\.0\.0 +failed " out
expect_contains "schema (failed): $PLUGINS/name_schema/plugin.lua:4: name 'schema' is a word of baton itself; give the plugin another name in plugin.lua (baton uses it for baton's bookkeeping (the table schema_version))" out
expect_contains "events (failed): $PLUGINS/name_events/plugin.lua:4: name 'events' is a word of baton itself; give the plugin another name in plugin.lua (baton uses it for baton's event log table (and /api/events))" out
expect_contains "borrower (failed): $PLUGINS/name_borrower/plugin.lua:8: namespace 'mentoring' is the name of plugin 'mentoring' (" out
expect_contains "it would answer \`baton mentoring\` and /api/mentoring/ in that plugin's place; set another namespace in plugin.lua" out
expect_contains "hello_x (failed): $PLUGINS/name_nested/plugin.lua:4: name 'hello_x' puts the plugin's tables (hello_x_*) among those of plugin 'hello' (" out
expect_match "^mentoring +[0-9.]+ +available " out
expect_match "^hello +[0-9.]+ +available " out

test_case "a refused plugin's commands say why and do not run"
expect_status 1 baton schema go
expect_contains "name 'schema' is a word of baton itself" err
expect_not_contains "ran" out
expect_status 1 baton mentoring go
expect_contains "namespace 'mentoring' is the name of plugin 'mentoring'" err
expect_status 0 baton --json mentor list
expect_json out

test_case "baton serve: /api/mentoring/ is still mentoring's, /api/events/ still baton's"
serve_start
get /api/mentoring/pairs
expect_code 200
expect_not_contains "hijacked" body
get /api/events
expect_code 200
interrupt_bg
check_status 0
use_only_plugins name_events
serve_start
get /api/events/hijacked
expect_code 404
interrupt_bg
check_status 0
use_plugins name_borrower name_nested name_schema

test_case "a script whose file name would own tables not its own is refused before it runs"
for n in schema sqlite_x mentoring; do
  expect_status 1 baton run "$FIXTURES/scripts/names/$n.lua"
  expect_contains "$FIXTURES/scripts/names/$n.lua: a script named '$n.lua' would own the tables ${n}_*, which take in " err
  expect_contains "rename the script" err
  expect_not_contains "ran" out
done
expect_contains "the tables of plugin 'mentoring' (mentoring_*)" err
expect_status 0 baton run "$FIXTURES/scripts/args.lua" a
finish
