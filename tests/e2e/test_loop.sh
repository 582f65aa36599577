#!/usr/bin/env bash
# e2e: the event loop as a plugin sees it (fixture looper): sleeps resume in
# order, timers fire the right number of times, the CLI exits when no work
# remains, baton.fs and baton.spawn, and Ctrl-C: exit 130 promptly and no
# half-written file.
. "$(dirname "$0")/lib.sh"
use_plugins looper

test_case "baton.sleep resumes concurrent tasks in the order of their deadlines"
expect_status 0 baton looper sleep_order
expect_lines out "handler slept 5" "slept 20" "slept 40" "slept 60" "handler slept 100 more"

test_case "timer.after fires once and timer.every fires until :stop()"
expect_status 0 baton looper timers
expect_lines out "after fired 1 time(s)" "every fired 3 time(s)"

test_case "the CLI waits for a pending timer, then exits without waiting for the time limit"
expect_status 0 baton looper pending
expect_lines out "handler returned" "timer fired"
expect_within 3000
verdict "waited for the 300 ms timer" "exited after $ELAPSED_MS ms, before the 300 ms timer" "" \
  test "$ELAPSED_MS" -ge 300

test_case "baton.fs.write then baton.fs.read round-trips bytes; a missing file is nil, message, code"
expect_status 0 baton looper roundtrip data.bin
expect_lines out "same: true (100034 bytes)" \
  "missing: nil | ENOENT: cannot read data.bin.missing: No such file or directory | ENOENT"
size=$(wc -c <data.bin)
verdict "data.bin has 100034 bytes" "data.bin has $size bytes" "" test "$size" = 100034

test_case "baton.fs.write keeps the usual permissions of a file (umask, or the old file's)"
umask 022
rm -f data.bin
run baton looper roundtrip data.bin
mode=$(stat -c %a data.bin)
verdict "a new file is 644 under umask 022" \
  "a new file written by baton.fs.write is $mode, expected 644 (umask 022)" "" test "$mode" = 644
chmod 664 data.bin
run baton looper roundtrip data.bin
mode=$(stat -c %a data.bin)
verdict "a rewritten file keeps 664" "a 664 file rewritten by baton.fs.write became $mode" "" \
  test "$mode" = 664

test_case "baton.fs.list lists a directory sorted; a missing one is nil, message, code"
mkdir -p listed/sub
touch listed/b.txt listed/a.txt listed/.hidden
expect_status 0 baton looper list listed
expect_lines out ".hidden,a.txt,b.txt,sub" \
  "missing: nil | ENOENT: cannot list listed/nope: no such directory | ENOENT"

test_case "baton.spawn returns stdout and the exit code; a missing program is nil, code, message"
expect_status 0 baton looper spawn
expect_lines out 'echo: stdout="hi\' '" code=0' "false: code=1" \
  "missing: nil | ENOENT | ENOENT: cannot run no-such-program-baton: no such file or directory"

# interrupted WHAT CMD...: starts looper CMD, waits for its announcement
# WHAT on stderr (a log line, flushed at once), sends SIGINT and expects exit 130 within a second.
interrupted() {
  local what=$1
  shift
  test_case "SIGINT during $*: exit 130 promptly"
  start_bg "$BATON" --plugins "$PLUGINS" looper "$@"
  if wait_for_text "$what" err; then pass "it started"; else fail "no '$what' on stderr within 5 s" out err; fi
  interrupt_bg
  check_status 130
  expect_within 1000
  expect_contains "baton: interrupted; nothing was left half-written" err
}
interrupted spinning spin
interrupted napping nap
expect_not_contains "woke up" out

head -c 8388608 /dev/zero | tr '\0' o >big.txt
for delay in 0.05 0.2 0.4; do
  test_case "SIGINT after ${delay}s of baton.fs.write leaves one whole file"
  start_bg "$BATON" --plugins "$PLUGINS" looper rewrite big.txt
  wait_for_text rewriting err || true
  sleep "$delay"
  interrupt_bg
  check_status 130
  size=$(wc -c <big.txt)
  first=$(head -c1 big.txt)
  rest=$(tr -d "$first" <big.txt | wc -c)
  verdict "big.txt is 8 MiB of '$first'" "big.txt is half-written: $size bytes, $rest not '$first'" "" \
    test "$size.$rest" = 8388608.0
  leftovers=$(find . -maxdepth 1 -name 'big.txt?*' | wc -l)
  verdict "no temporary file left" "temporary files left: $(ls -a | tr '\n' ' ')" "" test "$leftovers" = 0
done

finish
