-- The rota page of the dashboard (`baton serve`), as the blocks the
-- dashboard draws (docs/plugins.md, "Pages, forms and access"): for each
-- group, the meetings to come with who holds which role (today and the
-- next meeting marked),
-- and each person's turns of the term set against the fairness bound.
-- Pure: it gets the saved rota and neither reads the store nor prints.
--
-- Everyone signed in may read the page: it holds who holds which turn,
-- which a rota is for, and never a calendar feed's secret address nor an
-- absence's reason.

local M = {}

local WEEKDAY = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }

local function who(id, name)
  return (name and name ~= "") and (id .. " " .. name) or id
end

--- "today", "tomorrow", "in 6 days".
local function when(date, today)
  local d = baton.date.diff(today, date)
  return d == 0 and "today" or d == 1 and "tomorrow" or ("in %d days"):format(d)
end

-- The table of a group's meetings from today on.
local function upcoming(g, today)
  local columns = { { key = "when", label = "When" }, { key = "date", label = "Meeting" } }
  for r, role in ipairs(g.roles) do columns[#columns + 1] = { key = "r" .. r, label = role } end
  local rows, past = {}, 0
  for _, date in ipairs(g.meetings) do
    if date < today then
      past = past + 1
    else
      -- the first meeting to come is marked as the next one
      local row = { when = when(date, today) .. (#rows == 0 and " · next meeting" or ""),
        date = WEEKDAY[baton.date.weekday(date)] .. " " .. date }
      for r, role in ipairs(g.roles) do
        local id = g.slots[date] and g.slots[date][role]
        row["r" .. r] = id and who(id, g.names[id]) or "(unfilled)"
      end
      rows[#rows + 1] = row
    end
  end
  local caption = ("Today is %s %s. "):format(WEEKDAY[baton.date.weekday(today)], today)
    .. (#rows == 0 and "Every meeting of this rota is past: plan the next term."
    or ("Who holds each role at the meetings to come, the next one marked%s."):format(past > 0
      and ("; %d past meeting%s not shown (`baton rota show --group \"%s\"` lists them)"):format(past,
        past == 1 and "" or "s", g.group) or ""))
  return { view = "table", title = g.group, caption = caption, columns = columns, rows = rows }
end

-- Each member's turns of the term, per role, with the fairness bound.
local function turns(g)
  local series = {}
  for r, role in ipairs(g.roles) do series[r] = { key = "r" .. r, label = role } end
  local rows = {}
  for _, m in ipairs(g.members) do
    local values = {}
    for r, role in ipairs(g.roles) do values["r" .. r] = g.counts[m.id] and g.counts[m.id][role] or 0 end
    rows[#rows + 1] = { label = who(m.id, m.name), values = values }
  end
  local f = g.fairness
  local caption = f.bound <= 1
    and ("Turns this term. Fairness bound %d met: per role and in total, people with the same availability, "
      .. "eligibility and FTE differ by at most 1 turn, earlier terms counted."):format(f.bound)
    or ("Turns this term. Fairness bound %d, not 1: people with the same availability, eligibility and FTE "
      .. "differ by up to %d turns, earlier terms counted (%s)."):format(f.bound, f.bound, f.why or "see rota plan")
  return { view = "bars", title = g.group .. ": turns per person", caption = caption, unit = "turns",
    series = series, rows = rows }
end

--- The page's blocks.
---@param groups table[] each {group, roles, meetings, slots = slots[date][role] = id, names = names[id],
---  members = {{id, name}}, counts = counts[id][role], fairness = {bound, why?}}, sorted by group
---@param today string
---@return {blocks: table[]}
function M.blocks(groups, today)
  local blocks = {}
  if #groups == 0 then
    blocks[1] = { view = "text", title = "No saved rota",
      text = "Plan a term for a group (the plan form below, or `baton rota plan --group NAME ... --save`); "
        .. "its meetings and who holds each role then show here." }
  end
  for _, g in ipairs(groups) do
    blocks[#blocks + 1] = upcoming(g, today)
    blocks[#blocks + 1] = turns(g)
  end
  blocks[#blocks + 1] = { view = "commands",
    commands = { "mine", "request", "plan", "swap", "repair", "requests", "approve", "decline" } }
  return { blocks = blocks }
end

--- What the practice counts as leadership: the turns each person has
--- taken, at meetings up to today, in every group and term (the newest
--- assignment of each turn, so a swapped turn counts once, for whoever
--- took it). Future turns are not counted: they are not held yet.
---@param taken {person: string, count: integer}[] store.turns_taken(today)
---@return {label: string, roles: {person: string, count: integer}[]}
function M.leadership(taken)
  return { label = "rota turns taken (meetings up to today)", roles = taken }
end

return M
