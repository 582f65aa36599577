# tests/e2e/lib.sh: what every end-to-end test of the host shares.
#
# Source it first: it makes a fresh work directory, cds into it (so ./plugins
# and ./baton.db are the test's own) and removes it at exit. Each check
# prints one line, "ok" or "FAIL" with what differed; `finish` prints the
# summary "N passed, M failed" and exits 1 if anything failed.
#
#   use_plugins typed escape      # copies fixtures into ./plugins
#   expect_status 2 baton typed check --count x
#   expect_contains "--count expects a whole number" err
#
# `baton` runs the binary with --plugins ./plugins, under a 20 s timeout so a
# hang fails its check instead of the whole suite. Every run keeps stdout in
# ./out, stderr in ./err, the exit status in $STATUS and the wall time in
# $ELAPSED_MS.
set -eu
: "${BATON:?the baton binary to test}"
: "${BATON_SOURCE_DIR:?the source tree}"
: "${BATON_FIXTURES:?tests/fixtures of the source tree}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-e2e.XXXXXX")
# stop_jobs: at exit, the background jobs the test started and did not
# stop (a `baton serve`, a curl on an event stream) are stopped, so none
# outlives the test (pg/test_faults left two servers behind each run).
stop_jobs() {
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
}
trap 'stop_jobs; cd /; rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir plugins
PLUGINS="$WORK/plugins"
FIXTURES="$BATON_FIXTURES"
# The user's environment must not change what the tests see.
unset BATON_PLUGIN_PATH BATON_TIME_LIMIT BATON_MEMORY_LIMIT BATON_DB || true
export BATON_DB="$WORK/baton.db"
# On PostgreSQL (BATON_TEST_ENGINE=postgres: the pg/e2e/ tests, listed in
# tests/pg/e2e.txt) the test's database is a fresh one on the test cluster
# (BATON_TEST_PG), dropped at exit, instead of ./baton.db.
if [ "${BATON_TEST_ENGINE:-sqlite}" = postgres ]; then
  if [ -z "${BATON_TEST_PG:-}" ]; then
    echo "this test runs on PostgreSQL (BATON_TEST_ENGINE=postgres) but BATON_TEST_PG" \
      "is not set: start the test cluster with tests/pg/cluster.sh start build/pg and" \
      "export BATON_TEST_PG=the URL it prints (./bootstrap test does both)" >&2
    exit 1
  fi
  # The databases made for the test (new_db), one URL a line, dropped at exit.
  PG_DATABASES=$(mktemp "${TMPDIR:-/tmp}/baton-e2e-dbs.XXXXXX")
  trap 'stop_jobs; cd /; rm -rf "$WORK"; while read -r u; do sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh" --drop "$u" >/dev/null 2>&1 || true; done <"$PG_DATABASES"; rm -f "$PG_DATABASES"' EXIT
  BATON_DB=$(sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh") || {
    echo "cannot create the test's database on $BATON_TEST_PG (is the cluster running?)" >&2
    exit 1
  }
  echo "$BATON_DB" >>"$PG_DATABASES"
  # shellcheck source=lib_pg.sh
  . "$BATON_SOURCE_DIR/tests/e2e/lib_pg.sh"
fi

# on_postgres: the test runs on PostgreSQL (BATON_TEST_ENGINE=postgres);
# for the checks of one engine only (a file's path, baton backup, the
# sqlite3 program on another file).
on_postgres() { [ "${BATON_TEST_ENGINE:-sqlite}" = postgres ]; }

# new_db NAME: prints where another fresh database of the test's engine
# is: $WORK/NAME.db on SQLite, a new database on the test cluster on
# PostgreSQL (dropped at exit), for --db.
new_db() {
  if on_postgres; then
    sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh" | tee -a "$PG_DATABASES"
  else
    echo "$WORK/$1.db"
  fi
}

# fresh_db: the test's database (BATON_DB) starts again empty: the file
# is removed on SQLite; on PostgreSQL BATON_DB becomes a new database.
fresh_db() {
  if on_postgres; then
    BATON_DB=$(new_db fresh)
    pg_test_functions
  else
    rm -f "$BATON_DB" "$BATON_DB-wal" "$BATON_DB-shm"
  fi
}

