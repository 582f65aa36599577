#!/usr/bin/env bash
# e2e: sandbox escapes beyond test_sandbox.sh, one script per attack in
# tests/fixtures/escape/, each run with `baton run` under a 2 s time limit
# and a 64 MiB memory limit. Each must end with exit status 1 (not a
# signal, not a hang), a clear message naming the limit or rule that
# stopped it, and without printing "ESCAPED" (each script prints it when
# its attack worked).
. "$(dirname "$0")/lib.sh"
ESC="$FIXTURES/escape"

# stopped NAME TEXT [MAX_MS]: the attack NAME ends with status 1 and TEXT.
# LIMIT=S sets the time limit (default 2 s), for an attack that memory
# must stop even on a slow (sanitizer, loaded) machine.
stopped() {
  test_case "the limits stop $(sed -n '1s/^-- Escape attempt: //p' "$ESC/$1.lua")"
  run baton --time-limit "${LIMIT:-2}" --memory-limit 64 run "$ESC/$1.lua"
  check_status 1
  expect_contains "baton: error in script '$1.lua': " err
  expect_contains "$2" err
  expect_not_contains "ESCAPED" out
  expect_within "${3:-8000}"
}

oom="out of memory in plugin '%s.lua' (limit 64 MiB)"
stuck="it did not stop within 2 s of its time limit: it is stuck inside a library call"

stopped string_mt_index "string metatable is string"
stopped rep_bomb "rep_bomb.lua:2: resulting string too large"
# shellcheck disable=SC2059
stopped rep_sep_bomb "$(printf "$oom" rep_sep_bomb)"
# shellcheck disable=SC2059
LIMIT=30 TIMEOUT=40 stopped concat_bomb "$(printf "$oom" concat_bomb)" 30000
stopped coroutine_wrap_chain "C stack overflow"
# shellcheck disable=SC2059
LIMIT=30 TIMEOUT=40 stopped coroutine_many "$(printf "$oom" coroutine_many)" 30000
stopped gc_metamethod "setmetatable: __gc finalizers are not available to plugins"
stopped tostring_loop "(error object is a table value whose __tostring failed) (at $ESC/tostring_loop.lua:2)"
stopped format_width "invalid conversion specification: '%099999999d'"
# shellcheck disable=SC2059
stopped utf8_bomb "$(printf "$oom" utf8_bomb)"
stopped unpack_huge "unpack_huge.lua:2: too many results to unpack"
# The chunk grows as it is read: the time limit or the memory limit,
# whichever this machine reaches first.
stopped load_reader_endless "$ESC/load_reader_endless.lua:3"
expect_match "(time limit of 2 s exceeded|out of memory in plugin 'load_reader_endless.lua')" err
# Inside C, no hook runs: the watchdog's last resort ends these.
stopped backtrack "$stuck"
stopped table_move_bomb "$stuck"

finish
