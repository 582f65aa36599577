-- Every change is an event in baton's event log: who, when, what. The log
-- alone is enough to replay an initiative.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

test("each command that changes something writes one event, with who made it", function()
  h.school()
  set_today("2026-09-01")
  h.ok("new", "Student voice", "--mode", "concurrent", "--by", "AP02")
  h.ok("step", "student-voice", "1", "--status", "in_progress", "--owner", "L001", "--by", "AP02")
  h.ok("coalition", "student-voice", "add", "L001", "L003", "T012", "S004", "--by", "L001")
  set_today("2026-09-20")
  h.ok("evidence", "student-voice", "wins", "first student-led assembly", "--by", "L003")
  -- Reading changes nothing.
  h.ok("status", "student-voice")
  h.ok("report", "student-voice")
  local events = baton.events.list { subject = "student-voice" }
  local kinds, actors = {}, {}
  for _, e in ipairs(events) do
    kinds[#kinds + 1] = e.kind
    actors[#actors + 1] = e.actor
  end
  expect(kinds):to_equal({ "change.new", "change.step", "change.coalition", "change.evidence" })
  expect(actors):to_equal({ "AP02", "AP02", "L001", "L003" })
  expect(events[2].data.before.status):to_equal("not_started")
  expect(events[2].data.after.status):to_equal("in_progress")
  expect(events[2].data.after.owners):to_equal({ "L001" })
  expect(events[4].data.evidence.text):to_equal("first student-led assembly")
  expect(events[4].data.date):to_equal("2026-09-20")
end)

test("history shows the changes oldest first, by school day", function()
  local r = run("history", "student-voice")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("2026-09-01  AP02  started: Student voice (concurrent mode)")
  expect(r.out):to_contain("step 1 Urgency: not started -> in progress; owners L001")
  expect(r.out):to_contain("coalition: added L001, L003, T012, S004")
  expect(r.out):to_match("2026%-09%-20  L003  evidence #%d+ on step 6 Wins")
end)

test("replaying the event log rebuilds exactly what the tables hold", function()
  set_today("2026-10-01")
  h.ok("step", "student-voice", "1", "--status", "done", "--due", "2026-10-15")
  h.ok("step", "student-voice", "wins", "--status", "in_progress", "--owner", "L003", "--owner", "T012")
  h.ok("evidence", "student-voice", "1", "survey of 400 students", "--date", "2026-09-05", "--metric", "responses=400")
  h.ok("coalition", "student-voice", "remove", "S004")
  local ini = plugin.initiatives.find("student-voice")
  local from_tables = plugin.initiatives.load(ini)
  local from_events = plugin.initiatives.replay(ini)
  expect(from_events):to_equal(from_tables)
  expect(#from_events.evidence):to_equal(2)
  expect(from_events.coalition):to_equal({ "L001", "L003", "T012" })
end)

test("a refused change writes no event", function()
  h.ok("new", "Refused")
  local before = #baton.events.list { subject = "refused" }
  expect(run("step", "refused", "4", "--status", "done").status):to_equal(1)
  expect(run("coalition", "refused", "add", "NOBODY").status ~= 0):to_be(true) -- (2 when the host checks the id)
  expect(#baton.events.list { subject = "refused" }):to_equal(before)
end)
