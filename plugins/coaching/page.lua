-- The Coaching page of the dashboard (`baton serve`) and what the
-- overview counts as leadership here. Pure: it gets the caseloads and the
-- shared cycles, and neither reads the store nor prints.
--
-- The page is for everyone signed in, viewers too: it shows each coach's
-- caseload (counts), how many cycles are stalled (a count), and the goals
-- and progress of the cycles their teachers chose to share. A private
-- cycle's goal, measures and notes never reach it; each person reads their
-- own with the `show` and `mine` forms.
local M = {}

local function who(id, name) return name and (id .. " " .. name) or id end

---@param v {coaches: table[], balance: table, shared: table[]}
---@return {blocks: table[]}
function M.blocks(v)
  local b = v.balance
  local blocks = {
    { view = "stats", items = {
      { label = "open cycles", value = b.open, note = ("%d coach%s, mean %s each"):format(b.active,
        b.active == 1 and "" or "es", tostring(b.mean)) },
      { label = "stalled", value = b.stalled, note = "quiet for stall_weeks school weeks" },
      { label = "over max_caseload", value = #b.over, note = ("more than %d open cycles"):format(b.limit) },
    } },
  }
  local rows = {}
  for _, c in ipairs(v.coaches) do
    rows[#rows + 1] = { label = who(c.coach, c.name), values = { open = c.open, closed = c.closed } }
  end
  if #rows > 0 then
    blocks[#blocks + 1] = { view = "bars", title = "Caseload per coach", caption = "open and closed cycles",
      unit = "cycles", series = { { key = "open", label = "open" }, { key = "closed", label = "closed" } }, rows = rows }
  end
  local shared = {}
  for _, c in ipairs(v.shared) do
    local last = c.measures[#c.measures]
    shared[#shared + 1] = { cycle = c.cycle, pair = ("%s with %s"):format(who(c.coach, c.coach_name),
      who(c.teacher, c.teacher_name)), goal = c.goal or "", phase = c.closed and ("closed (" .. (c.outcome or "") .. ")")
      or c.phase, progress = last and ("%s (baseline %s, target %s)"):format(tostring(last.value), tostring(c.baseline),
        tostring(c.target)) or "" }
  end
  blocks[#blocks + 1] = { view = "table", title = "Shared cycles",
    caption = "goals the teachers chose to share (coach share); every other goal stays with its pair",
    columns = { { key = "cycle", label = "Cycle" }, { key = "pair", label = "Coach and teacher" },
      { key = "goal", label = "Goal" }, { key = "phase", label = "Phase" }, { key = "progress", label = "Last measure" } },
    rows = shared }
  blocks[#blocks + 1] = { view = "commands",
    commands = { "mine", "show", "session", "identify", "learn", "measure", "share", "start" } }
  return { blocks = blocks }
end

--- Colleagues coached per coach (distinct teachers of the cycles given),
--- most first; `period` when the cycles were chosen by dates.
function M.leadership(cycles, period)
  local seen, count, order = {}, {}, {}
  for _, c in ipairs(cycles) do
    local key = c.coach .. "/" .. c.teacher
    if not seen[key] then
      seen[key] = true
      if not count[c.coach] then order[#order + 1] = c.coach end
      count[c.coach] = (count[c.coach] or 0) + 1
    end
  end
  table.sort(order, function(a, b) return count[a] > count[b] or (count[a] == count[b] and a < b) end)
  local roles = {}
  for i, id in ipairs(order) do roles[i] = { person = id, count = count[id] } end
  return { label = "colleagues coached", role = "coach", roles = roles, period = period }
end

return M
