#!/usr/bin/env bash
# tests/e2e/test_serve_commands.sh: every command is a form of `baton serve`:
# GET /api/commands describes them, POST /api/run/NS/CMD runs one with the
# command line's checks, queued, within the host's limits; who may run
# what (access, self) is the host's decision. Person and group arguments
# are checked against the store on the command line too.
. "$(dirname "$0")/lib.sh"

use_plugins forms
baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
baton groups import "$BATON_SOURCE_DIR/samples/groups.csv" >/dev/null
baton groups import "$BATON_SOURCE_DIR/samples/mentoring-groups.csv" >/dev/null
# T002 leaves: the roster without them, imported as the whole roster.
grep -v '^T002,' "$BATON_SOURCE_DIR/samples/staff.csv" >roster.csv
baton people import roster.csv --full >/dev/null
PERSON=$(sed -n '2s/,.*//p' roster.csv)  # an active person
GROUP=$(sed -n '2s/,.*//p' "$BATON_SOURCE_DIR/samples/groups.csv")

# ---- the command line -------------------------------------------------------

test_case "a person argument not in the staff list is a usage error"
expect_status 2 baton form thank T999
expect_contains "PERSON: no person 'T999' in the staff list (did you mean 'T" err
expect_contains "?); see baton people list" err
expect_empty out

test_case "a person who left is refused, unless the argument takes them"
expect_status 2 baton form thank T002
expect_contains "PERSON: 'T002'" err
expect_contains "no longer active in the staff list" err
expect_status 0 baton --json form farewell T002
expect_json_true out 'd["person"] == "T002"'

test_case "a group argument must name a group"
expect_status 2 baton form plan --team "No Such Group"
expect_contains "--team: no group 'No Such Group'" err
expect_contains "see baton groups list (baton groups import FILE adds groups)" err
expect_status 2 baton form plan --team "${GROUP}x" --who "$PERSON"
expect_contains "(did you mean '$GROUP'?)" err
expect_status 0 baton --json form plan --team "$GROUP" --who "$PERSON"
expect_json_true out "d['team'] == '$GROUP' and d['who'] == ['$PERSON']"

test_case "every person of a many argument is checked"
expect_status 2 baton form plan --who "$PERSON" --who T998
expect_contains "--who: no person 'T998'" err

test_case "an empty person is refused before the store is asked"
expect_status 2 baton form plan --who ""
expect_contains "--who expects a person's id from the staff list, got an empty string" err

test_case "Tab completes person ids (who left only where taken) and group names"
expect_status 0 baton __complete -- form thank T00
expect_contains "T001" out
expect_not_contains "T002" out
expect_status 0 baton __complete -- form farewell T00
expect_contains "T002" out
expect_status 0 baton __complete -- form plan --team ""
expect_contains "$GROUP" out
expect_contains "mentees" out
expect_status 0 env BATON_DB="$WORK/none.db" "$BATON" --plugins "$PLUGINS" __complete -- form thank ""
expect_file_absent "$WORK/none.db"

# ---- the API ------------------------------------------------------------------

# --time-limit 2, --memory-limit 32: the runaway commands below are
# stopped by the host's limits.
start_bg "$BATON" --plugins "$PLUGINS" --time-limit 2 --memory-limit 32 \
  serve --listen 127.0.0.1:0
if ! wait_for_text "dashboard at" out 5000; then
  fail "baton serve did not start" out err
  finish
  exit 1
fi
URL=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' out)
TOKEN=$(sed -n 's/.*write token \([0-9a-f]*\).*/\1/p' out)
AUTH="Authorization: Bearer $TOKEN"

# run NS/CMD JSON [curl options...]: POST /api/run/NS/CMD with the token.
run_cmd() {
  local what=$1 body=$2
  shift 2
  get "/api/run/$what" -X POST -H "$AUTH" -H "Content-Type: application/json" \
    --data-binary "$body" "$@"
}

