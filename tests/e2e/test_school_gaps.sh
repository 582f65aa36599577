#!/usr/bin/env bash
# e2e: the last school gaps of the practices in a district database (issue
# 21; docs/district.md, "Schools"): equity of a school with nobody active,
# expertise needs per school, rows naming two schools, a school's rematch
# with cross-school mentees, and the school a hook runs in. Each case
# failed on the code before its fix. Runs on PostgreSQL too (tests/pg/
# e2e.txt): no SQL of its own.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins forms schoolhooks
for p in mentoring equity expertise kotter rotation; do
  cp -R "$BATON_SOURCE_DIR/plugins/$p" "$PLUGINS/"
done
FX="$BATON_SOURCE_DIR/tests/fixtures/schools"
expect_status 0 baton people import "$FX/district.csv"
expect_status 0 baton groups import "$FX/groups.csv"
printf 'id,name,role,subjects,grades,school\nW1,Wes Yale,teacher,maths,7,West\n' >west.csv
expect_status 0 baton people import west.csv
serve_start
sign_in N1 coordinator njar
sign_in S1 coordinator sjar
sign_in D1 district djar
# N3 coordinates West; then West's one teacher leaves (inactive).
sign_in N3 coordinator wjar
expect_status 0 baton users role N3 coordinator --school West
printf 'id,name,role,subjects,grades,school,active\nW1,Wes Yale,teacher,maths,7,West,0\n' >gone.csv
expect_status 0 baton people import gone.csv --update
csrf_of() { curl -s -b "$1" "${URL}api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"] or "")'; }
NCSRF=$(csrf_of njar)
SCSRF=$(csrf_of sjar)
WCSRF=$(csrf_of wjar)
# form JAR CSRF CMD ARGS-JSON: a signed-in person runs a command from its form.
form() {
  get "/api/run/$3" -X POST -b "$1" -H "X-CSRF-Token: $2" -H "Content-Type: application/json" \
    --data-binary "{\"args\": $4}"
}

test_case "equity of a school with nobody active: an empty picture saying so and what to do, on the command line"
expect_status 0 baton --json equity report --school West
expect_json_true out 'd["school"] == "West" and d["figures"]["people"] == 0 and d["top"] == [] and d["none"] == []'
expect_status 0 baton equity report --school West
expect_contains 'Nobody active is in the staff list of West yet' out
expect_contains 'baton people import' out
expect_status 1 baton equity report --school Wset
expect_contains 'nobody is of that school' err

test_case "equity of a school with nobody active: the page and the notice answer an empty picture (was 500)"
get /api/equity/page -b wjar
expect_code 200
expect_contains 'Nobody active is in the staff list of West yet' body
expect_not_contains 'Nora Quinn' body
get /api/equity/notices -b wjar
expect_code 200
expect_json_true body 'd["notices"] == []'
form wjar "$WCSRF" equity/report '{}'
expect_code 200
expect_contains 'Nobody active is in the staff list of West yet' body

test_case "attack: a need North's coordinator records is North's: South's page, gaps and list never show it"
form njar "$NCSRF" expertise/needs '{"action": "add", "tag": "oracy", "why": "North secret plan"}'
expect_code 200
form sjar "$SCSRF" expertise/gaps '{}'
expect_code 200
expect_not_contains 'oracy' body
form sjar "$SCSRF" expertise/needs '{}'
expect_not_contains 'oracy' body
get /api/expertise/page -b sjar
expect_code 200
expect_not_contains 'oracy' body
expect_not_contains 'North secret plan' body
get /api/expertise/page -b njar
expect_contains 'oracy' body
form njar "$NCSRF" expertise/gaps '{}'
expect_contains 'oracy' body

test_case "attack: South's coordinator can neither remove North's need nor record one for North"
form sjar "$SCSRF" expertise/needs '{"action": "remove", "tag": "oracy"}'
expect_contains "not in the needs list of South" body
expect_not_contains 'North' body
form sjar "$SCSRF" expertise/needs '{"action": "add", "tag": "literacy", "school": "North"}'
expect_contains 'you record the needs of South only' body
expect_status 0 baton --json expertise needs
expect_json_true out '[(g["tag"], g["school"]) for g in d] == [("oracy", "North")]'

