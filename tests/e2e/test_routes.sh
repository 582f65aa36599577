#!/usr/bin/env bash
# tests/e2e/test_routes.sh: plugin routes (baton.http.route) and hot reload
# in `baton serve`: what a handler gets and answers, its limits and errors,
# the permission and the path rule, and reloading a plugin whose files
# change (a broken edit keeps the last good version). Under the sanitizer
# build this also checks that reloads and failed handlers leak nothing: the
# server must stop with status 0 and LeakSanitizer reports make it fail.
. "$(dirname "$0")/lib.sh"

use_only_plugins routes
baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null

test_case "a route gets its parameters, query and headers, and answers JSON"
serve_start --time-limit 2
get "/api/routes/hello/Ana%20Lopez?term=autumn+2026&x=1" -A "route-test"
expect_code 200
expect_contains "Content-Type: application/json" hdr
expect_json_true body 'd == {"hello": "Ana Lopez", "q": {"term": "autumn 2026", "x": "1"}, "agent": "route-test", "version": 1}'
get "/api/routes/hello/x"
expect_json_true body 'd["q"] == {}'

test_case "a handler can read the store"
get /api/routes/people
expect_json_true body 'd["people"] > 10'

test_case "a write through a route needs the token; the JSON body reaches the handler"
get /api/routes/echo -X POST -H 'Content-Type: application/json' -d '{"a":[1,2]}'
expect_code 401
get /api/routes/echo -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"a":[1,2]}'
expect_code 201
expect_json_true body 'd == {"got": {"a": [1, 2]}, "raw": "{\"a\":[1,2]}"}'

