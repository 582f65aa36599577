#!/usr/bin/env bash
# e2e: the plugin kit for authors (issue 18): tests that isolate
# (tests/fixtures/testkit/kit: before_each, reset_db, tmp_path,
# test_permissions and its attack tests, run() with --today), tests of
# workflow scripts (baton test on a folder of scripts, run_script),
# baton.args and baton.exit in `baton run`, a plugin that failed to load
# named where its command is typed, the first manifest error the same in
# every run, and `baton repl --plugin`.
. "$(dirname "$0")/lib.sh"
KIT="$FIXTURES/testkit"

test_case "the test kit's own plugin tests pass inside the real host"
expect_status 0 "$BATON" test "$KIT/kit"
expect_contains "16 passed, 0 failed" out
expect_contains "  ok    is gone in the next" out
expect_contains "  ok    the command under test does not gain the test's grant" out
expect_contains "  ok    a command calling test_permissions at the top of the file is refused" out

test_case "a test that fails is reported, and before_each failing skips the test"
mkdir -p fails/tests
cp "$KIT/kit/plugin.lua" "$KIT/kit/init.lua" fails/
cat >fails/tests/hooks_test.lua <<'EOF'
local n = 0
before_each(function() n = n + 1; if n == 2 then error("setup broke", 0) end end)
after_each(function() if n == 3 then error("teardown broke", 0) end end)
test("first", function() end)
test("second", function() error("never runs") end)
test("third", function() end)
EOF
expect_status 1 "$BATON" test fails
expect_contains "  ok    first" out
expect_contains "before_each: setup broke" out
expect_not_contains "never runs" out
expect_contains "after_each: teardown broke" out
expect_contains "1 passed, 2 failed" out

test_case "test_permissions does not exist in a real run"
echo secret >secret.txt
expect_status 1 "$BATON" --plugins "$KIT" kit widen --file secret.txt
expect_contains "no test_permissions here" out
expect_contains "plugin 'kit' needs permission 'fs.read'" err
expect_not_contains "secret" out

test_case "baton test runs the tests of a folder of workflow scripts"
expect_status 0 "$BATON" test "$KIT/scripts"
expect_contains "8 passed, 0 failed" out
expect_contains "  ok    baton.exit sets the status, through a pcall" out
expect_status 0 "$BATON" test "$BATON_SOURCE_DIR/scripts"
expect_contains "4 passed, 0 failed" out
mkdir empty
expect_status 2 "$BATON" test empty
expect_contains "is not a plugin folder (no plugin.lua) nor a folder of workflow scripts with tests" err

test_case "baton.args: --help exits 0, a usage error exits 2 with the usage line, baton.exit sets the status"
T="$KIT/scripts/term.lua"
expect_status 0 baton run "$T" --help
expect_contains "usage: baton run $T NAME --from DATE [--weeks N] [--out FILE] [--strict]" out
expect_contains "its first day (date, required)" out
expect_status 2 baton run "$T" Autumn --from 2026-09-31
expect_contains "--from expects a date written YYYY-MM-DD (e.g. 2026-09-01), got '2026-09-31'" err
expect_contains "see 'baton run $T --help'" err
expect_status 2 baton run "$T" --from 2026-09-01
expect_contains "missing NAME (the term's name)" err
expect_status 2 baton --json run "$T" Autumn
expect_json err 'd["error"]["message"]' "baton run $T: missing --from (its first day)"
expect_status 3 baton run "$T" Long --from 2026-09-01 --weeks 16 --strict
expect_not_contains "not reached" out
expect_empty err
expect_status 0 baton --today 2026-08-20 run "$T" Autumn --from 2026-09-01
expect_lines out "Autumn: 12 weeks from 2026-09-01 (today is 2026-08-20)"
run baton run "$KIT/scripts/timers.lua"
check_status 4
expect_lines out "ticks: some"
expect_within 2000
printf 'baton.exit(7)\n' >exits.lua
expect_status 7 baton run exits.lua
printf 'baton.exit(200)\n' >badexit.lua
expect_status 1 baton run badexit.lua
expect_contains "baton.exit: the status must be an integer from 0 to 125, not 200" err