test_case "a need of the district (the command line, no --school) is every school's; --school names one; the district sees all"
expect_status 0 baton expertise needs add numeracy
expect_status 0 baton expertise needs add questioning --school South
expect_status 1 baton expertise needs add questioning --school Suoth
expect_contains '--school Suoth: nobody active is of that school' err
form sjar "$SCSRF" expertise/needs '{}'
expect_contains 'numeracy' body
expect_contains 'questioning' body
form njar "$NCSRF" expertise/needs '{}'
expect_contains 'numeracy' body
expect_not_contains 'questioning' body
get /api/expertise/page -b djar
expect_contains 'oracy (North)' body
expect_contains 'questioning (South)' body
expect_status 0 baton --json expertise gaps
expect_json_true out 'sorted((g["tag"], g.get("school")) for g in d) == [("numeracy", None), ("oracy", "North"), ("questioning", "South")]'
expect_status 1 baton expertise needs remove questioning
expect_contains 'it is listed for South' err
expect_status 0 baton expertise needs remove questioning --school South

test_case "a database from before needs had a school: its needs are the district's, kept, and every school sees them"
if on_postgres; then
  pass "(the old table is made with the sqlite3 program: SQLite only; PostgreSQL runs the same migration step)"
else
  OLD=$(new_db old)
  expect_status 0 baton --db "$OLD" people import "$FX/district.csv"
  expect_status 0 baton --db "$OLD" expertise needs
  # back to the plugin's first step, with one need in the old table
  expect_status 0 sqlite3 "$OLD" "DROP TABLE expertise_school_needs; DELETE FROM schema_version WHERE component = 'plugin/expertise' AND version = 2;
    CREATE TABLE expertise_needs (tag TEXT PRIMARY KEY, why TEXT, initiative TEXT, added TEXT NOT NULL);
    INSERT INTO expertise_needs VALUES ('literacy', 'from last year', NULL, '2025-06-01');"
  expect_status 0 baton --db "$OLD" --json expertise needs
  expect_json_true out '[(g["tag"], g.get("school"), g["why"]) for g in d] == [("literacy", None, "from last year")]'
  expect_status 0 sqlite3 "$OLD" "SELECT count(*) FROM sqlite_master WHERE name = 'expertise_needs'"
  expect_contains '0' out
fi

test_case "a mentoring pair across two schools: each school's coordinator sees it, the other school's person by name only"
printf 'group,kind,person_id,role_in_group\nmentees,cohort,N2,\nmentees,cohort,S3,\nmentors,cohort,N4,\nmentors,cohort,S2,\n' >cohort.csv
expect_status 0 baton groups import cohort.csv
expect_status 0 baton --json mentor match --across-schools --save
expect_json_true out 'sorted((p["mentee"], p["mentor"]) for p in d["pairs"]) == [("N2", "S2"), ("S3", "N4")]'
PAIRS='[("N2 Omar Reyes", "S2 Theo Vance"), ("S3 Uma West", "N4 Raj Tamm")]'
for jar in njar sjar djar; do
  get /api/mentoring/pairs -b $jar
  expect_code 200
  expect_json_true body "sorted((p['mentee'], p['mentor']) for p in d) == $PAIRS"
  expect_json_true body 'all(sorted(p) == ["mentee", "mentor", "pair", "reasons", "score", "started", "status", "ended"] or set(p) <= {"pair", "mentee", "mentor", "score", "started", "ended", "status", "reasons"} for p in d)'
