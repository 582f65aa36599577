#!/bin/sh
# The reflection checklist (plugins/reflection) end to end: a round of the
# whole staff answered from the command line, then its page, results and
# trends routes under baton serve, where a role of 4 answers and the role
# that would give it away by subtraction appear nowhere, and the event log
# carries no score of an anonymous round.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"

export BATON_TODAY=2026-10-05
test_case "the sample school, a whole-staff group and the autumn term"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/plugins/reflection/tests/whole-staff.csv"
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18

test_case "a round opens for the whole staff, and 29 people answer their own"
expect_status 0 baton reflect open --group "Whole staff"
expect_contains "Round 1 opened for Whole staff (Autumn 2026): 40 people asked 10 statements, anonymously." out
answer() { # ID SCORE
  set -- "$1" "$2" 1 2 3 4 5 6 7 8 9 10
  id=$1 score=$2
  shift 2
  args=""
  for i in "$@"; do args="$args --item $i=$score"; done
  # shellcheck disable=SC2086
  baton reflect answer 1 "$id" $args >/dev/null
}
for id in $(awk -F, 'NR > 1 && $4 == "teacher" { print $1 }' "$BATON_SOURCE_DIR/samples/staff.csv"); do answer "$id" 3; done
for id in $(awk -F, 'NR > 1 && $4 == "student leader" { print $1 }' "$BATON_SOURCE_DIR/samples/staff.csv"); do answer "$id" 2; done
for id in $(awk -F, 'NR > 1 && $4 == "aide" { print $1 }' "$BATON_SOURCE_DIR/samples/staff.csv"); do answer "$id" 1; done
expect_status 0 baton --json reflect list
expect_json_true out 'd[0]["answered"] == 29 and d[0]["asked"] == 40'
expect_status 0 baton reflect missing 1
expect_contains "Round 1: 11 have not answered every statement:" out

test_case "while open, the page shows the count and no figure"
serve_start
get /api/reflection/page
expect_code 200
expect_json_true body 'not any(b["view"] == "bars" for b in d["blocks"]) and any("the round is open" in b.get("text", "") for b in d["blocks"])'
interrupt_bg

test_case "closed: the page, the results and the trends show the teachers, never the aides nor the student leaders"
expect_status 0 baton reflect close 1
serve_start
get /api/reflection/page
expect_code 200
expect_json_true body 'sum(1 for b in d["blocks"] if b["view"] == "bars") == 10 and [b for b in d["blocks"] if b["view"] == "commands"][0]["commands"] == ["answer", "mine"]'
expect_contains "teacher (20)" body
expect_not_contains "aide" body
expect_not_contains "student leader" body
get /api/reflection/results/1
expect_code 200
expect_json_true body 'd["answers"] == 29 and [r["role"] for r in d["roles"]] == ["teacher"] and d["other_roles"] == 9'
expect_not_contains "aide" body
expect_not_contains "student leader" body
get "/api/reflection/trends?group=Whole%20staff"
expect_code 200
expect_json_true body 'len(d["rounds"]) == 1 and d["rounds"][0]["answers"] == 29'
expect_not_contains "aide" body

test_case "the routes refuse what they do not answer"
get /api/reflection/results/7
expect_code 404
get /api/reflection/trends
expect_code 400
get /api/reflection/page -X POST -H "Authorization: Bearer $TOKEN"
expect_code 405

test_case "the plugin's page is listed for the dashboard"
get /api/plugins
expect_json_true body '[p for p in d if p["name"] == "reflection"][0]["pages"] == [{"name": "reflect", "title": "Reflection", "data": "/api/reflection/page", "html": None, "access": "any"}]'

test_case "the event log names who answered the anonymous round, with no score"
get "/api/events?limit=100"
expect_code 200
expect_json_true body 'len([e for e in d if e["kind"] == "reflect.answer"]) == 29 and all("scores" not in e["data"] for e in d if e["kind"] == "reflect.answer")'
interrupt_bg
check_status 0

test_case "a database where the tutorial's plugin of the same name ran: it shadows this one, and this one works after it"
export BATON_DB="$WORK/tutorial.db"
cp -R "$BATON_SOURCE_DIR/examples/reflection" "$PLUGINS/"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/groups.csv"
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18
expect_status 0 baton reflect answer AP01 1 "I handed the timetable to Wei"
expect_status 0 baton plugins
expect_match "reflection +0.1.0 +shadowed" out
rm -rf "$PLUGINS/reflection"
expect_status 0 baton reflect open --group "Wellbeing Committee"
expect_contains "Round 1 opened for Wellbeing Committee (Autumn 2026): 6 people asked 10 statements" out
expect_status 0 baton reflect items
expect_contains "10  We talk openly about who leads what" out

test_case "the demo replays the leadership team's round at the end of last school year, closed, with its results"
mkdir "$WORK/demo" && cd "$WORK/demo"
TIMEOUT=90 expect_status 0 baton --today 2026-09-01 demo --no-serve
expect_contains "History: the leadership team's reflection round (Summer 2026), 13 of 13 answered, closed on 2026-06-20" out
expect_status 0 baton --db baton-demo.db --today 2026-09-01 --json reflect results 1
expect_json_true out 'd["shown"] and d["answers"] == 13 and [r["role"] for r in d["roles"]] == ["teacher"] and d["other_roles"] == 5'

test_case "the worked example of docs/practices/reflect.md is what baton prints"
GUIDE="$BATON_SOURCE_DIR/docs/practices/reflect.md"
# its rehearsal script, as the guide prints it
sed -n '/^-- rehearse.lua/,/^```/p' "$GUIDE" | sed '$d' >rehearse.lua
expect_status 0 baton --db baton-demo.db terms add "Autumn 2026" 2026-09-01 2026-12-18
expect_status 0 baton --db baton-demo.db --today 2026-09-21 reflect open --group "Leadership Team" --closes 2026-10-02
expect_status 0 baton --db baton-demo.db --today 2026-09-22 reflect answer 2 L001 --item 1=3 --item 2=2 --item 3=4 \
  --item 4=3 --item 5=2 --item 6=3 --item 7=3 --item 8=2 --item 9=3 --item 10=2 \
  --comment "3=We have rotated the chair since Easter"
expect_contains "Saved: 10 of 10 statements of round 2 answered; your answer counts." out
expect_status 0 baton --db baton-demo.db --today 2026-09-22 run rehearse.lua 2 "Leadership Team" --lift 1
for cmd in "reflect results 2" "reflect trends --group \"Leadership Team\""; do
  sed -n "/^\$ baton --today 2026-10-05 $cmd\$/,/^\`\`\`/p" "$GUIDE" | sed '1d;$d' >guide.txt
  eval "set -- $cmd"
  expect_status 0 baton --db baton-demo.db --today 2026-10-05 "$@"
  # every line the guide shows, in order, elisions (...) aside
  if python3 - guide.txt out <<'PY'
import sys
want = [l.rstrip() for l in open(sys.argv[1]) if l.strip() != "..."]
got = [l.rstrip() for l in open(sys.argv[2])]
i = 0
for l in got:
    if i < len(want) and l == want[i]:
        i += 1
sys.exit(0 if want and i == len(want) else 1)
PY
  then pass "the guide's '$cmd' block is in the output"
  else fail "the guide's '$cmd' block differs from the output" guide.txt out
  fi
done
cd "$WORK"

finish
