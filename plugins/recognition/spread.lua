-- How far the thanks reach: the period they are counted over (a term of
-- the school calendar), the spread across staff roles, the coordinator's
-- quiet nudges, and the leadership counts the equity picture reads.
-- Everything here counts public thanks only (store.public): a hidden
-- message counts nowhere but in the coordinator's history.
local store = require("store")

local M = {}

local function fail(fmt, ...) error(fmt:format(...), 0) end

-- Without a school calendar the spread looks back this many days.
M.FALLBACK_DAYS = 91

--- The period to count: {from, to, name}. `opts.from`/`opts.to` (dates)
--- win; else `opts.term` (a term's name); else the term holding today;
--- between terms the last one ended; with no calendar at all, the last 13
--- weeks.
function M.period(opts)
  opts = opts or {}
  local today = baton.today()
  if opts.from or opts.to then
    if not opts.from then fail("--to %s needs --from: give the first day too", opts.to) end
    local to = opts.to or today
    if opts.from > to then fail("--from %s is after --to %s", opts.from, to) end
    return { from = opts.from, to = to, name = opts.from .. " to " .. to }
  end
  local terms = baton.terms.list() or {}
  if opts.term then
    local names = {}
    for _, t in ipairs(terms) do
      if t.name == opts.term then return { from = t.from, to = t.to, name = t.name, term = t.name } end
      names[#names + 1] = t.name
    end
    if #names == 0 then
      fail("--term %s: the school calendar has no terms; import it with `baton terms import FILE`, or give --from and --to",
        opts.term)
    end
    fail("--term: no term '%s' in the school calendar; its terms are %s", opts.term, table.concat(names, ", "))
  end
  local t = baton.terms.current(today)
  if not t then
    for _, each in ipairs(terms) do
      if each.to < today then t = each end
    end
  end
  if t then return { from = t.from, to = t.to, name = t.name, term = t.name } end
  local from = baton.date.add(today, 1 - M.FALLBACK_DAYS)
  return { from = from, to = today, name = ("the last 13 weeks (%s to %s; no term in the school calendar)"):format(from, today) }
end

local function role_of(p) return p and p.role and p.role ~= "" and p.role or "(no role)" end

--- Who has been thanked in `period`, by staff role: per role the people in
--- it (active now), how many of them were thanked, who, and the thanks
--- they received and gave.
function M.spread(period)
  local thanks = store.public(period.from, period.to)
  local people = baton.people.find {}
  local by_role, order = {}, {}
  local function role(name)
    if not by_role[name] then
      by_role[name] = { role = name, people = 0, thanked = 0, received = 0, given = 0, names = {}, seen = {} }
      order[#order + 1] = name
    end
    return by_role[name]
  end
  local person = {}
  for _, p in ipairs(people) do
    person[p.id] = p
    role(role_of(p)).people = role(role_of(p)).people + 1
  end
  local ids = {}
  for _, t in ipairs(thanks) do
    ids[#ids + 1] = t.from_id
    ids[#ids + 1] = t.to_id
  end
  -- someone thanked who has left since still counts, under their role
  local everyone = baton.people.get_many(ids) or {}
  local givers, thanked = {}, {}
  for _, t in ipairs(thanks) do
    local to = role(role_of(everyone[t.to_id]))
    to.received = to.received + 1
    if not to.seen[t.to_id] then
      to.seen[t.to_id] = true
      to.thanked = to.thanked + 1
      local p = everyone[t.to_id]
      to.names[#to.names + 1] = { id = t.to_id, name = p and p.name or t.to_id }
    end
    local from = role(role_of(everyone[t.from_id]))
    from.given = from.given + 1
    givers[t.from_id], thanked[t.to_id] = true, true
  end
  table.sort(order)
  local roles, reached = {}, 0
  for _, name in ipairs(order) do
    local r = by_role[name]
    r.seen = nil
    table.sort(r.names, function(a, b) return a.name < b.name end)
    if r.thanked > 0 then reached = reached + 1 end
    roles[#roles + 1] = r
  end
  local function count(set)
    local n = 0
    for _ in pairs(set) do n = n + 1 end
    return n
  end
  return { period = period, thanks = #thanks, thanked = count(thanked), thanking = count(givers),
    roles_reached = reached, roles = roles }
end

--- The coordinator's nudges: active people not thanked (publicly) for
--- `weeks` weeks or more, or never, leaving out those who started within
--- that time; never thanked first, then the longest quiet.
function M.nudges(weeks)
  local today = baton.today()
  local since = baton.date.add(today, -7 * weeks)
  local last = store.last_thanked(today)
  local rows = {}
  for _, p in ipairs(baton.people.find {}) do
    local l = last[p.id]
    local new = p.start_date and p.start_date > since
    if not new and (not l or l <= since) then
      rows[#rows + 1] = { id = p.id, name = p.name, role = role_of(p), last = l,
        weeks = l and baton.date.diff(l, today) // 7 or nil }
    end
  end
  table.sort(rows, function(a, b)
    if (a.last == nil) ~= (b.last == nil) then return a.last == nil end
    if a.last ~= b.last then return a.last < b.last end
    return a.id < b.id
  end)
  return { weeks = weeks, since = since, quiet = rows }
end

--- The leadership contract (docs/plugins.md, "Pages, forms and access"):
--- per person, the thanks they gave ("thanked a colleague") and received
--- ("was thanked") in the period, most first.
function M.leadership(period)
  local given, received = {}, {}
  for _, t in ipairs(store.public(period and period.from, period and period.to)) do
    given[t.from_id] = (given[t.from_id] or 0) + 1
    received[t.to_id] = (received[t.to_id] or 0) + 1
  end
  local roles = {}
  local function add(counts, role)
    local list = {}
    for id, n in pairs(counts) do list[#list + 1] = { person = id, count = n, role = role } end
    table.sort(list, function(a, b) return a.count > b.count or (a.count == b.count and a.person < b.person) end)
    table.move(list, 1, #list, #roles + 1, roles)
  end
  add(given, "thanked a colleague")
  add(received, "was thanked")
  return { label = "thanks given and received", role = "recognition", roles = roles,
    period = period and { from = period.from, to = period.to } or nil }
end

return M
