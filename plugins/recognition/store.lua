-- Everything the practice keeps, and the only module that touches the store.
--
-- One table: every thank-you ever posted, with its state. Hiding sets
-- hidden_on, hidden_by and hidden_reason and never deletes: the history
-- keeps the message for the coordinator. Every other read goes through
-- M.public, which leaves hidden ones out.
local M = {}

local function q(...) return assert(baton.store.query(...)) end
local function first(...)
  local row, err = baton.store.first(...)
  if err then error(err) end
  return row
end

function M.ready()
  assert(baton.store.migrate {
    [[CREATE TABLE recognition_thanks (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_id TEXT NOT NULL,
        message TEXT NOT NULL,
        link TEXT,
        hidden_on TEXT,
        hidden_by TEXT,
        hidden_reason TEXT,
        CHECK (from_id <> to_id));
      CREATE INDEX recognition_thanks_date ON recognition_thanks(date);
      CREATE INDEX recognition_thanks_to ON recognition_thanks(to_id, date);]],
  })
end

local COLUMNS = "id, date, from_id, to_id, message, link, hidden_on, hidden_by, hidden_reason"

--- Records a thank-you; returns its number.
function M.add(t)
  return assert(baton.store.insert(
    "INSERT INTO recognition_thanks (date, from_id, to_id, message, link) VALUES (?, ?, ?, ?, ?)",
    t.date, t.from, t.to, t.message, t.link))
end

--- A thank-you by number, when the code sees its school (seen, below).
function M.get(id)
  local t = first("SELECT " .. COLUMNS .. " FROM recognition_thanks WHERE id = ?", id)
  if t and baton.people.school() then t = assert(baton.people.keep({ t }, "from_id", "to_id"))[1] end
  return t
end

-- The thanks of the school the code sees (a page asked, or a form run, by
-- a person of one school): a thank-you is the school's of who gave it and
-- of who received it; at most `limit` of them (nil: all). Every row when
-- the code sees every school, the limit then in SQL.
local function seen(sql, limit, ...)
  if not baton.people.school() then
    return q(sql .. (limit and (" LIMIT " .. math.tointeger(limit)) or ""), ...)
  end
  local rows = assert(baton.people.keep(q(sql, ...), "from_id", "to_id"))
  for i = #rows, (limit or #rows) + 1, -1 do rows[i] = nil end
  return rows
end

--- The thanks not hidden, dated from..to (both included; nil: no bound),
--- newest first; at most `limit` (nil: all).
function M.public(from, to, limit)
  return seen("SELECT " .. COLUMNS .. " FROM recognition_thanks WHERE hidden_on IS NULL AND date >= ? AND date <= ?"
    .. " ORDER BY date DESC, id DESC", limit, from or "0000-00-00", to or "9999-99-99")
end

--- Every thank-you, hidden ones too (the coordinator's history), newest
--- first; only the hidden ones when `hidden_only`.
function M.history(hidden_only, limit)
  return seen("SELECT " .. COLUMNS .. " FROM recognition_thanks"
    .. (hidden_only and " WHERE hidden_on IS NOT NULL" or "") .. " ORDER BY date DESC, id DESC", limit)
end

--- The day each person was last thanked (public thanks up to `to`), by id.
function M.last_thanked(to)
  local last = {}
  for _, r in ipairs(q("SELECT to_id, MAX(date) AS last FROM recognition_thanks WHERE hidden_on IS NULL"
    .. " AND date <= ? GROUP BY to_id", to)) do
    last[r.to_id] = r.last
  end
  return last
end

function M.hide(id, on, by, reason)
  assert(baton.store.exec("UPDATE recognition_thanks SET hidden_on = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?",
    on, by, reason, id))
end

function M.unhide(id)
  assert(baton.store.exec(
    "UPDATE recognition_thanks SET hidden_on = NULL, hidden_by = NULL, hidden_reason = NULL WHERE id = ?", id))
end

return M
