#!/usr/bin/env bash
# e2e: `baton demo`, the trainer's command: a sample school in a fresh
# database with the three practices run on it; the same school for the
# same seed; --reset; the tour, with --yes and through a pseudo-terminal
# with Enter pressed at each pause; and the dashboard when serve exists.
. "$(dirname "$0")/lib.sh"

# A fixed date makes the plans and the warnings the same on every day.
demo() { baton --today 2026-09-01 demo "$@"; }

# On PostgreSQL (tests/pg/e2e.txt): the demo into the test's database.
# The rest of this script is about files (baton-demo.db, --db FILE), the
# same on either engine, so it runs on SQLite only.
if on_postgres; then
  test_case "on PostgreSQL demo puts the school into the empty database: the same school as in a file"
  expect_status 0 demo --no-serve --db "$BATON_DB"
  expect_contains "School: 80 people" out
  expect_contains "Change: 'Reading in every subject' (initiative 1), 2 of 8 steps done" out
  verdict "the server holds the 80 people" "the server does not hold the 80 people" "" \
    test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM people")" = 80
  expect_lines <(sqlite3 "$BATON_DB" "SELECT value FROM baton_settings WHERE plugin = 'baton' AND key = 'demo'") \
    '{"size":80,"seed":2026}'
  expect_status 0 demo --no-serve --db file.db
  for cmd in "mentor list --active" "groups list" "change status 1" "coach list"; do
    # shellcheck disable=SC2086
    "$BATON" --plugins "$PLUGINS" --db file.db --today 2026-09-01 --json $cmd >file.json 2>&1
    # shellcheck disable=SC2086
    "$BATON" --plugins "$PLUGINS" --db "$BATON_DB" --today 2026-09-01 --json $cmd >pg.json 2>&1
    verdict "$cmd reads the same on PostgreSQL as in the file" "$cmd differs" pg.json cmp -s file.json pg.json
  done

  test_case "on PostgreSQL a database that holds anything is refused and left as it was; --reset names dropdb"
  "$BATON" --db "$BATON_DB" --json people list >before.json
  expect_status 1 demo --no-serve --db "$BATON_DB" --seed 7
  expect_contains "baton demo: cannot put the new school into the database: TO $BATON_DB is not empty" err
  expect_contains "nothing was written" err
  "$BATON" --db "$BATON_DB" --json people list >after.json
  verdict "the people are as they were" "the refused demo changed the people" after.json cmp -s before.json after.json
  expect_status 1 demo --no-serve --reset --db "$BATON_DB"
  expect_contains "baton demo: --reset works on a file; baton does not empty a PostgreSQL database: make a new one (dropdb NAME; createdb NAME)" err

  test_case "on PostgreSQL the dashboard's reset is refused with what to do, and changes nothing"
  serve_start
  get /api/demo/reset -X POST -H "Authorization: Bearer $TOKEN"
  expect_code 409
  expect_contains "this demo is in PostgreSQL: drop and make the database again" body
  "$BATON" --db "$BATON_DB" --json people list >after.json
  verdict "the people are as they were" "the refused reset changed the people" after.json cmp -s before.json after.json
  stop_bg 2>/dev/null || interrupt_bg
  finish
  exit
fi

test_case "demo --no-serve on a clean folder builds the school and runs the three practices"
expect_status 0 demo --no-serve
expect_contains "School: 80 people" out
expect_match "^History: last year's mentoring cohort, [0-9]+ pairs made on 2025-08-25$" out
expect_match "^History: [0-9]+ pairs ended on 2026-06-20; last term's rotas saved, 2026-04-13 to 2026-06-17: Mathematics PLC [0-9]+ meetings" out
expect_match "^Mentoring: [0-9]+ pairs made and saved" out
expect_match "^  [A-Z]+[0-9]+ .+  <-  [A-Z]+[0-9]+ .+ \([0-9]+: " out
expect_match "^  Mathematics PLC: [0-9]+ meetings, fairness bound 1 met" out
expect_match "^  Wellbeing Committee: [0-9]+ meetings" out
expect_match "^    [1-9] past, next meeting 2026-09-01: facilitator " out
expect_contains "Change: 'Reading in every subject' (initiative 1), 2 of 8 steps done" out
expect_contains "step 3 Form a strategic vision" out
expect_contains "warning: step 3" out
verdict "baton-demo.db was made" "no baton-demo.db" "" test -f baton-demo.db
cp out first
expect_status 0 "$BATON" --db baton-demo.db --json mentor list --active
expect_json_true out 'len(d) >= 10'
expect_status 0 "$BATON" --db baton-demo.db --json rota show --group "Mathematics PLC"
expect_status 0 "$BATON" --db baton-demo.db --json groups list
expect_json_true out 'set(["mentees", "mentors", "Leadership Team", "Wellbeing Committee"]) <= set(g["name"] for g in d)'
expect_status 0 "$BATON" --db baton-demo.db --json people list
expect_json_true out 'set(p["role"] for p in d) >= {"principal", "teacher", "aide", "counsellor", "support staff", "student leader"}'
expect_json_true out 'set(p["campus"] for p in d) == {"Harbour", "Ridgeway"}'

