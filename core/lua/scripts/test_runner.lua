local report, chunk, ns, grant = ...
local tests, befores, afters, started = {}, {}, {}, false
function test(name, fn)
  if type(name) ~= 'string' or type(fn) ~= 'function' then
    error('test(name, fn) takes a name and a function', 2)
  end
  tests[#tests + 1] = { name = name, fn = fn }
end
local function hook(list, what)
  return function(fn)
    if type(fn) ~= 'function' then error(what .. '(fn) takes a function', 2) end
    list[#list + 1] = fn
  end
end
before_each = hook(befores, 'before_each')
after_each = hook(afters, 'after_each')
function test_permissions(list)
  if started then
    error('test_permissions{...} belongs at the top of the test file, before any test runs', 2)
  end
  if type(list) ~= 'table' then
    error('test_permissions takes a list of permissions: test_permissions{ "fs.read" }', 2)
  end
  grant(list)
end
-- How a value is shown in a failure: baton.inspect (core/lua/scripts/
-- output.lua), cut short when long.
local inspect = baton.inspect
local function show(v)
  local s = inspect(v)
  return #s > 400 and s:sub(1, 400) .. ' ...' or s
end
local function equal(a, b)
  if a == b then return true end
  if type(a) ~= 'table' or type(b) ~= 'table' then return false end
  for k, v in pairs(a) do if not equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
local matchers = {}
function matchers.to_equal(v, x) return equal(v, x), 'equal ' .. show(x) end
function matchers.to_be(v, x) return rawequal(v, x), 'be ' .. show(x) end
function matchers.to_be_truthy(v) return not not v, 'be truthy' end
function matchers.to_be_falsy(v) return not v, 'be falsy' end
function matchers.to_be_nil(v) return v == nil, 'be nil' end
function matchers.to_match(v, p)
  return type(v) == 'string' and v:find(p) ~= nil, 'match ' .. show(p)
end
function matchers.to_contain(v, x)
  if type(v) == 'string' then
    return v:find(x, 1, true) ~= nil, 'contain ' .. show(x)
  end
  if type(v) == 'table' then
    for _, e in ipairs(v) do if equal(e, x) then return true, 'contain ' .. show(x) end end
  end
  return false, 'contain ' .. show(x)
end
function matchers.to_be_near(v, x, eps)
  eps = eps or 1e-9
  return type(v) == 'number' and math.abs(v - x) <= eps,
         'be within ' .. eps .. ' of ' .. show(x)
end
function matchers.to_fail(v, pattern)
  if type(v) ~= 'function' then return false, 'be a function that fails' end
  local ok, err = pcall(v)
  if ok then return false, 'fail' end
  if pattern and not tostring(err):find(pattern) then
    return false, 'fail with ' .. show(pattern) .. ' (it failed with ' .. show(tostring(err)) .. ')'
  end
  return true, 'fail'
end
local function expectation(v, negated)
  local e = {}
  for name, m in pairs(matchers) do
    e[name] = function(first, ...)
      local ok, what
      if first == e then ok, what = m(v, ...) else ok, what = m(v, first, ...) end
      if ok == negated then
        error(string.format('expected %s %sto %s', show(v),
          negated and 'not ' or '', what), 2)
      end
      return e
    end
  end
  if not negated then e.never = expectation(v, true) end
  return e
end
function expect(v) return expectation(v, false) end
function run_json(...)
  local args = table.pack(...)
  args[args.n + 1] = '--json'
  local r = run(table.unpack(args, 1, args.n + 1))
  if r.status ~= 0 then
    local e = baton.json.decode(r.err)
    e = type(e) == 'table' and type(e.error) == 'table' and e.error.message or r.err
    error(('%s %s exited %d: %s'):format(ns, table.concat(args, ' ', 1, args.n),
      r.status, e), 2)
  end
  return baton.json.decode(r.out), r
end
chunk()
started = true
if #tests == 0 then report(nil, false, 'the file declares no test(...)') end
-- Each test runs between the before_each and after_each functions, in the
-- order they were declared; a failing before_each skips the test, and an
-- after_each runs even when the test failed.
local function around(list, what)
  for _, fn in ipairs(list) do
    local ok, err = pcall(fn)
    if not ok then return false, what .. ': ' .. tostring(err) end
  end
  return true
end
for _, t in ipairs(tests) do
  report(t.name, 'begin')
  local ok, err = around(befores, 'before_each')
  if ok then ok, err = pcall(t.fn) end
  local ok2, err2 = around(afters, 'after_each')
  if ok and not ok2 then ok, err = ok2, err2 end
  report(t.name, ok, not ok and tostring(err) or nil)
end
