-- The change page of the dashboard (/api/change/page) and the leadership
-- the overview counts (/api/change/leadership). The routes' handlers are
-- the ones baton serve calls (plugin.routes).

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

test_permissions { "fs.read" } -- (the shared page kit, for this file's code only)

local COMMANDS = { "amend", "coalition", "evidence", "guide", "history", "list", "new", "report", "retract", "status",
  "step" }

local kit -- the shared page checker and route caller
before_each(function()
  kit = kit or load(assert(baton.fs.read(fixture_path("../../tests/fixtures/pages/kit.lua"))), "=kit.lua")()
end)


test("before any initiative the page says what to do; leadership is empty", function()
  local page = kit.get("/api/change/page")
  kit.check(page, COMMANDS)
  expect(kit.block(page, "stats").items[1]):to_equal { label = "change initiatives", value = 0 }
  expect(kit.block(page, "text").title):to_equal("No change initiative yet")
  expect(kit.block(page, "commands").commands):to_equal { "evidence", "step", "new" }
  expect(kit.get("/api/change/leadership")):to_equal { label = "change steps owned", roles = {} }
end)

test("the page: each initiative's steps with status, owners and their roles, warnings and evidence", function()
  h.school()
  set_today("2026-09-01")
  h.ok("new", "Literacy across the curriculum", "--target", "2027-06-30")
  h.ok("step", "literacy", "1", "--status", "in_progress", "--owner", "T001", "--owner", "A001",
    "--due", "2026-09-30")
  h.ok("step", "literacy", "2", "--owner", "T001")
  h.ok("evidence", "literacy", "1", "staff survey: 72% see the need", "--link", "https://forms.example.org/s/1",
    "--by", "A001")
  set_today("2026-11-20") -- a month past the due date, with no evidence for weeks
  local page = kit.get("/api/change/page")
  kit.check(page, COMMANDS)
  local ini = kit.block(page, "steps").items[1]
  expect(ini.title):to_equal("Literacy across the curriculum")
  expect(ini.subtitle):to_contain("sequential mode · 0 of 8 steps done · target 2027-06-30")
  expect(#ini.steps):to_equal(8)
  local s1 = ini.steps[1]
  expect(s1.name):to_equal("1. Create a sense of urgency")
  expect(s1.status):to_equal("stalled")
  expect(s1.owners):to_equal { "Sam Rivera (aide)", "Wei Chen (teacher)" }
  expect(s1.note):to_contain("due 2026-09-30")
  expect(s1.note):to_contain("last evidence 2026-09-01: staff survey")
  expect(ini.steps[2].status):to_equal("not-started")
  expect(ini.steps[2].owners):to_equal { "Wei Chen (teacher)" }
  local warnings = kit.block(page, "table", "Warnings").rows
  expect(#warnings > 0):to_be(true)
  expect(warnings[1].initiative):to_equal("Literacy across the curriculum")
  local ev = kit.block(page, "table", "Evidence").rows
  expect(ev[1]):to_equal { date = "2026-09-01", initiative = "Literacy across the curriculum",
    step = "1 Urgency", evidence = "staff survey: 72% see the need", link = "https://forms.example.org/s/1" }
  expect(kit.block(page, "stats").items[2]):to_equal { label = "steps done", value = 0, note = "of 8" }
  -- the commands a warning suggests are the coordinator's: not on a page everyone reads
  expect(baton.json.encode(page)).never:to_contain("baton change")
end)

test("a step done, and one needing renewal, are drawn as such", function()
  h.ok("new", "Attendance", "--mode", "concurrent")
  h.ok("step", "attendance", "3", "--status", "done")
  h.ok("step", "attendance", "4", "--status", "needs_renewal")
  local steps = kit.block(kit.get("/api/change/page"), "steps").items[2].steps
  expect(steps[3].status):to_equal("done")
  expect(steps[4].status):to_equal("needs-renewal")
  expect(steps[5].status):to_equal("not-started")
end)

test("the coalition: its members with their roles, and its spread across roles with the roles missing", function()
  h.ok("coalition", "attendance", "add", "T001", "A001")
  local page = kit.get("/api/change/page")
  kit.check(page, COMMANDS)
  local members = kit.block(page, "table", "Attendance: the guiding coalition").rows
  expect(members):to_equal { { name = "Sam Rivera", role = "aide", department = members[1].department,
    campus = members[1].campus }, { name = "Wei Chen", role = "teacher", department = members[2].department,
    campus = members[2].campus } }
  local spread = kit.block(page, "bars", "Attendance: the coalition's spread across roles")
  expect(spread.unit):to_equal("people")
  expect(spread.rows[1]):to_equal { label = "aide", values = { people = 1 } }
  expect(spread.rows[2]):to_equal { label = "teacher", values = { people = 1 } }
  expect(#spread.rows > 2):to_be(true) -- the school's other roles, at 0
  expect(spread.rows[3].values.people):to_equal(0)
  expect(spread.caption):to_contain("no one yet from: ")
  -- an initiative without a coalition has no such blocks
  expect(baton.json.encode(page)).never:to_contain("Literacy across the curriculum: the guiding coalition")
end)

test("leadership counts the steps each person owns, in every initiative", function()
  h.ok("step", "attendance", "1", "--owner", "T002")
  expect(kit.get("/api/change/leadership")):to_equal { label = "change steps owned", roles = {
    { person = "T001", count = 2 }, { person = "A001", count = 1 }, { person = "T002", count = 1 } } }
end)

test("a link that is not a web or mail address is not passed on to the page", function()
  h.ok("evidence", "attendance", "2", "see the notes", "--link", "javascript:alert(document.cookie)")
  local rows = kit.block(kit.get("/api/change/page"), "table", "Evidence").rows
  expect(rows[1].link):to_equal("(not a web address)")
  expect(baton.json.encode(rows)).never:to_contain("javascript:")
end)

test("evidence is recorded as its author (--by, the self argument) and kept in the history", function()
  local e = h.ok("evidence", "attendance", "1", "the register audit", "--by", "T002")
  local hist = h.ok("history", "attendance")
  expect(hist[#hist].by):to_equal("T002")
  expect(hist[#hist].what):to_contain("evidence #" .. e.id)
end)

test("who may run what from the browser: reading is anyone's, evidence is recorded as oneself", function()
  local access, m = kit.access()
  expect(access):to_equal { new = "coordinator", list = "any", step = "coordinator", evidence = "self:by:person",
    amend = "coordinator", retract = "coordinator", coalition = "coordinator", status = "any",
    report = "coordinator", guide = "any", history = "any" }
  expect(plugin.routes[m.pages[1].data]):to_be_truthy()
  expect(plugin.routes[m.leadership]):to_be_truthy()
end)
