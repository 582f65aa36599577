#!/usr/bin/env bash
# e2e: saves that are safe when two people work at once (issue 13). Real
# baton processes side by side on one database:
#   - baton.store.transaction begins with BEGIN IMMEDIATE: a read-then-write
#     transaction waits for another writer instead of failing at once;
#   - two and four `mentor match --save` at once: one saves, the others say
#     the pairs are already there; no mentee ever has two active mentors;
#   - `change step` loops beside `people import` loops and `rota plan
#     --save` loops: no "locked" failure, no lost write, the rota's turns
#     and its event log agree, and the database passes integrity_check.
# bench/concurrency.sh runs the same at a few hundred runs per loop.
#
# On PostgreSQL (tests/pg/e2e.txt) the same scenarios: the other writer is
# psql holding baton's advisory write lock (every baton write transaction
# takes it first), and the checks read the database with psql; SQLite's
# integrity_check stays SQLite's.
. "$(dirname "$0")/lib.sh"

SAMPLES=$BATON_SOURCE_DIR/samples
q() { sqlite3 "$BATON_DB" "$@"; }
on_pg() { [ "${BATON_TEST_ENGINE:-sqlite}" = postgres ]; }
# jn COLUMN KEY...: the number at KEY.KEY... of a JSON column; js: its text.
if on_pg; then
  jn() { local c=$1; shift; local k; k=$(IFS=,; echo "$*"); echo "CAST(CAST($c AS jsonb) #>> '{$k}' AS INTEGER)"; }
  js() { local c=$1; shift; local k; k=$(IFS=,; echo "$*"); echo "(CAST($c AS jsonb) #>> '{$k}')"; }
  ISNOT="IS DISTINCT FROM"
else
  jn() { local c=$1; shift; local k; k=$(IFS=.; echo "$*"); echo "json_extract($c, '\$.$k')"; }
  js() { jn "$@"; }
  ISNOT="IS NOT"
fi

test_case "setup: the sample school"
expect_status 0 baton --quiet people import "$SAMPLES/staff.csv"
expect_status 0 baton --quiet groups import "$SAMPLES/groups.csv"
expect_status 0 baton --quiet groups import "$SAMPLES/mentoring-groups.csv"

test_case "a transaction that reads then writes waits for another writer instead of failing"
cat >tx.lua <<'LUA'
baton.store.migrate { "CREATE TABLE tx_n (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)" }
baton.store.transaction(function()
  local r = assert(baton.store.first("SELECT count(*) AS c FROM tx_n"))
  assert(baton.store.exec("INSERT INTO tx_n (n) VALUES (?)", r.c))
end)
print("saved")
LUA
expect_status 0 baton run tx.lua # (creates tx_n)
# Another program holds the write lock for 1.5 s; the read in the
# transaction comes first, so a deferred transaction fails at its write
# with "database is locked" at once; an immediate one waits its turn.
# On PostgreSQL the other program is psql holding baton's advisory write
# lock (core/store/store.c, PG_WRITE_LOCK) in its transaction.
rm -f held
if on_pg; then
  psql -X -q -v ON_ERROR_STOP=1 "$BATON_DB" >/dev/null <<'SQL' &
BEGIN;
SELECT pg_advisory_xact_lock(418581342062);
INSERT INTO plugin_tx.tx_n (n) VALUES (-1);
\! touch held
SELECT pg_sleep(1.5);
COMMIT;
SQL
else
  python3 - "$BATON_DB" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO tx_n (n) VALUES (-1)")
open("held", "w").close()
time.sleep(1.5)
c.execute("COMMIT")
PY
fi
HOLDER=$!
for _ in $(seq 500); do [ -e held ] && break; sleep 0.02; done
verdict "the other program holds the write lock" "the other program did not start in 10 s" "" test -e held
expect_status 0 baton run tx.lua
expect_contains "saved" out
verdict "it waited for the other writer (${ELAPSED_MS} ms)" "it did not wait (${ELAPSED_MS} ms)" err \
  test "$ELAPSED_MS" -ge 500
wait "$HOLDER"
verdict "both writes are there, in order" "tx_n holds $(q 'SELECT n FROM tx_n ORDER BY id' | tr '\n' ,)" "" \
  test "$(q 'SELECT n FROM tx_n ORDER BY id' | tr '\n' ,)" = "0,-1,2,"

# match_at_once N: N `mentor match --save` at the same moment; out.K/err.K.
match_at_once() {
  local k pids=()
  for k in $(seq "$1"); do
    baton mentor match --save --allow-repeat >"out.$k" 2>"err.$k" </dev/null &
    pids+=($!)
  done
  SAVED=0
  REFUSED=0
  : >err.other # what the runs that neither saved nor were refused said
  for k in $(seq "$1"); do
    if wait "${pids[$((k - 1))]}"; then
      SAVED=$((SAVED + 1))
    elif grep -q "already 8 active pairs" "err.$k"; then
      REFUSED=$((REFUSED + 1))
    else
      cat "err.$k" >>err.other
    fi
  done
}

# no_duplicates: no mentee with two active mentors.
no_duplicates() {
  local dup
  dup=$(q "SELECT group_concat(mentee) FROM (SELECT mentee FROM mentoring_pairs WHERE ended IS NULL
           GROUP BY mentee HAVING count(*) > 1) AS d")
  verdict "no mentee has two active mentors" "mentees with two active mentors: $dup" "" test -z "$dup"
}

