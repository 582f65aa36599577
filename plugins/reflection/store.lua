-- Everything the practice keeps, and the only module that touches the store.
--
-- A round keeps who was asked (the group as it was when the round opened,
-- each with their staff role then) and which statements, so a result
-- never changes because someone later moved team, changed role or a
-- statement was retired.
local checklist = require("checklist")

local M = {}

local function q(...) return assert(baton.store.query(...)) end
local function first(...)
  local row, err = baton.store.first(...)
  if err then error(err) end
  return row
end
local function exec(...) return assert(baton.store.exec(...)) end

function M.ready()
  assert(baton.store.migrate {
    -- Step 1 is a no-op on purpose: the tutorial's example plugin has the
    -- same name (it shadows this one when earlier on the path) and records
    -- its own table as step 1 of plugin/reflection. A database that ran it
    -- skips this step and still gets every table below.
    "SELECT 1",
    [[CREATE TABLE reflection_items (id INTEGER PRIMARY KEY, text TEXT NOT NULL, source TEXT,
        added TEXT NOT NULL, retired TEXT);
      CREATE TABLE reflection_rounds (id INTEGER PRIMARY KEY, grp TEXT NOT NULL, term TEXT NOT NULL,
        anonymous INTEGER NOT NULL, opened TEXT NOT NULL, closes TEXT, closed TEXT);
      CREATE TABLE reflection_round_items (round INTEGER NOT NULL REFERENCES reflection_rounds(id),
        item INTEGER NOT NULL REFERENCES reflection_items(id), pos INTEGER NOT NULL, PRIMARY KEY (round, item));
      CREATE TABLE reflection_members (round INTEGER NOT NULL REFERENCES reflection_rounds(id),
        person_id TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (round, person_id));
      CREATE TABLE reflection_scores (round INTEGER NOT NULL, person_id TEXT NOT NULL,
        item INTEGER NOT NULL, score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4), comment TEXT,
        at TEXT NOT NULL, PRIMARY KEY (round, person_id, item),
        FOREIGN KEY (round, person_id) REFERENCES reflection_members(round, person_id),
        FOREIGN KEY (round, item) REFERENCES reflection_round_items(round, item));
      CREATE UNIQUE INDEX reflection_rounds_one_open ON reflection_rounds(grp, term) WHERE closed IS NULL;]],
  })
  if not first("SELECT 1 AS x FROM reflection_items LIMIT 1") then
    baton.store.transaction(function()
      if first("SELECT 1 AS x FROM reflection_items LIMIT 1") then return end
      for _, it in ipairs(checklist.defaults) do
        exec("INSERT INTO reflection_items (text, source, added) VALUES (?, ?, ?)", it.text, it.source, baton.today())
      end
    end)
  end
end

-- ---- statements --------------------------------------------------------------

function M.items(all)
  return q("SELECT id, text, source, added, retired FROM reflection_items"
    .. (all and "" or " WHERE retired IS NULL") .. " ORDER BY id")
end

function M.item(id)
  return first("SELECT id, text, source, added, retired FROM reflection_items WHERE id = ?", id)
end

--- The statement whose text is `text`, ignoring case and outer spaces.
function M.item_by_text(text)
  return first("SELECT id, text, retired FROM reflection_items WHERE lower(trim(text)) = lower(trim(?))", text)
end

function M.add_item(text, source)
  return assert(baton.store.insert("INSERT INTO reflection_items (text, source, added) VALUES (?, ?, ?)",
    text, source, baton.today()))
end

function M.retire_item(id)
  exec("UPDATE reflection_items SET retired = ? WHERE id = ?", baton.today(), id)
end

-- ---- rounds --------------------------------------------------------------------

local ROUND = "SELECT id, grp AS \"group\", term, anonymous, opened, closes, closed FROM reflection_rounds"

-- A round as every module sees it: `anonymous` a boolean, and `open`
-- false once closed by hand or past its closing day.
local function shape(r)
  if not r then return nil end
  r.anonymous = r.anonymous == 1
  r.open = r.closed == nil and (r.closes == nil or r.closes >= baton.today())
  r.closed_on = r.closed or (not r.open and r.closes) or nil
  return r
end