test_case "GET /api/commands describes a bundled command as a form"
get /api/commands -H "$AUTH"
expect_code 200
cp body commands.json
expect_json_true commands.json '[c for c in d if c["namespace"] == "mentor" and c["command"] == "match"][0]["preview"] == "save"'
expect_json_true commands.json 'all(set(c) == {"plugin", "namespace", "command", "summary", "help", "access", "self", "preview", "may_run", "args"} for c in d)'
expect_json_true commands.json '[(c["plugin"], c["command"]) for c in d] == sorted((c["plugin"], c["command"]) for c in d)'
M='[c for c in d if c["namespace"] == "mentor" and c["command"] == "match"][0]'
expect_json_true commands.json "$M['plugin'] == 'mentoring' and $M['access'] == 'coordinator' and $M['self'] is None and $M['may_run'] is True"
expect_json_true commands.json "[a for a in $M['args'] if a['key'] == 'save'][0] == {'key': 'save', 'name': 'save', 'flag': True, 'type': 'boolean', 'required': False, 'many': False, 'default': False, 'min': None, 'max': None, 'values': None, 'help': 'record the pairs as active (event log and history)', 'metavar': 'SAVE'}"
expect_json_true commands.json "[a for a in $M['args'] if a['key'] == 'objective'][0]['values'] == ['total', 'fairest'] and [a for a in $M['args'] if a['key'] == 'objective'][0]['default'] == 'total' and [a for a in $M['args'] if a['key'] == 'objective'][0]['type'] == 'enum'"
expect_json_true commands.json "[a for a in $M['args'] if a['key'] == 'save'][0]['type'] == 'boolean' and [a for a in $M['args'] if a['key'] == 'save'][0]['default'] is False"
F='[c for c in d if c["namespace"] == "form" and c["command"] == "plan"][0]'
expect_json_true commands.json "[a for a in $F['args'] if a['key'] == 'count'][0]['min'] == 1 and [a for a in $F['args'] if a['key'] == 'count'][0]['max'] == 5 and [a for a in $F['args'] if a['key'] == 'count'][0]['default'] == 2"
expect_json_true commands.json "[a['type'] for a in $F['args']] == ['integer', 'date', 'enum', 'group', 'person', 'string', 'number', 'boolean', 'string']"
expect_json_true commands.json "[a for a in $F['args'] if a['key'] == 'who'][0]['many'] is True and [a for a in $F['args'] if a['key'] == 'title'][0]['flag'] is False"
expect_json_true commands.json '[c for c in d if c["command"] == "answer"][0]["access"] == "self" and [c for c in d if c["command"] == "answer"][0]["self"] == "person"'
expect_json_true commands.json '[c for c in d if c["command"] == "swap"][0]["self"] == "teacher" and [c for c in d if c["command"] == "swap"][0]["preview"] == "dry-run"'

test_case "without a credential the listing says nothing may be run"
get /api/commands
expect_code 200
expect_json_true body 'len(d) > 0 and not any(c["may_run"] for c in d)'

test_case "a run with good arguments answers its status and parsed result"
run_cmd form/plan "{\"args\": {\"count\": 3, \"when\": \"2026-09-01\", \"level\": \"high\", \"team\": \"$GROUP\", \"who\": [\"$PERSON\"], \"tag\": [\"a\", \"-b\"], \"ratio\": 0.25, \"save\": true, \"title\": \"--not-a-flag\"}}"
expect_code 200
cp body good.json
expect_json_true good.json 'd["status"] == 0 and d["errors"] == ""'
expect_json_true good.json "d['result'] == {'count': 3, 'when': '2026-09-01', 'level': 'high', 'team': '$GROUP', 'who': ['$PERSON'], 'tag': ['a', '-b'], 'ratio': 0.25, 'save': True, 'title': '--not-a-flag'}"
expect_json_true good.json '"\"count\": 3" in d["output"]'

test_case "defaults apply to what the form leaves out; an empty body is no arguments"
run_cmd form/plan ''
expect_code 200
expect_json_true body 'd["status"] == 0 and d["result"]["count"] == 2 and d["result"]["level"] == "low" and d["result"]["save"] is False'

test_case "a bundled command runs from its form: mentor match previews, then saves"
run_cmd mentor/match '{"args": {"save": false}}'
expect_code 200
expect_json_true body 'd["status"] == 0 and d["result"]["saved"] is False and len(d["result"]["pairs"]) > 0'
run_cmd mentor/match '{"args": {"save": true, "objective": "fairest"}}'
expect_code 200
expect_json_true body 'd["status"] == 0 and d["result"]["saved"] is True and d["result"]["objective"] == "fairest"'
get "/api/events?kind=mentor.pair"
expect_json_true body 'len(d) > 0 and all(e["actor"] is None for e in d)'

