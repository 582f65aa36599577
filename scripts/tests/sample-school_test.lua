-- `baton test scripts/`: the sample school generator, run as a coordinator
-- would (baton run --allow fs.write scripts/sample-school.lua ...).
test_permissions { "fs.read" }

local function school(dir, ...)
  local r = run_script("--allow", "fs.write", "sample-school.lua", "--out", tmp_path(dir), "--quiet", ...)
  expect(r.status):to_equal(0)
  return assert(baton.fs.read(tmp_path(dir) .. "/staff.csv"))
end

test("the same seed gives the same school", function()
  expect(school("a")):to_equal(school("b"))
  expect(school("c", "--seed", "5")).never:to_equal(school("a"))
end)

test("--size is the number of staff", function()
  local _, lines = school("d", "--size", "150"):gsub("\n", "")
  expect(lines):to_equal(151)
end)

test("a size outside 30 to 5000 is a usage error", function()
  local r = run_script("sample-school.lua", "--size", "20")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("--size must be at least 30 (from 30 to 5000), got '20'")
end)

test("without --allow fs.write nothing is written", function()
  local r = run_script("sample-school.lua", "--out", tmp_path("e"))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("needs permission 'fs.write'")
end)
