-- The settings of a rota: the roles, the meeting days of the term without
-- closures, what each role needs, the absences, the minimum gap; from the
-- command line, and for a group with a saved plan, what it remembers.
-- Raises, naming the option and what to write, on a setting that cannot
-- be used.

local calendar = require("calendar")

local M = {}

--- "a, b,,c" -> { "a", "b", "c" }
---@param s any
---@return string[]
local function split_list(s)
  local out = {}
  for item in tostring(s or ""):gmatch("[^,]+") do
    item = item:gsub("^%s+", ""):gsub("%s+$", "")
    if item ~= "" then out[#out + 1] = item end
  end
  return out
end

-- "facilitator:trained_facilitator=yes" -> role, key, value
local function parse_need(s)
  local role, key, value = s:match("^%s*([^:]+):%s*([%w_]+)%s*=%s*(.-)%s*$")
  if not role then
    error(("--needs '%s': write ROLE:ATTR=VALUE, e.g. facilitator:trained_facilitator=yes"):format(s), 0)
  end
  return role, key, value
end

-- What every group of one `rota plan` shares: roles, meetings, closures
-- and absences, worked out once per run (a district plans hundreds of
-- groups with the same calendar).
---@param args table the arguments of `rota plan`
---@return table common { roles, meetings, skipped, closures, needs, absences }
function M.common(args)
  if args._common then return args._common end
  local roles = split_list(args.roles)
  if #roles == 0 then error("--roles is empty: name at least one role, e.g. --roles facilitator,notetaker", 0) end
  local seen = {}
  for _, r in ipairs(roles) do
    if seen[r] then error(("--roles names '%s' twice"):format(r), 0) end
    seen[r] = true
  end
  if args.dates then
    local list = split_list(args.dates)
    table.sort(list)
    args.from, args.to = args.from or list[1], args.to or list[#list]
  end
  if not args.from or not args.to then
    error("give the term with --from DATE --to DATE (or the meetings with --dates)", 0)
  end
  if args.to < args.from then error(("--to %s is before --from %s"):format(args.to, args.from), 0) end
  if args.every_weeks < 1 then error("--every-weeks must be 1 or more", 0) end
  if args.min_gap < 0 then error("--min-gap must be 0 or more", 0) end
  local closures, ignored = calendar.closures(args.holidays, args.timed_closures)
  local meetings, skipped
  if args.dates then
    meetings, skipped = {}, {}
    for _, d in ipairs(split_list(args.dates)) do
      if not baton.date.valid(d) then error(("--dates: '%s' is not a date (YYYY-MM-DD)"):format(d), 0) end
      local c = calendar.closed(closures, d)
      if c then skipped[#skipped + 1] = { date = d, why = c.name } else meetings[#meetings + 1] = d end
    end
    table.sort(meetings)
  else
    local weekdays = {}
    for _, w in ipairs(split_list(args.every)) do
      local wd = calendar.weekday_word(w)
      if not wd then error(("--every: '%s' is not a weekday (mon, tue, wed, thu, fri, sat, sun)"):format(w), 0) end
      weekdays[#weekdays + 1] = wd
    end
    meetings, skipped = calendar.meetings { weekdays = weekdays, weeks = args.every_weeks, from = args.from,
                                            to = args.to, closures = closures }
  end
  -- the calendar's events that were not counted, on the days that stayed
  -- meeting days: what the coordinator may want to count after all
  local not_counted = {}
  for _, d in ipairs(meetings) do
    for _, e in ipairs(ignored) do
      if e.from <= d and d <= e.to then not_counted[#not_counted + 1] = { date = d, name = e.name, why = e.why } end
    end
  end
  if #meetings == 0 then error("no meetings between " .. args.from .. " and " .. args.to .. ": check --every and --holidays", 0) end
  local needs = {}
  for _, n in ipairs(args.needs or {}) do
    local role, key, value = parse_need(n)
    if not seen[role] then error(("--needs names role '%s', which is not in --roles (%s)"):format(role, table.concat(roles, ", ")), 0) end
    needs[#needs + 1] = { role = role, need = value ~= "" and (key .. "=" .. value) or nil }
  end
  local absences = calendar.absences(args.unavailable)
  for _, a in ipairs(absences) do
    local person, err, code = baton.people.get(a.person)
    if not person then
      if code ~= "ENOTFOUND" then error(("--unavailable line %d: cannot look up '%s': %s"):format(a.line or 0,
        a.person, tostring(err)), 0) end
      error(("--unavailable line %d: no person '%s'"):format(a.line or 0, a.person), 0)
    end
  end
  local timed = 0
  for _, e in ipairs(ignored) do if e.why == "timed" then timed = timed + 1 end end
  args._common = { roles = roles, meetings = meetings, skipped = skipped, closures = closures, needs = needs,
                   absences = absences, ignored = { on_meetings = not_counted, timed = timed, events = ignored } }
  return args._common
end

-- A group's settings for this plan: the shared ones, and eligibility
-- remembered for the group (`saved`, its stored settings) changed by --needs.
---@param args table the arguments of `rota plan`
---@param saved? table the group's stored settings
---@return table settings { roles, meetings, from, to, needs, min_gap, absences, closures }
---@return {date: string, why: string}[] skipped the meeting days that fell on a closure
---@return table ignored { on_meetings = {date, name, why}[], timed = n }: calendar events not counted
function M.for_group(args, saved)
  local c = M.common(args)
  local needs = {}
  for role, need in pairs(saved and saved.needs or {}) do needs[role] = need end
  for _, n in ipairs(c.needs) do needs[n.role] = n.need end
  local meeting = M.meeting(args, saved and saved.meeting)
  return { roles = c.roles, meetings = c.meetings, from = args.from, to = args.to, needs = baton.json.object(needs),
           min_gap = args.min_gap, absences = c.absences, closures = c.closures, meeting = meeting }, c.skipped,
         c.ignored
end

--- When and where the meetings are, for the calendars: --time HH:MM,
--- --duration MINUTES, --location TEXT, each remembered from `saved` (the
--- group's saved meeting) when not given. nil for all-day events.
---@param args table
---@param saved? table
---@return table|nil meeting { time, minutes, location }
function M.meeting(args, saved)
  saved = saved or {}
  local time = args.time or saved.time
  if time ~= nil then
    local h, m = tostring(time):match("^(%d%d):(%d%d)$")
    if not h or tonumber(h) > 23 or tonumber(m) > 59 then
      error(("--time '%s': write the meeting's start as HH:MM, e.g. 15:30"):format(tostring(time)), 0)
    end
  end
  local minutes = args.duration or saved.minutes
  if minutes ~= nil and (minutes < 1 or minutes > 1440) then
    error(("--duration %s: give the meeting's length in minutes, 1 to 1440"):format(tostring(minutes)), 0)
  end
  if minutes and not time then error("--duration needs --time (when the meeting starts)", 0) end
  local location = args.location or saved.location
  if not time and not location then return nil end
  return { time = time, minutes = time and (minutes or 60) or nil, location = location }
end

return M
