-- Shortcuts shared by the rotation tests (not a test file itself).
--
--   local h = require("tests.helpers").new { run = run, load_people = load_people,
--                                            load_groups = load_groups, fixture_path = fixture_path }

local M = {}

function M.new(env)
  local h = {}

  --- The path of a file in tests/fixtures/rotation.
  function h.fixture(name)
    return env.fixture_path("../../tests/fixtures/rotation/" .. name)
  end

  --- A path in the test file's scratch folder (tmp_path), for files a
  --- test writes (CSV, calendars): removed after the file.
  function h.out(name)
    return tmp_path(name)
  end

  --- Loads the small test school (once per test file).
  function h.school()
    if not baton.people.get("R01") then
      env.load_people("../../tests/fixtures/rotation/staff.csv")
      env.load_groups("../../tests/fixtures/rotation/groups.csv")
    end
  end

  --- Loads the sample school (once per test file).
  function h.sample()
    if not baton.people.get("P001") then
      env.load_people("../../samples/staff.csv")
      env.load_groups("../../samples/groups.csv")
    end
  end

  --- Runs `baton rota ...` with --json; the command must succeed.
  h.ok = run_json -- the runner's: --json, must succeed, decoded

  --- Every rule of a plan checked from its JSON: one role per person per
  --- meeting. Returns the number of turns.
  function h.one_role_each(plan)
    local n = 0
    for _, m in ipairs(plan.meetings) do
      local seen = {}
      for _, id in pairs(m.assignments) do
        assert(not seen[id], ("%s holds two roles on %s"):format(id, m.date))
        seen[id] = true
        n = n + 1
      end
    end
    return n
  end

  return h
end

return M
