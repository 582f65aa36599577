-- Calendar dates as the command line gives them: "YYYY-MM-DD" strings.
--
-- The arithmetic is the host's baton.date (whole days, the proleptic
-- Gregorian calendar: no time zone, no daylight saving); this module names
-- what the change practice asks of dates.

local M = {}

--- Today: the host's `baton.today()`, the real date, or the one given with
--- `--today DATE` / `BATON_TODAY` (for rehearsals, and for tests).
function M.today()
  return baton.today()
end

--- true when s is a real calendar day written YYYY-MM-DD.
M.valid = baton.date.valid

--- Whole days from a to b (positive when b is later).
M.days_between = baton.date.diff

--- The date n months before or after s (the day clamped to the month's end).
M.add_months = baton.date.add_months

--- The later of two dates, either of which may be nil.
function M.latest(a, b)
  if a == nil then return b end
  if b == nil then return a end
  return a > b and a or b
end

return M
