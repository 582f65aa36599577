-- Calendar dates as "YYYY-MM-DD" strings, and whole days between them.
--
-- Days are counted on the proleptic Gregorian calendar (Howard Hinnant's
-- days_from_civil), so nothing depends on the clock's time zone.

local M = {}

local function split(s)
  local y, m, d = tostring(s or ""):match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  return tonumber(y), tonumber(m), tonumber(d)
end

local function month_days(y, m)
  if m == 2 and ((y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0) then return 29 end
  return ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
end

--- true when s is a real calendar day written YYYY-MM-DD.
function M.valid(s)
  local y, m, d = split(s)
  return y ~= nil and m >= 1 and m <= 12 and d >= 1 and d <= month_days(y, m)
end

--- Days since 1970-01-01.
function M.serial(s)
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

--- The date of a serial day number.
function M.of(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return ("%04d-%02d-%02d"):format(y, m, d)
end

M.weekdays = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" }
local index = {}
for i, w in ipairs(M.weekdays) do index[w] = i end

--- "mon".."sun" for a date.
function M.weekday(s)
  return M.weekdays[(M.serial(s) + 3) % 7 + 1] -- 1970-01-01 was a Thursday
end

--- The weekday word for "tue", "Tuesday", "TUES"; nil if none.
function M.weekday_word(w)
  w = tostring(w):lower():sub(1, 3)
  return index[w] and w or nil
end

function M.add(s, n)
  return M.of(M.serial(s) + n)
end

return M
