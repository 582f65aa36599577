-- The termly reflection checklist on the kit before issue 18: its own
-- calendar, its own settings, and a poll of the event log for new pairs.
local M = {}

local BANK = {
  "What did you delegate this term, and what did it teach the person who took it?",
  "Whose leadership did you notice and name?",
  "Which decision would you make differently, and why?",
  "What did you learn from someone you mentor or who mentors you?",
  "What will you stop doing next term?",
}
local SETTINGS = { questions = { default = 3, min = 1, max = 5 } }

local function ready()
  assert(baton.store.migrate {
    [[CREATE TABLE reflection_answers (term TEXT NOT NULL, person_id TEXT NOT NULL,
        question INTEGER NOT NULL, answer TEXT NOT NULL, date TEXT NOT NULL,
        PRIMARY KEY (term, person_id, question));
      CREATE TABLE reflection_terms (name TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
        closure INTEGER NOT NULL);
      CREATE TABLE reflection_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE reflection_prompts (term TEXT NOT NULL, person_id TEXT NOT NULL,
        PRIMARY KEY (term, person_id));
      CREATE TABLE reflection_seen (id INTEGER NOT NULL)]],
  })
end

-- Settings: the plugin's own table, checked by hand.
local function setting(key)
  local row, err = baton.store.first("SELECT value FROM reflection_settings WHERE key = ?", key)
  if err then error(err) end
  return row and math.tointeger(tonumber(row.value)) or SETTINGS[key].default
end

function M.config(args)
  ready()
  if not args.key then
    local all = {}
    for key in pairs(SETTINGS) do all[key] = setting(key) end
    return baton.output(all)
  end
  local spec = SETTINGS[args.key]
  if not spec then error(("no setting '%s'; the settings are: questions"):format(args.key), 0) end
  if args.value == nil then return baton.output({ [args.key] = setting(args.key) }) end
  local n = math.tointeger(tonumber(args.value))
  if not n or n < spec.min or n > spec.max then
    error(("%s must be a whole number from %d to %d, got '%s'"):format(args.key, spec.min, spec.max, args.value), 0)
  end
  assert(baton.store.exec("INSERT OR REPLACE INTO reflection_settings VALUES (?, ?)", args.key, tostring(n)))
  baton.output({ [args.key] = n })
end

