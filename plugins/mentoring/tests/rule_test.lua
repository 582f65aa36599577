-- --rule FILE: a school's own scoring rule in Lua, over the C scores.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("a rule file changes scores, and its points appear among the reasons", function()
  h.school()
  local out = h.ok("match", "--rule", h.file("rule.lua"))
  -- Each pair shares its department: N1-M1 7 + 4, N2-M2 6 + 4, N3-M3 5 + 4.
  expect(out.pairs[1].score):to_equal(11)
  expect(out.pairs[1].why):to_contain("the rule in ")
  expect(out.pairs[1].why):to_contain("(+4)")
  expect(out.total_score):to_equal(11 + 10 + 9)
end)

test("a rule that returns false forbids the pair, and says so", function()
  h.school()
  -- N3 is an aide; M9 is a head of department, so the rule forbids them.
  local r = run("why", "N3", "M9", "--rule", h.file("rule.lua"))
  expect(r.status):to_equal(1)
  expect(r.err):to_match("M9 cannot mentor N3: forbidden by the rule in .*rule%.lua")
end)

test("a rule file that returns something else is an error naming it", function()
  h.school()
  local r = run("match", "--rule", h.file("people.csv"))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("people.csv")
end)
