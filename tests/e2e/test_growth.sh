#!/bin/sh
# The practices of collaborative growth (issue 20), expertise and coaching,
# through the real binary: the command line on the sample school (each bad
# input a clear error), the expertise map feeding a mentoring match and a
# coaching suggestion, mentoring without the expertise plugin, and under
# baton serve the self-service forms, where another staff member and a
# viewer reach no private goal by any route, form or the event log.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"

export BATON_TODAY=2026-10-05
test_case "the sample school, its groups, the autumn term and a change initiative"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/mentoring-groups.csv"
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18
expect_status 0 baton change new "Restorative behaviour policy"

test_case "people declare strengths and growth areas; synonyms become the school's word; typos are refused"
expect_status 0 baton expertise declare T012 AfL questioning
expect_contains "T012 declares: formative assessment, questioning." out
expect_status 0 baton expertise want T005 "assessment for learning"
expect_status 1 baton expertise declare T001 "formative asesment"
expect_contains "did you mean 'formative assessment'? Give that, or keep your own word with --free" err
expect_status 0 baton expertise declare T001 "chess club"
expect_contains "'chess club' is not in the school's vocabulary: kept as a free tag" out

test_case "endorsing oneself is refused, naming what to do; an unknown person is refused by the host"
expect_status 1 baton expertise endorse T012 questioning --by T012
expect_contains "T012 cannot endorse their own strength" err
expect_contains "baton expertise declare T012" err
expect_status 2 baton expertise endorse T999 questioning --by T001
expect_contains "no person 'T999' in the staff list" err
expect_status 0 baton expertise endorse T012 questioning --by T001

test_case "the map feeds the mentoring match: a pair explained by what the mentor can help with"
expect_status 0 baton mentor match
expect_match "T005 Grace O'Brien +T012 Arjun Patel +6 +.*can help with formative assessment \(\+2\)" out
expect_status 0 baton config mentoring expertise 0
expect_status 0 baton mentor match
expect_not_contains "can help with" out
expect_status 0 baton config mentoring expertise

test_case "needs tied to the change initiative, and the gaps nobody holds"
expect_status 0 baton expertise needs add "restorative justice" --initiative 1
expect_status 1 baton expertise needs add feedback --initiative 7
expect_contains "--initiative 7: no such change initiative; \`baton change list\` shows them (ids 1)" err
expect_status 0 baton --json expertise gaps
expect_json_true out 'd == [{"tag": "restorative practice", "state": "nobody", "holders": 0, "initiative": "1", "initiative_title": "Restorative behaviour policy", "wanted_by": 0}]'
expect_status 0 baton expertise pockets
expect_contains "formative assessment  T012 Arjun Patel" out

test_case "coaching: the coach suggested from the map, and the bad inputs of the issue"
expect_status 0 baton coach suggest afl --teacher T005
expect_contains "1  T012 Arjun Patel" out
expect_contains "baton coach start T005 --coach T012 --tag 'formative assessment'" out
expect_status 1 baton coach start T005 --coach T005
expect_contains "T005 cannot coach themselves" err
expect_status 2 baton coach start X123 --coach T012
expect_contains "no person 'X123' in the staff list" err
expect_status 0 baton coach start T005 --coach T012 --tag "formative assessment"
expect_status 0 baton coach identify 1 T012 --goal "every student shows a mini whiteboard answer" \
  --measure "% of students who show an answer" --baseline 30 --target 80
expect_status 1 baton coach phase 1 T012 reflect
expect_contains "no phase 'reflect'" err
expect_contains "a cycle's phases are identify, learn and improve" err
expect_status 0 baton coach learn 1 T005 --strategy "mini whiteboards" --step "model it in Year 7"
expect_status 0 baton coach measure 1 T005 55 --note "lesson observed"
expect_status 0 baton coach session 1 T012 --minutes 30 --note "Year 7 set 2 is the hard one"

