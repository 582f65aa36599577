#!/usr/bin/env bash
# e2e: the sandbox, one hostile fixture plugin per rule: the allow-listed
# environment (escape), require inside the plugin's directory (requirer),
# isolation and the read-only API (iso_a, iso_b), the memory limit (hog),
# the time limit (spinner, stuck_load), hard-to-report errors (nasty), and
# permissions (noperm, withperm).
. "$(dirname "$0")/lib.sh"
use_plugins escape requirer iso_a iso_b hog spinner stuck_load nasty noperm withperm

# contained STATUS PLUGIN TEXT: the last run exited exactly STATUS (so not
# killed by a signal, not hung), reported an error of PLUGIN with TEXT, and
# printed no "ESCAPED" (what a fixture prints when an attack worked).
contained() {
  check_status "$1"
  expect_contains "baton: error in plugin '$2': " err
  expect_contains "$3" err
  expect_not_contains "ESCAPED" out
}

# ---- the allow-listed environment ----------------------------------------

# escape WHAT LINE TEXT: `escape try WHAT` fails at init.lua:LINE with TEXT.
escape() {
  test_case "the sandbox refuses $1"
  run baton escape try "$1"
  contained 1 escape "$PLUGINS/escape/init.lua:$2: $3"
}
escape io 9 "attempt to index a nil value (global 'io')"
escape os_execute 10 "attempt to call a nil value (field 'execute')"
expect_file_absent escaped
escape os_exit 11 "attempt to call a nil value (field 'exit')"
escape os_getenv 12 "attempt to call a nil value (field 'getenv')"
echo keep >victim
escape os_remove 13 "attempt to call a nil value (field 'remove')"
expect_contains keep victim
escape dofile 14 "attempt to call a nil value (global 'dofile')"
escape loadfile 15 "attempt to call a nil value (global 'loadfile')"
escape package 16 "attempt to index a nil value (global 'package')"
escape debug 17 "attempt to index a nil value (global 'debug')"
escape string_dump 18 "attempt to call a nil value (field 'dump')"
escape load_binary 19 "load: binary chunks are not allowed in a plugin; load source text"
escape load_binary_text_mode 20 "attempt to load a binary chunk (mode is 't')"
escape collectgarbage_stop 21 "collectgarbage('stop') is not allowed in a plugin; allowed: collect, count, step, isrunning"
escape collectgarbage_generational 23 "collectgarbage('generational') is not allowed in a plugin"
escape string_metatable 28 "string metatable hidden: getmetatable('') is string"
escape require_os 32 "require 'os': no file $PLUGINS/escape/os.lua"
expect_file_absent escaped

# ---- require stays inside the plugin's directory --------------------------

test_case "require finds a module of the plugin's own, once"
expect_status 0 baton requirer load util
expect_lines out "loaded util: util from the plugin" "cached: true"
expect_status 0 baton requirer load lib.dates
expect_lines out "loaded lib.dates: lib.dates from the plugin" "cached: true"

echo 'return { value = "ESCAPED from outside" }' >outside.lua
mkdir outside_dir
cp outside.lua outside_dir/mod.lua
for name in ../outside ..outside lib..dates "$WORK/outside" .lib; do
  test_case "require refuses the name '$name'"
  run baton requirer load "$name"
  contained 1 requirer "require '$name': module names are letters, digits, '_' and dots; modules come from the plugin's own directory, or from a library plugin it depends on"
done

test_case "require refuses a symlinked file that points outside"
ln -s "$WORK/outside.lua" "$PLUGINS/requirer/evil.lua"
run baton requirer load evil
contained 1 requirer "require 'evil': $PLUGINS/requirer/evil.lua lies outside the plugin's directory"

test_case "require refuses a module under a symlinked directory outside"
ln -s "$WORK/outside_dir" "$PLUGINS/requirer/linked"
run baton requirer load linked.mod
contained 1 requirer "require 'linked.mod': $PLUGINS/requirer/linked/mod.lua lies outside the plugin's directory"

test_case "require of a missing module says where it looked"
run baton requirer load nothere
contained 1 requirer "require 'nothere': no file $PLUGINS/requirer/nothere.lua or $PLUGINS/requirer/nothere/init.lua"

# ---- isolation and the read-only baton table --------------------------------

test_case "a plugin sees none of the globals and tampering of a plugin it depends on"
expect_status 0 baton iso_b look
# iso_a really was loaded first, in the same host:
expect_contains "[iso_a] info: iso_a loaded; writes to baton that succeeded: false false false false" err
expect_lines out "SECRET=nil" "shared_counter=nil" "upper=B" "baton.x=nil baton.y=nil" \
  "baton.print is function" "baton.log.info is function" "plugin=iso_b"

test_case "the tampering plugin keeps its own globals (so the fixture can fail)"
expect_status 0 baton iso_a own_view
expect_lines out "SECRET=iso_a's secret" "upper=tampered by iso_a"

test_case "baton.x = 1 fails: the baton API is read-only"
run baton iso_a set_field
contained 1 iso_a "$PLUGINS/iso_a/init.lua:16: the baton API is read-only: cannot set 'x'"

test_case "rawset(baton, ...) fails"
run baton iso_a rawset
contained 1 iso_a "$PLUGINS/iso_a/init.lua:17: bad argument #1 to 'rawset' (table expected, got userdata)"

test_case "a nested API table (baton.fs) is read-only too"
run baton iso_a set_nested
contained 1 iso_a "$PLUGINS/iso_a/init.lua:18: the baton API is read-only: cannot set 'read'"

