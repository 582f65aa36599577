-- A role can need an expertise tag from the expertise practice's map
-- (`--needs facilitator:expertise=formative assessment`, read through
-- `baton.plugin("expertise").map`): any level counts, or "@endorsed" /
-- "@evidenced" asks for that level or above; nobody holding it is the
-- rota's usual unfilled turn, and `rota why` says what the need asks and
-- what the holder holds.
local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }

local TERM = { "--from", "2026-09-01", "--to", "2026-09-30" } -- five Tuesdays

local function plan(...)
  local args = { "plan", "--group", "Maths PLC", "--min-gap", "0" }
  for _, a in ipairs(TERM) do args[#args + 1] = a end
  for _, a in ipairs { ... } do args[#args + 1] = a end
  return h.ok(table.unpack(args))
end

local function facilitators(p)
  local seen, list = {}, {}
  for _, m in ipairs(p.meetings) do
    local who = m.assignments.facilitator
    if who and not seen[who] then seen[who] = true; list[#list + 1] = who end
  end
  table.sort(list)
  return list
end

before_each(function()
  reset_db()
  h.school()
  local ex = baton.plugin("expertise")
  -- R03 declares it and R01 endorses it; R04 declares it under a synonym;
  -- R01 and R02 hold something else
  assert(ex.declare { person = "R03", tag = { "formative assessment" } })
  assert(ex.endorse { person = "R03", tag = "formative assessment", by = "R01" })
  assert(ex.declare { person = "R04", tag = { "AfL" } })
  assert(ex.declare { person = "R01", tag = { "questioning" } })
end)

test("any level counts: the role goes only to those who hold the tag, in any case or spacing", function()
  local p = plan("--needs", "facilitator:expertise=Formative  Assessment")
  expect(facilitators(p)):to_equal { "R03", "R04" }
  h.one_role_each(p)
  for _, m in ipairs(p.meetings) do expect(m.assignments.facilitator).never:to_be_nil() end
end)

test("@endorsed asks for endorsed or evidenced: the declared holder is left out", function()
  local p = plan("--needs", "facilitator:expertise=formative assessment@endorsed")
  expect(facilitators(p)):to_equal { "R03" }
  p = plan("--needs", "facilitator:expertise=formative assessment @ evidenced")
  expect(facilitators(p)):to_equal {}
end)

test("a need nobody in the group meets is the rota's unfilled turn, saying what it needs", function()
  local p = plan("--needs", "facilitator:expertise=oracy")
  expect(facilitators(p)):to_equal {}
  expect(p.unfilled[1].reason):to_equal("nobody in the group is eligible (needs expertise=oracy)")
end)

test("rota why says what the need asks and what the holder holds; the others why not", function()
  plan("--needs", "facilitator:expertise=formative assessment@endorsed", "--save")
  local w = h.ok("why", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator")
  expect(w.person):to_equal("R03")
  expect(w.need):to_equal("facilitator needs formative assessment (endorsed or above): held (endorsed)")
  local why_not = {}
  for _, o in ipairs(w.others) do why_not[o.person] = o.why_not end
  expect(why_not.R04):to_equal("R04 is only declared in formative assessment (needs endorsed or above)")
  expect(why_not.R01):to_equal("R01 is not on the expertise map for formative assessment")
  local text = run("why", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator").out
  expect(text):to_contain("  facilitator needs formative assessment (endorsed or above): held (endorsed)\n")
  -- a role with no expertise need says nothing of it
  w = h.ok("why", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "notetaker")
  expect(w.need):to_be_nil()
end)

test("a map changed after the plan: why says the holder no longer meets the need, and points to rota repair", function()
  plan("--needs", "facilitator:expertise=formative assessment@endorsed", "--save")
  assert(baton.plugin("expertise").endorse { person = "R04", tag = "formative assessment", by = "R01" })
  assert(baton.plugin("expertise").endorse { person = "R03", tag = "formative assessment", by = "R01",
                                             remove = true })
  local w = h.ok("why", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator")
  expect(w.need):to_contain("only declared in formative assessment")
  expect(w.need):to_contain("rota repair")
end)

test("the need is remembered for the group, and --needs ROLE:expertise= drops it", function()
  plan("--needs", "facilitator:expertise=oracy", "--save")
  local p = plan()
  expect(facilitators(p)):to_equal {}
  p = plan("--needs", "facilitator:expertise=")
  expect(#facilitators(p)):to_equal(4)
end)

test("swap, request, approve and repair check the need too (the map is read before their transaction)", function()
  set_today("2026-08-25")
  set_setting("approve_swaps", true)
  local p = plan("--needs", "facilitator:expertise=formative assessment", "--save")
  local first = p.meetings[1].assignments.facilitator
  local other = first == "R03" and "R04" or "R03"
  local r = run("swap", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator", "--to", "R02")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("cannot swap: R02 is not on the expertise map for formative assessment")
  -- the holder hands the turn to the other holder: a request, then approved
  local q = h.ok("request", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator", "--to", other,
    "--person", first)
  expect(q.status):to_equal("pending")
  h.ok("approve", tostring(q.request))
  local level = other == "R03" and "endorsed" or "declared"
  expect(h.ok("why", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator").need)
    :to_equal("facilitator needs formative assessment: held (" .. level .. ")")
  -- R04 takes the tag off the map: repair takes away each future facilitator turn of R04's
  assert(baton.plugin("expertise").declare { person = "R04", tag = { "formative assessment" }, remove = true })
  local fixed = h.ok("repair", "--group", "Maths PLC")
  expect(#fixed.changes > 0):to_be(true)
  for _, c in ipairs(fixed.changes) do
    expect(c.from):to_equal("R04")
    expect(c.why):to_equal("not on the expertise map for formative assessment")
  end
  for _, row in ipairs(h.ok("show", "--group", "Maths PLC")) do
    if row.role == "facilitator" then expect(row.person == "R03" or row.person == "(unfilled)"):to_be(true) end
  end
end)

test("the worked example of docs/practices/rotation.md, 'A role that needs expertise', is what baton prints", function()
  reset_db()
  h.sample()
  set_today("2026-08-25")
  local text = assert(baton.fs.read(fixture_path("../../docs/practices/rotation.md")))
  local section = assert(text:match("\n## A role that needs expertise\n(.-)\n## "), "no section")
  local blocks = {}
  for body in section:gmatch("```[%w]*\n(.-)```") do blocks[#blocks + 1] = body end
  local function lines(s)
    local out = {}
    for line in s:gmatch("(.-)\n") do if line ~= "..." then out[#out + 1] = (line:gsub("%s+$", "")) end end
    return out
  end
  local ex = baton.plugin("expertise")
  expect(blocks[1]):to_contain('baton expertise declare T006 AfL\nbaton expertise endorse T006 "formative assessment" --by T001\nbaton expertise declare T011 "formative assessment"\n')
  assert(ex.declare { person = "T006", tag = { "AfL" } })
  assert(ex.endorse { person = "T006", tag = "formative assessment", by = "T001" })
  assert(ex.declare { person = "T011", tag = { "formative assessment" } })
  expect(blocks[1]):to_contain('--from 2026-09-01 --to 2026-10-20 \\\n  --needs "facilitator:expertise=formative assessment@endorsed" --save')
  local r = run("plan", "--group", "Maths PLC", "--every", "tue", "--every-weeks", "2", "--from", "2026-09-01",
    "--to", "2026-10-20", "--needs", "facilitator:expertise=formative assessment@endorsed", "--save")
  local want = lines(blocks[2])
  expect({ table.unpack(lines(r.out), 1, #want) }):to_equal(want)
  local why = lines(blocks[3])
  expect(table.remove(why, 1)):to_equal(
    '$ baton --today 2026-08-25 rota why --group "Maths PLC" --date 2026-09-15 --role facilitator')
  r = run("why", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator")
  expect(lines(r.out)):to_equal(why)
end)
