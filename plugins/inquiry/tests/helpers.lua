-- Shortcuts shared by the inquiry tests (not a test file itself).
--
--   local h = require("tests.helpers")
local M = {}

-- The autumn term has a half term (26-30 October): five weekdays that are
-- no school days.
M.terms = {
  { "Autumn 2026", "2026-09-01", "2026-12-18" },
  { "Half term", "2026-10-26", "2026-10-30", closure = true },
  { "Spring 2027", "2027-01-05", "2027-03-26" },
}

--- A fresh database: the sample school (samples/staff.csv, groups.csv:
--- the Maths PLC is T001 (lead), T006, T011, T017; the Science PLC T003
--- (lead), T007, T016, T019), its calendar, today 2026-09-14.
function M.school()
  reset_db()
  load_people("../../samples/staff.csv")
  load_groups("../../samples/groups.csv")
  set_terms(M.terms)
  set_today("2026-09-14")
end

--- Runs an inquiry command that must succeed; its --json output.
function M.ok(...)
  local v, r = run_json(...)
  if r.status ~= 0 then error(("inquiry %s failed: %s"):format(table.concat({ ... }, " "), r.err), 2) end
  return v
end

--- Cycle 1: the Maths PLC on formative assessment, opened 2026-09-07.
function M.maths_cycle(...)
  return M.ok("open", "How do our Year 9s act on feedback?", "--group", "Maths PLC", "--topic",
    "Formative assessment", "--date", "2026-09-07", ...)
end

--- The events of this kind, oldest first.
function M.events(kind) return baton.events.list { kind = kind } end

return M
