#!/usr/bin/env bash
# The inquiry practice (plugins/inquiry) end to end with the real binary:
# a PLC's cycle from the command line (the mistakes a coordinator makes
# refused with what to do), then under baton serve its pages, the
# leadership route by period, and self-service: a member logs their own
# time and evidence; a staff member outside the PLC, another member's id,
# a viewer, a page of another origin and staff reading a server file are
# refused, and nothing of theirs is saved.
. "$(dirname "$0")/lib.sh"

export BATON_TODAY=2026-10-05
test_case "the sample school, its groups and the autumn term"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/groups.csv"
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18

test_case "a cycle in an unknown group is a usage error naming how to see the groups"
expect_status 2 baton inquiry open "How do Year 9s act on feedback?" --group "Math PLC"
expect_contains "--group: no group 'Math PLC' (did you mean 'Maths PLC'?); see baton groups list" err
expect_status 0 baton --json inquiry list
expect_json_true out 'd == []'

test_case "the Maths PLC opens a cycle on formative assessment (the spiral of inquiry)"
expect_status 0 baton inquiry open "How do Year 9s act on feedback?" --group "Maths PLC" \
  --topic "formative assessment" --date 2026-09-07
expect_contains "Cycle 1 opened for Maths PLC (spiral model, topic formative assessment): How do Year 9s act on feedback?" out
expect_status 0 baton inquiry phase 1 scanning --owner T006 --owner A001 --done
expect_contains "Cycle 1: phase 1 'scanning' done; now in phase 2 'focusing'." out

test_case "a phase that does not exist is an error naming the model's phases"
expect_status 1 baton inquiry phase 1 "hunch time"
expect_contains "there is no phase 'hunch time' in the spiral model; its phases are 1 scanning, 2 focusing, 3 developing a hunch" err

test_case "status: the phase passed with no evidence, in school weeks"
expect_status 0 baton --json inquiry status
expect_json_true out '[w["rule"] for w in d["cycles"][0]["warnings"]] == ["quiet", "no_evidence"] and d["calendar"] is True'

test_case "a CSV of data is kept as its summary"
printf 'student,score\nS1,4\nS2,8\n' >tickets.csv
expect_status 0 baton inquiry data 1 tickets.csv --note "exit tickets" --by T011
expect_contains "tickets.csv: 2 rows; score: 2 values, 4 to 8, mean 6." out

serve_start
AUTH="Authorization: Bearer $TOKEN"

test_case "the pages are listed and drawn"
get /api/plugins
expect_json_true body '[(p["name"], p["data"], p["access"]) for p in [p for p in d if p["name"] == "inquiry"][0]["pages"]] == [("inquiry", "/api/inquiry/overview", "any"), ("cycles", "/api/inquiry/board", "any")]'
get /api/inquiry/overview
expect_code 200
expect_json_true body '[b["view"] for b in d["blocks"]][:2] == ["stats", "steps"] and d["blocks"][1]["items"][0]["steps"][0]["status"] == "done"'
get /api/inquiry/board?cycle=1
expect_code 200
expect_contains "exit tickets (tickets.csv): 2 rows" body
get /api/inquiry/board?cycle=7
expect_code 404

test_case "leadership: cycle leads and phase owners, by period when asked"
get "/api/inquiry/leadership?from=2026-09-01&to=2026-12-18"
expect_code 200
expect_json_true body 'd["role"] == "PLC inquiry lead" and d["period"] == {"from": "2026-09-01", "to": "2026-12-18"} and {r["person"]: r["count"] for r in d["roles"]} == {"T001": 1, "T006": 1, "A001": 1}'
get "/api/inquiry/leadership?from=2027-01-05&to=2027-03-26"
expect_json_true body 'd["roles"] == []'

