-- Everything the expertise map keeps, and the only module that touches the
-- store: the school's vocabulary (default terms, its own, synonyms), what
-- people declare (strengths, and what they want to grow in), colleagues'
-- endorsements, the evidence the practices log (one row per event, person
-- and tag, so a hook run twice records it once), and the school's needs.
local vocab = require("vocab")

local M = {}

local function q(...) return assert(baton.store.query(...)) end
local function first(...)
  local row, err = baton.store.first(...)
  if err then error(err, 0) end
  return row
end
local function exec(...) return assert(baton.store.exec(...)) end

function M.ready()
  assert(baton.store.migrate {
    [[CREATE TABLE expertise_terms (term TEXT PRIMARY KEY, origin TEXT NOT NULL, added TEXT NOT NULL,
        retired TEXT);
      CREATE TABLE expertise_synonyms (word TEXT PRIMARY KEY, term TEXT NOT NULL REFERENCES expertise_terms(term));
      CREATE TABLE expertise_claims (person_id TEXT NOT NULL, tag TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('strength', 'want')), since TEXT NOT NULL,
        PRIMARY KEY (person_id, tag, kind));
      CREATE TABLE expertise_endorsements (person_id TEXT NOT NULL, tag TEXT NOT NULL, by_id TEXT NOT NULL,
        at TEXT NOT NULL, PRIMARY KEY (person_id, tag, by_id), CHECK (person_id <> by_id));
      CREATE TABLE expertise_evidence (id INTEGER PRIMARY KEY, person_id TEXT NOT NULL, tag TEXT NOT NULL,
        what TEXT NOT NULL, plugin TEXT NOT NULL, event_id INTEGER, at TEXT NOT NULL,
        UNIQUE (event_id, person_id, tag));
      CREATE INDEX expertise_evidence_tag ON expertise_evidence(tag);
      CREATE TABLE expertise_needs (tag TEXT PRIMARY KEY, why TEXT, initiative TEXT, added TEXT NOT NULL);]],
  })
  if not first("SELECT 1 AS x FROM expertise_terms LIMIT 1") then
    baton.store.transaction(function()
      if first("SELECT 1 AS x FROM expertise_terms LIMIT 1") then return end
      for _, row in ipairs(vocab.defaults) do
        exec("INSERT INTO expertise_terms (term, origin, added) VALUES (?, 'default', ?)", row[1], baton.today())
        for k = 2, #row do
          exec("INSERT INTO expertise_synonyms (word, term) VALUES (?, ?)", row[k], row[1])
        end
      end
    end)
  end
end

-- ---- the vocabulary -------------------------------------------------------

--- The vocabulary as vocab.resolve reads it: terms in use, synonyms, and
--- the subjects of the staff list (left out with `no_subjects`: the hook
--- keeps any tag, so it need not read every person for each event).
function M.vocabulary(no_subjects)
  local v = { terms = {}, synonyms = {}, subjects = {} }
  for _, r in ipairs(q("SELECT term FROM expertise_terms WHERE retired IS NULL")) do v.terms[r.term] = true end
  for _, r in ipairs(q([[SELECT s.word, s.term FROM expertise_synonyms s
      JOIN expertise_terms t ON t.term = s.term WHERE t.retired IS NULL]])) do
    v.synonyms[r.word] = r.term
  end
  for _, p in ipairs(no_subjects and {} or baton.people.find {}) do
    for _, s in ipairs(p.subjects or {}) do
      local t = vocab.normal(s)
      if t then v.subjects[t] = true end
    end
  end
  return v
end

function M.terms(all)
  local rows = q("SELECT term, origin, added, retired FROM expertise_terms"
    .. (all and "" or " WHERE retired IS NULL") .. " ORDER BY term")
  local syn = {}
  for _, r in ipairs(q("SELECT word, term FROM expertise_synonyms ORDER BY word")) do
    syn[r.term] = syn[r.term] or {}
    table.insert(syn[r.term], r.word)
  end
  for _, r in ipairs(rows) do r.synonyms = syn[r.term] or {} end
  return rows
end

function M.term(t)
  return first("SELECT term, origin, added, retired FROM expertise_terms WHERE term = ?", t)
end

function M.synonym(word)
  return first("SELECT word, term FROM expertise_synonyms WHERE word = ?", word)
end

