#!/usr/bin/env bash
# e2e: the command line: help, version, plugins, typed arguments with their
# errors and suggestions, global flags (--json, --quiet, --debug) and the
# exit codes 0 (success), 1 (failure) and 2 (usage error).
. "$(dirname "$0")/lib.sh"
use_plugins typed

test_case "--help lists the built-in commands and every plugin command"
expect_status 0 baton --help
for word in help version plugins run doctor; do
  expect_match "^  $word +[A-Z]" out
done
expect_match "^  typed check +Echo the parsed arguments back$" out
expect_match "^  hello greet +Say hello$" out

test_case "help NAMESPACE COMMAND shows the usage generated from the manifest"
expect_status 0 baton help hello greet
expect_contains "usage: baton hello greet [WHO] [--times N]" out
expect_contains "who to greet (string, default world)" out
expect_contains "how many times (integer, default 1)" out
cp out help_out

test_case "COMMAND --help shows the same text as help COMMAND"
expect_status 0 baton hello greet --help
verdict "same text" "the texts differ; --help gave:" out cmp -s help_out out

test_case "--help shows every type, default and enum value"
expect_status 0 baton typed check --help
expect_contains "usage: baton typed check NAME [--count N] [--ratio N] [--when DATE] [--level LEVEL] [--input FILE] [--verbose] [--tag TAG]..." out
expect_contains "how many (integer, default 3)" out
expect_contains "a fraction (number, default 0.5)" out
expect_contains "the day (date, default 2026-09-01)" out
expect_contains "how much (one of low|medium|high, default medium)" out
expect_contains "a label (string, may be repeated)" out

test_case "version names baton, the plugin API level and the libraries"
expect_status 0 baton version
expect_match "^baton [0-9]+\.[0-9]+\.[0-9]+ \(plugin API 1; Lua 5\.4" out

test_case "version --json is valid JSON with the versions"
expect_status 0 baton --json version
expect_json out
expect_json_true out 'd["api"] == 1 and d["lua"].startswith("Lua 5.4") and "libuv" in d and "baton" in d'

test_case "plugins shows name, version, state, path and commands"
expect_status 0 baton plugins
expect_match "^NAME +VERSION +STATE +PATH +COMMANDS$" out
expect_match "^typed +1\.2\.3 +available +$PLUGINS/typed +typed check, typed fail$" out
expect_match "^hello +0\.1\.0 +available +.*/plugins/hello +hello greet" out

test_case "plugins --json is valid JSON with the same facts"
expect_status 0 baton --json plugins
expect_json out
expect_json_true out "[p for p in d if p['name'] == 'typed'] == [{'name': 'typed', 'version': '1.2.3', 'state': 'available', 'path': '$PLUGINS/typed', 'namespace': 'typed', 'commands': ['check', 'fail'], 'permissions': [], 'error': None}]"

test_case "an unknown command exits 2 and suggests the closest one"
expect_status 2 baton plugin
expect_contains "baton: unknown command 'plugin' (did you mean 'plugins'?)" err
expect_contains "see 'baton --help'" err
expect_empty out
expect_status 2 baton typed chek x
expect_contains "unknown command 'baton typed chek' (did you mean 'baton typed check'?)" err

test_case "an unknown flag exits 2 and suggests the declared one"
expect_status 2 baton hello greet --tims 3
expect_contains "unknown flag '--tims' (did you mean '--times'?)" err
expect_contains "usage: baton hello greet [WHO] [--times N]" err
expect_empty out

test_case "an integer argument rejects a word and a fraction"
expect_status 2 baton typed check ann --count x
expect_contains "--count expects a whole number, got 'x'" err
expect_status 2 baton typed check ann --count 1.5
expect_contains "--count expects a whole number, got '1.5'" err

test_case "a number argument rejects a word and accepts a fraction"
expect_status 2 baton typed check ann --ratio abc
expect_contains "--ratio expects a number, got 'abc'" err
expect_status 0 baton typed check ann --ratio 0.25
expect_contains "ratio: 0.25" out

test_case "a date argument rejects 2026-02-30 and accepts the leap day 2028-02-29"
expect_status 2 baton typed check ann --when 2026-02-30
expect_contains "--when expects a date written YYYY-MM-DD (e.g. 2026-09-01), got '2026-02-30'" err
expect_status 0 baton typed check ann --when 2028-02-29
expect_contains "when: 2028-02-29" out

test_case "an enum argument rejects a value not listed and suggests the nearest"
expect_status 2 baton typed check ann --level hihg
expect_contains "--level must be one of low, medium, high; got 'hihg' (did you mean 'high'?)" err
expect_status 0 baton typed check ann --level high
expect_contains "level: high" out

test_case "a path argument with exists = true rejects a missing file"
expect_status 2 baton typed check ann --input no-such-file.txt
expect_contains "--input: no such file or directory: 'no-such-file.txt'" err
echo data >present.txt
expect_status 0 baton typed check ann --input present.txt
expect_contains "input: present.txt" out

test_case "a missing required positional exits 2 and names it"
expect_status 2 baton typed check
expect_contains "missing NAME (who is checked)" err
expect_empty out

test_case "defaults reach the handler with their types"
expect_status 0 baton typed check ann
expect_lines out "count: 3" "count_type: integer" "input: -" "level: medium" \
  "name: ann" "ratio: 0.5" "tags: -" "verbose: false" "when: 2026-09-01"

test_case "a boolean flag is set by --flag and cleared by --no-flag"
expect_status 0 baton typed check ann --verbose
expect_contains "verbose: true" out
expect_status 0 baton typed check ann --verbose --no-verbose
expect_contains "verbose: false" out

test_case "a repeated 'many' flag keeps every value in order"
expect_status 0 baton typed check ann --tag a --tag b --tag c
expect_contains "tags: a+b+c" out

test_case "--json makes a command's output valid JSON"
expect_status 0 baton --json typed check ann --tag a --count 7
expect_json out
expect_json_true out 'd["count"] == 7 and d["name"] == "ann" and d["tags"] == "a" and d["verbose"] is False'

test_case "--quiet hides info logs but not the output"
expect_status 0 baton typed check ann
expect_contains "[typed] info: checking ann" err
expect_status 0 baton --quiet typed check ann
expect_not_contains "checking ann" err
expect_contains "name: ann" out

test_case "a failing command exits 1 naming plugin, file and line, and hints at --debug"
expect_status 1 baton typed fail
expect_contains "baton: error in plugin 'typed': command 'typed fail' failed: $PLUGINS/typed/init.lua:21: the check went wrong" err
expect_contains "run again with --debug" err
expect_not_contains "stack traceback" err

test_case "--debug adds the Lua traceback to an error"
expect_status 1 baton --debug typed fail
expect_contains "stack traceback:" err
expect_match "typed/init.lua:21: in .*inner" err
expect_match "typed/init.lua:25: in " err

test_case "--json reports an error as a JSON object on stderr"
expect_status 1 baton --json typed fail
expect_json err
expect_json_true err 'd["error"]["plugin"] == "typed" and "init.lua:21" in d["error"]["message"]'

test_case "a bad global flag value is a usage error"
expect_status 2 baton --time-limit soon hello greet
expect_contains "--time-limit expects a non-negative number, got 'soon'" err

finish