done
get /api/mentoring/page -b njar
expect_contains 'Theo Vance' body
expect_not_contains 'Sara Ulm' body
expect_not_contains 'Vic Xu' body
test_case "a pair across two schools: the mentor's school counts the mentoring (leadership), the other does not"
get /api/mentoring/leadership -b njar
expect_json_true body '[r["person"] for r in d["roles"]] == ["N4"]'
get /api/mentoring/leadership -b sjar
expect_json_true body '[r["person"] for r in d["roles"]] == ["S2"]'
get /api/mentoring/leadership -b djar
expect_json_true body 'sorted(r["person"] for r in d["roles"]) == ["N4", "S2"]'
test_case "a pair across two schools: mentor mine from a form names the other school's person"
form sjar "$SCSRF" mentor/mine '{"person": "S2"}'
expect_contains 'N2 Omar Reyes' body

test_case "attack: a school's rematch never gives a mentor a place a mentee of another school holds"
printf 'group,kind,person_id,role_in_group\nmentees,cohort,S4,\nmentees,cohort,N3,\n' >more.csv
expect_status 0 baton groups import more.csv
# S2 (capacity 1) mentors N2 of North; N4 mentors S3 of South.
form sjar "$SCSRF" mentor/rematch '{"save": true}'
expect_code 200
expect_not_contains '"mentor":"S2"' body
expect_contains "S2's place is taken by a mentee of another school (N2)" body
form njar "$NCSRF" mentor/rematch '{"save": true}'
expect_code 200
expect_not_contains '"mentor":"N4"' body
expect_contains "N4's place is taken by a mentee of another school (S3)" body
expect_status 0 baton --json mentor list --active
expect_json_true out 'sorted((p["mentee"].split()[0], p["mentor"].split()[0]) for p in d) == [("N2", "S2"), ("S3", "N4")]'
test_case "a network rota (a group of two schools): each school sees it with the other school's turns by name"
expect_status 0 baton rota plan --group network --dates 2030-02-04,2030-02-11 --roles chair --save
get /api/rotation/plans -b njar
expect_json_true body '[(t["person"], t["name"]) for t in d["network"]] == [("N1", "Nora Quinn"), ("S1", "Sara Ulm")]'
get /api/rotation/plans -b sjar
expect_json_true body '[(t["person"], t["name"]) for t in d["network"]] == [("N1", "Nora Quinn"), ("S1", "Sara Ulm")]'
expect_not_contains 'north-maths' body
get /api/rotation/page -b njar
expect_contains 'S1 Sara Ulm' body
expect_not_contains 'south-maths' body

test_case "attack: a hook of an event logged by North's form sees North only; from the command line, every school"
form njar "$NCSRF" hooked/note '{}'
expect_code 200
form njar "$NCSRF" hooked/later '{}'
expect_code 200
expect_status 0 baton hooked note
for _ in $(seq 50); do
  baton --json hooked show >/dev/null 2>&1 || true
  grep -q '"timer"' out && break
  sleep 0.1
done
expect_status 0 baton --json hooked show
expect_json_true out '[(r["what"], r["school"]) for r in d if r["what"] == "hook of hooked.note"] == [("hook of hooked.note", "North"), ("hook of hooked.note", "(every school)")]'
expect_json_true out '[r["people"] for r in d if r["what"] == "hook of hooked.note"][0] == "N1 N2 N3 N4"'
expect_json_true out 'len([r["people"] for r in d if r["what"] == "hook of hooked.note"][1].split()) == 9'
test_case "a timer made by North's form sees North only (it keeps the reach of the code that made it)"
expect_json_true out '[(r["school"], r["people"]) for r in d if r["what"] == "timer"] == [("North", "N1 N2 N3 N4")]'

test_case "attack: baton.people.names gives another school's person's name and nothing else; bad ids are refused"
form njar "$NCSRF" hooked/names '{}'
expect_code 200
expect_contains 'names N1=Nora Quinn S1=Sara Ulm (school North)' body
expect_contains 'found false' body
expect_contains 'baton.people.names: ids must be a list of people' body
expect_contains "ids[2] must be a person's id (a string), not a table" body
stop_bg 2>/dev/null || interrupt_bg

finish
