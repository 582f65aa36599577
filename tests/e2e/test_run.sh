#!/usr/bin/env bash
# e2e: `baton run SCRIPT.lua [args]`: the script's arguments (arg and ...),
# flags after the script belong to it, --allow grants permissions, and the
# errors: unknown permission, missing script, syntax and runtime errors.
. "$(dirname "$0")/lib.sh"
scripts="$FIXTURES/scripts"

test_case "a script sees arg[0], arg[1], arg[2] and ... as the lua interpreter gives them"
expect_status 0 baton run "$scripts/args.lua" a b
expect_lines out "arg[0]=$scripts/args.lua" "arg[1]=a" "arg[2]=b" "arg[3]=nil" \
  "#arg=2" "...=a,b" "select('#', ...)=2"

test_case "flags after the script name go to the script, not to baton"
expect_status 0 baton run "$scripts/args.lua" --json x --allow fs.read --help
expect_lines out "arg[0]=$scripts/args.lua" "arg[1]=--json" "arg[2]=x" "arg[3]=--allow" \
  "#arg=5" "...=--json,x,--allow,fs.read,--help" "select('#', ...)=5"
expect_empty err

test_case "a script without arguments gets an empty arg list"
expect_status 0 baton run "$scripts/args.lua"
expect_contains "#arg=0" out
expect_contains "select('#', ...)=0" out

echo "hello from a file" >note.txt
test_case "--allow fs.read lets a script read a file"
expect_status 0 baton run --allow fs.read "$scripts/read.lua" note.txt
expect_lines out "read: hello from a file" ""

test_case "without --allow fs.read, reading fails and says how to allow it"
expect_status 1 baton run "$scripts/read.lua" note.txt
expect_contains "$scripts/read.lua:2: baton.fs.read needs permission 'fs.read'; run the script with --allow fs.read" err
expect_not_contains "hello from a file" out

test_case "an unknown permission in --allow is a usage error"
expect_status 2 baton run --allow fs.raed "$scripts/read.lua" note.txt
expect_contains "unknown permission 'fs.raed' for --allow (did you mean 'fs.read'?); known permissions are fs.read, fs.write, spawn" err
expect_empty out

test_case "a missing script exits 1 and names it"
expect_status 1 baton run no-such-script.lua
expect_contains "no such script: no-such-script.lua" err
expect_contains "give the path of a .lua file" err

test_case "a script with a syntax error names its file and line"
expect_status 1 baton run "$scripts/syntax.lua"
expect_contains "$scripts/syntax.lua:5: ')' expected (to close '(' at line 4) near 'end'" err
expect_empty out

test_case "a runtime error in a script names its file and line, after the output so far"
expect_status 1 baton run "$scripts/fails.lua"
expect_lines out "before"
expect_contains "$scripts/fails.lua:3: attempt to index a nil value (local 't')" err

test_case "an error names the whole path of a script in a deep directory"
deep="$WORK/a-rather-long-directory-name/for-the-school-district/workflows"
mkdir -p "$deep"
cp "$scripts/fails.lua" "$deep/"
expect_status 1 baton run "$deep/fails.lua"
expect_contains "failed: $deep/fails.lua:3: attempt to index a nil value" err

test_case "a script runs in the sandbox like a plugin"
expect_status 1 baton run --allow fs.read --allow fs.write --allow spawn "$scripts/escape.lua"
expect_lines out "io is nil, os.execute is nil"
expect_contains "$scripts/escape.lua:3: attempt to call a nil value (field 'execute')" err
expect_file_absent escaped

finish
