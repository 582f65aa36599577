#!/usr/bin/env bash
# e2e: baton.leadership.collect: a plugin with `leadership.read` reads what
# every practice counts as leadership through each practice's own route, in
# that plugin's sandbox and limits, from a command and from a route of
# baton serve. A route that raises, answers garbage or too much, never
# ends, declares a route it does not make, or collects in turn (a cycle)
# becomes an error of its own entry, naming plugin, file and line; the
# others answer and the run succeeds. Fixtures: tests/fixtures/leadership/.
. "$(dirname "$0")/lib.sh"
cp -R "$FIXTURES"/leadership/* "$PLUGINS/"

line() { grep "^$1	" out; }

test_case "a command collects every practice; each hostile route is its own error"
expect_status 0 baton --time-limit 8 reader show
expect_within 15000
expect_contains "counter	counter	thanks	recognition	4 entries, 6 held	-	-" out
expect_contains "plain	plain	duties	duties	2 entries, 4 held	-	-" out
expect_contains "mentoring	mentor	mentees mentored	mentees mentored	0 entries, 0 held	-	-" out
expect_contains "raiser	raiser	nil	nil	0 entries, 0 held	-	plugin 'raiser': GET /api/raiser/leadership failed: $PWD/plugins/raiser/init.lua:2: the counts are broken" out
expect_contains "plugin 'garbage': GET /api/garbage/leadership: roles[2].person is a number; it must be a non-empty string" out
expect_contains "plugin 'huge': GET /api/huge/leadership: its answer is 2097208 bytes, more than the 1048576 a leadership answer may have" out
expect_contains "plugin 'looper': GET /api/looper/leadership failed: time limit of 2 s exceeded (at $PWD/plugins/looper/init.lua:3)" out
expect_contains "plugin 'cycler': GET /api/cycler/leadership failed: $PWD/plugins/cycler/init.lua:2: baton.leadership.collect: called while the leadership route of plugin 'cycler' is being counted" out
expect_contains "plugin 'noroute' declares leadership = \"/api/noroute/leadership\" in $PWD/plugins/noroute/plugin.lua but makes no GET route there" out
expect_empty err

test_case "per-entry roles come through, each filled with its role"
expect_lines_of_counter() { grep '^  ' out > counter.txt; expect_lines counter.txt "$@"; }
expect_lines_of_counter "  T001 thanked a colleague 2" "  T003 thanked a colleague 1" "  T001 was thanked 1" "  T002 was thanked 2"

test_case "asked for a term, a route that honours ?from=&to= answers that term with its period; one that does not leaves period out"
expect_status 0 baton --time-limit 8 reader show --from 2026-09-01 --to 2026-12-18
expect_contains "counter	counter	thanks	recognition	2 entries, 4 held	2026-09-01..2026-12-18	-" out
expect_contains "plain	plain	duties	duties	2 entries, 4 held	-	-" out

test_case "wrong options are the caller's mistake, named"
expect_status 0 baton reader bad
expect_lines out \
  'baton.leadership.collect: give both from and to (a term: from = "2026-09-01", to = "2026-12-18"), or neither' \
  "baton.leadership.collect: from and to must be dates YYYY-MM-DD" \
  "baton.leadership.collect: from (2026-12-01) is after to (2026-09-01)" \
  "baton.leadership.collect: unknown option 'form' (did you mean 'from'?); the options are from, to" \
  "baton.leadership.collect: the options must be a table, not a number"

test_case "a plugin without leadership.read is told which permission to add"
expect_status 1 baton noperm go
expect_contains "$PWD/plugins/noperm/init.lua:2: plugin 'noperm' needs permission 'leadership.read' to call baton.leadership.collect; add permissions = { \"leadership.read\" } to $PWD/plugins/noperm/plugin.lua" err

test_case "a workflow script needs --allow leadership.read"
cat > count.lua <<'LUA'
for _, p in ipairs(baton.leadership.collect()) do
  if not p.error then baton.print(p.plugin .. " " .. #p.roles) end
end
LUA
expect_status 1 baton run count.lua
expect_contains "baton.leadership.collect needs permission 'leadership.read'; run the script with --allow leadership.read" err
expect_status 0 baton --time-limit 4 run --allow leadership.read count.lua
expect_contains "counter 4" out

test_case "in baton serve, a route collects too; the hostile routes are errors, the server goes on"
if serve_start; then
  get /api/reader/picture
  expect_code 200
  expect_json_true body 'len(d["practices"]) == 14'
  expect_json_true body '[p["plugin"] for p in d["practices"] if "error" not in p] == ["counter", "plain", "coaching", "inquiry", "kotter", "mentoring", "recognition", "rotation"]'
  expect_json_true body '[p for p in d["practices"] if p["plugin"] == "looper"][0]["error"].startswith("plugin '"'"'looper'"'"': GET /api/looper/leadership failed: time limit of 1.25 s exceeded")'
  get /api/health
  expect_code 200
  test_case "the plugin list names each plugin's notices route beside its leadership route"
  get /api/plugins
  expect_json_true body '[(p["leadership"], p.get("notices")) for p in d if p["name"] == "counter"] == [("/api/counter/leadership", "/api/counter/notices")]'
  expect_json_true body '[p.get("notices") for p in d if p["name"] == "plain"] == [None]'
  interrupt_bg
fi

finish
