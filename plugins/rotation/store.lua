-- What the rota keeps: each group's saved plan (its settings and one row
-- per meeting and role) in the plugin's own tables, and every assignment
-- in baton's event log, which is where history across terms and across
-- groups is counted from.
--
--   rotation_plans  group, settings (JSON: roles, meetings, rules, absences)
--   rotation_slots  group, date, role, person (NULL when unfilled), sequence
--   rotation_cancelled  group, date, role, person, sequence: a turn that
--                   went from this person to someone else (or went away),
--                   published as STATUS:CANCELLED in their calendar
--   rotation_feeds  person, token: the secret in the address of each
--                   person's calendar feed (baton serve)
--   rotation_requests  a person's request to hand their own turn to
--                   someone else: pending, then approved or declined
--
-- A slot's sequence (its calendar events' SEQUENCE) rises whenever its
-- holder changes and whenever the group's meeting time or room changes,
-- so a calendar app replaces the copy it holds.
--
-- An event `rota.assign` {group, date, role, person} is written whenever a
-- slot gets a new holder; the newest event for a (group, date, role) is
-- the one that counts, so re-planning never double-counts.

local M = {}

-- A store call's result, or an error saying what could not be done (inside
-- a transaction the error undoes every write of it).
local function must(what, value, err)
  if value == nil and err ~= nil then error(("rota: cannot %s: %s"):format(what, err), 0) end
  return value
end

-- JSON with every object's keys in order, so that the same settings are
-- always the same text (a Lua table's own order changes from run to run).
local function canonical(v)
  if type(v) ~= "table" or next(v) == nil then return baton.json.encode(v) end
  local n, count = #v, 0
  for _ in pairs(v) do count = count + 1 end
  local parts = {}
  if n > 0 and count == n then
    for i = 1, n do parts[i] = canonical(v[i]) end
    return "[" .. table.concat(parts, ",") .. "]"
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  for i, k in ipairs(keys) do
    local value = v[k]
    if value == nil then value = v[tonumber(k)] end
    parts[i] = baton.json.encode(k) .. ":" .. canonical(value)
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function M.migrate()
  local ok, err = baton.store.migrate {
    [[CREATE TABLE rotation_plans (grp TEXT PRIMARY KEY, settings TEXT NOT NULL, saved_at TEXT NOT NULL)]],
    [[CREATE TABLE rotation_slots (grp TEXT NOT NULL, date TEXT NOT NULL, role TEXT NOT NULL,
        person TEXT, seq INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (grp, date, role))]],
    [[CREATE TABLE rotation_cancelled (grp TEXT NOT NULL, date TEXT NOT NULL, role TEXT NOT NULL,
        person TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (grp, date, role, person))]],
    [[CREATE TABLE rotation_feeds (person TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, made_at TEXT NOT NULL)]],
    -- 5: a person's request to hand their own turn to someone else,
    -- pending until the coordinator approves or declines it; one pending
    -- request per turn, said by the database.
    [[CREATE TABLE rotation_requests (id INTEGER PRIMARY KEY, grp TEXT NOT NULL, date TEXT NOT NULL,
        role TEXT NOT NULL, from_person TEXT NOT NULL, to_person TEXT NOT NULL, note TEXT,
        status TEXT NOT NULL DEFAULT 'pending', asked TEXT NOT NULL, decided TEXT, reason TEXT);
      CREATE UNIQUE INDEX rotation_requests_one_pending ON rotation_requests(grp, date, role)
        WHERE status = 'pending';]],
  }
  if not ok then error(("rota: cannot prepare the rota's tables: %s"):format(tostring(err)), 0) end
end

--- The saved settings of a group, or nil.
function M.settings(group)
  local row, err = baton.store.first("SELECT settings FROM rotation_plans WHERE grp = ?", group)
  must("read the saved rota of '" .. group .. "'", row, err)
  return row and baton.json.decode(row.settings) or nil
end

--- Every group's saved settings: settings[group] (one read for a run
--- that plans many groups).
function M.all_settings()
  local out = {}
  for _, row in ipairs(must("read the saved rotas", baton.store.query("SELECT grp, settings FROM rotation_plans"))) do
    out[row.grp] = baton.json.decode(row.settings)
  end
  return out
