-- Mentoring across the schools of a district database (people.school):
-- mentees of one school with mentors of others, the same explanations,
-- and "same school" or "another school" as rules.
--
-- The fixture school (helpers.lua) with schools: N1, N3, M1, M9 of North;
-- N2, M2, M3 of South.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

local function district()
  h.school()
  load_people("tests/district.csv")
end

test("--mentees-school and --mentors-school: North's mentees with South's mentors, each pair explained", function()
  district()
  local out = h.ok("match", "--mentees-school", "North", "--mentors-school", "South")
  expect(h.pairs(out)):to_equal({ "N1-M2", "N3-M3" })
  for _, p in ipairs(out.pairs) do
    expect(p.mentee_school):to_equal("North")
    expect(p.mentor_school):to_equal("South")
  end
  -- The same reasons as within a school: N3 and M3 share science and grade 8.
  local n3 = out.pairs[1].mentee == "N3" and out.pairs[1] or out.pairs[2]
  expect(n3.why):to_contain("Science")
  expect(out.summary.mentees):to_equal(2)
  expect(out.summary.mentors):to_equal(2)
end)

test("--mentors-school takes a list of schools", function()
  district()
  local out = h.ok("match", "--mentees-school", "South", "--mentors-school", "North, South")
  expect(h.pairs(out)):to_equal({ "N2-M2" })
end)

test("--across-schools: every mentee gets a mentor of another school, or is told why not", function()
  district()
  local out = h.ok("match", "--across-schools")
  for _, p in ipairs(out.pairs) do
    expect(p.mentee_school).never:to_equal(p.mentor_school)
  end
  expect(h.pairs(out)):to_contain("N3-M3")
  local r = run("why", "N3", "M1", "--across-schools")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("M1 cannot mentor N3: N3 and M1 are both of North (--across-schools)")
  -- Only North's mentors for North's mentees: nobody is allowed, and each says why.
  out = h.ok("match", "--mentees-school", "North", "--mentors-school", "North", "--across-schools")
  expect(#out.pairs):to_equal(0)
  local why = {}
  for _, u in ipairs(out.unmatched) do why[u.mentee] = u.reason end
  expect(why.N1):to_equal("no eligible mentor: M9 is N1's line manager; N1 and M1 are both of North (--across-schools)")
  expect(why.N3):to_equal("no eligible mentor: 2 are of the mentee's own school (--across-schools)")
end)

test("--same-school keeps each pair within one school", function()
  district()
  local out = h.ok("match", "--same-school")
  expect(h.pairs(out)):to_equal({ "N1-M1", "N2-M2", "N3-M1" })
  local r = run("why", "N2", "M1", "--same-school")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("M1 cannot mentor N2: N2 is of South, M1 of North (--same-school)")
end)

test("a school nobody in the group has is named, with the schools there are", function()
  district()
  local r = run("match", "--mentees-school", "Nowhere")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--mentees-school Nowhere: nobody of the group 'mentees' is of that school; "
    .. "its people are of North, South")
  r = run("match", "--same-school", "--across-schools")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("not both")
end)

test("without school options nothing changes, and a single school's pairs carry no school", function()
  h.school()
  local out = h.ok("match")
  expect(h.pairs(out)):to_equal({ "N1-M1", "N2-M2", "N3-M3" })
  expect(out.pairs[1].mentee_school):to_equal(nil)
end)
