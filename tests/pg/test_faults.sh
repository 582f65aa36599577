#!/usr/bin/env bash
# PostgreSQL only (ctest pg/test_faults): a district database that
# goes away, and two servers saving at once (issue 21, "Fault tests").
# This test stops and starts PostgreSQL, so it runs its own throwaway
# cluster (tests/pg/cluster.sh) in its work folder, not the suite's shared
# one:
#   - PostgreSQL stopped in the middle of `mentor match --save`: the
#     command fails with a sentence naming the database and what to check,
#     nothing of the save is there once the server is back, and the same
#     command then saves;
#   - a serve instance whose connections are cut (pg_terminate_backend):
#     its pages are told (`db` lost, then back and `reset`), and its API
#     answers again without a restart; with the server stopped, the API
#     says the database is unreachable, and answers once it is back;
#   - two serve instances saving the same match at once (POST
#     /api/run/mentor/match with save): one saves, the other is refused,
#     and no mentee has two active mentors.
. "$(dirname "$0")/../e2e/lib.sh"

CLUSTER=$BATON_SOURCE_DIR/tests/pg/cluster.sh
# Its own folder under /tmp: the server runs as another user (nobody,
# when the tests run as root), who cannot enter the test's work folder.
PGDIR=$(mktemp -d /tmp/baton-pgfaults.XXXXXX)
trap 'stop_jobs; "$CLUSTER" stop "$PGDIR" >/dev/null 2>&1 || true; rm -rf "$PGDIR"; cd /; rm -rf "$WORK"' EXIT
ADMIN=$("$CLUSTER" start "$PGDIR")
export BATON_DB
BATON_DB=$(BATON_TEST_PG=$ADMIN "$BATON_SOURCE_DIR/tests/pg/newdb.sh")
q() { psql -qtAX "$BATON_DB" -c "$1"; }
# the backends of this database other than psql's own (baton's)
BATONS="FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"

test_case "setup: a district large enough that a save takes a moment"
awk 'BEGIN {
  srand(3);
  ns = split("Mathematics English Science History Art Music PE French", subj, " ");
  print "id,name,role,department,campus,subjects,grades,languages,start_date" > "staff.csv";
  print "group,kind,person_id,role_in_group" > "groups.csv";
  for (i = 0; i < 3000; i++) {
    id = sprintf("%s%05d", i < 1200 ? "N" : "M", i);
    s = subj[int(rand() * ns) + 1];
    printf "%s,Person %d,teacher,%s,North,%s,%d,English,20%02d-09-01\n", id, i, s, s, int(rand() * 13), i < 1200 ? 24 : 10 > "staff.csv";
    printf "%s,cohort,%s,\n", i < 1200 ? "New Staff" : "Mentors", id > "groups.csv";
  }
}'
expect_status 0 baton --quiet people import staff.csv
expect_status 0 baton --quiet groups import groups.csv
MATCH=(mentor match --mentees "New Staff" --mentors Mentors --save)

test_case "PostgreSQL stopped in the middle of a --save"
start_bg "$BATON" --plugins "$PLUGINS" "${MATCH[@]}"
SAVE_PID=$BG_PID
# The save has begun once baton's backend holds a transaction id (it has
# written): then the server stops at once, as a crash would.
wrote=""
for _ in $(seq 1000); do
  if [ "$(q "SELECT count(*) $BATONS AND backend_xid IS NOT NULL")" != 0 ]; then
    wrote=yes
    break
  fi
  kill -0 "$SAVE_PID" 2>/dev/null || break
  sleep 0.01
done
verdict "caught the save with its transaction open" "the save ended before it could be caught" out test -n "$wrote"
"$CLUSTER" crash "$PGDIR" >/dev/null
set +e
wait "$SAVE_PID"
STATUS=$?
set -e
verdict "the save failed (exit $STATUS)" "the save exited 0 with the server stopped" out test "$STATUS" != 0
expect_contains "$(echo "$BATON_DB" | sed 's/?.*//')" err
expect_match "PostgreSQL|server" err
expect_not_contains "Segmentation" err
"$CLUSTER" resume "$PGDIR" >/dev/null
verdict "nothing of the save is there" "rows were left: $(q 'SELECT count(*) FROM events WHERE kind LIKE '"'mentor.%'"'')" "" \
  test "$(q "SELECT count(*) FROM events WHERE kind LIKE 'mentor.%'")" = 0
