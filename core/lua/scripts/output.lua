local json_mode, print_json, print = ...
local function cell(v)
  if type(v) == 'table' then
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
  local keys = columns_of({ value })
  for _, k in ipairs(keys) do print(tostring(k) .. ': ' .. cell(value[k])) end
end
return output, render_table