PASSED=0
FAILED=0
STATUS=0
ELAPSED_MS=0
CURRENT="(no test)"

# test NAME: the behaviour the following checks prove; shown on each line.
test_case() { CURRENT=$1; }

pass() {
  PASSED=$((PASSED + 1))
  echo "ok    $CURRENT: $1"
}

# fail WHAT [FILE...]: a failed check, with the files that show why.
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL  $CURRENT: $1"
  shift
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    echo "  --- $f:"
    sed -n '1,12s/^/  | /p' "$f"
  done
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# TIMEOUT (seconds, default 20) bounds one run; -k kills what ignores TERM.
baton() { timeout -k 1 "${TIMEOUT:-20}" "$BATON" --plugins "$PLUGINS" "$@"; }

# run CMD...: runs it, never stopping the test; fills out, err, STATUS.
run() {
  local t0
  t0=$(now_ms)
  set +e
  "$@" >out 2>err </dev/null
  STATUS=$?
  set -e
  ELAPSED_MS=$(($(now_ms) - t0))
}

# expect_status N CMD...: runs CMD and checks it exits with exactly N.
expect_status() {
  local want=$1
  shift
  run "$@"
  check_status "$want"
}

# verdict PASS_MSG FAIL_MSG FILE CMD...: one check: passes if CMD
# succeeds, else fails showing FILE ("" for none).
verdict() {
  local ok=$1 bad=$2 file=$3
  shift 3
  if "$@"; then pass "$ok"; else fail "$bad" "$file"; fi
}
not() { ! "$@"; }

# expect_contains TEXT FILE: FILE (out or err) has TEXT (fixed string).
expect_contains() { verdict "$2 has '$1'" "$2 lacks '$1'" "$2" grep -qF -- "$1" "$2"; }
expect_not_contains() {
  verdict "$2 has no '$1'" "$2 has '$1', which it must not" "$2" not grep -qF -- "$1" "$2"
}
# expect_match REGEX FILE: a line of FILE matches the extended regex.
expect_match() {
  verdict "$2 matches /$1/" "$2 has no line matching /$1/" "$2" grep -qE -- "$1" "$2"
}
expect_empty() { verdict "$1 is empty" "$1 is not empty" "$1" not test -s "$1"; }

# expect_lines FILE LINE...: FILE holds exactly these lines, in order.
expect_lines() {
  local file=$1
  shift
  printf '%s\n' "$@" >expected
  if cmp -s expected "$file"; then
    pass "$file is exactly: $*"
  else
    fail "$file differs from the expected lines ($*)" expected "$file"
  fi
}

# expect_json FILE: FILE parses as JSON.
expect_json() {
  if python3 -c 'import json,sys; json.load(sys.stdin)' <"$1" 2>json_err; then
    pass "$1 is valid JSON"
  else
    fail "$1 is not valid JSON" json_err "$1"
  fi
}

# expect_json_true FILE EXPR: a Python expression over `d` (the parsed JSON
# of FILE) is true, e.g. 'd["api"] == 1'.
expect_json_true() {
  if python3 -c "import json,sys; d = json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>json_err; then
    pass "$1: $2"
  else
    fail "$1: not true: $2" json_err "$1"
  fi
}

# Bounds in expect_within are hang checks ("it stopped"), not speed
# targets: a sanitizer build runs Lua and the allocator several times
# slower, so its bounds are three times as long.
SLOWDOWN=1
if ldd "$BATON" 2>/dev/null | grep -q libasan; then SLOWDOWN=3; fi

# rss_unmeasured: 0 (and a skip line) in a sanitizer build, whose peak RSS
# says nothing about a memory bound: AddressSanitizer keeps freed memory in
# quarantine (256 MiB) and adds shadow memory. There the messages and
# statuses are checked; the release pass checks the memory.
rss_unmeasured() {
  [ "$SLOWDOWN" -gt 1 ] || return 1
  echo "skip  $CURRENT: peak RSS not checked under AddressSanitizer"
}

# expect_within MS: the last run took less than MS milliseconds (times
# SLOWDOWN).
expect_within() {
  local limit=$(($1 * SLOWDOWN))
  verdict "done in $ELAPSED_MS ms (< $limit ms)" "took $ELAPSED_MS ms, expected under $limit ms" "" \
    test "$ELAPSED_MS" -lt "$limit"
}

