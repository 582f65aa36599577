-- Status: cycles quiet for N school weeks (the school calendar's school
-- days, half term not counted), phases passed without evidence, protected
-- time against time spent, and no data review late in a cycle.
local h = require("tests.helpers")

before_each(function()
  h.school()
  h.maths_cycle()
end)

local function warnings(cycle)
  local out = {}
  for _, w in ipairs(h.ok("status", cycle or "1").cycles[1].warnings) do out[w.rule] = w.message end
  return out
end

test("a cycle is quiet after three school weeks without a meeting, counted in school days", function()
  h.ok("log", "1", "--minutes", "45", "--date", "2026-09-10")        -- a Thursday
  set_today("2026-09-30")                                              -- 14 school days later
  expect(warnings().quiet):to_be_nil()
  set_today("2026-10-01")                                              -- 15: three school weeks
  expect(warnings().quiet):to_equal("no meeting logged for 3 school weeks (last meeting 2026-09-10): when does the group meet next?")
  local s = h.ok("status")
  expect(s.cycles[1].quiet_days):to_equal(15)
  expect(s.cycles[1].warnings[1].command):to_equal("baton inquiry log 1 --minutes N")
  expect(h.ok("show", "1").phases[1].status):to_equal("stalled")
end)

test("half term is not school time: the same gap across it is not yet quiet", function()
  set_today("2026-10-15")
  h.ok("log", "1", "--minutes", "45")
  set_today("2026-11-05")   -- 15 weekdays later, 5 of them half term
  expect(warnings().quiet):to_be_nil()
  expect(h.ok("status").cycles[1].quiet_days):to_equal(10)
  set_today("2026-11-12")
  expect(warnings().quiet):to_contain("no meeting logged for 3 school weeks")
end)

test("--weeks and the quiet_weeks setting set the threshold; without a calendar every weekday counts", function()
  h.ok("log", "1", "--minutes", "45", "--date", "2026-09-14")
  set_today("2026-09-21")
  expect(warnings().quiet):to_be_nil()
  local s = h.ok("status", "1", "--weeks", "1")
  expect(s.cycles[1].warnings[1].rule):to_equal("quiet")
  set_setting("quiet_weeks", 1)
  expect(warnings().quiet):to_contain("no meeting logged for 1 school week (last meeting 2026-09-14)")
  set_terms({})
  set_today("2026-09-18")
  expect(warnings().quiet):to_be_nil()
  set_today("2026-09-21")
  expect(warnings().quiet):to_contain("1 school week")
  expect(run("status").out):to_contain("(No school calendar: every weekday counts as a school day")
end)

test("a phase passed or done with no evidence is named; evidence of any kind clears it", function()
  h.ok("phase", "1", "focusing")
  expect(warnings().no_evidence):to_equal("phase 1 'scanning' was passed with no evidence: record what the group saw or did")
  h.ok("review", "1", "--looked-at", "attendance", "--decided", "look at feedback", "--phase", "1")
  expect(warnings().no_evidence):to_be_nil()
  h.ok("phase", "1", "focusing", "--done")
  expect(warnings().no_evidence):to_contain("phase 2 'focusing' was marked done with no evidence")
end)

test("protected time against time spent: less than min_protected is a warning", function()
  h.ok("log", "1", "--minutes", "60")
  h.ok("log", "1", "--minutes", "40", "--no-protected")
  local s = h.ok("status").cycles[1]
  expect({ s.minutes, s.protected, s.share }):to_equal { 100, 60, 60 }
  expect(warnings().protected):to_be_nil()
  h.ok("log", "1", "--minutes", "50", "--no-protected")
  expect(warnings().protected):to_equal("40% of the 150 minutes logged was protected time (60 of 150), less than 50%: "
    .. "ask for time set aside for the group")
  set_setting("min_protected", 0)
  expect(warnings().protected):to_be_nil()
end)

test("past half its phases with no data review is a warning", function()
  h.ok("phase", "1", "3")
  expect(warnings().no_review):to_be_nil()
  h.ok("phase", "1", "4")
  expect(warnings().no_review):to_contain("phase 4 of 6 and no data review yet")
  h.ok("review", "1", "--looked-at", "exit tickets", "--decided", "try feedback time")
  expect(warnings().no_review):to_be_nil()
end)

test("a closed cycle has no warnings and is not in the default status", function()
  h.ok("phase", "1", "4")
  h.ok("close", "1", "--finding", "x")
  expect(#h.ok("status").cycles):to_equal(0)
  expect(#h.ok("status", "1").cycles[1].warnings):to_equal(0)
end)
