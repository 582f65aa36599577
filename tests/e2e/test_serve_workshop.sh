#!/usr/bin/env bash
# e2e: the trainer's side of `baton serve` on a demo database (issue 17):
# the reset action (POST /api/demo/reset) and workshop mode (--workshop:
# /join, /join/me, /api/workshop), with their attacks: a lower role, a
# page of another origin, a write without the CSRF token, a database baton
# demo did not make, a wrong or expired join code, a full workshop, a
# person already claimed, a participant trying a coordinator's action.
. "$(dirname "$0")/lib.sh"

demo() { baton --today 2026-09-01 "$@"; }

# sign_in PERSON ROLE JAR: an account with ROLE, signed in by its
# invitation's link (links only); CSRF gets the session's secret.
sign_in() {
  local who=$1 role=$2 jar=$3 link tok
  expect_status 0 baton --json users invite "$who" --role "$role" --base "${URL%/}"
  link=$(python3 -c 'import json; print(json.load(open("out"))[0]["link"])')
  tok=${link##*token=}
  curl -s -m 5 -c "$jar" -b "$jar" -o /dev/null -H "Origin: ${URL%/}" \
    --data-raw "token=$tok&choice=links" "${URL}welcome" || true
  CSRF=$(curl -s -m 5 -b "$jar" "${URL}api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("csrf") or "")')
}
people_count() { curl -s -m 5 "${URL}api/people" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
stop_serve() { interrupt_bg; }

# ---- a database baton demo did not make --------------------------------------

test_case "serve --workshop refuses a database baton demo did not make"
PLAIN=$(new_db plain)
expect_status 0 baton --db "$PLAIN" people list
expect_status 2 baton --db "$PLAIN" serve --listen 127.0.0.1:0 --workshop
expect_contains "--workshop works only on a database \`baton demo\` made" err

test_case "the reset action refuses a database baton demo did not make (409, says why)"
serve_start --workshop-cap 3 # not a workshop: the options alone do nothing
get /api/demo/reset -X POST -H "Authorization: Bearer $TOKEN"
expect_code 409
expect_contains "not made by baton demo" body
get /api/health
expect_json_true body 'd["demo"] is False' # the dashboard offers no reset
test_case "without a workshop, /join and /api/workshop say there is none (404)"
get /join
expect_code 404
expect_contains "No workshop is running" body
get /api/workshop -H "Authorization: Bearer $TOKEN"
expect_code 404
stop_serve

# ---- the reset action on a demo database -------------------------------------

fresh_db
expect_status 0 demo --db "$BATON_DB" demo --no-serve --size 40
test_case "baton demo marks its database (setting baton.demo: size and seed)"
verdict "marked" "not marked" "" test "$(sqlite3 "$BATON_DB" "SELECT value FROM baton_settings WHERE plugin = 'baton' AND key = 'demo'")" = '{"size":40,"seed":2026}'

serve_start --workshop --workshop-cap 3
test_case "/api/health says the database is a demo's (the dashboard offers the trainer its reset)"
get /api/health
expect_json_true body 'd["demo"] is True'
sign_in T003 staff sjar
SCSRF=$CSRF
sign_in T004 viewer vjar
VCSRF=$CSRF

test_case "staff may not reset the demo (403)"
get /api/demo/reset -X POST -b sjar -H "X-CSRF-Token: $SCSRF"
expect_code 403
expect_contains "only a coordinator may reset the demo" body
test_case "a viewer may not reset the demo (403)"
get /api/demo/reset -X POST -b vjar -H "X-CSRF-Token: $VCSRF"
expect_code 403
test_case "a page of another origin may not reset the demo, even with the token (403)"
get /api/demo/reset -X POST -H "Authorization: Bearer $TOKEN" -H "Origin: http://evil.example"
expect_code 403
expect_contains "another origin" body
test_case "a session without its CSRF token may not reset the demo (403)"
get /api/demo/reset -X POST -b sjar
expect_code 403
expect_contains "CSRF" body

# ---- workshop: joining ---------------------------------------------------------

test_case "the join code is the trainer's: staff and nobody get no code"
get /api/workshop -b sjar
expect_code 403
get /api/workshop/qr.svg
expect_code 401
get /api/workshop -H "Authorization: Bearer $TOKEN"
expect_code 200
expect_json_true body 'len(d["code"]) == 6 and d["link"].endswith("/join?code=" + d["code"]) and d["cap"] == 3 and d["joined"] == 0'
JCODE=$(python3 -c 'import json; print(json.load(open("body"))["code"])')
get /api/workshop/qr.svg -H "Authorization: Bearer $TOKEN"
expect_code 200
expect_contains "<svg" body
expect_contains "/join?code=$JCODE" body

test_case "the join page lists people no one has claimed, not those with an account"
get "/join?code=$JCODE"
expect_code 200
expect_contains 'value="T001"' body
expect_not_contains 'value="T003"' body
expect_contains 'name="interests"' body
test_case "a lower-case code works too"
get "/join?code=$(echo "$JCODE" | tr 'A-Z' 'a-z')"
expect_code 200

test_case "a wrong code is refused, and says what to do"
get "/join?code=ZZZZZZ"
expect_code 403
expect_contains "not this workshop" body
get /join -X POST --data-raw "code=ZZZZZZ&person=T001"
expect_code 403

test_case "a page of another origin cannot join anyone (403)"
get /join -X POST -H "Origin: http://evil.example" --data-raw "code=$JCODE&person=T001"
expect_code 403
get /api/workshop -H "Authorization: Bearer $TOKEN"
expect_json_true body 'd["joined"] == 0'

test_case "joining as a person of the school: a staff session, then /join/me"
get /join -X POST -c p1 --data-raw "code=$JCODE&person=T001"
expect_code 303
expect_contains "Location: /join/me" hdr
get /api/me -b p1
expect_json_true body 'd["person"] == "T001" and d["role"] == "staff" and d["csrf"]'
P1CSRF=$(python3 -c 'import json; print(json.load(open("body"))["csrf"])')
get /join/me -b p1
expect_contains "You are" body

test_case "joining as a person already claimed is refused (403)"
get /join -X POST -c p2 --data-raw "code=$JCODE&person=T001"
expect_code 403
expect_contains "already joined" body
get /join -X POST -c p2 --data-raw "code=$JCODE&person=T003"
expect_code 403
test_case "a person who is not in the school is refused (400)"
get /join -X POST -c p2 --data-raw "code=$JCODE&person=T999"
expect_code 400

test_case "adding oneself: a new person with subjects and interests, and a session"
get /join -X POST -c p2 --data-urlencode "code=$JCODE" --data-urlencode "name=Rua Tester" \
  --data-urlencode "subjects=Maths, Science" --data-urlencode "interests=coaching"
expect_code 303
expect_status 0 baton --json people show W001
expect_json_true out 'd["name"] == "Rua Tester" and "Maths" in d["subjects"] and "Science" in d["subjects"]'
test_case "a name with a control character, or none, is refused (400)"
get /join -X POST -c p3 --data-urlencode "code=$JCODE" --data-urlencode "name=bad$(printf '\001')name"
expect_code 400
get /join -X POST -c p3 --data-urlencode "code=$JCODE"
expect_code 400

test_case "a participant acts as staff: evidence for the change, with themselves as actor"
get /api/run/change/evidence -X POST -b p1 -H "X-CSRF-Token: $P1CSRF" -H "Content-Type: application/json" \
  --data-binary '{"args": {"initiative": "1", "step": "3", "text": "from a phone"}}'
expect_code 200
get "/api/events?kind=change.evidence"
expect_json_true body 'd[-1]["actor"] == "T001"'
test_case "a participant may not do a coordinator's work (403 each)"
get /api/run/change/step -X POST -b p1 -H "X-CSRF-Token: $P1CSRF" -H "Content-Type: application/json" \
  --data-binary '{"args": {"initiative": "1", "step": "3", "status": "done"}}'
expect_code 403
get /api/demo/reset -X POST -b p1 -H "X-CSRF-Token: $P1CSRF"
expect_code 403
get /api/workshop/code -X POST -b p1 -H "X-CSRF-Token: $P1CSRF"
expect_code 403
get /api/workshop -b p1
expect_code 403

test_case "the workshop is full past --workshop-cap (3)"
get /join -X POST -c p4 --data-raw "code=$JCODE&person=T002"
expect_code 303
get /join -X POST -c p5 --data-raw "code=$JCODE&person=T005"
expect_code 403
expect_contains "The workshop is full" body
get /api/workshop -H "Authorization: Bearer $TOKEN"
expect_json_true body 'd["joined"] == 3 and [p["id"] for p in d["participants"]] == ["T001", "W001", "T002"]'

test_case "the trainer makes a new code (POST /api/workshop/code); the old one stops working"
get /api/workshop/code -X POST -H "Authorization: Bearer $TOKEN"
expect_code 200
NEW=$(python3 -c 'import json; print(json.load(open("body"))["code"])')
verdict "a new code" "the same code" body test "$NEW" != "$JCODE"
get "/join?code=$JCODE"
expect_code 403

test_case "wrong codes from one address are limited (429 past 10)"
for i in $(seq 12); do get "/join?code=WRONG$i"; done
expect_code 429

test_case "the trainer's reset: 202, then a fresh school in the same database"
BEFORE=$(people_count)
get /api/demo/reset -X POST -H "Authorization: Bearer $TOKEN"
expect_code 202
for i in $(seq 100); do
  [ "$(people_count)" = 40 ] && break
  sleep 0.1
done
verdict "the added participant is gone ($BEFORE people before, $(people_count) after)" \
  "still $(people_count) people" err test "$(people_count)" = 40
get /api/workshop -H "Authorization: Bearer $TOKEN"
expect_json_true body 'd["joined"] == 0'
test_case "... the participants' sessions went with the old data"
get /api/me -b p1
expect_json_true body 'd.get("person") is None'
stop_serve
check_status 0

test_case "the code expires (--workshop-minutes 0.02: about a second), and says so"
serve_start --workshop --workshop-minutes 0.02
get /api/workshop -H "Authorization: Bearer $TOKEN"
JCODE=$(python3 -c 'import json; print(json.load(open("body"))["code"])')
sleep 2
get "/join?code=$JCODE"
expect_code 403
expect_contains "expired at" body
get /join -X POST --data-raw "code=$JCODE&person=T005"
expect_code 403
get /api/workshop -H "Authorization: Bearer $TOKEN"
expect_json_true body 'd["expired"] is True and d["joined"] == 0'
stop_serve

finish
