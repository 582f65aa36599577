#!/usr/bin/env bash
# bench/serve.sh: `baton serve` under wrk, next to nginx serving the same
# bytes, in the same run.
#
#   bench/serve.sh            (needs a built baton: cmake --build build)
#
# Measures, with wrk on loopback:
#   - a static asset (/app.js) from baton and the same file from nginx
#     (one worker, as baton has one event loop), at CONNS connections:
#     requests/s and p99 latency; target: baton at least 0.7x nginx's rate;
#   - /api/people with 1,000 people (the demo school at --size 1000) at
#     CONNS connections: requests/s and p99; target: p99 under 10 ms. Asked
#     as a browser asks (Accept-Encoding: gzip), and plain; nginx serves the
#     same bytes as a file (gzip_static for the gzipped ones);
#   - who is asking (issue 16): /api/people gzip at CONNS connections,
#     anonymous, with a person's API token (`baton users token`) and with
#     a browser's session cookie (signed in through an invitation's link):
#     requests/s, CPU per request and p99, and what each costs over
#     anonymous; target: no more than 10%, and p99 under 10 ms.
# Each figure is the median of RUNS runs, baton and nginx taken in turn so
# that the machine's noise falls on both. Prints the wrk command behind
# each figure and writes a summary to bench/out/serve/summary.txt.
#
# Settings (environment): SECS (each wrk run, default 10), CONNS (100),
# RUNS (3), THREADS (wrk threads, 1), BATON (the binary).
# wrk and nginx are Debian packages: installed with apt-get when run as
# root, else the script prints the line to run. nginx runs as an ordinary
# user (nobody when started by root) from a config in a temporary folder,
# on 127.0.0.1 only, and is stopped at the end.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$here/build/baton}
secs=${SECS:-10}
conns=${CONNS:-100}
runs=${RUNS:-3}
threads=${THREADS:-1}
people=1000
out=$here/bench/out/serve
[ -x "$baton" ] || { echo "bench/serve.sh: build baton first: cmake -S . -B build && cmake --build build" >&2; exit 2; }

missing=""
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench/serve.sh: installing$missing"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "bench/serve.sh: needs$missing; run: sudo apt-get install -y$missing" >&2
    exit 2
  fi
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for tool in curl python3; do
  command -v $tool >/dev/null || { echo "bench/serve.sh: needs $tool (apt-get install $tool)" >&2; exit 2; }
done

