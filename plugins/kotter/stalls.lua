-- The stall rules: how a change initiative tells its leaders it is losing
-- momentum. Each rule has a flag (its threshold; 0 turns it off):
--
--   quiet step     an in-progress step with no evidence for --stale-days (21);
--                  for step 6 the wins rule below takes its place
--   no wins        no short-term win for --win-weeks (6) once step 6 started
--   overdue        a step not done --overdue-days (1) after its due date,
--                  or the initiative's target date passed with steps not done
--   renewal        concurrent mode: a done step whose newest evidence is
--                  --renew-months (6) old, so it may need renewing
--   narrow         a guiding coalition with people from fewer than
--                  --min-roles (3) roles
--
-- Each warning says what is wrong, since when, and what to do next.

local steps = require("steps")
local dates = require("dates")

local M = {}

M.defaults = { stale_days = 21, win_weeks = 6, overdue_days = 1, renew_months = 6, min_roles = 3 }

--- The rule thresholds from a command's arguments (defaults for the rest).
function M.rules(args)
  local r = {}
  for k, v in pairs(M.defaults) do
    r[k] = (args and args[k]) or v
    if r[k] < 0 then error(("--%s cannot be negative (0 turns the rule off)"):format(k:gsub("_", "-")), 0) end
  end
  return r
end

-- The newest evidence on one step, or nil.
local function newest(state, n)
  local last
  for _, e in ipairs(state.evidence) do
    if e.step == n then last = e end
  end
  return last
end
M.newest = newest

local function all_done(state)
  for _, s in ipairs(state.steps) do
    if s.status ~= "done" then return false end
  end
  return true
end

local function plural(n, one, many)
  return ("%d %s"):format(n, n == 1 and one or many)
end

--- Checks every rule.
---@param state table   an initiative as initiatives.load returns it
---@param spread table  its coalition's spread (coalition.spread)
---@param today string  YYYY-MM-DD
---@param rules table   thresholds (M.rules)
---@return table[] warnings  {rule, step?, message}, in step order
function M.check(state, spread, today, rules)
  local out = {}
  -- `message` is for anyone (the governors' report carries it);
  -- `command` is what the coordinator runs about it, shown by status only.
  local function warn(rule, step, message, command)
    out[#out + 1] = { rule = rule, step = step and step.n or nil, message = message, command = command }
  end
  local ref = state.slug

  for _, s in ipairs(state.steps) do
    local step = steps.list[s.n]
    local last = newest(state, s.n)

    -- A step being worked on should keep producing evidence. (Step 6's
    -- evidence is its wins, which the next rule watches.)
    if s.status == "in_progress" and s.n ~= 6 and rules.stale_days > 0 then
      local since = dates.latest(last and last.date, s.since or state.created)
      local quiet = dates.days_between(since, today)
      if quiet >= rules.stale_days then
        warn("stale", s, ("step %s has been in progress with no evidence for %s (%s %s): "
          .. "record what has happened")
          :format(steps.title(step), plural(quiet, "day", "days"), last and "last evidence" or "in progress since",
            since), ("baton change evidence %s %s \"...\""):format(ref, step.key))
      end
    end

    -- Wins keep a change alive: once step 6 has started, they must keep coming.
    if s.n == 6 and s.status ~= "not_started" and rules.win_weeks > 0
        and not (state.mode == "sequential" and all_done(state)) then
      local since = dates.latest(last and last.date, s.started or s.since)
      local days = dates.days_between(since, today)
      if days >= rules.win_weeks * 7 then
        warn("no_wins", s, ("step 6: no short-term win for %s (%s %s): find one and record it")
          :format(plural(days // 7, "week", "weeks"), last and "last win" or "step 6 started", since),
          ("baton change evidence %s wins \"...\""):format(ref))
      end
    end

    -- A due date passed and the step is not done.
    if s.due and s.status ~= "done" and rules.overdue_days > 0 then
      local late = dates.days_between(s.due, today)
      if late >= rules.overdue_days then
        warn("overdue", s, ("step %s was due on %s (%s ago) and is %s")
          :format(steps.title(step), s.due, plural(late, "day", "days"), steps.statuses[s.status].label))
      end
    end

    -- In the concurrent model nothing stays done for ever: urgency and the
    -- vision fade unless they are renewed.
    if state.mode == "concurrent" and s.status == "done" and rules.renew_months > 0 then
      local since = dates.latest(last and last.date, s.since)
      if since and since <= dates.add_months(today, -rules.renew_months) then
        warn("renewal", s, ("step %s is done but its newest evidence is from %s, %s or more ago: "
          .. "does it need renewing?")
          :format(steps.title(step), since, plural(rules.renew_months, "month", "months")),
          ("baton change step %s %s --status needs_renewal"):format(ref, step.key))
      end
    end
  end

  if state.target and not all_done(state) and rules.overdue_days > 0 then
    local late = dates.days_between(state.target, today)
    if late >= rules.overdue_days then
      local open = 0
      for _, s in ipairs(state.steps) do
        if s.status ~= "done" then open = open + 1 end
      end
      warn("overdue", nil, ("the target date %s passed %s ago with %s not done")
        :format(state.target, plural(late, "day", "days"), plural(open, "step", "steps")))
    end
  end

  -- The guiding coalition: warn once it should exist (step 2 started, or
  -- people were added) and comes from too few roles.
  if rules.min_roles > 0 then
    if spread.size == 0 then
      if state.steps[2].status ~= "not_started" then
        warn("narrow", state.steps[2], ("no guiding coalition yet: it needs people from at least %s")
          :format(plural(rules.min_roles, "role", "roles")), ("baton change coalition %s add ID ..."):format(ref))
      end
    elseif #spread.roles < rules.min_roles then
      local absent = #spread.roles_absent > 0
        and ("; who could join from: " .. table.concat(spread.roles_absent, ", ") .. "?") or ""
      warn("narrow", state.steps[2], ("the guiding coalition is narrow: its people come from %s (%s), "
        .. "fewer than %d%s"):format(plural(#spread.roles, "role", "roles"), table.concat(spread.roles, ", "),
          rules.min_roles, absent), ("baton change coalition %s add ID ..."):format(ref))
    end
  end
  return out
end

local labels = { stale = "stalled", no_wins = "no wins", overdue = "overdue", renewal = "renew?", narrow = "narrow" }

--- A step's health in a word or two: "ok", "-" (not started), or what
--- its warnings say ("stalled", "overdue", ...).
function M.health(s, warnings)
  local words = {}
  for _, w in ipairs(warnings) do
    if w.step == s.n then words[#words + 1] = labels[w.rule] end
  end
  if #words > 0 then return table.concat(words, ", ") end
  return s.status == "not_started" and "-" or "ok"
end

return M
