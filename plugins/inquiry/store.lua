-- Everything the practice keeps, and the only module that touches the store.
--
-- A cycle copies its model's phases when it opens, so a model imported
-- later never changes a cycle under way. Evidence, meetings and data
-- reviews each belong to one phase of one cycle; a finding belongs to the
-- cycle, and a cycle opened from another's findings names it (`parent`).
local M = {}

local function q(...) return assert(baton.store.query(...)) end
local function first(...)
  local row, err = baton.store.first(...)
  if err then error(err) end
  return row
end
local function exec(...) return assert(baton.store.exec(...)) end
local function insert(...) return assert(baton.store.insert(...)) end

function M.ready()
  assert(baton.store.migrate {
    [[CREATE TABLE inquiry_models (model TEXT NOT NULL, pos INTEGER NOT NULL, phase TEXT NOT NULL, purpose TEXT,
        PRIMARY KEY (model, pos));
      CREATE TABLE inquiry_cycles (id INTEGER PRIMARY KEY, grp TEXT NOT NULL, question TEXT NOT NULL,
        topic TEXT, model TEXT NOT NULL, lead TEXT, opened TEXT NOT NULL, closed TEXT,
        current INTEGER NOT NULL DEFAULT 1, parent INTEGER REFERENCES inquiry_cycles(id));
      CREATE TABLE inquiry_phases (cycle INTEGER NOT NULL REFERENCES inquiry_cycles(id), pos INTEGER NOT NULL,
        name TEXT NOT NULL, purpose TEXT, started TEXT, done TEXT, PRIMARY KEY (cycle, pos));
      CREATE TABLE inquiry_owners (cycle INTEGER NOT NULL, pos INTEGER NOT NULL, person TEXT NOT NULL,
        PRIMARY KEY (cycle, pos, person), FOREIGN KEY (cycle, pos) REFERENCES inquiry_phases(cycle, pos));
      CREATE TABLE inquiry_evidence (id INTEGER PRIMARY KEY, cycle INTEGER NOT NULL, pos INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('note', 'data', 'review')), date TEXT NOT NULL, text TEXT NOT NULL,
        link TEXT, decided TEXT, summary TEXT, by TEXT,
        FOREIGN KEY (cycle, pos) REFERENCES inquiry_phases(cycle, pos));
      CREATE TABLE inquiry_meetings (id INTEGER PRIMARY KEY, cycle INTEGER NOT NULL, pos INTEGER NOT NULL,
        date TEXT NOT NULL, minutes INTEGER NOT NULL CHECK (minutes > 0), protected INTEGER NOT NULL,
        notes TEXT, by TEXT, FOREIGN KEY (cycle, pos) REFERENCES inquiry_phases(cycle, pos));
      CREATE TABLE inquiry_findings (cycle INTEGER NOT NULL REFERENCES inquiry_cycles(id), n INTEGER NOT NULL,
        text TEXT NOT NULL, PRIMARY KEY (cycle, n));
      CREATE INDEX inquiry_cycles_grp ON inquiry_cycles(grp);]],
  })
end

-- ---- models --------------------------------------------------------------------

