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
