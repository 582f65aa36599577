-- "Who can help with X": evidenced > endorsed > declared whatever the
-- counts, then more evidence, more endorsements; the spread across roles
-- and campuses; endorsements come from colleagues only.
local h = require("tests.helpers")

before_each(h.school)

test("nobody endorses themselves: a clear error naming what to do instead", function()
  local err = h.refused("endorse", "T001", "questioning", "--by", "T001")
  expect(err):to_contain("T001 cannot endorse their own strength")
  expect(err):to_contain("baton expertise declare T001")
  expect(run("endorse", "T001", "questioning").status):to_equal(2) -- who endorses?
  expect(run("endorse", "T999", "questioning", "--by", "T001").status):to_equal(2) -- not in the staff list
end)

test("an endorsement counts once per colleague, and can be withdrawn", function()
  h.ok("endorse", "T001", "questioning", "--by", "T002")
  expect(h.refused("endorse", "T001", "Questioning", "--by", "T002")):to_contain("already endorsed")
  h.ok("endorse", "T001", "questioning", "--by", "T002", "--remove")
  expect(#run_json("helpers", "questioning").helpers):to_equal(0)
end)

test("evidenced beats endorsed beats declared, whatever the counts", function()
  h.ok("declare", "T001", "questioning")                       -- declared only
  for _, by in ipairs { "T003", "T004", "T005", "T006", "T007" } do -- five endorsements
    h.ok("endorse", "T002", "questioning", "--by", by)
  end
  h.evidence("inquiry.close", { { person = "A001", tag = "questioning", what = "led a PLC inquiry cycle" } })
  expect(h.ranked("questioning")):to_equal { "A001", "T002", "T001" }
  local v = run_json("helpers", "questioning")
  expect(v.helpers[1].level):to_equal("evidenced")
  expect(v.helpers[1].why):to_equal("evidenced: 1 (led a PLC inquiry cycle)")
  expect(v.helpers[2].why):to_equal("endorsed by T003, T004, T005, T006, T007")
  expect(v.helpers[3].why):to_equal("declared")
  -- the spread: an aide and two teachers, on two campuses
  expect(v.spread.roles):to_equal { { role = "teacher", n = 2, best = "T002" }, { role = "aide", n = 1, best = "A001" } }
  expect(run("helpers", "questioning").out):to_contain("teacher 2, aide 1; ")
end)

test("within a level: more evidence, then more endorsements, then declared", function()
  h.ok("endorse", "T001", "feedback", "--by", "T002")
  h.ok("endorse", "T003", "feedback", "--by", "T002")
  h.ok("endorse", "T003", "feedback", "--by", "T004")
  h.ok("endorse", "T005", "feedback", "--by", "T004")
  h.ok("declare", "T005", "feedback")
  expect(h.ranked("feedback")):to_equal { "T003", "T005", "T001" }
end)

test("--campus, --role, --exclude and --limit narrow the list; synonyms work", function()
  h.ok("declare", "T001", "afl")   -- Riverside teacher
  h.ok("declare", "T002", "afl")   -- Hillcrest teacher
  h.ok("declare", "A001", "afl")   -- Hillcrest aide
  expect(h.ranked("AfL", "--campus", "hillcrest")):to_equal { "A001", "T002" }
  expect(h.ranked("formative assessment", "--role", "aide")):to_equal { "A001" }
  expect(h.ranked("assessment for learning", "--exclude", "A001", "--limit", "1")):to_equal { "T001" }
end)

test("a person who has left holds nothing", function()
  h.ok("declare", "T001", "questioning")
  load_people("tests/t001-left.csv")
  expect(#run_json("helpers", "questioning").helpers):to_equal(0)
end)

test("nobody holds it: the answer says so and suggests a near term", function()
  local r = run("helpers", "questionning")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("Nobody holds 'questionning' yet (did you mean 'questioning'?)")
end)