test_case "a member of the PLC, a staff member outside it and a viewer sign in"
sign_in T006 staff mjar # in the Maths PLC
expect_json_true me.json 'd["person"] == "T006" and d["role"] == "staff"'
MCSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
sign_in T003 staff ojar # the Science PLC's lead: outside the Maths PLC
expect_json_true me.json 'd["person"] == "T003"'
OCSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
sign_in T004 viewer vjar
expect_json_true me.json 'd["person"] == "T004" and d["role"] == "viewer"'
VCSRF=$(python3 -c 'import json; print(json.load(open("me.json"))["csrf"] or "")')
run_as() { # JAR CSRF CMD JSON [curl options]
  local jar=$1 csrf=$2 cmd=$3 body=$4
  shift 4
  get "/api/run/inquiry/$cmd" -X POST -b "$jar" -H "X-CSRF-Token: $csrf" -H "Content-Type: application/json" \
    --data-binary "$body" "$@"
}

test_case "a member logs their own time and evidence from the browser: the host fills --by"
run_as mjar "$MCSRF" log '{"args": {"cycle": 1, "minutes": 50, "notes": "sorted the exit tickets"}}'
expect_code 200
expect_json_true body 'd["status"] == 0 and d["result"]["minutes"] == 50 and d["result"]["total"] == 50'
run_as mjar "$MCSRF" evidence '{"args": {"cycle": 1, "text": "Student interviews: 9 of 12 ignore comments"}}'
expect_code 200
expect_status 0 baton --json inquiry show 1
expect_json_true out 'd["meetings"][0]["by"] == "T006" and d["evidence"][-1]["by"] == "T006"'

test_case "a staff member outside the PLC cannot log into it"
run_as ojar "$OCSRF" log '{"args": {"cycle": 1, "minutes": 90}}'
expect_code 200 # the host let staff run it for themselves; the practice refuses
expect_json_true body 'd["status"] == 1 and d["result"] is None and "T003 is not in Maths PLC, whose cycle 1 this is" in d["errors"]'
run_as ojar "$OCSRF" evidence '{"args": {"cycle": 1, "text": "not mine"}}'
expect_json_true body 'd["status"] == 1 and "T003 is not in Maths PLC" in d["errors"]'
run_as ojar "$OCSRF" close '{"args": {"cycle": 1, "finding": ["ours now"]}}'
expect_json_true body 'd["status"] == 1 and "T003 is not in Maths PLC" in d["errors"]' 

test_case "a member may not log in another's name"
run_as mjar "$MCSRF" log '{"args": {"cycle": 1, "minutes": 90, "by": "T001"}}'
expect_code 403

test_case "a viewer records nothing"
run_as vjar "$VCSRF" log '{"args": {"cycle": 1, "minutes": 90}}'
expect_code 403

test_case "a page of another origin records nothing, even with the member's session"
run_as mjar "$MCSRF" log '{"args": {"cycle": 1, "minutes": 90}}' -H "Origin: http://evil.example"
expect_code 403

test_case "staff may not make the plugin read a file on the server (data is a coordinator's)"
run_as mjar "$MCSRF" data '{"args": {"cycle": 1, "file": "/etc/passwd"}}'
expect_code 403

test_case "none of the refused records was saved"
expect_status 0 baton --json inquiry show 1
expect_json_true out 'd["minutes"] == 50 and len(d["meetings"]) == 1 and len(d["evidence"]) == 2'
get /api/commands -b mjar
expect_json_true body '{c["command"]: c["may_run"] for c in d if c["plugin"] == "inquiry"} == {"models": True, "open": True, "list": True, "show": True, "phase": True, "log": True, "evidence": True, "data": False, "review": True, "close": True, "status": True}'

test_case "closing with findings opens the next cycle and logs the lead's expertise"
expect_status 0 baton inquiry close 1 --finding "Comments alone change little" --next "Does feedback time in lessons help?"
expect_contains "Cycle 2 opened from its findings: Does feedback time in lessons help?" out
get "/api/events?kind=inquiry.close"
expect_json_true body 'd[-1]["data"]["expertise"] == [{"person": "T001", "tag": "formative assessment", "what": "led a PLC inquiry cycle on formative assessment"}]'

interrupt_bg
check_status 0

finish
