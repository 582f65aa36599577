#!/usr/bin/env bash
# tests/e2e/test_practice_pages.sh: the bundled practices' pages and
# leadership routes, and the recognition practice's HTML board, through the
# real `baton serve` (issue 16): /api/plugins lists each page, each data
# route answers blocks, each leadership route its counts, and the board is
# HTML with the no-script policy and everything a person typed escaped.
. "$(dirname "$0")/lib.sh"

rm -rf "$PLUGINS" && mkdir "$PLUGINS"
cp -R "$BATON_SOURCE_DIR/plugins/mentoring" "$BATON_SOURCE_DIR/plugins/rotation" \
  "$BATON_SOURCE_DIR/plugins/kotter" "$BATON_SOURCE_DIR/plugins/recognition" "$BATON_SOURCE_DIR/examples/kudos" "$PLUGINS/"
export BATON_TODAY=2026-09-15

test_case "a small school with a saved match, a saved rota, an initiative and a thank-you"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/groups.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/mentoring-groups.csv"
expect_status 0 baton mentor match --save
expect_status 0 baton rota plan --group "Wellbeing Committee" --every tue --from 2026-09-01 --to 2026-10-20 --save
expect_status 0 baton change new "Literacy across the curriculum"
expect_status 0 baton change step literacy 1 --status in_progress --owner T001 --owner A001
expect_status 0 baton change evidence literacy 1 "staff survey" --by A001
expect_status 0 baton thanks post T001 AP02 '<script>alert("x")</script> & thanks'

test_case "/api/plugins lists each practice's page and leadership route"
serve_start
get /api/plugins
expect_code 200
expect_json_true body '{p["name"]: [g["data"] or g["html"] for g in p["pages"]] for p in d if p["state"] == "loaded"} == {"coaching": ["/api/coaching/page"], "equity": ["/api/equity/page"], "expertise": ["/api/expertise/page"], "inquiry": ["/api/inquiry/overview", "/api/inquiry/board"], "kotter": ["/api/change/page"], "kudos": ["/api/kudos/board"], "mentoring": ["/api/mentoring/page"], "recognition": ["/api/recognition/board", "/api/recognition/page"], "reflection": ["/api/reflection/page"], "rotation": ["/api/rotation/page"]}'
expect_json_true body '{p["name"]: p["leadership"] for p in d if p["state"] == "loaded"} == {"coaching": "/api/coaching/leadership", "equity": None, "expertise": None, "inquiry": "/api/inquiry/leadership", "kotter": "/api/change/leadership", "kudos": None, "mentoring": "/api/mentoring/leadership", "recognition": "/api/recognition/leadership", "reflection": None, "rotation": "/api/rotation/leadership"}'

test_case "each data page answers blocks, ending with the forms of its plugin"
for page in /api/mentoring/page /api/rotation/page /api/change/page /api/recognition/page; do
  get "$page"
  expect_code 200
  expect_contains "Content-Type: application/json" hdr
  expect_json_true body 'isinstance(d["blocks"], list) and len(d["blocks"]) >= 3 and d["blocks"][-1]["view"] == "commands" and all(b["view"] in ("stats", "table", "bars", "network", "steps", "text", "commands") for b in d["blocks"])'
done
get /api/mentoring/page
expect_json_true body 'any(b["view"] == "network" and len(b["links"]) > 0 and all(l.get("label") for l in b["links"]) for b in d["blocks"])'
get /api/rotation/page
expect_json_true body 'd["blocks"][0]["title"] == "Wellbeing Committee" and d["blocks"][0]["rows"][0]["when"] == "today · next meeting" and d["blocks"][1]["view"] == "bars"'
get /api/change/page
expect_json_true body '[s["status"] for s in next(b for b in d["blocks"] if b["view"] == "steps")["items"][0]["steps"]][:2] == ["in-progress", "not-started"]'

test_case "each leadership route answers its label and counts per person"
get /api/mentoring/leadership
expect_json_true body 'd["label"] == "mentees mentored" and sum(r["count"] for r in d["roles"]) > 0'
get /api/rotation/leadership
expect_json_true body 'd["label"].startswith("rota turns taken") and sum(r["count"] for r in d["roles"]) == 9'
get /api/change/leadership
expect_json_true body 'd == {"label": "change steps owned", "roles": [{"person": "A001", "count": 1}, {"person": "T001", "count": 1}]}'
get /api/recognition/leadership
expect_json_true body 'd["roles"] == [{"person": "T001", "count": 1, "role": "thanked a colleague"}, {"person": "AP02", "count": 1, "role": "was thanked"}] and "period" in d'

test_case "the thanks board is a whole HTML page, with no script and what people typed escaped"
get /api/recognition/board
expect_code 200
expect_contains "Content-Type: text/html; charset=utf-8" hdr
expect_contains "Content-Security-Policy: default-src 'none'" hdr
expect_contains "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; thanks" body
expect_not_contains "<script" body

test_case "the routes of before still answer"
get /api/mentoring/pairs
expect_json_true body 'len(d) > 0 and "mentor" in d[0]'
get /api/rotation/plans
expect_json_true body 'list(d) == ["Wellbeing Committee"]'
get /api/change/status
expect_json_true body 'd[0]["slug"] == "literacy-across-the-curriculum"'
interrupt_bg
check_status 0

finish
