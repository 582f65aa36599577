-- The stall rules, each with a fixed "today" (set_today), at the edge where
-- it starts to warn, with its flag changed, and turned off.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

local function has(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

test("quiet step: in progress with no evidence for 21 days warns, 20 days does not", function()
  set_today("2026-09-01")
  h.ok("new", "Quiet step")
  h.ok("step", "quiet-step", "1", "--status", "in_progress")
  set_today("2026-09-21")
  expect(has(h.warnings("quiet-step"), "stale/1")):to_be(false)
  set_today("2026-09-22")
  local w, st = h.warnings("quiet-step")
  expect(w):to_contain("stale/1")
  expect(st.steps[1].health):to_equal("stalled")
  expect(st.warnings[1].message):to_contain("no evidence for 21 days")
  expect(st.warnings[1].command):to_contain("baton change evidence quiet-step urgency")
  expect(st.warnings[1].message).never:to_contain("baton ")
end)

test("quiet step: --stale-days moves the edge and 0 turns the rule off", function()
  set_today("2026-09-22")
  expect(has(h.warnings("quiet-step", "--stale-days", "22"), "stale/1")):to_be(false)
  expect(has(h.warnings("quiet-step", "--stale-days", "14"), "stale/1")):to_be(true)
  expect(has(h.warnings("quiet-step", "--stale-days", "0"), "stale/1")):to_be(false)
end)

test("quiet step: new evidence restarts the count from its date", function()
  set_today("2026-09-22")
  h.ok("evidence", "quiet-step", "1", "assembly on reading for pleasure", "--date", "2026-09-20")
  expect(has(h.warnings("quiet-step"), "stale/1")):to_be(false)
  set_today("2026-10-11") -- 21 days after the evidence
  expect(h.warnings("quiet-step")):to_contain("stale/1")
end)

test("no wins: once step 6 started, six weeks without a win warns", function()
  set_today("2026-01-05")
  h.ok("new", "Maths mastery", "--mode", "concurrent")
  h.ok("step", "maths-mastery", "wins", "--status", "in_progress")
  set_today("2026-02-15") -- 41 days
  expect(has(h.warnings("maths-mastery", "--stale-days", "0"), "no_wins/6")):to_be(false)
  set_today("2026-02-16") -- 42 days: six weeks
  local w, st = h.warnings("maths-mastery")
  expect(w):to_contain("no_wins/6")
  expect(st.steps[6].health):to_equal("no wins")
end)

test("no wins: a win restarts the count; --win-weeks changes it; 0 turns it off", function()
  set_today("2026-02-16")
  h.ok("evidence", "maths-mastery", "wins", "Year 7 times-tables check: 81% fluent, up from 64%",
    "--date", "2026-02-10", "--metric", "fluent=81")
  expect(has(h.warnings("maths-mastery", "--stale-days", "0"), "no_wins/6")):to_be(false)
  set_today("2026-03-24") -- 42 days after the win
  expect(h.warnings("maths-mastery", "--stale-days", "0")):to_contain("no_wins/6")
  expect(has(h.warnings("maths-mastery", "--stale-days", "0", "--win-weeks", "7"), "no_wins/6")):to_be(false)
  expect(has(h.warnings("maths-mastery", "--stale-days", "0", "--win-weeks", "0"), "no_wins/6")):to_be(false)
end)

test("no wins: not before step 6 has started", function()
  set_today("2026-01-05")
  h.ok("new", "No wins yet")
  set_today("2026-12-31")
  expect(has(h.warnings("no-wins-yet"), "no_wins/6")):to_be(false)
end)

test("overdue: a step not done the day after its due date warns; done steps do not", function()
  set_today("2026-02-01")
  h.ok("new", "Homework policy")
  h.ok("step", "homework", "1", "--due", "2026-03-01")
  h.ok("step", "homework", "2", "--due", "2026-03-01")
  set_today("2026-03-01")
  expect(has(h.warnings("homework"), "overdue/1")):to_be(false)
  set_today("2026-03-02")
  local w = h.warnings("homework")
  expect(w):to_contain("overdue/1")
  expect(w):to_contain("overdue/2")
  h.ok("step", "homework", "1", "--status", "done")
  w = h.warnings("homework")
  expect(has(w, "overdue/1")):to_be(false)
  expect(w):to_contain("overdue/2")
end)

test("overdue: --overdue-days gives a grace period; 0 turns it off", function()
  set_today("2026-03-03") -- two days late
  expect(has(h.warnings("homework", "--overdue-days", "3"), "overdue/2")):to_be(false)
  expect(has(h.warnings("homework", "--overdue-days", "2"), "overdue/2")):to_be(true)
  expect(has(h.warnings("homework", "--overdue-days", "0"), "overdue/2")):to_be(false)
end)

test("overdue: the initiative's target date passing with steps not done warns", function()
  set_today("2026-02-01")
  h.ok("new", "Target passed", "--target", "2026-06-30")
  set_today("2026-06-30")
  expect(has(h.warnings("target-passed"), "overdue")):to_be(false)
  set_today("2026-07-01")
  local w, st = h.warnings("target-passed")
  expect(w):to_contain("overdue")
  expect(st.warnings[1].message):to_contain("the target date 2026-06-30 passed 1 day ago with 8 steps not done")
end)

test("renewal: in concurrent mode a done step with evidence 6 months old is flagged", function()
  set_today("2026-01-10")
  h.ok("new", "Restorative practice", "--mode", "concurrent")
  h.ok("evidence", "restorative", "urgency", "behaviour data shared with all staff")
  h.ok("step", "restorative", "urgency", "--status", "done")
  set_today("2026-07-09")
  expect(has(h.warnings("restorative"), "renewal/1")):to_be(false)
  set_today("2026-07-10")
  local w, st = h.warnings("restorative")
  expect(w):to_contain("renewal/1")
  expect(st.steps[1].health):to_equal("renew?")
  expect(st.warnings[1].command):to_contain("--status needs_renewal")
  expect(has(h.warnings("restorative", "--renew-months", "7"), "renewal/1")):to_be(false)
  expect(has(h.warnings("restorative", "--renew-months", "0"), "renewal/1")):to_be(false)
end)

test("renewal: fresh evidence on a done step keeps it healthy", function()
  set_today("2026-07-10")
  h.ok("evidence", "restorative", "1", "term survey: 68% say behaviour matters for learning")
  expect(has(h.warnings("restorative"), "renewal/1")):to_be(false)
end)

test("renewal: never in sequential mode, where done stays done", function()
  set_today("2026-01-10")
  h.ok("new", "Sequential renewal")
  h.ok("step", "sequential-renewal", "1", "--status", "done")
  set_today("2027-01-10")
  expect(has(h.warnings("sequential-renewal"), "renewal/1")):to_be(false)
end)

test("narrow coalition: fewer than 3 roles warns; --min-roles changes it; 0 turns it off", function()
  h.school()
  set_today("2026-09-01")
  h.ok("new", "Narrow")
  h.ok("coalition", "narrow", "add", "P001", "T001")
  local w, st = h.warnings("narrow")
  expect(w):to_contain("narrow/2")
  expect(st.steps[2].health):to_equal("narrow")
  expect(has(h.warnings("narrow", "--min-roles", "2"), "narrow/2")):to_be(false)
  expect(has(h.warnings("narrow", "--min-roles", "0"), "narrow/2")):to_be(false)
  h.ok("coalition", "narrow", "add", "A002")
  expect(has(h.warnings("narrow"), "narrow/2")):to_be(false)
end)

test("an empty coalition warns only once step 2 has started", function()
  set_today("2026-09-01")
  h.ok("new", "Empty coalition")
  expect(has(h.warnings("empty-coalition"), "narrow/2")):to_be(false)
  h.ok("step", "empty-coalition", "coalition", "--status", "in_progress")
  local w, st = h.warnings("empty-coalition")
  expect(w):to_contain("narrow/2")
  expect(st.warnings[1].message):to_contain("no guiding coalition yet")
end)

test("a negative threshold is refused", function()
  local r = run("status", "narrow", "--stale-days", "-1")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("cannot be negative")
end)

test("the rules themselves, called directly with a made-up initiative", function()
  local state = {
    slug = "x", mode = "sequential", created = "2026-01-01", evidence = {}, coalition = {},
    steps = {},
  }
  for n = 1, 8 do state.steps[n] = { n = n, status = "not_started", owners = {} } end
  state.steps[3] = { n = 3, status = "in_progress", since = "2026-01-01", owners = {} }
  local spread = plugin.coalition_spread({})
  local rules = plugin.stalls.rules({})
  expect(rules):to_equal({ stale_days = 21, win_weeks = 6, overdue_days = 1, renew_months = 6, min_roles = 3 })
  local w = plugin.stalls.check(state, spread, "2026-01-22", rules)
  expect(#w):to_equal(1)
  expect(w[1].rule):to_equal("stale")
  expect(w[1].step):to_equal(3)
  expect(#plugin.stalls.check(state, spread, "2026-01-21", rules)):to_equal(0)
end)

test("step 6 is watched by the wins rule only, not also as a quiet step", function()
  set_today("2026-01-05")
  h.ok("new", "Only wins")
  h.ok("step", "only-wins", "6", "--status", "in_progress")
  set_today("2026-03-05")
  local w = h.warnings("only-wins")
  expect(w):to_contain("no_wins/6")
  expect(has(w, "stale/6")):to_be(false)
end)
