#!/usr/bin/env bash
# e2e: a runnable build anywhere. A copy of the build tree (`cp -a build
# ELSEWHERE`) finds its bundled plugins, scripts and the iCalendar module
# beside its own program, not in the source tree it was built from; the
# build tree's own program keeps using the source tree (edits need no
# build); and `baton doctor` fails, naming where to put them, when no
# plugin is found at all. The install layout (PREFIX/bin/baton) is
# test_install.sh's.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$BATON")
SOURCE=$(realpath "$BATON_SOURCE_DIR")
# The bundled plugins, found with no --plugins, no BATON_PLUGIN_PATH and
# an empty ./plugins (lib.sh's), and the bundled scripts with no
# BATON_SCRIPTS.
bare() { timeout -k 1 "${TIMEOUT:-20}" env -u BATON_SCRIPTS "$@"; }

test_case "a copy of the build tree lists its own bundled plugins"
# Copy, never move: other tests run from the build tree at the same time.
# A file that a concurrent test removes while cp reads is not one we need.
cp -a "$BUILD" elsewhere 2>cp_err || true
COPY=$(realpath elsewhere)
verdict "the copy has its program" "cp -a of $BUILD failed" cp_err test -x "$COPY/baton"
run bare "$COPY/baton" plugins
check_status 0
for p in hello kotter mentoring rotation; do
  expect_match "^$p .+ $COPY/share/baton/plugins/$p " out
done
expect_not_contains "$SOURCE/plugins" out

test_case "a copy of the build tree runs the demo with its own scripts"
TIMEOUT=90 run bare "$COPY/baton" --today 2026-09-01 demo --no-serve --db demo.db
check_status 0
expect_contains "School: 80 people" out
expect_match "^Mentoring: [0-9]+ pairs made and saved" out
expect_match "^  Mathematics PLC: [0-9]+ meetings, fairness bound 1 met" out
expect_contains "Change: 'Reading in every subject'" out

test_case "a copy of the build tree loads baton.ics from beside its program"
cat >ics.lua <<'EOF'
local text = baton.ics.calendar { name = "anywhere", events = {
  { uid = "1@anywhere", date = "2026-09-01", summary = "a turn" } } }
print(text:match("BEGIN:VCALENDAR") and "calendar made" or text)
EOF
run bare "$COPY/baton" run ics.lua
check_status 0
expect_contains "calendar made" out

test_case "baton doctor passes in a copy of the build tree"
run bare "$COPY/baton" doctor --db demo.db
check_status 0
expect_contains "0 problems found" out
expect_match "^  ok    plugin mentoring .+\($COPY/share/baton/plugins/mentoring\)" out

test_case "the build tree's own program uses the source tree's plugins"
run bare "$BATON" plugins
check_status 0
expect_match "^mentoring .+ $SOURCE/plugins/mentoring " out

test_case "baton doctor fails when no plugin is found, naming where they belong"
rm -rf "$COPY/share/baton/plugins"
run bare "$COPY/baton" doctor --db demo.db
check_status 1
expect_match "^  fail  plugins: none found \(looked in plugins, .+\); the bundled plugins belong in $COPY/share/baton/plugins" out
expect_contains "--plugins DIR or BATON_PLUGIN_PATH" out
expect_contains "1 problem found" out
run bare "$COPY/baton" --json doctor --db demo.db
check_status 1
expect_json_true out 'd["failures"] == 1 and any(c["check"] == "plugins" and c["status"] == "fail" for c in d["checks"])'
# A plugin named on the command line is a plugin found: no failure.
mkdir -p mine && cp -R "$SOURCE/plugins/hello" mine/hello
run bare "$COPY/baton" --plugins mine doctor --db demo.db
check_status 0
expect_contains "0 problems found" out

finish
