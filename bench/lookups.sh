#!/usr/bin/env bash
# bench/lookups.sh: the issue-18 export (252,000 answers, each naming one of
# 2,000 people) three ways in one run: a baton.people.get per row,
# baton.people.get_many once, and a SQL join with the core table people.
#
#   bench/lookups.sh              (needs a built baton)
#   N=50000 PEOPLE=500 bench/lookups.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
[ -x "$build/baton" ] || { echo "build baton first: cmake --build build" >&2; exit 2; }
n=${N:-252000}
people=${PEOPLE:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "id,name,role"
  for i in $(seq 1 "$people"); do printf 'P%05d,Person %d,teacher\n' "$i" "$i"; done
} >"$work/staff.csv"
export BATON_DB=$work/baton.db
"$build/baton" --quiet people import "$work/staff.csv" >/dev/null
cp "$here/bench/lookups.lua" "$work/lookups.lua"
"$build/baton" --time-limit 0 --memory-limit 2048 run "$work/lookups.lua" "$n" "$people"
echo "reproduce: N=$n PEOPLE=$people bench/lookups.sh"
