#!/usr/bin/env bash
# e2e: the plugin author's commands: `baton new plugin` makes a plugin that
# works and passes its test at once; `baton repl` evaluates Lua with the
# baton API, entry by entry.
. "$(dirname "$0")/lib.sh"

test_case "new plugin scaffolds a plugin that runs and passes its own test"
expect_status 0 "$BATON" new plugin duty_board --dir mine
expect_contains "Created mine/duty_board" out
for f in plugin.lua init.lua README.md tests/duty_board_test.lua; do
  verdict "mine/duty_board/$f exists" "mine/duty_board/$f is missing" "" \
    test -f "mine/duty_board/$f"
done
expect_status 0 "$BATON" --plugins mine --db t.db duty_board hello Ana --times 2
expect_lines out "hello Ana" "hello Ana" "0 people in the database"
expect_status 0 "$BATON" test mine/duty_board
expect_contains "3 passed, 0 failed" out
expect_status 0 "$BATON" --plugins mine doctor
expect_match "^  ok    plugin duty_board 0\.1\.0 " out

test_case "new plugin refuses a bad name and an existing folder"
expect_status 2 "$BATON" new plugin Bad-Name
expect_contains "'Bad-Name' is not a plugin name" err
expect_status 1 "$BATON" new plugin duty_board --dir mine
expect_contains "mine/duty_board already exists" err

test_case "repl prints values, spans lines, waits, and reports errors"
# Each entry is a chunk of its own (as in lua): globals carry over, locals
# do not.
printf '1 + 1\ns = 0\nfor i = 1, 3 do\n  s = s + i\nend\ns\nbaton.sleep(5) return "woke"\nerror("boom", 0)\nbaton.today()\n' >in.lua
set +e
"$BATON" --today 2027-01-04 repl <in.lua >out 2>err
STATUS=$?
set -e
check_status 1
expect_lines out "2" "6" "woke" "2027-01-04"
expect_lines err "error: boom"

test_case "repl keeps the sandbox: no io, and fs needs --allow"
printf 'io\nbaton.fs.read("in.lua")\n' >in2.lua
set +e
"$BATON" repl <in2.lua >out 2>err
set -e
expect_lines out "nil"
expect_contains "needs permission 'fs.read'; run the script with --allow fs.read" err
set +e
"$BATON" repl --allow fs.read <in2.lua >out 2>err
STATUS=$?
set -e
check_status 0
expect_contains 'baton.sleep(5) return "woke"' out

finish
