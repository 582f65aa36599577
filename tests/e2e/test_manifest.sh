#!/usr/bin/env bash
# e2e: manifests. Each malformed plugin.lua is reported by `baton plugins`
# and `baton doctor` with its file, line and the fix, while a good plugin
# in the same directory still lists and runs; hostile manifests are refused
# quickly; listing never runs a plugin's code; doctor's exit status.
. "$(dirname "$0")/lib.sh"

broken="bad_syntax bad_function no_version bad_api bad_perm bad_field bad_type
  field_in_comment cycle_a cycle_b needs_missing clash_run forever huge"
# shellcheck disable=SC2086
use_only_plugins good $broken
run baton plugins
cp out plugins_out
run baton doctor
cp out doctor_out

# reported WHAT NAME LOCATION MESSAGE [TEXT...]: `baton plugins` says NAME
# failed with "FILE:LINE: MESSAGE" (LOCATION is "plugin.lua:6", or
# "plugin.lua" where no line applies) and each TEXT; `baton doctor` fails
# it with the same location.
reported() {
  local what=$1 name=$2 loc=$3
  shift 3
  test_case "a manifest $what is reported with file, line and the fix"
  expect_contains "$name (failed): $PLUGINS/$name/$loc: $1" plugins_out
  shift
  local t
  for t in "$@"; do
    expect_contains "$t" plugins_out
  done
  expect_match "^  fail  plugin $name .*: $PLUGINS/$name/$loc: " doctor_out
}

reported "with a syntax error" bad_syntax plugin.lua:6 \
  "'}' expected (to close '{' at line 2) near 'summary'" "fix the syntax"
reported "holding a function" bad_function plugin.lua:7 \
  "field 'manifest.commands.go.args' is a function" "move the code to init.lua"
reported "asking for an API level the host lacks" bad_api plugin.lua:5 \
  "plugin 'bad_api' needs host API level 99 but this baton provides level 1" \
  "upgrade baton or use an older version of the plugin"
reported "with an unknown permission" bad_perm plugin.lua:7 \
  "unknown permission 'fs.raed' (did you mean 'fs.read'?)" \
  "known permissions are fs.read, fs.write, spawn"
reported "with a misspelt field" bad_field plugin.lua:7 \
  "unknown field 'comands' in the manifest (did you mean 'commands'?)"
reported "naming its misspelt field in a comment too" field_in_comment plugin.lua:7 \
  "unknown field 'comands' in the manifest (did you mean 'commands'?)"
reported "with a bad type on its third argument" bad_type plugin.lua:14 \
  "argument '--when' of command 'go' has type 'dat' (did you mean 'date'?)"
reported "in a dependency cycle (cycle_b)" cycle_b plugin.lua:7 \
  "dependency cycle cycle_a -> cycle_b -> cycle_a; remove one of these depends"
reported "in a dependency cycle (cycle_a)" cycle_a plugin.lua:7 \
  "depends on 'cycle_b'" "dependency cycle"
reported "depending on a missing plugin" needs_missing plugin.lua:7 \
  "depends on 'nowhere', which is not installed; install it or remove it from depends"
reported "taking the built-in word 'run' as namespace" clash_run plugin.lua:7 \
  "namespace 'run' is a word of baton itself; set another namespace in plugin.lua"
# A missing field has no line of its own: it is reported at the table it is
# missing from (the manifest's `return {`).
reported "without a version" no_version plugin.lua:2 \
  "the manifest has no 'version'; add version = \"...\""
reported "that loops forever" forever plugin.lua \
  "the manifest runs too long: it must be a plain table, not a program"
reported "that allocates a huge string" huge plugin.lua \
  "the manifest uses more than 4 MiB"

test_case "a good plugin beside broken ones still lists and runs"
expect_match "^good +1\.0\.0 +available +$PLUGINS/good +good ping$" plugins_out
expect_status 0 baton good ping
expect_lines out "pong"
expect_status 0 baton --help
expect_contains "good ping" out
expect_not_contains "cycle_a go" out
expect_contains "14 plugins failed to load: run 'baton plugins' or 'baton doctor' to see why." out
expect_match "^  ok    plugin good 1\.0\.0 .*: all fine$" doctor_out

test_case "a command of a plugin with a failed dependency exits 1 and says why"
expect_status 1 baton needs_missing go
expect_contains "baton: error in plugin 'needs_missing': " err
expect_contains "depends on 'nowhere', which is not installed" err
expect_status 1 baton cycle_a go
expect_contains "dependency cycle cycle_a -> cycle_b -> cycle_a" err

test_case "baton doctor exits 1 when a manifest is broken"
use_only_plugins good bad_api
expect_status 1 baton doctor
expect_match "^  fail  plugin bad_api " out
expect_match "^  ok    plugin good " out
expect_contains "1 problem found" out

test_case "a manifest that loops forever or fills memory is refused quickly"
use_only_plugins forever huge good
expect_status 0 baton plugins
expect_within 1000
expect_match "^forever +- +failed " out
expect_match "^huge +- +failed " out

test_case "listing commands never runs a plugin's init.lua"
use_only_plugins lazy
for cmd in "--help" "plugins" "--json plugins" "help lazy ping" "lazy --help" \
  "lazy ping --help"; do
  # shellcheck disable=SC2086
  expect_status 0 baton $cmd
  expect_not_contains "LAZY INIT RAN" out
  expect_not_contains "LAZY INIT RAN" err
done
expect_status 0 baton plugins
expect_match "^lazy +1\.0\.0 +available " out

test_case "running a command loads init.lua on first use (the marker works)"
expect_status 0 baton lazy ping
expect_lines out "LAZY INIT RAN" "pong"
expect_contains "[lazy] warn: LAZY INIT RAN" err

test_case "baton doctor exits 0 and shows each plugin when all are healthy"
use_only_plugins good
expect_status 0 baton doctor
expect_match "^  ok    plugin good 1\.0\.0 \($PLUGINS/good\): all fine$" out
expect_match "^  ok    plugin hello " out
expect_match "^  ok    plugin directory $PLUGINS: 1 plugin$" out
expect_contains "0 problems found" out

test_case "baton doctor exits 1 when a plugin's health() returns false"
use_only_plugins good sick
expect_status 1 baton doctor
expect_match "^  fail  plugin sick 1\.0\.0 \($PLUGINS/sick\): the roster is empty; import people first$" out
expect_match "^  ok    plugin good " out

test_case "baton doctor --json is valid JSON and counts the failures"
expect_status 1 baton --json doctor
expect_json out
expect_json_true out 'd["failures"] == 1 and any(c["status"] == "fail" and "sick" in c["check"] for c in d["checks"])'

test_case "a health() that never returns is stopped by the time limit"
use_only_plugins good stuck_health
expect_status 1 baton --time-limit 1 doctor
expect_within 5000
expect_match "^  fail  plugin stuck_health .*time limit of 1 s exceeded \(at $PLUGINS/stuck_health/init.lua:4\)" out
expect_match "^  ok    plugin good " out

finish
