-- Shortcuts shared by the kotter tests (not a test file itself).
--
--   local h = require("tests.helpers").new { run = run, load_people = load_people,
--                                            load_groups = load_groups }

local M = {}

function M.new(env)
  local h = {}

  --- Loads the sample school once per test file (each file has its own database).
  function h.school()
    if not baton.people.get("P001") then
      env.load_people("../../samples/staff.csv")
      env.load_groups("../../samples/groups.csv")
    end
  end

  --- Runs `baton change ...` with --json; the command must succeed. Returns
  --- the decoded output and the whole result.
  h.ok = run_json -- the runner's: --json, must succeed, decoded

  --- The warnings of one initiative's status, keyed "rule" or "rule/step".
  function h.warnings(initiative, ...)
    local st = h.ok("status", initiative, ...)
    local found = {}
    for _, w in ipairs(st.warnings) do
      found[#found + 1] = w.step and (w.rule .. "/" .. w.step) or w.rule
    end
    return found, st
  end

  return h
end

return M
