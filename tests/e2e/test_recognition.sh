#!/bin/sh
# Recognition (plugins/recognition) end to end through the real binary:
# thanks from the command line, then under baton serve with real sessions
# (a member of staff, a viewer, a coordinator): staff thank as themselves
# and no one else, nobody but the coordinator reaches the nudges, the
# hidden history or hiding, a page on another origin cannot post, a hidden
# message leaves every public output, and markup shows as text.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"

export BATON_TODAY=2026-10-05
test_case "the sample school, its groups and two terms"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/groups.csv"
expect_status 0 baton terms add "Summer 2026" 2026-04-13 2026-07-17
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18

test_case "thanks from the command line, with a link to a PLC"
expect_status 0 baton thanks post A001 S001 "for fixing the ramp" --date 2026-06-10
expect_status 0 baton thanks post T006 T001 "for leading the inquiry cycle" --link "group:Maths PLC" --date 2026-09-15
expect_contains "Hiroshi Tanaka thanked Wei Chen on 2026-09-15: for leading the inquiry cycle [Maths PLC] (number 2)" out
expect_status 1 baton thanks post T001 T001 "for me"
expect_contains "thank someone else: FROM and TO are the same person (T001)" err
expect_status 1 baton thanks post T001 T002 "x" --link "group:Math PLC"
expect_contains "--link 'group:Math PLC': there is no group 'Math PLC' (did you mean 'Maths PLC'?)" err
expect_status 0 baton --json thanks spread
expect_json_true out 'd["period"]["name"] == "Autumn 2026" and d["thanks"] == 1 and [r["thanked"] for r in d["roles"] if r["role"] == "teacher"] == [1]'

test_case "the coordinator's nudges are at the terminal; the command is the coordinator's"
expect_status 0 baton thanks nudges
expect_contains "Not thanked for 8 weeks or more (since 2026-08-10), for you alone:" out
expect_contains "Jamal Washington" out

