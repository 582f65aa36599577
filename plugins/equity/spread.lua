-- How leadership is spread: the figures, from plain data. No store, no
-- printing: gather.lua reads, init.lua and page.lua show.
--
-- A holding is { person = ID, role = "mentor", source = "mentoring",
-- count = 2 }: one person holds one role, `count` times, as one practice
-- or the groups count it. The population is the active staff list: a
-- person who holds nothing is in it with 0, which is the point.
local M = {}

--- The concentration index: the Gini coefficient of the people's totals,
---   G = sum over every ordered pair (i, j) of |x_i - x_j| / (2 * n^2 * mean)
--- i.e. the mean difference between two people, over twice the mean. 0
--- when everyone holds the same, (n - 1) / n when one person holds all;
--- 0 when nobody holds anything. Computed on the sorted totals as
---   G = (2 * sum_i i * x_(i)) / (n * sum x) - (n + 1) / n   (i = 1..n, ascending)
--- which is the same number without the n^2 pairs.
function M.gini(values)
  local n, sum = #values, 0
  if n == 0 then return 0 end
  local x = {}
  for i, v in ipairs(values) do x[i] = v; sum = sum + v end
  if sum == 0 then return 0 end
  table.sort(x)
  local weighted = 0
  for i, v in ipairs(x) do weighted = weighted + i * v end
  return 2 * weighted / (n * sum) - (n + 1) / n
end

--- The share of everything held that the top `fraction` of people hold:
--- the ceil(fraction * n) people with the largest totals (at least one).
--- Returns the share (0 when nobody holds anything) and how many people
--- that top is.
function M.top_share(values, fraction)
  local n = #values
  if n == 0 then return 0, 0 end
  local x, sum = {}, 0
  for i, v in ipairs(values) do x[i] = v; sum = sum + v end
  table.sort(x, function(a, b) return a > b end)
  local k = math.max(1, math.ceil(fraction * n - 1e-9))
  local top = 0
  for i = 1, k do top = top + x[i] end
  return sum > 0 and top / sum or 0, k
end

local function round(x, places)
  local m = 10 ^ (places or 2)
  return math.floor(x * m + 0.5) / m
end
M.round = round

--- The whole picture of `people` (the active staff list) holding
--- `holdings`. Holdings of someone not in the list are left out and
--- counted in `outside`.
---@return table picture { figures, people, roles, departments, outside }
function M.picture(people, holdings)
  local by_id, list = {}, {}
  for _, p in ipairs(people) do
    local row = { id = p.id, name = p.name, role = p.role or "", department = p.department or "",
      total = 0, roles = {} }
    by_id[p.id] = row
    list[#list + 1] = row
  end
  local roles, role_list, outside, total = {}, {}, 0, 0
  for _, h in ipairs(holdings) do
    local row = by_id[h.person]
    if row == nil then
      outside = outside + h.count
    elseif h.count > 0 then
      row.total = row.total + h.count
      row.roles[h.role] = (row.roles[h.role] or 0) + h.count
      total = total + h.count
      local r = roles[h.role]
      if r == nil then
        r = { role = h.role, source = h.source, held = 0, holders = 0, seen = {} }
        roles[h.role] = r
        role_list[#role_list + 1] = r
      end
      r.held = r.held + h.count
      if not r.seen[h.person] then r.seen[h.person] = true; r.holders = r.holders + 1 end
    end
  end
  for _, r in ipairs(role_list) do
    r.seen = nil
    r.share = total > 0 and round(r.held / total, 4) or 0
  end
  table.sort(role_list, function(a, b)
    if a.held ~= b.held then return a.held > b.held end
    return a.role < b.role
  end)

  local depts, dept_list, totals, none = {}, {}, {}, {}
  for _, row in ipairs(list) do
    totals[#totals + 1] = row.total
    if row.total == 0 then none[#none + 1] = row end
    local key = row.department ~= "" and row.department or "(none)"
    local d = depts[key]
    if d == nil then
      d = { department = key, people = 0, holders = 0, held = 0 }
      depts[key] = d
      dept_list[#dept_list + 1] = d
    end
    d.people = d.people + 1
    d.held = d.held + row.total
    if row.total > 0 then d.holders = d.holders + 1 end
  end
  for _, d in ipairs(dept_list) do
    d.share_of_people = #list > 0 and round(d.people / #list, 4) or 0
    d.share_held = total > 0 and round(d.held / total, 4) or 0
    d.per_person = d.people > 0 and round(d.held / d.people, 2) or 0
  end
  table.sort(dept_list, function(a, b)
    if a.per_person ~= b.per_person then return a.per_person > b.per_person end
    return a.department < b.department
  end)
  table.sort(list, function(a, b)
    if a.total ~= b.total then return a.total > b.total end
    return a.id < b.id
  end)
  table.sort(none, function(a, b) return a.id < b.id end)

  local share, top_n = M.top_share(totals, 0.1)
  return {
    figures = {
      people = #list,
      holders = #list - #none,
      none = #none,
      held = total,
      top_people = top_n,
      top_share = round(share, 4),
      gini = round(M.gini(totals), 4),
    },
    people = list,
    none = none,
    roles = role_list,
    departments = dept_list,
    outside = outside,
  }
end

return M
