-- Change initiatives as they are kept: the plugin's own tables (kotter_*)
-- hold the current state, and every change is also written to baton's event
-- log, so an initiative's history can be read back and replayed.

local steps = require("steps")
local dates = require("dates")
local suggest = require("suggest")

local M = {}

-- Uniqueness is declared with named indexes, not UNIQUE or composite
-- PRIMARY KEY constraints: SQLite names the indexes those create
-- sqlite_autoindex_*, which the host's authorizer refuses to a plugin.
local MIGRATIONS = {
  [[
  CREATE TABLE kotter_initiatives (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('sequential', 'concurrent')),
    target TEXT,
    created TEXT NOT NULL
  );
  CREATE UNIQUE INDEX kotter_initiatives_slug ON kotter_initiatives(slug);
  CREATE TABLE kotter_steps (
    initiative INTEGER NOT NULL REFERENCES kotter_initiatives(id),
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 8),
    status TEXT NOT NULL DEFAULT 'not_started'
      CHECK (status IN ('not_started', 'in_progress', 'done', 'needs_renewal')),
    since TEXT,
    started TEXT,
    due TEXT
  );
  CREATE UNIQUE INDEX kotter_steps_key ON kotter_steps(initiative, step);
  CREATE TABLE kotter_owners (
    initiative INTEGER NOT NULL REFERENCES kotter_initiatives(id),
    step INTEGER NOT NULL,
    person_id TEXT NOT NULL
  );
  CREATE UNIQUE INDEX kotter_owners_key ON kotter_owners(initiative, step, person_id);
  CREATE TABLE kotter_evidence (
    id INTEGER PRIMARY KEY,
    initiative INTEGER NOT NULL REFERENCES kotter_initiatives(id),
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 8),
    date TEXT NOT NULL,
    text TEXT NOT NULL,
    link TEXT,
    metrics TEXT
  );
  CREATE INDEX kotter_evidence_by_step ON kotter_evidence(initiative, step, date);
  CREATE TABLE kotter_coalition (
    initiative INTEGER NOT NULL REFERENCES kotter_initiatives(id),
    person_id TEXT NOT NULL,
    added TEXT NOT NULL
  );
  CREATE UNIQUE INDEX kotter_coalition_key ON kotter_coalition(initiative, person_id);
  ]],
}

--- Brings the plugin's tables up to date; every command calls it first.
function M.migrate()
  local _, err = baton.store.migrate(MIGRATIONS)
  if err then error("cannot prepare the change tables: " .. err, 0) end
end

--- A store call's result, or its error raised: `nil, err` from a failed
--- query (out of memory, disk error) must stop the command, not read as
--- "no row" and carry on with half the data. ENOTFOUND (no such person)
--- is an answer, not a failure: nil.
function M.check(ok, err, code)
  if ok == nil and err and code ~= "ENOTFOUND" then error(err, 0) end
  return ok
end
local check = M.check

-- Letters with accents keep their base letter in a short name.
local plain = {
  ["á"] = "a", ["à"] = "a", ["â"] = "a", ["ä"] = "a", ["ã"] = "a", ["å"] = "a",
  ["é"] = "e", ["è"] = "e", ["ê"] = "e", ["ë"] = "e",
  ["í"] = "i", ["ì"] = "i", ["î"] = "i", ["ï"] = "i",
  ["ó"] = "o", ["ò"] = "o", ["ô"] = "o", ["ö"] = "o", ["õ"] = "o",
  ["ú"] = "u", ["ù"] = "u", ["û"] = "u", ["ü"] = "u",
  ["ñ"] = "n", ["ç"] = "c",
}

