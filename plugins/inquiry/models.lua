-- The inquiry models: the named phases a cycle moves through.
--
-- Two come with baton. The spiral of inquiry (Timperley, Kaser and
-- Halbert, 2014) starts from what is going on for the learners and keeps
-- checking whether what the team did made enough of a difference;
-- plan-do-study-act (Deming, Langley et al.) is the improvement cycle of
-- small tests of change. A school declares its own with `inquiry models
-- import` (store.lua keeps them); a school model of the same name as a
-- built-in one takes its place. Pure: no store, no output.

local M = {}

M.builtin = {
  {
    name = "spiral", title = "The spiral of inquiry",
    phases = {
      { name = "scanning", purpose = "What is going on for our learners? Look widely, with the learners' own view." },
      { name = "focusing", purpose = "Choose where to concentrate: the area that will make the most difference." },
      { name = "developing a hunch", purpose = "How are we contributing to the situation? Say it plainly, and test it." },
      { name = "learning", purpose = "What do we need to learn, and how, to do something different?" },
      { name = "taking action", purpose = "Try the new practice in classrooms, together." },
      { name = "checking", purpose = "Have we made enough of a difference? For whom, and how do we know?" },
    },
  },
  {
    name = "pdsa", title = "Plan-do-study-act",
    phases = {
      { name = "plan", purpose = "The change to test, what we predict, and the data that will tell us." },
      { name = "do", purpose = "Run the test on a small scale; note what happens and what surprises." },
      { name = "study", purpose = "Compare the data with the prediction: what did we learn?" },
      { name = "act", purpose = "Adopt, adapt or abandon the change; plan the next cycle." },
    },
  },
}

-- Words are compared lower-case, with punctuation and runs of spaces read
-- as one space.
local function words(s)
  return (tostring(s or ""):lower():gsub("[^%w]+", " "):gsub("^ +", ""):gsub(" +$", ""))
end
M.words = words

--- Every model by name: the built-in ones, then the school's (`school`, a
--- list of {name, title?, phases}), which replace a built-in one of the
--- same name.
function M.all(school)
  local out, at = {}, {}
  for _, m in ipairs(M.builtin) do
    out[#out + 1] = { name = m.name, title = m.title, phases = m.phases, builtin = true }
    at[m.name] = #out
  end
  for _, m in ipairs(school or {}) do
    local entry = { name = m.name, title = m.title or m.name, phases = m.phases, builtin = false }
    if at[m.name] then out[at[m.name]] = entry else
      out[#out + 1] = entry
      at[m.name] = #out
    end
  end
  return out
end

--- The model called `name` among `all`, or nil and an error naming the
--- models there are.
function M.find(all, name)
  local names = {}
  for _, m in ipairs(all) do
    if words(m.name) == words(name) then return m end
    names[#names + 1] = m.name
  end
  local near = baton.suggest(words(name), names)
  return nil, ("there is no inquiry model '%s'%s; the models are %s (`baton inquiry models` lists their "
    .. "phases; `baton inquiry models import --file FILE` adds the school's own)"):format(name,
      near and (" (did you mean '" .. near .. "'?)") or "", table.concat(names, ", "))
end

--- The phase of a cycle named `given` (a number, or a name or its start),
--- among `phases` ({pos, name}...), or nil and an error naming them all.
---@return table|nil phase, string? err
function M.phase(phases, given, model)
  local w = words(given)
  local n = math.tointeger(tonumber(w))
  local names = {}
  for _, p in ipairs(phases) do names[#names + 1] = ("%d %s"):format(p.pos, p.name) end
  local list = table.concat(names, ", ")
  if n then
    for _, p in ipairs(phases) do
      if p.pos == n then return p end
    end
    return nil, ("there is no phase %d: the %s model has %d phases: %s"):format(n, model, #phases, list)
  end
  local found = {}
  for _, p in ipairs(phases) do
    if words(p.name) == w then return p end
    if #w >= 2 and words(p.name):sub(1, #w) == w then found[#found + 1] = p end
  end
  if #found == 1 then return found[1] end
  local plain = {}
  for _, p in ipairs(phases) do plain[#plain + 1] = p.name end
  local near = baton.suggest(w, plain)
  return nil, ("there is no phase '%s' in the %s model%s; its phases are %s"):format(tostring(given), model,
    near and (" (did you mean '" .. near .. "'?)") or "", list)
end

--- The school's models from CSV rows (header model,phase[,purpose]), or
--- raises naming the file and line. `rows` and `lines` are what
--- baton.csv.decode returns.
function M.parse(rows, lines, path)
  local header = rows[1] or {}
  local col = {}
  for k, name in ipairs(header) do col[words(name)] = k end
  if not col.model or not col.phase then
    error(("%s:1: the header must name the columns 'model' and 'phase' (and may name 'purpose'); found '%s'")
      :format(path, table.concat(header, ",")), 0)
  end
  local out, by = {}, {}
  for i = 2, #rows do
    local where = ("%s:%d"):format(path, lines[i])
    local name = words(rows[i][col.model])
    local ph = (rows[i][col.phase] or ""):match("^%s*(.-)%s*$")
    if name == "" then error(where .. ": the model's name is empty; give each phase's row its model", 0) end
    if ph == "" then error(where .. ": the phase's name is empty", 0) end
    if utf8.len(ph) == nil or utf8.len(ph) > 60 then
      error(where .. ": a phase's name is UTF-8 text of at most 60 characters", 0)
    end
    if math.tointeger(tonumber(words(ph))) then
      error(("%s: a phase may not be named by a number ('%s'): phases are also named by their position"):format(where, ph), 0)
    end
    local m = by[name]
    if not m then
      m = { name = name, phases = {}, seen = {} }
      by[name] = m
      out[#out + 1] = m
    end
    if m.seen[words(ph)] then
      error(("%s: model '%s' has the phase '%s' already (line %d)"):format(where, name, ph, m.seen[words(ph)]), 0)
    end
    m.seen[words(ph)] = lines[i]
    local purpose = col.purpose and rows[i][col.purpose] or nil
    m.phases[#m.phases + 1] = { name = ph, purpose = purpose ~= "" and purpose or nil }
  end
  if #out == 0 then error(path .. ": no phases: give one row per phase, in order, under model,phase", 0) end
  for _, m in ipairs(out) do
    m.seen = nil
    if #m.phases < 2 then
      error(("%s: model '%s' has one phase; an inquiry cycle needs at least two"):format(path, m.name), 0)
    end
  end
  return out
end

return M
