-- The rules of a fair rota, each on a small roster.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }

test("meetings fall on the weekday, every N weeks, and skip closures from a CSV", function()
  h.school()
  local plan = h.ok("plan", "--group", "Maths PLC", "--every", "tue", "--every-weeks", "2",
    "--from", "2026-09-01", "--to", "2026-11-30", "--holidays", h.fixture("closures.csv"))
  local got = {}
  for _, m in ipairs(plan.meetings) do got[#got + 1] = m.date end
  -- 2026-10-27 is in half-term
  expect(got):to_equal { "2026-09-01", "2026-09-15", "2026-09-29", "2026-10-13", "2026-11-10", "2026-11-24" }
end)

test("closures come from an iCalendar file, read with libical", function()
  h.school()
  local plan = h.ok("plan", "--group", "Maths PLC", "--every", "tue,wed", "--from", "2026-10-20", "--to", "2026-11-12",
    "--holidays", h.fixture("closures.ics"))
  local got = {}
  for _, m in ipairs(plan.meetings) do got[#got + 1] = m.date end
  -- half-term 26-30 Oct and the staff day Wed 11 Nov are skipped
  expect(got):to_equal { "2026-10-20", "2026-10-21", "2026-11-03", "2026-11-04", "2026-11-10" }
end)

test("a role that needs an attribute goes only to people who have it", function()
  h.school()
  local plan = h.ok("plan", "--group", "Maths PLC", "--from", "2026-09-01", "--to", "2026-12-18",
    "--needs", "facilitator:trained_facilitator=yes")
  for _, m in ipairs(plan.meetings) do
    expect(m.assignments.facilitator == "R01" or m.assignments.facilitator == "R02"):to_be(true)
  end
  h.one_role_each(plan)
end)

test("nobody is given a turn on a day they are away, from the CSV or unavailable_days", function()
  h.school()
  local plan = h.ok("plan", "--group", "Tight", "--roles", "facilitator", "--every", "mon,tue,fri",
    "--from", "2026-11-02", "--to", "2026-11-06", "--unavailable", h.fixture("away.csv"))
  for _, m in ipairs(plan.meetings) do
    expect(m.assignments.facilitator).never:to_equal("R01") -- course all week
    if m.date == "2026-11-03" then expect(m.assignments.facilitator).never:to_equal("R02") end
  end
  -- R06 is never in on Fridays: a group with R06 gets nobody on a Friday
  local r = run("plan", "--group", "Maths PLC", "--every", "fri", "--from", "2026-09-04", "--to", "2026-09-04", "--json")
  expect(r.status):to_equal(0)
end)

test("one role per person per meeting, and no repeat in consecutive meetings when someone else can", function()
  h.school()
  local plan = h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator,notetaker", "--from", "2026-09-01",
    "--to", "2027-03-31")
  h.one_role_each(plan)
  for i = 2, #plan.meetings do
    for role, id in pairs(plan.meetings[i].assignments) do
      expect(plan.meetings[i - 1].assignments[role]).never:to_equal(id)
    end
  end
end)

test("a repeat is used when nobody else can hold the role", function()
  h.school()
  -- only R01 and R02 are trained; with R02 away R01 must facilitate twice running
  local plan = h.ok("plan", "--group", "Tight", "--roles", "facilitator", "--dates", "2026-09-01,2026-09-08",
    "--needs", "facilitator:trained_facilitator=yes", "--unavailable", h.fixture("away-tight.csv"))
  expect(plan.meetings[2].assignments.facilitator):to_equal("R01")
  expect(#plan.unfilled):to_equal(0)
end)

test("part-time staff get turns in proportion to their FTE", function()
  h.school()
  -- R05 works 0.5; R03, R04, R07 work 1.0; 21 turns: 6, 6, 6 and 3
  local plan = h.ok("plan", "--group", "Part Time", "--roles", "facilitator", "--every", "tue",
    "--from", "2026-09-01", "--to", "2027-01-19")
  expect(#plan.meetings):to_equal(21)
  expect(plan.counts.R05.facilitator):to_equal(3)
  for _, id in ipairs { "R03", "R04", "R07" } do expect(plan.counts[id].facilitator):to_equal(6) end
  expect(plan.fairness.met):to_be(true)
end)

test("bad input is refused with what to do", function()
  h.school()
  local r = run("plan", "--group", "Nope", "--from", "2026-09-01", "--to", "2026-09-30")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no group 'Nope'")
  r = run("plan", "--group", "Tight", "--from", "2026-09-01", "--to", "2026-09-30", "--every", "tuesdy,xx")
  expect(r.err):to_contain("'xx' is not a weekday")
  r = run("plan", "--group", "Tight", "--from", "2026-09-01", "--to", "2026-09-30", "--needs", "chair:x=y")
  expect(r.err):to_contain("not in --roles")
  r = run("plan", "--group", "Tight", "--from", "2026-09-01", "--to", "2026-09-30", "--holidays", h.fixture("staff.csv"))
  expect(r.err):to_contain("the header needs a column 'from'")
end)

test("--csv writes one row per meeting and role, a file per group when there are several", function()
  h.school()
  local path = h.out("plan.csv")
  local plan = h.ok("plan", "--group", "Tight", "--roles", "facilitator,notetaker", "--dates", "2026-09-01,2026-09-08",
    "--csv", path)
  local text = assert(baton.fs.read(path))
  local lines = {}
  for line in text:gmatch("[^\n]+") do lines[#lines + 1] = line end
  expect(lines[1]):to_equal("date,role,person_id,name")
  expect(#lines):to_equal(5)
  local id = plan.meetings[1].assignments.facilitator
  local name = baton.people.get(id).name
  expect(lines[2]):to_equal(("2026-09-01,facilitator,%s,%s"):format(id, name))
  -- two groups: the name gets each group's slug
  local r = run("plan", "--group", "Tight", "--group", "Maths PLC", "--dates", "2026-09-01", "--csv", path)
  expect(r.status):to_equal(0)
  expect(baton.fs.stat(h.out("plan-tight.csv")).type):to_equal("file")
  expect(assert(baton.fs.read(h.out("plan-maths-plc.csv")))):to_match("^date,role,person_id,name\n2026%-09%-01,")
end)