mkdir -p "$out"
tmp=$(mktemp -d /tmp/baton-bench-serve.XXXXXX)
baton_pid=""
nginx_pid=""
cleanup() {
  [ -n "$baton_pid" ] && kill "$baton_pid" 2>/dev/null && wait "$baton_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- baton: the demo school at 1,000 people --------------------------------
"$baton" --db "$tmp/school.db" demo --size "$people" --reset --no-serve >/dev/null
"$baton" --db "$tmp/school.db" serve --listen 127.0.0.1:0 >"$tmp/baton.out" 2>"$tmp/baton.err" &
baton_pid=$!
for _ in $(seq 100); do
  grep -q "dashboard at" "$tmp/baton.out" 2>/dev/null && break
  sleep 0.05
done
url=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' "$tmp/baton.out")
[ -n "$url" ] || { echo "bench/serve.sh: baton serve did not start:" >&2; cat "$tmp/baton.err" >&2; exit 1; }
n=$(curl -sf "${url}api/people" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$n" = "$people" ] || { echo "bench/serve.sh: /api/people has $n people, expected $people" >&2; exit 1; }
# A coordinator's API token, as a script would send it.
who=$(curl -sf "${url}api/people" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
"$baton" --db "$tmp/school.db" users invite "$who" --role coordinator >/dev/null
api_token=$("$baton" --db "$tmp/school.db" users token "$who" --label bench | head -1)
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $api_token" "${url}api/nothing")" = 405 ] ||
  { echo "bench/serve.sh: the API token is not accepted" >&2; exit 1; }
# A browser's session of $who: the invitation's link followed as a browser
# does (links only), the cookie baton_session taken from the answer.
invite_link=$("$baton" --db "$tmp/school.db" --json users invite "$who" --role coordinator --base "${url%/}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["link"])')
session_cookie=$(curl -s -D - -o /dev/null -H "Origin: ${url%/}" \
  --data-raw "token=${invite_link##*token=}&choice=links" "${url}welcome" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: baton_session=\([^;]*\);.*/\1/p')
[ -n "$session_cookie" ] &&
  [ "$(curl -s "${url}api/me" -H "Cookie: baton_session=$session_cookie" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["person"])')" = "$who" ] ||
  { echo "bench/serve.sh: could not sign $who in through the invitation's link" >&2; exit 1; }

# ---- nginx: the same bytes of app.js, one worker, as an ordinary user ------
mkdir -p "$tmp/www" "$tmp/nginx"
curl -sf "${url}app.js" -o "$tmp/www/app.js"
# The API's answer as a file too: what the same bytes cost from nginx.
curl -sf "${url}api/people" -o "$tmp/www/people.json"
curl -sf -H "Accept-Encoding: gzip" "${url}api/people" -o "$tmp/www/people.json.gz"
nport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  types { text/javascript js; application/json json; }
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  sendfile on;
  gzip_static on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 30s;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
    add_header Cache-Control no-cache;
  }
}
EOF
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$tmp"
  chown -R nobody "$tmp/nginx"
  as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
fi
$as_user "$nginx" -p "$tmp/nginx" -c "$tmp/nginx.conf" -e "$tmp/nginx/error.log" &
nginx_pid=$!
nurl="http://127.0.0.1:$nport/"
for _ in $(seq 100); do
  curl -sf -o /dev/null "${nurl}app.js" && break
  sleep 0.05
done
cmp -s "$tmp/www/app.js" <(curl -sf "${nurl}app.js") ||
  { echo "bench/serve.sh: nginx does not serve the same app.js:" >&2; cat "$tmp/nginx/error.log" >&2; exit 1; }

# ---- measuring ------------------------------------------------------------
# measure NAME URL: one wrk run; sets rate (requests/s) and p99 (ms).
# With GZ=1 in its environment, wrk asks as a browser does (gzip).
# With AUTH="Header: value" in its environment, wrk sends that header too.
wrk_cmd() { echo "wrk -t$threads -c$conns -d${secs}s --latency${GZ:+ -H 'Accept-Encoding: gzip'}${AUTH:+ -H '${AUTH%%:*}: ...'} $1"; }
measure() {
  local log="$out/$1.log"
  wrk -t"$threads" -c"$conns" -d"${secs}s" --latency ${GZ:+-H "Accept-Encoding: gzip"} ${AUTH:+-H "$AUTH"} "$2" >"$log" 2>&1
  if grep -q "Non-2xx\|Socket errors" "$log"; then
    echo "bench/serve.sh: errors in $1 ($log):" >&2
    grep "Non-2xx\|Socket errors" "$log" >&2
  fi
  rate=$(awk '/^Requests\/sec:/ {print $2}' "$log")
  p99=$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) m = v / 1000; else if (v ~ /ms$/) m = v + 0; else m = v * 1000; print m}' "$log")
  [ -n "$rate" ] && [ -n "$p99" ] || { echo "bench/serve.sh: no figures from wrk ($log)" >&2; cat "$log" >&2; exit 1; }
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# A short warm-up of each (first connections, page cache, CPU frequency).
SECS_SAVE=$secs; secs=2
measure warmup-baton "${url}app.js"; measure warmup-nginx "${nurl}app.js"
measure warmup-api "${url}api/people"; measure warmup-json "${nurl}people.json"
secs=$SECS_SAVE

echo "bench/serve.sh: $runs runs of ${secs}s each, $conns connections, $(nproc) cores; baton $url, nginx $nurl (1 worker)"
b_rate=() b_p99=() n_rate=() n_p99=() a_rate=() a_p99=() j_rate=() j_p99=() ratio=()
g_rate=() g_p99=() k_rate=() k_p99=()
t_rate=() t_p99=() t_cost=() c_rate=() c_p99=() c_cost=() a_who=()
a_cpu=() t_cpu=() t_ccost=() c_ccost=()
for i in $(seq "$runs"); do
  measure "static-baton-$i" "${url}app.js"; b_rate+=("$rate"); b_p99+=("$p99"); br=$rate
  measure "static-nginx-$i" "${nurl}app.js"; n_rate+=("$rate"); n_p99+=("$p99")
  ratio+=("$(awk -v a="$br" -v b="$rate" 'BEGIN {print a / b}')")
  measure "api-people-$i" "${url}api/people"; a_rate+=("$rate"); a_p99+=("$p99")
  measure "people-nginx-$i" "${nurl}people.json"; j_rate+=("$rate"); j_p99+=("$p99")
  GZ=1 measure "api-people-gzip-$i" "${url}api/people"; g_rate+=("$rate"); g_p99+=("$p99")
  GZ=1 measure "people-nginx-gzip-$i" "${nurl}people.json"; k_rate+=("$rate"); k_p99+=("$p99")
  printf '  run %d: app.js baton %.0f/s (p99 %.2f ms), nginx %.0f/s (p99 %.2f ms); /api/people %.0f/s (p99 %.2f ms), nginx same bytes %.0f/s (p99 %.2f ms)\n' \
    "$i" "${b_rate[-1]}" "${b_p99[-1]}" "${n_rate[-1]}" "${n_p99[-1]}" "${a_rate[-1]}" "${a_p99[-1]}" "${j_rate[-1]}" "${j_p99[-1]}"
done

# Who is asking: the same gzip GET anonymous, with the API token (and with
# a session), back to back, in turn first and last (ABBA) so that drift on
# the machine falls on both. Two costs, in percent over anonymous, per
# run: of the rate (positive: slower), and of baton's CPU time per request
# (nanoseconds on a CPU from /proc/PID/schedstat, over the requests wrk
# made), which other load on the machine disturbs far less than a rate.
cost() { awk -v a="$1" -v b="$2" 'BEGIN {print (a / b - 1) * 100}'; }
cpu_ns() { awk '{print $1}' "/proc/$baton_pid/schedstat"; }
# measure_cpu NAME URL: measure, and cpu = baton's CPU microseconds per request.
measure_cpu() {
  local t0
  t0=$(cpu_ns)
  measure "$1" "$2"
  cpu=$(awk -v d="$(($(cpu_ns) - t0))" -v n="$(awk '/requests in/ {print $1}' "$out/$1.log")" \
    'BEGIN {print d / 1000 / n}')
}
for i in $(seq "$runs"); do
  kinds="anon token${session_cookie:+ session}"
  [ $((i % 2)) = 0 ] && kinds=$(echo "$kinds" | awk '{for (k = NF; k > 0; k--) printf "%s ", $k}')
  for kind in $kinds; do
    case $kind in
      anon) GZ=1 measure_cpu "who-anon-$i" "${url}api/people"; w_rate=$rate; w_cpu=$cpu ;;
      token) GZ=1 AUTH="Authorization: Bearer $api_token" measure_cpu "who-token-$i" "${url}api/people"
        t_rate+=("$rate"); t_p99+=("$p99"); wt_rate=$rate; wt_cpu=$cpu ;;
      session) GZ=1 AUTH="Cookie: baton_session=$session_cookie" measure_cpu "who-session-$i" "${url}api/people"
        c_rate+=("$rate"); c_p99+=("$p99"); wc_rate=$rate; wc_cpu=$cpu ;;
    esac
  done
  a_who+=("$w_rate"); a_cpu+=("$w_cpu"); t_cpu+=("$wt_cpu")
  t_cost+=("$(cost "$w_rate" "$wt_rate")"); t_ccost+=("$(cost "$wt_cpu" "$w_cpu")")
  if [ -n "$session_cookie" ]; then
    c_cost+=("$(cost "$w_rate" "$wc_rate")"); c_ccost+=("$(cost "$wc_cpu" "$w_cpu")")
  fi
  printf '  who %d: /api/people gzip anonymous %.0f/s (%.1f us CPU each), API token %.0f/s (%.1f us): %+.1f%% rate, %+.1f%% CPU\n' \
    "$i" "$w_rate" "$w_cpu" "$wt_rate" "$wt_cpu" "${t_cost[-1]}" "${t_ccost[-1]}"
