-- Bad input: every mistake gets a message that says what is valid.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

test("before any initiative exists, commands say how to start one", function()
  local r = run("status", "anything")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no change initiatives yet")
  expect(r.err):to_contain("baton change new")
  expect(run("list").out):to_contain("No change initiatives yet")
end)

test("an unknown initiative is an error listing the valid ones", function()
  h.ok("new", "Literacy across the curriculum")
  h.ok("new", "Attendance matters")
  local r = run("status", "numeracy")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("unknown initiative 'numeracy'")
  expect(r.err):to_contain("1 literacy-across-the-curriculum, 2 attendance-matters")
  r = run("step", "99", "1", "--status", "done")
  expect(r.err):to_contain("unknown initiative '99'")
  -- No staff list yet: the host checks person ids before the plugin runs,
  -- and the error says why.
  r = run("coalition", "1", "add", "P001")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("there are no people in the database yet; import the staff list first")
  r = run("report", "literacy-accross-curriculum")
  expect(r.err):to_contain("did you mean 'literacy-across-the-curriculum'?")
end)

test("an initiative is found by number, short name, title, or the start of its words", function()
  for _, name in ipairs({ "1", "#1", "literacy-across-the-curriculum", "Literacy across the curriculum",
    "LITERACY", "lit", "literacy curriculum" }) do
    expect(h.ok("status", name).slug):to_equal("literacy-across-the-curriculum")
  end
  expect(h.ok("status", "att").slug):to_equal("attendance-matters")
end)

test("a name that fits several initiatives lists them", function()
  h.ok("new", "Attendance at Hillcrest")
  local r = run("status", "attendance")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("could be any of: 2 attendance-matters, 3 attendance-at-hillcrest")
end)

test("the same title twice is refused; a similar one gets its own short name", function()
  local r = run("new", "literacy across the curriculum")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("there is already an initiative called 'Literacy across the curriculum'")
  expect(h.ok("new", "Literacy: across the curriculum!").slug):to_equal("literacy-across-the-curriculum-2")
end)

test("an unknown step is an error listing the valid names", function()
  local r = run("step", "1", "vison", "--status", "done")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("unknown step 'vison' (did you mean 'vision'?)")
  expect(r.err):to_contain("a number 1-8 or one of: urgency, coalition, vision, volunteers, barriers, wins, acceleration, institute")
  r = run("evidence", "1", "9", "text")
  expect(r.err):to_contain("there is no step 9")
  r = run("guide", "synergy")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("unknown step 'synergy'")
end)

test("steps are found by number, key, full name, other words and unique starts", function()
  local find = plugin.steps.find
  expect(find("6").n):to_equal(6)
  expect(find("step 6").n):to_equal(6)
  expect(find("wins").n):to_equal(6)
  expect(find("Generate short-term wins").n):to_equal(6)
  expect(find("short-term-wins").n):to_equal(6)
  expect(find("Enable action").n):to_equal(5)
  expect(find("vol").n):to_equal(4)
  expect(find("INSTITUTE").n):to_equal(8)
  expect((find("c"))):to_be_nil()
  expect((find("co"))):to_be_nil()
end)

test("a date in the wrong form is refused by the host before the plugin runs", function()
  local r = run("new", "Bad date", "--target", "30/06/2027")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("--target expects a date written YYYY-MM-DD")
  r = run("evidence", "1", "1", "x", "--date", "2027-02-30")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("got '2027-02-30'")
  r = run("step", "1", "1", "--due", "tomorrow")
  expect(r.status):to_equal(2)
  -- Nothing was created.
  expect(run("status", "bad-date").status):to_equal(1)
end)

test("a status that is not one of the four is refused by the host", function()
  local r = run("step", "1", "1", "--status", "finished")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("not_started")
end)

-- (of type person: the host's check, or else the plugin's, names the id)
test("an unknown owner or --by is an error naming the id", function()
  h.school()
  local r = run("step", "1", "1", "--owner", "T001", "--owner", "NOPE1")
  expect(r.status ~= 0):to_be(true)
  expect(r.err):to_match("person[^']*'NOPE1'")
  r = run("evidence", "1", "1", "x", "--by", "WHO")
  expect(r.err):to_match("person[^']*'WHO'")
end)

test("an empty title is refused", function()
  local r = run("new", "  ")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("needs a title")
end)

