#!/usr/bin/env bash
# e2e: baton.plugin(name).COMMAND{args}: a script or a plugin runs another
# plugin's command through the host, arguments checked against its
# manifest, in its own sandbox, with its --json output as the result.
. "$(dirname "$0")/lib.sh"
use_plugins caller

test_case "a script calls hello's greet and gets its output as a value"
expect_status 0 baton run "$FIXTURES/scripts/calls.lua"
expect_contains "greet	2	hello Ana" out
expect_contains "colon	hello Bo" out
expect_contains "failed	nil	EPLUGIN	EPLUGIN: --times must be at least 1" out
expect_contains "unknown arg	false	" out
expect_contains "baton.plugin: hello.greet takes no argument 'tims'; see baton help hello greet" out
expect_contains "bad type	false	baton.plugin: hello.greet: baton hello greet: --times expects a whole number, got 'two'" out
expect_contains "baton.plugin: plugin 'hello' has no command 'wave'" out
expect_contains "baton.plugin: no plugin 'nope'; the plugins are: " out

test_case "a plugin calls another plugin's command"
expect_status 0 baton caller twice Cy
expect_lines out "2	hello Cy"

test_case "a plugin cannot call itself through the host"
expect_status 1 baton caller itself
expect_contains "baton.plugin: 'caller' is this plugin itself; call your own functions directly" err

finish
