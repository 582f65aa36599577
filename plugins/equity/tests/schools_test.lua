-- Equity in a district database (people.school): one school's picture
-- (--school) and every school's figures beside the district's (--by-school).
-- The fixture: North and South, four people each, and one at the district
-- office; each school's maths team has a lead, and the network team none.

local function district()
  if not baton.people.get("N1") then
    load_people("tests/district.csv")
    load_groups("tests/groups.csv")
  end
end

test("--by-school: each school's figures, then the district's", function()
  district()
  local out = run_json("report", "--by-school")
  local rows = {}
  for _, r in ipairs(out.schools) do rows[#rows + 1] = ("%s %d/%d %s"):format(r.school, r.none, r.people, r.gini_text) end
  -- In each school 1 of 4 leads (Gini of 1,0,0,0 = 0.75); the district:
  -- 2 of 9 hold one each: |xi - xj| over ordered pairs 2*2*7 = 28,
  -- / (2 * 81 * 2/9) = 0.78.
  expect(rows):to_equal({ "District office 1/1 0.00", "North 3/4 0.75", "South 3/4 0.75", "district 7/9 0.78" })
end)

test("--school: one school's people and roles only", function()
  district()
  local out = run_json("report", "--school", "South")
  expect(out.school):to_equal("South")
  expect(out.figures.people):to_equal(4)
  expect(#out.top):to_equal(1)
  expect(out.top[1].id):to_equal("S1")
  for _, p in ipairs(out.none) do expect(p.id:sub(1, 1)):to_equal("S") end
  expect(out.outside):to_equal(0)
end)

test("a school nobody is of is named with the schools there are; --school and --by-school together are refused", function()
  district()
  local r = run("report", "--school", "Suoth")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--school Suoth: nobody is of that school; the schools are District office, North, South")
  r = run("report", "--school", "South", "--by-school")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("not both")
end)
