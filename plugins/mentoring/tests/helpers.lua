-- Shortcuts shared by the mentoring tests (not a test file itself).
--
--   local h = require("tests.helpers").new { run = run, load_people = load_people,
--                                            load_groups = load_groups, fixture_path = fixture_path }
--
-- The fixture school (people.csv, groups.csv) is small enough to score by
-- hand, with the default weights (subject 3, grade 2, campus 1, language 1):
--
--          M1 (cap 2)  M2   M3   M9 (N1's manager)
--   N1       7          0    0    7
--   N2       0          6    1    0
--   N3       3          0    5    1
--
-- so the best cohort is N1-M1, N2-M2, N3-M3 (total 18).

local M = {}

function M.new(env)
  local h = {}

  function h.school()
    if not baton.people.get("N1") then
      env.load_people("tests/people.csv")
      env.load_groups("tests/groups.csv")
    end
  end

  --- Runs `baton mentor ...` with --json; the command must succeed.
  h.ok = run_json -- the runner's: --json, must succeed, decoded

  --- The pairs of a match result as "MENTEE-MENTOR", sorted.
  function h.pairs(out)
    local list = {}
    for _, p in ipairs(out.pairs or out) do list[#list + 1] = p.mentee .. "-" .. p.mentor end
    table.sort(list)
    return list
  end

  function h.file(name)
    return env.fixture_path("tests/" .. name)
  end

  return h
end

return M
