-- The term calendar: which days the group meets, which days the school is
-- closed, and who is away when.
--
-- Closures come from the school's published calendar (an .ics file, read
-- by libical through baton.ics) or a CSV `from,to,name`. Absences come
-- from a CSV `person_id,from,to[,reason]` and from a person's recurring
-- pattern, the attribute `unavailable_days` (e.g. `fri` or `mon;fri` for a
-- part-time colleague). CSV goes through baton.csv (libcsv), never split
-- by hand.

local date = baton.date

local M = {}

local WEEKDAYS = { mon = true, tue = true, wed = true, thu = true, fri = true, sat = true, sun = true }

--- The weekday word ("mon" .. "sun") for "tue", "Tuesday", "TUES"; nil
--- if none. (baton.date names weekdays but does not read them.)
---@param word any
---@return string|nil
function M.weekday_word(word)
  word = tostring(word):lower():sub(1, 3)
  return WEEKDAYS[word] and word or nil
end

local function fail(file, msg)
  error(("%s: %s"):format(file, msg), 0)
end

-- Rows of a CSV file with its header checked; each row is keyed by column.
local function csv_records(file, want, optional)
  local text, err = baton.fs.read(file)
  if not text then error(err, 0) end
  local rows, lines = baton.csv.decode(text, file)
  if not rows then error(lines, 0) end
  local header = rows[1] or {}
  local col = {}
  for i, h in ipairs(header) do col[h:lower():gsub("^%s+", ""):gsub("%s+$", "")] = i end
  for _, w in ipairs(want) do
    if not col[w] then
      fail(file, ("line 1: the header needs a column '%s' (expected %s)"):format(w,
        table.concat(want, ",") .. (optional and ("[," .. optional .. "]") or "")))
    end
  end
  local out = {}
  for i = 2, #rows do
    local r = rows[i]
    if not (#r == 1 and r[1] == "") then -- a blank line
      local rec = { line = lines[i] }
      for name, c in pairs(col) do rec[name] = r[c] end
      out[#out + 1] = rec
    end
  end
  return out
end

local function check_range(file, rec, what)
  for _, k in ipairs { "from", "to" } do
    if not rec[k] or rec[k] == "" then rec[k] = nil end
  end
  rec.to = rec.to or rec.from
  if not rec.from or not date.valid(rec.from) or not date.valid(rec.to) then
    fail(file, ("line %d: %s needs dates as YYYY-MM-DD in from and to, found '%s' and '%s'")
      :format(rec.line, what, tostring(rec.from), tostring(rec.to)))
  end
  if rec.to < rec.from then
    fail(file, ("line %d: %s ends (%s) before it starts (%s)"):format(rec.line, what, rec.to, rec.from))
  end
end

--- Closures from an .ics or a CSV file: a list of { from, to, name }, and
--- the calendar's events that are not closures: cancelled ones, and timed
--- ones (a twilight CPD at 15:30, a parents' evening) unless `timed` says
--- to count them, each { from, to, name, why = "cancelled"|"timed" }.
---@param file? string
---@param timed? boolean count timed events as closures of their days
---@return {from: string, to: string, name: string}[] closures
---@return {from: string, to: string, name: string, why: string}[] ignored
function M.closures(file, timed)
  if file == nil then return {}, {} end
  if file:lower():match("%.ics$") or file:lower():match("%.ical$") then
    local text, err = baton.fs.read(file)
    if not text then error(err, 0) end
    local list, skipped = baton.ics.holidays(text)
    if not list then error(file .. ": " .. skipped, 0) end
    local ignored = {}
    for _, e in ipairs(skipped) do
      if timed and e.why == "timed" then list[#list + 1] = e else ignored[#ignored + 1] = e end
    end
    return list, ignored
  end
  local out = {}
  for _, rec in ipairs(csv_records(file, { "from", "to" }, "name")) do
    check_range(file, rec, "a closure")
    out[#out + 1] = { from = rec.from, to = rec.to, name = rec.name or "closed" }
  end
  return out, {}
end

--- Absences from a CSV file: a list of { person, from, to, reason }.
function M.absences(file)
  if file == nil then return {} end
  local out = {}
  for _, rec in ipairs(csv_records(file, { "person_id", "from", "to" }, "reason")) do
    if not rec.person_id or rec.person_id == "" then
      fail(file, ("line %d: person_id is empty"):format(rec.line))
    end
    check_range(file, rec, "an absence")
    out[#out + 1] = { person = rec.person_id, from = rec.from, to = rec.to,
                      reason = (rec.reason ~= "" and rec.reason) or nil, line = rec.line }
  end
  return out
end

--- The meeting dates: every `weekdays` day, every `weeks` weeks counted
--- from the week of `from`, up to `to`, without closures.
---@param o {weekdays: string[], weeks: integer, from: string, to: string, closures: table[]}
---@return string[] meetings
---@return {date: string, why: string}[] skipped the meeting days that fell on a closure
function M.meetings(o)
  local want = {}
  for _, w in ipairs(o.weekdays) do want[w] = true end
  local from_weekday = date.weekday(o.from) -- 1 (Monday) .. 7
  local out, skipped = {}, {}
  for i = 0, date.diff(o.from, o.to) do
    local day = date.add(o.from, i)
    local week = (i + from_weekday - 1) // 7 -- weeks since the Monday of `from`'s week
    local _, weekday = date.weekday(day)
    if want[weekday] and week % o.weeks == 0 then
      local closed = M.closed(o.closures, day)
      if closed then
        skipped[#skipped + 1] = { date = day, why = closed.name }
      else
        out[#out + 1] = day
      end
    end
  end
  return out, skipped
end

--- The closure covering a day, or nil.
---@param closures {from: string, to: string, name: string}[]
---@param day string
---@return table|nil
function M.closed(closures, day)
  for _, c in ipairs(closures) do
    if c.from <= day and day <= c.to then return c end
  end
  return nil
end

--- Why person p cannot come on date, or nil: an absence in the list, or
--- the weekly pattern of the attribute unavailable_days.
function M.away(p, day, absences)
  for _, a in ipairs(absences) do
    if a.person == p.id and a.from <= day and day <= a.to then
      return a.reason and ("away " .. a.from .. (a.to ~= a.from and (".." .. a.to) or "") .. ": " .. a.reason)
        or ("away " .. a.from .. (a.to ~= a.from and (".." .. a.to) or ""))
    end
  end
  local days = p.attrs and p.attrs.unavailable_days
  if days and days ~= "" then
    local _, weekday = date.weekday(day)
    for w in tostring(days):gmatch("[^;,%s]+") do
      if M.weekday_word(w) == weekday then return "not in on " .. weekday .. " (unavailable_days)" end
    end
  end
  return nil
end

return M
