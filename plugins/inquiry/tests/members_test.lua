-- Who may record into a cycle: its group's members, its lead, and a
-- phase's owners for their own phase. With --by (which the browser fills
-- with the signed-in person) anyone else is refused, and nothing is saved.
local h = require("tests.helpers")

before_each(function()
  h.school()
  h.maths_cycle()
end)

local function count(t) return #assert(baton.store.query("SELECT * FROM " .. t)) end

test("a member logs their own time, evidence and data reviews", function()
  h.ok("log", "1", "--minutes", "40", "--by", "T006")
  h.ok("evidence", "1", "Student voice survey", "--by", "T011")
  h.ok("review", "1", "--looked-at", "survey", "--decided", "focus on Year 9", "--by", "T017")
  h.ok("phase", "1", "focusing", "--by", "T017")
  local s = h.ok("show", "1")
  expect(s.meetings[1].by):to_equal("T006")
  expect(s.evidence[1].by):to_equal("T011")
  expect(s.reviews[1].by):to_equal("T017")
  expect(h.events("inquiry.log")[1].actor):to_equal("T006")
end)

test("a staff member outside the PLC cannot log, record, review, move, open or close its cycle", function()
  local outsider = "T003" -- the Science PLC's lead
  local tries = {
    { "log", "1", "--minutes", "40", "--by", outsider },
    { "evidence", "1", "not mine", "--by", outsider },
    { "review", "1", "--looked-at", "x", "--decided", "y", "--by", outsider },
    { "phase", "1", "focusing", "--by", outsider },
    { "close", "1", "--finding", "x", "--by", outsider },
  }
  for _, t in ipairs(tries) do
    local r = run(table.unpack(t))
    expect(r.status):to_equal(1)
    expect(r.err):to_contain("T003 is not in Maths PLC, whose cycle 1 this is: a cycle takes records from its group's members")
  end
  local r = run("open", "Ours now", "--group", "Maths PLC", "--by", outsider)
  expect(r.err):to_contain("T003 is not in Maths PLC: a group's members open its cycles")
  expect(count("inquiry_meetings")):to_equal(0)
  expect(count("inquiry_evidence")):to_equal(0)
  expect(count("inquiry_findings")):to_equal(0)
  expect(#assert(baton.store.query("SELECT * FROM inquiry_cycles"))):to_equal(1)
  expect(h.ok("show", "1").current):to_equal(1)
end)

test("a phase's owner from outside the group records into that phase only", function()
  h.ok("phase", "1", "scanning", "--owner", "C001") -- a counsellor, not in the PLC
  h.ok("log", "1", "--minutes", "30", "--by", "C001")
  h.ok("evidence", "1", "Counsellor's notes on student stress and feedback", "--by", "C001")
  local r = run("evidence", "1", "elsewhere", "--phase", "focusing", "--by", "C001")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("C001 is not in Maths PLC, whose cycle 1 this is: a cycle takes records from its group's "
    .. "members (see `baton groups list`), its lead and the owners of phase 'focusing'")
  expect(run("close", "1", "--finding", "x", "--by", "C001").status):to_equal(1)
end)

test("a lead from outside the group may record anywhere in the cycle", function()
  h.ok("open", "Q", "--group", "Science PLC", "--lead", "AP02")
  h.ok("log", "2", "--minutes", "30", "--by", "AP02", "--no-protected")
  expect(h.ok("show", "2").meetings[1].protected):to_equal(false)
end)
