-- Evidence from the other practices, read from the event log: an event
-- of the kinds mentor.pair, coach.*, inquiry.*, evidence.* whose data
-- carries `expertise = {{person, tag, what}}` counts; bad entries are
-- listed by `expertise evidence` with why, the good ones kept; an entry
-- counts once.
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

test("bad entries are skipped and said why, good ones in the same event kept", function()
  h.evidence("inquiry.close", {
    { person = "T999", tag = "questioning", what = "nobody" },
    { person = "T001", tag = "", what = "no tag" },
    { person = "T002", tag = "questioning" },
    { person = "T004", tag = "questioning", what = string.rep("x", 201) },
    "not a table",
    { person = "T005", tag = "questioning", what = "ran a lesson study" },
  })
  expect(h.ranked("questioning")):to_equal { "T005" }
  local v = h.ok("evidence")
  expect(#v.evidence):to_equal(1)
  local why = {}
  for _, x in ipairs(v.skipped) do why[#why + 1] = x.why end
  expect(why):to_equal {
    "event 'inquiry.close' #1 from expertise: data.expertise[1] names 'T999', who is not in the staff list",
    "event 'inquiry.close' #1 from expertise: data.expertise[2] has no tag (a short text, under 60 characters)",
    "event 'inquiry.close' #1 from expertise: data.expertise[3] needs 'what': what they did, as text under 200 characters",
    "event 'inquiry.close' #1 from expertise: data.expertise[4] needs 'what': what they did, as text under 200 characters",
    "event 'inquiry.close' #1 from expertise: data.expertise[5] is a string, not a {person =, tag =, what =} table",
  }
end)

test("data.expertise that is not a list records nothing", function()
  h.evidence("inquiry.close", "T001 is good at everything")
  expect(#h.ok("map").strengths):to_equal(0)
  expect(h.ok("evidence").skipped[1].why):to_contain("must be a list")
end)

test("the same person and tag in one event count once; reading twice changes nothing", function()
  h.evidence("coach.close", { { person = "T001", tag = "questioning", what = "coached a colleague" },
    { person = "T001", tag = "Questioning", what = "again" } })
  expect(run_json("helpers", "questioning").helpers[1].evidence):to_equal(1)
  expect(run_json("helpers", "questioning").helpers[1].evidence):to_equal(1)
end)

test("evidence logged before anyone declared anything counts, and reading creates no table", function()
  h.evidence("evidence.workshop", { { person = "S003", tag = "digital learning", what = "ran the laptop workshop" } })
  expect(h.ranked("edtech")):to_equal { "S003" }
  expect(function() return baton.store.first("SELECT 1 AS x FROM expertise_terms") end):to_fail("no such table")
end)

test("a flood of entries stops at 50", function()
  local list = {}
  for i = 1, 60 do list[i] = { person = "T001", tag = ("tag %d"):format(i), what = "x" } end
  h.evidence("evidence.spam", list)
  expect(#h.ok("map").strengths):to_equal(50)
end)
