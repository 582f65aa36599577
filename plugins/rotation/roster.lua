-- Who is in a group and what each may do: the scheduler's problem built
-- from baton's people and groups, the group's settings and the turns
-- already held (baton's event log). Reads the store; never writes it.

local calendar = require("calendar")
local store = require("store")

local M = {}

-- A group's members: those a group=NAME need reads (nil for no such
-- group); any other failure of the store (no memory, I/O) raises, saying
-- so, rather than passing for a missing group.
local function group_members(group)
  local list, err, code = baton.groups.members(group)
  if not list and code ~= "ENOTFOUND" then
    error(("cannot read the members of '%s': %s"):format(group, tostring(err)), 0)
  end
  return list
end

--- The group's name as baton spells it, for a name typed in another case
--- ("maths plc" for "Maths PLC"); raises, with the nearest name ("did you
--- mean"), when no group has that name.
---@param group string
---@return string
function M.group_name(group)
  if group_members(group) then return group end
  local known, lower = {}, {}
  for _, g in ipairs(baton.groups.list() or {}) do
    known[#known + 1] = g.name
    lower[#lower + 1] = g.name:lower()
    if g.name:lower() == group:lower() then return g.name end
  end
  local near = baton.suggest(group:lower(), lower)
  for i, l in ipairs(lower) do if l == near then near = known[i] end end
  error(("no group '%s'%s"):format(group, near and ("; did you mean '" .. near .. "'?")
    or (#known > 0 and ("; the groups are: " .. table.concat(known, ", ")) or "; import them first: baton groups import FILE")), 0)
end

--- The members of a group, for a plan; raises, naming the groups there
--- are, when there is no such group or it is empty.
---@param group string
---@return table[] members people as baton.groups.members returns them
function M.members(group)
  local list = group_members(group)
  if not list then
    local known = {}
    for _, g in ipairs(baton.groups.list() or {}) do known[#known + 1] = g.name end
    error(("no group '%s'%s"):format(group, #known > 0 and ("; the groups are: " .. table.concat(known, ", "))
      or "; import them first: baton groups import FILE"), 0)
  end
  if #list == 0 then error(("group '%s' has no members"):format(group), 0) end
  return list
end

-- Does person p meet "key=value"? An attribute, a core field, or the
-- special keys group (member of that group) and role_in_group.
local group_cache = {}
local function meets(p, key, value)
  if key == "group" then
    if not group_cache[value] then
      local set = {}
      for _, m in ipairs(group_members(value) or {}) do set[m.id] = true end
      group_cache[value] = set
    end
    return group_cache[value][p.id] == true
  end
  local v = p[key]
  if v == nil and p.attrs then v = p.attrs[key] end
  if type(v) == "table" then
    for _, x in ipairs(v) do if tostring(x):lower() == value:lower() then return true end end
    return false
  end
  return v ~= nil and tostring(v):lower() == value:lower()
end

-- An expertise need: "expertise=TAG" is met by anyone who holds TAG on
-- the expertise practice's map at any level (declared, endorsed or
-- evidenced); "expertise=TAG@endorsed" (or @evidenced) asks for that level
-- or above. Returns the tag and the lowest level that counts, or nil for
-- another need.
local LEVELS = { declared = 1, endorsed = 2, evidenced = 3 }
function M.expertise_need(need)
  local tag = need and need:match("^expertise=(.*)$")
  if not tag then return nil end
  local min = "declared"
  local t, l = tag:match("^(.-)%s*@%s*(%a+)%s*$")
  if t and LEVELS[l:lower()] then tag, min = t, l:lower() end
  tag = tag:lower():gsub("%s+", " "):match("^ ?(.-) ?$")
  return tag, min
end

-- Who holds what on the expertise map: held[person][tag] = level. Read
-- through the expertise plugin's own command (`baton expertise map`, as
-- mentoring reads it); a rota cannot honour a need it cannot check, so a
-- missing or broken plugin raises, saying what to do, rather than letting
-- everyone (or no one) through.
local function expertise_held(role, need)
  local function fail(why)
    error(("%s needs %s: %s, so the rota cannot check it. Install or repair the expertise plugin (baton "
      .. "plugins, baton doctor), or drop the need with --needs '%s:expertise='"):format(role, need, why, role), 0)
  end
  local found, ex = pcall(baton.plugin, "expertise")
  if not found then fail("the expertise map is not there (" .. tostring(ex) .. ")") end
  local ok, map, err = pcall(ex.map, {})
  if not ok or type(map) ~= "table" or type(map.strengths) ~= "table" then
    fail("the expertise map could not be read (" .. tostring(ok and (err or "not a map") or map) .. ")")
  end
  local held = {}
  for _, s in ipairs(map.strengths) do
    -- plain data from another plugin: only {person, tag, level} strings count
    if type(s) == "table" and type(s.person) == "string" and type(s.tag) == "string" and LEVELS[s.level] then
      held[s.person] = held[s.person] or {}
      held[s.person][s.tag] = s.level
    end
  end
  return held
end

-- The map read before a transaction (M.with_map): a plugin's command
-- cannot be called inside one, since baton.plugin waits for it.
local prefetched

--- Runs fn() with the expertise map already read, for code that builds
--- `group`'s problem inside a transaction (swap, request, approve,
--- repair). The map is read only when a saved need of the group asks for
--- expertise; otherwise fn runs as it is. Returns what fn returns.
---@param group string
---@param fn function
function M.with_map(group, fn)
  local settings, held = store.settings(group), nil
  local roles = {}
  for role in pairs(settings and settings.needs or {}) do roles[#roles + 1] = role end
  table.sort(roles) -- (the first role that needs it is named in an error)
  for _, role in ipairs(roles) do
    if M.expertise_need(settings.needs[role]) and not held then held = expertise_held(role, settings.needs[role]) end
  end
  if not held then return fn() end
  prefetched = held
  local res = table.pack(pcall(fn))
  prefetched = nil
  if not res[1] then error(res[2], 0) end
  return table.unpack(res, 2, res.n)
end

--- Whether person `id` meets an expertise need, as `held` (expertise_held)
--- says: true and the level held, or a sentence saying why not.
local function meets_expertise(held, id, tag, min)
  local level = held[id] and held[id][tag]
  if not level then return ("not on the expertise map for %s"):format(tag), nil end
  if LEVELS[level] < LEVELS[min] then
    return ("only %s in %s (needs %s or above)"):format(level, tag, min), level
  end
  return true, level
end

-- Absences by person, worked out once per list of absences.
local absences_by = setmetatable({}, { __mode = "k" })
local function absences_of(list, id)
  local idx = absences_by[list]
  if not idx or idx.n ~= #list then -- (repair adds to a list)
    idx = { n = #list, by = {} }
    for _, a in ipairs(list) do
      idx.by[a.person] = idx.by[a.person] or {}
      table.insert(idx.by[a.person], a)
    end
    absences_by[list] = idx
  end
  return idx.by[id]
end

--- The problem for the scheduler (scheduler/problem.lua), from a group's
--- members, settings and history. prob.index[id] is a person's number.
---@param settings table the group's settings (settings.lua)
---@param hist table past turns per person (M.history)
---@param members table[]
---@param unchecked? boolean for a caller that lists turns only: expertise needs are not read
---@return table prob
function M.problem(settings, hist, members, unchecked)
  local prob = { people = {}, roles = settings.roles, meetings = settings.meetings,
                 eligible = {}, away = {}, history = {}, history_total = {},
                 min_gap = settings.min_gap, needs = {} }
  for role, need in pairs(settings.needs or {}) do prob.needs[role] = need end
  -- the expertise map, read once for every expertise need of the group
  local held
  for _, role in ipairs(settings.roles) do
    local need = settings.needs and settings.needs[role]
    if M.expertise_need(need) and not held and not unchecked then held = prefetched or expertise_held(role, need) end
  end
  prob.expertise = {} -- expertise[p][r] = the level p holds for r's need, for rota why
  local index = {}
  for i, p in ipairs(members) do
    local fte = tonumber(p.attrs and p.attrs.fte) or 1
    if fte <= 0 then fte = 0.01 end
    prob.people[i] = { id = p.id, name = p.name or p.id, fte = fte, person = p }
    index[p.id] = i
    prob.eligible[i], prob.away[i], prob.history[i], prob.expertise[i] = {}, {}, {}, {}
    for r, role in ipairs(settings.roles) do
      local need = settings.needs and settings.needs[role]
      local tag, min = M.expertise_need(need)
      if tag and unchecked then
        prob.eligible[i][r] = "not checked against the expertise map here"
      elseif tag then
        prob.eligible[i][r], prob.expertise[i][r] = meets_expertise(held, p.id, tag, min)
      elseif need then
        local key, value = need:match("^([%w_]+)=(.*)$")
        prob.eligible[i][r] = meets(p, key, value) or ("not " .. need)
      else
        prob.eligible[i][r] = true
      end
    end
    local mine = absences_of(settings.absences or {}, p.id)
    local days = p.attrs and p.attrs.unavailable_days
    if mine or (days and days ~= "") then
      for t, date in ipairs(settings.meetings) do
        prob.away[i][t] = calendar.away(p, date, mine or {})
      end
    end
    local h = hist[p.id] or { roles = {}, total = 0 }
    for r, role in ipairs(settings.roles) do prob.history[i][r] = h.roles[role] or 0 end
    prob.history_total[i] = h.total
  end
  prob.index = index
  return prob
end

-- Past turns per person: hist[id] = { roles = { role = n }, total = n,
-- last = { role = date } }, leaving out the group's own slots from `from`
-- on (the plan being made replaces them). `list` is store.history(); it
-- is indexed by person once (list.by_person), so that planning many
-- groups reads each member's own turns only.
---@param group string
---@param from string the first day of the plan
---@param list table store.history()
---@param members table[]
---@return table<string, {roles: table<string, integer>, total: integer, last: table<string, string>}> hist
function M.history(group, from, list, members)
  local by = list.by_person
  if not by then
    by = {}
    for _, d in ipairs(list) do
      local l = by[d.person]
      if not l then l = {}; by[d.person] = l end
      l[#l + 1] = d
    end
    list.by_person = by
  end
  local hist = {}
  for _, m in ipairs(members) do
    for _, d in ipairs(by[m.id] or {}) do
      if not (d.group == group and d.date >= from) then
        local h = hist[d.person]
        if not h then h = { roles = {}, total = 0, last = {} }; hist[d.person] = h end
        h.roles[d.role] = (h.roles[d.role] or 0) + 1
        h.total = h.total + 1
        if d.date < from and (h.last[d.role] == nil or d.date > h.last[d.role]) then h.last[d.role] = d.date end
      end
    end
  end
  return hist
end

--- A group's saved plan as a scheduler problem and its rota. Raises when
--- the group has no saved plan, saying how to make one.
---@param group string
---@param new_absences? table[] absences to add to the saved ones (repair)
---@param hist_list? table store.history(), read once by a caller that reads many groups
---@param unchecked? boolean for a caller that lists turns only (M.problem)
---@return table settings the saved settings, with the new absences
---@return table prob the problem (M.problem)
---@return table assign the saved rota, assign[t][r] = p or false
---@return table slots store.slots(group)
---@return table hist past turns per person (M.history)
function M.saved(group, new_absences, hist_list, unchecked)
  store.migrate()
  local settings = store.settings(group)
  if not settings then
    error(("no saved rota for '%s': run baton rota plan --group \"%s\" ... --save first"):format(group, group), 0)
  end
  for _, a in ipairs(new_absences or {}) do
    settings.absences[#settings.absences + 1] = a
  end
  local slots = store.slots(group)
  local members = M.members(group)
  local hist = M.history(group, settings.from, hist_list or store.history(), members)
  local prob = M.problem(settings, hist, members, unchecked)
  local assign = {}
  for t, date in ipairs(settings.meetings) do
    assign[t] = {}
    for r, role in ipairs(settings.roles) do
      local s = slots[date] and slots[date][role]
      assign[t][r] = (s and s.person and prob.index[s.person]) or false
    end
  end
  return settings, prob, assign, slots, hist
end

return M
