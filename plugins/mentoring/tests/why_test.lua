-- mentor why: the pair's reasons, the other mentor's, and the cost to the
-- cohort of forcing the other pair.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("why compares with the mentor asked about and re-solves to price it", function()
  h.school()
  local out = h.ok("why", "N3", "M1")
  expect(out.mentor.id):to_equal("M3")
  expect(out.mentor.score):to_equal(5)
  expect(out.other.score):to_equal(3)
  expect(out.other.cohort_loss):to_equal(2)
  local r = run("why", "N3", "M1")
  expect(r.out):to_contain("N3 Ned Novak would be paired with M3 Mei Ma, score 5: shares subject Science (+3), shares grade 8 (+2) (no pairs are saved yet")
  expect(r.out):to_contain("M1 Mona Mills would score 3: shares grade 8 (+2), same campus North (+1)")
  expect(r.out):to_contain("The chosen mentor scores 2 more for N3.")
  expect(r.out):to_contain("would lower the cohort's total from 18 to 16 (-2)")
end)

test("without a mentor, why compares with the best other one allowed", function()
  h.school()
  local out = h.ok("why", "N1")
  expect(out.mentor.id):to_equal("M1")
  expect(out.other.id).never:to_equal("M9") -- the line manager is not allowed
  expect(out.other.cohort_loss > 0):to_be(true)
end)

test("why names unknown people", function()
  h.school()
  local r = run("why", "ZZ")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("'ZZ' is not a mentee")
  r = run("why", "N1", "N2")
  expect(r.err):to_contain("'N2' is not a mentor")
  r = run("why", "N1", "M1")
  expect(r.err):to_contain("M1 is already N1's mentor")
end)
