-- Step 1 of a fair rota: meeting by meeting, in date order, give each role
-- to someone who can hold it, preferring whoever has held it least so far
-- (per FTE), then whoever has led least in total, then whoever held it
-- longest ago, avoiding a repeat within the minimum gap. The scarcest role
-- is given first; when that leaves a role empty that had candidates, the
-- meeting is filled again by an exact minimum-cost assignment, so a tight
-- meeting is filled whenever any arrangement fills it.
--
-- It runs in C (baton.rota.first_pass, core/solve/rota.c), for a plan and
-- for a repair (its fixed turns and reopened slots). The same pass in Lua,
-- tests/oracle/first_pass.lua, is only the oracle the plugin's tests
-- compare it with, slot for slot.

local M = {}

--- The first pass.
---@param prob table the problem (scheduler/problem.lua), fixed and open included
---@param gap integer the minimum gap
---@return table assign assign[t][r] = p, false (left empty), or nil (neither fixed nor open)
---@return integer[] fill fill[t]: the slots meeting t decided and filled
function M.run(prob, gap)
  local a, fill = baton.rota.first_pass(prob, gap)
  local assign = {}
  for t = 1, #a do assign[t] = a[t] end
  return assign, fill
end

return M
