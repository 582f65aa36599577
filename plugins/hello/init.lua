-- The hello plugin: the smallest useful plugin, and the one the plugin
-- authoring guide (docs/plugins.md) walks through.
local M = {}

--- Say hello.
---@param args { who: string, times: integer }
function M.greet(args)
  if args.times < 1 then
    error("--times must be at least 1", 0)
  end
  local lines = {}
  for i = 1, args.times do
    lines[i] = "hello " .. args.who
  end
  baton.output(lines)
end

-- Everyone can lead: a group's lead, chair or representative is whoever
-- holds a role in it, whatever their job title.
local function leadership_roles(kind)
  local rows = {}
  for _, group in ipairs(baton.groups.list()) do
    if kind == nil or group.kind == kind then
      for _, member in ipairs(baton.groups.members(group.name) or {}) do
        if member.role_in_group and member.role_in_group ~= "" then
          rows[#rows + 1] = {
            group = group.name,
            kind = group.kind,
            leader = member.name,
            ["leads as"] = member.role_in_group,
            ["staff role"] = member.role or "",
          }
        end
      end
    end
  end
  return rows
end

--- Who leads what, and how leadership is spread across staff roles.
---@param args { kind: string? }
function M.leaders(args)
  local rows = leadership_roles(args.kind)
  if #baton.people.find{} == 0 then
    error("no people in the database yet: run `baton people import FILE` "
      .. "(try samples/staff.csv) and `baton groups import FILE` first", 0)
  end
  local by_role, roles = {}, {}
  for _, r in ipairs(rows) do
    local role = r["staff role"]
    if not by_role[role] then roles[#roles + 1] = role end
    by_role[role] = (by_role[role] or 0) + 1
  end
  table.sort(roles, function(a, b)
    if by_role[a] ~= by_role[b] then return by_role[a] > by_role[b] end
    return a < b
  end)
  local spread = {}
  for _, role in ipairs(roles) do
    spread[#spread + 1] = { ["staff role"] = role, ["leadership roles"] = by_role[role] }
  end
  baton.output({ leaders = rows, spread = spread }, function(v)
    baton.ui.table(v.leaders, { "group", "kind", "leader", "leads as", "staff role" })
    baton.print("")
    baton.print(string.format("%d leadership roles, held by people in %d different staff roles:",
      #v.leaders, #v.spread))
    baton.ui.table(v.spread, { "staff role", "leadership roles" })
  end)
end

--- baton doctor calls this: true when the plugin can do its work.
function M.health()
  return true, "ready"
end

return M
