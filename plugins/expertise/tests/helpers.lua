-- Shortcuts shared by the expertise tests (not a test file itself).
--
--   local h = require("tests.helpers")
local M = {}

--- A fresh database with the sample school (40 people) on a fixed day.
function M.school()
  reset_db()
  load_people("../../samples/staff.csv")
  set_today("2026-10-05")
end

--- Runs a command that must succeed, as run_json does, returning its value.
function M.ok(...)
  return (run_json(...))
end

--- Runs a command that must fail with status 1, returning its error text.
function M.refused(...)
  local r = run(...)
  if r.status ~= 1 then error(("expected %s to fail, got status %d: %s"):format(table.concat({ ... }, " "),
    r.status, r.out .. r.err), 2) end
  return r.err
end

--- Logs an event carrying evidence, then lets the hooks run.
function M.evidence(kind, list)
  local id = assert(baton.events.log { kind = kind, subject = "x", data = { expertise = list } })
  baton.sleep(10)
  return id
end

--- The ids of `expertise helpers TAG`, in order.
function M.ranked(tag, ...)
  local ids = {}
  for _, x in ipairs(run_json("helpers", tag, ...).helpers) do ids[#ids + 1] = x.person end
  return ids
end

return M
