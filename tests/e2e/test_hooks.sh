#!/usr/bin/env bash
# e2e: hooks (baton.events.on). After an event is logged, the hooks of
# every plugin whose manifest lists its kind run as tasks of that plugin:
# its sandbox, its permissions (never the logger's), its limits. A hook's
# error is reported with its plugin, file and line and never fails the
# command; a hook that logs what it listens to stops at a bounded depth.
# Fixtures: tests/fixtures/plugins/hookpub (logs kit.* events, holds
# fs.read), hooksub (no permissions, hooks = {"kit.*"}), hookbad.
. "$(dirname "$0")/lib.sh"
use_only_plugins hookpub hooksub
echo "a secret" >secret.txt

test_case "a CLI command's event runs the hooks of another plugin before baton exits"
expect_status 0 baton hookpub log ping --n 5
expect_lines out "logged kit.ping #1" "hooksub saw kit.ping #1 n=5 from hookpub" \
  "hooksub ping hook saw #1"
expect_empty err

test_case "a prefix pattern takes every kind under it; an exact one only its own"
expect_status 0 baton hookpub log other
expect_lines out "logged kit.other #2" "hooksub saw kit.other #2 n=1 from hookpub"

test_case "a hook runs with its own plugin's permissions, not the logger's"
expect_status 0 baton hookpub log ping --read secret.txt
expect_contains "hooksub read: false plugin 'hooksub' needs permission 'fs.read'" out
expect_not_contains "a secret" out

test_case "a failing hook is reported with plugin, file and line; the command still succeeds"
expect_status 0 baton hookpub log other --boom
expect_contains "logged kit.other" out
expect_match "error in plugin 'hooksub': hook on 'kit.\*' \(.*hooksub/init.lua:1\) for event 'kit.other' #[0-9]+ failed: .*hooksub/init.lua:7: boom in the hook" err

test_case "a hook that logs the kind it listens to stops at depth 4, saying why"
expect_status 0 baton hookpub log ping --loop
expect_contains "n=4 from hooksub" out
expect_not_contains "n=5 from hooksub" out
expect_contains "was logged by a hook 4 deep, so its hooks did not run" err

test_case "events of a workflow script run hooks too; a rolled-back event runs none"
cat >events.lua <<'LUA'
baton.events.log{kind = "kit.script", data = {n = 7}}
pcall(baton.store.transaction, function()
  baton.events.log{kind = "kit.rolledback", data = {n = 8}}
  error("roll it back")
end)
print("script done")
LUA
expect_status 0 baton run events.lua
expect_contains "hooksub saw kit.script" out
expect_not_contains "kit.rolledback" out
expect_empty err

test_case "a command that fails after logging leaves its events' hooks unrun"
expect_status 1 baton hookpub log ping --fail
expect_not_contains "hooksub saw" out

test_case "baton.events.on outside init.lua's top level raises"
cat >on.lua <<'LUA'
baton.events.on("kit.x", function() end)
LUA
expect_status 1 baton run on.lua
expect_contains "a workflow script has no hooks" err

test_case "baton.events.on from a command (after init.lua has loaded) raises"
expect_status 1 baton hookpub late
expect_contains "hooks are registered while init.lua loads, at its top level" err

test_case "under baton serve, an event a request logs runs the hooks on the loop"
# The route logs kit.serve with loop = true: hooksub's hook logs kit.ping
# in turn (to depth 4), which the event log shows.
serve_start
get "/api/events?plugin=hooksub"
BEFORE=$(python3 -c 'import json; print(len(json.load(open("body"))))')
get /api/hookpub/log -X POST -H "Authorization: Bearer $TOKEN"
expect_code 200
hooked() {
  get "/api/events?plugin=hooksub"
  python3 -c 'import json,sys; sys.exit(0 if len(json.load(open("body"))) == int(sys.argv[1]) else 1)' $((BEFORE + $1))
}
wait_hooked() {
  local i
  for i in $(seq 60); do hooked "$1" && return 0; sleep 0.05; done
  return 1
}
verdict "the hooks ran in serve (4 events deep)" "the hooks did not run in serve" body wait_hooked 4
get /api/hookpub/log -X POST -H "Authorization: Bearer $TOKEN"
verdict "and again for the next request" "no hooks for the second request" body wait_hooked 8
interrupt_bg

test_case "a hook on a kind the manifest does not list fails the plugin's load, naming the fix"
use_plugins hookbad
expect_status 0 baton hookpub log ping
expect_contains "hooksub ping hook saw" out
expect_contains "error in plugin 'hookbad': its hooks for event 'kit.ping'" err
expect_contains "listens to 'kit.other', which its manifest does not list; add \"kit.other\"" err

test_case "hooks entries are checked in the manifest"
sed -i 's/hooks = { "kit.ping" }/hooks = { "kit.*x" }/' "$PLUGINS/hookbad/plugin.lua"
expect_status 0 baton plugins
expect_contains "hooks entry 'kit.*x' is not an event kind" out
finish