-- The rounds of the school the code sees (a page asked, or a form run, by
-- a person of one school): a round is the schools' of its members (the
-- group as it was when it opened); every round when it sees every school.
local function seen(rows)
  if not baton.people.school() or #rows == 0 then return rows end
  local ours = {}
  for _, m in ipairs(assert(baton.people.keep(q("SELECT round, person_id FROM reflection_members"), "person_id"))) do
    ours[m.round] = true
  end
  local out = {}
  for _, r in ipairs(rows) do
    if ours[r.id] then out[#out + 1] = r end
  end
  return out
end

function M.round(id)
  return shape(seen({ first(ROUND .. " WHERE id = ?", id) })[1])
end

function M.rounds(group)
  local rows = seen(group and q(ROUND .. " WHERE grp = ? ORDER BY opened, id", group)
    or q(ROUND .. " ORDER BY opened, id"))
  for _, r in ipairs(rows) do shape(r) end
  return rows
end

--- The round of `group` still open in `term`, if any.
function M.open_round(group, term)
  return shape(first(ROUND .. " WHERE grp = ? AND term = ? AND closed IS NULL", group, term))
end

--- Opens a round in one transaction: the round, its statements and its
--- members. `check` runs first inside it (one open round per group and
--- term). Returns the new round's id.
function M.open(r, items, members, check)
  return baton.store.transaction(function()
    -- A round past its closing day is closed: record it, so the rule of one
    -- open round per group and term (an index) sees it closed too.
    exec("UPDATE reflection_rounds SET closed = closes WHERE closed IS NULL AND closes < ?", baton.today())
    check()
    local id = assert(baton.store.insert(
      "INSERT INTO reflection_rounds (grp, term, anonymous, opened, closes) VALUES (?, ?, ?, ?, ?)",
      r.group, r.term, r.anonymous and 1 or 0, baton.today(), r.closes))
    for pos, it in ipairs(items) do
      exec("INSERT INTO reflection_round_items (round, item, pos) VALUES (?, ?, ?)", id, it.id, pos)
    end
    for _, m in ipairs(members) do
      exec("INSERT INTO reflection_members (round, person_id, role) VALUES (?, ?, ?)", id, m.id, m.role)
    end
    return id
  end)
end

function M.close(id)
  exec("UPDATE reflection_rounds SET closed = ? WHERE id = ?", baton.today(), id)
end

--- The round's statements, in the order asked, retired ones included.
function M.round_items(id)
  return q([[SELECT i.id, i.text, i.source, i.retired FROM reflection_round_items r
      JOIN reflection_items i ON i.id = r.item WHERE r.round = ? ORDER BY r.pos]], id)
end

--- Who was asked, with their role then and their name now.
function M.members(id)
  return q([[SELECT m.person_id AS id, m.role, p.name FROM reflection_members m
      LEFT JOIN people p ON p.id = m.person_id WHERE m.round = ? ORDER BY m.person_id]], id)
end

function M.member(id, person)
  return first("SELECT person_id AS id, role FROM reflection_members WHERE round = ? AND person_id = ?", id, person)
end

--- Every score of the round: {person_id, role, item, score, comment}.
function M.scores(id)
  return q([[SELECT s.person_id, m.role, s.item, s.score, s.comment FROM reflection_scores s
      JOIN reflection_members m ON m.round = s.round AND m.person_id = s.person_id
      WHERE s.round = ? ORDER BY s.person_id, s.item]], id)
end

--- One person's scores in a round, keyed by item.
function M.own(id, person)
  local mine = {}
  for _, r in ipairs(q("SELECT item, score, comment FROM reflection_scores WHERE round = ? AND person_id = ?",
      id, person)) do
    mine[r.item] = r
  end
  return mine
end

--- Saves a person's scores and comments (keyed by item) in one transaction;
--- `check` runs first inside it, so a round closed meanwhile is refused.
function M.answer(id, person, scores, comments, check)
  baton.store.transaction(function()
    check()
    local at = baton.today()
    for item, score in pairs(scores) do
      exec([[INSERT INTO reflection_scores (round, person_id, item, score, at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (round, person_id, item) DO UPDATE SET score = excluded.score, at = excluded.at]], id, person, item, score, at)
    end
    for item, text in pairs(comments) do
      exec("UPDATE reflection_scores SET comment = ? WHERE round = ? AND person_id = ? AND item = ?",
        text ~= "" and text or nil, id, person, item)
    end
  end)
end

--- Rounds of `group` closed before round `r` was opened, newest last.
function M.earlier(r)
  local out = {}
  for _, x in ipairs(M.rounds(r.group)) do
    if x.id ~= r.id and not x.open and (x.opened < r.opened or (x.opened == r.opened and x.id < r.id)) then
      out[#out + 1] = x
    end
  end
  return out
end

return M
