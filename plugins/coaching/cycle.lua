-- The rules of a coaching cycle (Knight's Impact Cycle), pure: what each
-- phase needs before the next, when a goal is met, when an open cycle has
-- stalled, and how a caseload is counted. No store, no printing.
--
--   identify  a goal the teacher cares about, how it is measured, where it
--             stands now (baseline) and where it should get to (target);
--   learn     the strategy chosen to get there, and its checklist;
--   improve   measures over time, until the target is reached (then the
--             cycle closes as met) or the goal is revised (identify again).
local M = {}

M.PHASES = { "identify", "learn", "improve" }

--- The phase named `given`, or nil and a message that names the phases
--- and what to do.
function M.phase(given)
  local g = tostring(given or ""):lower():match("^%s*(.-)%s*$")
  for _, p in ipairs(M.PHASES) do
    if p == g then return p end
  end
  local near = baton.suggest(g, M.PHASES)
  local ends = (g == "met" or g == "closed" or g == "done" or g == "stopped")
  return nil, ("no phase '%s'%s: a cycle's phases are identify, learn and improve (the Impact Cycle)%s"):format(
    given, near and (" (did you mean '" .. near .. "'?)") or "",
    ends and "; to end a cycle use `baton coach close CYCLE PERSON --outcome met` (or stopped)" or "")
end

--- What the goal still lacks, in words, or nil when it is complete.
function M.goal_missing(c)
  local missing = {}
  if not c.goal then missing[#missing + 1] = "--goal" end
  if not c.measure then missing[#missing + 1] = "--measure" end
  if c.baseline == nil then missing[#missing + 1] = "--baseline" end
  if c.target == nil then missing[#missing + 1] = "--target" end
  if #missing == 0 then return nil end
  return table.concat(missing, ", ")
end

--- Whether the cycle may move to `phase`, or nil and what to do first.
function M.may_enter(c, phase)
  if phase == "learn" or phase == "improve" then
    local missing = M.goal_missing(c)
    if missing then
      return nil, ("cycle %d has no complete goal yet (missing %s): give it with `baton coach identify %d PERSON "
        .. "--goal TEXT --measure TEXT --baseline N --target N`"):format(c.id, missing, c.id)
    end
  end
  if phase == "improve" and not c.strategy then
    return nil, ("cycle %d has no strategy yet: `baton coach learn %d PERSON --strategy TEXT` first"):format(c.id, c.id)
  end
  return true
end

--- Whether `value` reaches the target: up when the target is above the
--- baseline, down when below ("fewer interruptions").
function M.reached(c, value)
  if c.target == nil or c.baseline == nil then return false end
  if c.target >= c.baseline then return value >= c.target end
  return value <= c.target
end

--- Progress towards the target as a share of the way from the baseline
--- (0 at the baseline, 1 at the target), or nil.
function M.progress(c, value)
  if value == nil or c.target == nil or c.baseline == nil or c.target == c.baseline then return nil end
  return (value - c.baseline) / (c.target - c.baseline)
end

--- How long an open cycle has been quiet, and whether that is a stall:
--- school days from its last activity to today (the school calendar's
--- weekdays outside closures), or calendar days when the school has no
--- calendar. Returns {quiet = n, unit = "school days"|"days", stalled =
--- bool}.
function M.quiet(c, weeks, today)
  local from = baton.date.add(c.last, 1)
  local terms = baton.terms.list() or {}
  if #terms > 0 then
    local n = from <= today and baton.terms.school_days(from, today) or 0
    return { quiet = n, unit = "school days", stalled = n >= weeks * 5 }
  end
  local n = math.max(0, baton.date.diff(c.last, today))
  return { quiet = n, unit = "days", stalled = n >= weeks * 7 }
end

--- Each coach's caseload: {{coach, open, closed, met, sessions}} most open
--- first, and the balance {coaches, open, mean, max, over = {ids above
--- max_caseload}}.
function M.caseload(cycles, max)
  local by, order = {}, {}
  for _, c in ipairs(cycles) do
    local k = by[c.coach]
    if not k then
      k = { coach = c.coach, name = c.coach_name, open = 0, closed = 0, met = 0, sessions = 0 }
      by[c.coach] = k
      order[#order + 1] = k
    end
    if c.open then k.open = k.open + 1 else k.closed = k.closed + 1 end
    if c.outcome == "met" then k.met = k.met + 1 end
    k.sessions = k.sessions + (c.sessions or 0)
  end
  table.sort(order, function(a, b)
    if a.open ~= b.open then return a.open > b.open end
    return a.coach < b.coach
  end)
  local open, top, over = 0, 0, {}
  for _, k in ipairs(order) do
    open = open + k.open
    if k.open > top then top = k.open end
    if k.open > max then over[#over + 1] = k.coach end
  end
  local active = 0
  for _, k in ipairs(order) do
    if k.open > 0 then active = active + 1 end
  end
  return order, { coaches = #order, active = active, open = open,
    mean = active > 0 and (function(x) return math.tointeger(x) or x end)(math.floor(open / active * 10 + 0.5) / 10) or 0, max = top, over = over, limit = max }
end

return M
