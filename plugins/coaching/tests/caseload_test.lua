-- Caseloads and their balance, cycles stalled in school weeks (the half
-- term does not count), and coaches suggested from the expertise map.
local h = require("tests.helpers")

before_each(h.school)

test("stalled: quiet for stall_weeks school weeks, the half term not counted", function()
  h.cycle("T001", "T005")         -- last activity 2026-09-14
  h.cycle("T003", "T006")
  set_today("2026-10-02")
  h.ok("session", "2", "T003")    -- cycle 2 is active
  -- 15 school days after the 14th: 15..18 (4), 21..25 (5), 28..2 Oct (5) = 14; the 5th is the 15th
  expect(#h.ok("stalled").stalled):to_equal(0)
  set_today("2026-10-05")
  local s = h.ok("stalled").stalled
  expect(#s):to_equal(1)
  expect(s[1].cycle):to_equal(1)
  expect(s[1].quiet):to_equal(15)
  expect(s[1].unit):to_equal("school days")
  -- cycle 2: quiet from 9 October; 21 calendar days later, but the half
  -- term (26-30 October) is no school: 10 school days, not stalled
  set_today("2026-10-09")
  h.ok("session", "2", "T006")
  set_today("2026-10-30")
  expect(#h.ok("stalled").stalled):to_equal(1)
  set_today("2026-11-06")
  expect(#h.ok("stalled").stalled):to_equal(2)
  set_setting("stall_weeks", 8)
  expect(#h.ok("stalled").stalled):to_equal(0)
end)

test("without a school calendar, stalls count calendar weeks and say so", function()
  set_terms {}
  h.cycle()
  set_today("2026-10-05")
  local s = h.ok("stalled").stalled
  expect(s[1].unit):to_equal("days")
  expect(s[1].quiet):to_equal(21)
  expect(run("stalled").out):to_contain("import the school calendar")
end)

test("caseload: open and closed per coach, the mean, and coaches over max_caseload", function()
  set_setting("max_caseload", 2)
  for _, t in ipairs { "T005", "T006", "T007" } do h.ok("start", t, "--coach", "T001") end
  h.ok("start", "T008", "--coach", "T003")
  local v = h.ok("caseload")
  expect(v.coaches[1].coach):to_equal("T001")
  expect(v.coaches[1].open):to_equal(3)
  expect(v.balance.mean):to_equal(2)
  expect(v.balance.over):to_equal { "T001" }
  expect(run("caseload").out):to_contain("Over max_caseload: T001")
end)

test("suggest: coaches from the expertise map, by level then caseload, never the teacher, full ones apart", function()
  set_setting("max_caseload", 1)
  local ex = baton.plugin("expertise")
  assert(ex.declare { person = "T001", tag = { "questioning" } })
  assert(ex.declare { person = "T003", tag = { "questioning" } })
  assert(ex.declare { person = "T009", tag = { "questioning" } })
  assert(ex.declare { person = "T005", tag = { "questioning" } })
  assert(ex.endorse { person = "T009", tag = "questioning", by = "T002" })
  h.ok("start", "T010", "--coach", "T001")     -- T001 is full
  local v = h.ok("suggest", "questioning", "--teacher", "T005")
  local ids = {}
  for _, c in ipairs(v.coaches) do ids[#ids + 1] = c.person end
  expect(ids):to_equal { "T009", "T003" }     -- endorsed first; T005 is the teacher
  expect(v.full[1].person):to_equal("T001")
  expect(run("suggest", "questioning", "--teacher", "T005").out):to_contain("baton coach start T005 --coach T009")
  expect(#h.ok("suggest", "oracy").coaches):to_equal(0)
end)
