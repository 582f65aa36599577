-- The optional link from a thank-you to the practice it belongs to, in
-- one of three small forms (docs/practices/recognition.md, "Links"):
--
--   group:NAME               a group of the store: a PLC, a team, a committee
--   change:INITIATIVE/STEP   a change step: the initiative's short name or
--                            number (as `baton change` names it), step 1-8
--   pair:MENTOR/MENTEE       a mentoring pair: two people of the staff list
--
-- A group and the people of a pair are checked against the store; a change
-- step's initiative belongs to the change practice, so only its form is
-- checked (a short name of letters, digits and -, or a number).
local M = {}

M.forms = "group:NAME (a PLC, a team), change:INITIATIVE/STEP (step 1 to 8) or pair:MENTOR/MENTEE"

local function fail(raw, fmt, ...)
  error(("--link '%s': " .. fmt):format(raw, ...), 0)
end

local function group(raw, name)
  local names = {}
  for _, g in ipairs(baton.groups.list() or {}) do
    if g.name == name then return "group:" .. name end
    names[#names + 1] = g.name
  end
  local near = baton.suggest(name, names)
  fail(raw, "there is no group '%s'%s; `baton groups list` shows them", name,
    near and (" (did you mean '" .. near .. "'?)") or "")
end

local function change(raw, rest)
  local initiative, step = rest:match("^([%w%-]+)/(%d+)$")
  step = math.tointeger(tonumber(step))
  if not initiative or #initiative > 30 or not step then
    fail(raw, "write change:INITIATIVE/STEP, e.g. change:literacy/3 (the initiative's short name or number)")
  end
  if step < 1 or step > 8 then fail(raw, "step %d: a change has steps 1 to 8", step) end
  initiative = initiative:lower()
  return ("change:%s/%d"):format(initiative, step)
end

local function pair(raw, rest)
  local a, b = rest:match("^%s*([^/]-)%s*/%s*([^/]-)%s*$")
  if not a or a == "" or b == "" then fail(raw, "write pair:MENTOR/MENTEE with their ids, e.g. pair:T006/T020") end
  local people = baton.people.get_many({ a, b }) or {}
  for _, id in ipairs({ a, b }) do
    if not people[id] then fail(raw, "'%s' is not in the staff list; see `baton people list`", id) end
  end
  if a == b then fail(raw, "a pair is two people; %s is named twice", a) end
  return ("pair:%s/%s"):format(a, b)
end

--- The link as stored; nil for no link. Raises a
--- message naming what was wrong and the three forms.
function M.check(raw)
  if raw == nil then return nil end
  local text = tostring(raw):match("^%s*(.-)%s*$")
  if text == "" then return nil end
  if #text > 120 then fail(text:sub(1, 40) .. "...", "%d bytes; a link is at most 120", #text) end
  local kind, rest = text:match("^(%a+):%s*(.+)$")
  kind = kind and kind:lower()
  if kind == "group" then return group(text, rest) end
  if kind == "change" then return change(text, rest) end
  if kind == "pair" then return pair(text, rest) end
  fail(text, "write %s", M.forms)
end

--- How a stored link reads on the board; `people` (id -> person, may be
--- nil) names a pair's two people.
function M.label(stored, people)
  if not stored then return nil end
  local kind, rest = stored:match("^(%a+):(.*)$")
  if kind == "group" then return rest end
  if kind == "change" then
    local i, s = rest:match("^(.-)/(%d+)$")
    return ("change %s, step %s"):format(i, s)
  end
  if kind == "pair" then
    local a, b = rest:match("^(.-)/(.*)$")
    local pa, pb = people and people[a], people and people[b]
    return ("mentoring pair %s and %s"):format(pa and pa.name or a, pb and pb.name or b)
  end
  return stored
end

return M
