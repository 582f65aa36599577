local create, resume, error = ...
local function pass(ok, ...)
  if ok then return ... end
  error((...), 0)
end
return function(f)
  local co = create(f)
  return function(...) return pass(resume(co, ...)) end
end