for n in 2 4 4; do
  test_case "$n mentor match --save at once: one saves, the others are told the pairs exist"
  match_at_once "$n"
  verdict "one saved, $REFUSED refused" "$SAVED saved, $REFUSED refused of $n" err.other \
    test "$SAVED" = 1 -a "$REFUSED" = $((n - 1))
  cat err.* >err
  expect_not_contains "locked" err
  no_duplicates
  verdict "8 active pairs, 8 events" "$(q 'SELECT count(*) FROM mentoring_pairs WHERE ended IS NULL') active" "" \
    test "$(q 'SELECT count(*) FROM mentoring_pairs WHERE ended IS NULL')" = 8
  expect_status 0 baton mentor end --all
done
verdict "one mentor.pair event per pair ever made" "events and pairs differ" "" \
  test "$(q "SELECT count(*) FROM events WHERE kind = 'mentor.pair'")" = "$(q 'SELECT count(*) FROM mentoring_pairs')"

test_case "change step, people import and rota plan --save loops at once"
expect_status 0 baton change new "Literacy across the curriculum"
# The second roster changes everyone's email, so each import writes.
sed 's/@riverhill/@hill/' "$SAMPLES/staff.csv" >staff2.csv
ROUNDS=${ROUNDS:-15}
step_loop() { # one writer of kotter steps 3-5: a step each run, in turn
  local i fails=0
  for i in $(seq "$ROUNDS"); do
    baton change step literacy $(($1 + i % 3)) --status "$([ $((i % 2)) = 0 ] && echo in_progress || echo not_started)" \
      >/dev/null 2>>"loop.$1.err" || fails=$((fails + 1))
  done
  echo "$fails" >"loop.$1.fails"
}
import_loop() {
  local i fails=0
  for i in $(seq "$ROUNDS"); do
    baton --quiet people import "$([ $((i % 2)) = 0 ] && echo "$SAMPLES/staff.csv" || echo staff2.csv)" \
      >/dev/null 2>>"loop.$1.err" || fails=$((fails + 1))
  done
  echo "$fails" >"loop.$1.fails"
}
rota_loop() {
  local i fails=0
  for i in $(seq "$ROUNDS"); do
    baton rota plan --group "Maths PLC" --group "Science PLC" --dates 2026-09-01,2026-09-08,2026-09-15 --save \
      >/dev/null 2>>"loop.$1.err" || fails=$((fails + 1))
  done
  echo "$fails" >"loop.$1.fails"
}
# Sequential mode: step 2 may be marked done only while step 1 is done.
# One loop marks step 1 done and reopens it in turn; another marks step 2
# done (refused while step 1 is open) and reopens it.
toggle_loop() { # $1: the step; refusals of "done" are expected for step 2
  local i fails=0 status
  for i in $(seq "$ROUNDS"); do
    status=$([ $((i % 2)) = 1 ] && echo done || echo in_progress)
    if ! baton change step literacy "$1" --status "$status" >/dev/null 2>"loop.s$1.last"; then
      grep -q "cannot be done yet" "loop.s$1.last" || { fails=$((fails + 1)); cat "loop.s$1.last" >>"loop.s$1.err"; }
    fi
  done
  echo "$fails" >"loop.s$1.fails"
}
rm -f loop.*
step_loop 3 &
toggle_loop 1 &
toggle_loop 2 &
import_loop 7 &
rota_loop 8 &
wait
cat loop.*.err >err 2>/dev/null || : >err
expect_not_contains "locked" err
verdict "every run of every loop succeeded" "failed runs per loop: $(cat loop.*.fails | tr '\n' ' ')" err \
  test "$(cat loop.*.fails | sort -u)" = 0
# every step-3..5 run and every step-1 run saved, and step 2's saved runs
steps3=$(q "SELECT count(*) FROM events WHERE kind = 'change.step' AND $(jn data step) IN (3, 4, 5)")
steps1=$(q "SELECT count(*) FROM events WHERE kind = 'change.step' AND $(jn data step) = 1")
verdict "one change.step event per run: $ROUNDS and $ROUNDS" "$steps3 and $steps1 change.step events for $ROUNDS runs each" \
  "" test "$steps3 $steps1" = "$ROUNDS $ROUNDS"
# Replayed in the order they were saved, no event marks step 2 done while
# step 1 was not done.
early=$(q "SELECT count(*) FROM events e WHERE e.kind = 'change.step' AND $(jn e.data step) = 2
  AND $(js e.data after status) = 'done' AND coalesce((SELECT $(js f.data after status)
    FROM events f WHERE f.kind = 'change.step' AND $(jn f.data step) = 1 AND f.id < e.id
    ORDER BY f.id DESC LIMIT 1), 'not_started') <> 'done'")
verdict "step 2 was never saved done while step 1 was open" "$early times step 2 was saved done with step 1 open" "" \
  test "$early" = 0
# Each slot's holder is the newest rota.assign event's for that slot.
mismatch=$(q "SELECT count(*) FROM rotation_slots s WHERE s.person $ISNOT (
  SELECT $(js e.data person) FROM events e WHERE e.kind = 'rota.assign'
    AND $(js e.data group) = s.grp AND $(js e.data date) = s.date
    AND $(js e.data role) = s.role ORDER BY e.id DESC LIMIT 1)")
verdict "every saved turn is the one the event log says last" "$mismatch turns differ from the event log" "" \
  test "$mismatch" = 0
verdict "18 turns saved (2 groups, 3 meetings, 3 roles)" "$(q 'SELECT count(*) FROM rotation_slots') turns" "" \
  test "$(q 'SELECT count(*) FROM rotation_slots')" = 18

if ! on_pg; then
  test_case "the database after it all"
  verdict "integrity_check ok" "integrity_check: $(q 'PRAGMA integrity_check')" "" \
    test "$(q 'PRAGMA integrity_check')" = ok
fi
finish
