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

function M.migrate()
  assert(baton.store.migrate {
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
  })
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
  local saved = check(baton.store.first("SELECT value FROM mentoring_settings WHERE key = 'weights'"))
  if saved then
    for k, v in pairs(M.parse(saved.value, "saved weights (baton mentor weights --reset clears them)")) do w[k] = v end
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
  if text == nil then
    assert(baton.store.exec("DELETE FROM mentoring_settings WHERE key = 'weights'"))
    return
  end
  M.parse(text, "--set")
  assert(baton.store.exec("INSERT INTO mentoring_settings (key, value) VALUES ('weights', ?) "
    .. "ON CONFLICT(key) DO UPDATE SET value = excluded.value", text))
end

-- Pairs -----------------------------------------------------------------------

function M.active()
  M.migrate()
  return check(baton.store.query("SELECT * FROM mentoring_pairs WHERE ended IS NULL ORDER BY id"))
end

function M.all()
  M.migrate()
  return check(baton.store.query("SELECT * FROM mentoring_pairs ORDER BY id"))
end

-- Records pairs as active: a row each, and a "mentor.pair" event each.
function M.start(list, objective, today)
  M.migrate()
  baton.store.transaction(function()
    for _, p in ipairs(list) do
      assert(baton.store.exec("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, objective, started) "
        .. "VALUES (?, ?, ?, ?, ?, ?)", p.mentee, p.mentor, p.score, p.why, objective, today))
      local id = check(baton.store.first("SELECT last_insert_rowid() AS id")).id
      assert(baton.events.log { kind = "mentor.pair", subject = p.mentee,
        data = { mentor = p.mentor, score = p.score, pair = id, reasons = p.why } })
    end
  end)
end

-- Ends active pairs (rows of mentoring_pairs) with a reason.
function M.finish(list, reason, today)
  baton.store.transaction(function()
    for _, p in ipairs(list) do
      assert(baton.store.exec("UPDATE mentoring_pairs SET ended = ?, end_reason = ? WHERE id = ?", today, reason, p.id))
      assert(baton.events.log { kind = "mentor.end", subject = p.mentee,
        data = { mentor = p.mentor, pair = p.id, reason = reason } })
    end
  end)
end

return M
