#!/usr/bin/env bash
# e2e: practices' own pages and routes in a district database (issue 21):
# a route's handler gets req.user.school, and baton.people, baton.groups
# and baton.events return only the asking person's school (core/lua/
# lua_store.c, scope_of), as do the bundled practices' routes (mentoring's
# pairs, change's initiatives); a command run from a form reads only the
# runner's school (a coordinator's `mentor match`); an event about no
# person is its actor's school's. Attacks: another school's coordinator,
# a viewer, a forged ?school=, an API token, a page on another origin.
# Runs on PostgreSQL too (tests/pg/e2e.txt): no SQL of its own.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins forms schoolpages
cp -R "$BATON_SOURCE_DIR/plugins/mentoring" "$BATON_SOURCE_DIR/plugins/kotter" "$PLUGINS/"
FX="$BATON_SOURCE_DIR/tests/fixtures/schools"

test_case "a district: two schools, their groups, pairs in each school, an initiative of each"
expect_status 0 baton people import "$FX/district.csv"
expect_status 0 baton groups import "$FX/groups.csv"
printf 'group,kind,person_id,role_in_group\nmentees,cohort,N2,\nmentees,cohort,S3,\nmentors,cohort,N4,\nmentors,cohort,S2,\n' >cohort.csv
expect_status 0 baton groups import cohort.csv
expect_status 0 baton --json mentor match --same-school --save
expect_json_true out 'sorted((p["mentee"], p["mentor"]) for p in d["pairs"]) == [("N2", "N4"), ("S3", "S2")]'
expect_status 0 baton change new "North reading"
expect_status 0 baton change step north-reading 1 --owner N2
expect_status 0 baton change new "South numeracy"
expect_status 0 baton change step south-numeracy 1 --owner S2

test_case "the JSON export carries each person's school, and an import reads it back"
expect_status 0 baton people export district.json
expect_json_true district.json 'sorted((p["id"], p["school"]) for p in d)[:2] == [("D1", "District office"), ("N1", "North")]'
expect_status 0 baton --json people import district.json --full
expect_json_true out 'd["unchanged"] == 9 and d["updated"] == 0'

serve_start
NCSRF=""
test_case "signing in: a coordinator of North, a viewer of North, a district account"
sign_in N1 coordinator njar
NCSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
sign_in N3 viewer vjar
sign_in D1 district djar
NTOK=$(baton users token N1 | head -1)

test_case "attack: North's coordinator's route sees North only (req.user.school, people, groups, events)"
get /api/seen -b njar
expect_code 200
expect_json_true body 'd["user"]["school"] == "North" and d["user"]["district"] is False and d["school"] == "North"'
expect_json_true body 'd["people"] == ["N1", "N2", "N3", "N4"]'
expect_json_true body 'sorted(d["groups"]) == ["mentees:1", "mentors:1", "network:1", "north-maths:2"]'
expect_json_true body 'd["members"] == ["N1"] and d["south"] is None and d["many"] == ["N1"] and d["kept"] == ["N2"]'

test_case "attack: a forged ?school=South on a plugin's route is refused"
get "/api/seen?school=South" -b njar
expect_code 403
expect_not_contains '"S1"' body
get "/api/mentoring/pairs?school=South" -b njar
expect_code 403

test_case "attack: mentoring's pairs and change's initiatives of North only"
get /api/mentoring/pairs -b njar
expect_code 200
expect_json_true body '[(p["mentee"], p["mentor"]) for p in d] == [("N2 Omar Reyes", "N4 Raj Tamm")]' 
get /api/mentoring/page -b njar
expect_code 200
expect_not_contains 'Uma West' body
get /api/change/status -b njar
expect_code 200
expect_json_true body '[i["title"] for i in d] == ["North reading"]'
get /api/change/status/south-numeracy -b njar
expect_code 404

test_case "attack: a viewer of North sees North's only"
get /api/seen -b vjar
expect_json_true body 'd["user"]["role"] == "viewer" and d["user"]["school"] == "North" and d["people"] == ["N1", "N2", "N3", "N4"]'
get /api/change/status -b vjar
expect_json_true body '[i["title"] for i in d] == ["North reading"]'
get "/api/seen?school=South" -b vjar
expect_code 403

test_case "attack: North's API token sees North's only, and cannot pick South"
get /api/seen -H "Authorization: Bearer $NTOK"
expect_json_true body 'd["user"]["school"] == "North" and d["people"] == ["N1", "N2", "N3", "N4"]'
get /api/mentoring/pairs -H "Authorization: Bearer $NTOK"
expect_json_true body '[p["mentee"] for p in d] == ["N2 Omar Reyes"]'
get "/api/change/status?school=South" -H "Authorization: Bearer $NTOK"
expect_code 403

test_case "attack: a page of another origin gets nothing, even with the session"
get /api/seen -b njar -H "Origin: http://evil.example"
expect_code 403
expect_not_contains '"N1"' body
get /api/mentoring/pairs -b djar -H "Origin: http://evil.example"
expect_code 403
expect_not_contains 'Uma' body

test_case "a district account sees every school, and picks one with ?school="
get /api/seen -b djar
expect_json_true body 'd["user"]["district"] is True and d["user"].get("school") is None and d["school"] is None and len(d["people"]) == 9'
get /api/change/status -b djar
expect_json_true body '[i["title"] for i in d] == ["North reading", "South numeracy"]'
get "/api/seen?school=South" -b djar
expect_json_true body 'd["user"]["school"] == "South" and d["people"] == ["S1", "S2", "S3", "S4"]'
get "/api/mentoring/pairs?school=South" -b djar
expect_json_true body '[p["mentee"] for p in d] == ["S3 Uma West"]'
get "/api/seen?school=Suoth" -b djar
expect_code 404
test_case "the operator (no person) sees every school"
get /api/seen -H "Authorization: Bearer $TOKEN"
expect_json_true body 'd["school"] is None and len(d["people"]) == 9'

# north CMD BODY [curl options...]: North's coordinator runs a form.
north() {
  get "/api/run/$1" -X POST -b njar -H "X-CSRF-Token: $NCSRF" \
    -H "Content-Type: application/json" --data-binary "$2" "${@:3}"
}
test_case "attack: a command North's coordinator runs from a form reads North only"
north seen/all '{"args": {}}'
expect_code 200
expect_contains '"school":"North"' body
expect_not_contains 'S1' body
north mentor/match '{"args": {}}'
expect_code 200
expect_contains 'N2' body
expect_not_contains 'S2' body
expect_not_contains 'S3' body

test_case "an event about no person is its actor's school's"
north seen/note '{"args": {}}'
expect_code 200
sign_in S1 coordinator sjar
get /api/seen -b sjar
expect_json_true body 'd["user"]["school"] == "South" and d["notes"] == []'
get "/api/events?kind=seen.note" -b sjar
expect_json_true body 'd == []'
get "/api/events?kind=seen.note" -b njar
expect_json_true body '[e["actor"] for e in d] == ["N1"]'
get /api/seen -b njar
expect_json_true body 'd["notes"] == ["N1"]'
get /api/seen -b djar
expect_json_true body 'd["notes"] == ["N1"]'
stop_bg 2>/dev/null || interrupt_bg

finish