test_case "a plugin cannot use baton.args or baton.exit"
mkdir -p "$PLUGINS/sneaky"
cat >"$PLUGINS/sneaky/plugin.lua" <<'EOF'
return { name = "sneaky", version = "0.1.0", api = 1, summary = "x",
  commands = { quit = { summary = "try to exit the host" } } }
EOF
printf 'local M = {}\nfunction M.quit() baton.exit(0) end\nreturn M\n' >"$PLUGINS/sneaky/init.lua"
expect_status 1 baton sneaky quit
expect_contains "baton.exit: only a workflow script (baton run SCRIPT) can call it" err

test_case "a plugin that fails to load says so where its command is typed"
mkdir -p "$PLUGINS/ponder" "$PLUGINS/ponder2"
cat >"$PLUGINS/ponder/plugin.lua" <<'EOF'
return { name = "ponder", version = "0.1.0", api = 1, summary = "x",
  commands = { go = { summary = "go", args = { { "--n", type = "integr" } } } } }
EOF
cat >"$PLUGINS/ponder2/plugin.lua" <<'EOF'
return { name = "ponder2", version = "0.1.0", api = 1, summary = "x",
  commands = { go = { summary = "go" } } }
EOF
printf 'local M = {}\nfunction M.go() end\nerror("boom", 0)\nreturn M\n' >"$PLUGINS/ponder2/init.lua"
expect_status 1 baton ponder go
expect_contains "baton: error in plugin 'ponder': failed to load: $PLUGINS/ponder/plugin.lua:2: argument '--n' of command 'go' has type 'integr' (did you mean 'integer'?)" err
expect_not_contains "unknown command" err
expect_status 1 baton ponder
expect_contains "failed to load" err
expect_status 1 baton ponder2 go
expect_contains "baton: error in plugin 'ponder2': failed to load: boom" err

test_case "the first manifest error is the same in every run, in plugins and doctor"
mkdir -p "$PLUGINS/twoerr"
cat >"$PLUGINS/twoerr/plugin.lua" <<'EOF'
return { name = "twoerr", version = "0.1.0", api = 1, summary = "x",
  zeta = 1, kappa = 2, alpha = 3, omicron = 4,
  commands = { zz = { summary = "z", bogus = 1 }, aa = { summary = "a", wrong = 1, other = 2 } },
}
EOF
: >seen
for i in 1 2 3 4 5 6 7 8; do
  baton plugins >/dev/null 2>&1
  baton plugins 2>&1 | grep "^twoerr (failed)" | grep -o "unknown field '[a-z]*' in [a-z' ]*" >>seen
  baton doctor 2>&1 | grep -A1 "plugin twoerr" | grep -o "unknown field '[a-z]*' in [a-z' ]*" >>seen
done
verdict "16 runs name one error: $(sort -u seen | head -1)" "runs disagree: $(sort -u seen | tr '\n' '|')" seen \
  test "$(wc -l <seen)" -eq 16 -a "$(sort -u seen)" = "unknown field 'alpha' in the manifest"
expect_status 1 baton twoerr zz
expect_contains "unknown field 'alpha' in the manifest" err

test_case "repl --plugin runs inside the plugin: its tables, its permissions, its module"
printf 'plugin.note{ text = "hi" }\nbaton.store.first("SELECT count(*) AS n FROM kit_notes").n\nbaton.fs.read("secret.txt")\n' >in.lua
set +e; "$BATON" --plugins "$KIT" repl --plugin kit <in.lua >out 2>err; STATUS=$?; set -e
check_status 1
expect_lines out "id: 1" "1" "1"
expect_contains "plugin 'kit' needs permission 'fs.read'" err
expect_status 2 "$BATON" --plugins "$KIT" repl --plugin kit --allow fs.read
expect_contains "--allow cannot widen a plugin's permissions" err
expect_status 2 "$BATON" --plugins "$KIT" repl --plugin nosuch
expect_contains "no plugin named 'nosuch'" err
printf 'baton.store.query("SELECT * FROM kit_notes")\n' >in2.lua
set +e; "$BATON" --plugins "$KIT" repl <in2.lua >out 2>err; STATUS=$?; set -e
check_status 1
expect_contains "plugin 'repl' may not read table 'kit_notes'" err

finish
