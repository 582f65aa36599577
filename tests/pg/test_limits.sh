#!/usr/bin/env bash
# PostgreSQL only (ctest pg/test_limits): a plugin's SQL that never ends
# is held to the plugin's time limit on PostgreSQL too. There the loop
# thread waits in libpq for the server's answer, so SQLite's progress
# handler has no twin: each plugin statement runs with statement_timeout
# set to what is left of the call's time limit (lua_store.c). The command
# fails in about its limit, names the plugin and the limit, and the next
# command works on the same database. Uses the suite's cluster
# (BATON_TEST_ENGINE=postgres: lib.sh gives it its own database).
export BATON_TEST_ENGINE=postgres
. "$(dirname "$0")/../e2e/lib.sh"

mkdir -p "$PLUGINS/endless"
cat >"$PLUGINS/endless/plugin.lua" <<'LUA'
return {
  name = "endless", version = "1.0.0", api = 1,
  summary = "SQL that never ends", namespace = "endless",
  commands = {
    forever = { summary = "A query that never ends", args = {} },
    count = { summary = "A query that ends", args = {} },
  },
}
LUA
cat >"$PLUGINS/endless/init.lua" <<'LUA'
local M = {}
function M.forever()
  local r = assert(baton.store.first(
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) AS n FROM r"))
  baton.print(tostring(r.n))
end
function M.count()
  local r = assert(baton.store.first("SELECT count(*) AS n FROM people"))
  baton.print("people " .. tostring(r.n))
end
return M
LUA

test_case "a plugin's endless query on PostgreSQL ends at the plugin's time limit"
expect_status 1 baton --time-limit 2 endless forever
# At the limit, as on SQLite: not after the watchdog gives up on a stuck
# call (what happened before statement_timeout was set: about 5 s).
verdict "it ended in ${ELAPSED_MS} ms (limit 2 s)" "it took ${ELAPSED_MS} ms" err \
  test "$ELAPSED_MS" -lt 4000
expect_contains "error in plugin 'endless'" err
expect_contains "time limit of 2 s exceeded" err
test_case "the next command works on the same database"
expect_status 0 baton endless count
expect_contains "people 0" out
finish
