#!/usr/bin/env bash
# bench/import.sh: import and export 100,000 people, against sqlite3's own
# `.import` of the same file, measured in the same run.
#
#   bench/import.sh [ROWS]          (default 100000; needs a built baton)
#
# Prints rows/s and peak memory for each step, and the ratio of baton's
# import speed to sqlite3's (target: at least 0.5, and under 2 s).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-100000}
baton=${BATON:-$here/build/baton}
runs=${RUNS:-3}
[ -x "$baton" ] || { echo "build baton first: cmake -S . -B build && cmake --build build" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }
out=$here/bench/out
mkdir -p "$out"
csv=$out/people-$rows.csv

# A believable roster: every column, lists, dates, managers, attributes.
awk -v n="$rows" 'BEGIN {
  srand(42);
  split("teacher teacher teacher aide counsellor support_staff student_leader", roles, " ");
  split("Mathematics Science English Languages Arts History Technology", depts, " ");
  print "id,name,email,role,department,campus,subjects,grades,languages,start_date,manager_id,fte,trained_facilitator";
  for (i = 0; i < n; i++) {
    r = roles[int(rand() * 7) + 1]; gsub("_", " ", r);
    d = depts[int(rand() * 7) + 1];
    printf "S%06d,Person %d,p%d@school.edu,%s,%s,%s,%s;%s,%d;%d,English;Spanish,20%02d-%02d-%02d,%s,0.%d,%s\n",
      i, i, i, r, d, (rand() < 0.5 ? "North" : "South"), d, depts[int(rand() * 7) + 1],
      int(rand() * 6) + 7, int(rand() * 6) + 7, int(rand() * 24), int(rand() * 12) + 1,
      int(rand() * 28) + 1, (i < 10 ? "" : sprintf("S%06d", int(rand() * 10))),
      int(rand() * 9) + 1, (rand() < 0.3 ? "yes" : "no");
  }
}' > "$csv"

# run NAME CMD...: best wall time (s) of $runs runs and peak RSS (KB) of the
# best run; `fresh` before each run removes the databases.
fresh() { rm -f "$out"/bench.db* "$out"/sqlite.db*; }
now() { date +%s.%N; }
best_s=; best_kb=
measure() {
  local setup=$1; shift
  best_s=; best_kb=
  for _ in $(seq "$runs"); do
    $setup
    local t0 t1 s kb
    t0=$(now)
    /usr/bin/time -f %M -o "$out/time.txt" "$@" >/dev/null
    t1=$(now)
    s=$(echo "$t1 - $t0" | bc -l)
    kb=$(tail -1 "$out/time.txt")
    if [ -z "$best_s" ] || [ "$(echo "$s < $best_s" | bc -l)" = 1 ]; then
      best_s=$s; best_kb=$kb
    fi
  done
}
report() { printf '%-34s %7.3f s %10.0f rows/s %8.1f MiB peak\n' "$1" "$best_s" "$(echo "$rows / $best_s" | bc -l)" "$(echo "$best_kb / 1024" | bc -l)"; }
nothing() { :; }
import_once() { fresh; "$baton" --db "$out/bench.db" people import "$csv" >/dev/null; }

echo "rows: $rows   file: $csv ($(du -h "$csv" | cut -f1))   best of $runs runs"
measure fresh "$baton" --db "$out/bench.db" people import "$csv"
report "baton people import (new db)"; baton_s=$best_s
measure nothing "$baton" --db "$out/bench.db" people import "$csv"
report "baton people import (unchanged)"
measure nothing "$baton" --db "$out/bench.db" people export "$out/export.csv"
report "baton people export (CSV)"
measure fresh sqlite3 "$out/sqlite.db" ".import --csv $csv people"
report "sqlite3 .import (new db)"; sqlite_s=$best_s

ratio=$(echo "$sqlite_s / $baton_s" | bc -l)
printf 'speed of baton import relative to sqlite3 .import: %.2f (target >= 0.50)\n' "$ratio"
printf 'import under 2 s: %s\n' "$( [ "$(echo "$baton_s < 2" | bc -l)" = 1 ] && echo yes || echo NO)"
echo "reproduce: $0 $rows   (binary: $baton; sqlite3 $(sqlite3 --version | cut -d' ' -f1))"
fresh
