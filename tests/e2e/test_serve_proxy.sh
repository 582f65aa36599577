#!/usr/bin/env bash
# e2e: `baton serve --trusted-proxy` behind nginx (issue 16, "Behind a
# reverse proxy"). nginx runs as an ordinary user (nobody when the test
# runs as root) from a config in the test's folder, with TLS on a
# certificate made now by openssl, in front of `baton serve --trusted-proxy
# 127.0.0.1 --allow-remote --host-name baton.test`. Every request carries
# the start-up token, so that reads stay open whatever --allow-remote asks
# of someone not signed in. Shows: through nginx the origin check
# uses the Host the browser asked for (X-Forwarded-Host), https is seen as
# TLS, the client's address is the one nginx saw (an X-Forwarded-For the
# client wrote itself is not believed), and the event stream passes through
# at once. Attacks, from a client that connects to baton directly (from
# 127.0.0.2, not a trusted proxy): a forged X-Forwarded-Host does not get a
# page of another origin past the check, nor launder a foreign Host; a
# forged X-Forwarded-Proto does not make a request TLS; a forged
# X-Forwarded-For does not change the client's address.
#
# Needs nginx and openssl (Debian packages; ./bootstrap test installs them):
# without them the test is skipped (exit 77), or fails when CI is set.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
missing=""
[ -x "$NGINX" ] || missing="nginx"
command -v openssl >/dev/null 2>&1 || missing="${missing:+$missing }openssl"
if [ -n "$missing" ]; then
  if [ -n "${CI:-}" ]; then
    echo "proxy test: cannot run, missing: $missing (./bootstrap test installs it)" >&2
    exit 1
  fi
  echo "proxy test: SKIPPED, missing: $missing (apt-get install $missing; in CI this fails)"
  exit 77
fi

NGINX_PID=""
BG_PID=""
trap 'stop_jobs; for p in $NGINX_PID $BG_PID; do kill "$p" 2>/dev/null; done; cd /; rm -rf "$WORK"' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

use_only_plugins routes
baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
serve_start --trusted-proxy 127.0.0.1 --allow-remote --host-name baton.test
BPORT=$(echo "$URL" | sed 's/.*:\([0-9]*\)\/$/\1/')

# ---- nginx in front: TLS on SPORT, plain HTTP on HPORT -----------------------
D=$WORK/nginx
mkdir -p "$D"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=baton.test" \
  -addext "subjectAltName=DNS:baton.test,IP:127.0.0.1" \
  -keyout "$D/key.pem" -out "$D/cert.pem" 2>openssl.err ||
  { fail "openssl could not make a certificate" openssl.err; finish; }
