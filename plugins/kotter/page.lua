-- The change page of the dashboard (`baton serve`), as the blocks the
-- dashboard draws (docs/plugins.md, "Pages, forms and access"): each
-- initiative's eight steps with their status, owners (with their roles)
-- and what is due, its guiding coalition and its spread across roles, its
-- warnings, and the evidence recorded. Pure: it gets
-- the initiatives' standing (init.lua's `standing`) and the owners'
-- people, and neither reads the store nor prints.
--
-- Everyone signed in may read it: it carries what the shareable report
-- carries, and not the commands a warning suggests (the coordinator's,
-- shown by `change status`).

local report = require("report")
local steps = require("steps")

local M = {}

-- A kotter status as the dashboard's steps view names it; an in-progress
-- step with a warning on it (no evidence for weeks, no wins, overdue) is
-- drawn as stalled.
local STALLED = { stale = true, no_wins = true, overdue = true }
local function status_of(s, warned)
  if s.status == "in_progress" then return warned and "stalled" or "in-progress" end
  return (s.status:gsub("_", "-"))
end

--- s cut to n characters, with "…" when cut (init.lua's texts use it too).
function M.shorten(s, n)
  s = tostring(s or "")
  if (utf8.len(s) or #s) <= n then return s end
  return s:sub(1, utf8.offset(s, n) - 1):gsub("%s+$", "") .. "…"
end

-- An owner as `change status` names them, with their role: "Sam Rivera
-- (aide)"; the id where the person is not in the staff list.
local function person(id, people)
  local p = people[id]
  if not p then return id end
  return ("%s%s"):format(p.name or id, p.role and (" (" .. p.role .. ")") or "")
end

-- An initiative's guiding coalition: who is in it (with role, department
-- and campus), and its spread across the school's roles as bars.
local function coalition(st)
  local c = st.coalition
  if not c or #(c.members or {}) == 0 then return {} end
  local rows = {}
  for i, p in ipairs(c.members) do
    rows[i] = { name = p.name or p.id, role = p.role or "", department = p.department or "", campus = p.campus or "" }
  end
  table.sort(rows, function(a, b) return a.role < b.role or (a.role == b.role and a.name < b.name) end)
  local counts, bars = {}, {}
  for _, r in ipairs(rows) do counts[r.role] = (counts[r.role] or 0) + 1 end
  for _, role in ipairs(c.roles or {}) do bars[#bars + 1] = { label = role, values = { people = counts[role] or 0 } } end
  for _, role in ipairs(c.roles_absent or {}) do bars[#bars + 1] = { label = role, values = { people = 0 } } end
  local absent = #(c.roles_absent or {}) > 0 and ("; no one yet from: " .. table.concat(c.roles_absent, ", ")) or
    "; every role of the school is in it"
  return {
    { view = "bars", title = st.title .. ": the coalition's spread across roles", unit = "people",
      caption = "The guiding coalition: " .. c.summary .. absent .. ".",
      series = { { key = "people", label = "people in the coalition" } }, rows = bars },
    { view = "table", title = st.title .. ": the guiding coalition", caption = "Who leads the change, from every level.",
      columns = { { key = "name", label = "Name" }, { key = "role", label = "Role" },
        { key = "department", label = "Department" }, { key = "campus", label = "Campus" } }, rows = rows },
  }
end

-- One initiative as an item of the steps view.
local function item(st, people)
  local warned = {}
  for _, w in ipairs(st.warnings) do
    if w.step and STALLED[w.rule] then warned[w.step] = true end
  end
  local list = {}
  for _, s in ipairs(st.steps) do
    local owners = {}
    for i, id in ipairs(s.owners) do owners[i] = person(id, people) end
    local note = {}
    if s.due then note[#note + 1] = "due " .. s.due end
    if s.last_evidence then
      note[#note + 1] = ("last evidence %s: %s"):format(s.last_evidence.date, M.shorten(s.last_evidence.text, 60))
    end
    if s.health ~= "ok" and s.health ~= "-" then note[#note + 1] = s.health end
    list[#list + 1] = { name = ("%d. %s"):format(s.step, steps.list[s.step].name), status = status_of(s, warned[s.step]),
      owners = owners, note = #note > 0 and table.concat(note, " · ") or nil }
  end
  return {
    title = st.title,
    subtitle = ("#%d %s · %s mode · %d of 8 steps done%s · coalition: %s"):format(st.id, st.slug, st.mode, st.done,
      st.target and (" · target " .. st.target) or "", st.coalition.summary),
    steps = list,
  }
end

--- The page's blocks.
---@param all table[] each initiative's standing, with its evidence
---@param people table<string, table> the owners and the evidence's authors, by id
---@return {blocks: table[]}
function M.blocks(all, people)
  local done, warnings, evidence = 0, {}, {}
  local items = {}
  for _, st in ipairs(all) do
    done = done + st.done
    items[#items + 1] = item(st, people)
    for _, w in ipairs(st.warnings) do
      warnings[#warnings + 1] = { initiative = st.title, step = w.step and steps.list[w.step].short or "",
        warning = w.message }
    end
    for _, e in ipairs(st.evidence) do
      evidence[#evidence + 1] = { date = e.date, initiative = st.title,
        step = ("%d %s"):format(e.step, steps.list[e.step].short), evidence = e.text,
        -- anyone may record evidence: only a web or mail address is offered as a link
        link = report.safe_link(e.link) or (e.link and "(not a web address)") }
    end
  end
  table.sort(evidence, function(a, b) return a.date > b.date end)
  local blocks = {
    { view = "stats", items = {
      { label = "change initiatives", value = #all },
      { label = "steps done", value = done, note = ("of %d"):format(8 * #all) },
      { label = "warnings", value = #warnings, note = #warnings > 0 and "see below" or "none" },
      { label = "pieces of evidence", value = #evidence },
    } },
  }
  if #all == 0 then
    blocks[#blocks + 1] = { view = "text", title = "No change initiative yet",
      text = "Start one (`baton change new TITLE`, or the coordinator's form); then set each step's owners "
        .. "and status, and record evidence as the change goes." }
  else
    blocks[#blocks + 1] = { view = "steps", title = "Kotter's 8 steps",
      caption = "Each step's status, its owners and what is due; a step in progress with a warning is stalled.",
      items = items }
  end
  for _, st in ipairs(all) do
    for _, b in ipairs(coalition(st)) do blocks[#blocks + 1] = b end
  end
  if #warnings > 0 then
    blocks[#blocks + 1] = { view = "table", title = "Warnings", caption = "Where a change is losing momentum.",
      columns = { { key = "initiative", label = "Initiative" }, { key = "step", label = "Step" },
        { key = "warning", label = "Warning" } }, rows = warnings }
  end
  if #evidence > 0 then
    blocks[#blocks + 1] = { view = "table", title = "Evidence", caption = "What has happened, newest first.",
      columns = { { key = "date", label = "Date" }, { key = "initiative", label = "Initiative" },
        { key = "step", label = "Step" }, { key = "evidence", label = "Evidence" }, { key = "link", label = "Link" } },
      rows = evidence }
  end
  blocks[#blocks + 1] = { view = "commands", commands = { "evidence", "step", "new" } }
  return { blocks = blocks }
end

--- What the practice counts as leadership: the steps each person owns,
--- in every initiative, most first.
---@param all table[] each initiative's standing
---@return {label: string, roles: {person: string, count: integer}[]}
function M.leadership(all)
  local count, order = {}, {}
  for _, st in ipairs(all) do
    for _, s in ipairs(st.steps) do
      for _, id in ipairs(s.owners) do
        if not count[id] then order[#order + 1] = id end
        count[id] = (count[id] or 0) + 1
      end
    end
  end
  table.sort(order, function(a, b) return count[a] > count[b] or (count[a] == count[b] and a < b) end)
  local roles = {}
  for i, id in ipairs(order) do roles[i] = { person = id, count = count[id] } end
  return { label = "change steps owned", roles = roles }
end

return M
