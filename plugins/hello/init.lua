-- The hello plugin: the smallest useful plugin, and the one the plugin
-- authoring guide (docs/plugins.md) walks through.
local M = {}

--- Say hello.
---@param args { who: string, times: integer }
---@param ctx { json: boolean }
function M.greet(args, ctx)
  if args.times < 1 then
    error("--times must be at least 1", 0)
  end
  local lines = {}
  for i = 1, args.times do
    lines[i] = "hello " .. args.who
  end
  baton.output(lines)
end

--- baton doctor calls this: true when the plugin can do its work.
function M.health()
  return true, "ready"
end

return M
