-- Calendar dates as the command line gives them: "YYYY-MM-DD" strings.
--
-- The arithmetic counts whole days with the proleptic Gregorian calendar,
-- so it never depends on the clock's time zone or on daylight saving.

local M = {}

--- Today: the host's `baton.today()`, the real date, or the one given with
--- `--today DATE` / `BATON_TODAY` (for rehearsals, and for tests).
function M.today()
  return baton.today()
end

local function split(s)
  local y, m, d = tostring(s or ""):match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  return tonumber(y), tonumber(m), tonumber(d)
end

local function is_leap(y)
  return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
end

local function month_days(y, m)
  local days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
  if m == 2 and is_leap(y) then return 29 end
  return days[m]
end

--- true when s is a real calendar day written YYYY-MM-DD.
function M.valid(s)
  local y, m, d = split(s)
  return y ~= nil and m >= 1 and m <= 12 and d >= 1 and d <= month_days(y, m)
end

-- Days since 1970-01-01 (Howard Hinnant's days_from_civil).
local function serial(s)
  local y, m, d = split(s)
  assert(y, "not a date: " .. tostring(s))
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

--- Whole days from a to b (positive when b is later).
function M.days_between(a, b)
  return serial(b) - serial(a)
end

--- The date n months before or after s (the day clamped to the month's end).
function M.add_months(s, n)
  local y, m, d = split(s)
  local total = y * 12 + (m - 1) + n
  y, m = total // 12, total % 12 + 1
  return ("%04d-%02d-%02d"):format(y, m, math.min(d, month_days(y, m)))
end

--- The later of two dates, either of which may be nil.
function M.latest(a, b)
  if a == nil then return b end
  if b == nil then return a end
  return a > b and a or b
end

return M
