#!/usr/bin/env bash
# e2e: a school calendar in, everyone's rota out (issue 15). A Google
# Calendar export and an Outlook export give the closures (empty LOCATION
# lines, cancelled events, timed events reported); the saved rota is
# published as files (`rota show --ics`, after a swap: the turn is
# cancelled for its old holder) and as a calendar feed per person in
# `baton serve`, at an address with a secret token: a wrong token gets
# 404, another origin gets 403, no JSON route lists the tokens, and
# `rota feed --rotate` retires an address.
. "$(dirname "$0")/lib.sh"

CAL=$FIXTURES/calendars
TERM="--every tue --from 2026-09-01 --to 2026-12-15"

test_case "setup: staff and groups"
expect_status 0 baton --quiet people import "$FIXTURES/rotation/staff.csv"
expect_status 0 baton --quiet groups import "$FIXTURES/rotation/groups.csv"

test_case "a Google Calendar export is read as it is"
# shellcheck disable=SC2086
expect_status 0 baton --today 2026-08-20 rota plan --group "Maths PLC" $TERM --holidays "$CAL/google.ics"
expect_contains "Skipped closures: 2026-09-01 (INSET day), 2026-10-27 (Half term), 2026-12-01 (Mock exams)" out
expect_contains "2026-10-06 Twilight CPD, no meetings (timed)" out
expect_contains "2026-11-10 Staff training day (cancelled)" out
expect_contains "add --timed-closures to count timed events" out
# shellcheck disable=SC2086
expect_status 0 baton --today 2026-08-20 --json rota plan --group "Maths PLC" $TERM --holidays "$CAL/google.ics" --timed-closures
expect_json_true out '",".join(s["date"] for s in d["skipped"]) == "2026-09-01,2026-10-06,2026-10-27,2026-11-24,2026-12-01"'

test_case "an Outlook export is read as it is (all-day events as midnight to midnight)"
# shellcheck disable=SC2086
expect_status 0 baton --today 2026-08-20 rota plan --group "Maths PLC" $TERM --holidays "$CAL/outlook.ics"
expect_contains "Skipped closures: 2026-09-01 (INSET day), 2026-10-27 (Half term), 2026-12-01 (Mock exams)" out

test_case "an error that remains names the line"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nLOCATION:\r\nDTSTART;VALUE=DATE:\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >bad.ics
# shellcheck disable=SC2086
expect_status 1 baton rota plan --group "Maths PLC" $TERM --holidays bad.ics
expect_contains "bad.ics: EPARSE: line 5: DTSTART has no value" err

test_case "the saved rota, swapped, is published again: the old holder's turn is cancelled"
# shellcheck disable=SC2086
expect_status 0 baton --today 2026-08-20 --json rota plan --group "Maths PLC" $TERM --holidays "$CAL/google.ics" \
  --roles facilitator --time 15:30 --duration 45 --location Library --save
FIRST=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["meetings"][0]["assignments"]["facilitator"])' <out)
TO=$([ "$FIRST" = R04 ] && echo R03 || echo R04)
expect_status 0 baton --today 2026-08-20 rota swap --group "maths plc" --date 2026-09-08 --role Facilitator --to "$TO" --force
expect_status 0 baton --today 2026-08-20 rota show --ics published
first_lc=$(echo "$FIRST" | tr 'A-Z' 'a-z')
tr -d '\r' <"published/people/$first_lc.ics" >mine.ics
expect_contains "UID:maths-plc-2026-09-08-facilitator-$first_lc@baton" mine.ics
expect_match "^STATUS:CANCELLED" mine.ics
expect_match "^SEQUENCE:1" mine.ics
expect_match "^DTSTART:20260908T153000" mine.ics
expect_match "^LOCATION:Library" mine.ics
expect_status 0 baton --today 2026-08-20 rota why --group "Maths PLC" --date 2026-09-08 --role facilitator
expect_match "because: set by hand with rota swap on [0-9]{4}-" out
expect_not_contains "had 0 " out

test_case "each person's calendar is a feed in baton serve, at an unguessable address"
expect_status 0 baton --json rota feed --base http://example.test
T=$(python3 -c 'import json,sys; print([r["path"] for r in json.load(sys.stdin) if r["person"] == sys.argv[1]][0])' "$TO" <out | sed 's|.*/||; s|\.ics$||')
echo "$T" >token
expect_match "^[0-9a-f]{32}$" token
serve_start
PORT=${URL##*:}
PORT=${PORT%/}
get "/api/rotation/feed/$T.ics"
expect_code 200
expect_match "^Content-Type: text/calendar; charset=utf-8" hdr
expect_contains "BEGIN:VCALENDAR" body
expect_contains "X-PUBLISHED-TTL:PT1H" body
expect_contains "UID:maths-plc-2026-09-08-facilitator-$(echo "$TO" | tr 'A-Z' 'a-z')@baton" body

test_case "attack: a wrong or guessed token, or another origin, gets nothing"
WRONG=$(echo "$T" | sed 's/^./0/; t; s/^./1/')
[ "$WRONG" = "$T" ] && WRONG=$(echo "$T" | sed 's/^0/1/')
get "/api/rotation/feed/$WRONG.ics"
expect_code 404
expect_not_contains "BEGIN:VCALENDAR" body
get "/api/rotation/feed/$T"
expect_code 404
get "/api/rotation/feed/..%2f$T.ics"
expect_code 404
get "/api/rotation/feed/$T.ics" -H 'Origin: http://evil.example'
expect_code 403
expect_not_contains "BEGIN:VCALENDAR" body

test_case "attack: no route open without the token lists the tokens"
for path in /api/rotation/plans /api/people /api/groups /api/events /api/plugins; do
  get "$path"
  expect_not_contains "$T" body
done

test_case "rota feed --rotate retires the old address"
expect_status 0 baton --json rota feed --person "$TO" --rotate
T2=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["path"])' <out | sed 's|.*/||; s|\.ics$||')
get "/api/rotation/feed/$T.ics"
expect_code 404
get "/api/rotation/feed/$T2.ics"
expect_code 200
interrupt_bg

finish
