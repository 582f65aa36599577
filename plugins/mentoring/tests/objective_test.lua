-- Both objectives match as many mentees as possible; total then takes the
-- best sum, fairest the best lowest pair.
--
--          XX   XY
--   XA      6    3
--   XB      3    1

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("total takes the best sum even if one pair is weak", function()
  h.school()
  local out = h.ok("match", "--mentees", "fair_mentees", "--mentors", "fair_mentors")
  expect(h.pairs(out)):to_equal({ "XA-XX", "XB-XY" })
  expect(out.total_score):to_equal(7)
  expect(out.summary.lowest_score):to_equal(1)
end)

test("fairest raises the weakest pair, then the total", function()
  h.school()
  local out = h.ok("match", "--mentees", "fair_mentees", "--mentors", "fair_mentors", "--objective", "fairest")
  expect(h.pairs(out)):to_equal({ "XA-XY", "XB-XX" })
  expect(out.total_score):to_equal(6)
  expect(out.summary.lowest_score):to_equal(3)
  expect(out.objective):to_equal("fairest")
end)
