#!/bin/sh
# bench/rota_stress.sh: the rota's exact search on a seeded stress set, and
# an independent check of every decision it makes.
#
#   [COUNT=200] [FIRST=1] [LARGE=1] bench/rota_stress.sh [path/to/baton]
#
# 1. bench/rota_stress.lua solves COUNT rosters (seeds FIRST..): how many
#    meet the bound, are proved impossible, or are not reached within the
#    search's time limit (1 s of CPU per roster), and the CPU time.
#    LARGE=1: larger rosters (12-25 people, 2-5 roles, 30-40 meetings).
# 2. bench/rota_oracle.py asks scipy's MILP solver (HiGHS) about each
#    decided roster: "met" must be feasible and "impossible" infeasible.
#    Skipped, with a note, when python3-scipy is missing.
set -eu
BATON=${1:-build/baton}
COUNT=${COUNT:-200}
FIRST=${FIRST:-1}
SIZE=""
if [ "${LARGE:-}" = 1 ]; then SIZE=--large; fi
mkdir -p bench/out
"$BATON" --time-limit 0 run --allow fs.read bench/rota_stress.lua "$COUNT" "$FIRST" $SIZE
py=""
for cand in python3 /usr/bin/python3; do
  if "$cand" -c 'import scipy.optimize' 2>/dev/null; then py=$cand; break; fi
done
if [ -z "$py" ]; then
  echo "oracle skipped: it needs scipy (apt-get install python3-scipy)"
else
  "$BATON" --time-limit 0 run --allow fs.read bench/rota_stress.lua "$COUNT" "$FIRST" --json $SIZE > bench/out/rota_stress.json
  "$py" bench/rota_oracle.py < bench/out/rota_stress.json
fi
echo "reproduce: COUNT=$COUNT FIRST=$FIRST${SIZE:+ LARGE=1} bench/rota_stress.sh $BATON"
