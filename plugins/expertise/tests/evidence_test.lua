-- Evidence from the other practices: an event of the kinds the manifest
-- lists (mentor.pair, coach.*, inquiry.*, evidence.*) whose data carries
-- `expertise = {{person, tag, what}}` adds to the map through the hook;
-- bad entries are skipped with a warning naming the event, the good ones
-- kept; the same event never counts twice.
local h = require("tests.helpers")

before_each(h.school)

test("an event with data.expertise adds evidence, the tag mapped through the vocabulary", function()
  h.evidence("inquiry.close", { { person = "T003", tag = "AfL", what = "led a PLC inquiry cycle on feedback" } })
  local v = run_json("helpers", "formative assessment")
  expect(#v.helpers):to_equal(1)
  expect(v.helpers[1].person):to_equal("T003")
  expect(v.helpers[1].level):to_equal("evidenced")
  local mine = h.ok("mine", "T003")
  expect(mine.strengths[1].evidence[1].plugin):to_equal("expertise") -- logged by this test, in this plugin
  expect(mine.strengths[1].evidence[1].what):to_equal("led a PLC inquiry cycle on feedback")
end)

test("a district plugin's evidence.* event counts; a kind the hooks do not list does not", function()
  h.evidence("evidence.assembly", { { person = "L001", tag = "student voice", what = "led a student assembly" } })
  h.evidence("kotter.evidence", { { person = "L002", tag = "student voice", what = "not listened to" } })
  expect(h.ranked("student voice")):to_equal { "L001" }
end)

test("events without data.expertise are ignored", function()
  baton.events.log { kind = "mentor.meeting", subject = "T001", data = { mentor = "T003" } }
  baton.events.log { kind = "x.y", subject = "T001", data = "just text" }
  baton.sleep(10)
  expect(#h.ok("map").strengths):to_equal(0)
end)

test("bad entries are skipped, good ones in the same event kept", function()
  h.evidence("inquiry.close", {
    { person = "T999", tag = "questioning", what = "nobody" },
    { person = "T001", tag = "", what = "no tag" },
    { person = "T002", tag = "questioning" },
    { person = "T004", tag = "questioning", what = string.rep("x", 201) },
    "not a table",
    { person = "T005", tag = "questioning", what = "ran a lesson study" },
  })
  expect(h.ranked("questioning")):to_equal { "T005" }
end)

test("data.expertise that is not a list records nothing", function()
  h.evidence("inquiry.close", "T001 is good at everything")
  expect(#h.ok("map").strengths):to_equal(0)
end)

test("the same event recorded twice counts once", function()
  local id = h.evidence("coach.close", { { person = "T001", tag = "questioning", what = "coached a colleague" } })
  local e = baton.events.list { kind = "coach.close" }[1]
  expect(e.id):to_equal(id)
  expect(plugin.record(e)):to_equal(0)
  expect(run_json("helpers", "questioning").helpers[1].evidence):to_equal(1)
end)

test("a flood of entries stops at 50", function()
  local list = {}
  for i = 1, 60 do list[i] = { person = "T001", tag = ("tag %d"):format(i), what = "x" } end
  h.evidence("evidence.spam", list)
  expect(#h.ok("map").strengths):to_equal(50)
end)