test_case "every wrong argument is named with the command line's message"
run_cmd form/plan '{"args": {"count": 9, "when": "2026-13-01", "level": "middle", "team": "No Such Group", "who": ["T998"], "save": "maybe", "ratio": true, "levle": "low"}}'
expect_code 400
cp body wrong.json
expect_json_true wrong.json 'd["error"]["status"] == 400 and set(d["error"]["fields"]) == {"count", "when", "level", "team", "who", "save", "ratio", "levle"}'
expect_json_true wrong.json 'd["error"]["fields"]["count"] == "--count must be at most 5 (from 1 to 5), got '"'"'9'"'"'"'
expect_json_true wrong.json '"--when expects a date written YYYY-MM-DD" in d["error"]["fields"]["when"]'
expect_json_true wrong.json '"--level must be one of low, high" in d["error"]["fields"]["level"]'
expect_json_true wrong.json 'd["error"]["fields"]["team"] == "--team: no group '"'"'No Such Group'"'"'; see baton groups list (baton groups import FILE adds groups)"'
expect_json_true wrong.json '"no person '"'"'T998'"'"' in the staff list" in d["error"]["fields"]["who"]'
expect_json_true wrong.json '"--save expects true or false" in d["error"]["fields"]["save"]'
expect_json_true wrong.json '"--ratio expects a number, not a boolean" in d["error"]["fields"]["ratio"]'
expect_json_true wrong.json '"did you mean '"'"'level'"'"'" in d["error"]["fields"]["levle"]'
expect_json_true wrong.json '"8 arguments are wrong" in d["error"]["message"]'

test_case "a missing required argument is a field; a list for one value is refused"
run_cmd form/answer '{"args": {"person": ["a", "b"]}}'
expect_code 400
expect_json_true body '"missing --text" in d["error"]["fields"]["text"] and "not a list" in d["error"]["fields"]["person"]'

test_case "a value of the wrong JSON type says what the argument takes"
run_cmd form/plan '{"args": {"level": true, "when": 20260901, "team": ["a"]}}'
expect_code 400
expect_json_true body 'd["error"]["fields"]["level"] == "--level expects one of '"'"'low'"'"', '"'"'high'"'"', not a boolean"'
expect_json_true body '"--when expects a date written YYYY-MM-DD" in d["error"]["fields"]["when"]'
expect_json_true body 'd["error"]["fields"]["team"] == "--team expects a group'"'"'s name, not a list"'

test_case "a list of more than 1000 values is refused before the store is asked"
python3 -c 'import json; print(json.dumps({"args": {"who": ["T001"] * 1001}}))' >many.json
run_cmd form/plan @many.json
expect_code 400
expect_json_true body '"more than 1000 values" in d["error"]["fields"]["who"]'

test_case "a body that is not {\"args\": {...}} is refused, naming what is wrong"
run_cmd form/plan '[1, 2]'
expect_code 400
expect_contains "must be a JSON object" body
run_cmd form/plan '{"args": '
expect_code 400
expect_contains "not a JSON object" body
run_cmd form/plan '{"arg": {"count": 2}}'
expect_code 400
expect_contains "key 'arg' (did you mean 'args'?)" body
run_cmd form/plan '{"args": [1]}'
expect_code 400
expect_contains "must be an object" body
run_cmd form/plan '{"args": {"count": 2, "count": 3}}'
expect_code 400
head -c 2000000 /dev/zero | tr '\0' 'x' >huge.txt
run_cmd form/plan @huge.txt
expect_code 413

test_case "an unknown command is 404, a GET of /api/run is 405"
run_cmd form/nope '{}'
expect_code 404
expect_contains "GET /api/commands" body
run_cmd nowhere/plan '{}'
expect_code 404
run_cmd form '{}'
expect_code 404
get /api/run/form/plan -H "$AUTH"
expect_code 405

test_case "no credential is 401; another page's origin is 403"
get /api/run/form/plan -X POST --data-binary '{}'
expect_code 401
run_cmd form/plan '{}' -H "Origin: http://evil.example"
expect_code 403

test_case "a runaway command is stopped at the host's time limit and answered"
run_cmd form/spin '{}' -m 20
expect_code 200
expect_json_true body 'd["status"] == 1 and "time limit of 2 s exceeded" in d["errors"]'
verdict "answered before the client gave up" "no answer" "" test "$CODE" != 000

test_case "a command that takes memory without end is stopped at the host's limit"
run_cmd form/hog '{}' -m 20
expect_code 200
expect_json_true body 'd["status"] == 1 and "out of memory" in d["errors"] and "32 MiB" in d["errors"]'
get /api/health
expect_code 200

test_case "runs wait for each other: one sent during a runaway one is answered after it"
( curl -s -m 20 -o spin.json -X POST -H "$AUTH" --data-binary '{}' "${URL}api/run/form/spin" ) &
SPIN=$!
sleep 0.3
run_cmd form/thank "{\"args\": {\"person\": \"$PERSON\"}}" -m 20
expect_code 200
expect_json_true body "d['status'] == 0 and d['result']['thanked'] == '$PERSON'"
wait "$SPIN"
expect_json_true spin.json 'd["status"] == 1'

