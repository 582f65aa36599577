#!/usr/bin/env bash
# e2e: the Lua and bash that the C core runs or prints live in files
# (core/lua/scripts/, core/cli/scripts/), compiled in by web/embed.cmake.
# Each .lua must compile (luac -p; the `baton new plugin` templates, which
# are printf formats, once filled in by baton), each .bash must parse
# (bash -n), and what baton prints is the file byte for byte.
. "$(dirname "$0")/lib.sh"

LUAC=$(command -v luac5.4 || command -v luac || true)
test_case "the checkers"
if [ -z "$LUAC" ]; then
  fail "no luac5.4 on PATH: install the Debian package lua5.4"
  finish
fi
# Controls: each checker refuses a broken file, so a pass below means it.
printf 'local x = \n' > broken.lua
printf 'if true; then\n' > broken.bash
verdict "luac -p refuses broken Lua" "luac -p accepts broken Lua" "" not "$LUAC" -p broken.lua 2>/dev/null
verdict "bash -n refuses broken bash" "bash -n accepts broken bash" "" not bash -n broken.bash 2>/dev/null

SCRIPTS=$(cd "$BATON_SOURCE_DIR" && find core/*/scripts -type f | sort)
test_case "embedded files"
verdict "there are embedded scripts" "no core/*/scripts/ files found" "" test -n "$SCRIPTS"
for f in $SCRIPTS; do
  case $f in
  core/cli/scripts/new_plugin/*) ;; # printf formats: checked filled in below
  *.lua)
    verdict "$f compiles" "$f does not compile (luac -p)" err \
      "$LUAC" -p "$BATON_SOURCE_DIR/$f" 2>err ;;
  *.bash)
    verdict "$f parses" "$f does not parse (bash -n)" err \
      bash -n "$BATON_SOURCE_DIR/$f" 2>err ;;
  esac
done

test_case "baton completion bash"
expect_status 0 "$BATON" completion bash
verdict "prints core/cli/scripts/completion.bash byte for byte" \
  "differs from core/cli/scripts/completion.bash" out \
  cmp -s out "$BATON_SOURCE_DIR/core/cli/scripts/completion.bash"

test_case "baton new plugin templates"
expect_status 0 "$BATON" new plugin embed_check --dir made
for t in $(cd "$BATON_SOURCE_DIR/core/cli/scripts/new_plugin" && ls); do
  case $t in
  test.lua) made=made/embed_check/tests/embed_check_test.lua ;;
  *) made=made/embed_check/$t ;;
  esac
  verdict "new_plugin/$t was written as $made" "new_plugin/$t: no $made" "" test -s "$made"
  case $t in
  *.lua)
    verdict "$made compiles" "$made does not compile (luac -p)" err \
      "$LUAC" -p "$made" 2>err ;;
  esac
done
finish
