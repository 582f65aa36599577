#!/usr/bin/env bash
# e2e: the Debian package: `cpack -G DEB` from the build tree, unpacked into
# a fresh folder (dpkg -x, as if installed on a clean machine), runs the
# demo from there with its own bundled plugins and scripts, and has the man
# page and the bash completion script.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$BATON")

test_case "the Debian package installs into a fresh folder and runs baton demo --no-serve"
if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null || [ ! -f "$BUILD/CPackConfig.cmake" ]; then
  pass "skipped: no cpack, dpkg-deb or CPack configuration"
  finish
fi
TIMEOUT=120 expect_status 0 timeout 120 cpack -G DEB -B "$WORK/pkg" --config "$BUILD/CPackConfig.cmake"
deb=$(ls "$WORK"/pkg/baton_*.deb 2>/dev/null | head -1)
verdict "a .deb was built: $deb" "no .deb in $WORK/pkg" out test -n "$deb"
expect_status 0 dpkg -x "$deb" root
for f in usr/bin/baton usr/share/baton/plugins/mentoring/plugin.lua usr/share/baton/scripts/sample-school.lua \
  usr/share/baton/scripts/demo.lua usr/share/man/man1/baton.1 usr/share/bash-completion/completions/baton; do
  verdict "installs $f" "does not install $f" "" test -f "root/$f"
done
root/usr/bin/baton completion bash >printed
verdict "the installed completion script is what baton completion bash prints" \
  "the installed completion script differs from baton completion bash" "" \
  cmp -s printed root/usr/share/bash-completion/completions/baton
mkdir clean && cd clean
# Only the installed files: no --plugins, no source tree.
run timeout 60 env -u BATON_SCRIPTS ../root/usr/bin/baton --today 2026-09-01 demo --no-serve
check_status 0
expect_contains "School: 80 people" out
expect_match "^Mentoring: [0-9]+ pairs made and saved" out
expect_contains "Change: 'Reading in every subject'" out
run ../root/usr/bin/baton plugins
expect_match "^mentoring .+/root/usr/share/baton/plugins/mentoring" out
cd ..

finish
