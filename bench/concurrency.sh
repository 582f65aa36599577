#!/usr/bin/env bash
# bench/concurrency.sh: many people saving at once on one school database,
# beside a running `baton serve` that answers the dashboard (issue 13).
#
#   bench/concurrency.sh            (needs a built baton: cmake --build build)
#
# Writer loops, each a shell loop of RUNS runs (default 300), all at once:
#   mentor  x2  two loops of `mentor match --save`, `mentor rematch --save`
#               and `mentor end --all` in turn (a match is refused, as it
#               must be, while pairs are active: counted apart)
#   step        `change step` on the steps of one initiative, in turn
#   rota        `rota plan --save` over two groups, two sets of dates in turn
#   import      `people import` of two rosters in turn (every email changes)
# and a reader asking /api/people of `baton serve` as fast as it answers.
#
# Prints per loop: runs, saved, refused (expected), "locked" failures and
# other failures; then the writes lost or duplicated, found by comparing
# what each table holds with the event log written in the same
# transactions; the reader's answers (each must list the whole school);
# PRAGMA integrity_check; and the command that reproduces the figures.
# Exits 1 if any write was lost or duplicated, any run failed with
# "locked", or the database is damaged. Writes bench/out/concurrency/.
#
# Settings (environment): RUNS (300), BATON (the binary),
# BATON_BUSY_TIMEOUT_MS (as baton reads it; default 5000).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$here/build/baton}
runs=${RUNS:-300}
out=$here/bench/out/concurrency
[ -x "$baton" ] || { echo "bench/concurrency.sh: build baton first: cmake -S . -B build && cmake --build build" >&2; exit 2; }
for tool in sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "bench/concurrency.sh: needs $tool" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out"
cd "$out"
export BATON_DB=$out/school.db
b() { "$baton" "$@"; }
q() { sqlite3 -batch "$BATON_DB" "$@"; }
samples=$here/samples

# The sample school; a second roster in which every email changes, so each
# import writes every person.
b --quiet people import "$samples/staff.csv" >/dev/null
b --quiet groups import "$samples/groups.csv" >/dev/null
b --quiet groups import "$samples/mentoring-groups.csv" >/dev/null
sed 's/@riverhill/@hill/' "$samples/staff.csv" >staff2.csv
people=$(($(wc -l <"$samples/staff.csv") - 1))
b --quiet change new "Literacy across the curriculum" >/dev/null

# The server, and its reader: every answer must be 200 and list everyone.
# (SIGINT at its default action: bash gives background jobs SIG_IGN)
env --default-signal=INT "$baton" serve --listen 127.0.0.1:0 >serve.out 2>serve.err </dev/null &
serve_pid=$!
for _ in $(seq 250); do grep -q "dashboard at" serve.out 2>/dev/null && break; sleep 0.02; done
url=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' serve.out)
[ -n "$url" ] || { echo "bench/concurrency.sh: baton serve did not start:" >&2; cat serve.err >&2; exit 1; }
python3 - "$url" "$people" >reader.txt <<'PY' &
import http.client, json, os, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1]); want = int(sys.argv[2])
ok = bad = short = 0; worst = 0.0
while not os.path.exists("stop"):
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        c.request("GET", "/api/people"); r = c.getresponse(); body = r.read(); c.close()
        if r.status != 200: bad += 1
        elif len(json.loads(body)) != want: short += 1
        else: ok += 1
    except Exception:
        bad += 1
    worst = max(worst, time.monotonic() - t0)
print(ok, bad, short, round(worst * 1000))
PY
reader_pid=$!

# loop NAME CMD...: runs CMD (a function of the run number) RUNS times;
# NAME.txt gets "runs saved refused locked failed", NAME.err the errors.
loop() {
  local name=$1 i saved=0 refused=0 locked=0 failed=0
  shift
  : >"$name.err"
  for i in $(seq "$runs"); do
    if "$@" "$i" >/dev/null 2>"$name.last"; then
      saved=$((saved + 1))
    elif grep -q "locked" "$name.last"; then
      locked=$((locked + 1))
    elif grep -q "already [0-9]* active pair" "$name.last"; then
      refused=$((refused + 1))
    else
      failed=$((failed + 1))
    fi
    cat "$name.last" >>"$name.err"
  done
  echo "$runs $saved $refused $locked $failed" >"$name.txt"
}
mentor() {
  case $(($1 % 3)) in
  0) b mentor match --save --allow-repeat ;;
  1) b mentor rematch --save --allow-repeat ;;
  2) b mentor end --all --reason "bench" ;;
  esac
}
step() {
  b change step literacy $((1 + $1 % 8)) --status "$([ $(($1 % 2)) = 0 ] && echo in_progress || echo not_started)"
}
rota() {
  if [ $(($1 % 2)) = 0 ]; then dates=2026-09-01,2026-09-08,2026-09-15; else dates=2026-09-08,2026-09-15,2026-09-22; fi
  b rota plan --group "Maths PLC" --group "Science PLC" --dates "$dates" --save
}
import() {
  b --quiet people import "$([ $(($1 % 2)) = 0 ] && echo "$samples/staff.csv" || echo staff2.csv)" || return
  echo "$1" >import.last_ok
}

t0=$(date +%s.%N)
pids=()
loop mentor1 mentor & pids+=($!)
loop mentor2 mentor & pids+=($!)
loop step step & pids+=($!)
loop rota rota & pids+=($!)
loop import import & pids+=($!)
wait "${pids[@]}"
t1=$(date +%s.%N)
touch stop
wait "$reader_pid" || true
kill -INT "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true