test_case "a body that is not JSON gets 400 naming line and column"
get /api/routes/echo -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"a":
[1,'
expect_code 400
expect_contains "line 2, column" body

test_case "another method on a route's path gets 405 with Allow"
get /api/routes/echo
expect_code 405
expect_contains "Allow: POST" hdr

test_case "a handler that returns nothing answers 204"
get /api/routes/nothing
expect_code 204

test_case "a handler that fails answers 500 naming the plugin and line; the server goes on"
get /api/routes/boom
expect_code 500
expect_json_true body 'd["error"]["plugin"] == "routes" and "init.lua:19: kaboom" in d["error"]["message"]'
expect_contains "plugin 'routes': route GET /api/routes/boom" err
get /api/health
expect_code 200

test_case "a handler past its time limit is stopped with 503 naming the plugin; the others are answered"
curl -s -m 8 -o forever.json -w '%{http_code}' "${URL}api/routes/forever" >forever.code &
forever=$!
sleep 0.3
t0=$(now_ms)
get /api/people
expect_code 200
ELAPSED_MS=$(($(now_ms) - t0))
expect_within 3500
wait "$forever" || true
verdict "the busy route got 503" "it got $(cat forever.code)" forever.json test "$(cat forever.code)" = 503
expect_json_true forever.json 'd["error"]["plugin"] == "routes" and "time limit of 2 s" in d["error"]["message"] and "--route-time-limit" in d["error"]["message"]'
get /api/health
expect_code 200

test_case "a GET route's answer is kept until the data changes; {cache = false} opts out"
get "/api/routes/kept?q=1"
expect_json_true body 'd == {"q": "1"}'
get "/api/routes/kept?q=1"
expect_json_true body 'd == {"q": "1"}'
get "/api/routes/kept?q=2"
expect_json_true body 'd == {"q": "2"}'
get /api/routes/fresh
get /api/routes/fresh
get /api/routes/calls
expect_json_true body 'd == {"kept": 2, "fresh": 2}'
cat >more.csv <<'CSV'
id,name,role
Z900,Zoe Newcomer,teacher
CSV
baton people import more.csv >/dev/null
sleep 1 # the server notices another process's commit within 300 ms
get "/api/routes/kept?q=1"
expect_json_true body 'd == {"q": "1"}'
get /api/routes/calls
expect_json_true body 'd["kept"] == 3'

test_case "a handler that waits does not hold the others"
curl -s -m 5 -o slow.json "${URL}api/routes/slow" &
slow=$!
sleep 0.2
get /api/health
expect_code 200
verdict "health answered while the slow route waited" "the slow route had already answered" "" not test -s slow.json
wait "$slow"
expect_json_true slow.json 'd == {"slept": True, "version": 1}'

test_case "the plugins and their routes are listed"
get /api/plugins
expect_json_true body 'any(p["name"] == "routes" and p["state"] == "loaded" and {"method": "GET", "path": "/api/routes/hello/:who"} in p["routes"] for p in d)'

test_case "an edited plugin is reloaded and its dashboards are told"
curl -s -N -m 8 "${URL}api/events/stream" >sse &
sse=$!
wait_for_text "event: hello" sse 3000 || true
echo 'return { version = 2 }' >"$PLUGINS/routes/answer.lua"
wait_for_text "reloaded plugin 'routes'" err 3000 || true
expect_contains "reloaded plugin 'routes'" err
get /api/routes/hello/x
expect_json_true body 'd["version"] == 2'
if wait_for_text '"plugin":"routes","error":null' sse 2000; then pass "a plugins event"; else fail "no plugins event" sse; fi

test_case "a broken edit keeps the last good version, with the error shown"
cp "$PLUGINS/routes/init.lua" good_init.lua
bad_line=$(($(wc -l <good_init.lua) + 1))
printf 'local x = = 1\n' >>"$PLUGINS/routes/init.lua"
wait_for_text "failed to reload" err 3000 || true
expect_contains "plugin 'routes' failed to reload; its last good version goes on" err
expect_contains "init.lua:$bad_line:" err
get /api/routes/hello/x
expect_code 200
expect_json_true body 'd["version"] == 2'
get /api/plugins
expect_json_true body 'any(p["name"] == "routes" and "init.lua:'"$bad_line"':" in (p["reload_error"] or "") for p in d)'
if wait_for_text '"plugin":"routes","error":"' sse 2000; then pass "the error reached the event stream"; else fail "no error event" sse; fi
kill "$sse" 2>/dev/null || true
wait "$sse" 2>/dev/null || true

test_case "fixing it reloads it again and clears the error"
: >err
cp good_init.lua "$PLUGINS/routes/init.lua"
wait_for_text "reloaded plugin 'routes'" err 3000 || true
get /api/plugins
expect_json_true body 'any(p["name"] == "routes" and p["reload_error"] is None for p in d)'

test_case "a page added to the manifest while serving is in the navigation after the reload"
: >err
cp "$PLUGINS/routes/plugin.lua" good_manifest.lua
sed -i 's|^  commands = |  pages = { { name = "board", title = "Routes board", data = "/api/routes/hello/page" } },\n  commands = |' \
  "$PLUGINS/routes/plugin.lua"
wait_for_text "reloaded plugin 'routes'" err 3000 || true
expect_contains "reloaded plugin 'routes'" err
get /api/plugins
expect_json_true body '[g["title"] for p in d if p["name"] == "routes" for g in p["pages"]] == ["Routes board"]'

test_case "a page the manifest gets wrong keeps the last good pages, with the error shown"
: >err
sed -i 's|title = "Routes board", ||' "$PLUGINS/routes/plugin.lua"
wait_for_text "failed to reload" err 3000 || true
expect_contains "plugin.lua" err
expect_contains "page 1 has no 'title'" err
get /api/plugins
expect_json_true body '[g["title"] for p in d if p["name"] == "routes" for g in p["pages"]] == ["Routes board"]'
: >err
cp good_manifest.lua "$PLUGINS/routes/plugin.lua"
wait_for_text "reloaded plugin 'routes'" err 3000 || true
get /api/plugins
expect_json_true body '[g for p in d if p["name"] == "routes" for g in p["pages"]] == []'

test_case "a request being answered during an edit finishes with the old code"
rm -f slow.json
curl -s -m 8 -o slow.json "${URL}api/routes/slow" &
slow=$!
sleep 0.2
echo 'return { version = 3 }' >"$PLUGINS/routes/answer.lua"
wait "$slow"
expect_json_true slow.json 'd == {"slept": True, "version": 2}'
wait_for_text "reloaded plugin 'routes'" err 3000 || true
get /api/routes/hello/x
expect_json_true body 'd["version"] == 3'

test_case "a handler stuck inside C restarts the server on the same address and token"
get /api/routes/stuck -m 10
verdict "the stuck request got no answer" "it was answered: $CODE" body test "$CODE" = 000
wait_for_text "restarted (1 in the last minute)" err 5000 || true
expect_contains "plugin 'routes': it did not stop within 2 s of its time limit" err
expect_contains "restarted (1 in the last minute); dashboard at $URL" err
verdict "the restarted server's environment does not hold the token" \
  "/proc/$BG_PID/environ holds the token" "" \
  not grep -qaF "$TOKEN" "/proc/$BG_PID/environ"
get /api/routes/hello/x
expect_code 200
get /api/routes/echo -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{}'
expect_code 201

test_case "the server stops cleanly after reloads, failed handlers and a restart, finishing the answer in progress"
rm -f slow.json
curl -s -m 8 -o slow.json "${URL}api/routes/slow" &
slow=$!
sleep 0.3
interrupt_bg
wait "$slow" || true
expect_json_true slow.json 'd == {"slept": True, "version": 3}'
check_status 0
expect_not_contains "LeakSanitizer" err
expect_not_contains "runtime error" err

test_case "the kudos example posts and reads thanks through its routes"
rm -rf "$PLUGINS"/* && cp -R "$BATON_SOURCE_DIR/examples/kudos" "$PLUGINS/"
serve_start
get /api/kudos/thanks -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"from": "T001", "to": "AP02", "message": "ran the science fair"}'
expect_code 201
expect_json_true body 'd["from"] == "T001" and d["to"] == "AP02" and d["message"] == "ran the science fair"'
get /api/kudos/thanks -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"from": "T001", "to": "NOBODY", "message": "x"}'
expect_code 400
expect_contains "TO 'NOBODY' is not in the staff list" body
get /api/kudos/thanks
expect_code 200
expect_json_true body '[t["to"] for t in d["thanks"]] == ["Leilani Kahale"] and d["roles"] == {"assistant principal": 1}'
get "/api/kudos/thanks?week_of=soon"
expect_code 400
interrupt_bg
check_status 0
expect_status 0 baton kudos digest --json
expect_contains "ran the science fair" out

test_case "routes are made only while init.lua loads"
use_only_plugins routes
expect_status 1 baton routes late
expect_contains "routes are made while init.lua loads" err

test_case "a route outside the plugin's own prefix is refused, naming file and line"
use_only_plugins routes_outside
expect_status 1 baton doctor
expect_contains "init.lua:1: baton.http.route: path '/api/people' must start with /api/stray_routes/" out

test_case "baton.http.route needs the http.route permission"
use_only_plugins routes_noperm
expect_status 1 baton doctor
expect_contains "needs permission 'http.route'" out

test_case "serve starts even when a route plugin fails, and says why"
use_only_plugins routes routes_outside
serve_start
expect_contains "plugin 'stray_routes' failed to load, so its routes are missing" err
get /api/routes/hello/x
expect_code 200
interrupt_bg
check_status 0

test_case "--route-time-limit sets a route's own limit, shorter than --time-limit"
use_only_plugins routes
serve_start --route-time-limit 0.5
t0=$(now_ms)
get /api/routes/forever
ELAPSED_MS=$(($(now_ms) - t0))
expect_code 503
expect_within 2500
expect_contains "time limit of 0.5 s" body
get /api/routes/hello/x
expect_code 200
interrupt_bg
check_status 0

test_case "a route's options are checked, naming file and line"
mkdir -p "$PLUGINS/optroutes"
cat >"$PLUGINS/optroutes/plugin.lua" <<'EOF'
return { name = "optroutes", version = "0.1.0", api = 1, summary = "bad options",
         permissions = { "http.route" } }
EOF
printf 'baton.http.route("GET", "/api/optroutes/x", function() end, { cahce = false })\n' \
  >"$PLUGINS/optroutes/init.lua"
expect_status 1 baton doctor
expect_contains "init.lua:1: baton.http.route: unknown option 'cahce' (did you mean 'cache'?); the options are cache, type" out
printf 'baton.http.route("POST", "/api/optroutes/x", function() end, { cache = true })\n' \
  >"$PLUGINS/optroutes/init.lua"
expect_status 1 baton doctor
expect_contains "cache = true is for GET routes" out
# a type that would inject a header is refused at load
printf 'baton.http.route("GET", "/api/optroutes/x", function() end, { type = "text/calendar\\r\\nX-Evil: 1" })\n' \
  >"$PLUGINS/optroutes/init.lua"
expect_status 1 baton doctor
expect_contains "option type must be a Content-Type" out

test_case "a page answered with baton.http.response is HTML, its query escaped, with the CSP and nosniff"
use_only_plugins pages
serve_start
get "/api/pages/hello?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E%7B%7Brows%7D%7D%22%27%26"
expect_code 200
expect_contains "Content-Type: text/html; charset=utf-8" hdr
expect_contains "X-Page: hello" hdr
expect_contains "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" hdr
expect_contains "X-Content-Type-Options: nosniff" hdr
verdict "one CSP and one nosniff header" "$(grep -ci '^content-security-policy:' hdr) CSP and $(grep -ci '^x-content-type-options:' hdr) nosniff headers" hdr \
  test "$(grep -ci '^content-security-policy:' hdr)$(grep -ci '^x-content-type-options:' hdr)" = 11
expect_contains '<h1>Hello &lt;script&gt;alert(1)&lt;/script&gt;{{rows}}&quot;&#39;&amp;</h1><ul><li>1</li><li>2</li></ul>' body
expect_not_contains "<script>" body

test_case "a kept page is sent again with its type and headers; a 404 response is not kept"
get "/api/pages/hello?name=x"
get "/api/pages/hello?name=x"
expect_contains "Content-Type: text/html; charset=utf-8" hdr
expect_contains "X-Page: hello" hdr
expect_contains "Content-Security-Policy: default-src 'none'" hdr
get /api/pages/missing
expect_code 404
expect_contains "Content-Type: text/plain; charset=utf-8" hdr
get /api/pages/missing
expect_code 404
expect_contains "no such page" body
get /api/pages/calls
expect_json_true body 'd == {"page": 2, "missing": 2}'

test_case "CSV with its own headers; a table body is JSON with the response's status"
get /api/pages/csv
expect_code 200
expect_contains "Content-Type: text/csv; charset=utf-8" hdr
expect_contains 'Content-Disposition: attachment; filename="x.csv"' hdr
expect_contains "a,b" body
get /api/pages/json
expect_code 202
expect_contains "Content-Type: application/json" hdr
expect_json_true body 'd == {"ok": True}'

test_case "a plain table shaped like a response is still sent as JSON, under the host's CSP"
get /api/pages/csp
expect_code 200
expect_contains "Content-Type: application/json" hdr
expect_json_true body 'd == {"status": 200, "headers": {"Content-Security-Policy": "script-src *"}, "body": "x"}'
expect_not_contains "script-src *" hdr

test_case "a response setting the CSP gets 500 naming the plugin, the route's file:line and the header"
get /api/pages/csp-override
expect_code 500
expect_json_true body 'd["error"]["plugin"] == "pages" and "route GET /api/pages/csp-override (" in d["error"]["message"] and "init.lua:31)" in d["error"]["message"] and "content-security-policy'"'"' is written by baton itself" in d["error"]["message"]'
expect_not_contains "script-src *" hdr
expect_contains "plugin 'pages': route GET /api/pages/csp-override" err

test_case "a header value with CR LF from the query is refused: no header is injected"
get "/api/pages/inject?v=a%0D%0ASet-Cookie:%20s%3D1"
expect_code 500
expect_not_contains "Set-Cookie" hdr
expect_contains "response header 'X-Name' holds byte 13" body
get "/api/pages/inject?v=plain"
expect_code 200
expect_contains "X-Name: plain" hdr

test_case "a plain string from a route without a type stays a JSON string, as before (compatibility)"
get /api/pages/html-string
expect_code 200
expect_contains "application/json" hdr
expect_json_true body 'd == "<b>not JSON</b>"'

test_case "a value that cannot be sent is a 500 naming the plugin, route and what"
get /api/pages/bad-body
expect_code 500
expect_contains "body must be a string (sent as it is), a table (sent as JSON) or nil, not a function" body
get /api/pages/two-statuses
expect_code 500
expect_contains "returned a response and a status; put the status in the response" body

test_case "a {type = ...} route still sends a string as its type; a response there defaults to it"
get /api/pages/feed
expect_code 200
expect_contains "Content-Type: text/calendar; charset=utf-8" hdr
expect_contains "BEGIN:VCALENDAR" body
get /api/pages/feed-response
expect_contains "Content-Type: text/calendar; charset=utf-8" hdr
expect_contains "X-Feed: 1" hdr
interrupt_bg
check_status 0

finish
