-- Goals stay with the pair unless the teacher shares them: another staff
-- member cannot read or change a cycle, and no output meant for others
-- (the page, the leadership route, the caseload, the event log) carries a
-- private goal. A shared cycle met counts as the coach's expertise.
local h = require("tests.helpers")

before_each(h.school)

-- Every text a person outside the pair could see.
local function public()
  local parts = { baton.json.encode(plugin.routes.page { query = {}, params = {} }),
    baton.json.encode(plugin.routes.leadership { query = {}, params = {} }),
    baton.json.encode(h.ok("caseload")), baton.json.encode(baton.events.list {}) }
  return table.concat(parts, "\n")
end

test("another staff member can neither read nor change the cycle, and is not told who is in it", function()
  local id = tostring(h.cycle())
  for _, cmd in ipairs { { "show", id, "T009" }, { "session", id, "T009" }, { "measure", id, "T009", "50" },
      { "identify", id, "T009", "--goal", "mine now" }, { "share", id, "T009" },
      { "close", id, "T009", "--outcome", "stopped" }, { "phase", id, "T009", "identify" } } do
    local err = h.refused(table.unpack(cmd))
    expect(err):to_contain("cycle 1 is not T009's: only its coach and its teacher see and change it")
    expect(err).never:to_contain("T005")
    expect(err).never:to_contain("T001")
  end
  expect(h.ok("show", id, "T005").goal):to_equal(h.GOAL)
  expect(#h.ok("mine", "T009").cycles):to_equal(0)
end)

test("a private goal, its measures and notes appear in no output meant for others", function()
  local id = tostring(h.cycle())
  h.ok("session", id, "T001", "--note", "talked about Year 9 set 3")
  h.ok("measure", id, "T005", "33", "--note", "observed by the coach")
  local all = public()
  expect(all).never:to_contain("open questions")
  expect(all).never:to_contain("think-pair-share")
  expect(all).never:to_contain("Year 9")
  expect(all).never:to_contain("observed by")
  expect(all).never:to_contain("questioning") -- the tag says what the teacher works on
  -- the check can fail: once shared, the page shows the goal
  h.ok("share", id, "T005")
  expect(baton.json.encode(plugin.routes.page { query = {}, params = {} })):to_contain("open questions")
  h.ok("share", id, "T005", "--no-share")
  expect(baton.json.encode(plugin.routes.page { query = {}, params = {} })).never:to_contain("open questions")
end)

test("only the teacher shares; the coach is told to ask", function()
  local id = tostring(h.cycle())
  expect(h.refused("share", id, "T001")):to_contain("only the teacher of cycle 1 shares its goal")
end)

test("a shared cycle met is evidence of the coach's expertise; a private one is not", function()
  local a = tostring(h.cycle("T001", "T005"))
  local b = tostring(h.cycle("T003", "T006"))
  h.ok("share", b, "T006")
  for _, id in ipairs { a, b } do
    h.ok("measure", id, "T005" == id and "T005" or (id == a and "T005" or "T006"), "70")
    h.ok("close", id, id == a and "T001" or "T003", "--outcome", "met")
  end
  baton.sleep(10)
  local helpers = assert(baton.plugin("expertise").helpers { tag = "questioning" })
  expect(#helpers.helpers):to_equal(1)
  expect(helpers.helpers[1].person):to_equal("T003")
  expect(helpers.helpers[1].why):to_contain("coached a colleague to a met goal in coaching cycle 2")
end)

test("leadership: colleagues coached per coach, by period when asked", function()
  h.cycle("T001", "T005")
  h.cycle("T001", "T006")
  h.cycle("T003", "T007")
  local v = plugin.routes.leadership { query = {}, params = {} }
  expect(v.label):to_equal("colleagues coached")
  expect(v.roles):to_equal { { person = "T001", count = 2 }, { person = "T003", count = 1 } }
  expect(v.period):to_be_nil()
  v = plugin.routes.leadership { query = { from = "2026-01-01", to = "2026-06-30" }, params = {} }
  expect(#v.roles):to_equal(0)
  expect(v.period):to_equal { from = "2026-01-01", to = "2026-06-30" }
end)