--- The school's models: {name, phases = {{name, purpose}}}, by name.
function M.models()
  local out, by = {}, {}
  for _, r in ipairs(q("SELECT model, pos, phase, purpose FROM inquiry_models ORDER BY model, pos")) do
    local m = by[r.model]
    if not m then
      m = { name = r.model, phases = {} }
      by[r.model] = m
      out[#out + 1] = m
    end
    m.phases[#m.phases + 1] = { name = r.phase, purpose = r.purpose }
  end
  return out
end

--- Adds or replaces the given models, in one transaction.
function M.save_models(list)
  baton.store.transaction(function()
    for _, m in ipairs(list) do
      exec("DELETE FROM inquiry_models WHERE model = ?", m.name)
      for pos, p in ipairs(m.phases) do
        exec("INSERT INTO inquiry_models (model, pos, phase, purpose) VALUES (?, ?, ?, ?)", m.name, pos, p.name,
          p.purpose)
      end
    end
  end)
end

-- ---- cycles --------------------------------------------------------------------

local CYCLE = [[SELECT id, grp AS "group", question, topic, model, lead, opened, closed, current, parent
  FROM inquiry_cycles]]

local function shape(c)
  if c then c.open = c.closed == nil end
  return c
end

-- The cycles of the school the code sees (a page asked, or a form run, by
-- a person of one school): a cycle is its group's schools' (the groups
-- baton.groups.list shows it) and its lead's; every cycle when it sees
-- every school.
local function seen(rows)
  if not baton.people.school() or #rows == 0 then return rows end
  local groups = {}
  for _, g in ipairs(baton.groups.list()) do groups[g.name] = true end
  local led = {}
  for _, c in ipairs(assert(baton.people.keep(rows, "lead"))) do led[c.id] = true end
  local out = {}
  for _, c in ipairs(rows) do
    if groups[c.group] or led[c.id] then out[#out + 1] = c end
  end
  return out
end

function M.cycle(id)
  return shape(seen({ first(CYCLE .. " WHERE id = ?", id) })[1])
end

--- Cycles, oldest first: of `group` only when given, open ones only when `open`.
function M.cycles(group, open)
  local where, params = {}, {}
  if group then
    where[#where + 1] = "grp = ?"
    params[#params + 1] = group
  end
  if open then where[#where + 1] = "closed IS NULL" end
  local rows = q(CYCLE .. (#where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "") .. " ORDER BY opened, id",
    table.unpack(params))
  rows = seen(rows)
  for _, c in ipairs(rows) do shape(c) end
  return rows
end

--- The cycle opened from cycle `id`'s findings, if any.
function M.child(id)
  return first("SELECT id, question FROM inquiry_cycles WHERE parent = ? ORDER BY id LIMIT 1", id)
end

--- Opens a cycle with its phases in one transaction; `check` runs first
--- inside it. Returns the new id.
function M.open(c, phases, check)
  return baton.store.transaction(function()
    if check then check() end
    local id = insert([[INSERT INTO inquiry_cycles (grp, question, topic, model, lead, opened, current, parent)
        VALUES (?, ?, ?, ?, ?, ?, 1, ?)]], c.group, c.question, c.topic, c.model, c.lead, c.opened, c.parent)
    for pos, p in ipairs(phases) do
      exec("INSERT INTO inquiry_phases (cycle, pos, name, purpose, started) VALUES (?, ?, ?, ?, ?)", id, pos, p.name,
        p.purpose, pos == 1 and c.opened or nil)
    end
    return id
  end)
end

--- A cycle's phases in order, each with its owners (ids).
function M.phases(id)
  local rows = q("SELECT pos, name, purpose, started, done FROM inquiry_phases WHERE cycle = ? ORDER BY pos", id)
  local at = {}
  for _, p in ipairs(rows) do
    p.owners = {}
    at[p.pos] = p
  end
  for _, o in ipairs(q("SELECT pos, person FROM inquiry_owners WHERE cycle = ? ORDER BY pos, person", id)) do
    table.insert(at[o.pos].owners, o.person)
  end
  return rows
end

--- Changes phase `pos` of cycle `id` in one transaction, `check` first:
--- its owners when `u.owners` is not empty (replacing them), marked done
--- on `u.done` when given, then the cycle moves to phase `u.move_to`
--- (started on `u.date` if it had not started).
function M.update_phase(id, pos, u, check)
  baton.store.transaction(function()
    if check then check() end
    if #u.owners > 0 then
      exec("DELETE FROM inquiry_owners WHERE cycle = ? AND pos = ?", id, pos)
      for _, person in ipairs(u.owners) do
        exec("INSERT INTO inquiry_owners (cycle, pos, person) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", id, pos, person)
      end
    end
    if u.done then
      exec("UPDATE inquiry_phases SET done = ?, started = coalesce(started, ?) WHERE cycle = ? AND pos = ?", u.done,
        u.done, id, pos)
    end
    exec("UPDATE inquiry_cycles SET current = ? WHERE id = ?", u.move_to, id)
    exec("UPDATE inquiry_phases SET started = ? WHERE cycle = ? AND pos = ? AND started IS NULL", u.date, id,
      u.move_to)
  end)
end

--- Closes the cycle with its findings and, when `next` is given (a
--- cycle as M.open takes it, with `next.phases`), opens the cycle they
--- lead to, all in one transaction; `check` runs first. Returns the next
--- cycle's id, if any.
function M.close(id, date, findings, check, next)
  return baton.store.transaction(function()
    if check then check() end
    exec("UPDATE inquiry_cycles SET closed = ? WHERE id = ?", date, id)
    for n, text in ipairs(findings) do
      exec("INSERT INTO inquiry_findings (cycle, n, text) VALUES (?, ?, ?)", id, n, text)
    end
    if next then return M.open(next, next.phases) end
  end)
end

function M.findings(id)
  return q("SELECT n, text FROM inquiry_findings WHERE cycle = ? ORDER BY n", id)
end

-- ---- evidence, data reviews, meetings ---------------------------------------------

--- Adds a piece of evidence: e = {cycle, pos, kind, date, text, link?,
--- decided?, summary?, by?}; `check` runs first, in the same transaction
--- (the cycle is still open). Returns its id.
function M.add_evidence(e, check)
  return baton.store.transaction(function()
    check()
    return insert([[INSERT INTO inquiry_evidence (cycle, pos, kind, date, text, link, decided, summary, by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)]], e.cycle, e.pos, e.kind, e.date, e.text, e.link, e.decided,
    e.summary and baton.json.encode(e.summary) or nil, e.by)
  end)
end

--- A cycle's evidence, oldest first; `summary` decoded.
function M.evidence(id)
  local rows = q([[SELECT id, pos, kind, date, text, link, decided, summary, by FROM inquiry_evidence
      WHERE cycle = ? ORDER BY date, id]], id)
  for _, e in ipairs(rows) do
    if e.summary then e.summary = baton.json.decode(e.summary) end
  end
  return rows
end

--- Adds a meeting, `check` first in the same transaction. Returns its id.
function M.add_meeting(m, check)
  return baton.store.transaction(function()
    check()
    return insert([[INSERT INTO inquiry_meetings (cycle, pos, date, minutes, protected, notes, by)
        VALUES (?, ?, ?, ?, ?, ?, ?)]], m.cycle, m.pos, m.date, m.minutes, m.protected and 1 or 0, m.notes, m.by)
  end)
end

function M.meetings(id)
  local rows = q([[SELECT id, pos, date, minutes, protected, notes, by FROM inquiry_meetings
      WHERE cycle = ? ORDER BY date, id]], id)
  for _, m in ipairs(rows) do m.protected = m.protected == 1 end
  return rows
end

return M