-- The school calendar: the plugin's own copy, imported from a CSV.
function M.terms(args)
  ready()
  local rows, lines = baton.csv.decode(assert(baton.fs.read(args.file)), args.file)
  if not rows then error(lines, 0) end
  local header = table.concat(rows[1] or {}, ",")
  if header ~= "name,start,end,kind" then
    error(args.file .. ":1: the header must be name,start,end,kind, got " .. header, 0)
  end
  baton.store.transaction(function()
    assert(baton.store.exec("DELETE FROM reflection_terms"))
    for i = 2, #rows do
      local name, from, to, kind = table.unpack(rows[i])
      if not (baton.date.valid(from) and baton.date.valid(to) and from <= to) then
        error(("%s:%d: start and end must be dates YYYY-MM-DD, start first"):format(args.file, lines[i]), 0)
      end
      if kind ~= "term" and kind ~= "closure" then
        error(("%s:%d: kind must be term or closure, got '%s'"):format(args.file, lines[i], tostring(kind)), 0)
      end
      assert(baton.store.exec("INSERT INTO reflection_terms VALUES (?, ?, ?, ?)", name, from, to,
        kind == "closure" and 1 or 0))
    end
  end)
  baton.output({ imported = #rows - 1 })
end

local function term_of(date)
  local term, err = baton.store.first(
    "SELECT name, start, end FROM reflection_terms WHERE closure = 0 AND ? BETWEEN start AND end", date)
  if err then error(err) end
  return term
end

local function school_days(from, to)
  local closures = assert(baton.store.query("SELECT start, end FROM reflection_terms WHERE closure = 1"))
  local n, day = 0, from
  while day <= to do
    local open = baton.date.weekday(day) <= 5 and term_of(day) ~= nil
    for _, c in ipairs(closures) do
      if day >= c.start and day <= c["end"] then open = false end
    end
    if open then n = n + 1 end
    day = baton.date.add(day, 1)
  end
  return n
end

local function this_term()
  local term = term_of(baton.today())
  if not term then
    error("no term holds " .. baton.today() .. ": reflections belong to a term; "
      .. "import the school calendar with `baton reflect terms FILE`", 0)
  end
  return term
end

local function questions()
  return { table.unpack(BANK, 1, setting("questions")) }
end

-- No hooks: every status reads the mentoring pairs logged since the last
-- one it saw, and prompts both people of each for the current term (a pair
-- made late in a term and first seen in the next is prompted in the next).
local function poll(term)
  local seen = assert(baton.store.first("SELECT max(id) AS id FROM reflection_seen")).id or 0
  local last = seen
  baton.store.transaction(function()
    for _, e in ipairs(baton.events.list { kind = "mentor.pair" }) do
      if e.id > seen and type(e.data) == "table" then
        for _, id in ipairs { e.subject, e.data.mentor } do
          assert(baton.store.exec("INSERT OR IGNORE INTO reflection_prompts VALUES (?, ?)", term.name, id))
        end
      end
      last = math.max(last, e.id)
    end
    assert(baton.store.exec("INSERT INTO reflection_seen VALUES (?)", last))
  end)
end

function M.prompt()
  ready()
  local term = this_term()
  baton.output({ term = term.name, questions = questions() }, function(v)
    baton.print(v.term .. ":")
    for i, q in ipairs(v.questions) do baton.print(("  %d. %s"):format(i, q)) end
  end)
end

function M.answer(args)
  ready()
  local term = this_term()
  if not baton.people.get(args.person) then
    error(("PERSON '%s' is not in the staff list; see `baton people list`"):format(args.person), 0)
  end
  local n = setting("questions")
  if args.question < 1 or args.question > n then
    error(("this term asks %d questions; N must be 1 to %d"):format(n, n), 0)
  end
  assert(baton.store.exec([[INSERT INTO reflection_answers VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (term, person_id, question) DO UPDATE SET answer = excluded.answer, date = excluded.date]],
    term.name, args.person, args.question, args.text, baton.today()))
  baton.output({ term = term.name, person = args.person, question = args.question })
end

local function status()
  ready()
  local term = this_term()
  poll(term)
  local answered, ids = {}, {}
  for _, r in ipairs(assert(baton.store.query("SELECT person_id FROM reflection_prompts WHERE term = ?", term.name))) do
    answered[r.person_id] = 0
  end
  for _, r in ipairs(assert(baton.store.query(
      "SELECT person_id, count(*) AS n FROM reflection_answers WHERE term = ? GROUP BY person_id", term.name))) do
    answered[r.person_id] = r.n
  end
  for id in pairs(answered) do ids[#ids + 1] = id end
  table.sort(ids)
  local n, rows = setting("questions"), {}
  for _, id in ipairs(ids) do
    local p = baton.people.get(id)
    rows[#rows + 1] = { id = id, name = p and p.name or id, answered = answered[id], done = answered[id] >= n }
  end
  return { term = term.name, questions = n, days_left = school_days(baton.today(), term["end"]), people = rows }
end

function M.status()
  baton.output(status(), function(v)
    baton.print(("%s: %d school days left, %d questions"):format(v.term, v.days_left, v.questions))
    for _, p in ipairs(v.people) do
      baton.print(("  %s %-20s %d/%d"):format(p.done and "[x]" or "[ ]", p.name, p.answered, v.questions))
    end
  end)
end

baton.http.route("GET", "/api/reflection/status", function()
  local ok, v = pcall(status)
  if not ok then return { error = { status = 404, message = v } }, 404 end
  return v
end, { cache = false })

return M