--- The short name of a title: "Literacy across the curriculum" ->
--- "literacy-across-the-curriculum".
function M.slugify(title)
  local s = utf8.len(title) and title:gsub(utf8.charpattern, function(c)
    return plain[c:lower()] or plain[c] or c
  end) or title
  s = s:lower():gsub("[^a-z0-9]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
  if #s > 60 then s = s:sub(1, 60):gsub("%-+$", "") end
  return s
end

--- Every initiative, oldest first: of the school the code sees when it
--- sees one (a page asked, or a form run, by a person of one school). An
--- initiative is of the schools of its owners and coalition; one without
--- anybody is of the school "" (a single school's; in a district, only
--- district accounts see it), as an event without a person is.
function M.all()
  local all = check(baton.store.query(
    "SELECT id, slug, title, mode, target, created FROM kotter_initiatives ORDER BY id"))
  local school = baton.people.school()
  if not school then return all end
  local people = check(baton.store.query("SELECT initiative, person_id AS person FROM kotter_owners "
    .. "UNION SELECT initiative, person_id AS person FROM kotter_coalition"))
  local ours, anybody = {}, {}
  for _, r in ipairs(check(baton.people.keep(people, "person"))) do ours[r.initiative] = true end
  for _, r in ipairs(people) do anybody[r.initiative] = true end
  local seen = {}
  for _, ini in ipairs(all) do
    if ours[ini.id] or (school == "" and not anybody[ini.id]) then seen[#seen + 1] = ini end
  end
  return seen
end

local function listing(all)
  local names = {}
  for _, i in ipairs(all) do
    names[#names + 1] = ("%d %s"):format(i.id, i.slug)
  end
  return table.concat(names, ", ")
end

-- true when every word of `given` starts a word of `slug`: "lit curriculum"
-- names "literacy-across-the-curriculum".
local function words_start(given, slug)
  for g in given:gmatch("[^-]+") do
    local hit = false
    for w in slug:gmatch("[^-]+") do
      if w:sub(1, #g) == g then hit = true break end
    end
    if not hit then return false end
  end
  return true
end

--- Finds an initiative by its number ("2", "#2"), its short name, its title
--- written any way, the unique start of its short name, or the starts of
--- some of its words ("lit curriculum"). Raises an error
--- listing the initiatives when nothing (or more than one) matches.
function M.find(given)
  local all = M.all()
  if #all == 0 then
    error("no change initiatives yet: start one with baton change new \"TITLE\"", 0)
  end
  local text = tostring(given or ""):gsub("^%s+", ""):gsub("%s+$", "")
  local n = tonumber(text:match("^#?(%d+)$"))
  local slug = M.slugify(text)
  local prefixed, worded = {}, {}
  for _, i in ipairs(all) do
    if i.id == n or i.slug == slug then return i end
    if slug ~= "" and i.slug:sub(1, #slug) == slug then prefixed[#prefixed + 1] = i end
    if slug ~= "" and words_start(slug, i.slug) then worded[#worded + 1] = i end
  end
  if #prefixed == 0 then prefixed = worded end
  if #prefixed == 1 then return prefixed[1] end
  if #prefixed > 1 then
    error(("'%s' could be any of: %s; give more of the name or the number"):format(text, listing(prefixed)), 0)
  end
  local slugs = {}
  for _, i in ipairs(all) do slugs[#slugs + 1] = i.slug end
  local near = suggest(slug, slugs)
  error(("unknown initiative '%s'%s: the initiatives are %s (use the number or the short name)")
    :format(text, near and (" (did you mean '" .. near .. "'?)") or "", listing(all)), 0)
end

--- Checks person ids against the staff list; raises an error naming every
--- unknown id. Returns the people, in the order given.
function M.people(ids)
  local found, unknown = {}, {}
  for _, id in ipairs(ids) do
    local p = check(baton.people.get(id))
    if p then found[#found + 1] = p else unknown[#unknown + 1] = id end
  end
  if #unknown > 0 and #check(baton.people.find {}) == 0 then
    error("no people in the database yet: import the staff list first (baton people import FILE; "
      .. "try samples/staff.csv)", 0)
  end
  if #unknown > 0 then
    error(("unknown person id%s %s: use the ids of the staff list (baton people list)")
      :format(#unknown > 1 and "s" or "", "'" .. table.concat(unknown, "', '") .. "'"), 0)
  end
  return found
end

-- Writes one entry of the initiative's history to the event log.
local function record(kind, ini, data, by)
  data.initiative = ini.slug
  check(baton.events.log { kind = "change." .. kind, subject = ini.slug, data = data, actor = by })
end

--- Checks a short name the coordinator chose (`change new --slug`):
--- returns it, or raises saying what a short name may be.
function M.check_slug(given)
  local slug = tostring(given)
  if not slug:match("^[a-z0-9][a-z0-9-]*$") or #slug > 30 or slug:match("%-$") then
    local better = M.slugify(slug):sub(1, 30):gsub("%-+$", "")
    error(("'%s' cannot be a short name: use lower-case letters, digits and -, at most 30 characters%s")
      :format(slug, better ~= "" and (" (e.g. '" .. better .. "')") or ""), 0)
  end
  if slug:match("^%d+$") then
    error(("'%s' cannot be a short name: a number names the initiative with that number; add a letter"):format(slug), 0)
  end
  return slug
end

-- The short name of a new initiative, read in its transaction: the one the
-- coordinator chose (taken is an error, never a silent "-2"), else one
-- made from the title, with "-2", "-3" ... when taken.
local function new_slug(o)
  local slug = o.slug and M.check_slug(o.slug) or M.slugify(o.title)
  if slug == "" then slug = "initiative" end
  local taken = check(baton.store.first("SELECT id, slug, title FROM kotter_initiatives WHERE slug = ?", slug))
  local same = check(baton.store.first("SELECT id, slug, title FROM kotter_initiatives WHERE lower(title) = lower(?)",
    o.title))
  if same and (o.slug or (taken and taken.id == same.id and M.slugify(same.title) == M.slugify(o.title))) then
    error(("there is already an initiative called '%s' (number %d, %s)"):format(same.title, same.id, same.slug), 0)
  end
  if taken and o.slug then
    error(("the short name '%s' is taken by initiative %d (%s): choose another with --slug"):format(slug,
      taken.id, taken.title), 0)
  end
  if taken then
    local k = 2
    while check(baton.store.first("SELECT 1 FROM kotter_initiatives WHERE slug = ?", slug .. "-" .. k)) do k = k + 1 end
    slug = slug .. "-" .. k
  end
  return slug
end

--- Starts an initiative with its eight steps not started.
---@param o {title: string, mode: string, target: string?, today: string, by: string?, slug: string?}
function M.create(o)
  return baton.store.transaction(function()
    local slug = new_slug(o)
    check(baton.store.exec(
      "INSERT INTO kotter_initiatives (slug, title, mode, target, created) VALUES (?, ?, ?, ?, ?)",
      slug, o.title, o.mode, o.target, o.today))
    local ini = check(baton.store.first("SELECT * FROM kotter_initiatives WHERE slug = ?", slug))
    for n = 1, #steps.list do
      check(baton.store.exec("INSERT INTO kotter_steps (initiative, step) VALUES (?, ?)", ini.id, n))
    end
    record("new", ini, { id = ini.id, title = ini.title, mode = ini.mode, target = ini.target, date = o.today }, o.by)
    return ini
  end)
end

local function owners_of(ini, n)
  local ids = {}
  for _, r in ipairs(check(baton.store.query(
    "SELECT person_id FROM kotter_owners WHERE initiative = ? AND step = ? ORDER BY person_id", ini.id, n))) do
    ids[#ids + 1] = r.person_id
  end
  return ids
end

local function step_row(ini, n)
  local r = check(baton.store.first(
    "SELECT status, since, started, due FROM kotter_steps WHERE initiative = ? AND step = ?", ini.id, n))
  return { n = n, status = r.status, since = r.since, started = r.started, due = r.due, owners = owners_of(ini, n) }
end

-- Evidence is read oldest first: by the date it happened, then in the
-- order it was recorded.
local function by_date(a, b)
  if a.date ~= b.date then return a.date < b.date end
  return a.id < b.id
end

--- The whole initiative as plain data: its fields, its eight steps (status,
--- since, started, due, owners), its evidence oldest first, its coalition.
function M.load(ini)
  local state = {
    id = ini.id, slug = ini.slug, title = ini.title, mode = ini.mode,
    target = ini.target, created = ini.created, steps = {}, evidence = {}, coalition = {},
  }
  for n = 1, #steps.list do
    state.steps[n] = step_row(ini, n)
  end
  for _, e in ipairs(check(baton.store.query(
    "SELECT id, step, date, text, link, metrics FROM kotter_evidence WHERE initiative = ? ORDER BY date, id",
    ini.id))) do
    e.metrics = e.metrics and baton.json.decode(e.metrics) or nil
    state.evidence[#state.evidence + 1] = e
  end
  for _, r in ipairs(check(baton.store.query(
    "SELECT person_id FROM kotter_coalition WHERE initiative = ? ORDER BY person_id", ini.id))) do
    state.coalition[#state.coalition + 1] = r.person_id
  end
  return state
end

--- Changes one step: any of status, owners and due date. `forced` says a
--- sequential-mode rule was overridden; the history keeps that.
---@return table before, table after
function M.set_step(ini, n, change, today, by, forced)
  return baton.store.transaction(function()
    local before = step_row(ini, n)
    local after = {
      n = n, status = change.status or before.status, since = before.since,
      started = before.started, due = change.due or before.due, owners = change.owners or before.owners,
    }
    if after.status ~= before.status then
      after.since = today
      if after.status ~= "not_started" and after.started == nil then after.started = today end
    end
    check(baton.store.exec("UPDATE kotter_steps SET status = ?, since = ?, started = ?, due = ? "
      .. "WHERE initiative = ? AND step = ?", after.status, after.since, after.started, after.due, ini.id, n))
    if change.owners then
      check(baton.store.exec("DELETE FROM kotter_owners WHERE initiative = ? AND step = ?", ini.id, n))
      for _, id in ipairs(change.owners) do
        check(baton.store.exec("INSERT INTO kotter_owners VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ini.id, n, id))
      end
      after.owners = owners_of(ini, n)
    end
    record("step", ini, { step = n, before = before, after = after, forced = forced or nil, date = today }, by)
    return before, after
  end)
end

--- Records a dated piece of evidence on a step.
function M.add_evidence(ini, e, today, by)
  return baton.store.transaction(function()
    local metrics = e.metrics and next(e.metrics) and baton.json.encode(e.metrics) or nil
    check(baton.store.exec("INSERT INTO kotter_evidence (initiative, step, date, text, link, metrics) "
      .. "VALUES (?, ?, ?, ?, ?, ?)", ini.id, e.step, e.date, e.text, e.link, metrics))
    local id = check(baton.store.first("SELECT max(id) AS id FROM kotter_evidence")).id
    local entry = { id = id, step = e.step, date = e.date, text = e.text, link = e.link,
      metrics = metrics and e.metrics or nil }
    record("evidence", ini, { evidence = entry, date = today }, by)
    return entry
  end)
end

local function evidence_row(id)
  local e = check(baton.store.first(
    "SELECT id, initiative, step, date, text, link, metrics FROM kotter_evidence WHERE id = ?", id))
  if e then e.metrics = e.metrics and baton.json.decode(e.metrics) or nil end
  return e
end

--- A piece of evidence by its number ("12" or "#12"), with its
--- initiative. Raises an error saying where to find the numbers.
function M.find_evidence(given)
  local id = math.tointeger(tonumber(tostring(given):match("^%s*#?(%d+)%s*$")))
  local e = id and evidence_row(id)
  if not e then
    error(("no evidence #%s: give the number `change evidence` printed when it was recorded (each initiative's "
      .. "numbers are in `baton change history INITIATIVE`)"):format(tostring(given):gsub("^#", "")), 0)
  end
  local ini = check(baton.store.first("SELECT * FROM kotter_initiatives WHERE id = ?", e.initiative))
  e.initiative = nil
  return e, ini
end

--- Corrects a piece of evidence: `change` holds the fields to replace
--- (metrics = {} clears them, link = false removes it). The history keeps
--- the entry before and after. Returns before, after.
function M.amend_evidence(ini, id, change, reason, today, by)
  return baton.store.transaction(function()
    local before = evidence_row(id)
    if not before then error(("evidence #%d was removed meanwhile: nothing was changed"):format(id), 0) end
    before.initiative = nil
    local after = {}
    for k, v in pairs(before) do after[k] = v end
    for k, v in pairs(change) do after[k] = v end
    if after.link == false or after.link == "" then after.link = nil end
    if after.metrics and next(after.metrics) == nil then after.metrics = nil end
    check(baton.store.exec("UPDATE kotter_evidence SET step = ?, date = ?, text = ?, link = ?, metrics = ? WHERE id = ?",
      after.step, after.date, after.text, after.link, after.metrics and baton.json.encode(after.metrics) or nil, id))
    record("amend", ini, { before = before, evidence = after, reason = reason, date = today }, by)
    return before, after
  end)
end

--- Removes a piece of evidence; the history keeps it, and why.
function M.retract_evidence(ini, id, reason, today, by)
  return baton.store.transaction(function()
    local e = evidence_row(id)
    if not e then error(("evidence #%d was removed meanwhile: nothing was changed"):format(id), 0) end
    e.initiative = nil
    check(baton.store.exec("DELETE FROM kotter_evidence WHERE id = ?", id))
    record("retract", ini, { evidence = e, reason = reason, date = today }, by)
    return e
  end)
end

--- Adds people to the guiding coalition or removes them. Returns the ids
--- that changed (people already in, or already out, are left as they are).
function M.change_coalition(ini, action, ids, today, by)
  return baton.store.transaction(function()
    local changed = {}
    for _, id in ipairs(ids) do
      local n
      if action == "add" then
        n = check(baton.store.exec("INSERT INTO kotter_coalition VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ini.id, id, today))
      else
        n = check(baton.store.exec("DELETE FROM kotter_coalition WHERE initiative = ? AND person_id = ?", ini.id, id))
      end
      if n > 0 then changed[#changed + 1] = id end
    end
    if #changed > 0 then
      record("coalition", ini, { action = action, people = changed, date = today }, by)
    end
    return changed
  end)
end

--- The initiative's history from the event log, oldest first.
function M.history(ini)
  local out = {}
  for _, e in ipairs(check(baton.events.list { subject = ini.slug, plugin = baton.name })) do
    if e.kind:sub(1, 7) == "change." then out[#out + 1] = e end
  end
  return out
end

--- Rebuilds an initiative from its history alone, in the same shape as
--- M.load: what the event log holds is enough to replay the change.
function M.replay(ini)
  local state
  for _, e in ipairs(M.history(ini)) do
    local d = e.data
    if e.kind == "change.new" then
      state = { id = d.id, slug = d.initiative, title = d.title, mode = d.mode, target = d.target,
        created = d.date, steps = {}, evidence = {}, coalition = {} }
      for n = 1, #steps.list do
        state.steps[n] = { n = n, status = "not_started", owners = {} }
      end
    elseif e.kind == "change.step" then
      state.steps[d.step] = d.after
    elseif e.kind == "change.evidence" then
      state.evidence[#state.evidence + 1] = d.evidence
    elseif e.kind == "change.amend" or e.kind == "change.retract" then
      for k, ev in ipairs(state.evidence) do
        if ev.id == d.evidence.id then
          if e.kind == "change.amend" then state.evidence[k] = d.evidence else table.remove(state.evidence, k) end
          break
        end
      end
    elseif e.kind == "change.coalition" then
      local set = {}
      for _, id in ipairs(state.coalition) do set[id] = true end
      for _, id in ipairs(d.people) do set[id] = (d.action == "add") or nil end
      state.coalition = {}
      for id in pairs(set) do state.coalition[#state.coalition + 1] = id end
      table.sort(state.coalition)
    end
  end
  if state then table.sort(state.evidence, by_date) end
  return state
end

M.by_date = by_date
M.dates = dates
return M
