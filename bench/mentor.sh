#!/usr/bin/env bash
# bench/mentor.sh: a whole district's mentoring match through the real
# plugin, end to end: `baton mentor match` reads 3,000 mentees and 5,000
# mentors from the database, scores every pair in C (baton.assign.score),
# applies the rules (line managers, no repeats, capacity) and solves
# exactly (baton.assign.solve), then explains every pair.
#
#   bench/mentor.sh [MENTEES MENTORS CAPACITY]   (default 3000 5000 1)
#
# The import of the district is set-up, not timed. Prints the best wall
# time of RUNS runs (default 3) for the match, and the command to
# reproduce it. Target: under 2 s.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-3000}
m=${2:-5000}
cap=${3:-1}
baton=${BATON:-$here/build/baton}
runs=${RUNS:-3}
[ -x "$baton" ] || { echo "build baton first: cmake -S . -B build && cmake --build build" >&2; exit 2; }
out=$here/bench/out
mkdir -p "$out"
db=$out/mentor.db
staff=$out/mentor-staff.csv
groups=$out/mentor-groups.csv

# A district of school-like people: few distinct subjects, grade bands,
# campuses and languages (so many ties), managers among the mentors.
awk -v n="$n" -v m="$m" -v staff="$staff" -v groups="$groups" 'BEGIN {
  srand(7);
  ns = split("Mathematics English Science History Art Music PE French Spanish Computing Geography Drama", subj, " ");
  nc = split("North South East West Central Harbour Hill Valley", camp, " ");
  nl = split("English Spanish Mandarin Arabic Vietnamese", lang, " ");
  nr = split("teacher teacher teacher aide counsellor", role, " ");
  print "id,name,role,department,campus,subjects,grades,languages,start_date,manager_id" > staff;
  print "group,kind,person_id,role_in_group" > groups;
  for (k = 0; k < n + m; k++) {
    id = sprintf("%s%05d", k < n ? "N" : "M", k < n ? k : k - n);
    s1 = subj[int(rand() * ns) + 1]; s2 = subj[int(rand() * ns) + 1];
    g = int(rand() * 13);
    printf "%s,Person %d,%s,%s,%s,%s;%s,%d;%d,%s;%s,20%02d-08-%02d,%s\n", id, k, role[int(rand() * nr) + 1],
      s1, camp[int(rand() * nc) + 1], s1, s2, g, (g + 1) % 13, lang[1], lang[int(rand() * nl) + 1],
      k < n ? 24 + int(rand() * 2) : int(rand() * 22), int(rand() * 28) + 1,
      (k < n ? sprintf("M%05d", int(rand() * m)) : "") > staff;
    printf "%s,cohort,%s,\n", k < n ? "mentees" : "mentors", id > groups;
  }
}'
rm -f "$db" "$db"-*
"$baton" --db "$db" --quiet people import "$staff" >/dev/null
"$baton" --db "$db" --quiet groups import "$groups" >/dev/null

cmd=("$baton" --db "$db" mentor match --capacity "$cap")
best=
for _ in $(seq "$runs"); do
  t0=$(date +%s.%N)
  "${cmd[@]}" > "$out/mentor-match.txt"
  t1=$(date +%s.%N)
  t=$(echo "$t1 - $t0" | bc -l)
  if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
printf 'mentor match, %d mentees x %d mentors, capacity %d: %.2f s wall (best of %d), end to end\n' \
  "$n" "$m" "$cap" "$best" "$runs"
echo "  result: $(tail -n 1 "$out/mentor-match.txt")"
echo "reproduce: bench/mentor.sh $n $m $cap   # or: ${cmd[*]}"
