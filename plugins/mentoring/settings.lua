-- What the mentoring practice keeps: the pairs it has made (active until
-- ended) and the weights a school saves for every match. Every pair made or
-- ended is also written to baton's event log ("mentor.pair", "mentor.end"),
-- which is where the no-repeat rule looks.

local M = {}

--- A store call's result, or its error raised: `nil, err` from a failed
--- query (out of memory, disk error) must stop the command with that
--- message, not read as "no rows" and go on with half the data.
--- ENOTFOUND (no such person) is an answer, not a failure: nil.
function M.check(ok, err, code)
  if ok == nil and err and code ~= "ENOTFOUND" then error(err, 0) end
  return ok
end
local check = M.check

-- The repair of migration 2: an active pair whose mentee has an older
-- active pair. Two `mentor match --save` at once could make them before
-- the saves checked inside their transaction (issue 13).
local LATER_DUPLICATE = [[ended IS NULL AND EXISTS (SELECT 1 FROM mentoring_pairs k
  WHERE k.mentee = mentoring_pairs.mentee AND k.ended IS NULL AND k.id < mentoring_pairs.id)]]
-- The rows of mentoring_settings that name the pairs migration 2 ended.
local REPAIRED_KEYS = "key = 'repaired_duplicates' OR key LIKE 'repaired_duplicates/%'"
local REPAIRED = "a second active mentor for the same mentee, made by two saves at once; "
  .. "the earlier pair was kept"

local MIGRATIONS = {
  [[CREATE TABLE mentoring_pairs (
      id INTEGER PRIMARY KEY,
      mentee TEXT NOT NULL,
      mentor TEXT NOT NULL,
      score REAL NOT NULL,
      reasons TEXT NOT NULL,
      objective TEXT NOT NULL,
      started TEXT NOT NULL,
      ended TEXT,
      end_reason TEXT
    );
    CREATE INDEX mentoring_pairs_active ON mentoring_pairs(ended, mentee);
    CREATE TABLE mentoring_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);]],
  -- 2: one active mentor per mentee, said by the database. A database that
  -- already holds duplicates is repaired the same way every time: each
  -- mentee keeps its earliest active pair (the first save's whole cohort)
  -- and the later ones end with the reason above. Their ids are kept
  -- under 'repaired_duplicates/ID' so that M.migrate can write their
  -- "mentor.end" events, date their end (baton.today()) and tell the
  -- coordinator (SQL cannot log events). Portable SQL (docs/plugins.md):
  -- it runs on SQLite and PostgreSQL alike.
  [[INSERT INTO mentoring_settings (key, value)
      SELECT 'repaired_duplicates/' || CAST(id AS TEXT), CAST(id AS TEXT) FROM mentoring_pairs
       WHERE ]] .. LATER_DUPLICATE .. [[;
    UPDATE mentoring_pairs SET ended = CURRENT_DATE, end_reason = ']] .. REPAIRED .. [['
      WHERE ]] .. LATER_DUPLICATE .. [[;
    CREATE UNIQUE INDEX mentoring_pairs_one_active ON mentoring_pairs(mentee) WHERE ended IS NULL;]],
}

