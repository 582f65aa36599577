-- The guiding coalition: people of every role, and how widely it reaches.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

test("adding people reports the spread: roles, departments, campuses", function()
  h.school()
  h.ok("new", "Attendance matters")
  local r = h.ok("coalition", "attendance", "add", "AP02", "T005", "A001", "C001", "S002", "L001")
  expect(r.changed):to_equal({ "AP02", "T005", "A001", "C001", "S002", "L001" })
  expect(r.spread.size):to_equal(6)
  expect(r.spread.roles):to_equal({ "aide", "assistant principal", "counsellor", "student leader",
    "support staff", "teacher" })
  expect(r.spread.departments):to_equal({ "English", "Front Office", "Leadership", "Learning Support",
    "Student Council", "Wellbeing" })
  expect(r.spread.campuses):to_equal({ "Hillcrest", "Riverside" })
  expect(r.spread.roles_absent):to_equal({ "principal" })
  expect(#r.warnings):to_equal(0)
end)

test("the text output names the spread and the roles missing", function()
  local r = run("coalition", "attendance")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("6 people from 6 roles, 6 departments and 2 campuses")
  expect(r.out):to_contain("roles not represented: principal")
  expect(r.out):to_contain("Sam Rivera")
end)

test("adding someone already in changes nothing; removing takes people out", function()
  local r = h.ok("coalition", "attendance", "add", "T005")
  expect(r.changed):to_equal({})
  r = h.ok("coalition", "attendance", "remove", "S002", "L001", "C001", "A001")
  expect(r.spread.size):to_equal(2)
  expect(r.spread.roles):to_equal({ "assistant principal", "teacher" })
end)

test("a narrow coalition is warned about, with the roles that could join", function()
  local r = h.ok("coalition", "attendance")
  expect(#r.warnings):to_equal(1)
  expect(r.warnings[1].rule):to_equal("narrow")
  expect(r.warnings[1].message):to_contain("2 roles (assistant principal, teacher), fewer than 3")
  expect(r.warnings[1].message):to_contain("student leader")
  local text = run("coalition", "attendance")
  expect(text.out):to_contain("! the guiding coalition is narrow")
  -- The threshold is a flag.
  expect(#h.ok("coalition", "attendance", "--min-roles", "2").warnings):to_equal(0)
  expect(#h.ok("coalition", "attendance", "--min-roles", "5").warnings):to_equal(1)
end)

-- The ids are of type person: a host that checks them against the staff
-- list before the command runs refuses them with its own message (exit
-- 2); the plugin's own check (exit 1) stays for any other way in. Either
-- names the id, and changes nothing.
test("an unknown person id is an error naming it, and nobody is added", function()
  local r = run("coalition", "attendance", "add", "T001", "ZZ99", "T003")
  expect(r.status ~= 0):to_be(true)
  expect(r.err):to_match("person[^']*'ZZ99'")
  expect(h.ok("coalition", "attendance").spread.size):to_equal(2)
  r = run("coalition", "attendance", "add", "Q1", "Q2")
  expect(r.err):to_match("person[^']*'Q1'")
end)

test("add or remove without ids, and ids without add or remove, say what to type", function()
  local r = run("coalition", "attendance", "add")
  expect(r.status):to_equal(2) -- a usage error (baton.usage_error): the usage line follows
  expect(r.err):to_contain("give person ids")
  expect(r.err):to_contain("usage: baton change coalition")
  r = run("coalition", "attendance", "show", "T001")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("add T001")
  r = run("coalition", "attendance", "invite", "T001")
  expect(r.status):to_equal(2)
end)

test("the spread of any list of ids, directly", function()
  local s = plugin.coalition_spread({ "P001", "L004", "S003" })
  expect(s.roles):to_equal({ "principal", "student leader", "support staff" })
  expect(s.campuses):to_equal({ "Hillcrest", "Riverside" })
  expect(#s.departments):to_equal(3)
end)
