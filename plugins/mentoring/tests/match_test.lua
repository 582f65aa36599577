-- mentor match: the best cohort, its reasons, its summary and its outputs.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("the best whole cohort is found and every pair says why", function()
  h.school()
  local out = h.ok("match")
  expect(h.pairs(out)):to_equal({ "N1-M1", "N2-M2", "N3-M3" })
  expect(out.total_score):to_equal(18)
  expect(out.objective):to_equal("total")
  expect(#out.unmatched):to_equal(0)
  local n1 = out.pairs[1]
  expect(n1.mentee):to_equal("N1")
  expect(n1.score):to_equal(7)
  expect(n1.reasons[1]):to_equal({ feature = "subject", points = 3, detail = "shares subject Maths" })
  expect(n1.why):to_equal("shares subject Maths (+3), shares grade 7 (+2), same campus North (+1), shares language English (+1)")
end)

test("the text output has the pairs, their reasons and the summary", function()
  h.school()
  local r = run("match")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("N3 Ned Novak")
  expect(r.out):to_contain("shares subject Science (+3), shares grade 8 (+2)")
  expect(r.out):to_contain("3 pairs of 3 mentees, total score 18, mean 6, lowest 5; cross-campus 1 of 3 (33%); capacity used 3 of 5 (60%)")
end)

test("weights from --weights change the scores; an unknown name lists the valid ones", function()
  h.school()
  local out = h.ok("match", "--weights", "subject=0,grade=0,language=0,campus=10")
  expect(out.total_score):to_equal(10 + 10 + 10) -- N1-M1, N2-M2 or N2-M3, N3-M1 or M9: all same campus
  expect(out.weights.campus):to_equal(10)
  local r = run("match", "--weights", "subjct=2")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--weights: unknown weight 'subjct' (did you mean 'subject'?)")
  expect(r.err):to_contain("the weights are subject, grade, campus, language, cross_role, department, experience")
  r = run("match", "--weights", "subject")
  expect(r.err):to_contain("--weights: 'subject' is not NAME=NUMBER")
end)

test("saved weights apply to every match until reset", function()
  h.school()
  local w = h.ok("weights", "--set", "experience=1")
  expect(w[7]):to_equal({ feature = "experience", weight = 1, default = 0, meaning = "per year of the mentor's experience" })
  set_today("2026-09-01")
  local out = h.ok("match")
  -- M1 started 2012-08-20: 14 whole years on 2026-09-01.
  expect(out.pairs[1].score):to_equal(7 + 14)
  expect(out.pairs[1].why):to_contain("mentor has 14 years' experience (+14)")
  h.ok("weights", "--reset")
  expect(h.ok("match").total_score):to_equal(18)
end)

test("--csv writes the pairs for a spreadsheet", function()
  h.school()
  local path = "/tmp/baton-mentor-test.csv"
  h.ok("match", "--csv", path)
  local text = assert(baton.fs.read(path))
  local rows = baton.csv.decode(text)
  expect(rows[1]):to_equal({ "mentee_id", "mentee_name", "mentor_id", "mentor_name", "score", "reasons" })
  expect(rows[2][1]):to_equal("N1")
  expect(rows[2][3]):to_equal("M1")
  expect(rows[2][6]):to_contain("shares subject Maths (+3)")
end)

test("--save records the pairs as active, in the event log too", function()
  h.school()
  local out = h.ok("match", "--save")
  expect(out.saved):to_be(true)
  local list = h.ok("list", "--active")
  expect(#list):to_equal(3)
  expect(list[1].status):to_equal("active")
  local events = baton.events.list { kind = "mentor.pair" }
  expect(#events):to_equal(3)
  expect(events[1].data.mentor):to_equal("M1")
  -- A second save would make a second cohort on top of the first: refused.
  local r = run("match", "--save")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("there are already 3 active pairs")
end)