test_case "serve: a teacher, another staff member and a viewer sign in"
serve_start
sign_in() { # PERSON ROLE JAR: follows the invitation's link as a browser would; CSRF is then theirs
  expect_status 0 baton --json users invite "$1" --role "$2" --base "${URL%/}"
  link=$(python3 -c 'import json; print(json.load(open("out"))[0]["link"])')
  curl -s -m 5 -c "$3" -b "$3" -o /dev/null -H "Origin: ${URL%/}" \
    --data-raw "token=${link##*token=}&choice=links" "${URL}welcome" || true
  curl -s -m 5 -b "$3" -o me.json "${URL}api/me" || true
  CSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
}
sign_in T005 staff jar5
CSRF5=$CSRF
sign_in T009 staff jar9
CSRF9=$CSRF
sign_in T004 viewer vjar
VCSRF=$CSRF
run_as() { # JAR CSRF COMMAND BODY
  get "/api/run/$3" -X POST -b "$1" -H "X-CSRF-Token: $2" -H "Content-Type: application/json" --data-binary "$4"
}

test_case "the teacher sees and edits their own cycle from the browser"
run_as jar5 "$CSRF5" coach/show '{"args": {"cycle": 1}}'
expect_code 200
expect_json_true body 'd["status"] == 0 and d["result"]["goal"] == "every student shows a mini whiteboard answer" and d["result"]["teacher"] == "T005"'
run_as jar5 "$CSRF5" coach/measure '{"args": {"cycle": 1, "value": 85}}'
expect_json_true body 'd["status"] == 0 and d["result"]["reached"] is True'

test_case "another staff member is refused the cycle by every form, and not told who is in it"
for cmd in show session identify share; do
  extra=""
  [ "$cmd" = identify ] && extra=', "goal": "mine now"'
  run_as jar9 "$CSRF9" "coach/$cmd" "{\"args\": {\"cycle\": 1$extra}}"
  expect_json_true body 'd["status"] == 1 and "cycle 1 is not T009" in d["errors"] and "T005" not in d["errors"] and "whiteboard" not in d["output"] + d["errors"]'
done
run_as jar9 "$CSRF9" coach/show '{"args": {"cycle": 1, "person": "T005"}}'
expect_code 403
run_as jar9 "$CSRF9" coach/list '{}'
expect_code 403
run_as jar9 "$CSRF9" expertise/map '{}'
expect_code 403

test_case "a viewer runs no form, and nothing they can read carries the private goal"
run_as vjar "$VCSRF" coach/show '{"args": {"cycle": 1, "person": "T004"}}'
expect_code 403
for path in /api/coaching/page /api/coaching/leadership /api/expertise/page "/api/expertise/helpers?tag=afl" \
  "/api/events?limit=1000"; do
  get "$path" -b vjar
  expect_code 200
  expect_not_contains "whiteboard" body
  expect_not_contains "Year 7" body
done
get /api/coaching/page -b vjar
expect_json_true body '[b for b in d["blocks"] if b.get("title") == "Shared cycles"][0]["rows"] == []'
get /api/expertise/page -b vjar
expect_not_contains "T005" body

test_case "once the teacher shares it, the page shows the goal; only the teacher may share"
run_as jar9 "$CSRF9" coach/share '{"args": {"cycle": 1}}'
expect_json_true body 'd["status"] == 1'
run_as jar5 "$CSRF5" coach/share '{"args": {"cycle": 1}}'
expect_json_true body 'd["status"] == 0 and d["result"]["shared"] is True'
get /api/coaching/page -b vjar
expect_contains "whiteboard" body

test_case "endorsement as self-service: staff endorse as themselves, never as another nor themselves"
run_as jar9 "$CSRF9" expertise/endorse '{"args": {"person": "T012", "tag": "afl"}}'
expect_json_true body 'd["status"] == 0 and d["result"]["by"] == "T009"'
run_as jar9 "$CSRF9" expertise/endorse '{"args": {"person": "T012", "tag": "afl", "by": "T001"}}'
expect_code 403
run_as jar9 "$CSRF9" expertise/endorse '{"args": {"person": "T009", "tag": "afl"}}'
expect_json_true body 'd["status"] == 1 and "cannot endorse their own strength" in d["errors"]'
run_as jar5 "$CSRF5" expertise/declare '{"args": {"tag": ["oracy"]}}'
expect_json_true body 'd["status"] == 0 and d["result"]["person"] == "T005"'
run_as jar5 "$CSRF5" expertise/declare '{"args": {"person": "T009", "tag": ["oracy"]}}'
expect_code 403

