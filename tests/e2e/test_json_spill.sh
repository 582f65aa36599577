#!/usr/bin/env bash
# tests/e2e/test_json_spill.sh: jansson's memory for conversions the host
# makes for a plugin outside baton.json (baton.output with --json, a
# route's answer, baton.events.log's data, another plugin's result) counts
# against the plugin's --memory-limit. The old code built those trees
# outside the limit: the output and the event were made, the route answered
# 200 with 10 MB, and the plugin call's result grew to 380 MB before Lua
# refused it.
. "$(dirname "$0")/lib.sh"
use_only_plugins jsonspill bigtext

LIMIT_MSG="out of memory in plugin 'jsonspill' (limit 64 MiB)"

# timed CMD...: run, with the peak resident set in KiB in ./rss.
timed() { run /usr/bin/time -o rss -f "%M" "$@"; }

# peak_below KIB WHY: the last timed run's peak RSS was under KIB.
peak_below() {
  local rss
  rss=$(tail -1 rss)
  rss_unmeasured && return 0
  verdict "peak RSS ${rss} KiB (< $1 KiB, $2)" "peak RSS ${rss} KiB, not under $1 KiB ($2)" "" \
    test "$rss" -lt "$1"
}

have_time=0
[ -x /usr/bin/time ] && have_time=1

for cmd in output_big log_big call_big; do
  test_case "jsonspill $cmd --json under --memory-limit 64 ends at the limit"
  if [ "$have_time" = 1 ]; then
    timed "$BATON" --plugins "$PLUGINS" --memory-limit 64 --json jsonspill "$cmd"
    case $cmd in
    # bigtext's own 16 MB string and its captured output come on top.
    call_big) peak_below 204800 "the callee's text and its capture on top of 64 MiB" ;;
    *) peak_below 131072 "twice the limit" ;;
    esac
  else
    echo "skip  $CURRENT: /usr/bin/time is not installed, RSS not measured"
    run baton --memory-limit 64 --json jsonspill "$cmd"
  fi
  check_status 1
  expect_contains "$LIMIT_MSG" err
  expect_contains "use less memory, or raise the limit with --memory-limit MIB" err
  expect_not_contains "ESCAPED" out
  expect_not_contains "1499999" out
done

test_case "the same paths with small values work under the limit"
expect_status 0 baton --memory-limit 64 --json jsonspill small
expect_json_true out 'd == {"data": 1, "called": 2}'
expect_status 0 sqlite3 "$BATON_DB" "SELECT count(*) FROM events WHERE kind = 'jsonspill.big'"
expect_lines out 0

test_case "a route whose answer passes the limit answers 500 naming the limit; the server goes on"
start_bg /usr/bin/time -o rss -f "%M" "$BATON" --plugins "$PLUGINS" --memory-limit 64 \
  serve --listen 127.0.0.1:0
if wait_for_text "dashboard at" out 5000; then
  URL=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' out)
  for i in 1 2; do
    get /api/jsonspill/big
    expect_code 500
    expect_json_true body "d['error']['plugin'] == 'jsonspill' and \"$LIMIT_MSG\" in d['error']['message']"
    get /api/jsonspill/small
    expect_code 200
    expect_json_true body 'd == {"ok": True}'
  done
  get /api/health
  expect_code 200
  # /usr/bin/time passes no signal on: stop baton itself, then time ends.
  kill -INT "$(pgrep -P "$BG_PID")"
  set +e
  wait "$BG_PID"
  STATUS=$?
  set -e
  check_status 0
  expect_contains "route GET /api/jsonspill/big" err
  expect_contains "$LIMIT_MSG" err
  peak_below 131072 "twice the limit"
else
  fail "baton serve did not start" out err
fi

finish
