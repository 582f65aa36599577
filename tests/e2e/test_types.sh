#!/usr/bin/env bash
# The editor stubs (types/baton.lua) and the Lua API reference
# (docs/lua-api.md) name the same functions: every baton.* function the
# reference documents is declared in the stubs, and the stubs parse as Lua.
set -eu
: "${BATON_SOURCE_DIR:?}"
doc="$BATON_SOURCE_DIR/docs/lua-api.md"
stubs="$BATON_SOURCE_DIR/types/baton.lua"
lua5.4 -e "assert(loadfile('$stubs'))" || { echo "FAIL: $stubs does not parse"; exit 1; }
# Function names as the reference writes them in its code blocks:
# `baton.x.y(` at the start of a line.
documented=$(grep -oE '^baton(\.[a-z_]+)+\(' "$doc" | tr -d '(' | sort -u)
[ -n "$documented" ] || { echo "FAIL: found no documented functions in $doc"; exit 1; }
passed=0 failed=0
for f in $documented; do
  if grep -qE "^function ${f//./\\.}\(" "$stubs"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $f is documented in docs/lua-api.md but not declared in types/baton.lua"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