function M.add_term(t)
  exec([[INSERT INTO expertise_terms (term, origin, added) VALUES (?, 'school', ?)
      ON CONFLICT (term) DO UPDATE SET retired = NULL]], t, baton.today())
end

function M.retire_term(t)
  exec("UPDATE expertise_terms SET retired = ? WHERE term = ?", baton.today(), t)
end

function M.add_synonym(word, t)
  exec("INSERT INTO expertise_synonyms (word, term) VALUES (?, ?)", word, t)
end

-- ---- claims and endorsements ----------------------------------------------

--- Adds (or, with `remove`, takes away) claims of one kind for a person.
--- Returns the tags that changed.
function M.claim(person, tags, kind, remove)
  local changed = {}
  baton.store.transaction(function()
    for _, t in ipairs(tags) do
      local n
      if remove then
        n = exec("DELETE FROM expertise_claims WHERE person_id = ? AND tag = ? AND kind = ?", person, t, kind)
      else
        n = exec("INSERT INTO expertise_claims (person_id, tag, kind, since) VALUES (?, ?, ?, ?) "
          .. "ON CONFLICT DO NOTHING", person, t, kind, baton.today())
      end
      if n > 0 then changed[#changed + 1] = t end
    end
  end)
  return changed
end

function M.claims(kind, person)
  if person then
    return q("SELECT person_id, tag, since FROM expertise_claims WHERE kind = ? AND person_id = ? ORDER BY tag",
      kind, person)
  end
  return q("SELECT person_id, tag, since FROM expertise_claims WHERE kind = ? ORDER BY tag, person_id", kind)
end

--- Records an endorsement; false when it was there already (with its date).
function M.endorse(person, tag, by)
  local had = first("SELECT at FROM expertise_endorsements WHERE person_id = ? AND tag = ? AND by_id = ?",
    person, tag, by)
  if had then return false, had.at end
  exec("INSERT INTO expertise_endorsements (person_id, tag, by_id, at) VALUES (?, ?, ?, ?)", person, tag, by,
    baton.today())
  return true
end

function M.unendorse(person, tag, by)
  return exec("DELETE FROM expertise_endorsements WHERE person_id = ? AND tag = ? AND by_id = ?", person, tag, by) > 0
end

function M.endorsements(person)
  if person then
    return q("SELECT person_id, tag, by_id, at FROM expertise_endorsements WHERE person_id = ? ORDER BY tag, at",
      person)
  end
  return q("SELECT person_id, tag, by_id, at FROM expertise_endorsements ORDER BY tag, person_id, at")
end

-- ---- evidence -------------------------------------------------------------

--- Records a piece of evidence; false when this event already gave it.
function M.add_evidence(e)
  return exec([[INSERT INTO expertise_evidence (person_id, tag, what, plugin, event_id, at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING]], e.person, e.tag, e.what, e.plugin, e.event, e.at) > 0
end

function M.evidence(person)
  if person then
    return q("SELECT person_id, tag, what, plugin, event_id, at FROM expertise_evidence WHERE person_id = ? "
      .. "ORDER BY at, id", person)
  end
  return q("SELECT person_id, tag, what, plugin, event_id, at FROM expertise_evidence ORDER BY at, id")
end

-- ---- the school's needs ----------------------------------------------------

function M.needs()
  return q("SELECT tag, why, initiative, added FROM expertise_needs ORDER BY tag")
end

function M.add_need(tag, why, initiative)
  exec([[INSERT INTO expertise_needs (tag, why, initiative, added) VALUES (?, ?, ?, ?)
      ON CONFLICT (tag) DO UPDATE SET why = coalesce(excluded.why, why),
        initiative = coalesce(excluded.initiative, initiative)]], tag, why, initiative, baton.today())
end

function M.remove_need(tag)
  return exec("DELETE FROM expertise_needs WHERE tag = ?", tag) > 0
end

--- Everything the ranking reads, in four queries: {strengths, wants,
--- endorsements, evidence, people = {[id] = person}} (active people only;
--- a person who left holds nothing).
function M.everything()
  local all = { strengths = M.claims("strength"), wants = M.claims("want"), endorsements = M.endorsements(),
    evidence = M.evidence(), people = {} }
  for _, p in ipairs(baton.people.find {}) do
    if p.active then all.people[p.id] = p end
  end
  return all
end

return M
