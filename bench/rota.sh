#!/bin/sh
# bench/rota.sh: a district of 500 groups x 40 meetings x 4 roles planned
# in one run of `baton rota plan` (8 members per group, 4000 staff, one
# role needing training, a tenth of staff part-time). Target: under 1 s.
# Usage: bench/rota.sh [path/to/baton]   (default build/baton)
set -eu
BATON=${1:-build/baton}
OUT=bench/out/rota
mkdir -p "$OUT"
awk 'BEGIN {
  print "id,name,role,trained_facilitator,fte" > "'$OUT'/staff.csv"
  print "group,kind,person_id,role_in_group" > "'$OUT'/groups.csv"
  for (i = 1; i <= 4000; i++)
    printf "S%04d,Staff %d,teacher,%s,%s\n", i, i, (i % 3 == 0 ? "no" : "yes"), (i % 10 == 0 ? "0.5" : "1.0") >> "'$OUT'/staff.csv"
  for (g = 1; g <= 500; g++)
    for (k = 0; k < 8; k++)
      printf "G%03d,plc,S%04d,\n", g, (g * 8 + k) % 4000 + 1 >> "'$OUT'/groups.csv"
}'
DB="$OUT/bench.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BATON" --db "$DB" --quiet people import "$OUT/staff.csv" >/dev/null
"$BATON" --db "$DB" --quiet groups import "$OUT/groups.csv" >/dev/null
set --
for g in $(seq -f "G%03g" 1 500); do set -- "$@" --group "$g"; done
CMD="$BATON --db $DB rota plan --roles facilitator,notetaker,timekeeper,chair --every tue --from 2026-09-01 --to 2027-06-01 --needs facilitator:trained_facilitator=yes --json"
start=$(date +%s.%N)
$CMD "$@" > "$OUT/plan.json"
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
meetings=$(grep -o '"date"' "$OUT/plan.json" | wc -l)
echo "rota plan: 500 groups, $meetings meetings x 4 roles in ${secs} s"
echo "reproduce: bench/rota.sh $BATON   (command: $CMD --group G001 ... --group G500)"
