#!/usr/bin/env bash
# e2e: `baton users` (issue 16): invitations as one-time links or a CSV
# for a mail merge, the list that never shows a token or hash, roles,
# revoking, usage errors, and a plugin with no permissions that tries to
# read the account tables through SQL.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins accounts_snoop

baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null

test_case "invite prints one sign-in link per person"
expect_status 0 baton users invite T001 T002 --role coordinator
expect_match '^Wei Chen \(T001, coordinator\): http://127\.0\.0\.1:8080/welcome\?token=[A-Za-z0-9_-]{43}$' out
expect_match '\(T002, coordinator\): http://127\.0\.0\.1:8080/welcome\?token=[A-Za-z0-9_-]{43}$' out
expect_contains "Each link works once, until" out
grep -o 'token=[A-Za-z0-9_-]*' out | cut -d= -f2 >tokens
verdict "two different tokens" "tokens repeat" tokens test "$(sort -u tokens | wc -l)" = 2

test_case "tokens are stored only as hashes"
sqlite3 "$BATON_DB" ".dump" >dump
while read -r t; do
  verdict "token absent from the database" "a token is stored in clear" "" not grep -qF -- "$t" dump
done <tokens
verdict "one hashed invitation each" "invitations wrong" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_invitations WHERE length(token_hash) = 32 AND used IS NULL")" = 2

test_case "the CSV for a mail merge"
expect_status 0 baton users invite T003 T004 --csv links.csv --base https://baton.school.example/
expect_contains "2 sign-in links written to links.csv" out
expect_not_contains "token=" out
verdict "CSV rows" "CSV wrong" links.csv python3 -c '
import csv, re, sys
rows = list(csv.DictReader(open("links.csv")))
assert [r["person_id"] for r in rows] == ["T003", "T004"], rows
assert list(rows[0]) == ["person_id", "name", "role", "link", "expires"]
assert rows[0]["name"] == "Jamal Washington" and rows[0]["role"] == "staff"
assert all(re.fullmatch(r"https://baton\.school\.example/welcome\?token=[A-Za-z0-9_-]{43}", r["link"]) for r in rows)
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[0]["expires"])'

test_case "list shows roles and states, never a token or hash"
expect_status 0 baton users list
expect_match '^T001 +Wei Chen +coordinator +link +invited$' out
expect_match '^T003 +Jamal Washington +staff +link +invited$' out
expect_status 0 baton users list --json
expect_json out
expect_json_true out 'len(d) == 4 and d[0]["role"] == "coordinator" and not d[0]["revoked"]'
expect_json_true out 'set(d[0]) == {"person_id", "name", "role", "sign_in", "revoked", "left", "revoked_at", "invited_until"}'
while read -r t; do expect_not_contains "$t" out; done <tokens
expect_not_contains "argon2" out

test_case "role and revoke"
expect_status 0 baton users role T002 viewer
expect_contains "T002 is now viewer" out
expect_status 0 baton users revoke T002
expect_status 0 baton users list --json
expect_json_true out '[u for u in d if u["person_id"] == "T002"][0]["revoked"] is True'
expect_json_true out '[u for u in d if u["person_id"] == "T002"][0]["role"] == "viewer"'
verdict "revoke cancels the links" "a revoked person's link is still open" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_invitations WHERE person_id = 'T002' AND used IS NULL")" = 0

test_case "usage errors: unknown person, role, base; nothing written"
before=$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_invitations")
expect_status 2 baton users invite T005 T00x
expect_contains "PERSON: no person 'T00x' in the staff list (did you mean 'T001'?)" err
expect_contains "usage: baton users invite" err
verdict "no invitation for T005 either" "a partial invitation was written" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_invitations")" = "$before"
expect_status 2 baton users invite T005 --role admin
expect_contains "coordinator, staff, viewer" err
expect_status 2 baton users invite T005 --base ftp://x
expect_contains "--base must be the address" err
expect_status 2 baton users role T099 staff
expect_contains "no person 'T099' in the staff list" err
expect_status 2 baton users revoke T099
expect_status 2 baton users invite
expect_status 1 baton users invite T005 --csv /nonexistent-dir/x.csv
expect_contains "--csv /nonexistent-dir/x.csv: cannot write in its folder" err
verdict "no invitation when the CSV cannot be written" "T005 was invited" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_users WHERE person_id = 'T005'")" = 0

test_case "a plugin with no permissions cannot read or change the accounts"
for t in baton_users baton_invitations baton_sessions; do
  expect_status 0 baton accounts_snoop try "SELECT * FROM $t"
  expect_contains "REFUSED" out
  expect_contains "may not read table '$t'" out
done
expect_status 0 baton accounts_snoop try "WITH x AS (SELECT role FROM baton_users) SELECT * FROM x"
expect_contains "REFUSED" out
expect_status 0 baton accounts_snoop try "UPDATE baton_users SET role = 'coordinator'"
expect_contains "REFUSED" out
expect_status 0 baton accounts_snoop try "DELETE FROM baton_invitations"
expect_contains "REFUSED" out
expect_status 0 baton accounts_snoop try "SELECT count(*) AS n FROM people"
expect_contains "GOT n=" out
verdict "accounts unchanged" "a plugin changed an account" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT group_concat(person_id || ':' || role) FROM baton_users")" = "T001:coordinator,T002:viewer,T003:staff,T004:staff"

test_case "no plugin may be named after the account tables"
mkdir -p "$PLUGINS/users"
printf 'return { name = "users", version = "1.0.0", api = 1, summary = "x" }\n' >"$PLUGINS/users/plugin.lua"
printf 'return {}\n' >"$PLUGINS/users/init.lua"
run baton doctor
expect_contains "name 'users' is a word of baton itself" out
expect_contains "the built-in command \`baton users\`" out
rm -rf "$PLUGINS/users"

finish
