-- Shortcuts shared by the coaching tests (not a test file itself).
--
--   local h = require("tests.helpers")
local M = {}

M.terms = {
  { "Autumn 2026", "2026-09-01", "2026-12-18" },
  { "Half term", "2026-10-26", "2026-10-30", closure = true },
}

--- A fresh database: the sample school, the autumn term with its half
--- term, and a day in September.
function M.school()
  reset_db()
  load_people("../../samples/staff.csv")
  set_terms(M.terms)
  set_today("2026-09-14")
end

function M.ok(...) return (run_json(...)) end

--- Runs a command that must fail with status 1, returning its error text.
function M.refused(...)
  local r = run(...)
  if r.status ~= 1 then error(("expected %s to fail, got status %d: %s"):format(table.concat({ ... }, " "),
    r.status, r.out .. r.err), 2) end
  return r.err
end

M.GOAL = "more students answer open questions"

--- Cycle 1: T001 coaches T005, the goal identified and a strategy chosen.
function M.cycle(coach, teacher)
  local c = M.ok("start", teacher or "T005", "--coach", coach or "T001", "--tag", "questioning")
  M.ok("identify", tostring(c.cycle), coach or "T001", "--goal", M.GOAL, "--measure", "% of students who answer",
    "--baseline", "20", "--target", "60")
  M.ok("learn", tostring(c.cycle), teacher or "T005", "--strategy", "think-pair-share", "--step", "model it",
    "--step", "try it in Year 9")
  return c.cycle
end

return M
