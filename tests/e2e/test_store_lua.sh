#!/usr/bin/env bash
# e2e: the store from Lua: people, groups and events as plain tables, and
# baton.store confined to the plugin's own tables by the authorizer.
#
# On PostgreSQL (tests/pg/e2e.txt) BATON_DB is lib.sh's database on the
# test cluster, and a broken key is worded by PostgreSQL.
. "$(dirname "$0")/lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local want=$1; shift
  set +e; "$@" >out 2>err; local got=$?; set -e
  [ "$got" = "$want" ] || { cat out err >&2; fail "'$*' exited $got, wanted $want"; }
}

"$BATON" people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
"$BATON" groups import "$BATON_SOURCE_DIR/samples/groups.csv" >/dev/null

cat > mentor.lua <<'LUA'
local teachers = baton.people.find{role = "teacher", campus = "Hillcrest"}
print("teachers", #teachers, teachers[1].id, teachers[1].languages[1])
print("facilitators", #baton.people.find{trained_facilitator = "yes"})
local p = baton.people.get("L001")
print("get", p.name, p.role, p.attrs.trained_facilitator, p.active)
print("missing", baton.people.get("NOPE"))
local m = baton.groups.members("Wellbeing Committee")
print("members", #m, m[1].id, m[4].role_in_group)
print("version", baton.store.migrate{
  "CREATE TABLE mentor_pairs (mentor TEXT NOT NULL, mentee TEXT NOT NULL)",
  "CREATE INDEX mentor_pairs_mentee ON mentor_pairs(mentee)",
})
baton.store.transaction(function()
  baton.store.exec("INSERT INTO mentor_pairs VALUES (?, ?)", "T006", "T020")
  baton.events.log{kind = "mentor.pair", subject = "T020", data = {mentor = "T006"}}
end)
local row = baton.store.first([[SELECT p.name AS mentor FROM mentor_pairs
  JOIN people p ON p.id = mentor_pairs.mentor]])
print("pair", row.mentor)
local ev = baton.events.list{kind = "mentor.pair"}
print("events", #ev, ev[1].plugin, ev[1].data.mentor)
print(pcall(baton.store.exec, "UPDATE people SET role = 'x'"))
LUA
expect 0 "$BATON" run mentor.lua
cat > want <<'TXT'
teachers	9	T002	French
facilitators	17
get	Priya Nair	student leader	yes	true
missing	nil	ENOTFOUND: no person with id 'NOPE': `baton people list` shows who is in TMP/school.db	ENOTFOUND
members	6	A003	student voice
version	2
pair	Hiroshi Tanaka
events	1	mentor.lua	T006
false	baton.store: plugin 'mentor' may not change core table 'people': the core tables are read-only to plugins (write history with baton.events.log)
TXT
w=$(cat want)
printf '%s\n' "${w//TMP\/school.db/"$BATON_DB"}" >want
diff want out || fail "mentor.lua printed something else"

# Migrations ran once: running again applies nothing and adds one pair.
expect 0 "$BATON" run mentor.lua
grep -q '^version	2$' out || fail "second run"
[ "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM schema_version WHERE component = 'plugin/mentor'")" = 2 ] || fail "migrations not recorded once"

# Steps the PostgreSQL rewrite leaves as they were, short enough that Lua
# keeps one copy of the text (a plugin's "SELECT 1" placeholder step), and
# one the rewrite changes after them: each runs once, in order (on
# PostgreSQL this crashed: reflection's migrations in test_reflect_sessions).
cat > short.lua <<'LUA'
print(baton.store.migrate{ "SELECT 1", "SELECT 2",
  "CREATE TABLE short_t (id INTEGER PRIMARY KEY, x TEXT)", "SELECT 3" })
print(baton.store.exec("INSERT INTO short_t (x) VALUES ('a')"))
LUA
expect 0 "$BATON" run short.lua
[ "$(cat out)" = "$(printf '4\n1')" ] || fail "short.lua: $(cat out err)"
expect 0 "$BATON" run short.lua
[ "$(cat out)" = "$(printf '4\n1')" ] || fail "short.lua again: $(cat out err)"
[ "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM short_t")" = 2 ] || fail "short_t should hold 2 rows"
echo "ok: short migration steps the rewrite leaves alone"

# Another plugin cannot read mentor's table; the error names table and rule.
cat > rota.lua <<'LUA'
print(#baton.store.query("SELECT * FROM mentor_pairs"))
LUA
expect 1 "$BATON" run rota.lua
grep -q "plugin 'rota' may not read table 'mentor_pairs'" err || { cat err; fail "no authorizer error"; }
grep -q "whose names start with 'rota_'" err || fail "the rule is not named"
echo ok

# UNIQUE and composite primary keys make SQLite create its own indexes
# (sqlite_autoindex_TABLE_N): they belong to the plugin that owns TABLE.
cat > keys.lua <<'LUA'
print(baton.store.migrate{
  "CREATE TABLE keys_pairs (a TEXT UNIQUE, b TEXT, PRIMARY KEY (a, b))" })
print(baton.store.exec("INSERT INTO keys_pairs VALUES ('x', 'y')"))
print(baton.store.exec("INSERT INTO keys_pairs VALUES ('x', 'z')"))
LUA
expect 0 "$BATON" run keys.lua
grep -qx "1" out || fail "keys.lua: the migration with UNIQUE did not apply: $(cat out err)"
if on_postgres; then
  grep -q 'ESTORE: .*: SQL failed: duplicate key value violates unique constraint "keys_pairs_a_key"; Key (a)=(x) already exists' out ||
    fail "keys.lua: the UNIQUE key was not enforced: $(cat out)"
else
  grep -q "UNIQUE constraint failed: keys_pairs.a" out || fail "keys.lua: the UNIQUE key was not enforced: $(cat out)"
fi
echo "ok: UNIQUE and composite keys in a plugin's own tables"

