#!/usr/bin/env bash
# e2e: the school calendar (issue 18). `baton terms import` reads the
# school's .ics (terms and closures sorted by their titles, "X starts" and
# "X ends" paired, other events skipped and listed) or a CSV, all or
# nothing; `add`, `remove`, `list`; and a plugin with no permissions
# (tests/fixtures/plugins/school) reads it through baton.terms, never
# through SQL.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins school
T="$FIXTURES/terms"

test_case "an .ics: terms, closures, paired start/end events, skipped events"
expect_status 0 baton terms import "$T/school.ics" --dry-run
expect_contains "Dry run, nothing written" out
expect_contains "2 terms and 2 closures; 4 added" out
expect_contains "Parents' evening (2026-10-08)" out
expect_not_contains "Staff meeting" out
verdict "the dry run wrote nothing" "the dry run wrote rows" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_terms")" = 0
expect_status 0 baton terms import "$T/school.ics"
expect_status 0 baton terms list
expect_lines out \
  "KIND     FROM        TO          NAME" \
  "term     2026-09-03  2026-12-18  Autumn term" \
  "closure  2026-10-26  2026-10-30  Half term" \
  "closure  2026-12-21  2027-01-04  Christmas holiday" \
  "term     2027-01-05  2027-03-26  Spring term"

test_case "importing the same calendar again changes nothing"
expect_status 0 baton --json terms import "$T/school.ics"
expect_json_true out 'd["unchanged"] == 4 and d["added"] == 0 and d["skipped"] == ["Parents'"'"' evening (2026-10-08)"]'

test_case "baton.terms in a plugin: current, previous, of, closures"
expect_status 0 baton school term --date 2026-10-27
expect_contains "current=Autumn term previous=none of=Autumn term closure=Half term closures=1" out
expect_status 0 baton school term --date 2027-01-06
expect_contains "current=Spring term previous=Autumn term" out
expect_status 0 baton school term --date 2026-12-25
expect_contains "current=none previous=Autumn term of=none closure=Christmas holiday" out
test_case "current() and previous() without a date follow --today"
expect_status 0 baton --today 2027-02-01 school term
expect_contains "current=Spring term previous=Autumn term" out

test_case "school days: weekdays in a term, closures left out"
# October 2026 to the end of December: 57 weekdays in the autumn term
# from 1 October, less the five of half term.
expect_status 0 baton school days 2026-10-01 2026-12-31
expect_contains "52 2026-10-01 2026-12-18" out
expect_status 0 baton school days 2026-12-19 2027-01-04
expect_contains "0 - -" out

test_case "a CSV with kinds, and classified rows without one"
expect_status 0 baton terms import "$T/terms.csv" --replace
expect_contains "3 terms and 3 closures" out
expect_contains "removed" out
expect_status 0 baton --json terms list
expect_json_true out 'len(d) == 6 and [r["name"] for r in d if r["kind"] == "closure"] == ["Half term", "INSET day", "Half term"]'
expect_status 0 baton school term --date 2027-01-05
expect_contains "closure=INSET day" out

test_case "an import with an error writes nothing and names file, line, column"
before=$(sqlite3 "$BATON_DB" "SELECT group_concat(name) FROM baton_terms")
expect_status 1 baton terms import "$T/bad.csv"
expect_contains "bad.csv:3:2: '2027-13-05' is not a date" err
expect_status 1 baton terms import "$T/overlap.csv"
expect_contains "terms 'Autumn 2026' (2026-09-03 to 2026-12-18) and 'Winter 2026' (2026-12-01 to 2027-01-20) share days" err
expect_contains "nothing was imported; to make the file the whole calendar, add --replace" err
expect_status 1 baton terms import "$T/unpaired.ics"
expect_contains "'Spring term starts' (2027-01-05) has no matching 'Spring term ends' event" err
expect_status 1 baton terms import "$T/unpaired_end.ics"
expect_contains "'Spring term ends' (2027-01-05) has no 'Spring term starts' event before it" err
verdict "the calendar is as it was" "a failed import changed the calendar" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT group_concat(name) FROM baton_terms")" = "$before"

test_case "add, change and remove by hand"
expect_status 0 baton terms add "Autumn 2027" 2027-09-02 2027-12-17
expect_contains "Added term 'Autumn 2027'" out
expect_status 0 baton terms add "Autumn 2027" 2027-09-06 2027-12-17
expect_contains "Updated term 'Autumn 2027'" out
expect_status 0 baton terms add "Half term" 2027-10-25 2027-10-29 --closure
expect_status 1 baton terms add "Late summer" 2027-07-01 2027-09-10
expect_contains "share days" err
expect_status 2 baton terms add "Backwards" 2027-13-01 2027-12-01
expect_contains "expects a date written YYYY-MM-DD" err
expect_status 1 baton terms add "Backwards" 2027-12-01 2027-11-01
expect_contains "ends (2027-11-01) before it starts (2027-12-01)" err
expect_status 0 baton terms remove "Half term" 2027-10-25
expect_contains "Removed 1 entry" out
expect_status 0 baton --json terms list
expect_json_true out 'sum(1 for r in d if r["name"] == "Half term") == 2'
expect_status 1 baton terms remove "Nope"
expect_contains "no term or closure named 'Nope'" err

test_case "terms is a word of baton's own"
mkdir -p "$PLUGINS/terms"
printf 'return { name = "terms", version = "1.0.0", api = 1, summary = "x" }\n' >"$PLUGINS/terms/plugin.lua"
run baton plugins
expect_contains "name 'terms' is a word of baton itself" out
rm -rf "$PLUGINS/terms"

test_case "a plugin cannot reach the calendar through SQL"
for a in read_terms write_terms; do
  expect_status 0 baton school sql "$a"
  expect_contains "REFUSED" out
done
expect_contains "may not write table 'baton_terms'" out
verdict "the calendar survived the attempts" "a plugin changed the calendar" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_terms")" -gt 0
run baton school sql read_terms
expect_contains "may not read table 'baton_terms': baton_* tables are baton's own" out

finish