end

--- Saved slots of a group: slots[date][role] = { person =, seq = }.
function M.slots(group)
  local out = {}
  for _, row in ipairs(must("read the saved turns of '" .. group .. "'", baton.store.query(
    "SELECT date, role, person, seq FROM rotation_slots WHERE grp = ? ORDER BY date, role", group))) do
    out[row.date] = out[row.date] or {}
    out[row.date][row.role] = { person = row.person, seq = row.seq }
  end
  return out
end

--- Turns a group's people no longer hold: list of { date, role, person, seq }.
function M.cancelled(group)
  return must("read the cancelled turns of '" .. group .. "'", baton.store.query(
    "SELECT date, role, person, seq FROM rotation_cancelled WHERE grp = ? ORDER BY date, role, person", group))
end

--- The feed token of a person, or nil. With `make`, one is made when
--- there is none; with `renew`, a new one replaces the old (whose address
--- then answers 404).
function M.feed_token(person, make, renew)
  local row = must("read the calendar feeds", baton.store.first("SELECT token FROM rotation_feeds WHERE person = ?", person))
  if row and not renew then return row.token end
  if not make and not renew then return nil end
  local token = baton.http.token()
  must("save the calendar feed of '" .. person .. "'", baton.store.exec(
    "INSERT INTO rotation_feeds (person, token, made_at) VALUES (?, ?, ?) "
    .. "ON CONFLICT (person) DO UPDATE SET token = excluded.token, made_at = excluded.made_at", person, token, baton.today()))
  return token
end

-- Are a and b the same string? Takes the same time whatever they hold
-- (for strings of one length), so a feed's token cannot be found a
-- character at a time by timing the answers.
local function same_secret(a, b)
  if #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do diff = diff | (a:byte(i) ~ b:byte(i)) end
  return diff == 0
end

--- The person whose feed token this is, or nil. Every token is read and
--- compared in full: the time taken depends on the number of feeds, not
--- on how much of a guess was right.
function M.feed_person(token)
  local found
  for _, row in ipairs(must("read the calendar feeds", baton.store.query("SELECT person, token FROM rotation_feeds"))) do
    if same_secret(row.token, token) then found = row.person end
  end
  return found
end

-- Requests to hand over a turn ------------------------------------------------

local REQUEST = "SELECT id, grp AS \"group\", date, role, from_person AS \"from\", to_person AS \"to\", note, "
  .. "status, asked, decided, reason FROM rotation_requests"

--- Records a pending request {group, date, role, from, to, note} asked
--- on `today`, with its event; returns its number. Part of the caller's
--- transaction. A second pending request for the same turn is refused.
function M.add_request(q, today)
  local id, err = baton.store.insert("INSERT INTO rotation_requests (grp, date, role, from_person, to_person, note, "
    .. "asked) VALUES (?, ?, ?, ?, ?, ?, ?)", q.group, q.date, q.role, q.from, q.to, q.note, today)
  if id == nil and tostring(err):find("UNIQUE constraint failed", 1, true) then
    error(("the %s turn on %s in %s already has a request waiting for the coordinator: see `baton rota "
      .. "requests`"):format(q.role, q.date, q.group), 0)
  end
  must("save the request", id, err)
  must("record the request in the event log", baton.events.log { kind = "rota.request", subject = q.from,
    data = { request = id, group = q.group, date = q.date, role = q.role, to = q.to, note = q.note } })
  return id
end

