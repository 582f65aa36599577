#!/usr/bin/env bash
# tests/e2e/test_origin.sh: `baton serve` answers only its own origin, and
# no client can lock the others out (issue 13): a request for another host
# name (DNS rebinding) gets 421 and no data; a missing or repeated Host 400;
# a page of another origin 403 even with the token; no CORS header lets a
# page elsewhere read an answer; header line ends and names are strict; and
# sockets that sit idle or event streams by the hundred leave room for an
# ordinary request.
. "$(dirname "$0")/lib.sh"

baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
# start [ARGS...]: serve_start, and PORT is the port.
start() {
  serve_start "$@" || return 1
  PORT=${URL##*:}
  PORT=${PORT%/}
}
start

# raw BYTES...: sends each argument (Python bytes literal) on its own
# connection and writes the status line of each answer to ./raw.
raw() {
  python3 - "$PORT" "$@" >raw <<'PY'
import ast, socket, sys
port = int(sys.argv[1])
for lit in sys.argv[2:]:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(ast.literal_eval(lit))
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    print(data.split(b"\r\n")[0].decode() or "(nothing)")
    s.close()
PY
}

test_case "a request for another host name gets 421 and no data (DNS rebinding)"
get /api/people
expect_code 200
expect_contains "Maria Okafor" body
for path in /api/people /api/events /api/groups / /api/events/stream; do
  get "$path" -H 'Host: evil.example'
  expect_code 421
  expect_not_contains "Maria Okafor" body
done
get /api/people -H "Host: evil.example:$PORT"
expect_code 421
expect_json_true body 'd["error"]["status"] == 421 and d["error"]["host"] == "evil.example"'
expect_contains "--host-name evil.example" body
expect_contains "localhost" body

test_case "the server's own names are answered, with or without the port"
for host in "127.0.0.1:$PORT" 127.0.0.1 "localhost:$PORT" LOCALHOST "[::1]:$PORT" "[::1]"; do
  get /api/health -H "Host: $host"
  expect_code 200
done

test_case "a missing, repeated or malformed Host gets 400"
raw 'b"GET /api/people HTTP/1.0\r\n\r\n"' \
  'b"GET /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"' \
  'b"GET /api/people HTTP/1.1\r\nHost: 127.0.0.1:80x\r\n\r\n"' \
  'b"GET /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"'
expect_lines raw "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" "HTTP/1.1 200 OK"

test_case "header line ends and names are strict: bare LF, a space before the colon, a folded line"
raw 'b"GET /api/health HTTP/1.1\nHost: 127.0.0.1\n\n"' \
  'b"GET /api/health HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n"' \
  'b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n folded\r\n\r\n"' \
  'b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\rX-B: 2\r\n\r\n"' \
  'b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"'
expect_lines raw "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" "HTTP/1.1 400 Bad Request" \
  "HTTP/1.1 400 Bad Request" "HTTP/1.1 200 OK"

test_case "a page of another origin gets 403, even with the token"
get /api/people -X POST -H "Authorization: Bearer $TOKEN" -H 'Origin: http://evil.example'
expect_code 403
expect_contains "another origin" body
get /api/people -X POST -H "Authorization: Bearer $TOKEN" -H "Origin: http://localhost:$PORT"
expect_code 403
get /api/people -X DELETE -H "Authorization: Bearer $TOKEN" -H 'Origin: null'
expect_code 403
get /api/events/stream -H 'Origin: http://evil.example'
expect_code 403
get /api/people -X POST -H "Authorization: Bearer $TOKEN" -H "Origin: http://127.0.0.1:$PORT"
expect_code 405 # past the origin check: /api/people takes no writes
get /api/people -H "Origin: http://127.0.0.1:$PORT"
expect_code 200

test_case "no answer lets a page elsewhere read it (no Access-Control-Allow-Origin)"
get /api/people -H 'Origin: http://evil.example'
expect_not_contains "Access-Control-Allow" hdr
get /api/people -H "Origin: http://127.0.0.1:$PORT"
expect_not_contains "Access-Control-Allow" hdr
curl -s -m 1 -D hdr -o /dev/null -H "Origin: http://127.0.0.1:$PORT" "${URL}api/events/stream" || true
expect_contains "text/event-stream" hdr
expect_not_contains "Access-Control-Allow" hdr

test_case "idle sockets and event streams by the hundred leave room for an ordinary request"
python3 - "$PORT" >flood 2>flood.err <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
streams, seen = [], {}
req = b"GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
# 40 client addresses (all of 127/8 is this computer), 8 streams each
# allowed, so that the pool's share for streams is what is tested too.
for i in range(320):
    s = socket.socket()
    s.bind(("127.0.0.%d" % (2 + i % 40), 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    s.sendall(req)
    streams.append(s)
for s in streams:
    try:
        line = s.recv(256).split(b"\r\n")[0].decode()
    except OSError as e:
        line = "error " + str(e)
    seen[line] = seen.get(line, 0) + 1
for line, n in sorted(seen.items()):
    print("%d %s" % (n, line))
# Under pressure a socket that sends nothing is closed within seconds.
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(15)
t0 = time.time()
try:
    s.recv(1)
except OSError:
    pass
print("idle socket closed after %.1f s" % (time.time() - t0))
print("ready", flush=True)
time.sleep(8)
PY
flood=$!
wait_for_text ready flood 30000 || true
t0=$(now_ms)
get /api/people
ELAPSED_MS=$(($(now_ms) - t0))
expect_code 200
expect_within 2000
expect_contains "Maria Okafor" body
expect_match "^192 HTTP/1.1 200 OK" flood
expect_match "^[0-9]+ HTTP/1.1 503 Service Unavailable" flood
expect_match "idle socket closed after [0-3]\." flood
kill "$flood" 2>/dev/null || true
wait "$flood" 2>/dev/null || true

test_case "one client gets at most 8 event streams, then 429"
# streams N: opens N event streams from one address; status lines in ./streams.
streams() {
  python3 - "$PORT" "$1" >streams <<'PY'
import socket, sys
port = int(sys.argv[1])
socks, lines = [], []
for i in range(int(sys.argv[2])):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    socks.append(s)
    data = s.recv(4096)
    lines.append(data.split(b"\r\n")[0].decode())
    if "429" in lines[-1]:
        print(data.split(b"\r\n\r\n", 1)[1].decode())
print("\n".join(lines))
PY
}
streams 10
expect_match "^HTTP/1.1 429 Too Many Requests" streams
verdict "8 streams were let in" "not 8: $(grep -c '200 OK' streams)" streams test "$(grep -c '200 OK' streams)" = 8
expect_contains "already has 8 event streams open" streams

test_case "SIGINT still stops the server with status 0"
interrupt_bg
check_status 0

test_case "--streams-per-client sets the cap; 0 lifts it (a proxy in front)"
start --streams-per-client 2
streams 3
verdict "2 streams were let in" "not 2: $(grep -c '200 OK' streams)" streams test "$(grep -c '200 OK' streams)" = 2
expect_contains "already has 2 event streams open" streams
interrupt_bg
check_status 0
start --streams-per-client 0
streams 12
verdict "12 streams were let in" "not 12: $(grep -c '200 OK' streams)" streams test "$(grep -c '200 OK' streams)" = 12
interrupt_bg
check_status 0

test_case "--host-name admits that name, and is checked"
start --host-name baton.school.lan --host-name Other.Lan
get /api/people -H 'Host: baton.school.lan'
expect_code 200
get /api/people -H "Host: BATON.SCHOOL.LAN:$PORT"
expect_code 200
get /api/health -H 'Host: other.lan'
expect_code 200
get /api/people -H 'Host: evil.example'
expect_code 421
expect_contains "baton.school.lan, Other.Lan" body
get /api/people -X POST -H "Authorization: Bearer $TOKEN" -H 'Host: baton.school.lan' \
  -H 'Origin: https://baton.school.lan'
expect_code 405 # an https page of that name (a proxy in front) is the server's own
interrupt_bg
check_status 0
expect_status 2 baton serve --listen 127.0.0.1:0 --host-name 'evil.example:80'
expect_contains "--host-name expects a host name" err
expect_status 0 baton serve --help
expect_contains "--host-name NAME" out
expect_contains "--route-time-limit SECONDS" out
expect_contains "--streams-per-client N" out

finish
