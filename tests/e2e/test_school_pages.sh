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
for p in mentoring kotter equity rotation recognition reflection coaching expertise inquiry; do
  cp -R "$BATON_SOURCE_DIR/plugins/$p" "$PLUGINS/"
done
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

test_case "each practice's rows in each school: rotas, thanks, reflection rounds, coaching and inquiry cycles, expertise"
expect_status 0 baton rota plan --group north-maths --dates 2026-01-05,2030-01-07 --roles chair --save
expect_status 0 baton rota plan --group south-maths --dates 2026-01-06,2030-01-08 --roles chair --save
expect_status 0 baton --json rota feed
SFEED=$(python3 -c 'import json; print([r["path"] for r in json.load(open("out")) if r["person"] == "S1"][0])')
NFEED=$(python3 -c 'import json; print([r["path"] for r in json.load(open("out")) if r["person"] == "N1"][0])')
expect_status 0 baton thanks post N2 N1 "North thanks"
expect_status 0 baton thanks post S2 S1 "South secret thanks"
expect_status 0 baton reflect open --group south-maths --term 2026-2027
expect_status 0 baton reflect close 1
expect_status 0 baton reflect open --group north-maths --term 2026-2027
expect_status 0 baton coach start S3 --coach S2
expect_status 0 baton coach start N3 --coach N2
expect_status 0 baton expertise declare S2 questioning
expect_status 0 baton expertise declare N2 AfL
expect_status 0 baton inquiry open "South question" --group south-maths
expect_status 0 baton inquiry open "North question" --group north-maths

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
# south_free PATH [curl options...]: the answer names none of South's
# people, by id or name, nor South's rows.
SOUTH='S1|S2|S3|S4|Sara Ulm|Theo Vance|Uma West|Vic Xu|south-maths|South secret|South question'
south_free() {
  get "$@"
  expect_code 200
  verdict "$1 names nobody of South" "$1 names South's: $(grep -oE "$SOUTH" body | sort -u | tr '\n' ' ')" body \
    not grep -qE "$SOUTH" body
}
test_case "attack: rota's page, plans, leadership and feeds of North only"
south_free /api/rotation/page -b njar
expect_contains 'north-maths' body
south_free /api/rotation/plans -H "Authorization: Bearer $NTOK"
expect_json_true body 'list(d) == ["north-maths"]'
south_free /api/rotation/leadership -b vjar
expect_json_true body '[r["person"] for r in d["roles"]] == ["N1"]'
get "$SFEED" -b njar
expect_code 404
get "$NFEED" -b njar
expect_code 200
get "$SFEED" -b djar
expect_code 200

test_case "attack: thanks of North only, on every page and route"
for path in /api/recognition/page /api/recognition/board /api/recognition/thanks /api/recognition/spread \
  /api/recognition/history /api/recognition/coordinator /api/recognition/thanks.csv /api/recognition/leadership; do
  south_free $path -b njar
done
expect_contains 'N2' body
south_free /api/recognition/thanks -H "Authorization: Bearer $NTOK"
expect_json_true body '[t["message"] for t in d["thanks"]] == ["North thanks"]'
south_free /api/recognition/board -b vjar

test_case "attack: reflection rounds of North only"
get /api/reflection/results/1 -b njar
expect_code 404
south_free /api/reflection/page -b vjar
get "/api/reflection/trends?group=south-maths" -H "Authorization: Bearer $NTOK"
expect_json_true body 'd["rounds"] == [] and d["withheld"] == [] and d["items"] == []'

test_case "attack: coaching cycles, inquiry cycles and expertise of North only"
south_free /api/coaching/page -b njar
expect_contains 'Omar Reyes' body
south_free /api/coaching/leadership -H "Authorization: Bearer $NTOK"
south_free /api/inquiry/overview -b njar
expect_contains 'North question' body
south_free /api/inquiry/board -b vjar
get "/api/inquiry/board?cycle=1" -b njar
expect_code 404
south_free /api/inquiry/leadership -H "Authorization: Bearer $NTOK"
south_free /api/expertise/page -b njar
south_free "/api/expertise/helpers?tag=questioning" -H "Authorization: Bearer $NTOK"

test_case "attack: equity's spread of North only (its people, its roles, each practice's count)"
south_free /api/equity/page -b njar
expect_contains 'thanks given and received, 2 held' body
expect_contains 'colleagues coached, 1 held' body
expect_contains '"period":"2025-2026"' body
south_free /api/equity/notices -b vjar
get /api/equity/page -b djar
expect_contains 'Sara Ulm' body

test_case "a district account sees each school's rows, and picks one with ?school="
get /api/recognition/thanks -b djar
expect_json_true body 'sorted(t["message"] for t in d["thanks"]) == ["North thanks", "South secret thanks"]'
get "/api/recognition/thanks?school=South" -b djar
expect_json_true body '[t["message"] for t in d["thanks"]] == ["South secret thanks"]'
get "/api/inquiry/board?cycle=1&school=South" -b djar
expect_code 200
expect_contains 'South question' body
get /api/rotation/plans -b djar
expect_json_true body 'sorted(d) == ["north-maths", "south-maths"]'

test_case "attack: a form's mentor rematch --save leaves a pair whose mentor is of another school whole"
printf 'group,kind,person_id,role_in_group\nmentees,cohort,N3,\nmentors,cohort,S4,\n' >more.csv
expect_status 0 baton groups import more.csv
printf 'mentee_id,mentor_id\nN3,S4\n' >fixed.csv
expect_status 0 baton --json mentor rematch --fixed fixed.csv --save
expect_json_true out '[(p["mentee"], p["mentor"]) for p in d["new"]] == [("N3", "S4")]'
north mentor/rematch '{"args": {"save": true}}'
expect_code 200
expect_not_contains 'no longer an active mentor' body
expect_status 0 baton --json mentor list --active
expect_json_true out 'sorted((p["mentee"].split()[0], p["mentor"].split()[0]) for p in d) == [("N2", "N4"), ("N3", "S4"), ("S3", "S2")]'
stop_bg 2>/dev/null || interrupt_bg

finish
