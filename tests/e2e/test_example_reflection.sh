#!/bin/sh
# The reflection example of docs/plugins.md's tutorial, end to end: its
# commands from the command line, its hook after a mentoring pair made by
# the real mentoring plugin, and its page's data in baton serve.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"

test_case "the sample school and its mentoring groups are imported"
cp -R "$BATON_SOURCE_DIR/examples/reflection" "$BATON_SOURCE_DIR/plugins/mentoring" "$PLUGINS/"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/mentoring-groups.csv"

test_case "outside a term the page answers 404 saying what to do, and the command exits 1"
export BATON_TODAY=2026-08-10
serve_start
get /api/reflection/status
expect_code 404
expect_contains "no term holds 2026-08-10" body
interrupt_bg
expect_status 1 baton reflect status
expect_contains "baton terms import" err

test_case "in a term, an answer shows on the page with the school days left"
export BATON_TODAY=2026-12-14
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18
expect_status 0 baton reflect answer AP01 2 "I named Wei's work at the staff meeting"
serve_start
get /api/reflection/status
expect_code 200
expect_json_true body 'd["term"] == "Autumn 2026" and d["days_left"] == 5 and d["people"] == [{"id": "AP01", "name": "David Kowalski", "answered": 1, "done": False}]'

test_case "the page is read-only: a POST is refused (405), even with the token"
get /api/reflection/status -X POST -H "Authorization: Bearer $TOKEN"
expect_code 405
interrupt_bg
check_status 0

test_case "pairs saved by the mentoring plugin prompt both people of each, through the hook"
expect_status 0 baton mentor match --save
expect_status 0 baton --json reflect status
expect_json_true out 'len(d["people"]) == 17 and {"id": "T020", "name": "Ben Carter", "answered": 0, "done": False} in d["people"] and {"id": "T018", "name": "Liam Murphy", "answered": 0, "done": False} in d["people"]'

finish