SPORT=$(free_port)
HPORT=$(free_port)
cat >"$D/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $D/nginx.pid;
error_log $D/error.log;
events { worker_connections 64; }
http {
  access_log $D/access.log;
  client_body_temp_path $D/body;
  proxy_temp_path $D/proxy;
  fastcgi_temp_path $D/fastcgi;
  uwsgi_temp_path $D/uwsgi;
  scgi_temp_path $D/scgi;
  server {
    listen 127.0.0.1:$SPORT ssl;
    listen 127.0.0.1:$HPORT;
    ssl_certificate $D/cert.pem;
    ssl_certificate_key $D/key.pem;
    proxy_http_version 1.1;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_set_header X-Forwarded-Host \$http_host;
    location / {
      proxy_pass http://127.0.0.1:$BPORT;
    }
    location = /api/events/stream {
      proxy_pass http://127.0.0.1:$BPORT;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
EOF
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$WORK"
  chown -R nobody "$D"
  as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
fi
$as_user "$NGINX" -p "$D" -c "$D/nginx.conf" -e "$D/error.log" >nginx.out 2>&1 &
NGINX_PID=$!
S="https://baton.test:$SPORT/"
H="http://127.0.0.1:$HPORT/"
TLS=(--cacert "$D/cert.pem" --resolve "baton.test:$SPORT:127.0.0.1")
for _ in $(seq 100); do
  curl -s -o /dev/null "${TLS[@]}" "${S}api/health" && break
  sleep 0.05
done

# via URL PATH [curl options...]: like get, through nginx at URL.
via() {
  local base=$1 path=$2
  shift 2
  CODE=$(curl -s -m 5 -D hdr -o body -w '%{http_code}' "${TLS[@]}" -H "Authorization: Bearer $TOKEN" "$@" "$base${path#/}") || CODE=000
}
# direct PATH [curl options...]: to baton itself, from 127.0.0.2 (not a
# trusted proxy), as an attacker on the network would.
direct() { get "$@" --interface 127.0.0.2 -H "Authorization: Bearer $TOKEN"; }

test_case "nginx is up and passes requests on"
via "$S" /api/health
expect_code 200
[ "$CODE" = 200 ] || { fail "nginx did not start" nginx.out "$D/error.log"; finish; }

test_case "https through the trusted proxy is seen as TLS, plain http is not"
expect_json_true body 'd["tls"] is True'
via "$H" /api/health
expect_code 200
expect_json_true body 'd["tls"] is False'

test_case "the client's address is the one nginx saw, not what the client wrote"
via "$S" /api/health --interface 127.0.0.2 -H "X-Forwarded-For: 203.0.113.9"
expect_code 200
expect_json_true body 'd["client"] == "127.0.0.2"'
via "$S" /api/health --interface 127.0.0.3
expect_json_true body 'd["client"] == "127.0.0.3"'

test_case "through nginx the origin check uses the Host the browser asked for"
via "$S" /api/health -H "Origin: https://baton.test:$SPORT"
expect_code 200
via "$S" /api/routes/echo -X POST -H "Origin: https://baton.test:$SPORT" \
  -H 'Content-Type: application/json' -d '{"a":1}'
expect_code 201
via "$S" /api/health -H "Origin: https://evil.example"
expect_code 403
via "$S" /api/health -H "Host: evil.example:$SPORT"
expect_code 421
expect_contains "evil.example" body

test_case "the event stream passes through nginx at once"
curl -sN -m 8 "${TLS[@]}" -H "Authorization: Bearer $TOKEN" "${S}api/events/stream" >stream.out 2>/dev/null &
STREAM_PID=$!
verdict "hello arrives through nginx" "no hello through nginx" stream.out wait_for_text "event: hello" stream.out 3000
baton users invite T001 >/dev/null # any commit by another process
verdict "a change arrives through nginx" "no change event through nginx within 3 s" stream.out \
  wait_for_text "event: change" stream.out 3000
kill "$STREAM_PID" 2>/dev/null || true
wait "$STREAM_PID" 2>/dev/null || true

test_case "X-Forwarded-For from a trusted peer: the right-most address not a trusted proxy"
# curl from 127.0.0.1 stands for a proxy here: it is the trusted address.
xff() { get /api/health -H "Authorization: Bearer $TOKEN" "$@"; expect_code 200; }
xff -H "X-Forwarded-For: 203.0.113.9, 10.1.1.1"
expect_json_true body 'd["client"] == "10.1.1.1"'
xff -H "X-Forwarded-For: 203.0.113.9, 127.0.0.1"
expect_json_true body 'd["client"] == "203.0.113.9"'
xff -H "X-Forwarded-For: 198.51.100.1" -H "X-Forwarded-For: 203.0.113.9"
expect_json_true body 'd["client"] == "203.0.113.9"'
xff -H "X-Forwarded-For: [2001:db8::1]:443"
expect_json_true body 'd["client"] == "2001:db8::1"'
xff -H "X-Forwarded-For: 203.0.113.9, not-an-address"
expect_json_true body 'd["client"] == "127.0.0.1"'
xff -H "X-Forwarded-Proto: http, https"
expect_json_true body 'd["tls"] is True'
xff -H "X-Forwarded-Proto: httpsx"
expect_json_true body 'd["tls"] is False'

test_case "attack: a direct client's X-Forwarded-For is ignored"
direct /api/health -H "X-Forwarded-For: 203.0.113.9"
expect_code 200
expect_json_true body 'd["client"] == "127.0.0.2"'

test_case "attack: a forged X-Forwarded-Proto does not make a request TLS"
direct /api/health -H "X-Forwarded-Proto: https"
expect_code 200
expect_json_true body 'd["tls"] is False'

test_case "attack: a forged X-Forwarded-Host does not get another origin past the check"
direct /api/health -H "X-Forwarded-Host: baton.test:$SPORT" -H "Origin: https://baton.test:$SPORT"
expect_code 403
direct /api/routes/echo -X POST -H "X-Forwarded-Host: evil.example" -H "Origin: https://evil.example" \
  -H 'Content-Type: application/json' -d '{"a":1}'
expect_code 403

test_case "attack: a forged X-Forwarded-Host does not launder a foreign Host"
direct /api/health -H "Host: evil.example" -H "X-Forwarded-Host: 127.0.0.1:$BPORT"
expect_code 421

test_case "--trusted-proxy takes IP addresses only"
expect_status 2 baton serve --listen 127.0.0.1:0 --trusted-proxy 127.0.0.1
expect_contains "--trusted-proxy needs --allow-remote as well" err
expect_status 2 baton serve --listen 127.0.0.1:0 --allow-remote --trusted-proxy proxy.school.lan
expect_contains "--trusted-proxy expects the proxy's IP address" err
expect_contains "got 'proxy.school.lan'" err
expect_status 2 baton serve --listen 127.0.0.1:0 --allow-remote --trusted-proxy 10.0.0.0/8
expect_contains "not a name or a range" err

interrupt_bg
BG_PID=""
finish
