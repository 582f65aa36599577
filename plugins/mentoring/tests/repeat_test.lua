-- The no-repeat rule reads the event log (each test file has its own
-- database, so this one starts with no history).

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("a pair that was active before is not made again unless --allow-repeat", function()
  h.school()
  h.ok("match", "--save")
  h.ok("end", "--all")
  local out = h.ok("match")
  for _, p in ipairs(out.pairs) do
    expect({ "N1-M1", "N2-M2", "N3-M3" }).never:to_contain(p.mentee .. "-" .. p.mentor)
  end
  expect(h.pairs(h.ok("match", "--allow-repeat"))):to_equal({ "N1-M1", "N2-M2", "N3-M3" })
  local r = run("why", "N1", "M1")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("M1 cannot mentor N1: N1 and M1 were paired before (--allow-repeat allows it)")
end)

