-- tools/gen-types.lua: writes types/baton.lua (the ---@meta stubs for
-- lua-language-server) from docs/lua-api.md, the one place the Lua API is
-- described.
--
--   lua5.4 tools/gen-types.lua            regenerate types/baton.lua
--   lua5.4 tools/gen-types.lua --check    exit 1 if it is out of date (ctest)
--   lua5.4 tools/gen-types.lua DOC OUT    other paths (tests)
--
-- What it reads: the ```lua blocks of the reference. In them,
--
--   --- text                  a description of what comes next
--   ---@param, ---@return, ---@type, ---@class, ---@field, ---@generic ...
--                             LuaCATS annotations of what comes next
--   baton.x.y(a, b?, ...)     a function: every parameter must have its
--                             ---@param above; a trailing `-- text` is
--                             its short description
--   name(a, b?)               a global function (the test globals), when
--                             annotations stand above it
--   obj:method(a)             a method of a `local obj = {}` declared above
--   NAME  -- text             a value, when a ---@type stands above it
--   local obj = {}            binds the ---@class above it
--
-- Any other line is an example and is skipped, but annotations followed by
-- an example are an error (they would describe nothing). A function's
-- parent tables (baton.fs) are declared the first time they are needed.
-- Errors name docs/lua-api.md:LINE and what to write.

local here = (arg[0]:match("^(.*)/[^/]*$") or ".") .. "/.."
local check = false
local paths = {}
for _, a in ipairs(arg) do
  if a == "--check" then check = true else paths[#paths + 1] = a end
end
local doc_path = paths[1] or (here .. "/docs/lua-api.md")
local out_path = paths[2] or (here .. "/types/baton.lua")
local REGENERATE = "lua5.4 tools/gen-types.lua"

local function fail(line, msg)
  io.stderr:write(("%s:%d: %s\n"):format(doc_path, line, msg))
  os.exit(1)
end

local f = assert(io.open(doc_path, "r"))
local text = f:read("a")
f:close()

-- Splits "A a, B b, C c" at commas outside brackets and strings.
local function split_top(s)
  local parts, depth, start, quote = {}, 0, 1, nil
  for i = 1, #s do
    local c = s:sub(i, i)
    if quote then
      if c == quote then quote = nil end
    elseif c == '"' or c == "'" then
      quote = c
    elseif c:match("[%(%[{<]") then
      depth = depth + 1
    elseif c:match("[%)%]}>]") then
      depth = depth - 1
    elseif c == "," and depth == 0 then
      parts[#parts + 1] = s:sub(start, i - 1)
      start = i + 1
    end
  end
  parts[#parts + 1] = s:sub(start)
  return parts
end

-- Whether s is "TYPE NAME ...": a type (brackets may hold spaces), a
-- space outside brackets, then a name.
local function type_then_name(s)
  local depth = 0
  for i = 1, #s do
    local c = s:sub(i, i)
    if c:match("[%(%[{<]") then
      depth = depth + 1
    elseif c:match("[%)%]}>]") then
      depth = depth - 1
    elseif c:match("%s") and depth == 0 then
      return i > 1 and s:sub(i):match("^%s+[%a_][%w_]*%??") ~= nil
    end
  end
  return false
end

-- `---@return A a, B b` as one ---@return line per value, which every
-- version of lua-language-server reads.
local function return_lines(line)
  local body = line:match("^%-%-%-@return%s+(.*)$")
  local parts = split_top(body)
  if #parts == 1 then return { line } end
  local out = {}
  for i, p in ipairs(parts) do
    p = p:match("^%s*(.-)%s*$")
    if not type_then_name(p) then return { line } end
    out[i] = "---@return " .. p
  end
  return out
end

local out = {
  "---@meta baton",
  "-- Type stubs of the baton Lua API for lua-language-server.",
  "-- GENERATED from docs/lua-api.md by tools/gen-types.lua: do not edit.",
  "-- Edit docs/lua-api.md, then run `" .. REGENERATE .. "`.",
  "",
  "baton = {}",
}
local declared = { baton = true } -- tables and locals declared so far
local names = {}                  -- every function and value, to catch twins
local pending, pending_line = {}, nil

local function emit(lines)
  out[#out + 1] = ""
  for _, l in ipairs(lines) do out[#out + 1] = l end
end

-- Declares the parent tables of `name` (baton.fs for baton.fs.read).
local function parents(name, lineno)
  if not name:find("[.:]") then return end -- a global of its own (arg)
  local root = name:match("^([%a_][%w_]*)")
  if not declared[root] then
    fail(lineno, ("'%s' is not baton nor a `local %s = {}` declared above; declare it first"):format(name, root))
  end
  local path = root
  for part in name:gmatch("%.([%a_][%w_]*)") do
    if name:sub(#path + 2) == part then break end -- the last part is the name itself
    path = path .. "." .. part
    if not declared[path] then
      declared[path] = true
      emit({ path .. " = {}" })
    end
  end
end

local function once(name, lineno)
  if names[name] then fail(lineno, ("%s is declared twice (first at line %d)"):format(name, names[name])) end
  names[name] = lineno
end

-- The pending annotations, descriptions first, then the trailing comment.
local function take(comment)
  local desc, ann = {}, {}
  for _, l in ipairs(pending) do
    if l:match("^%-%-%-@") then
      if l:match("^%-%-%-@return") then
        for _, r in ipairs(return_lines(l)) do ann[#ann + 1] = r end
      else
        ann[#ann + 1] = l
      end
    else
      desc[#desc + 1] = l
    end
  end
  if comment and comment ~= "" then desc[#desc + 1] = "--- " .. comment end
  pending, pending_line = {}, nil
  local lines = {}
  for _, l in ipairs(desc) do lines[#lines + 1] = l end
  for _, l in ipairs(ann) do lines[#lines + 1] = l end
  return lines
end

local function declare_function(name, params, comment, lineno)
  local plist = {}
  for p in params:gmatch("[^,]+") do
    p = p:match("^%s*(.-)%s*$")
    if not (p == "..." or p:match("^[%a_][%w_]*%??$")) then return false end
    plist[#plist + 1] = p
  end
  parents(name, lineno)
  once(name, lineno)
  local have = {}
  for _, l in ipairs(pending) do
    local pn = l:match("^%-%-%-@param%s+([%a_%.][%w_%.]*)")
    if pn then have[pn] = true end
  end
  local bare = {}
  for i, p in ipairs(plist) do
    bare[i] = p:gsub("%?$", "")
    if not have[bare[i]] then
      fail(lineno, ("%s(%s): no ---@param line for '%s'; put `---@param %s TYPE` above it")
        :format(name, params, bare[i], bare[i]))
    end
  end
  local lines = take(comment)
  lines[#lines + 1] = ("function %s(%s) end"):format(name, table.concat(bare, ", "))
  emit(lines)
  return true
end

local in_lua, lineno = false, 0
for line in (text .. "\n"):gmatch("(.-)\n") do
  lineno = lineno + 1
  if not in_lua then
    if line:match("^```lua%s*$") then in_lua = true end
  elseif line:match("^```") then
    if #pending > 0 then fail(pending_line, "annotations at the end of a block describe nothing") end
    in_lua = false
  elseif line:match("^%-%-%-") then
    if #pending == 0 then pending_line = lineno end
    pending[#pending + 1] = line:gsub("%s+$", "")
  elseif line:match("^%s*$") then
    -- a blank line keeps the annotations for what follows
  else
    local name, params, rest = line:match("^([%a_][%w_]*[%.:][%w_%.:]*)%(([^()]*)%)%s*(.*)$")
    if not name and #pending > 0 then -- a global function (the test globals)
      name, params, rest = line:match("^([%a_][%w_]*)%(([^()]*)%)%s*(.*)$")
    end
    local comment = rest and rest:match("^%-%-%s*(.-)%s*$")
    local done = false
    if name and (rest == "" or comment) then
      done = declare_function(name, params, comment, lineno)
    end
    if not done then
      local lname = line:match("^local ([%a_][%w_]*) = {}%s*$")
      local vname, vrest = line:match("^([%a_][%w_%.]*)%s*(.*)$")
      local vcomment = vrest and (vrest == "" and "" or vrest:match("^%-%-%s*(.-)%s*$"))
      local typed = false
      for _, l in ipairs(pending) do typed = typed or l:match("^%-%-%-@type") ~= nil end
      if lname then
        declared[lname] = true
        local lines = take(nil)
        lines[#lines + 1] = line
        emit(lines)
      elseif vname and vcomment and typed then
        parents(vname, lineno)
        once(vname, lineno)
        local lines = take(vcomment)
        lines[#lines + 1] = vname .. " = nil"
        emit(lines)
      elseif #pending > 0 then
        fail(lineno, "annotations above a line that declares nothing: write the declaration "
          .. "(NAME(PARAMS), obj:method(PARAMS), NAME with ---@type, local NAME = {}) or remove them")
      end
    end
  end
end

local result = table.concat(out, "\n") .. "\n"
assert(load(result, "=" .. out_path), "the generated stubs do not parse")

if check then
  local cf = io.open(out_path, "r")
  local current = cf and cf:read("a")
  if cf then cf:close() end
  if current ~= result then
    io.stderr:write(("%s is not what %s describes: the two were edited apart.\n"
      .. "Describe the API in docs/lua-api.md, then run `%s` and commit both.\n"):format(out_path, doc_path, REGENERATE))
    os.exit(1)
  end
  print(("%s is up to date with %s"):format(out_path, doc_path))
else
  local wf = assert(io.open(out_path, "w"))
  wf:write(result)
  wf:close()
end
