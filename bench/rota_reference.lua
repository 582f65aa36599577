-- bench/rota_reference.lua: the reference of bench/rota.sh, run in the same
-- benchmark: the plain round-robin rota of spreadsheets and chat bots over
-- the same district (each group's members read the same way, roles handed
-- out in turn, no eligibility, fairness or calendar), printed as the same
-- JSON shape with --json. The ratio exact / round-robin says what the fair,
-- exact rota costs beyond reading the roster and writing the plan.
--
--   baton --db DB --json run bench/rota_reference.lua GROUPS MEETINGS ROLE,ROLE,...
local args = { ... }
local ngroups, nmeetings = tonumber(args[1]) or 500, tonumber(args[2]) or 40
local roles = {}
for r in (args[3] or "facilitator,notetaker,timekeeper,chair"):gmatch("[^,]+") do roles[#roles + 1] = r end
local dates = {}
for t = 1, nmeetings do dates[t] = baton.date.add("2026-09-01", 7 * (t - 1)) end
local out = {}
for g = 1, ngroups do
  local name = ("G%03d"):format(g)
  local members = assert(baton.groups.members(name))
  local meetings, counts, k = {}, {}, 0
  for _, m in ipairs(members) do
    local c = {}
    for _, role in ipairs(roles) do c[role] = 0 end
    counts[m.id] = c
  end
  for t = 1, nmeetings do
    local a = {}
    for _, role in ipairs(roles) do
      local m = members[k % #members + 1]
      k = k + 1
      a[role] = m.id
      counts[m.id][role] = counts[m.id][role] + 1
    end
    meetings[t] = { date = dates[t], assignments = a }
  end
  out[g] = { group = name, meetings = meetings, counts = counts, unfilled = {} }
end
baton.output({ groups = out }, function() baton.print(("%d groups"):format(#out)) end)
