#!/usr/bin/env bash
# e2e: several schools in one database (issue 21, core migration 7,
# core/store/schools.c, core/cli/serve/schools.c): the staff list's school
# column, `baton schools list`, `people list --school`, an import --full of
# one school leaving the others alone; roles per school and the district
# role; and the attacks on `baton serve`: a coordinator of North reading
# South's people, groups and events, acting on South's people through a
# form, forging ?school=South, with an API token, from another origin, and
# a viewer doing the same. A database of one school is unchanged.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins forms
FX="$BATON_SOURCE_DIR/tests/fixtures/schools"

test_case "a staff list with a school column makes the schools"
expect_status 0 baton people import "$FX/district.csv"
expect_status 0 baton groups import "$FX/groups.csv"
expect_status 0 baton --json schools list
expect_json_true out '[(s["school"], s["people"], s["groups"]) for s in d] == [("District office", 1, 0), ("North", 4, 2), ("South", 4, 2)]'
verdict "school is a column, not an attribute" "school went into attrs" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM people WHERE school = 'North' AND attrs NOT LIKE '%school%'")" = 4

test_case "people list --school shows one school; a misspelt one is named"
expect_status 0 baton --json people list --school South
expect_json_true out '[p["id"] for p in d] == ["S1", "S2", "S3", "S4"]'
expect_status 0 baton --json people list --where school=North
expect_json_true out '[p["id"] for p in d] == ["N1", "N2", "N3", "N4"]'
expect_status 2 baton people list --school Suoth
expect_contains "no school 'Suoth'" err
expect_contains "did you mean 'South'?" err

test_case "import --full of one school's file deactivates only that school's missing people"
expect_status 0 baton people import "$FX/north.csv" --full
expect_contains "deactivated  1" out
verdict "N4 left, South and the district office stay" "--full reached another school" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT id FROM people WHERE active = 0 ORDER BY id" | tr '\n' ' ')" = "N4 "
expect_status 0 baton people import "$FX/district.csv"

test_case "a file without a school column keeps each person's school"
printf 'id,name,role\nS2,Theo Vance,deputy\n' >noschool.csv
expect_status 0 baton people import noschool.csv
verdict "S2 still of South" "S2 lost its school" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT school || ':' || role FROM people WHERE id = 'S2'")" = "South:deputy"

test_case "the export carries the school column and reads back unchanged"
expect_status 0 baton people export district-out.csv
expect_contains ",active,school" district-out.csv
expect_status 0 baton people import district-out.csv --full
expect_contains "unchanged    9" out

test_case "roles per school and the district role"
expect_status 0 baton users invite N1 --role coordinator
expect_status 0 baton users invite D1 --role district
expect_contains "(D1, district)" out
expect_status 2 baton users invite N3 --role viewer --school Nort
expect_contains "did you mean 'North'?" err
verdict "a refused --school invites nobody" "N3 was invited" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_users WHERE person_id = 'N3'")" = 0
expect_status 0 baton --json users list
expect_json_true out '[(u["person_id"], u["role"], u.get("school")) for u in d] == [("D1", "district", "District office"), ("N1", "coordinator", "North")]'
expect_status 0 baton users role D1 coordinator --school South
expect_status 0 baton --json users list
expect_json_true out '[(u["role"], u["school"]) for u in d if u["person_id"] == "D1"] == [("coordinator", "South")]'
expect_status 0 baton users role D1 district

# ---- baton serve ------------------------------------------------------------
sqlite3 "$BATON_DB" "INSERT INTO events(kind, subject) VALUES ('form.thank', 'S2'), ('form.thank', 'N2')"
serve_start
ids() { python3 -c 'import json,sys; print(",".join(p["id"] for p in json.load(open("body"))))' 2>/dev/null; }
# sees IDS PATH [curl options...]: /api/people (PATH's query) shows exactly IDS.
sees() {
  get "/api/people$2" "${@:3}"
  verdict "sees $1" "saw $(ids), expected $1 (HTTP $CODE)" body test "$(ids)" = "$1"
}

test_case "the operator (no person) sees every school and may pick one"
sees D1,N1,N2,N3,N4,S1,S2,S3,S4 "" -H "Authorization: Bearer $TOKEN"
sees S1,S2,S3,S4 "?school=South" -H "Authorization: Bearer $TOKEN"

test_case "a coordinator of North signs in"
sign_in N1 coordinator njar
expect_json_true me.json 'd["person"] == "N1" and d["role"] == "coordinator" and d["school"] == "North" and d["district"] is False'
NCSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
# north CMD BODY [curl options...]: North's coordinator runs a form.
north() {
  get "/api/run/$1" -X POST -b njar -H "X-CSRF-Token: $NCSRF" \
    -H "Content-Type: application/json" --data-binary "$2" "${@:3}"
}

test_case "attack: a coordinator of North reads /api/people: North's only"
sees N1,N2,N3,N4 "" -b njar
sees N1,N2,N3,N4 "?all=1" -b njar

test_case "attack: forging ?school=South is refused, not answered"
get "/api/people?school=South" -b njar
expect_code 403
expect_contains "district" body
get "/api/groups?school=South" -b njar
expect_code 403
get "/api/events?school=South" -b njar
expect_code 403

test_case "attack: North's groups only, with North's members only"
get /api/groups -b njar
expect_code 200
expect_json_true body 'sorted(g["name"] for g in d) == ["network", "north-maths"]'
expect_json_true body '[[m["id"] for m in g["members"]] for g in d if g["name"] == "network"] == [["N1"]] and [g["size"] for g in d if g["name"] == "network"] == [1]'