test_case "the shared cycle met is evidence of the coach's expertise"
run_as jar5 "$CSRF5" coach/close '{"args": {"cycle": 1, "outcome": "met"}}'
expect_json_true body 'd["status"] == 0 and d["result"]["evidence"] is True'
sleep 0.3
get "/api/expertise/helpers?tag=afl" -b vjar
expect_json_true body 'd["helpers"][0]["person"] == "T012" and d["helpers"][0]["level"] == "evidenced"'
interrupt_bg
check_status 0

test_case "mentoring works without the expertise plugin: a baton with no bundled plugins, mentoring alone"
mkdir -p "$WORK/alone/bin" "$WORK/alone/plugins"
cp "$BATON" "$WORK/alone/bin/baton"
cp -R "$BATON_SOURCE_DIR/plugins/mentoring" "$WORK/alone/plugins/"
run timeout 20 "$WORK/alone/bin/baton" --plugins "$WORK/alone/plugins" mentor match
check_status 0
expect_contains "T005 Grace O'Brien" out
expect_not_contains "can help with" out
expect_empty err

test_case "mentoring goes on when the expertise plugin fails or answers garbage, saying so"
export BATON_DB="$WORK/broken.db"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/mentoring-groups.csv"
cp -R "$BATON_SOURCE_DIR/plugins/expertise" "$PLUGINS/expertise"
sed -i '1i error("broken on purpose")' "$PLUGINS/expertise/init.lua"
expect_status 0 baton mentor match
expect_contains "T019 Ngozi Eze" out
expect_contains "the expertise map could not be read, so no pair scores a shared expertise need" err
expect_contains "broken on purpose" err
cp "$BATON_SOURCE_DIR/plugins/expertise/init.lua" "$PLUGINS/expertise/init.lua"
cat >>"$PLUGINS/expertise/init.lua" <<'LUA'
M.map = function() baton.output({ strengths = "x", wants = { 1, { person = {}, tag = 2 }, { person = "T005" } } }) end
LUA
sed -i 's/^return M$//' "$PLUGINS/expertise/init.lua"
echo 'return M' >>"$PLUGINS/expertise/init.lua"
expect_status 0 baton mentor match
expect_contains "T019 Ngozi Eze" out
expect_not_contains "can help with" out
rm -rf "$PLUGINS/expertise"

test_case "the worked examples of docs/practices/expertise.md and coaching.md are what baton prints"
export BATON_DB="$WORK/guide.db"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/mentoring-groups.csv"
expect_status 0 baton change new "Restorative behaviour policy"
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18
expect_status 0 baton terms add "Half term" 2026-10-26 2026-10-30 --closure
for guide in expertise coaching; do
  # each "$ baton ..." line of the guide's example runs; the lines shown
  # under it are in its output, in order (elisions "..." aside)
  if python3 - "$BATON_SOURCE_DIR/docs/practices/$guide.md" "$BATON" "$PLUGINS" >guide.out 2>&1 <<'PY'
import shlex, subprocess, sys
text = open(sys.argv[1]).read().split("## A worked example", 1)[1]
steps, block = [], False
for line in text.splitlines():
    if line.startswith("```"):
        block = not block
        continue
    if not block:
        continue
    if line.startswith("$ baton "):
        steps.append((line[2:], []))
    elif steps and line.strip() not in ("", "..."):
        steps[-1][1].append(line.rstrip())
bad = 0
for cmd, want in steps:
    argv = [sys.argv[2], "--plugins", sys.argv[3]] + shlex.split(cmd)[1:]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    got = [l.rstrip() for l in (r.stdout + r.stderr).splitlines()]
    k = 0
    for w in want:
        while k < len(got) and got[k] != w:
            k += 1
        if k == len(got):
            print("%s: not in the output (in order): %s\n  got: %s" % (cmd, w, "\n       ".join(got)))
            bad += 1
            break
        k += 1
print("%d commands, %d differ" % (len(steps), bad))
sys.exit(1 if bad else 0)
PY
  then pass "docs/practices/$guide.md: $(tail -n 1 guide.out)"; else fail "docs/practices/$guide.md differs from baton's output" guide.out; fi
done

finish