-- After migration 2 repaired duplicates: their "mentor.end" events, once,
-- and a warning that names them.
local function log_repair()
  if not check(baton.store.first("SELECT 1 FROM mentoring_settings WHERE " .. REPAIRED_KEYS)) then
    return
  end
  local ended = baton.store.transaction(function()
    local rows = check(baton.store.query("SELECT value FROM mentoring_settings WHERE " .. REPAIRED_KEYS))
    if #rows == 0 then return {} end -- another baton logged them meanwhile
    local ids, list = {}, {}
    -- (An older version kept them all in one row, 'repaired_duplicates'.)
    for _, row in ipairs(rows) do
      for id in row.value:gmatch("%d+") do ids[#ids + 1] = math.tointeger(id) end
    end
    table.sort(ids)
    for _, id in ipairs(ids) do
      check(baton.store.exec("UPDATE mentoring_pairs SET ended = ? WHERE id = ? AND end_reason = ?",
        baton.today(), id, REPAIRED))
      local p = check(baton.store.first("SELECT * FROM mentoring_pairs WHERE id = ?", id))
      if p then
        check(baton.events.log { kind = "mentor.end", subject = p.mentee,
          data = { mentor = p.mentor, pair = p.id, reason = p.end_reason } })
        list[#list + 1] = ("#%d %s with %s"):format(p.id, p.mentee, p.mentor)
      end
    end
    check(baton.store.exec("DELETE FROM mentoring_settings WHERE " .. REPAIRED_KEYS))
    return list
  end)
  if #ended > 0 then
    baton.log.warn(("%d pair%s ended: %s had a second active mentor, made by two saves at once before this "
      .. "version; each mentee kept the earlier pair. Check them with `baton mentor list`, and run "
      .. "`baton mentor rematch --save` if someone should change: %s"):format(#ended, #ended == 1 and "" or "s",
      #ended == 1 and "its mentee" or "their mentees", table.concat(ended, ", ")))
  end
end

M.MIGRATIONS = MIGRATIONS -- (for the tests of migration 2's repair)

-- Weights saved by an older version in mentoring_settings move to the
-- plugin's `weights` setting (baton.settings, issue 18), once.
local function move_weights()
  local row = check(baton.store.first("SELECT value FROM mentoring_settings WHERE key = 'weights'"))
  if not row then return end
  if baton.settings.get("weights") == nil then check(baton.settings.set("weights", row.value)) end
  check(baton.store.exec("DELETE FROM mentoring_settings WHERE key = 'weights'"))
end

function M.migrate()
  local _, err = baton.store.migrate(MIGRATIONS)
  if err then error("cannot prepare the mentoring tables: " .. err, 0) end
  log_repair()
  move_weights()
end

-- Weights ---------------------------------------------------------------------

-- "subject=3,grade=2" -> { subject = 3, grade = 2 }. Names are checked by
-- baton.assign itself, so the list of valid ones has one source.
function M.parse(text, where)
  local w = {}
  for item in tostring(text):gmatch("[^,]+") do
    local k, v = item:match("^%s*([%w_]+)%s*=%s*(%S+)%s*$")
    local n = v and tonumber(v)
    if not k or not n then
      error(("%s: '%s' is not NAME=NUMBER, e.g. --weights subject=3,grade=2"):format(where, item:match("^%s*(.-)%s*$")), 0)
    end
    w[k] = math.tointeger(n) or n
  end
  local ok, err = pcall(baton.assign.reasons, {}, {}, w, "2000-01-01")
  if not ok then error(where .. ": " .. tostring(err):gsub("^baton%.assign%.reasons: ", ""), 0) end
  return w
end

-- The weights in force: the defaults, then the saved ones, then --weights.
function M.weights(override)
  M.migrate()
  local w = {}
  for _, f in ipairs(baton.assign.features()) do w[f.name] = f.weight end
  local saved = baton.settings.get("weights")
  if saved then
    for k, v in pairs(M.parse(saved, "saved weights (baton mentor weights --reset clears them)")) do w[k] = v end
  end
  if override then
    for k, v in pairs(M.parse(override, "--weights")) do w[k] = v end
  end
  return w
end

-- "subject=3, grade=2, ..." in feature order.
function M.describe(w)
  local parts = {}
  for _, f in ipairs(baton.assign.features()) do parts[#parts + 1] = ("%s=%s"):format(f.name, tostring(w[f.name])) end
  return table.concat(parts, ", ")
end

function M.save_weights(text)
  M.migrate()
  if text ~= nil then M.parse(text, "--set") end
  check(baton.settings.set("weights", text)) -- nil: back to the defaults
end

-- The cohort's groups ------------------------------------------------------------

local function setting(key)
  M.migrate()
  local row = check(baton.store.first("SELECT value FROM mentoring_settings WHERE key = ?", key))
  return row and row.value
end

local function set_setting(key, value)
  M.migrate()
  if value == nil then
    check(baton.store.exec("DELETE FROM mentoring_settings WHERE key = ?", key))
  else
    check(baton.store.exec("INSERT INTO mentoring_settings (key, value) VALUES (?, ?) "
      .. "ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value))
  end
end

--- The saved groups of the cohort, as `mentor cohort` or the last
--- `match --save` left them: {cohort = G} or {mentees = G, mentors = G}, or
--- nil when none are saved.
function M.cohort()
  local text = setting("cohort")
  if not text then return nil end
  local g = baton.json.decode(text)
  if type(g) ~= "table" or not (g.cohort or (g.mentees and g.mentors)) then
    error("the saved cohort groups are damaged: save them again with `baton mentor cohort --mentees GROUP "
      .. "--mentors GROUP` (or --reset)", 0)
  end
  return { cohort = g.cohort, mentees = g.mentees, mentors = g.mentors }
end

--- Saves the cohort's groups ({cohort =} or {mentees =, mentors =}), or
--- forgets them (nil).
function M.save_cohort(g)
  -- Written key by key: the same groups always give the same bytes (a
  -- Lua table's order is not fixed), so saving again changes nothing.
  local text = g and (g.cohort and ('{"cohort":%s}'):format(baton.json.encode(g.cohort))
    or ('{"mentees":%s,"mentors":%s}'):format(baton.json.encode(g.mentees), baton.json.encode(g.mentors)))
  set_setting("cohort", text)
end

-- Pairs -----------------------------------------------------------------------

-- The pairs of the school the code sees (a page asked, or a form run, by
-- a person of one school: baton.people.keep): a pair is its mentee's
-- school's when planning (match and rematch pair that school's mentees);
-- every pair when it sees every school.
local function pairs_of(active, ...)
  M.migrate()
  return check(baton.people.keep(check(baton.store.query("SELECT * FROM mentoring_pairs"
    .. (active and " WHERE ended IS NULL" or "") .. " ORDER BY id")), ...))
end

function M.active() return pairs_of(true, "mentee") end
function M.all() return pairs_of(false, "mentee") end

--- The pairs shown to the school the code sees: a pair across two schools
--- is both schools' (its mentee's and its mentor's), the other school's
--- person named only (baton.people.names).
function M.shown(active) return pairs_of(active, "mentee", "mentor") end

--- Where the pairs stand: changes whenever a pair is made or ended, by
--- this baton or another one. A plan made from the pairs is still good
--- at save time only if the stamp is the same then.
function M.stamp()
  local r = check(baton.store.first(
    "SELECT count(*) AS n, coalesce(max(id), 0) AS last, count(ended) AS ended FROM mentoring_pairs"))
  return ("%d/%d/%d"):format(r.n, r.last, r.ended)
end

--- Plans and saves as one decision. `plan()` reads what it needs and may
--- read files (it runs outside any transaction, so it may yield);
--- `save(planned)` writes. The save runs in one write transaction that
--- first checks the pairs are as the plan saw them (the stamp): if
--- another baton made or ended pairs meanwhile, the plan is made again
--- from the new pairs, so its checks ("already N active pairs", which
--- pairs still stand) always hold for what is written. Returns the plan
--- that was saved.
function M.plan_and_save(plan, save)
  for _ = 1, 5 do
    M.migrate() -- outside the transaction: a migration is a transaction of its own
    local stamp = M.stamp()
    local planned = plan()
    local saved = baton.store.transaction(function()
      if M.stamp() ~= stamp then return false end
      save(planned)
      return true
    end)
    if saved then return planned end
  end
  error("the pairs changed five times while this command planned (other batons saving at the same time): "
    .. "nothing was saved; run the command again", 0)
end

-- A write that a pair rule refused: the unique index says one active
-- mentor per mentee, whatever made the second one.
local function written(what, n, err, code)
  if n == nil and tostring(err):find("UNIQUE constraint failed: mentoring_pairs.mentee", 1, true) then
    error(("%s already has an active mentor (another baton saved a pair for them at the same time?): "
      .. "nothing was saved; see `baton mentor list --active`"):format(what), 0)
  end
  return check(n, err, code)
end

-- What a pair is evidence of on the expertise map (docs/plugins.md,
-- "Evidence of expertise"): the mentor mentors in each subject the two
-- share. nil when they share none.
local function evidence(p, people)
  local mentee, mentor = people[p.mentee], people[p.mentor]
  if not mentee or not mentor then return nil end
  local theirs, out = {}, {}
  for _, s in ipairs(mentee.subjects or {}) do theirs[s:lower()] = true end
  for _, s in ipairs(mentor.subjects or {}) do
    if theirs[s:lower()] then
      out[#out + 1] = { person = mentor.id, tag = s:lower(), what = ("mentored a colleague in %s"):format(s) }
    end
  end
  return #out > 0 and out or nil
end

-- Records pairs as active: a row each, and a "mentor.pair" event each.
-- One transaction (or part of the caller's): all the pairs or none.
function M.start(list, objective, today)
  local ids = {}
  for _, p in ipairs(list) do ids[#ids + 1] = p.mentee; ids[#ids + 1] = p.mentor end
  local people = check(baton.people.get_many(ids)) or {}
  baton.store.transaction(function()
    for _, p in ipairs(list) do
      -- (insert gives the new row's id: a SELECT last_insert_rowid() after
      -- it would see 0, since the store clears it before each statement)
      local id = written(p.mentee, baton.store.insert("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, "
        .. "objective, started) VALUES (?, ?, ?, ?, ?, ?)", p.mentee, p.mentor, p.score, p.why, objective, today))
      check(baton.events.log { kind = "mentor.pair", subject = p.mentee,
        data = { mentor = p.mentor, score = p.score, pair = id, reasons = p.why, expertise = evidence(p, people) } })
    end
  end)
end

-- Ends active pairs (rows of mentoring_pairs) with a reason. A pair that
-- is no longer active (another baton ended it since it was read) is an
-- error: the caller read the pairs outside this transaction.
function M.finish(list, reason, today)
  baton.store.transaction(function()
    for _, p in ipairs(list) do
      local n = check(baton.store.exec("UPDATE mentoring_pairs SET ended = ?, end_reason = ? "
        .. "WHERE id = ? AND ended IS NULL", today, reason, p.id))
      if n ~= 1 then
        error(("pair #%d (%s with %s) is no longer active: another baton ended it; nothing was saved")
          :format(p.id, p.mentee, p.mentor), 0)
      end
      check(baton.events.log { kind = "mentor.end", subject = p.mentee,
        data = { mentor = p.mentor, pair = p.id, reason = reason } })
    end
  end)
end

return M
