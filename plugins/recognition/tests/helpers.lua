-- Shortcuts shared by the recognition tests (not a test file itself).
--
--   local h = require("tests.helpers")
local M = {}

M.terms = {
  { "Summer 2026", "2026-04-13", "2026-07-17" },
  { "Autumn 2026", "2026-09-01", "2026-12-18" },
}

--- A fresh database: the sample school (40 people), its groups, two terms,
--- today in the autumn term.
function M.school()
  reset_db()
  load_people("../../samples/staff.csv")
  load_groups("../../samples/groups.csv")
  set_terms(M.terms)
  set_today("2026-10-05")
end

--- `thanks post FROM TO TEXT [more...]`, which must succeed; its --json output.
function M.post(from, to, text, ...)
  return run_json("post", from, to, text, ...)
end

--- A route's handler called as baton serve calls it, with `user` as the
--- host gives req.user (nil: nobody signed in).
function M.call(key, user, query, json)
  local method, path = key:match("^(%u+) (.+)$")
  return plugin.routes[key]({ method = method, path = path, params = {}, query = query or {}, headers = {},
    json = json, user = user })
end

M.coordinator = { person = "P001", role = "coordinator" }
M.token = { role = "coordinator" } -- the server's start-up token: a coordinator who is no one
M.staff = { person = "T001", role = "staff" }
M.viewer = { person = "A004", role = "viewer" }

return M
