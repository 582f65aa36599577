-- The plugin's own table: one snapshot per period (a term or a school
-- year), the whole picture as it was when taken, so a later term compares
-- with what a practice that only knows "now" said then.
local M = {}

function M.ready()
  assert(baton.store.migrate {
    [[CREATE TABLE equity_snapshots (period TEXT PRIMARY KEY, period_from TEXT NOT NULL,
        period_to TEXT NOT NULL, taken TEXT NOT NULL, data TEXT NOT NULL)]],
  })
end

--- Keeps `all` (gather.all's value) as the snapshot of its period,
--- replacing an older one.
function M.save(all)
  local data = baton.json.encode { people = all.people, holdings = all.holdings, practices = all.practices }
  assert(baton.store.exec("INSERT INTO equity_snapshots (period, period_from, period_to, taken, data) "
    .. "VALUES (?, ?, ?, ?, ?) ON CONFLICT (period) DO UPDATE SET period_from = excluded.period_from, "
    .. "period_to = excluded.period_to, taken = excluded.taken, data = excluded.data",
    all.period.name, all.period.from, all.period.to, baton.today(), data))
end

--- Every snapshot, oldest period first: { period, taken, people, holdings, practices }.
function M.all()
  local out = {}
  for _, row in ipairs(assert(baton.store.query(
      "SELECT period, period_from, period_to, taken, data FROM equity_snapshots ORDER BY period_from"))) do
    local d = baton.json.decode(row.data)
    out[#out + 1] = { period = { name = row.period, from = row.period_from, to = row.period_to },
      taken = row.taken, people = d.people or {}, holdings = d.holdings or {}, practices = d.practices or {} }
  end
  return out
end

return M