# What the tables hold against the event log written with them.
dup_mentees=$(q "SELECT count(*) FROM (SELECT mentee FROM mentoring_pairs WHERE ended IS NULL
  GROUP BY mentee HAVING count(*) > 1)")
pairs=$(q "SELECT count(*) FROM mentoring_pairs")
pair_events=$(q "SELECT count(*) FROM events WHERE kind = 'mentor.pair'")
ended=$(q "SELECT count(*) FROM mentoring_pairs WHERE ended IS NOT NULL")
end_events=$(q "SELECT count(*) FROM events WHERE kind = 'mentor.end'")
step_ok=$(cut -d' ' -f2 step.txt)
step_events=$(q "SELECT count(*) FROM events WHERE kind = 'change.step'")
# each step's saved state is the newest change.step event's "after"
step_mismatch=$(q "SELECT count(*) FROM kotter_steps s WHERE s.status IS NOT coalesce((
  SELECT json_extract(e.data, '$.after.status') FROM events e WHERE e.kind = 'change.step'
    AND json_extract(e.data, '$.step') = s.step ORDER BY e.id DESC LIMIT 1), 'not_started')")
rota_ok=$(cut -d' ' -f2 rota.txt)
rota_plans=$(q "SELECT count(*) FROM events WHERE kind = 'rota.plan'")
rota_mismatch=$(q "SELECT count(*) FROM rotation_slots s WHERE s.person IS NOT (
  SELECT json_extract(e.data, '$.person') FROM events e WHERE e.kind = 'rota.assign'
    AND json_extract(e.data, '$.group') = s.grp AND json_extract(e.data, '$.date') = s.date
    AND json_extract(e.data, '$.role') = s.role ORDER BY e.id DESC LIMIT 1)")
rota_stale=$(q "SELECT count(*) FROM (SELECT e.id FROM events e WHERE e.kind = 'rota.assign'
  AND json_extract(e.data, '$.person') IS NOT NULL AND e.id = (SELECT max(f.id) FROM events f
    WHERE f.kind = 'rota.assign' AND json_extract(f.data, '$.group') = json_extract(e.data, '$.group')
    AND json_extract(f.data, '$.date') = json_extract(e.data, '$.date')
    AND json_extract(f.data, '$.role') = json_extract(e.data, '$.role'))
  AND NOT EXISTS (SELECT 1 FROM rotation_slots s WHERE s.grp = json_extract(e.data, '$.group')
    AND s.date = json_extract(e.data, '$.date') AND s.role = json_extract(e.data, '$.role')))")
last_import=$(cat import.last_ok 2>/dev/null || echo 0)
if [ $((last_import % 2)) = 0 ]; then domain=riverhill; else domain=hill; fi
import_wrong=$(q "SELECT count(*) FROM people WHERE email NOT LIKE '%@$domain.%' AND email <> ''")
integrity=$(q "PRAGMA integrity_check")
read -r r_ok r_bad r_short r_worst <reader.txt

# A write is lost when an event says it happened and the table does not
# hold it, or a run said "saved" and left no event; duplicated when it
# was recorded twice (a pair ended twice, a mentee with two active
# mentors, two events for one run).
pos() { [ "$1" -gt 0 ] && echo "$1" || echo 0; }
lost=$(($(pos $((step_ok - step_events))) + step_mismatch + rota_mismatch + rota_stale + import_wrong \
  + $(pos $((2 * rota_ok - rota_plans))) + $(pos $((pair_events - pairs))) + $(pos $((pairs - pair_events))) \
  + $(pos $((ended - end_events)))))
dups=$((dup_mentees + $(pos $((step_events - step_ok))) + $(pos $((rota_plans - 2 * rota_ok))) \
  + $(pos $((end_events - ended)))))
locked=0

{
  printf 'bench/concurrency.sh: %d runs per loop, 5 writer processes and a reader of baton serve, %.1f s\n\n' \
    "$runs" "$(echo "$t1 - $t0" | bc -l)"
  printf '%-8s %6s %6s %8s %7s %7s\n' loop runs saved refused locked failed
  for n in mentor1 mentor2 step rota import; do
    read -r a s r l f <"$n.txt"
    locked=$((locked + l))
    printf '%-8s %6d %6d %8d %7d %7d\n' "$n" "$a" "$s" "$r" "$l" "$f"
  done
  echo
  echo "mentoring: $pairs pairs made, $pair_events mentor.pair events; $ended ended, $end_events mentor.end events;" \
    "mentees with two active mentors: $dup_mentees"
  echo "kotter:    $step_ok steps saved, $step_events change.step events; steps whose state is not their newest" \
    "event's: $step_mismatch"
  echo "rota:      $rota_ok plans saved, $rota_plans rota.plan events (2 groups each); turns not their newest" \
    "event's: $rota_mismatch; newest events with no turn: $rota_stale"
  echo "import:    people whose email is not the last roster's: $import_wrong"
  echo "reader:    /api/people answered $r_ok times with all $people people, $r_short times with fewer," \
    "$r_bad times not 200; slowest $r_worst ms"
  echo
  echo "lost writes: $lost   duplicated writes: $dups   spurious \"locked\" failures: $locked   integrity_check: $integrity"
  echo
  echo "reproduce: RUNS=$runs bench/concurrency.sh   (errors of each loop: bench/out/concurrency/LOOP.err)"
} | tee summary.txt
[ "$lost" = 0 ] && [ "$dups" = 0 ] && [ "$locked" = 0 ] && [ "$integrity" = ok ] &&
  [ "$r_bad" = 0 ] && [ "$r_short" = 0 ]
