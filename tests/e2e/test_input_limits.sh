#!/usr/bin/env bash
# e2e: input at baton's edges (issue 13). A people file with a NUL byte, a
# huge cell, too many columns or rows is refused with FILE:LINE:COLUMN and
# the database left as it was; baton.csv, baton.date and baton.json never
# cut a string at a NUL; jansson's memory counts against the plugin's
# limit (jsonhog); a command that fails stops its timers and tasks, and
# baton exits (ticker).
. "$(dirname "$0")/lib.sh"
use_plugins jsonhog ticker
staff="$BATON_SOURCE_DIR/samples/staff.csv"

# rejected FILE TEXT...: importing FILE fails, says each TEXT, changes
# nothing.
rejected() {
  local file=$1 text
  shift
  run baton people export before.csv
  run baton people import "$file"
  check_status 1
  for text in "$@"; do expect_contains "$text" err; done
  expect_contains "nothing was imported" err
  run baton people export after.csv
  verdict "the database is unchanged" "the database changed" "" cmp -s before.csv after.csv
}

test_case "a roster to protect"
expect_status 0 baton people import "$staff"

test_case "a NUL byte in a CSV cell is refused, not cut short"
printf 'id,name,role\nT901,Ann\0junk,teacher\n' >nul.csv
rejected nul.csv "nul.csv:2:2: cell 2 holds a NUL byte (byte 4 of the cell)" \
  "save it as CSV UTF-8"
run baton people show T901
check_status 1

test_case "a NUL in a JSON string is refused in plain words"
printf '[{"id": "T901", "name": "Ann\\u0000junk"}]' >nul.json
rejected nul.json "a string holds \\u0000 (a NUL character)"

test_case "a cell past 64 KiB is refused with where and why"
python3 -c 'import sys; sys.stdout.write("id,name,notes\nT901,Ann," + "x" * (8 << 20) + "\n")' >big.csv
rejected big.csv "big.csv:2:3: this cell is longer than 64 KiB, the most one cell may hold"
run baton people show T901
check_status 1

test_case "a quote never closed is blamed when the cell grows past the cap"
{ printf 'id,name\nT901,"Ann\n'; for i in $(seq 20000); do printf 'T%d,Bo\n' "$i"; done; } >open.csv
rejected open.csv "open.csv:2:2: this cell is longer than 64 KiB" \
  "its opening \" is probably never closed"

test_case "a header of 40,000 columns is refused at once"
python3 -c 'print("id,name," + ",".join("c%d" % i for i in range(40000))); print("T901,Ann")' >wide.csv
rejected wide.csv "wide.csv:1:1001: this row has more than 1000 cells"
expect_within 3000

test_case "more than 1,000,000 rows are refused"
{ echo "id,name"; seq 1000001 | sed 's/.*/X&,N/'; } >rows.csv
rejected rows.csv "rows.csv:1000002: the file has more than 1000000 rows below the header"

test_case "a JSON value past 64 KiB is refused"
python3 -c 'import json; print(json.dumps([{"id": "T901", "name": "Ann", "notes": "x" * 70000}]))' >big.json
rejected big.json 'big.json: $[0].notes: the value is 70000 bytes'

test_case "baton.csv, baton.date and baton.json keep or refuse a NUL, never cut at it"
run baton run "$FIXTURES/scripts/input_edges.lua"
check_status 0
expect_contains "csv nul: nil | EPARSE | EPARSE: nul.csv:2:2: cell 2 holds a NUL byte" out
expect_contains "csv plain: Ann" out
expect_contains "date valid junk: false" out
expect_contains "date valid plain: true" out
expect_contains "date add junk: false | baton.date.add: '2026-01-01\\0junk' is not a date" out
expect_contains 'json key: {"k\u0000z":1}' out
expect_contains "json string: 3" out

# ---- jansson's memory counts against the plugin ---------------------------

# timed CMD...: run, with the peak resident set in KiB in ./rss.
timed() { run /usr/bin/time -o rss -f "%M" "$@"; }

for cmd in decode_big decode_caught encode_big; do
  test_case "jsonhog $cmd under --memory-limit 64 ends at the limit"
  if [ -x /usr/bin/time ]; then
    timed "$BATON" --plugins "$PLUGINS" --memory-limit 64 jsonhog "$cmd"
    rss=$(tail -1 rss)
    # Twice the limit; AddressSanitizer's shadow memory and quarantine
    # (256 MiB) add their own (the old code reached 544 MiB without them).
    max=$((131072 + (SLOWDOWN > 1 ? 327680 : 0)))
    verdict "peak RSS ${rss} KiB (< $((max / 1024)) MiB)" \
      "peak RSS ${rss} KiB, more than $((max / 1024)) MiB" "" test "$rss" -lt "$max"
  else
    echo "skip  $CURRENT: /usr/bin/time is not installed, RSS not measured"
    run baton --memory-limit 64 jsonhog "$cmd"
  fi
  check_status 1
  expect_contains "out of memory in plugin 'jsonhog' (limit 64 MiB)" err
  expect_contains "use less memory, or raise the limit with --memory-limit MIB" err
  expect_not_contains "ESCAPED" out
done

test_case "baton.json under the limit works and keeps NUL in strings and keys"
expect_status 0 baton --memory-limit 64 jsonhog small
expect_lines out '3	3	{}	{"k\u0000z":1}'

# ---- a failed command stops its timers and tasks --------------------------

# ends_promptly STATUS CMD...: the command exits STATUS by itself, well
# before the 10 s timeout would kill it (which the old code needed).
ends_promptly() {
  local want=$1
  shift
  TIMEOUT=10 run "$@"
  check_status "$want"
  expect_within 5000
}

test_case "a command that raises after starting timer.every exits 1 at once"
ends_promptly 1 baton ticker every_then_error
expect_contains "the command failed on purpose" err
verdict "at most 3 ticks before it stopped" "the timer ticked on: $(wc -l <out) lines" out \
  test "$(wc -l <out)" -le 3

test_case "a command killed at the time limit stops its timer and exits 1"
ends_promptly 1 baton --time-limit 1 ticker every_then_timeout
expect_contains "time limit of 1 s exceeded" err
verdict "the timer stopped with the command" "the timer ticked on: $(wc -l <out) lines" out \
  test "$(wc -l <out)" -le 3

test_case "a command out of memory stops its timer and exits 1"
ends_promptly 1 baton --memory-limit 32 ticker every_then_oom
expect_contains "out of memory in plugin 'ticker' (limit 32 MiB)" err

test_case "a failed command cancels a timer callback that is waiting"
ends_promptly 1 baton ticker sleeper_then_error
expect_not_contains "LATE" out
expect_within 2000

test_case "a failed script stops its timers too"
ends_promptly 1 baton run "$FIXTURES/scripts/ticks_then_fails.lua"
expect_contains "the script failed on purpose" err

test_case "after a success, timers run until they stop (as documented)"
expect_status 0 baton ticker every_then_return
expect_lines out "handler returned" "tick 1" "tick 2" "tick 3"

finish
