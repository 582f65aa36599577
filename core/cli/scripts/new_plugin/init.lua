-- The %s plugin. Each command in plugin.lua is a function of M,
-- called with the checked arguments and a context. The whole baton API
-- is in docs/lua-api.md.
local M = {}

--- Say hello, and count the people in the database.
---@param args { who: string, times: integer }
---@param ctx baton.ctx
function M.hello(args, ctx)
  if args.times < 1 then
    error("--times must be at least 1", 0)
  end
  local lines = {}
  for i = 1, args.times do
    lines[i] = "hello " .. args.who
  end
  lines[#lines + 1] = #baton.people.find{} .. " people in the database"
  baton.output(lines)
end

--- baton doctor calls this: true when the plugin can do its work.
function M.health()
  return true
end

return M
