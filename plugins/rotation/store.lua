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

function M.migrate()
  assert(baton.store.migrate {
    [[CREATE TABLE rotation_plans (grp TEXT PRIMARY KEY, settings TEXT NOT NULL, saved_at TEXT NOT NULL)]],
    [[CREATE TABLE rotation_slots (grp TEXT NOT NULL, date TEXT NOT NULL, role TEXT NOT NULL,
        person TEXT, seq INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (grp, date, role))]],
  })
end

--- The saved settings of a group, or nil.
function M.settings(group)
  local row = baton.store.first("SELECT settings FROM rotation_plans WHERE grp = ?", group)
  return row and baton.json.decode(row.settings) or nil
end

--- Every group's saved settings: settings[group] (one read for a run
--- that plans many groups).
function M.all_settings()
  local out = {}
  for _, row in ipairs(assert(baton.store.query("SELECT grp, settings FROM rotation_plans"))) do
    out[row.grp] = baton.json.decode(row.settings)
  end
  return out
end

--- Saved slots of a group: slots[date][role] = { person =, seq = }.
function M.slots(group)
  local out = {}
  for _, row in ipairs(assert(baton.store.query(
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
  for _, e in ipairs(baton.events.list { kind = "rota.assign" }) do
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
--- turn out of the history. Returns how many slots changed.
function M.save(group, settings, rows, replace)
  local old = M.slots(group)
  local changed = 0
  baton.store.transaction(function()
    if replace then
      local keep = {}
      for _, s in ipairs(rows) do keep[s.date .. "\0" .. s.role] = true end
      for date, roles in pairs(old) do
        if date >= replace.from and date <= replace.to then
          for role, slot in pairs(roles) do
            if not keep[date .. "\0" .. role] then
              baton.store.exec("DELETE FROM rotation_slots WHERE grp = ? AND date = ? AND role = ?", group, date, role)
              changed = changed + 1
              if slot.person then
                baton.events.log { kind = "rota.assign", subject = slot.person,
                  data = { group = group, date = date, role = role, person = baton.json.null } }
              end
            end
          end
        end
      end
    end
    baton.store.exec("INSERT OR REPLACE INTO rotation_plans (grp, settings, saved_at) VALUES (?, ?, ?)",
      group, baton.json.encode(settings), baton.today())
    for _, s in ipairs(rows) do
      local prev = old[s.date] and old[s.date][s.role]
      local seq = M.next_seq(prev, s.person)
      baton.store.exec("INSERT OR REPLACE INTO rotation_slots (grp, date, role, person, seq) VALUES (?, ?, ?, ?, ?)",
        group, s.date, s.role, s.person, seq)
      if prev == nil or prev.person ~= s.person then
        changed = changed + 1
        baton.events.log { kind = "rota.assign", subject = s.person,
          data = { group = group, date = s.date, role = s.role, person = s.person or baton.json.null } }
      end
    end
  end)
  return changed
end

return M
