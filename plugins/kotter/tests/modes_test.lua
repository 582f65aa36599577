-- The two ways of running Kotter's steps: in order (sequential, the classic
-- model) or side by side (concurrent, the "Accelerate" model).

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

test("a new initiative has eight steps, all not started, and a short name", function()
  set_today("2026-09-01")
  local ini = h.ok("new", "Literacy across the curriculum", "--target", "2027-06-30")
  expect(ini.slug):to_equal("literacy-across-the-curriculum")
  expect(ini.mode):to_equal("sequential")
  expect(ini.created):to_equal("2026-09-01")
  local st = h.ok("status", "literacy-across-the-curriculum")
  expect(#st.steps):to_equal(8)
  for _, s in ipairs(st.steps) do
    expect(s.status):to_equal("not_started")
  end
  expect(st.steps[6].name):to_equal("Generate short-term wins")
end)

test("sequential: a step cannot be done before the steps above it, and the error says why", function()
  h.school()
  h.ok("new", "Sequential order")
  h.ok("step", "sequential-order", "1", "--status", "done")
  local r = run("step", "sequential-order", "vision", "--status", "done")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("step 3 Form a strategic vision cannot be done yet")
  expect(r.err):to_contain("sequential mode")
  expect(r.err):to_contain("step 2 is not done")
  expect(r.err):to_contain("--force")
  -- Nothing changed.
  expect(h.ok("status", "sequential-order").steps[3].status):to_equal("not_started")
end)

test("sequential: in progress is allowed out of order; done in order is accepted", function()
  h.ok("new", "In order")
  h.ok("step", "in-order", "3", "--status", "in_progress")
  h.ok("step", "in-order", "1", "--status", "done")
  h.ok("step", "in-order", "2", "--status", "done")
  local r = h.ok("step", "in-order", "3", "--status", "done")
  expect(r.status):to_equal("done")
  expect(r.was):to_equal("in_progress")
  expect(r.forced):to_be_nil()
end)

test("sequential: --force records the step as done, warns, and the history says it was forced", function()
  h.ok("new", "Forced step")
  local out, r = h.ok("step", "forced-step", "wins", "--status", "done", "--force")
  expect(out.status):to_equal("done")
  expect(out.forced):to_contain("steps 1, 2, 3, 4, 5")
  expect(r.err):to_contain("recorded with --force")
  local hist = h.ok("history", "forced-step")
  local last = hist[#hist]
  expect(last.kind):to_equal("change.step")
  expect(last.data.forced):to_contain("with --force")
  expect(last.what):to_contain("FORCED")
end)

test("concurrent: any step can be done in any order, and renewed", function()
  h.ok("new", "Wellbeing first", "--mode", "concurrent")
  local r = h.ok("step", "wellbeing", "8", "--status", "done")
  expect(r.status):to_equal("done")
  expect(r.forced):to_be_nil()
  h.ok("step", "wellbeing", "urgency", "--status", "needs_renewal")
  h.ok("step", "wellbeing", "wins", "--status", "in_progress")
  local list = h.ok("list")
  local row
  for _, i in ipairs(list) do
    if i.slug == "wellbeing-first" then row = i end
  end
  expect(row.mode):to_equal("concurrent")
  expect(row.done):to_equal(1)
  expect(row.now):to_equal("Urgency, Wins")
end)

test("sequential: list shows the first step not yet done", function()
  local list = h.ok("list")
  local by_slug = {}
  for _, i in ipairs(list) do by_slug[i.slug] = i end
  expect(by_slug["in-order"].now):to_equal("4 Volunteers (not started)")
  expect(by_slug["in-order"].done):to_equal(3)
end)

test("owners and a due date can be set without changing the status", function()
  h.school()
  h.ok("new", "Owners")
  local r = h.ok("step", "owners", "2", "--owner", "T005", "--owner", "A001", "--due", "2026-10-31")
  expect(r.status):to_equal("not_started")
  expect(r.owners):to_equal({ "A001", "T005" })
  expect(r.due):to_equal("2026-10-31")
  -- --owner replaces the owners.
  r = h.ok("step", "owners", "2", "--owner", "L003")
  expect(r.owners):to_equal({ "L003" })
  expect(r.due):to_equal("2026-10-31")
  local st = h.ok("status", "owners")
  expect(st.steps[2].owner_names):to_equal({ "Zara Ahmed" })
end)

test("a step command with nothing to change says what to give", function()
  local r = run("step", "owners", "2")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("give --status, --owner or --due")
  expect(r.err):to_contain("see 'baton change step --help'")
end)