test_case "the demo school has a past: last year's ended pairs, never repeated, and last term's rota"
expect_status 0 "$BATON" --db baton-demo.db --json mentor list
cp out pairs.json
expect_json_true pairs.json 'len([p for p in d if p["started"] == "2025-08-25" and p["ended"] == "2026-06-20"]) >= 5'
expect_json_true pairs.json 'not {(p["mentee"], p["mentor"]) for p in d if p["ended"]} & {(p["mentee"], p["mentor"]) for p in d if not p["ended"]}'
# A mentee of both years, and last year's mentor who mentors this year too:
# the no-repeat rule is why they are not together again.
expect_status 0 "$BATON" --db baton-demo.db --json groups show mentors
pair=$(python3 -c '
import json
pairs = json.load(open("pairs.json")); g = json.load(open("out"))
ms = g.get("members", g) if isinstance(g, dict) else g
mentors = {(m.get("id") or m.get("person_id")) for m in ms}
now = {p["mentee"] for p in pairs if not p["ended"]}
for p in pairs:
    if p["ended"] and p["mentee"] in now and p["mentor"].split()[0] in mentors:
        print(p["mentee"].split()[0], p["mentor"].split()[0]); break')
verdict "found a mentee paired last year with a mentor of this year: $pair" "no such mentee" out test -n "$pair"
# (a pair the rules refuse is an error naming the rule: exit status 1)
expect_status 1 "$BATON" --db baton-demo.db --today 2026-09-01 mentor why $pair --capacity 2
expect_contains "were paired before" err
expect_status 0 "$BATON" --db baton-demo.db --today 2026-09-01 --json rota show --group "Mathematics PLC"
expect_json_true out 'any(r["past"] for r in d) and any(not r["past"] for r in d)'
expect_status 0 "$BATON" --db baton-demo.db --today 2026-09-01 rota show --group "Wellbeing Committee"
expect_contains "2026-08-27 (past)" out
expect_status 0 "$BATON" --db baton-demo.db --today 2026-09-01 rota why --group "Mathematics PLC" --date 2026-09-01 --role facilitator
expect_match "\([1-9][0-9]* facilitator turns? before this meeting\); last facilitator 2026-" out

test_case "demo --no-serve needs only what a clean checkout has (the scripts and plugins git tracks)"
if git -C "$BATON_SOURCE_DIR" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  mkdir checkout
  # The files git tracks (as they are now, so work in progress is tested
  # too), nothing untracked or ignored. The checkout's plugins come first
  # on the path and its scripts replace the source tree's: a file the demo
  # needs that git does not track fails here.
  (cd "$BATON_SOURCE_DIR" && git ls-files -z scripts plugins | xargs -0 cp --parents -t "$WORK/checkout")
  run env BATON_SCRIPTS="$WORK/checkout/scripts" timeout 60 "$BATON" --plugins checkout/plugins \
    --today 2026-09-01 demo --no-serve --db checkout.db
  check_status 0
  verdict "the same output as from the working tree" "the committed files give other output" out \
    cmp -s <(sed 's/checkout.db/baton-demo.db/g' out) first
  run "$BATON" --plugins checkout/plugins plugins
  expect_match "^mentoring .+ checkout/plugins/mentoring" out
else
  pass "skipped: the source tree is not a git checkout"
fi

test_case "demo refuses to overwrite an earlier demo without --reset"
expect_status 1 demo --no-serve
expect_contains "baton-demo.db already exists" err
expect_contains "--reset" err

test_case "demo --reset starts again, and the same seed gives the same school and results"
expect_status 0 demo --no-serve --reset
verdict "the output is the same as the first run's" "the output differs from the first run's" out \
  cmp -s first out
expect_status 0 demo --no-serve --reset --seed 7
verdict "another seed gives another school" "seed 7 gave the same output as the default seed" out \
  not cmp -s first out

test_case "demo --size and --db"
expect_status 0 demo --no-serve --size 120 --db big.db
expect_match "^School: 1[0-9][0-9] people" out
verdict "big.db was made" "no big.db" "" test -f big.db
expect_status 2 demo --no-serve --size 3 --db tiny.db
expect_contains "--size expects 30 to 5000" err

test_case "the smallest school (--size 30) runs to the end; a rota role nobody can take is named a gap"
expect_status 0 demo --no-serve --size 30 --db small.db
expect_contains "nobody (a gap)" out

test_case "demo --tour --yes runs to the end without waiting"
expect_status 0 demo --tour --yes --reset --no-serve
for stop in "== The school ==" "== 1. Mentoring" "== 2. Rotation" "== 3. Leading a change" \
  "== 4. Inquiry" "== 5. Recognition" "== 6. Expertise" "== 7. Coaching" "== 8. Equity" \
  "== That is the tour =="; do
  expect_contains "$stop" out
done
expect_contains "What a coordinator types (the tour does it now):" out
expect_contains "In the dashboard, open Mentoring" out
expect_not_contains "[Enter: go on]" out
expect_not_contains "People and Groups" out # views the dashboard does not have

test_case "every command the tour prints works as printed, on the demo's database"
# Indented lines starting with `baton` (a trailing \ goes on), run by sh
# exactly as printed with `baton` this binary; none may make a baton.db.
cp out tour
awk '/^    baton / { c = substr($0, 5); while (c ~ /\\$/ && (getline l) > 0) { sub(/\\$/, "", c); sub(/^ +/, " ", l); c = c l }; print c }' \
  tour >commands
n=$(wc -l <commands)
verdict "the tour prints $n commands" "it prints $n commands, expected at least 10" commands test "$n" -ge 10
verdict "each names the demo's database" "one does not name --db baton-demo.db" commands \
  not grep -v '^baton --db baton-demo.db ' commands
rm -f baton.db
while IFS= read -r c; do
  expect_status 0 env -u BATON_DB sh -c "baton() { '$BATON' --plugins '$PLUGINS' \"\$@\"; }; $c"
done <commands
expect_file_absent baton.db

test_case "the tour at a terminal pauses for Enter at each stop and ends"
# script(1) gives baton a pseudo-terminal; the Enters come through it.
if command -v script >/dev/null; then
  set +e
  (for _ in $(seq 20); do sleep 0.3; printf '\n'; done) |
    timeout -k 1 90 script -qefc "'$BATON' --plugins '$PLUGINS' --today 2026-09-01 demo --tour --reset --no-serve" /dev/null >out 2>err
  STATUS=$?
  set -e
  check_status 0
  expect_contains "== That is the tour ==" out
  pauses=$(grep -o "Enter: go on" out | wc -l)
  # The welcome, the school, then each of the 8 stops twice (its command,
  # then what to look at).
  verdict "paused 18 times" "paused $pauses times, expected 18" out test "$pauses" -eq 18
else
  pass "skipped: no script(1) for a pseudo-terminal"
fi

test_case "demo starts the dashboard and prints its address"
if "$BATON" help serve >/dev/null 2>&1; then
  timeout -k 1 20 "$BATON" --plugins "$PLUGINS" demo --reset --listen 127.0.0.1:0 >served 2>&1 &
  pid=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' served | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  verdict "the address is printed: $url" "no address printed" served test -n "$url"
  if [ -n "$url" ] && python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5).read()' "$url" 2>json_err; then
    pass "the dashboard answers at $url"
  else
    fail "the dashboard does not answer at $url" json_err
  fi
  python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "api/health", timeout=5).read().decode())' \
    "$url" >health 2>&1 || true
  expect_json_true health 'd["school"] == "Kestrel Bay College"'
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
else
  pass "skipped: this baton has no serve"
fi

finish
