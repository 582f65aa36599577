-- A CSV data file as the evidence keeps it: how many rows, and for each
-- column whose cells are all numbers, how many there are, the smallest,
-- the mean and the largest. The rows themselves are never kept (a file of
-- students' results stays where it was). Pure: it gets the decoded rows.

local M = {}

-- A cell as a number, or nil. A leading apostrophe is what baton's own
-- CSV writer puts before a cell a spreadsheet would run as a formula
-- ('-4), so it is read past.
local function number(cell)
  local s = cell:match("^%s*'?(.-)%s*$")
  if s == "" then return nil end
  local n = tonumber(s)
  if n and n == n and n ~= math.huge and n ~= -math.huge then return n end
  return nil
end

local function round(x) return math.floor(x * 100 + 0.5) / 100 end

--- The summary of `rows` (baton.csv.decode's, header first).
---@return {rows: integer, columns: {name: string, count: integer, min: number, mean: number, max: number}[], other: string[]}
function M.of(rows)
  local header = rows[1] or {}
  local out = { rows = math.max(#rows - 1, 0), columns = {}, other = {} }
  for k, name in ipairs(header) do
    name = name:match("^%s*(.-)%s*$")
    if name == "" then name = ("column %d"):format(k) end
    local count, sum, lo, hi, numeric = 0, 0, nil, nil, true
    for i = 2, #rows do
      local cell = rows[i][k] or ""
      if cell:match("%S") then
        local n = number(cell)
        if not n then
          numeric = false
          break
        end
        count, sum = count + 1, sum + n
        lo = (lo == nil or n < lo) and n or lo
        hi = (hi == nil or n > hi) and n or hi
      end
    end
    if numeric and count > 0 then
      out.columns[#out.columns + 1] = { name = name, count = count, min = lo, mean = round(sum / count), max = hi }
    else
      out.other[#out.other + 1] = name
    end
  end
  return out
end

--- A number as people write it: 4, 4.5, -0.25.
function M.num(x) return ("%.10g"):format(x) end

--- One line for people: "48 rows; score: 48 values, 2 to 9, mean 6.1".
function M.text(s)
  local parts = { ("%d row%s"):format(s.rows, s.rows == 1 and "" or "s") }
  for _, c in ipairs(s.columns) do
    parts[#parts + 1] = ("%s: %d value%s, %s to %s, mean %s"):format(c.name, c.count, c.count == 1 and "" or "s",
      M.num(c.min), M.num(c.max), M.num(c.mean))
  end
  return table.concat(parts, "; ")
end

return M
