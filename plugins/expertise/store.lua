-- Everything the expertise map keeps, and the only module that touches the
-- store: the school's vocabulary (default terms, its own, synonyms), what
-- people declare (strengths, and what they want to grow in), colleagues'
-- endorsements, and the school's needs. The evidence the practices log
-- stays in the event log and is read from there (M.evidence_events).
local vocab = require("vocab")

local M = {}

local function q(...)
  if M.fresh then return {} end -- no tables yet: nothing declared, endorsed or needed
  return assert(baton.store.query(...))
end
local function first(...)
  local row, err = baton.store.first(...)
  if err then error(err, 0) end
  return row
end
local function exec(...) return assert(baton.store.exec(...)) end

-- Whether the plugin's tables are there. A command that only reads does
-- not create them (M.ready(true)): a school that never declared anything
-- gets the default vocabulary and empty lists, and `mentor match --save`,
-- which reads the map, writes nothing of this plugin's.
local function tables()
  local ok, _, err = pcall(baton.store.first, "SELECT 1 AS x FROM expertise_terms LIMIT 1")
  return ok and err == nil
end

--- Prepares the tables; with `read_only`, only when they exist already
--- (else M.fresh is true and every read answers as for an empty map).
function M.ready(read_only)
  M.fresh = false
  if read_only and not tables() then
    M.fresh = true
    return
  end
  assert(baton.store.migrate {
    [[CREATE TABLE expertise_terms (term TEXT PRIMARY KEY, origin TEXT NOT NULL, added TEXT NOT NULL,
        retired TEXT);
      CREATE TABLE expertise_synonyms (word TEXT PRIMARY KEY, term TEXT NOT NULL REFERENCES expertise_terms(term));
      CREATE TABLE expertise_claims (person_id TEXT NOT NULL, tag TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('strength', 'want')), since TEXT NOT NULL,
        PRIMARY KEY (person_id, tag, kind));
      CREATE TABLE expertise_endorsements (person_id TEXT NOT NULL, tag TEXT NOT NULL, by_id TEXT NOT NULL,
        at TEXT NOT NULL, PRIMARY KEY (person_id, tag, by_id), CHECK (person_id <> by_id));
      CREATE TABLE expertise_needs (tag TEXT PRIMARY KEY, why TEXT, initiative TEXT, added TEXT NOT NULL);]],
    -- A need is one school's (issue 21): the school of whoever recorded
    -- it. The needs recorded before are of no school (''): the district's,
    -- seen by every school (docs/district.md, "Schools").
    [[CREATE TABLE expertise_school_needs (school TEXT NOT NULL DEFAULT '', tag TEXT NOT NULL, why TEXT,
        initiative TEXT, added TEXT NOT NULL, PRIMARY KEY (school, tag));
      INSERT INTO expertise_school_needs (school, tag, why, initiative, added)
        SELECT '', tag, why, initiative, added FROM expertise_needs;
      DROP TABLE expertise_needs;]],
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
--- the subjects of the staff list (left out with `no_subjects`: evidence
--- keeps any tag, so it need not read them).
function M.vocabulary(no_subjects)
  local v = { terms = {}, synonyms = {}, subjects = {} }
  if M.fresh then
    for _, row in ipairs(vocab.defaults) do
      v.terms[row[1]] = true
      for k = 2, #row do v.synonyms[row[k]] = row[1] end
    end
  end
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

-- ---- evidence ---------------------------------------------------------------

-- The kinds of event that may carry evidence (docs/plugins.md, "Evidence
-- of expertise"): the bundled practices', and evidence.* for anyone else.
M.EVIDENCE_KINDS = "mentor.pair, coach.*, inquiry.*, evidence.*"

--- The events that carry `data.expertise`, oldest first: {id, at,
--- plugin, kind, expertise (decoded, or nil when it is not JSON)}. The
--- evidence is read from the event log itself, never copied: it is
--- written in the same transaction as the practice's own data, counts
--- for events logged before this plugin was installed, and each event
--- counts once.
function M.evidence_events()
  -- (The core writes only JSON into events.data: baton.events.log checks it.)
  local expertise = baton.store.json("data", "expertise")
  local rows = assert(baton.store.query(([[SELECT id, at, plugin, kind, %s AS expertise FROM events
      WHERE (kind = 'mentor.pair' OR kind LIKE 'coach.%%' OR kind LIKE 'inquiry.%%' OR kind LIKE 'evidence.%%')
        AND %s IS NOT NULL ORDER BY id]]):format(expertise, expertise)))
  for _, r in ipairs(rows) do
    local text = r.expertise
    local ok, v = pcall(baton.json.decode, text)
    -- The value as text: a JSON text for a list, the text itself for a string.
    r.expertise = ok and type(v) == "table" and v or text
  end
  return rows
end

-- ---- the school's needs ----------------------------------------------------
-- Each need is of one school (`school`, '' for a need of no school: the
-- district's, recorded on the command line without --school or before
-- needs had a school). Code that sees one school (baton.people.school())
-- reads that school's needs and the district's; code that sees every
-- school reads them all.

function M.needs()
  local school = baton.people.school()
  if school then
    return q("SELECT school, tag, why, initiative, added FROM expertise_school_needs WHERE school = ? OR school = '' "
      .. "ORDER BY tag, school", school)
  end
  return q("SELECT school, tag, why, initiative, added FROM expertise_school_needs ORDER BY tag, school")
end

--- The schools that list `tag` as a need, of those the running code sees.
function M.need_schools(tag)
  local out = {}
  for _, r in ipairs(M.needs()) do
    if r.tag == tag then out[#out + 1] = r.school end
  end
  return out
end

function M.add_need(school, tag, why, initiative)
  exec([[INSERT INTO expertise_school_needs (school, tag, why, initiative, added) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (school, tag) DO UPDATE SET why = coalesce(excluded.why, expertise_school_needs.why),
        initiative = coalesce(excluded.initiative, expertise_school_needs.initiative)]], school, tag, why, initiative,
    baton.today())
end

function M.remove_need(school, tag)
  return exec("DELETE FROM expertise_school_needs WHERE school = ? AND tag = ?", school, tag) > 0
end

--- Everything the ranking reads: {strengths, wants, endorsements,
--- evidence, skipped, people = {[id] = person}} (active people only; a
--- person who left holds nothing). `read_evidence(events, vocabulary,
--- known)` turns the evidence events into rows (evidence.lua).
function M.everything(read_evidence)
  local all = { strengths = M.claims("strength"), wants = M.claims("want"), endorsements = M.endorsements(),
    people = {} }
  local known = {}
  for _, p in ipairs(baton.people.find {}) do
    known[p.id] = true
    all.people[p.id] = p
  end
  for _, p in ipairs(baton.people.find { active = false }) do known[p.id] = true end
  all.evidence, all.skipped = read_evidence(M.evidence_events(), M.vocabulary(true), known)
  return all
end

return M
