#!/usr/bin/env bash
# e2e: a plugin stuck inside C past its time limit (no hook can reach it)
# cannot hang baton: 2 s after the limit, baton says why and exits 1.
. "$(dirname "$0")/lib.sh"
scripts="$FIXTURES/scripts"

test_case "a pattern that backtracks without end is stopped 2 s after the time limit"
expect_status 1 baton --time-limit 1 run "$scripts/backtrack.lua"
expect_within 6000
expect_contains "baton: error in script 'backtrack.lua': it did not stop within 2 s of its time limit" err
expect_contains "stuck inside a library call" err
expect_empty out

finish
