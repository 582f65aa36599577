#!/usr/bin/env bash
# bench/db_copy.sh: `baton db copy` of a school's SQLite database into
# PostgreSQL (issue 21), against psql's `\copy` of the same rows.
#
#   bench/db_copy.sh            (needs a built baton: cmake --build build)
#
# A SQLite database with EVENTS events (default 200,000: 160-byte JSON
# data each, as practices log them) is copied into a fresh database of a
# throwaway PostgreSQL (tests/pg/cluster.sh, stopped at the end) by
# `baton db copy` (one transaction, counts and BLAKE2b checksums read back
# before the commit), RUNS times; the best run gives rows/s. The floor:
# the same rows exported to CSV by sqlite3 and loaded by psql's `\copy`
# into a plain table of the same columns (no transaction around it, no
# verification). Prints the figures with their commands; the ratio is
# baton's time over \copy's.
#
# Settings (environment): EVENTS (200000), RUNS (3), BATON (the binary).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$here/build/baton}
events=${EVENTS:-200000}
runs=${RUNS:-3}
work=$(mktemp -d /tmp/baton-dbcopy.XXXXXX)
chmod 755 "$work" # the server runs as nobody when this runs as root
pgdir="$work/pg"
cleanup() { "$here/tests/pg/cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
export BATON_TEST_PG
BATON_TEST_PG=$("$here/tests/pg/cluster.sh" start "$pgdir")

db="$work/school.db"
"$baton" --db "$db" people list >/dev/null
sqlite3 "$db" <<SQL
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $events)
INSERT INTO events (id, at, actor, plugin, kind, subject, data)
SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'),
  printf('T%04d', i % 600), 'mentoring', 'mentor.pair', printf('T%04d', (i * 7) % 600),
  printf('{"mentor":"T%04d","score":%.3f,"why":["subject","phase"],"note":"row %d\tof the\nlog \\\\ ok"}',
         i % 600, (i % 1000) / 1000.0, i)
FROM r;
SQL
sqlite3 -csv "$db" "SELECT id, at, actor, plugin, kind, subject, data FROM events ORDER BY id" >"$work/events.csv"

ms() { echo $(($(date +%s%N) / 1000000)); }
# best CMD: the best of RUNS runs of CMD (a fresh target each), in ms.
best() {
  local b="" t0 t i
  for i in $(seq "$runs"); do
    target=$("$here/tests/pg/newdb.sh")
    t0=$(ms)
    "$@" >/dev/null
    t=$(($(ms) - t0))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b"
}
copy_baton() { "$baton" db copy "$db" "$target"; }
copy_ref() {
  psql -X -q -v ON_ERROR_STOP=1 "$target" -c "CREATE TABLE ref_events (id bigint PRIMARY KEY,
    at text NOT NULL, actor text, plugin text, kind text NOT NULL, subject text, data text)"
  psql -X -q -v ON_ERROR_STOP=1 "$target" -c "\\copy ref_events FROM '$work/events.csv' WITH (FORMAT csv)"
}
t_baton=$(best copy_baton)
t_ref=$(best copy_ref)
echo "db copy, SQLite -> PostgreSQL, $events events (best of $runs)"
echo "  baton db copy FILE URL        $t_baton ms   $(python3 -c "print(f'{$events / ($t_baton / 1000):,.0f}')") rows/s"
echo "  psql \\copy of the same rows   $t_ref ms   $(python3 -c "print(f'{$events / ($t_ref / 1000):,.0f}')") rows/s   (psql URL -c \"\\copy ref_events FROM 'events.csv' CSV\")"
echo "  ratio baton/\\copy: $(python3 -c "print(f'{$t_baton / $t_ref:.2f}')")"