serve_start
# sign_in PERSON ROLE JAR: invites PERSON with ROLE and follows the
# invitation's link as a browser would, keeping the session cookie in JAR;
# the session's CSRF token is then in $CSRF.
sign_in() {
  expect_status 0 baton --json users invite "$1" --role "$2" --base "${URL%/}"
  tok=$(python3 -c 'import json; print(json.load(open("out"))[0]["link"])')
  tok=${tok##*token=}
  curl -s -m 5 -c "$3" -b "$3" -o /dev/null -H "Origin: ${URL%/}" \
    --data-raw "token=$tok&choice=links" "${URL}welcome" || true
  curl -s -m 5 -b "$3" -o me.json "${URL}api/me" || true
  CSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
}
test_case "a member of staff, a viewer and a coordinator sign in"
sign_in T003 staff sjar
expect_json_true me.json 'd["person"] == "T003" and d["role"] == "staff"'
SCSRF=$CSRF
sign_in A004 viewer vjar
expect_json_true me.json 'd["person"] == "A004" and d["role"] == "viewer"'
VCSRF=$CSRF
sign_in P001 coordinator cjar
expect_json_true me.json 'd["person"] == "P001" and d["role"] == "coordinator"'
CCSRF=$CSRF
# as JAR CSRF METHOD PATH [BODY]: a request of that session from the dashboard's own origin
as() {
  if [ -n "${5:-}" ]; then
    get "$4" -X "$3" -b "$1" -H "Origin: ${URL%/}" -H "X-CSRF-Token: $2" -H 'Content-Type: application/json' --data-binary "$5"
  else
    get "$4" -X "$3" -b "$1" -H "Origin: ${URL%/}" -H "X-CSRF-Token: $2"
  fi
}

test_case "staff thank from the form as themselves; the host fills FROM"
as sjar "$SCSRF" POST /api/run/thanks/post '{"args": {"to": "T002", "message": "<script>alert(1)</script> for the French evening"}}'
expect_code 200
expect_json_true body 'd["result"]["from"] == "T003" and d["result"]["to"] == "T002"'
get "/api/events?kind=recognition.thanks"
expect_json_true body 'd[-1]["actor"] == "T003" and d[-1]["subject"] == "T002" and "message" not in d[-1]["data"]'

test_case "staff cannot thank as someone else, by the form or the route"
as sjar "$SCSRF" POST /api/run/thanks/post '{"args": {"from": "P001", "to": "T002", "message": "forged"}}'
expect_code 403
as sjar "$SCSRF" POST /api/recognition/thanks '{"from": "P001", "to": "T002", "message": "forged"}'
expect_code 403
expect_contains "you thank as yourself: from is who is signed in (T003), not P001" body
as sjar "$SCSRF" POST /api/recognition/thanks '{"to": "AP01", "message": "for the timetable"}'
expect_code 201
expect_json_true body 'd["from"] == "T003"'
get "/api/recognition/thanks"
expect_not_contains "forged" body

test_case "a page on another origin cannot post a thank-you, even with the session and its token"
get /api/recognition/thanks -X POST -b sjar -H "Origin: http://evil.example" -H "X-CSRF-Token: $SCSRF" \
  -H 'Content-Type: application/json' --data-binary '{"to": "T002", "message": "from elsewhere"}'
expect_code 403
get /api/run/thanks/post -X POST -b sjar -H "Origin: http://evil.example" -H "X-CSRF-Token: $SCSRF" \
  -H 'Content-Type: application/json' --data-binary '{"args": {"to": "T002", "message": "from elsewhere"}}'
expect_code 403
as sjar "" POST /api/recognition/thanks '{"to": "T002", "message": "no csrf"}'
expect_code 403
get /api/recognition/thanks -X POST -H 'Content-Type: application/json' --data-binary '{"from": "T001", "to": "T002", "message": "nobody"}'
expect_code 401
get "/api/recognition/thanks"
expect_not_contains "elsewhere" body
expect_not_contains "no csrf" body

test_case "a viewer reads but does not thank"
as vjar "$VCSRF" POST /api/run/thanks/post '{"args": {"to": "T002", "message": "x"}}'
expect_code 403
as vjar "$VCSRF" POST /api/recognition/thanks '{"to": "T002", "message": "x"}'
expect_code 403
expect_contains "viewers may not change anything" body
get /api/recognition/board -b vjar
expect_code 200

test_case "staff and viewers are refused the nudges, the hidden history, the coordinator's page and hiding"
for jar in sjar vjar; do
  for path in /api/recognition/nudges /api/recognition/history "/api/recognition/history?hidden=1" /api/recognition/coordinator; do
    get "$path" -b "$jar"
    expect_code 403
    expect_not_contains "Jamal" body
  done
  get /api/plugins -b "$jar"
  expect_json_true body '[g["name"] for g in [p for p in d if p["name"] == "recognition"][0]["pages"]] == ["board", "thanks"]'
done
for cmd in hide unhide nudges history export; do
  as sjar "$SCSRF" POST "/api/run/thanks/$cmd" '{"args": {"id": 1}}'
  expect_code 403
  as vjar "$VCSRF" POST "/api/run/thanks/$cmd" '{"args": {"id": 1}}'
  expect_code 403
done
get /api/recognition/nudges
expect_code 401

test_case "the coordinator hides a message from the browser: logged with them as actor, kept in the history"
as cjar "$CCSRF" POST /api/run/thanks/hide '{"args": {"id": 3, "reason": "markup in it"}}'
expect_code 200
get "/api/events?kind=recognition.hide"
expect_json_true body 'len(d) == 1 and d[0]["actor"] == "P001" and d[0]["subject"] == "3" and "reason" not in d[0]["data"]'
get "/api/recognition/history?hidden=1" -b cjar
expect_code 200
expect_json_true body 'len(d) == 1 and d[0]["hidden_by"] == "P001" and d[0]["hidden_reason"] == "markup in it" and "French evening" in d[0]["message"]'
get /api/recognition/coordinator -b cjar
expect_code 200
expect_contains "Jamal Washington" body
get /api/plugins -b cjar
expect_json_true body '[g["name"] for g in [p for p in d if p["name"] == "recognition"][0]["pages"]] == ["board", "thanks", "quiet"]'

test_case "the hidden message has left the board, the page, the lists, the spread and the CSV"
for path in /api/recognition/board /api/recognition/page /api/recognition/thanks /api/recognition/spread \
  /api/recognition/thanks.csv /api/recognition/spread.csv /api/recognition/leadership; do
  get "$path" -b sjar
  expect_code 200
  expect_not_contains "French evening" body
  expect_not_contains "Amélie" body
done

test_case "the board: HTML for the staff room, what people typed escaped"
as sjar "$SCSRF" POST /api/recognition/thanks '{"to": "C001", "message": "<b>bold</b> & <script>x()</script>"}'
expect_code 201
get /api/recognition/board
expect_code 200
expect_contains "Content-Type: text/html; charset=utf-8" hdr
expect_contains "Content-Security-Policy: default-src 'none'" hdr
expect_contains "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;" body
expect_not_contains "<script" body
expect_not_contains "<b>bold" body
get /api/recognition/board.css
expect_code 200
expect_contains "Content-Type: text/css; charset=utf-8" hdr

test_case "the leadership route answers per person and role, by period"
get "/api/recognition/leadership?from=2026-09-01&to=2026-12-18"
expect_code 200
expect_json_true body 'd["period"] == {"from": "2026-09-01", "to": "2026-12-18"} and {(r["person"], r["role"]): r["count"] for r in d["roles"]} == {("T006", "thanked a colleague"): 1, ("T003", "thanked a colleague"): 2, ("T001", "was thanked"): 1, ("AP01", "was thanked"): 1, ("C001", "was thanked"): 1}'
get "/api/recognition/leadership?from=2026-04-01&to=2026-07-31"
expect_json_true body 'd["roles"] == [{"person": "A001", "count": 1, "role": "thanked a colleague"}, {"person": "S001", "count": 1, "role": "was thanked"}]'
get "/api/recognition/leadership?from=soon&to=2026-07-31"
expect_code 400
get /api/plugins
expect_json_true body '[p for p in d if p["name"] == "recognition"][0]["leadership"] == "/api/recognition/leadership"'

test_case "the CSV of the thanks: a download, public thanks only"
get /api/recognition/thanks.csv
expect_code 200
expect_contains "Content-Type: text/csv; charset=utf-8" hdr
expect_contains 'attachment; filename="thanks.csv"' hdr
expect_contains "2026-09-15,T006,Hiroshi Tanaka,T001,Wei Chen,teacher,for leading the inquiry cycle,group:Maths PLC" body
interrupt_bg
check_status 0

test_case "the coordinator's CSV files from the command line, and the history"
expect_status 0 baton thanks export --thanks thanks.csv --spread spread.csv
expect_contains "thanks.csv: 3 thanks of Autumn 2026 (hidden ones left out)" out
expect_contains "teacher,20,1,1,3," spread.csv
expect_not_contains "French evening" thanks.csv
expect_status 0 baton thanks history --hidden
expect_contains "by P001: markup in it" out
expect_status 0 baton thanks unhide 3
expect_status 0 baton thanks list
expect_contains "for the French evening" out

test_case "the demo has recognition's history: last year's thanks, this term's, one hidden"
mkdir "$WORK/demo" && cd "$WORK/demo"
TIMEOUT=90 expect_status 0 baton --today 2026-09-01 demo --no-serve
expect_contains "Recognition: 13 thanks (5 last year, 8 this term, 1 hidden)" out
expect_status 0 baton --db baton-demo.db --today 2026-09-01 --json thanks history --hidden
expect_json_true out 'len(d) == 1 and d[0]["hidden_reason"].startswith("sarcastic")'
expect_status 0 baton --db baton-demo.db --today 2026-09-01 --json thanks list --from 2025-09-01 --to 2026-06-30
expect_json_true out 'len(d["thanks"]) == 5'
cd "$WORK"

test_case "the worked example of docs/practices/recognition.md is what baton prints"
export BATON_DB="$WORK/guide.db"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/groups.csv"
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18
# every "$ baton ..." line of the guide, run in order; the lines after it,
# up to the next command or the end of the block, in order in its output
# (elisions, "...", aside)
if python3 - "$BATON_SOURCE_DIR/docs/practices/recognition.md" "$BATON" "$PLUGINS" >guide.log 2>&1 <<'PY'
import shlex, subprocess, sys
guide, baton, plugins = sys.argv[1:4]
steps, cur, inblock = [], None, False
for line in open(guide, encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("```"):
        inblock = not inblock
        cur = None
        continue
    if inblock and line.startswith("$ baton "):
        cur = (line[len("$ baton "):], [])
        steps.append(cur)
    elif inblock and cur is not None and line.strip() != "...":
        cur[1].append(line.rstrip())
bad = 0
for cmd, want in steps:
    got = subprocess.run([baton, "--plugins", plugins] + shlex.split(cmd), capture_output=True, text=True)
    lines = [l.rstrip() for l in got.stdout.splitlines()]
    i = 0
    for l in lines:
        if i < len(want) and l == want[i]:
            i += 1
    if got.returncode != 0 or i < len(want):
        bad += 1
        print("differs: baton " + cmd + "\n  missing: " + (want[i] if i < len(want) else "(exit %d)" % got.returncode))
        print("  got:\n" + got.stdout + got.stderr)
print("%d commands, %d differ" % (len(steps), bad))
sys.exit(1 if bad or len(steps) < 8 else 0)
PY
then pass "the guide's commands print what it shows"
else fail "the guide's worked example differs from what baton prints" guide.log
fi
export BATON_DB="$WORK/baton.db"

finish
