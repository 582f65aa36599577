-- What equity reads: the period asked about, every practice's counts
-- (baton.leadership.collect), the groups' leads and chairs, and the staff
-- list. It reads only; spread.lua makes the figures.
local M = {}

local function fail(fmt, ...) error(fmt:format(...), 0) end

-- A group role that is not leadership: the mentoring cohorts' pools
-- (mentoring counts the mentees a mentor has), and plain membership.
local NOT_LEADERSHIP = { mentee = true, mentees = true, mentor = true, mentors = true, member = true }

--- The school year holding `date`: 1 September to 31 August, "2025-2026".
local function school_year(date)
  local y = tonumber(date:sub(1, 4))
  if date:sub(6, 10) < "09-01" then y = y - 1 end
  return { name = ("%d-%d"):format(y, y + 1), from = ("%d-09-01"):format(y), to = ("%d-08-31"):format(y + 1) }
end

--- The period a figure is for: the calendar's term named `name`, or a
--- school year "YYYY-YYYY"; without a name, the term holding `date`
--- (default today), else its school year (a school without a calendar).
function M.period(name, date)
  date = date or baton.today()
  if name then
    for _, t in ipairs(baton.terms.list() or {}) do
      if t.name == name then return { name = t.name, from = t.from, to = t.to } end
    end
    local a, b = name:match("^(%d%d%d%d)%-(%d%d%d%d)$")
    if a and tonumber(b) == tonumber(a) + 1 then return school_year(a .. "-09-01") end
    fail("--term: no term '%s' in the school calendar (see `baton terms list`); give a term's name "
      .. "or a school year such as %s", name, school_year(date).name)
  end
  local t = baton.terms.current(date)
  if t then return { name = t.name, from = t.from, to = t.to } end
  return school_year(date)
end

--- The period before `period`: the calendar's last term that ended
--- before it began, else the school year before.
function M.previous(period)
  local t = baton.terms.previous(period.from)
  if t and t.to < period.from then return { name = t.name, from = t.from, to = t.to } end
  return school_year(baton.date.add(period.from, -1))
end

--- Every leadership role the groups give: a member whose role_in_group
--- is set (lead, chair, a representative), one holding each.
function M.group_holdings()
  local out = {}
  for _, g in ipairs(baton.groups.list()) do
    for _, m in ipairs(baton.groups.members(g.name) or {}) do
      local r = (m.role_in_group or ""):lower():match("^%s*(.-)%s*$")
      if r ~= "" and not NOT_LEADERSHIP[r] then
        out[#out + 1] = { person = m.id, role = (g.kind and g.kind ~= "") and (g.kind .. " " .. r) or r,
          source = "groups", count = 1 }
      end
    end
  end
  return out
end

--- The practices' holdings for `period`, and what each practice said:
--- { plugin, label, role, by_term, held, error }. With by_term_only,
--- practices that count only "now" are left out (a past term).
function M.practice_holdings(period, by_term_only)
  local out, practices = {}, {}
  for _, e in ipairs(baton.leadership.collect { from = period.from, to = period.to }) do
    local p = { plugin = e.plugin, label = e.label, role = e.role, by_term = e.period ~= nil,
      held = 0, error = e.error }
    if not e.error and (e.period or not by_term_only) then
      for _, r in ipairs(e.roles) do
        out[#out + 1] = { person = r.person, role = r.role, source = e.plugin, count = r.count }
        p.held = p.held + r.count
      end
    end
    practices[#practices + 1] = p
  end
  return out, practices
end

--- The active staff list, as spread.picture wants it.
function M.people()
  local out = {}
  for _, p in ipairs(baton.people.find {}) do
    out[#out + 1] = { id = p.id, name = p.name, role = p.role, department = p.department }
  end
  return out
end

--- Every person's school (a district database: people.school, core
--- migration 7; '' is the one school of a single-school database).
function M.schools_of()
  local rows, err = baton.store.query("SELECT id, school FROM people")
  if not rows then fail("cannot read the people's schools: %s", tostring(err)) end
  local of = {}
  for _, r in ipairs(rows) do of[r.id] = r.school or "" end
  return of
end

--- The part of `all` (M.all) of one school: its people and the roles they
--- hold. `of` is M.schools_of().
function M.of_school(all, school, of)
  local people, holdings = {}, {}
  for _, p in ipairs(all.people) do
    if of[p.id] == school then people[#people + 1] = p end
  end
  local held = {}
  for _, h in ipairs(all.holdings) do
    if of[h.person] == school then
      holdings[#holdings + 1] = h
      held[h.source] = (held[h.source] or 0) + h.count
    end
  end
  -- each practice's count is the school's too, not the district's
  local practices = {}
  for i, p in ipairs(all.practices) do
    local q = {}
    for k, v in pairs(p) do q[k] = v end
    q.held = held[p.plugin] or 0
    practices[i] = q
  end
  return { period = all.period, people = people, holdings = holdings, practices = practices }
end

--- Everything for the period: { period, people, holdings, practices }.
--- A past period (by_term_only) counts only the practices that count by
--- term, and no groups (the store keeps only today's).
function M.all(period, by_term_only)
  local holdings, practices = M.practice_holdings(period, by_term_only)
  if not by_term_only then
    for _, h in ipairs(M.group_holdings()) do holdings[#holdings + 1] = h end
  end
  return { period = period, people = M.people(), holdings = holdings, practices = practices }
end

return M
