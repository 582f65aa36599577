-- mentor end and mentor list look after the pairs over the year.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("end one pair by number, by mentee or by MENTEE/MENTOR, or all", function()
  h.school()
  h.ok("match", "--save")
  expect(h.ok("end", "1").ended[1].mentee):to_equal("N1")
  expect(h.ok("end", "N2/M2").ended[1].mentee):to_equal("N2")
  expect(#h.ok("end", "--all").ended):to_equal(1)
  expect(#h.ok("list", "--active")):to_equal(0)
  expect(run("list", "--active").out):to_contain("No active pairs.")
  local r = run("end", "N1")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no active pair 'N1'")
  r = run("end")
  expect(r.err):to_contain("or --all")
  expect(#baton.events.list { kind = "mentor.end" }):to_equal(3)
end)