done

# One request at a time: what a single answer costs when nothing queues.
conns_save=$conns; conns=1
measure "api-people-1conn" "${url}api/people"; one_rate=$rate; one_p99=$p99
measure "people-nginx-1conn" "${nurl}people.json"; one_jrate=$rate; one_jp99=$p99
conns=$conns_save

bs=$(median "${b_rate[@]}"); bp=$(median "${b_p99[@]}")
ns=$(median "${n_rate[@]}"); np=$(median "${n_p99[@]}")
as=$(median "${a_rate[@]}"); ap=$(median "${a_p99[@]}")
js=$(median "${j_rate[@]}"); jp=$(median "${j_p99[@]}")
gs=$(median "${g_rate[@]}"); gp=$(median "${g_p99[@]}")
ks=$(median "${k_rate[@]}"); kp=$(median "${k_p99[@]}")
ws=$(median "${a_who[@]}"); ts=$(median "${t_rate[@]}"); tp=$(median "${t_p99[@]}"); tc=$(median "${t_cost[@]}")
wu=$(median "${a_cpu[@]}"); tu=$(median "${t_cpu[@]}"); tcc=$(median "${t_ccost[@]}")
if [ -n "$session_cookie" ]; then
  cs=$(median "${c_rate[@]}"); cp=$(median "${c_p99[@]}"); cc=$(median "${c_cost[@]}"); ccc=$(median "${c_ccost[@]}")
