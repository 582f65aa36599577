#!/usr/bin/env bash
# e2e: several `baton serve` on one database, each with its own copy of
# the plugins (as on a district's servers, issue 21): a plugin upgraded on
# one server, with a new migration, does not break the others.
#   - the upgraded server reloads it and applies the migration;
#   - the others go on with the version they loaded: its routes answer,
#     the other pages answer, their event streams still hear changes;
#   - a server started again with the old version is told, for that
#     plugin only, to install the version the database has seen, and the
#     rest of it works;
#   - once its copy is upgraded too it reloads, and the migration is not
#     applied twice.
# On both engines (tests/pg/e2e.txt).
. "$(dirname "$0")/lib.sh"

baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null

# notes VERSION STEPS DIR: the plugin `notes` at VERSION with STEPS
# migrations (1: its table; 2: a second table), in DIR/notes.
notes() {
  local dir=$3/notes steps
  mkdir -p "$dir"
  cat >"$dir/plugin.lua" <<LUA
return {
  name = "notes", version = "$1.0.0", api = 1,
  summary = "notes, version $1", permissions = { "http.route" },
}
LUA
  steps='"CREATE TABLE notes_items (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"'
  [ "$2" -lt 2 ] || steps="$steps, \"CREATE TABLE notes_tags (item INTEGER NOT NULL, tag TEXT NOT NULL)\""
  cat >"$dir/init.lua" <<LUA
assert(baton.store.migrate { $steps })
baton.http.route("GET", "/api/notes/version", function()
  local r = assert(baton.store.first("SELECT count(*) AS n FROM notes_items"))
  return { version = $1, items = r.n }
end)
return {}
LUA
}
mkdir -p a b
notes 1 1 a
notes 1 1 b

# serve_as NAME DIR: a server with DIR's plugins (and the bundled ones),
# its output in NAME.out and NAME.err; NAME_URL and NAME_PID are set.
serve_as() {
  env --default-signal=INT "$BATON" --plugins "$2" serve --listen 127.0.0.1:0 \
    >"$1.out" 2>"$1.err" </dev/null &
  eval "${1}_PID=$!"
  if ! wait_for_text "dashboard at" "$1.out" 5000; then
    fail "server $1 did not start" "$1.out" "$1.err"
    return 1
  fi
  eval "${1}_URL=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' "$1.out")"
}
# version_at URL: the notes route's answer there, in ./body; CODE is set.
version_at() {
  CODE=$(curl -s -m 5 -o body -w '%{http_code}' "${1}api/notes/version") || CODE=000
}

test_case "two servers, one database, the same plugin version"
serve_as A a
serve_as B b
version_at "$A_URL"
expect_code 200
expect_json_true body 'd == {"version": 1, "items": 0}'
version_at "$B_URL"
expect_code 200
expect_json_true body 'd == {"version": 1, "items": 0}'
curl -s -N -m 20 "${B_URL}api/events/stream" >B.sse 2>/dev/null &
SSE=$!
wait_for_text "event: hello" B.sse 3000 || true

test_case "the plugin upgraded on server A: A reloads it and applies its migration"
notes 2 2 a
verdict "A reloaded it" "A did not reload notes" A.err wait_for_text "reloaded plugin 'notes'" A.err 5000
version_at "$A_URL"
expect_code 200
expect_json_true body 'd == {"version": 2, "items": 0}'
tags=$(sqlite3 "$BATON_DB" "SELECT count(*) FROM notes_tags" 2>&1 || true)
verdict "the new table is there" "no notes_tags: $tags" "" test "$tags" = 0

test_case "server B goes on with the version it loaded, and the rest of it"
version_at "$B_URL"
expect_code 200
expect_json_true body 'd == {"version": 1, "items": 0}'
CODE=$(curl -s -m 5 -o body -w '%{http_code}' "${B_URL}api/people") || CODE=000
expect_code 200
expect_json_true body 'len(d) > 10'
expect_not_contains "failed" B.err
# a change made elsewhere (a person added from the command line) reaches
# B's pages
changes() { grep -c "event: change" B.sse || true; }
before=$(changes)
{ cat "$BATON_SOURCE_DIR/samples/staff.csv"; echo "Z999,Zoe Late,,teacher,Science,North,Science,7,English,2026-09-01,,no,1.0"; } >more.csv
expect_status 0 baton people import more.csv
for _ in $(seq 100); do [ "$(changes)" -gt "$before" ] && break; sleep 0.05; done
verdict "B's event stream heard the change" "no new change event on B ($before before)" B.sse \
  test "$(changes)" -gt "$before"

test_case "server B started again with the old version: told what to install, the rest works"
kill -INT "$B_PID"
wait "$B_PID" 2>/dev/null || true
serve_as B b
expect_contains "plugin 'notes' has migration 2 applied but declares only 1" B.err
expect_contains "install that version" B.err
version_at "$B_URL"
verdict "its route is not served (HTTP $CODE)" "the old version answered (HTTP $CODE)" body \
  test "$CODE" = 404
CODE=$(curl -s -m 5 -o body -w '%{http_code}' "${B_URL}api/people") || CODE=000
expect_code 200
CODE=$(curl -s -m 5 -o body -w '%{http_code}' "${B_URL}api/plugins") || CODE=000
expect_code 200
expect_json_true body 'any(p["name"] == "notes" and "install that version" in (p.get("error") or "") for p in d)'

test_case "B's copy upgraded: it loads, and the migration is not applied twice"
notes 2 2 b
verdict "B loaded it" "B did not load notes" B.err wait_for_text "reloaded plugin 'notes'" B.err 5000
version_at "$B_URL"
expect_code 200
expect_json_true body 'd == {"version": 2, "items": 0}'
expect_not_contains "already exists" B.err

kill "$SSE" 2>/dev/null || true
kill -INT "$A_PID" "$B_PID" 2>/dev/null || true
wait "$A_PID" "$B_PID" 2>/dev/null || true
finish