test_case "a client that goes away while its run waits does not bring the server down"
( curl -s -m 20 -o /dev/null -X POST -H "$AUTH" --data-binary '{}' "${URL}api/run/form/spin" ) &
SPIN=$!
sleep 0.3
curl -s -m 0.5 -o /dev/null -X POST -H "$AUTH" --data-binary '{}' "${URL}api/run/form/plan" || true
wait "$SPIN" || true
get /api/health
expect_code 200
run_cmd form/plan '{}'
expect_json_true body 'd["status"] == 0'

test_case "the start-up token acts for nobody: events keep no actor, a plugin's own stays"
run_cmd form/answer '{"args": {"person": "'"$PERSON"'", "text": "yes"}}'
expect_json_true body 'd["status"] == 0'
get "/api/events?kind=form.answer"
expect_json_true body 'd[-1]["actor"] == "plugin-says"'
get "/api/events?kind=form.thank"
expect_json_true body 'd[-1]["actor"] is None'

test_case "a route sees who asks as req.user"
get /api/forms/me -H "$AUTH"
expect_json_true body 'd["user"] == {"role": "coordinator", "district": False}'
get /api/forms/me
expect_json_true body 'd["user"] == "nobody"'

test_case "a page for coordinators is refused to others by the host, and not listed"
get /api/forms/private
expect_code 401
expect_contains 'access = \"coordinator\"' body
expect_not_contains "secret" body
get /api/forms/private -H "$AUTH"
expect_code 200
expect_contains "coordinators' secret" body
get /api/forms/open
expect_code 200
get /api/plugins
expect_json_true body '[p["name"] for p in [p for p in d if p["name"] == "forms"][0]["pages"]] == ["open"]'
get /api/plugins -H "$AUTH"
expect_json_true body '[(p["name"], p["access"]) for p in [p for p in d if p["name"] == "forms"][0]["pages"]] == [("open", "any"), ("staffroom", "coordinator")]'

# ---- signed-in staff and viewers (sessions: signin.c) ------------------------
test_case "a staff member and a viewer sign in through their invitations"
sign_in T003 staff jar
expect_json_true me.json 'd["person"] == "T003" and d["role"] == "staff" and d["csrf"]'
CSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
sign_in T004 viewer vjar
expect_json_true me.json 'd["person"] == "T004" and d["role"] == "viewer"'
VCSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
staff() {
  local what=$1 body=$2
  get "/api/run/$what" -X POST -b jar -H "X-CSRF-Token: $CSRF" \
    -H "Content-Type: application/json" --data-binary "$body"
}
test_case "staff may not run a coordinator's command"
staff form/plan '{}'
expect_code 403
expect_contains 'access = \"coordinator\"' body
get /api/commands -b jar
expect_json_true body '[c for c in d if c["command"] == "plan"][0]["may_run"] is False and [c for c in d if c["command"] == "answer"][0]["may_run"] is True'
test_case "staff run a self command for themselves: the host fills their id"
staff form/answer '{"args": {"text": "mine"}}'
expect_code 200
expect_json_true body 'd["result"]["person"] == "T003"'
test_case "staff may not run a self command with another's id"
staff form/answer '{"args": {"person": "T001", "text": "theirs"}}'
expect_code 403
expect_contains "only for themselves" body
staff form/swap '{"args": {"teacher": "T001"}}'
expect_code 403
test_case "events of a staff member's run have them as actor"
staff form/thank '{"args": {"person": "T001"}}'
expect_code 200
get "/api/events?kind=form.thank"
expect_json_true body 'd[-1]["actor"] == "T003"'
test_case "a route sees the signed-in person"
get /api/forms/me -b jar
expect_json_true body 'd["user"] == {"person": "T003", "role": "staff", "school": "", "district": False}'
test_case "a page for coordinators is refused to staff"
get /api/forms/private -b jar
expect_code 403
test_case "events a route logs have who asked as actor"
get /api/forms/note -X POST -b jar -H "X-CSRF-Token: $CSRF"
get "/api/events?kind=form.note"
expect_json_true body 'd[-1]["actor"] == "T003"'
test_case "a viewer runs nothing, not even a command for anyone or for themselves"
get /api/commands -b vjar
expect_json_true body 'all(not c["may_run"] for c in d)'
for what in form/plan form/answer form/thank; do
  get "/api/run/$what" -X POST -b vjar -H "X-CSRF-Token: $VCSRF" \
    -H "Content-Type: application/json" --data-binary '{"args": {"person": "T004"}}'
  expect_code 403
done
test_case "a staff session without its CSRF token runs nothing"
get /api/run/form/answer -X POST -b jar -H "Content-Type: application/json" \
  --data-binary '{"args": {"text": "no csrf"}}'
expect_code 403
expect_contains "CSRF" body

interrupt_bg
finish