fi
gz_size=$(wc -c <"$tmp/www/people.json.gz")
r=$(median "${ratio[@]}")
size=$(wc -c <"$tmp/www/app.js")
api_size=$(curl -sf "${url}api/people" | wc -c)
# verdict A OP B: "met" or "MISSED".
verdict() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {ok = op == ">=" ? a >= b : a < b; print ok ? "met" : "MISSED"}'; }
{
  echo "baton serve under wrk, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, median of $runs runs of ${secs}s, $conns connections"
  printf '%-40s %12s %10s\n' "" "requests/s" "p99 ms"
  printf '%-40s %12.0f %10.2f\n' "baton  /app.js ($size bytes)" "$bs" "$bp"
  printf '%-40s %12.0f %10.2f\n' "nginx  /app.js (same bytes, 1 worker)" "$ns" "$np"
  printf '%-40s %12.0f %10.2f\n' "baton  /api/people ($people people, $api_size bytes)" "$as" "$ap"
  printf '%-40s %12.0f %10.2f\n' "nginx  people.json (the same bytes)" "$js" "$jp"
  printf '%-40s %12.0f %10.2f\n' "baton  /api/people gzip ($gz_size bytes)" "$gs" "$gp"
  printf '%-40s %12.0f %10.2f\n' "nginx  people.json.gz (gzip_static)" "$ks" "$kp"
  printf 'static asset, baton / nginx rate: %.2fx (median of per-run ratios; target >= 0.7x: %s)\n' "$r" "$(verdict "$r" ">=" 0.7)"
  printf 'p99 baton / nginx on app.js: %.2fx\n' "$(awk -v a="$bp" -v b="$np" 'BEGIN {print a / b}')"
  printf '/api/people p99 at %d connections: %.2f ms (target < 10 ms: %s); nginx on the same bytes: %.2f ms; rate baton / nginx %.2fx\n' \
    "$conns" "$ap" "$(verdict "$ap" "<" 10)" "$jp" "$(awk -v a="$as" -v b="$js" 'BEGIN {print a / b}')"
  printf '/api/people asked as a browser asks (gzip) at %d connections: p99 %.2f ms (target < 10 ms: %s); nginx on the same bytes: %.2f ms; rate baton / nginx %.2fx\n' \
    "$conns" "$gp" "$(verdict "$gp" "<" 10)" "$kp" "$(awk -v a="$gs" -v b="$ks" 'BEGIN {print a / b}')"
  printf '/api/people at 1 connection: %.0f/s, p99 %.2f ms (nginx on the same bytes: %.0f/s, p99 %.2f ms)\n' \
    "$one_rate" "$one_p99" "$one_jrate" "$one_jp99"
  printf '%-40s %12.0f %10s\n' "baton  /api/people gzip, anonymous (ABBA)" "$ws" ""
  printf '%-40s %12.0f %10.2f\n' "baton  /api/people gzip, API token" "$ts" "$tp"
  printf 'an API token over anonymous on /api/people gzip at %d connections (median of per-run costs, ABBA; target <= 10%%): rate %+.1f%% (%s), CPU per request %+.1f%% (%.1f vs %.1f us: %s); p99 with the token %.2f ms (target < 10 ms: %s)\n' \
    "$conns" "$tc" "$(verdict "$tc" "<" 10.0001)" "$tcc" "$tu" "$wu" "$(verdict "$tcc" "<" 10.0001)" "$tp" "$(verdict "$tp" "<" 10)"
  if [ -n "$session_cookie" ]; then
    printf '%-40s %12.0f %10.2f\n' "baton  /api/people gzip, session cookie" "$cs" "$cp"
    printf 'a session over anonymous: rate %+.1f%% (target <= 10%%: %s), CPU per request %+.1f%% (%s); p99 %.2f ms (target < 10 ms: %s)\n' \
      "$cc" "$(verdict "$cc" "<" 10.0001)" "$ccc" "$(verdict "$ccc" "<" 10.0001)" "$cp" "$(verdict "$cp" "<" 10)"
  else
    echo "a session cookie: not measured (SESSION in bench/serve.sh: sign-in has not landed in this tree)"
  fi
  echo "commands (baton serve --listen 127.0.0.1:0 on the demo school, --size $people; nginx -c <conf> serving the same app.js):"
  echo "  $(wrk_cmd "http://127.0.0.1:BATON_PORT/app.js")"
  echo "  $(wrk_cmd "http://127.0.0.1:NGINX_PORT/app.js")"
  echo "  $(wrk_cmd "http://127.0.0.1:BATON_PORT/api/people")"
  echo "  $(wrk_cmd "http://127.0.0.1:NGINX_PORT/people.json")"
  echo "  $(GZ=1 wrk_cmd "http://127.0.0.1:BATON_PORT/api/people")  (and NGINX_PORT/people.json)"
  echo "  $(GZ=1 AUTH="Authorization: Bearer" wrk_cmd "http://127.0.0.1:BATON_PORT/api/people")  (a token from baton users token)"
  echo "  $(GZ=1 AUTH="Cookie: baton_session=..." wrk_cmd "http://127.0.0.1:BATON_PORT/api/people")  (a session from an invitation's link)"
  echo "  $(conns=1 wrk_cmd "http://127.0.0.1:BATON_PORT/api/people")  (and NGINX_PORT/people.json)"
  echo "reproduce: SECS=$secs CONNS=$conns RUNS=$runs bench/serve.sh  (wrk logs in bench/out/serve/)"
} | tee "$out/summary.txt"
