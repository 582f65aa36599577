#!/usr/bin/env bash
# tests/e2e/test_serve.sh: `baton serve` over loopback: the API, the pages,
# live updates, the write token, limits and a graceful stop.
. "$(dirname "$0")/lib.sh"

baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
baton groups import "$BATON_SOURCE_DIR/samples/groups.csv" >/dev/null

test_case "serve refuses a non-loopback address without --allow-remote"
expect_status 2 baton serve --listen 0.0.0.0:0
expect_contains "--allow-remote" err

test_case "serve prints the URL and a write token"
serve_start
verdict "a loopback URL" "no URL in out" out test -n "$URL"
verdict "a 48-digit token" "no token in out" out test "${#TOKEN}" = 48

test_case "the API serves the store as JSON"
get /api/health
expect_code 200
expect_json_true body 'd["ok"] is True'
get /api/people
expect_code 200
expect_contains "Content-Type: application/json" hdr
expect_json_true body 'len(d) > 10 and all("id" in p and "name" in p for p in d)'
get /api/groups
expect_json_true body 'any(g["name"] == "Maths PLC" and len(g["members"]) == g["size"] for g in d)'
get "/api/events?kind=people.import"
expect_code 200
expect_json body

test_case "practice data comes from the practice commands"
get /api/mentoring/pairs
expect_code 200
expect_json_true body 'isinstance(d, list)'
get /api/change/status
expect_code 200
expect_json body
get /api/rotation/plans
expect_code 200
expect_json_true body 'isinstance(d, dict)'

test_case "answers are gzipped for a client that takes gzip, and are the same JSON"
get /api/people
cp body plain.json
get /api/people -H "Accept-Encoding: gzip, deflate"
expect_code 200
expect_contains "Content-Encoding: gzip" hdr
expect_contains "Vary: Accept-Encoding" hdr
verdict "the gzipped answer is the same JSON" "it differs" body \
  python3 -c 'import gzip, json, sys; assert json.loads(gzip.decompress(open("body", "rb").read())) == json.load(open("plain.json"))'
get /app.js -H "Accept-Encoding: gzip"
expect_contains "Content-Encoding: gzip" hdr
expect_match 'ETag: "[0-9a-f]*-gz"' hdr
get /app.js -H "Accept-Encoding: gzip;q=0"
expect_not_contains "Content-Encoding" hdr

test_case "the pages are in the binary, with cache validators"
get /
expect_code 200
expect_contains "Content-Type: text/html" hdr
expect_contains "<title>baton" body
get /app.js
expect_contains "Content-Type: text/javascript" hdr
etag=$(sed -n 's/^ETag: \(.*\)\r$/\1/p' hdr)
get /app.js -H "If-None-Match: $etag"
expect_code 304
get /style.css
expect_contains "Content-Type: text/css" hdr
get /nope
expect_code 404

test_case "a write needs the token"
get /api/people -X POST
expect_code 401
get /api/people -X DELETE -H "Authorization: Bearer wrong"
expect_code 403
get /api/people -X POST -H "Authorization: Bearer $TOKEN"
expect_code 405

test_case "a bad request gets a 4xx and the server goes on"
python3 - "$URL" >raw <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
for req in [b"NOT HTTP AT ALL\r\n\r\n", b"GET / HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n"]:
    s = socket.create_connection((u.hostname, u.port), timeout=5)
    try:
        s.sendall(req)
    except OSError:
        pass
    print(s.recv(64).split(b"\r\n")[0].decode())
    s.close()
PY
expect_contains "HTTP/1.1 400" raw
expect_contains "HTTP/1.1 431" raw
get /api/health
expect_code 200

test_case "a slow client does not hold the server"
python3 - "$URL" <<'PY' &
import socket, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=5)
s.sendall(b"GET /api/people HTTP/1.1\r\n")
time.sleep(3)
PY
slow=$!
sleep 0.2
t0=$(now_ms)
get /api/people
expect_code 200
ELAPSED_MS=$(($(now_ms) - t0))
expect_within 1000
kill "$slow" 2>/dev/null || true
wait "$slow" 2>/dev/null || true

test_case "a change in another process reaches the event stream"
curl -s -N -m 6 "${URL}api/events/stream" >sse &
sse=$!
wait_for_text "event: hello" sse 3000 || true
cat >more.csv <<'CSV'
id,name,role
Z900,Zoe Newcomer,teacher
CSV
baton people import more.csv >/dev/null
if wait_for_text "event: change" sse 3000; then pass "an event within 3 s"; else fail "no change event" sse; fi
kill "$sse" 2>/dev/null || true
wait "$sse" 2>/dev/null || true
get /api/people
expect_contains "Zoe Newcomer" body

test_case "SIGINT stops the server gracefully with status 0"
interrupt_bg
check_status 0
expect_contains "stopped" err
expect_not_contains "interrupted" err

finish
