#!/bin/sh
# tests/browser/run.sh: runs every *.test.js here, one after another
# (dashboard, live, workshop: ctest's browser/dashboard); each must pass.
# Needs node, Debian's chromium and `npm ci` done in tests/browser;
# `./bootstrap test` sets all three up. Without them the test fails when CI
# is set (CI must run it) and is skipped otherwise (exit 77), saying what to
# install.
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
missing=""
command -v node >/dev/null 2>&1 || missing="node (apt-get install nodejs npm)"
[ -x "$chromium" ] || missing="${missing:+$missing, }$chromium (apt-get install chromium)"
[ -d "$here/node_modules/playwright-core" ] ||
  missing="${missing:+$missing, }playwright-core (cd tests/browser && npm ci)"
if [ -n "$missing" ]; then
  if [ -n "${CI:-}" ]; then
    echo "browser test: cannot run, missing: $missing" >&2
    echo "./bootstrap test installs them" >&2
    exit 1
  fi
  echo "browser test: SKIPPED, missing: $missing (./bootstrap test installs them; in CI this fails)"
  exit 77
fi
cd "$here" || exit 1
# One test file (ctest runs each as its own test), or all of them.
if [ $# -gt 0 ]; then set -- "$@"; else set -- *.test.js; fi
status=0
for t in "$@"; do
  echo "== $t"
  node "$t" || { echo "browser test: $t FAILED"; status=1; }
done
exit $status
