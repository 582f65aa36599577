#!/usr/bin/env bash
# The editor stubs (types/baton.lua) are generated from the Lua API
# reference (docs/lua-api.md) by tools/gen-types.lua, so they cannot
# drift: the committed stubs are exactly a fresh generation (an edit to
# one file without the other fails here, saying which command
# regenerates), they parse, and they declare exactly what the running
# host's `baton` table holds.
. "$(dirname "$0")/lib.sh"
SRC="$BATON_SOURCE_DIR"
gen() { run lua5.4 "$SRC/tools/gen-types.lua" "$@"; }

test_case "the committed types/baton.lua is a fresh generation from docs/lua-api.md"
gen --check
check_status 0
expect_contains "is up to date" out

test_case "the stubs parse as Lua and are marked generated"
verdict "types/baton.lua parses" "types/baton.lua does not parse" "" \
  lua5.4 -e "assert(loadfile('$SRC/types/baton.lua'))"
expect_status 0 head -4 "$SRC/types/baton.lua"
expect_contains "---@meta baton" out
expect_contains "GENERATED from docs/lua-api.md" out

test_case "documenting a new function without regenerating fails, naming the command"
cp "$SRC/docs/lua-api.md" api.md
cp "$SRC/types/baton.lua" stubs.lua
cat >>api.md <<'EOF'

```lua
---@param q? {kind?: string, since?: string}
---@return integer
baton.tally.count(q)   -- how many events match
```
EOF
gen --check api.md stubs.lua
check_status 1
expect_contains "is not what api.md describes" err
expect_contains "run \`lua5.4 tools/gen-types.lua\`" err
gen api.md stubs.lua
check_status 0
expect_status 0 grep -A3 -- "--- how many events match" stubs.lua
expect_contains "---@param q? {kind?: string, since?: string}" out
expect_contains "function baton.tally.count(q) end" out
expect_status 0 grep -c "^baton.tally = {}$" stubs.lua
gen --check api.md stubs.lua
check_status 0

test_case "editing the stubs by hand fails the check"
cp "$SRC/types/baton.lua" stubs.lua
printf '\nfunction baton.extra() end\n' >>stubs.lua
gen --check "$SRC/docs/lua-api.md" stubs.lua
check_status 1
expect_contains "the two were edited apart" err

test_case "a declaration without its ---@param lines is refused with the line"
printf '# x\n\n```lua\n---@return string\nbaton.thing(a, b)\n```\n' >bad.md
gen bad.md out.lua
check_status 1
expect_contains "bad.md:5: baton.thing(a, b): no ---@param line for 'a'" err
printf '# x\n\n```lua\n---@param a string\nlocal r = baton.thing(a)\n```\n' >bad2.md
gen bad2.md out.lua
check_status 1
expect_contains "bad2.md:5: annotations above a line that declares nothing" err

test_case "the stubs declare every function and value of the real baton table, and nothing else"
cat >walk.lua <<'EOF'
local function walk(t, name, depth)
  for k, v in pairs(t) do
    local n = name .. "." .. k
    local nested = (type(v) == "table" or type(v) == "userdata") and depth < 3
      and pcall(function() for _ in pairs(v) do break end end)
    if type(v) == "function" then print("function " .. n)
    elseif nested then walk(v, n, depth + 1)
    else print("value " .. n) end
  end
end
walk(baton, "baton", 0)
EOF
expect_status 0 "$BATON" run walk.lua
sort out >runtime
verdict "the host has functions ($(grep -c '^function' runtime))" "walk.lua found no functions" runtime \
  test "$(grep -c '^function' runtime)" -gt 40
while read -r kind name; do
  if [ "$kind" = function ]; then
    pattern="^function ${name//./\\.}\("
  else
    pattern="^${name//./\\.} = "
  fi
  verdict "$name is declared" "$name is in the host but not in docs/lua-api.md (so not in the stubs)" "" \
    grep -qE "$pattern" "$SRC/types/baton.lua"
done <runtime
grep -oE '^function baton(\.[a-z_]+)+' "$SRC/types/baton.lua" | sed 's/^function //' | sort >declared
while read -r name; do
  verdict "$name exists in the host" "$name is documented but the host has no such function" "" \
    grep -qx "function $name" runtime
done <declared

test_case "the stubs declare exactly the globals a test file has that a plugin has not"
mkdir -p tg/probe/tests
cat >tg/probe/plugin.lua <<'EOF'
return { name = "probe", version = "0.1.0", api = 1, summary = "its globals",
  commands = { globals = { summary = "print the names of the globals" } } }
EOF
cat >tg/probe/init.lua <<'EOF'
local M = {}
function M.globals()
  local t = {}
  for k in pairs(_G) do t[#t + 1] = k end
  table.sort(t)
  for _, k in ipairs(t) do print("global " .. k) end
end
return M
EOF
cat >tg/probe/tests/globals_test.lua <<'EOF'
plugin.globals()
test("listed", function() end)
EOF
expect_status 0 "$BATON" --plugins tg probe globals
grep '^global ' out | sort >plain
expect_status 0 "$BATON" --plugins tg test tg/probe
grep '^global ' out | sort | comm -13 plain - | sed 's/^global //' >testonly
verdict "a test file has $(wc -l <testonly) globals of its own" "no test globals found" testonly \
  test "$(wc -l <testonly)" -ge 10
while read -r name; do
  verdict "test global $name is declared" "test global $name is not in docs/lua-api.md (so not in the stubs)" "" \
    grep -qE "^(function $name\\(|$name = )" "$SRC/types/baton.lua"
done <testonly
grep -oE '^function [a-z_]+\(' "$SRC/types/baton.lua" | sed 's/^function //; s/($//' >declared_globals
while read -r name; do
  verdict "$name exists in a test file" "$name is documented as a test global but a test file has no such global" "" \
    grep -qx "$name" testonly
done <declared_globals

finish
