-- The worked example of docs/practices/rotation.md prints what baton
-- prints today: the plan's table, counts and fairness, and `rota why`.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }

-- The fenced blocks of the guide's worked example, in order.
local function example_blocks()
  local text = assert(baton.fs.read(fixture_path("../../docs/practices/rotation.md")))
  local section = assert(text:match("\n## Worked example on the sample school\n(.-)\n## "), "no worked example")
  local blocks = {}
  for body in section:gmatch("```[%w]*\n(.-)```") do blocks[#blocks + 1] = body end
  return blocks
end

local function lines(s)
  local out = {}
  for line in (s:gsub("\n$", "") .. "\n"):gmatch("(.-)\n") do out[#out + 1] = (line:gsub("%s+$", "")) end
  return out
end

test("the worked example in docs/practices/rotation.md is what baton prints", function()
  h.sample()
  set_today("2026-08-25")
  local blocks = example_blocks()
  expect(#blocks >= 3):to_be(true)
  expect(blocks[1]):to_contain('rota plan --group "Wellbeing Committee"')
  local r = run("plan", "--group", "Wellbeing Committee", "--roles", "facilitator,notetaker,timekeeper",
    "--every", "tue", "--every-weeks", "2", "--from", "2026-09-01", "--to", "2026-12-18",
    "--holidays", h.fixture("closures.ics"), "--needs", "facilitator:trained_facilitator=yes", "--save")
  expect(r.status):to_equal(0)
  expect(lines(r.out)):to_equal(lines(blocks[2]))
  local why = lines(blocks[3])
  expect(why[1]):to_equal('$ baton rota why --group "Wellbeing Committee" --date 2026-09-15 --role facilitator')
  table.remove(why, 1)
  r = run("why", "--group", "Wellbeing Committee", "--date", "2026-09-15", "--role", "facilitator")
  expect(r.status):to_equal(0)
  expect(lines(r.out)):to_equal(why)
end)
