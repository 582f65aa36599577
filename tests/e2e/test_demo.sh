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

  # pgdump URL FILE: the database's schema and data, without the lines
  # that change from one dump to the next.
  pgdump() { pg_dump --no-owner "$1" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' >"$2"; }
  # unchanged URL: its dump now is before.sql (pgdump URL before.sql).
  unchanged() {
    pgdump "$1" after.sql
    verdict "the database's dump is unchanged" "the database changed" after.sql cmp -s before.sql after.sql
  }

  test_case "on PostgreSQL a database that holds anything is refused without --reset and left as it was; an earlier demo's refusal names --reset"
  "$BATON" --db "$BATON_DB" --json people list >before.json
  expect_status 1 demo --no-serve --db "$BATON_DB" --seed 7
  expect_contains "baton demo: $BATON_DB holds an earlier demo: \`baton demo --reset\` replaces it with a fresh school" err
  # told before a school is built (it was after: the new school's summary first)
  expect_not_contains "School:" out
  "$BATON" --db "$BATON_DB" --json people list >after.json
  verdict "the people are as they were" "the refused demo changed the people" after.json cmp -s before.json after.json

  test_case "on PostgreSQL --reset replaces a demo with a fresh school, the same as a new one of that seed"
  expect_status 0 demo --no-serve --seed 7 --db file7.db
  expect_status 0 demo --no-serve --reset --seed 7 --db "$BATON_DB"
  expect_contains "School: 80 people" out
  for cmd in "people list" "mentor list" "groups list" "change status 1" "coach list"; do
    # shellcheck disable=SC2086
    "$BATON" --plugins "$PLUGINS" --db file7.db --today 2026-09-01 --json $cmd >file.json 2>&1
    # shellcheck disable=SC2086
    "$BATON" --plugins "$PLUGINS" --db "$BATON_DB" --today 2026-09-01 --json $cmd >pg.json 2>&1
    verdict "$cmd reads as in a new demo of seed 7" "$cmd differs from a new demo of seed 7" pg.json cmp -s file.json pg.json
  done
  verdict "as many events as in the new demo" "the old events are still there" "" \
    test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM events")" = "$(command sqlite3 file7.db "SELECT count(*) FROM events")"
  expect_lines <(sqlite3 "$BATON_DB" "SELECT value FROM baton_settings WHERE plugin = 'baton' AND key = 'demo'") \
    '{"size":80,"seed":7}'
  test_case "... and the event log is append-only again (its TRUNCATE guard was off inside the reset only)"
  verdict "TRUNCATE events is refused" "TRUNCATE events went through" "" \
    not psql -X -q "$BATON_DB" -c "TRUNCATE events"
  verdict "DELETE FROM events is refused" "DELETE FROM events went through" "" \
    not psql -X -q "$BATON_DB" -c "DELETE FROM events"

  test_case "on PostgreSQL --reset on an empty database makes the demo"
  EMPTY=$(new_db empty)
  expect_status 0 demo --no-serve --reset --db "$EMPTY"
  expect_contains "School: 80 people" out

  test_case "on PostgreSQL --reset refuses a database baton demo did not make, says what to do, and leaves it as it was"
  OTHER=$(new_db other)
  expect_status 0 baton --db "$OTHER" people import "$BATON_FIXTURES/store/people.csv"
  pgdump "$OTHER" before.sql
  expect_status 1 demo --no-serve --reset --db "$OTHER"
  expect_contains "baton demo: $OTHER holds data that \`baton demo\` did not put there (it has no demo mark, the setting baton.demo), so it is not reset, and it is as it was" err
  expect_contains "make one (createdb NAME) and run \`baton --db postgresql://.../NAME demo\`" err
  expect_not_contains "School:" out
  unchanged "$OTHER"
  expect_status 1 demo --no-serve --db "$OTHER"
  expect_contains "baton demo: $OTHER holds data that \`baton demo\` did not put there" err
  expect_not_contains "School:" out
  unchanged "$OTHER"
  test_case "... and so does the dashboard's reset there (409)"
  BATON_DB=$OTHER serve_start
  get /api/demo/reset -X POST -H "Authorization: Bearer $TOKEN"
  expect_code 409
  expect_contains "not made by baton demo" body
  interrupt_bg
  unchanged "$OTHER"

  test_case "on PostgreSQL a statement failing in the middle of the reset leaves the old demo"
  # A check that the rows there pass (NOT VALID: not checked) and the new
  # school's first person fails: after the TRUNCATE, in the COPY.
  psql -X -q "$BATON_DB" -c "ALTER TABLE people ADD CONSTRAINT no_new_people CHECK (false) NOT VALID"
  pgdump "$BATON_DB" before.sql
  expect_status 1 demo --no-serve --reset --db "$BATON_DB"
  expect_contains "baton demo: cannot put the new school into the database: TO $BATON_DB" err
  expect_contains "no_new_people" err
  unchanged "$BATON_DB"
  psql -X -q "$BATON_DB" -c "ALTER TABLE people DROP CONSTRAINT no_new_people"

  test_case "on PostgreSQL --reset refuses a demo's database holding a table neither baton nor a plugin made"
  psql -X -q "$BATON_DB" -c "CREATE TABLE school_notes (note text); INSERT INTO school_notes VALUES ('keep me')"
  pgdump "$BATON_DB" before.sql
  expect_status 1 demo --no-serve --reset --db "$BATON_DB"
  expect_contains "has table 'school_notes' in schema 'public', which neither baton nor a plugin made: it is not replaced; nothing was written" err
  unchanged "$BATON_DB"
  psql -X -q "$BATON_DB" -c "DROP TABLE school_notes"

  test_case "on PostgreSQL the connection ended in the middle of the reset leaves the old demo"
  # The reset waits, after emptying the tables, for the lock that guards
  # making a plugin's role and schema (store.c: PG_READY_LOCK), held here;
  # its connection is ended while it waits.
  pgdump "$BATON_DB" before.sql
  psql -X -q "$BATON_DB" -c "SELECT pg_advisory_lock(418581342063), pg_sleep(60)" >/dev/null 2>&1 &
  HOLDER=$!
  start_bg "$BATON" --plugins "$PLUGINS" --today 2026-09-01 demo --no-serve --reset --db "$BATON_DB"
  waiting() {
    psql -X -A -t -q "$BATON_DB" -c "SELECT pid FROM pg_stat_activity WHERE
      datname = current_database() AND wait_event = 'advisory' AND
      query LIKE '%418581342063%' AND query NOT LIKE '%pg_sleep%' LIMIT 1"
  }
  pid=""
  for _ in $(seq 300); do pid=$(waiting); [ -n "$pid" ] && break; sleep 0.05; done
  verdict "caught the reset waiting inside its transaction" "never saw the reset wait" err test -n "$pid"
  emptied=$(psql -X -A -t -q "$BATON_DB" -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
    WHERE l.pid = ${pid:-0} AND c.relname = 'people' AND l.mode = 'AccessExclusiveLock' AND l.granted")
  verdict "it had emptied people (holds its TRUNCATE lock)" "it had not reached the TRUNCATE" "" test "$emptied" = 1
  [ -z "$pid" ] || psql -X -q "$BATON_DB" -c "SELECT pg_terminate_backend($pid)" >/dev/null
  set +e
  wait "$BG_PID"
  STATUS=$?
  set -e
  psql -X -q "$BATON_DB" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE
    datname = current_database() AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
  wait "$HOLDER" 2>/dev/null || true
  check_status 1
  expect_contains "baton demo: cannot put the new school into the database" err
  unchanged "$BATON_DB"

  test_case "on PostgreSQL the dashboard's reset replaces the demo; another server on the database hears it"
  printf 'id,name\nW999,Visiting Trainer\n' >visitor.csv
  expect_status 0 baton --db "$BATON_DB" people import visitor.csv
  serve_start
  "$BATON" --plugins "$PLUGINS" serve --listen 127.0.0.1:0 >out2 2>err2 &
  SECOND=$!
  for _ in $(seq 100); do grep -q "dashboard at" out2 && break; sleep 0.05; done
  URL2=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' out2)
  count2() { curl -s -m 5 "${URL2}api/people" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
  verdict "the second server sees 81 people" "the second server sees $(count2)" err2 test "$(count2)" = 81
  curl -s -N -m 20 "${URL2}api/events/stream" >stream2 &
  STREAM=$!
  sleep 0.3
  get /api/demo/reset -X POST -H "Authorization: Bearer $TOKEN"
  expect_code 202
  for _ in $(seq 150); do [ "$(count2)" = 80 ] && break; sleep 0.1; done
  verdict "the second server shows the fresh school (80 people)" "the second server shows $(count2) people" err2 test "$(count2)" = 80
  for _ in $(seq 50); do grep -q "^event: change" stream2 && break; sleep 0.1; done
  verdict "the second server's pages were told (event: change)" "no event reached the second server's stream" stream2 grep -q "^event: change" stream2
  expect_contains "baton serve: the demo was reset: a fresh school" err
  kill "$STREAM" "$SECOND" 2>/dev/null || true
  wait "$STREAM" "$SECOND" 2>/dev/null || true
  test_case "... a reset that fails there says so on the pages and leaves the data"
  expect_status 0 baton --db "$BATON_DB" people import visitor.csv
  psql -X -q "$BATON_DB" -c "ALTER TABLE people ADD CONSTRAINT no_new_people CHECK (false) NOT VALID"
  # The server logs the reset's start in the event log: the rest must stay.
  pgdump() {
    pg_dump --no-owner --exclude-table-data=events "$1" |
      grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' -e "setval('public.events_id_seq'" >"$2"
  }
  pgdump "$BATON_DB" before.sql
  curl -s -N -m 20 "${URL}api/events/stream" >stream1 &
  STREAM=$!
  sleep 0.3
  get /api/demo/reset -X POST -H "Authorization: Bearer $TOKEN"
  expect_code 202
  for _ in $(seq 150); do grep -q "^event: reset_failed" stream1 && break; sleep 0.1; done
  verdict "the pages were told (event: reset_failed)" "no reset_failed on the stream" stream1 grep -q "^event: reset_failed" stream1
  expect_contains "baton serve: the demo reset failed: cannot put the new school into the database" err
  unchanged "$BATON_DB"
  verdict "the visitor is still there" "the visitor is gone" "" test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM people WHERE id = 'W999'")" = 1
  kill "$STREAM" 2>/dev/null || true
  wait "$STREAM" 2>/dev/null || true
  interrupt_bg
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

test_case "demo --reset refuses a school's own file (no demo mark), says what to do, and leaves it as it was"
expect_status 0 baton --db school.db people import "$BATON_FIXTURES/store/people.csv"
sum=$(md5sum <school.db)
expect_status 1 demo --no-serve --reset --db school.db
expect_contains "baton demo: school.db holds data that \`baton demo\` did not put there (it has no demo mark, the setting baton.demo), so it is not reset, and it is as it was" err
expect_contains "run \`baton --db demo.db demo\` (a new file)" err
expect_not_contains "School:" out
verdict "school.db is unchanged" "school.db changed" "" test "$(md5sum <school.db)" = "$sum"

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