test_case "setmetatable(baton, ...) fails"
run baton iso_a set_metatable
contained 1 iso_a "$PLUGINS/iso_a/init.lua:19: bad argument #1 to 'setmetatable'"

# ---- the memory limit -------------------------------------------------------

# oom CMD LINE: `hog CMD` under 32 MiB ends with the out-of-memory error.
oom() {
  test_case "the memory limit stops $1"
  run baton --memory-limit 32 hog "$1"
  contained 1 hog "out of memory in plugin 'hog' (limit 32 MiB) at $PLUGINS/hog/init.lua:$2; use less memory, or raise the limit with --memory-limit MIB"
  expect_within 5000
}
oom table_bomb 8
oom rep_bomb 13
oom concat_bomb 21
oom pcall_loop 32

test_case "a plugin within the memory limit runs normally"
expect_status 0 baton --memory-limit 32 hog small
expect_lines out "fine with 10000 tables"

# ---- the time limit ---------------------------------------------------------

# too_long PLUGIN CMD TEXT: with --time-limit 1 it ends in well under 5 s.
too_long() {
  test_case "the time limit stops $1 $2"
  run baton --time-limit 1 "$1" "$2"
  contained 1 "$1" "$3"
  expect_within 5000
}
too_long spinner loop "time limit of 1 s exceeded (at $PLUGINS/spinner/init.lua:4); make the work smaller or faster, or raise the limit with --time-limit SECONDS (0 = none)"
too_long spinner pcall_loop "time limit of 1 s exceeded (at $PLUGINS/spinner/init.lua:9)"
too_long spinner coroutine_loop "time limit of 1 s exceeded (at $PLUGINS/spinner/init.lua:15)"
too_long spinner coroutine_pcall "time limit of 1 s exceeded (at $PLUGINS/spinner/init.lua:21)"
too_long spinner sleep "time limit of 1 s exceeded while command 'spinner sleep' was waiting"
too_long stuck_load ping "time limit of 1 s exceeded (at $PLUGINS/stuck_load/init.lua:3)"
# A finalizer runs with Lua's hooks off, so no kill hook can reach it: the
# host must refuse __gc or stop it some other way (TIMEOUT keeps a hang
# short). gc_swap marks an object with a placeholder __gc, then swaps in
# the loop.
TIMEOUT=4
for cmd in gc_now gc_swap; do
  test_case "a __gc finalizer that never ends cannot outlive the time limit ($cmd)"
  run baton --time-limit 1 spinner "$cmd"
  contained 1 spinner "$PLUGINS/spinner/init.lua:"
  expect_within 5000
done
test_case "a __gc finalizer that never ends does not hang the host at exit"
run baton --time-limit 1 spinner gc_loop
# Refused (1) or run and stopped after the command succeeded (0): not a hang.
verdict "exit $STATUS" "exited $STATUS: hung or crashed" err test "$STATUS" -le 1
expect_within 5000
TIMEOUT=20

# ---- errors that are hard to report -----------------------------------------

# awkward CMD TEXT: `nasty CMD` is reported with TEXT and exits exactly 1.
awkward() {
  test_case "an error from nasty $1 is reported and contained"
  run baton --time-limit 5 nasty "$1"
  contained 1 nasty "$2"
  expect_within 5000
}
awkward tostring_loop "command 'nasty tostring_loop' failed: (error object is a table value whose __tostring failed) (at $PLUGINS/nasty/init.lua:4)"
awkward tostring_error "(error object is a table value whose __tostring failed) (at $PLUGINS/nasty/init.lua:8)"
awkward table_error "(error object is a table value) (at $PLUGINS/nasty/init.lua:12)"
awkward nil_error "(error object is a nil value) (at $PLUGINS/nasty/init.lua:16)"
awkward recursion "$PLUGINS/nasty/init.lua:20: stack overflow"
awkward timer_error "timer callback failed: $PLUGINS/nasty/init.lua:29: boom in the timer; the timer was stopped"
expect_lines out "timer set"
awkward every_error "timer callback failed: $PLUGINS/nasty/init.lua:38: boom on call 3; the timer was stopped"

# ---- permissions --------------------------------------------------------------

echo "the secret" >secret.txt
test_case "baton.fs.read without fs.read names the permission and the manifest"
run baton noperm read secret.txt
contained 1 noperm "$PLUGINS/noperm/init.lua:4: plugin 'noperm' needs permission 'fs.read' to call baton.fs.read; add permissions = { \"fs.read\" } to $PLUGINS/noperm/plugin.lua"
expect_not_contains "the secret" out

test_case "baton.fs.write without fs.write names the permission and the manifest"
run baton noperm write written.txt hi
contained 1 noperm "plugin 'noperm' needs permission 'fs.write' to call baton.fs.write; add permissions = { \"fs.write\" } to $PLUGINS/noperm/plugin.lua"
expect_file_absent written.txt

test_case "baton.spawn without spawn names the permission and the manifest"
run baton noperm spawn
contained 1 noperm "plugin 'noperm' needs permission 'spawn' to call baton.spawn; add permissions = { \"spawn\" } to $PLUGINS/noperm/plugin.lua"
expect_not_contains "spawned" out

test_case "with the permissions in the manifest, the same calls work"
expect_status 0 baton withperm read secret.txt
expect_lines out "read: the secret" ""
expect_status 0 baton withperm write written.txt hi
expect_lines out "write: true"
expect_contains hi written.txt
expect_status 0 baton withperm spawn
expect_lines out "spawn: spawned" ""

finish
