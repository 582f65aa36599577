-- mentor rematch keeps every active pair that still stands and changes
-- only what must change. The tests build on each other: one cohort, saved
-- in the first, changed by the next.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("nothing changed: no pair changes", function()
  h.school()
  h.ok("match", "--save")
  local out = h.ok("rematch")
  expect(out.kept):to_equal(3)
  expect(#out.ended):to_equal(0)
  expect(#out.new):to_equal(0)
  expect(run("rematch").out):to_contain("No pair changes.")
end)

test("a new mentee gets a mentor and every active pair is kept", function()
  local out = h.ok("rematch", "--mentees", "mentees_plus", "--save")
  expect(out.kept):to_equal(3)
  expect(#out.ended):to_equal(0)
  expect(h.pairs(out.new)):to_equal({ "XA-M1" })
  expect(#h.ok("list", "--active")):to_equal(4)
end)

test("a pair that is no longer allowed ends; the others stay though a fresh match would move them", function()
  local out = h.ok("rematch", "--mentees", "mentees_plus", "--forbid", h.file("forbid.csv"), "--save")
  expect(out.kept):to_equal(3)
  expect(#out.ended):to_equal(1)
  expect(out.ended[1].mentee):to_equal("N1")
  expect(out.ended[1].reason):to_match("^forbidden in .*forbid%.csv line 2$")
  -- A fresh match would move N3 to M1 to make room; rematch keeps N2 and N3.
  expect(#out.new):to_equal(0)
  expect(out.unmatched[1].reason):to_equal("no eligible mentor left: the 2 mentors allowed (M2, M3) are full")
  local active = h.ok("list", "--active")
  expect(#active):to_equal(3)
  local all = h.ok("list")
  expect(all[1].status):to_match("^ended: forbidden in")
  local r = run("rematch", "--mentees", "mentees_plus", "--forbid", h.file("forbid.csv"))
  expect(r.out):to_contain("Rematch: 3 active pairs kept, 0 ended, 0 new.")
end)