test_case "attack: events about South's people are left out"
get "/api/events?kind=form.thank" -b njar
expect_json_true body '[e["subject"] for e in d] == ["N2"]'

test_case "attack: acting on South's people through a form is refused"
north form/thank '{"args": {"person": "S2"}}'
expect_code 403
expect_contains "of another school" body
north form/plan '{"args": {"who": ["N2", "S3"]}}'
expect_code 403
north form/plan '{"args": {"team": "south-maths"}}'
expect_code 403
expect_contains "group 'south-maths' is not of your school" body
verdict "no event about S2 was written" "the refused form wrote" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM events WHERE subject = 'S2'")" = 1
test_case "acting on North's own people still works"
north form/thank '{"args": {"person": "N2"}}'
expect_code 200
north form/plan '{"args": {"team": "network", "who": ["N2"]}}'
expect_code 200

test_case "attack: North's coordinator's API token sees North only"
NTOK=$(baton users token N1 | head -1)
sees N1,N2,N3,N4 "" -H "Authorization: Bearer $NTOK"
get "/api/people?school=South" -H "Authorization: Bearer $NTOK"
expect_code 403

test_case "attack: a page of another origin gets nothing, even with the session"
get /api/people -b njar -H "Origin: http://evil.example"
expect_code 403
expect_not_contains '"S1"' body
north form/thank '{"args": {"person": "S2"}}' -H "Origin: http://evil.example"
expect_code 403
get /api/schools -b njar -H "Origin: http://evil.example"
expect_code 403
expect_not_contains '"North"' body

test_case "attack: a viewer of North reads North only and cannot pick South"
sign_in N3 viewer vjar
expect_json_true me.json 'd["role"] == "viewer" and d["school"] == "North"'
sees N1,N2,N3,N4 "" -b vjar
get "/api/people?school=South" -b vjar
expect_code 403
get /api/schools -b vjar
expect_json_true body '[s["school"] for s in d] == ["North"]'

test_case "a district account sees every school and picks one"
sign_in D1 district djar
expect_json_true me.json 'd["role"] == "coordinator" and d["district"] is True and d["school"] is None'
sees D1,N1,N2,N3,N4,S1,S2,S3,S4 "" -b djar
sees S1,S2,S3,S4 "?school=South" -b djar
get "/api/people?school=Suoth" -b djar
expect_code 404
expect_contains "did you mean 'South'?" body
get /api/schools -b djar
expect_json_true body '[s["school"] for s in d] == ["District office", "North", "South"]'

test_case "kept answers are each school's own, and a change reaches each"
sees N1,N2,N3,N4 "" -b njar
sees S1,S2,S3,S4 "?school=South" -b djar
get /api/groups -b njar
expect_json_true body 'sorted(g["name"] for g in d) == ["network", "north-maths"]'
HEAD1=$(head -1 "$FX/district.csv")
printf '%s\n' "$HEAD1" >n5.csv
sed -n 's/^N4,/N5,/p' "$FX/district.csv" >>n5.csv
expect_status 0 baton people import n5.csv
sleep 1.2
sees N1,N2,N3,N4,N5 "" -b njar
sees S1,S2,S3,S4 "?school=South" -b djar
sees D1,N1,N2,N3,N4,N5,S1,S2,S3,S4 "" -b djar
expect_status 0 baton people import "$FX/district.csv" --full
sleep 1.2
sees N1,N2,N3,N4 "" -b njar

test_case "a coordinator moved to South sees South from the next request"
expect_status 0 baton users role N1 coordinator --school South
sleep 1.2
sees S1,S2,S3,S4 "" -b njar
stop_bg 2>/dev/null || interrupt_bg

# ---- mentoring across schools (plugins/mentoring) ------------------------------
test_case "mentoring: North's mentees with South's mentors, and --across-schools"
cp -R "$BATON_SOURCE_DIR/plugins/mentoring" "$PLUGINS/"
printf 'group,kind,person_id,role_in_group\nmentees,cohort,N2,\nmentees,cohort,N3,\nmentees,cohort,S3,\nmentors,cohort,S1,\nmentors,cohort,S2,\nmentors,cohort,N4,\n' >cohort.csv
expect_status 0 baton groups import cohort.csv
expect_status 0 baton --json mentor match --mentees-school North --mentors-school South
expect_json_true out 'len(d["pairs"]) == 2 and all(p["mentee_school"] == "North" and p["mentor_school"] == "South" and p["why"] for p in d["pairs"])'
expect_status 0 baton --json mentor match --across-schools
expect_json_true out 'len(d["pairs"]) == 3 and all(p["mentee_school"] != p["mentor_school"] for p in d["pairs"])'
expect_status 1 baton mentor match --mentees-school Nowhere
expect_contains "its people are of North, South" err

test_case "equity: each school's figures beside the district's, and one school's picture"
cp -R "$BATON_SOURCE_DIR/plugins/equity" "$PLUGINS/"
expect_status 0 baton --json equity report --by-school
expect_json_true out '[r["school"] for r in d["schools"]] == ["District office", "North", "South", "district"] and d["schools"][-1]["people"] == 9'
expect_status 0 baton --json equity report --school South
expect_json_true out 'd["figures"]["people"] == 4 and all(p["id"].startswith("S") for p in d["top"] + d["none"])'

# ---- one school: nothing changes ---------------------------------------------
test_case "a database of one school: no school anywhere"
export BATON_DB="$WORK/one.db"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton schools list
expect_contains "(one school)" out
expect_status 0 baton people export one.csv
verdict "the export has no school column" "the export changed" one.csv not grep -q ",school" <(head -1 one.csv)

finish
