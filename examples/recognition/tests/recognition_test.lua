-- Tests of the recognition board, run inside the real host by
-- `baton test examples/recognition`, each file against a fresh database.

local function school()
  load_people("../../samples/staff.csv")
end

test("a thank-you is posted, stored and logged", function()
  school()
  set_today("2026-09-09")
  local r = run("post", "A001", "P001", "for covering my duty on Friday")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("thanked")
  expect(r.out):to_contain("2026-09-09: for covering my duty on Friday")
  local events = baton.events.list { kind = "recognition.thanks" }
  expect(#events):to_equal(1)
  expect(events[1].subject):to_equal("P001")
end)

test("someone who is not on the staff list cannot thank or be thanked", function()
  school()
  local r = run("post", "A001", "NOBODY", "thanks")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("TO 'NOBODY' is not in the staff list")
  r = run("post", "A001", "A001", "me")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("thank someone else")
end)

-- The tests of one file share its database: the digest below also sees
-- the thank-you of the first test (2026-09-09).
test("the digest lists the week's thanks, Monday to Sunday, and the roles thanked", function()
  expect(run("post", "A001", "P001", "duty cover", "--date", "2026-09-07").status):to_equal(0)
  expect(run("post", "T001", "A001", "reading group", "--date", "2026-09-13").status):to_equal(0)
  expect(run("post", "T001", "A001", "last week", "--date", "2026-09-06").status):to_equal(0)
  local r = run("digest", "--week-of", "2026-09-10", "--json")
  expect(r.status):to_equal(0)
  local d = baton.json.decode(r.out)
  expect(d.from):to_equal("2026-09-07")
  expect(d.to):to_equal("2026-09-13")
  expect(#d.thanks):to_equal(3)
  expect(d.thanks[1].message):to_equal("duty cover")
  expect(d.thanks[3].message):to_equal("reading group")
  expect(d.roles.aide):to_equal(1)
  expect(d.roles.principal):to_equal(2)
end)

test("a bad date is refused before the plugin runs", function()
  local r = run("digest", "--week-of", "next week")
  expect(r.status):to_equal(2)
end)