expect_status 0 baton mentor list --active
expect_not_contains "N0" out
expect_status 0 baton "${MATCH[@]}"
expect_status 0 baton --json mentor list --active
verdict "the next save saved every mentee's pair" "the next save did not save 1200 pairs" out \
  test "$(python3 -c 'import json; print(len(json.load(open("out"))))')" = 1200

test_case "a serve instance losing its connections tells its pages, and comes back"
serve_start
S1_PID=$BG_PID
curl -s -N -m 20 "${URL}api/events/stream" >stream.out 2>/dev/null &
STREAM=$!
wait_for_text "event: hello" stream.out 3000 || true
verdict "the stream said hello" "no hello" stream.out grep -q "event: hello" stream.out
q "SELECT pg_terminate_backend(pid) $BATONS" >/dev/null
verdict "the page is told the connection was lost" "no db lost event in 3 s" stream.out \
  wait_for_text '"state":"lost"' stream.out 3000
verdict "and that it is back" "no db back event in 5 s" stream.out \
  wait_for_text '"state":"back"' stream.out 5000
verdict "and to fetch again" "no reset event after back" stream.out wait_for_text "event: reset" stream.out 2000
get /api/people
expect_code 200
test_case "with PostgreSQL stopped the pages are told, a command says so, and all answer once it is back"
: >stream.out
curl -s -N -m 30 "${URL}api/events/stream" >stream.out 2>/dev/null &
STREAM2=$!
wait_for_text "event: hello" stream.out 3000 || true
"$CLUSTER" crash "$PGDIR" >/dev/null
verdict "the page is told the connection was lost" "no db lost event in 3 s with PostgreSQL stopped" stream.out \
  wait_for_text '"state":"lost"' stream.out 3000
expect_status 1 baton people list
expect_contains "$(echo "$BATON_DB" | sed 's/?.*//')" err
expect_match "PostgreSQL" err
"$CLUSTER" resume "$PGDIR" >/dev/null
verdict "the page is told it is back" "no db back event in 5 s after PostgreSQL came back" stream.out \
  wait_for_text '"state":"back"' stream.out 5000
ok=""
for _ in $(seq 50); do
  get /api/groups
  [ "$CODE" = 200 ] && { ok=yes; break; }
  sleep 0.1
done
verdict "the API answers again without a restart" "HTTP $CODE 5 s after PostgreSQL came back" body test -n "$ok"
expect_status 0 baton people list
kill "$STREAM2" 2>/dev/null || true
kill "$STREAM" 2>/dev/null || true
kill "$S1_PID" 2>/dev/null || true
wait "$S1_PID" 2>/dev/null || true

test_case "two instances saving the same match at once: one saves, no mentee has two mentors"
expect_status 0 baton --quiet mentor end --all
serve_start
URL1=$URL
serve_start
URL2=$URL
expect_status 0 baton users invite M01200 --role coordinator
expect_status 0 baton users token M01200 --label faults
KEY=$(head -1 out)
post_match() {
  curl -s -m 30 -o "match.$2" -w '%{http_code}' -X POST -H "Authorization: Bearer $KEY" \
    -H "Content-Type: application/json" -d '{"args": {"mentees": "New Staff", "mentors": "Mentors", "save": true}}' \
    "${1}api/run/mentor/match" >"code.$2"
}
post_match "$URL1" 1 &
P1=$!
post_match "$URL2" 2 &
P2=$!
wait "$P1" "$P2" || true
codes="$(cat code.1) $(cat code.2)"
verdict "both were answered ($codes)" "answers $codes" match.1 test "$codes" = "200 200"
saved=$(cat match.1 match.2 | grep -c '"status":0' || true)
refused=$(cat match.1 match.2 | grep -c 'already 1200 active pairs' || true)
verdict "one saved, the other was refused as the pairs are there" \
  "saved $saved, refused $refused (expected 1 and 1)" match.2 test "$saved $refused" = "1 1"
expect_status 0 baton --json mentor list --active
verdict "1200 active pairs, each mentee once" "the active pairs are not 1200 distinct mentees" out \
  python3 -c '
import json, sys
pairs = json.load(open("out"))
mentees = [p["mentee"] for p in pairs]
sys.exit(0 if len(pairs) == 1200 and len(set(mentees)) == 1200 else 1)'
finish
