#!/usr/bin/env bash
# e2e: only baton.usage_error ends a command as a usage error (exit 2 with
# the usage line). A plugin cannot forge one: the host knows its own error
# by a metatable the plugin can neither read nor copy (getmetatable gives
# "baton.usage"). Fixture: tests/fixtures/plugins/usageforge.
. "$(dirname "$0")/lib.sh"
use_only_plugins usageforge

test_case "baton.usage_error exits 2 with its message and the usage line"
expect_status 2 baton usageforge real
expect_contains "baton usageforge real: give a pair or --all" err
expect_contains "usage: baton usageforge real" err

test_case "a look-alike table with the same __metatable text is a plain failure (1)"
expect_status 1 baton usageforge table
expect_contains "command 'usageforge table' failed: forged" err
expect_not_contains "usage: baton" err

test_case "a caught usage error raised again is still one"
expect_status 2 baton usageforge rethrow
expect_contains "baton usageforge rethrow: caught once" err

test_case "a message changed to a non-string is named, not printed as nothing"
expect_status 2 baton usageforge nonstring
expect_contains "changed the message of its baton.usage_error to table" err

test_case "the metatable cannot be taken off or read"
expect_status 0 baton usageforge unprotect
expect_contains "baton.usage	false	cannot change a protected metatable" out
expect_not_contains "true	table:" out

finish
