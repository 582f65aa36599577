-- Who holds what, and how strongly: the ranking behind "who can help with
-- X", the pockets and the gaps. Pure: it gets what the store holds
-- (store.everything) and returns plain tables; it neither reads the store
-- nor prints.
--
-- How strongly a person holds a tag is one of three levels, each above the
-- one before whatever the counts:
--   declared   they say so themselves                         (level 1)
--   endorsed   at least one colleague says so                 (level 2)
--   evidenced  a practice recorded them doing it (a coaching  (level 3)
--              cycle, an inquiry cycle, a mentoring pair)
-- Within a level, more evidence comes first, then more endorsements, then
-- having declared it, then the id (so the order never depends on chance).
local M = {}

M.LEVELS = { "declared", "endorsed", "evidenced" }

local function holder(by, id, tag)
  by[tag] = by[tag] or {}
  local h = by[tag][id]
  if not h then
    h = { person = id, tag = tag, declared = false, endorsers = {}, evidence = {} }
    by[tag][id] = h
  end
  return h
end

local function level(h)
  if #h.evidence > 0 then return 3 end
  if #h.endorsers > 0 then return 2 end
  return 1
end

local function plural(n, one, many) return ("%d %s"):format(n, n == 1 and one or many) end

--- Why a holder ranks where they do, in a coordinator's words:
--- "evidenced: 2 (coached a colleague; led an inquiry cycle), endorsed by
--- T002, T005, declared".
function M.explain(h)
  local parts = {}
  if #h.evidence > 0 then
    local what = {}
    for k, e in ipairs(h.evidence) do
      if k > 3 then what[#what + 1] = "..." break end
      what[#what + 1] = e.what
    end
    parts[#parts + 1] = ("evidenced: %d (%s)"):format(#h.evidence, table.concat(what, "; "))
  end
  if #h.endorsers > 0 then parts[#parts + 1] = "endorsed by " .. table.concat(h.endorsers, ", ") end
  if h.declared then parts[#parts + 1] = "declared" end
  return table.concat(parts, ", ")
end

local function before(a, b)
  if a.rank ~= b.rank then return a.rank > b.rank end
  if #a.evidence ~= #b.evidence then return #a.evidence > #b.evidence end
  if #a.endorsers ~= #b.endorsers then return #a.endorsers > #b.endorsers end
  if a.declared ~= b.declared then return a.declared end
  return a.person < b.person
end

--- Every tag held by an active person: {[tag] = {holder, ...}} ranked
--- best first, each holder {person, name, role, campus, tag, level,
--- rank, declared, endorsers = {ids}, evidence = {{what, plugin, at}},
--- why}.
function M.tags(all)
  local by = {}
  for _, c in ipairs(all.strengths) do
    if all.people[c.person_id] then holder(by, c.person_id, c.tag).declared = true end
  end
  for _, e in ipairs(all.endorsements) do
    -- An endorsement by someone who has left still counts: it was given.
    if all.people[e.person_id] then table.insert(holder(by, e.person_id, e.tag).endorsers, e.by_id) end
  end
  for _, e in ipairs(all.evidence) do
    if all.people[e.person_id] then
      table.insert(holder(by, e.person_id, e.tag).evidence, { what = e.what, plugin = e.plugin, at = e.at })
    end
  end
  local out = {}
  for tag, people in pairs(by) do
    local list = {}
    for id, h in pairs(people) do
      local p = all.people[id]
      h.name, h.role, h.campus = p.name, p.role, p.campus
      h.rank = level(h)
      h.level = M.LEVELS[h.rank]
      h.why = M.explain(h)
      list[#list + 1] = h
    end
    table.sort(list, before)
    out[tag] = list
  end
  return out
end

--- How the holders spread: {roles = {{role, n}}, campuses = {{campus, n}}},
--- most first, and the best holder on each campus and in each role.
function M.spread(holders)
  local function count(field)
    local n, best, order = {}, {}, {}
    for _, h in ipairs(holders) do
      local k = h[field] or ("(no " .. field .. ")")
      if not n[k] then
        n[k] = 0
        best[k] = h.person -- holders come ranked: the first seen is the best
        order[#order + 1] = k
      end
      n[k] = n[k] + 1
    end
    local list = {}
    for _, k in ipairs(order) do list[#list + 1] = { [field] = k, n = n[k], best = best[k] } end
    table.sort(list, function(a, b)
      if a.n ~= b.n then return a.n > b.n end
      return a[field] < b[field]
    end)
    return list
  end
  return { roles = count("role"), campuses = count("campus") }
end

--- The spread in words: "teacher 3, aide 1; Riverside 3, Hillcrest 1".
function M.spread_text(s)
  local r, c = {}, {}
  for _, x in ipairs(s.roles) do r[#r + 1] = ("%s %d"):format(x.role, x.n) end
  for _, x in ipairs(s.campuses) do c[#c + 1] = ("%s %d"):format(x.campus, x.n) end
  return table.concat(r, ", ") .. "; " .. table.concat(c, ", ")
end

--- Who wants to grow in each tag: {[tag] = {ids}}.
function M.wanted(all)
  local w = {}
  for _, c in ipairs(all.wants) do
    if all.people[c.person_id] then
      w[c.tag] = w[c.tag] or {}
      table.insert(w[c.tag], c.person_id)
    end
  end
  return w
end

--- The pockets: tags held by exactly one active person (if they leave,
--- the school loses it), with how many want to grow in it; most wanted
--- first, then by tag.
function M.pockets(all, tags)
  tags = tags or M.tags(all)
  local wanted = M.wanted(all)
  local out = {}
  for tag, holders in pairs(tags) do
    if #holders == 1 then
      local h = holders[1]
      out[#out + 1] = { tag = tag, person = h.person, name = h.name, role = h.role, campus = h.campus,
        level = h.level, wanted_by = #(wanted[tag] or {}) }
    end
  end
  table.sort(out, function(a, b)
    if a.wanted_by ~= b.wanted_by then return a.wanted_by > b.wanted_by end
    return a.tag < b.tag
  end)
  return out
end

--- The school's needs against the map: each need with its holders'
--- count and the state "nobody" (a gap), "one person" (a pocket: at
--- risk) or "held"; gaps first.
function M.gaps(all, needs, tags)
  tags = tags or M.tags(all)
  local wanted = M.wanted(all)
  local order = { nobody = 1, ["one person"] = 2, held = 3 }
  local out = {}
  for _, n in ipairs(needs) do
    local holders = tags[n.tag] or {}
    local best = holders[1]
    out[#out + 1] = { tag = n.tag, school = (n.school or "") ~= "" and n.school or nil, why = n.why, initiative = n.initiative, holders = #holders,
      state = #holders == 0 and "nobody" or (#holders == 1 and "one person" or "held"),
      best = best and best.person or nil, best_level = best and best.level or nil,
      wanted_by = #(wanted[n.tag] or {}) }
  end
  table.sort(out, function(a, b)
    if order[a.state] ~= order[b.state] then return order[a.state] < order[b.state] end
    if a.tag ~= b.tag then return a.tag < b.tag end
    return (a.school or "") < (b.school or "")
  end)
  return out
end

M.plural = plural

return M
