#!/usr/bin/env bash
# e2e: plugins' settings (issue 18). Declared in plugin.lua with the
# arguments' types, checked by `baton config` as arguments are checked
# (exit 2, "did you mean"), read with baton.settings, shown by doctor.
# Attacks: a plugin cannot read another plugin's settings or write its own
# (not through baton.settings, not through SQL); a bad declaration is a
# manifest error with file:line.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins school
# A second plugin whose setting the first must not see.
mkdir -p "$PLUGINS/other"
cat >"$PLUGINS/other/plugin.lua" <<'LUA'
return { name = "other", version = "1.0.0", api = 1, summary = "Has a secret",
  settings = { secret = { type = "string", default = "none" } },
  commands = { show = { summary = "print the secret" } } }
LUA
printf 'return { show = function() baton.print(baton.settings.get("secret")) end }\n' \
  >"$PLUGINS/other/init.lua"

test_case "the plugin's own tests pass inside the real host"
expect_status 0 baton test "$PLUGINS/school"
expect_contains "9 passed, 0 failed" out

test_case "list: every setting with its value, default and type"
expect_status 0 baton config school
expect_contains "school.capacity = 2  [integer]  mentees per mentor" out
expect_contains "school.motto = none  [string]" out

test_case "set, read back typed, unset"
expect_status 0 baton config school capacity 3
expect_contains "school.capacity = 3 (default 2)." out
expect_status 0 baton config school notify no
expect_contains "school.notify = false (default true)." out
expect_status 0 baton school settings
expect_contains "capacity=3 (integer)" out
expect_contains "notify=false (boolean)" out
expect_contains "weight=0.5 (float)" out
expect_status 0 baton config school capacity
expect_lines out "3"
expect_status 0 baton --json config school
expect_json_true out 'd["plugin"] == "school" and [s["value"] for s in d["settings"] if s["key"] == "capacity"] == [3]'
expect_status 0 baton --json config school capacity 5
expect_json_true out 'd["key"] == "capacity" and d["value"] == 5 and d["default"] == 2 and d["set"]'
expect_status 0 baton config school capacity --unset
expect_contains "school.capacity is unset (the default, 2, applies)." out
expect_status 0 baton school get capacity
expect_contains "capacity=2" out

test_case "values are checked against the declaration (exit 2)"
expect_status 2 baton config school capacity 11
expect_contains "plugin 'school': capacity must be at most 10 (from 1 to 10), got '11'" err
expect_status 2 baton config school capacity many
expect_contains "capacity expects a whole number, got 'many'" err
expect_status 2 baton config school tone cold
expect_contains "tone must be one of warm, plain; got 'cold'" err
expect_status 2 baton config school since 2026-02-30
expect_contains "expects a date written YYYY-MM-DD" err
expect_status 2 baton config school capacty 3
expect_contains "plugin 'school' has no setting 'capacty' (did you mean 'capacity'?); its settings are capacity, motto, notify, since, tone, weight" err
expect_status 2 baton config schol
expect_contains "no plugin named 'schol' (did you mean 'school'?)" err
expect_status 2 baton config school capacity 3 --unset
expect_contains "give a VALUE or --unset, not both" err
expect_status 2 baton --json config school capacity 0
expect_json_true err '"capacity must be at least 1 (from 1 to 10)" in d["error"]["message"]'
verdict "no refused value was stored" "a refused value was stored" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_settings WHERE plugin = 'school' AND key <> 'notify'")" = 0

test_case "doctor shows the values that differ from the defaults"
expect_status 0 baton config other secret "the staff-room code"
run baton doctor
expect_contains "settings of school: notify = false (default true)" out
expect_contains "settings of other: secret = the staff-room code (default none)" out

test_case "a value that no longer fits the manifest reads as the default; doctor warns"
sqlite3 "$BATON_DB" "INSERT INTO baton_settings VALUES ('school', 'capacity', '50')"
expect_status 0 baton school get capacity
expect_contains "capacity=2" out
run baton doctor
expect_contains "capacity = 50 (default 2; no longer fits the manifest" out
sqlite3 "$BATON_DB" "DELETE FROM baton_settings WHERE key = 'capacity'"

