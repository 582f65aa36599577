#!/usr/bin/env bash
# e2e: library plugins. A plugin requires the modules a library plugin it
# depends on exports (`exports` in the library's manifest); they run in
# the caller's own state with the caller's permissions, never the
# library's, and nothing else of another plugin can be required.
# Fixtures: tests/fixtures/plugins/kitlib (the library, holding fs.read),
# kituser (no permissions, depends on kitlib), kitother (no depends).
. "$(dirname "$0")/lib.sh"
use_only_plugins kitlib kituser kitother
echo "a secret" >secret.txt

test_case "a plugin requires its library's modules by the library's name"
expect_status 0 baton kituser use
expect_contains "lib: kitlib" out
expect_contains "same module: true" out

test_case "a library's module state is per plugin: the library's own state has its own"
# kituser bumps its counter to 1, kitlib bumps its own (1, not 2), then
# kituser bumps again (2): no table is shared between the two states.
expect_lines out "kituser bumps: 1" "kitlib bumps: 1" "kituser bumps: 2" \
  "same module: true" "lib: kitlib"

test_case "a library's code runs with the caller's permissions, not the library's"
expect_status 1 baton kituser read secret.txt
expect_contains "kitlib/files.lua:2: plugin 'kituser' needs permission 'fs.read'" err
expect_not_contains "a secret" out

test_case "without depends, another plugin's modules cannot be required"
expect_status 1 baton kitother load kitlib.counter
expect_contains "require 'kitlib.counter': plugin 'kitlib'" err
expect_contains "is not among the depends of plugin 'kitother'; add \"kitlib\" to depends in" err
expect_status 1 baton kitother load kitlib
expect_contains "is not among the depends of plugin 'kitother'" err

test_case "only the modules a library exports can be required"
expect_status 1 baton kituser load kitlib.secret
expect_contains "plugin 'kitlib' does not export module 'secret'" err
expect_contains "it exports: init, counter, files" err
expect_not_contains "kitlib's own" out

test_case "a plugin that exports nothing is no library"
expect_status 1 baton kituser load kitother.init
expect_contains "is not among the depends" err

test_case "paths cannot escape: dots, slashes and absolute names are refused"
for name in 'kitlib/../kitother/init' '../kitlib/secret' '/etc/passwd' \
  'kitlib..secret' '.kitlib' 'kitlib.' 'kitlib.counter/../secret'; do
  expect_status 1 baton kituser load "$name"
  expect_contains "module names are letters, digits, '_' and dots" err
done

test_case "a link in a library pointing outside it is refused"
rm "$PLUGINS/kitlib/files.lua"
ln -s "$PWD/outside.lua" "$PLUGINS/kitlib/files.lua"
echo 'return { read = function() return "from outside" end }' >outside.lua
expect_status 1 baton kituser read secret.txt
expect_contains "lies outside the library's directory" err
expect_not_contains "from outside" out

test_case "exports entries are checked in the manifest"
use_only_plugins kitlib
sed -i 's/exports = { "init", "counter", "files" }/exports = { "..\/x" }/' "$PLUGINS/kitlib/plugin.lua"
expect_status 0 baton plugins
expect_contains "exports entry '../x' is not a module name" out
finish