# expect_file_absent PATH: e.g. proof that an escape did not run a command.
expect_file_absent() {
  verdict "no $1 was created" "$1 exists, so the forbidden call ran" "" not test -e "$1"
}

# use_only_plugins NAME...: ./plugins holds exactly these fixtures.
use_only_plugins() {
  rm -rf "$PLUGINS"
  mkdir "$PLUGINS"
  use_plugins "$@"
}

# use_plugins NAME...: copies fixture plugins into ./plugins.
use_plugins() {
  local n
  for n in "$@"; do
    cp -R "$FIXTURES/plugins/$n" "$PLUGINS/$n"
  done
}

# start_bg CMD...: starts CMD in the background with SIGINT at its default
# action (bash gives background jobs SIG_IGN, which baton would keep), with
# stdout in ./out and stderr in ./err; the pid is in $BG_PID.
start_bg() {
  env --default-signal=INT "$@" >out 2>err </dev/null &
  BG_PID=$!
}

# wait_for_text TEXT FILE [MS]: waits until FILE has TEXT (default 5 s).
wait_for_text() {
  local limit=${3:-5000} t0
  t0=$(now_ms)
  until grep -qF -- "$1" "$2" 2>/dev/null; do
    [ $(($(now_ms) - t0)) -lt "$limit" ] || return 1
    sleep 0.02
  done
}

# interrupt_bg: sends SIGINT to $BG_PID and waits; STATUS is its exit
# status, ELAPSED_MS how long it took to stop. Kills it if it hangs (5 s).
interrupt_bg() {
  local t0 i
  t0=$(now_ms)
  kill -INT "$BG_PID"
  for i in $(seq 250); do
    kill -0 "$BG_PID" 2>/dev/null || break
    sleep 0.02
  done
  if kill -0 "$BG_PID" 2>/dev/null; then
    kill -KILL "$BG_PID" 2>/dev/null || true
  fi
  set +e
  wait "$BG_PID"
  STATUS=$?
  set -e
  ELAPSED_MS=$(($(now_ms) - t0))
}

# check_status N: the last run's status is exactly N (after interrupt_bg).
check_status() {
  if [ "$STATUS" = "$1" ]; then
    pass "exit $1"
  else
    fail "exited $STATUS, expected exactly $1" out err
  fi
}

# serve_start [ARGS...]: starts baton serve on a free port in the
# background; URL and TOKEN are set.
serve_start() {
  start_bg "$BATON" --plugins "$PLUGINS" serve --listen 127.0.0.1:0 "$@"
  if ! wait_for_text "dashboard at" out 5000; then
    fail "baton serve did not start" out err
    return 1
  fi
  URL=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' out)
  TOKEN=$(sed -n 's/.*write token \([0-9a-f]*\).*/\1/p' out)
}

# get PATH [curl options...]: body in ./body, headers in ./hdr, status in $CODE.
get() {
  local path=$1
  shift
  CODE=$(curl -s -m 5 -D hdr -o body -w '%{http_code}' "$@" "$URL${path#/}") || CODE=000
}
expect_code() {
  verdict "HTTP $1" "HTTP $CODE, expected $1" body test "$CODE" = "$1"
}

# sign_in PERSON ROLE JAR: invites PERSON with ROLE (baton users invite,
# while serve_start's server runs) and follows the invitation's link as a
# browser would (links only, no passphrase), keeping the session cookie
# in JAR; me.json is then their /api/me (its "csrf": the session's token).
sign_in() {
  local who=$1 role=$2 jar=$3 link tok
  expect_status 0 baton --json users invite "$who" --role "$role" --base "${URL%/}"
  link=$(python3 -c 'import json; print(json.load(open("out"))[0]["link"])')
  tok=${link##*token=}
  curl -s -m 5 -c "$jar" -b "$jar" -o /dev/null -H "Origin: ${URL%/}" \
    --data-raw "token=$tok&choice=links" "${URL}welcome" || true
  curl -s -m 5 -b "$jar" -o me.json "${URL}api/me" || true
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}