test_case "a plugin cannot read another plugin's settings"
expect_status 0 baton school get secret
expect_contains "ERROR" out
expect_contains "plugin 'school' declares no setting 'secret'" out
expect_not_contains "staff-room" out
for a in read_settings cte_settings write_settings write_other create_shadow; do
  expect_status 0 baton school sql "$a"
  expect_contains "REFUSED" out
  expect_not_contains "staff-room" out
done
run baton school sql write_settings
expect_contains "may not write table 'baton_settings'" out
expect_status 0 baton other show
expect_lines out "the staff-room code"
verdict "settings unchanged by the attempts" "a plugin changed the settings" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT group_concat(plugin || '.' || key || '=' || value) FROM baton_settings")" = "other.secret=the staff-room code,school.notify=false"

test_case "a workflow script has no settings, and no test helper outside baton test"
printf 'local ok, err = pcall(baton.settings.get, "x")\nbaton.print(err)\nbaton.print(tostring(set_setting), tostring(set_terms))\n' >s.lua
expect_status 0 baton run s.lua
expect_contains "a workflow script has no settings" out
expect_contains "nil	nil" out

test_case "a bad declaration is a manifest error with file:line"
bad() { # NAME LINE3: a manifest whose third line declares the settings
  mkdir -p "$PLUGINS/$1"
  printf 'return { name = "%s", version = "1.0.0", api = 1, summary = "x",\n  settings = {\n%s\n  },\n}\n' "$1" "$2" >"$PLUGINS/$1/plugin.lua"
}
bad bad_key '    size = { type = "integer", defualt = 2 },'
bad bad_default '    size = { type = "integer", default = "two" },'
bad bad_range '    size = { type = "integer", default = 20, min = 1, max = 10 },'
bad bad_min '    size = { type = "string", min = 1 },'
bad bad_type '    size = { type = "int" },'
bad bad_enum '    tone = { type = "enum", values = { "a" }, default = "b" },'
run baton plugins
expect_contains "bad_key/plugin.lua:3: unknown field 'defualt' in setting 'size' (did you mean 'default'?)" out
expect_contains "bad_default/plugin.lua:3: default of setting 'size' is a string but its type is integer" out
expect_contains "bad_range/plugin.lua:3: default of setting 'size' is outside its min and max" out
expect_contains "bad_min/plugin.lua:3: setting 'size' has min, but its type is string; only integer and number arguments take min and max" out
expect_contains "bad_type/plugin.lua:3: setting 'size' has type 'int'; types are string, integer" out
expect_contains "bad_enum/plugin.lua:3: default of setting 'tone' is 'b', which is not one of its values" out
expect_status 1 baton config bad_key
expect_contains "unknown field 'defualt'" err

test_case "min and max hold for command arguments too"
cat >"$PLUGINS/other/plugin.lua" <<'LUA'
return { name = "other", version = "1.0.0", api = 1, summary = "Has a secret",
  settings = { secret = { type = "string", default = "none" } },
  commands = { show = { summary = "print the secret",
    args = { { "--times", type = "integer", default = 1, min = 1, max = 3 } } } } }
LUA
expect_status 2 baton other show --times 4
expect_contains "--times must be at most 3 (from 1 to 3), got '4'" err
expect_status 0 baton other show --help
expect_contains "at least 1, at most 3" out

test_case "baton's own setting: the school's name (the dashboard's header)"
expect_status 0 baton config baton school "Kestrel Bay College"
expect_status 0 baton config baton school
expect_contains "Kestrel Bay College" out
expect_status 0 baton config baton
expect_contains "baton.school = Kestrel Bay College" out
expect_status 2 baton config baton shcool "x"
expect_contains "plugin 'baton' has no setting 'shcool' (did you mean 'school'?)" err
expect_status 0 baton config baton school --unset
expect_status 0 baton config baton school
expect_contains "none" out

finish
