#!/bin/sh
# Issue 19, "must show": a coordinator opens a reflection round in the
# browser, 20 staff answer from their own sessions (each the forms' POST
# /api/run/reflect/answer a browser makes, with the session cookie and its
# CSRF token), and the summary keeps the anonymity threshold in every
# output: the command line's text, --json, --csv, the page, the results and
# trends routes. 14 teachers answer 3, 3 aides 1, 3 support staff 2: the
# aides and support staff are fewer than 5 each, so neither appears
# anywhere, and the whole round's mean is the hand count
# (14*3 + 3*1 + 3*2) / 20 = 51 / 20 = 2.55.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"

export BATON_TODAY=2026-10-05
STAFF="$BATON_SOURCE_DIR/samples/staff.csv"
test_case "the sample school, a whole-staff group, the autumn term"
expect_status 0 baton people import "$STAFF"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/plugins/reflection/tests/whole-staff.csv"
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18
serve_start

# run JAR CSRF NS/CMD JSON: a form's POST as the browser sends it.
run_as() {
  get "/api/run/$3" -X POST -b "$1" -H "X-CSRF-Token: $2" \
    -H "Content-Type: application/json" --data-binary "$4"
}
csrf() { python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")'; }

test_case "the coordinator opens the round from the browser's form"
sign_in P001 coordinator cjar
expect_json_true me.json 'd["role"] == "coordinator"'
CC=$(csrf)
run_as cjar "$CC" reflect/open '{"args": {"group": "Whole staff"}}'
expect_code 200
expect_json_true body 'd["status"] == 0'
# A form runs as --json: the result is the command's JSON.
expect_json_true body 'd["result"] == {"anonymous": True, "group": "Whole staff", "items": 10, "members": 40, "round": 1, "term": "Autumn 2026"}'


ids() { awk -F, -v r="$1" 'NR > 1 && $4 == r { print $1 }' "$STAFF" | head -n "$2"; }
items() { # SCORE: every statement, as the form's list field sends it
  python3 -c 'import json, sys; print(json.dumps({"args": {"round": 1, "item": ["%d=%s" % (i, sys.argv[1]) for i in range(1, 11)]}}))' "$1"
}
answered=0
answer_all() { # ROLE COUNT SCORE
  body_json=$(items "$3")
  for id in $(ids "$1" "$2"); do
    sign_in "$id" staff "jar_$id"
    c=$(csrf)
    # The form sends no person: the host fills in the one signed in.
    run_as "jar_$id" "$c" reflect/answer "$body_json"
    if [ "$CODE" = 200 ] && python3 -c 'import json; import sys; sys.exit(0 if json.load(open("body"))["status"] == 0 else 1)'; then
      answered=$((answered + 1))
    else
      echo "  $id: HTTP $CODE $(head -c 300 body)"
    fi
  done
}
test_case "20 staff sign in and answer from their own sessions"
answer_all teacher 14 3
answer_all aide 3 1
answer_all "support staff" 3 2
verdict "20 answers through the sessions" "$answered of 20 answers went through" "" test "$answered" = 20
expect_status 0 baton --json reflect list
expect_json_true out 'd[0]["answered"] == 20 and d[0]["asked"] == 40'

test_case "a staff member cannot answer as someone else, nor close the round"
T=$(ids teacher 1)
sign_in "$T" staff tjar
TC=$(csrf)
run_as tjar "$TC" reflect/answer '{"args": {"round": 1, "person": "T020", "item": ["1=4"]}}'
expect_code 403
run_as tjar "$TC" reflect/close '{"args": {"round": 1}}'
expect_code 403
test_case "a page of another origin cannot answer with a staff member's cookie"
get /api/run/reflect/answer -X POST -b tjar -H "X-CSRF-Token: $TC" \
  -H "Origin: http://evil.example" -H "Content-Type: application/json" \
  --data-binary "$(items 4)"
expect_code 403
expect_status 0 baton --json reflect list
expect_json_true out 'd[0]["answered"] == 20'

test_case "the coordinator closes the round from the browser"
run_as cjar "$CC" reflect/close '{"args": {"round": 1}}'
expect_code 200
cp body close.json
expect_json_true close.json 'd["status"] == 0 and d["result"]["answers"] == 20'

# No output may name a role of fewer than 5 answers.
hidden() {
  expect_not_contains "aide" "$1"
  expect_not_contains "support staff" "$1"
}
test_case "the command line: text, --json and --csv keep the threshold"
expect_status 0 baton reflect results 1 --csv results.csv
expect_contains "20 of 40 answered" out
expect_contains "2.55  3/3/14/0" out
expect_contains "TEACHER (14)" out
hidden out
hidden results.csv
expect_contains "1,Whole staff,Autumn 2026,all,20,1," results.csv
expect_status 0 baton --json reflect results 1
expect_json_true out 'd["answers"] == 20 and [r["role"] for r in d["roles"]] == ["teacher"] and d["roles"][0]["answers"] == 14 and d["other_roles"] == 6'
expect_json_true out 'all(i["mean"] == 3.0 for i in d["roles"][0]["items"])'
hidden out
expect_status 0 baton --json reflect trends --group "Whole staff" --csv trends.csv
hidden out
hidden trends.csv

test_case "the browser: the page and the routes keep it too, for staff and coordinator"
for jar in tjar cjar; do
  get /api/reflection/page -b "$jar"
  expect_code 200
  expect_contains "teacher (14)" body
  hidden body
  get /api/reflection/results/1 -b "$jar"
  expect_code 200
  expect_json_true body 'd["answers"] == 20 and [r["role"] for r in d["roles"]] == ["teacher"]'
  hidden body
  get "/api/reflection/trends?group=Whole%20staff" -b "$jar"
  expect_code 200
  hidden body
done

test_case "an anonymous round's answers stay with their authors"
expect_status 1 baton reflect answers 1
expect_contains "anonymous" err
run_as tjar "$TC" reflect/mine '{"args": {"round": 1}}'
expect_code 200
expect_json_true body 'd["status"] == 0'
cp body mine.json
expect_contains "$T" mine.json

interrupt_bg
finish
