-- What the rota keeps: each group's saved plan (its settings and one row
-- per meeting and role) in the plugin's own tables, and every assignment
-- in baton's event log, which is where history across terms and across
-- groups is counted from.
--
--   rotation_plans  group, settings (JSON: roles, meetings, rules, absences)
--   rotation_slots  group, date, role, person (NULL when unfilled), sequence
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

--- Every assignment ever recorded: list of { group, date, role, person },
--- the newest event per slot.
function M.history()
  local latest, order = {}, {}
  for _, e in ipairs(must("read the rota's history", baton.events.list { kind = "rota.assign" })) do
    local d = e.data
    if type(d) == "table" and d.group and d.date and d.role then
      local key = d.group .. "\0" .. d.date .. "\0" .. d.role
      if not latest[key] then order[#order + 1] = key end
      latest[key] = d
    end
  end
  local out = {}
  for _, key in ipairs(order) do
    local d = latest[key]
    if d.person and d.person ~= baton.json.null then out[#out + 1] = d end
  end
  return out
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
    local old = M.slots(group)
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
                log { kind = "rota.assign", subject = slot.person,
                  data = { group = group, date = date, role = role, person = baton.json.null } }
              end
            end
          end
        end
      end
    end
    exec("INSERT OR REPLACE INTO rotation_plans (grp, settings, saved_at) VALUES (?, ?, ?)",
      group, canonical(settings), baton.today())
    for _, s in ipairs(rows) do
      local prev = old[s.date] and old[s.date][s.role]
      local seq = M.next_seq(prev, s.person)
      exec("INSERT OR REPLACE INTO rotation_slots (grp, date, role, person, seq) VALUES (?, ?, ?, ?, ?)",
        group, s.date, s.role, s.person, seq)
      if prev == nil or prev.person ~= s.person then
        changed = changed + 1
        log { kind = "rota.assign", subject = s.person,
          data = { group = group, date = s.date, role = s.role, person = s.person or baton.json.null } }
      end
    end
    if event then log(event) end
  end)
  return changed
end

return M
