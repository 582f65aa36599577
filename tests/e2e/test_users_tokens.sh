#!/usr/bin/env bash
# e2e: per-person API tokens for scripts (issue 16, `baton users token`):
# a staff member's token writes through `baton serve`, a viewer's cannot;
# a revoked token, a revoked account and a person who left the staff list
# are refused from the next request on; the token is printed once and
# never again: not by `baton users tokens`, not in the database (only its
# BLAKE2b hash is stored), not to a plugin reading the table through SQL.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins routes accounts_snoop

baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
baton users invite T001 T003 T004 >/dev/null
baton users invite T002 --role viewer >/dev/null

test_case "a token is printed once, with its label"
expect_status 0 baton users token T001
expect_match '^[A-Za-z0-9_-]{43}$' out
expect_contains "API token 'token-1' of T001" out
STAFF=$(head -1 out)
expect_status 0 baton users token T001 --label nightly-export --json
expect_json out
expect_json_true out 'd["person_id"] == "T001" and d["label"] == "nightly-export" and len(d["token"]) == 43'
NIGHTLY=$(python3 -c 'import json; print(json.load(open("out"))["token"])')
VIEWER=$(baton users token T002 | head -1)
T3=$(baton users token T003 | head -1)
T4=$(baton users token T004 | head -1)
printf '%s\n' "$STAFF" "$NIGHTLY" "$VIEWER" "$T3" "$T4" >tokens
verdict "five different tokens" "tokens repeat" tokens test "$(sort -u tokens | wc -l)" = 5

test_case "usage errors name what is wrong and write nothing"
before=$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_api_tokens")
expect_status 2 baton users token T001 --label nightly-export
expect_contains "'T001' already has a token labelled 'nightly-export'" err
expect_status 2 baton users token T005
expect_contains "no account for 'T005': \`baton users invite T005\` makes one" err
expect_status 2 baton users token T001 --label ""
expect_contains "a token's label has 1 to 64 characters" err
expect_status 2 baton users token-revoke T001
expect_contains "name the token: its LABEL" err
expect_status 2 baton users token-revoke T001 nightly-exprt
expect_contains "no token in use labelled 'nightly-exprt' (did you mean 'nightly-export'?)" err
verdict "nothing written" "a refused command wrote a token" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM baton_api_tokens")" = "$before"

test_case "only the hash is stored; the list never shows a token"
sqlite3 "$BATON_DB" ".dump" >dump
while read -r t; do
  verdict "token absent from the database" "a token is stored in clear" "" not grep -qF -- "$t" dump
done <tokens
sqlite3 "$BATON_DB" "SELECT hex(token_hash) FROM baton_api_tokens" >hashes
verdict "each token is its 32-byte BLAKE2b hash" "the stored hashes are not the tokens' BLAKE2b" "" \
  python3 -c '
import hashlib, sys
rows = {bytes.fromhex(h) for h in open("hashes").read().split()}
want = {hashlib.blake2b(t.encode(), digest_size=32).digest() for t in open("tokens").read().split()}
sys.exit(0 if rows and rows == want else 1)'
expect_status 0 baton users tokens
expect_match '^T001 +Wei Chen +nightly-export +[0-9T:Z-]+ +never +active$' out
while read -r t; do expect_not_contains "$t" out; done <tokens
expect_status 0 baton users tokens T001 --json
expect_json_true out '[t["label"] for t in d] == ["token-1", "nightly-export"] or [t["label"] for t in d] == ["nightly-export", "token-1"]'
expect_json_true out 'set(d[0]) == {"person_id", "name", "label", "created", "last_used", "revoked", "revoked_at"}'
while read -r t; do expect_not_contains "$t" out; done <tokens

test_case "a plugin with no permissions cannot read the tokens"
expect_status 0 baton accounts_snoop try "SELECT * FROM baton_api_tokens"
expect_contains "may not read table 'baton_api_tokens'" out
expect_status 0 baton accounts_snoop try "UPDATE baton_api_tokens SET revoked = NULL"
expect_contains "REFUSED" out

serve_start
post() { get /api/routes/echo -X POST -H 'Content-Type: application/json' -d '{"a":1}' "$@"; }

test_case "a staff member's token writes; the start-up token still does"
post -H "Authorization: Bearer $STAFF"
expect_code 201
expect_contains '"a":1' body
post -H "Authorization: Bearer $TOKEN"
expect_code 201

test_case "a viewer's token reads but cannot write"
get /api/people -H "Authorization: Bearer $VIEWER"
expect_code 200
post -H "Authorization: Bearer $VIEWER"
expect_code 403
expect_contains "viewers may not change anything" body

test_case "hostile tokens: unknown, cut short, the hash itself, empty"
hash=$(sqlite3 "$BATON_DB" "SELECT hex(token_hash) FROM baton_api_tokens LIMIT 1")
for t in "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "${STAFF%?}" "$hash" ""; do
  post -H "Authorization: Bearer $t"
  expect_code 403
done

test_case "a revoked token is refused at its next request; the others go on"
post -H "Authorization: Bearer $NIGHTLY"
expect_code 201
expect_status 0 baton users token-revoke T001 nightly-export
expect_contains "1 API token of T001 revoked" out
post -H "Authorization: Bearer $NIGHTLY"
expect_code 403
expect_contains "wrong or revoked token" body
post -H "Authorization: Bearer $STAFF"
expect_code 201

test_case "revoking the account revokes its tokens, and inviting again does not bring them back"
post -H "Authorization: Bearer $T3"
expect_code 201
expect_status 0 baton users revoke T003
expect_contains "API tokens revoked" out
post -H "Authorization: Bearer $T3"
expect_code 403
baton users invite T003 >/dev/null
post -H "Authorization: Bearer $T3"
expect_code 403

test_case "a token of an account revoked behind baton's back is refused too"
sqlite3 "$BATON_DB" "UPDATE baton_users SET revoked = 1 WHERE person_id = 'T004'"
post -H "Authorization: Bearer $T4"
expect_code 403
sqlite3 "$BATON_DB" "UPDATE baton_users SET revoked = NULL WHERE person_id = 'T004'"
post -H "Authorization: Bearer $T4"
expect_code 201

test_case "a person who left the staff list is refused"
grep -v '^T004,' "$BATON_SOURCE_DIR/samples/staff.csv" >left.csv
baton people import left.csv --full >/dev/null
verdict "T004 marked as left" "T004 still active" "" \
  test "$(sqlite3 "$BATON_DB" "SELECT active FROM people WHERE id = 'T004'")" = 0
post -H "Authorization: Bearer $T4"
expect_code 403
expect_status 2 baton users token T004
expect_contains "'T004' (" err
expect_contains "is no longer active in the staff list; see baton people list --all" err

test_case "last use is recorded, to the hour"
expect_status 0 baton users tokens T001 --json
expect_json_true out '[t for t in d if t["label"] == "token-1"][0]["last_used"] is not None'

interrupt_bg
finish
