local json_mode, print_json, print = ...

-- Keys in a fixed order: list positions first, then the rest by their text.
local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ia, ib = math.type(a) == 'integer', math.type(b) == 'integer'
    if ia ~= ib then return ia end
    if ia then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end

-- baton.inspect(v): a readable, one-line form of any value: strings
-- quoted, tables with their keys sorted, a table met again inside itself
-- shown as <cycle>, functions and other values by their type.
local function inspect(v, seen)
  local t = type(v)
  if t == 'string' then return (string.format('%q', v):gsub('\\\n', '\\n')) end
  if t ~= 'table' then
    if t == 'number' or t == 'boolean' or t == 'nil' then return tostring(v) end
    return '<' .. t .. '>'
  end
  seen = seen or {}
  if seen[v] then return '<cycle>' end
  seen[v] = true
  local parts, n = {}, #v
  for _, k in ipairs(sorted_keys(v)) do
    local key = ''
    if not (math.type(k) == 'integer' and k >= 1 and k <= n) then
      key = (type(k) == 'string' and k:match('^[%a_][%w_]*$')) and k .. ' = '
        or '[' .. inspect(k, seen) .. '] = '
    end
    parts[#parts + 1] = key .. inspect(v[k], seen)
  end
  seen[v] = nil
  return #parts == 0 and '{}' or '{ ' .. table.concat(parts, ', ') .. ' }'
end

-- A list of plain values (strings, numbers, booleans), shown "a, b, c".
local function is_flat_list(v)
  local n = 0
  for _ in pairs(v) do n = n + 1 end
  if n ~= #v then return false end
  for _, x in ipairs(v) do if type(x) == 'table' then return false end end
  return true
end

local function cell(v)
  local t = type(v)
  if t == 'function' or t == 'userdata' or t == 'thread' then return inspect(v) end
  if t == 'table' then
    if not is_flat_list(v) then return inspect(v) end
    local parts = {}
    for _, x in ipairs(v) do parts[#parts + 1] = tostring(x) end
    return table.concat(parts, ', ')
  end
  return v == nil and '' or tostring(v)
end
local function columns_of(rows)
  local seen, cols = {}, {}
  for _, r in ipairs(rows) do
    for k in pairs(r) do
      if not seen[k] then seen[k] = true; cols[#cols + 1] = k end
    end
  end
  table.sort(cols, function(a, b) return tostring(a) < tostring(b) end)
  return cols
end
local function render_table(rows, cols)
  cols = cols or columns_of(rows)
  local width = {}
  for i, c in ipairs(cols) do width[i] = utf8.len(tostring(c)) or #tostring(c) end
  for _, r in ipairs(rows) do
    for i, c in ipairs(cols) do
      local s = cell(r[c])
      local w = utf8.len(s) or #s
      if w > width[i] then width[i] = w end
    end
  end
  local function line(vals)
    local out = {}
    for i, s in ipairs(vals) do
      local pad = width[i] - (utf8.len(s) or #s)
      out[i] = i < #vals and s .. string.rep(' ', pad) or s
    end
    print(table.concat(out, '  '))
  end
  local head = {}
  for i, c in ipairs(cols) do head[i] = string.upper(tostring(c)) end
  line(head)
  for _, r in ipairs(rows) do
    local vals = {}
    for i, c in ipairs(cols) do vals[i] = cell(r[c]) end
    line(vals)
  end
end
local function output(value, render)
  if json_mode() then return print_json(value) end
  if render ~= nil then
    if type(render) ~= 'function' then
      error('baton.output: the second argument must be a function', 2)
    end
    return render(value)
  end
  if type(value) ~= 'table' then return print(cell(value)) end
  if #value > 0 and type(value[1]) == 'table' then return render_table(value) end
  if #value > 0 then for _, v in ipairs(value) do print(cell(v)) end return end
  -- A record: "key: value", a nested record or list of records indented
  -- under its key.
  local seen = {}
  local function record(t, indent)
    seen[t] = true
    for _, k in ipairs(sorted_keys(t)) do
      local v = t[k]
      local head = indent .. tostring(k) .. ':'
      if type(v) ~= 'table' or is_flat_list(v) or seen[v] then
        print(head .. ' ' .. (seen[v] and '<cycle>' or cell(v)))
      else
        print(head)
        record(v, indent .. '  ')
      end
    end
    seen[t] = nil
  end
  record(value, '')
end
return output, render_table, inspect
