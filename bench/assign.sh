#!/usr/bin/env bash
# bench/assign.sh: baton.assign against scipy's linear_sum_assignment on the
# same school-like matrices (1000x1500, 2000x3000, 3000x5000; capacity 1
# and 3), then a whole district match end to end (scoring + solving through
# `baton run`).
#
#   bench/assign.sh                 (needs a built baton and python3-scipy)
#   REPEAT=3 bench/assign.sh        (best of 3 per solver; default 1)
#
# Prints each solve time, the ratio baton/scipy (target <= 1.0), whether
# both reach the same optimum, and the commands that reproduce the figures.
# scipy is a benchmark reference only: apt-get install python3-scipy.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
[ -x "$build/assign_driver" ] && [ -x "$build/baton" ] ||
  { echo "build baton first: cmake --build build" >&2; exit 2; }
py=${PYTHON:-}
for cand in $py python3 /usr/bin/python3; do
  if "$cand" -c 'import scipy.optimize' 2>/dev/null; then py=$cand; break; fi
done
"$py" -c 'import scipy.optimize' 2>/dev/null ||
  { echo "bench/assign.sh needs scipy: sudo apt-get install python3-scipy" >&2; exit 2; }
cd "$here"
export ASSIGN_DRIVER=$build/assign_driver
"$py" bench/assign_bench.py "${SIZES:-1000x1500,2000x3000,3000x5000}" "${CAPS:-1,3}" "${SEED:-1}"
echo "reproduce: REPEAT=${REPEAT:-1} bench/assign.sh  (or $py bench/assign_bench.py SIZES CAPS SEED)"
echo
start=$(date +%s.%N)
"$build/baton" --memory-limit 1024 run bench/assign_district.lua 3000 5000 3
end=$(date +%s.%N)
printf 'district end to end (start-up, 8,000 people, scoring, solving, exit): %.2f s wall\n' \
  "$(echo "$end - $start" | bc)"
echo "reproduce: $build/baton --memory-limit 1024 run bench/assign_district.lua 3000 5000 3"
