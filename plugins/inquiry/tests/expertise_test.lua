-- Evidence of expertise for the expertise practice (contract-6.md §6): a
-- cycle with a topic that closes with findings credits its lead, and a
-- phase marked done credits its owners, through the event's
-- data.expertise = {{person, tag, what}}.
local h = require("tests.helpers")

before_each(h.school)

test("closing a cycle on a topic credits its lead with 'led a PLC inquiry cycle on' it", function()
  h.maths_cycle()
  local v = h.ok("close", "1", "--finding", "Feedback time doubles uptake")
  expect(v.credited):to_equal { { person = "T001", tag = "formative assessment",
    what = "led a PLC inquiry cycle on formative assessment" } }
  local e = h.events("inquiry.close")
  expect(#e):to_equal(1)
  expect(e[1].data.expertise):to_equal(v.credited)
  expect(e[1].data.findings):to_equal { "Feedback time doubles uptake" }
  expect(e[1].subject):to_equal("1")
  expect(run("close", "1", "--finding", "again").status):to_equal(1)
  expect(#h.events("inquiry.close")):to_equal(1)
end)

test("a phase marked done credits each of its owners, of any role, for that phase", function()
  h.maths_cycle()
  h.ok("phase", "1", "scanning", "--owner", "T006", "--owner", "S001")
  expect(h.events("inquiry.phase")[1].data.expertise):to_be_nil() -- owners set, phase not done
  h.ok("phase", "1", "scanning", "--done", "--by", "T006")
  local e = h.events("inquiry.phase")[2]
  expect(e.data.expertise):to_equal {
    { person = "S001", tag = "formative assessment", what = "led the 'scanning' phase of a PLC inquiry cycle on formative assessment" },
    { person = "T006", tag = "formative assessment", what = "led the 'scanning' phase of a PLC inquiry cycle on formative assessment" },
  }
  expect(e.actor):to_equal("T006")
end)

test("a cycle without a topic credits nobody; nor does one without a lead", function()
  h.ok("open", "Q", "--group", "Wellbeing Committee")            -- no topic; its chair is no 'lead'
  h.ok("phase", "1", "1", "--owner", "C001", "--done")
  expect(h.events("inquiry.phase")[1].data.expertise):to_be_nil()
  local v = h.ok("close", "1", "--finding", "x")
  expect(v.credited):to_be_nil()
  h.ok("open", "Q2", "--group", "Wellbeing Committee", "--topic", "wellbeing")
  expect(h.ok("show", "2").lead):to_be_nil()
  expect(h.ok("close", "2", "--finding", "x").credited):to_be_nil()
  expect(h.events("inquiry.close")[2].data.expertise):to_be_nil()
end)
