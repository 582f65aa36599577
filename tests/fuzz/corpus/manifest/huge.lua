-- Fixture: a manifest that tries to fill memory (the empty environment has
-- no string.rep, so it doubles a string).
local s = "x"
while true do s = s .. s end
return { name = "huge", version = "1.0.0", api = 1, commands = {} }
