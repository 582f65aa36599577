#!/usr/bin/env bash
# tests/e2e/test_nul_args.sh: a string with a NUL byte, given to a binding
# that hands it to C as a C string (a path, SQL text, a name, a program's
# argument, a date), is refused naming the function and the argument; the
# old code used the part before the NUL (read and wrote the cut path, ran
# the cut SQL, logged the cut event kind).
. "$(dirname "$0")/lib.sh"

ALL="--allow fs.read --allow fs.write --allow spawn --allow people.write --allow http.route"

test_case "every binding refuses a NUL in a string it passes to C"
# shellcheck disable=SC2086
run baton run $ALL "$FIXTURES/scripts/nul_args.lua"
check_status 0
while read -r label fn what; do
  expect_contains "${label//%/ }: false | $fn: $what holds a NUL byte" out
done <<'LIST'
fs.read baton.fs.read path
fs.write baton.fs.write path
spawn%program baton.spawn program
spawn%argument baton.spawn argument 2
spawn%cwd baton.spawn cwd
people.find%key baton.people.find a field name
people.find%value baton.people.find role
people.get baton.people.get id
people.import baton.people.import path
people.import%map baton.people.import map
groups.members baton.groups.members name
events.log%kind baton.events.log kind
events.log%subject baton.events.log subject
events.log%actor baton.events.log actor
events.list%since baton.events.list since
store.exec baton.store.exec the SQL
store.query baton.store.query the SQL
store.first baton.store.first the SQL
store.migrate baton.store.migrate step 2
http.route%method baton.http.route method
http.route%path baton.http.route path
ics.holidays baton.ics.holidays text
ics.calendar%name baton.ics.calendar the calendar name
ics.calendar%uid baton.ics.calendar events[1] uid
ics.calendar%date baton.ics.calendar events[1] date
assign.score%today baton.assign.score today
assign.solve%objective baton.assign.solve objective
csv.decode%name baton.csv.decode name
plugin%name baton.plugin name
plugin%argument baton.plugin who
LIST
expect_contains "where C would cut it short; remove it" out
expect_not_contains ": true |" out

test_case "nothing ran on the cut value"
expect_file_absent nul_args.txt
expect_contains "table made: false" out
expect_contains "events logged: 0" out

test_case "the test runner's helpers refuse a NUL (run, set_today, fixture_path, load_people)"
expect_status 0 baton test "$FIXTURES/plugins/nulhelpers"
expect_contains "6 passed, 0 failed" out

test_case "a manifest string holding a NUL fails the plugin, naming the field"
mkdir -p "$PLUGINS/nulmanifest"
echo 'return { go = function() baton.print("ran") end }' >"$PLUGINS/nulmanifest/init.lua"
# manifest PERMISSION DEFAULT: writes the plugin's manifest (Lua escapes
# such as \0 are kept for Lua to read).
manifest() {
  printf '%s\n' 'return { name = "nulmanifest", version = "1.0.0", api = 1,' \
    "  summary = \"s\", permissions = { \"$1\" }," \
    '  commands = { go = { summary = "g", args = {' \
    "    { \"--on\", type = \"date\", default = \"$2\" } } } } }" \
    >"$PLUGINS/nulmanifest/plugin.lua"
}
manifest 'fs.read:/tmp\0/x' 2026-01-01
run baton plugins
expect_contains "nulmanifest (failed): $PLUGINS/nulmanifest/plugin.lua: field 'manifest.permissions[1]' holds a NUL byte; a manifest's text cannot hold one: remove it" out
manifest fs.read:/tmp '2026-01-01\0junk'
run baton plugins
expect_contains "nulmanifest (failed): $PLUGINS/nulmanifest/plugin.lua: field 'manifest.commands.go.args[1].default' holds a NUL byte" out
run baton nulmanifest go
expect_not_contains "ran" out
manifest fs.read:/tmp 2026-01-01
expect_status 0 baton nulmanifest go
expect_lines out "ran"

finish
