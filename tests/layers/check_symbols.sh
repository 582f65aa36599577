#!/bin/sh
# tests/layers/check_symbols.sh LAYERS_TXT BUILD_DIR WRONG_LIB
#
# Proves that no layer's library calls up: every baton_/baton__ symbol a
# library uses but does not define must come from a layer it may use
# (layers.txt). A declaration written by hand gets past the include path;
# this check reads the compiled code (nm), so it does not.
#  1. The real libraries pass.
#  2. Control: a base library holding a call to the runtime
#     (base_calls_runtime.c, target layercheck_base_calls_runtime) is
#     refused, naming the symbol and the layer that defines it.
set -u
table=$1 build=$2 wrong=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/baton-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# check TABLE: prints one line per call to a layer not allowed; returns 1
# if there is any.
check() {
  : >"$tmp/defs"
  while IFS='|' read -r layer allowed lib header dirs; do
    nm -g --defined-only "$lib" |
      awk -v l="$layer" 'NF == 3 && $3 ~ /^baton_/ { print $3, l }' >>"$tmp/defs"
  done <"$1"
  : >"$tmp/uses"
  while IFS='|' read -r layer allowed lib header dirs; do
    nm -g --undefined-only "$lib" |
      awk -v l="$layer" -v a=" $allowed " -v f="$lib" \
        '$1 == "U" && $2 ~ /^baton_/ { print $2, l, f, a }' >>"$tmp/uses"
  done <"$1"
  # defs: SYMBOL LAYER; uses: SYMBOL LAYER LIB ALLOWED...
  awk 'NR == FNR { def[$1] = def[$1] " " $1 "@" $2; at[$1, $2] = 1; next }
       {
         if (at[$1, $2]) next      # defined in its own library
         allowed = ""
         for (i = 4; i <= NF; i++) allowed = allowed " " $i
         n = split(def[$1], where, " ")
         for (j = 1; j <= n; j++) {
           split(where[j], sl, "@")
           if (index(allowed " ", " " sl[2] " ") == 0) {
             printf "%s (%s) uses %s, defined in %s: a layer it may not use (%s )\n",
                    $2, $3, $1, sl[2], allowed
             bad = 1
           }
         }
       }
       END { exit bad }' "$tmp/defs" "$tmp/uses"
}

status=0
if ! check "$table" >"$tmp/real"; then
  echo "FAIL: a library calls a layer it may not use:"
  cat "$tmp/real"
  status=1
else
  echo "ok: every library calls only itself and the layers below it"
fi

if ! cmake --build "$build" --target layercheck_base_calls_runtime \
  >"$tmp/out" 2>&1; then
  echo "FAIL: the control library does not build:"
  cat "$tmp/out"
  exit 1
fi
awk -F'|' -v OFS='|' -v w="$wrong" '$1 == "base" { $3 = w } { print }' \
  "$table" >"$tmp/wrong.txt"
if check "$tmp/wrong.txt" >"$tmp/caught"; then
  echo "FAIL: a base library calling baton__host_fail was not caught"
  status=1
elif grep -q '^base .* uses baton__host_fail, defined in runtime' "$tmp/caught"; then
  echo "ok: a base library calling the runtime is caught:"
  sed 's/^/    /' "$tmp/caught"
else
  echo "FAIL: the control was caught for another reason:"
  cat "$tmp/caught"
  status=1
fi
exit $status
