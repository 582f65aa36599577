-- A command that saves several things saves all of them or none: `rota
-- plan --save` over several groups is one transaction. The fault is a
-- trigger on the plugin's own table that fails the save of one group, as
-- a full disk or an I/O error would half way through.
-- tests/e2e/test_concurrency.sh runs real processes side by side.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }

local function count(sql, ...)
  return baton.store.first(sql, ...).n
end

local function saved()
  return {
    plans = count("SELECT count(*) AS n FROM rotation_plans"),
    slots = count("SELECT count(*) AS n FROM rotation_slots"),
    events = #baton.events.list { kind = "rota.assign" } + #baton.events.list { kind = "rota.plan" },
  }
end

-- Fails every save of `group`'s turns from `date` on until the returned
-- function is called. Plugins may not make triggers, so the fault is an
-- index whose expression cannot be computed for those rows (abs of the
-- smallest integer overflows), whatever INSERT OR REPLACE does.
local function fail_saves_of(group, date)
  assert(baton.store.exec(("CREATE INDEX rotation_test_fail ON rotation_slots("
    .. "abs(CASE WHEN grp = '%s' AND date >= '%s' THEN -9223372036854775807 - 1 END))"):format(group, date)))
  return function() assert(baton.store.exec("DROP INDEX rotation_test_fail")) end
end

local plan = { "plan", "--group", "Maths PLC", "--group", "Tight", "--roles", "facilitator,notetaker",
               "--dates", "2026-09-01,2026-09-08", "--save" }

test("plan --save over several groups: an error on group 2 saves nothing, not even group 1", function()
  h.school()
  set_today("2026-08-20")
  run("plan", "--group", "Part Time", "--dates", "2026-09-01") -- (migrates; saves nothing)
  local undo = fail_saves_of("Tight", "2026-09-01")
  local r = run(table.unpack(plan))
  undo()
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("integer overflow")
  expect(r.err):to_contain("cannot save the rota of 'Tight'")
  expect(saved()):to_equal { plans = 0, slots = 0, events = 0 }
  expect(run("show", "--group", "Maths PLC").err):to_contain("no saved rota for 'Maths PLC'")
end)

test("the same plan without the fault saves every group, and a failed re-plan keeps the old one whole", function()
  local out = h.ok(table.unpack(plan))
  expect(#out.groups):to_equal(2)
  local before = saved()
  expect(before.plans):to_equal(2)
  expect(before.slots):to_equal(8)
  local shows = { h.ok("show", "--group", "Maths PLC"), h.ok("show", "--group", "Tight") }
  -- A re-plan over other dates fails on group 2: group 1 keeps its old
  -- turns (not the new dates), and no event says otherwise.
  local undo = fail_saves_of("Tight", "2026-09-15")
  local r = run("plan", "--group", "Maths PLC", "--group", "Tight", "--roles", "facilitator,notetaker",
    "--dates", "2026-09-15,2026-09-22", "--save")
  undo()
  expect(r.status):to_equal(1)
  expect(saved()):to_equal(before)
  expect(h.ok("show", "--group", "Maths PLC")):to_equal(shows[1])
  expect(h.ok("show", "--group", "Tight")):to_equal(shows[2])
end)
