-- Shortcuts shared by the reflection tests (not a test file itself).
--
--   local h = require("tests.helpers")
local M = {}

M.terms = {
  { "Autumn 2026", "2026-09-01", "2026-12-18" },
  { "Spring 2027", "2027-01-05", "2027-03-26" },
}

--- A fresh database: the sample school (40 people: 20 teachers, 5 student
--- leaders, 5 support staff, 4 aides, 3 counsellors, 2 assistant
--- principals, 1 principal), its groups, a 'Whole staff' group, two terms.
function M.school()
  reset_db()
  load_people("../../samples/staff.csv")
  load_groups("../../samples/groups.csv")
  load_groups("tests/whole-staff.csv")
  set_terms(M.terms)
  set_today("2026-10-05")
end

--- The ids of the sample school's people with this role.
function M.ids(role)
  local out = {}
  for _, p in ipairs(baton.people.find { role = role }) do out[#out + 1] = p.id end
  return out
end

--- `reflect answer ROUND ID` scoring every statement 1..n with `score`
--- (a number, or a function of the statement's number); must succeed.
function M.answer(round, id, score, n, ...)
  local args = { "answer", tostring(round), id }
  for i = 1, n or 10 do
    args[#args + 1] = "--item"
    args[#args + 1] = ("%d=%d"):format(i, type(score) == "function" and score(i) or score)
  end
  for _, a in ipairs { ... } do args[#args + 1] = a end
  local r = run(table.unpack(args))
  if r.status ~= 0 then error(("answer %s %s failed: %s"):format(round, id, r.err), 2) end
  return r
end

--- Every person of these roles answers round `round` with `score`.
function M.answer_roles(round, roles, n)
  for role, score in pairs(roles) do
    for _, id in ipairs(M.ids(role)) do M.answer(round, id, score, n) end
  end
end

--- Every text an output of round `round` gives: results (text, JSON,
--- CSV), trends (text, JSON, CSV) of its group, and the page and both
--- routes, joined, to look for what must not be there.
function M.every_output(round, group)
  local csv1, csv2 = tmp_path("results.csv"), tmp_path("trends.csv")
  local parts = {}
  local function add(r)
    if r.status ~= 0 then error("a command failed: " .. r.err, 2) end
    parts[#parts + 1] = r.out
  end
  add(run("results", tostring(round), "--csv", csv1))
  add(run("results", tostring(round), "--json"))
  add(run("trends", "--group", group, "--csv", csv2))
  add(run("trends", "--group", group, "--json"))
  parts[#parts + 1] = assert(baton.fs.read(csv1))
  parts[#parts + 1] = assert(baton.fs.read(csv2))
  parts[#parts + 1] = baton.json.encode(plugin.routes.page { query = { round = tostring(round) }, params = {} })
  parts[#parts + 1] = baton.json.encode(plugin.routes.page { query = {}, params = {} })
  parts[#parts + 1] = baton.json.encode(plugin.routes.results { query = {}, params = { round = tostring(round) } })
  parts[#parts + 1] = baton.json.encode(plugin.routes.trends { query = { group = group }, params = {} })
  return table.concat(parts, "\n")
end

return M
