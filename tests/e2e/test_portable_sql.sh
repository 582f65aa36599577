#!/usr/bin/env bash
# e2e: portable plugin SQL (docs/plugins.md, "Portable SQL"). `baton
# doctor` finds the SQLite-only statements in a plugin's .lua files and
# names plugin, file and line; `baton test` names those that ran, once per
# statement; on SQLite they still run. The bundled plugins have none.
. "$(dirname "$0")/lib.sh"

test_case "the bundled plugins' SQL is portable: doctor warns about none"
run "$BATON" --plugins "$BATON_SOURCE_DIR/plugins" doctor
expect_contains "plugin rotation" out
expect_contains "plugin mentoring" out
expect_not_contains "SQL of" out
run "$BATON" --plugins "$BATON_SOURCE_DIR/plugins" --json doctor
expect_json_true out 'not [c for c in d["checks"] if c["check"].startswith("SQL of")]'

test_case "doctor names each SQLite-only statement of a plugin: file, line, what to write"
use_plugins lite_only
expect_status 0 baton doctor
expect_contains "warn  SQL of lite_only at $PLUGINS/lite_only/init.lua:9: \`INSERT OR IGNORE\` is not in the portable SQL" out
expect_contains "instead: INSERT INTO ... ON CONFLICT DO NOTHING (see docs/plugins.md#portable-sql)" out
expect_contains "warn  SQL of lite_only at $PLUGINS/lite_only/init.lua:18: \`json_extract(\` is not in the portable SQL" out
expect_contains "instead: baton.store.json(column, key)" out
# Exactly those two: not the portable INSERT ... ON CONFLICT of line 12,
# not the baton.store.json query, not the tests folder.
expect_lines <(grep -c "SQL of lite_only" out) 2
run baton --json doctor
expect_json_true out 'd["warnings"] >= 2 and d["failures"] == 0'
expect_json_true out 'len([c for c in d["checks"] if c["status"] == "warn" and "lite_only/init.lua:9" in c["check"]]) == 1'

test_case "on SQLite the statements run as before"
expect_status 0 baton lite_only add x
expect_contains "added 1, then id 2" out
expect_status 0 baton lite_only add x
expect_contains "added 0, then id false" out
expect_status 0 baton lite_only kinds
expect_lines out "x" "1 by json_extract, 1 by baton.store.json"

test_case "baton test warns for the SQLite-only SQL that ran, once per statement"
run "$BATON" test "$PLUGINS/lite_only"
expect_contains "1 passed, 0 failed" out
expect_contains "warn  plugin 'lite_only', $PLUGINS/lite_only/init.lua:9: this SQL would be refused on PostgreSQL: column 1 of the SQL: \`INSERT OR IGNORE\`" out
expect_contains "warn  plugin 'lite_only', $PLUGINS/lite_only/init.lua:17: this SQL would be refused on PostgreSQL: column 8 of the SQL: \`json_extract(\`" out
# The test runs `add` three times: one warning for its statement.
expect_lines <(grep -c "init.lua:9:" out) 1
expect_lines <(grep -c "warn  plugin" out) 2

test_case "baton.store.json: the engine's SQL; names only, hostile input refused"
expect_status 0 baton lite_only json e.data pair.mentor
expect_lines out "CAST(/*baton.store.json*/json_extract(e.data, '\$.pair.mentor') AS TEXT)"
expect_status 1 baton lite_only json "data) FROM people; --" tag
expect_contains "baton.store.json: the column must be a name" err
expect_status 1 baton lite_only json data "x') OR 1=1 --"
expect_contains "baton.store.json: the key must be a field name" err

finish
