-- The termly reflection checklist. Each term, leaders (and every new
-- mentoring pair) answer a few questions about how they lead; the
-- coordinator sees who has, and how many school days are left.
local M = {}

local BANK = {
  "What did you delegate this term, and what did it teach the person who took it?",
  "Whose leadership did you notice and name?",
  "Which decision would you make differently, and why?",
  "What did you learn from someone you mentor or who mentors you?",
  "What will you stop doing next term?",
}

local function ready()
  assert(baton.store.migrate {
    [[CREATE TABLE reflection_answers (term TEXT NOT NULL, person_id TEXT NOT NULL,
        question INTEGER NOT NULL, answer TEXT NOT NULL, date TEXT NOT NULL,
        PRIMARY KEY (term, person_id, question))]],
  })
end

-- The term holding today, or an error that says what to do.
local function this_term()
  local term = baton.terms.current()
  if not term then
    error("no term holds " .. baton.today() .. ": reflections belong to a term; "
      .. "import the school calendar with `baton terms import FILE`", 0)
  end
  return term
end

local function questions()
  return { table.unpack(BANK, 1, baton.settings.get("questions")) }
end

function M.prompt()
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
  local n = baton.settings.get("questions")
  if args.question > n then error(("this term asks %d questions; N must be 1 to %d"):format(n, n), 0) end
  assert(baton.store.exec([[INSERT INTO reflection_answers VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (term, person_id, question) DO UPDATE SET answer = excluded.answer, date = excluded.date]],
    term.name, args.person, args.question, args.text, baton.today()))
  baton.output({ term = term.name, person = args.person, question = args.question })
end

--- Who was asked this term (prompted by a hook, or who answered), with their answers.
local function status()
  ready()
  local term = this_term()
  local answered, ids = {}, {}
  for _, e in ipairs(baton.events.list { kind = "reflection.prompt", data = { term = term.name } }) do
    answered[e.subject] = answered[e.subject] or 0
  end
  for _, r in ipairs(assert(baton.store.query(
      "SELECT person_id, count(*) AS n FROM reflection_answers WHERE term = ? GROUP BY person_id", term.name))) do
    answered[r.person_id] = r.n
  end
  for id in pairs(answered) do ids[#ids + 1] = id end
  table.sort(ids)
  local people, n, rows = baton.people.get_many(ids), baton.settings.get("questions"), {}
  for _, id in ipairs(ids) do
    rows[#rows + 1] = { id = id, name = people[id] and people[id].name or id,
      answered = answered[id], done = answered[id] >= n }
  end
  return { term = term.name, questions = n, days_left = (baton.terms.school_days(baton.today(), term.to)),
    people = rows }
end

function M.status()
  baton.output(status(), function(v)
    baton.print(("%s: %d school days left, %d questions"):format(v.term, v.days_left, v.questions))
    for _, p in ipairs(v.people) do
      baton.print(("  %s %-20s %d/%d"):format(p.done and "[x]" or "[ ]", p.name, p.answered, v.questions))
    end
  end)
end

-- A new mentoring pair reflects too: both get this term's prompt.
baton.events.on("mentor.pair", function(e)
  local term = baton.terms.current()
  if not term then return end
  for _, id in ipairs { e.subject, e.data.mentor } do
    baton.events.log { kind = "reflection.prompt", subject = id, data = { term = term.name, pair = e.id } }
  end
end)

-- The page's data in `baton serve`; it depends on today, so it is never cached.
baton.http.route("GET", "/api/reflection/status", function()
  local ok, v = pcall(status)
  if not ok then return { error = { status = 404, message = v } }, 404 end
  return v
end, { cache = false })

return M