--- The requests, oldest first: only the pending ones unless `all`; only
--- those of `person` (asked by or to them) when given.
function M.requests(all, person)
  local where, args = {}, {}
  if not all then where[#where + 1] = "status = 'pending'" end
  if person then
    where[#where + 1] = "(from_person = ? OR to_person = ?)"
    args[#args + 1], args[#args + 2] = person, person
  end
  local sql = REQUEST .. (#where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "") .. " ORDER BY id"
  return must("read the requests", baton.store.query(sql, table.unpack(args)))
end

--- One request, or an error naming what to type.
function M.request(id)
  local n = math.tointeger(tonumber((tostring(id):gsub("^#", ""))))
  local q = n and must("read the request", baton.store.first(REQUEST .. " WHERE id = ?", n))
  if not q then error(("no request '%s': see `baton rota requests`"):format(tostring(id)), 0) end
  return q
end

--- Marks a pending request approved or declined, with its event. Part of
--- the caller's transaction, which read the request in it.
function M.decide(q, status, reason, today)
  local n = must("save the decision", baton.store.exec("UPDATE rotation_requests SET status = ?, decided = ?, "
    .. "reason = ? WHERE id = ? AND status = 'pending'", status, today, reason, q.id))
  if n ~= 1 then error(("request #%d is no longer pending (%s)"):format(q.id, q.status), 0) end
  must("record the decision in the event log", baton.events.log { kind = "rota.decide", subject = q.from,
    data = { request = q.id, group = q.group, date = q.date, role = q.role, to = q.to, status = status,
             reason = reason } })
end

--- Every assignment ever recorded: list of { group, date, role, person,
--- by, at }, the newest event per slot; `by` is "swap" or "repair" for a
--- turn changed after the plan, `at` when the event was logged.
-- The newest event of each (group, date, role) with a holder, in the
-- order the slots were first set: one statement, in SQL. Reading every
-- event into Lua (baton.events.list) took 2 s for a district's 80,000
-- turns, which the dashboard's rota page reads on every request. The JSON
-- fields through baton.store.json, so the one statement runs on SQLite and
-- PostgreSQL; built on first use, and again when the store's engine is
-- another (`baton demo --tour` builds its school in a file, then goes on
-- with the database it was given, in one process).
local HISTORY, HISTORY_FOR
local function history_sql()
  local function j(col, key) return baton.store.json(col, key) end
  local engine = j("data", "group")
  if HISTORY and HISTORY_FOR == engine then return HISTORY end
  HISTORY_FOR = engine
  HISTORY = ([[
  SELECT %s AS "group", %s AS date, %s AS role, %s AS person, %s AS by, e.at AS at
    FROM events e JOIN (
      SELECT max(id) AS id, min(id) AS first FROM events
       WHERE kind = 'rota.assign' AND %s IS NOT NULL AND %s IS NOT NULL AND %s IS NOT NULL
       GROUP BY %s, %s, %s
    ) k ON e.id = k.id
   WHERE %s IS NOT NULL
   ORDER BY k.first]]):format(j("e.data", "group"), j("e.data", "date"), j("e.data", "role"), j("e.data", "person"),
    j("e.data", "by"), j("data", "group"), j("data", "date"), j("data", "role"), j("data", "group"),
    j("data", "date"), j("data", "role"), j("e.data", "person"))
  return HISTORY
end

function M.history()
  return must("read the rota's history", baton.store.query(history_sql()))
end

--- The turns each person has held at meetings up to `today` (the newest
--- holder of each turn, every group and term): list of {person, count},
--- most first.
function M.turns_taken(today)
  return must("read the rota's history", baton.store.query("SELECT person, count(*) AS count FROM (" .. history_sql()
    .. ") AS h WHERE date <= ? GROUP BY person ORDER BY count DESC, person", today))
end

--- The sequence a slot's calendar event would have: unchanged holder keeps
--- it, a new holder raises it.
function M.next_seq(old, person)
  if old == nil then return 0 end
  if old.person == person then return old.seq end
  return old.seq + 1
end

--- Saves a group's plan: settings, slots (sequence raised where the holder
--- changed) and one event per changed slot. With `replace` = { from =, to
--- = } the rows are the group's whole plan for those dates: a saved slot
--- in that range that is not among them (a meeting dropped by a re-plan
--- with other dates or roles) is removed, with an event that takes its
--- turn out of the history. `event`, if given, is logged too. All of it
--- is one transaction (or part of the caller's): every write is checked,
--- and any failure (a full disk, an I/O error, no memory) undoes all of it
--- and raises, saying what could not be saved. The old slots, which the
--- sequences, the removals and the events depend on, are read inside that
--- transaction, so another baton saving the same group at the same moment
--- is either wholly before this save or wholly after it. Returns how many
--- slots changed.
function M.save(group, settings, rows, replace, event)
  local changed = 0
  local function exec(sql, ...) return must("save the rota of '" .. group .. "'", baton.store.exec(sql, ...)) end
  local function log(e) return must("record the rota of '" .. group .. "' in the event log", baton.events.log(e)) end
  baton.store.transaction(function()
    local before = M.settings(group)
    if before and canonical(before.meeting or {}) ~= canonical(settings.meeting or {}) then
      -- a new time or room: every calendar copy of the group's turns is stale
      exec("UPDATE rotation_slots SET seq = seq + 1 WHERE grp = ?", group)
    end
    local old = M.slots(group)
    local gone = {} -- cancelled[date .. role] = highest sequence of a cancelled turn
    for _, c in ipairs(M.cancelled(group)) do
      local k = c.date .. "\0" .. c.role
      if not gone[k] or c.seq > gone[k] then gone[k] = c.seq end
    end
    local function cancel(date, role, person, seq)
      exec("INSERT INTO rotation_cancelled (grp, date, role, person, seq) VALUES (?, ?, ?, ?, ?) "
        .. "ON CONFLICT (grp, date, role, person) DO UPDATE SET seq = excluded.seq",
        group, date, role, person, seq)
    end
    if replace then
      local keep = {}
      for _, s in ipairs(rows) do keep[s.date .. "\0" .. s.role] = true end
      local dates = {}
      for date in pairs(old) do dates[#dates + 1] = date end
      table.sort(dates) -- (the same writes, in the same order, every time)
      for _, date in ipairs(dates) do
        local roles = old[date]
        local names = {}
        for role in pairs(roles) do names[#names + 1] = role end
        table.sort(names)
        if date >= replace.from and date <= replace.to then
          for _, role in ipairs(names) do
            local slot = roles[role]
            if not keep[date .. "\0" .. role] then
              exec("DELETE FROM rotation_slots WHERE grp = ? AND date = ? AND role = ?", group, date, role)
              changed = changed + 1
              if slot.person then
                cancel(date, role, slot.person, slot.seq + 1)
                log { kind = "rota.assign", subject = slot.person,
                  data = { group = group, date = date, role = role, person = baton.json.null } }
              end
            end
          end
        end
      end
    end
    exec("INSERT INTO rotation_plans (grp, settings, saved_at) VALUES (?, ?, ?) "
      .. "ON CONFLICT (grp) DO UPDATE SET settings = excluded.settings, saved_at = excluded.saved_at",
      group, canonical(settings), baton.today())
    for _, s in ipairs(rows) do
      local prev = old[s.date] and old[s.date][s.role]
      local seq = M.next_seq(prev, s.person)
      local k = s.date .. "\0" .. s.role
      if not prev and gone[k] then seq = gone[k] + 1 end -- a turn back after a re-plan removed it
      if prev and prev.person and prev.person ~= s.person then cancel(s.date, s.role, prev.person, seq) end
      if s.person and (prev == nil or prev.person ~= s.person) then
        exec("DELETE FROM rotation_cancelled WHERE grp = ? AND date = ? AND role = ? AND person = ?",
          group, s.date, s.role, s.person)
      end
      exec("INSERT INTO rotation_slots (grp, date, role, person, seq) VALUES (?, ?, ?, ?, ?) "
        .. "ON CONFLICT (grp, date, role) DO UPDATE SET person = excluded.person, seq = excluded.seq",
        group, s.date, s.role, s.person, seq)
      if prev == nil or prev.person ~= s.person then
        changed = changed + 1
        log { kind = "rota.assign", subject = s.person,
          data = { group = group, date = s.date, role = s.role, person = s.person or baton.json.null, by = s.by } }
      end
    end
    if event then log(event) end
  end)
  return changed
end

return M
