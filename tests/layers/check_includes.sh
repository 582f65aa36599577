#!/bin/sh
# tests/layers/check_includes.sh LAYERS_TXT CC BUILD_DIR
#
# Proves that the build stops a layer's code from including a header of a
# layer above it or beside it (ARCHITECTURE.md):
#  1. the real build of a base/ source that includes runtime.h (target
#     layercheck_base_includes_runtime) fails, because runtime.h is not on
#     base's include path;
#  2. for every layer and every layer's header, a source compiled with the
#     layer's include path (layers.txt, from its target) compiles when the
#     header's layer is one it may use, and fails with "No such file" when
#     not. The first half is the control: a check that cannot pass proves
#     nothing either.
set -u
table=$1 cc=$2 build=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/baton-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
# not_found HEADER LOG: the compiler (gcc or clang) did not find HEADER.
not_found() {
  grep -q -e "$1: No such file" -e "'$1' file not found" "$2"
}

if cmake --build "$build" --target layercheck_base_includes_runtime \
  >"$tmp/out" 2>&1; then
  fail "base_includes_runtime.c built: base/ code can include runtime.h"
elif not_found runtime.h "$tmp/out"; then
  ok
else
  fail "base_includes_runtime.c failed for another reason than runtime.h:"
  cat "$tmp/out"
fi

# Every header of every layer, and who may include it.
headers=$(while IFS='|' read -r l a lib h d; do
  [ -n "$h" ] && echo "$l:$h"
done <"$table")

while IFS='|' read -r layer allowed lib header dirs; do
  flags=""
  for d in $dirs; do flags="$flags -I$d"; done
  for lh in $headers; do
    hl=${lh%%:*}
    h=${lh#*:}
    printf '#include "%s"\n' "$h" >"$tmp/check.c"
    # shellcheck disable=SC2086
    if (cd "$tmp" && "$cc" -fsyntax-only $flags check.c) >"$tmp/out" 2>&1; then
      res=builds
    elif not_found "$h" "$tmp/out"; then
      res=refused
    else
      res=broken
    fi
    case " $allowed " in
    *" $hl "*) want=builds ;;
    *) want=refused ;;
    esac
    if [ "$res" = "$want" ]; then
      ok
    else
      fail "$layer including $h ($hl): $res, expected $want"
      sed 's/^/    /' "$tmp/out" | head -5
    fi
  done
done <"$table"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
