#!/usr/bin/env bash
# bench/district.sh: a district on PostgreSQL (issue 21), with the same
# figures for SQLite in the same run as the reference.
#
#   bench/district.sh            (needs a built baton: cmake --build build)
#
# A throwaway PostgreSQL (tests/pg/cluster.sh: Debian's postgresql, as an
# unprivileged user, in a temporary folder, stopped at the end) holds a
# district of SCHOOLS schools and PEOPLE people (default 40 and 6,000).
# Measured, each the best (import, match) or median (wrk) of RUNS runs:
#   1. import: `baton people import` of the district's staff CSV into
#      PostgreSQL, against psql's `\copy` of the same file into a plain
#      table of the same columns (no checks: the floor), and the same
#      import into SQLite;
#   2. a cross-school mentoring match, 3,000 mentees x 5,000 mentors (as
#      bench/mentor.sh, each person in one of the schools), end to end
#      through `baton mentor match`, on PostgreSQL and on SQLite; target:
#      under 2 s;
#   3. three `baton serve` instances on the PostgreSQL district behind
#      nginx (round robin), /api/people asked as a browser asks (gzip) by
#      wrk at CONNS connections: requests/s and p99; target: p99 under
#      20 ms; and one instance on the SQLite file, behind the same nginx
#      setup; and, as the floor on this machine, the same gzipped bytes
#      served by an nginx of the same setup from a file (no baton): the
#      ratio baton p99 / floor p99 is the figure that travels between
#      machines. Since baton is measured behind a proxy, the floor is that
#      nginx behind an nginx set up alike (proxy plus upstream, baton's
#      work taken out); the single nginx is printed too ("one hop"). Then
#      the same with a school coordinator's API token: the answer is their
#      school's people only (what a school's page asks), against the same
#      floors serving that answer's bytes;
#   4. a change made through one instance (a thank-you posted to
#      /api/run/thanks/post with an API token) until the `change`
#      event arrives on the other two instances' event streams (LISTEN/
#      NOTIFY), SAMPLES times: p50, p99, max; target: under 1 s.
# Prints each figure with the command behind it, and writes a summary to
# bench/out/district/summary.txt.
#
# Settings (environment): SCHOOLS (40), PEOPLE (6000), RUNS (3), SECS
# (each wrk run, 10), CONNS (100), SAMPLES (30), BATON (the binary).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$here/build/baton}
schools=${SCHOOLS:-40}
people=${PEOPLE:-6000}
runs=${RUNS:-3}
secs=${SECS:-10}
conns=${CONNS:-100}
samples=${SAMPLES:-30}
out=$here/bench/out/district
[ -x "$baton" ] || { echo "bench/district.sh: build baton first: cmake -S . -B build && cmake --build build" >&2; exit 2; }
for tool in wrk psql curl python3; do
  command -v $tool >/dev/null 2>&1 ||
    { echo "bench/district.sh: needs $tool (apt-get install wrk postgresql curl python3)" >&2; exit 2; }
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "bench/district.sh: needs nginx (apt-get install nginx)" >&2; exit 2; }

mkdir -p "$out"
tmp=$(mktemp -d /tmp/baton-bench-district.XXXXXX)
chmod 755 "$tmp" # the server runs as nobody when this runs as root
pids=""
cleanup() {
  # the servers' pids are in a file: start_serve runs in $(...), whose
  # changes to $pids were lost (every run left its four servers running)
  [ -f "$tmp/serve.pids" ] && pids="$pids $(cat "$tmp/serve.pids")"
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  for p in $pids; do # not our children (started in a subshell): poll
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  "$here/tests/pg/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
summary=$out/summary.txt
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }
# best CMD...: the best wall time of RUNS runs, in seconds (3 decimals).
best() {
  local b="" t0 t1 t
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    t=$(((t1 - t0) / 1000000))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  printf '%d.%03d' $((b / 1000)) $((b % 1000))
}

# ---- the server and the district --------------------------------------------
admin=$("$here/tests/pg/cluster.sh" start "$tmp/pg")
newdb() { BATON_TEST_PG=$admin "$here/tests/pg/newdb.sh"; }
staff=$tmp/district.csv
awk -v n="$people" -v k="$schools" 'BEGIN {
  srand(21);
  ns = split("Mathematics English Science History Art Music PE French Spanish Computing Geography Drama", subj, " ");
  nl = split("English Spanish Mandarin Arabic Vietnamese", lang, " ");
  nr = split("teacher teacher teacher aide counsellor", role, " ");
  print "id,name,email,role,department,campus,subjects,grades,languages,start_date,manager_id,school";
  for (i = 0; i < n; i++) {
    s = i % k;
    s1 = subj[int(rand() * ns) + 1]; s2 = subj[int(rand() * ns) + 1];
    g = int(rand() * 13);
    # the first person of each school leads it; the others report to them
    mgr = i < k ? "" : sprintf("P%05d", s);
    printf "P%05d,Person %d,p%d@district.example,%s,%s,School %02d,%s;%s,%d;%d,%s,20%02d-09-01,%s,school-%02d\n",
      i, i, i, role[int(rand() * nr) + 1], s1, s, s1, s2, g, (g + 1) % 13,
      lang[int(rand() * nl) + 1], 5 + int(rand() * 20), mgr, s;
  }
}' >"$staff"

say "bench/district.sh: $schools schools, $people people; PostgreSQL $(psql --version | awk '{print $3}'), SQLite $(sqlite3 --version 2>/dev/null | awk '{print $1}')"
say ""

# ---- 1. import -----------------------------------------------------------------
pgdb=$(newdb)
import_pg() {
  PGOPTIONS="-c client_min_messages=warning" psql -q "$pgdb" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
  "$baton" --db "$pgdb" people import "$staff"
}
copy_ref() {
  PGOPTIONS="-c client_min_messages=warning" psql -q "$pgdb" -c "DROP TABLE IF EXISTS ref_people; CREATE TABLE ref_people (id text, name text, email text, role text, department text, campus text, subjects text, grades text, languages text, start_date text, manager_id text, school text)" >/dev/null
  psql -q "$pgdb" -c "\\copy ref_people FROM '$staff' WITH (FORMAT csv, HEADER true)"
}
import_lite() {
  rm -f "$tmp/lite.db" "$tmp/lite.db-wal" "$tmp/lite.db-shm"
  "$baton" --db "$tmp/lite.db" people import "$staff"
}
t_pg=$(best import_pg)
t_ref=$(best copy_ref)
t_lite=$(best import_lite)
say "1. import of $people people (best of $runs)"
say "   PostgreSQL  baton people import   $t_pg s   ($baton --db URL people import $staff)"
say "   PostgreSQL  psql \\copy (floor)    $t_ref s   (psql URL -c \"\\copy ref_people FROM '$staff' CSV HEADER\")"
say "   SQLite      baton people import   $t_lite s"
say "   ratio baton/\\copy on PostgreSQL: $(python3 -c "print(f'{$t_pg / $t_ref:.2f}')")"
say ""

# ---- 2. a cross-school match, 3,000 x 5,000 --------------------------------
matchcsv=$tmp/match.csv
groups=$tmp/match-groups.csv
awk -v k="$schools" -v staff="$matchcsv" -v groups="$groups" 'BEGIN {
  srand(7);
  ns = split("Mathematics English Science History Art Music PE French Spanish Computing Geography Drama", subj, " ");
  nl = split("English Spanish Mandarin Arabic Vietnamese", lang, " ");
  print "id,name,role,department,campus,subjects,grades,languages,start_date,school" > staff;
  print "group,kind,person_id,role_in_group" > groups;
  for (i = 0; i < 8000; i++) {
    id = sprintf("%s%05d", i < 3000 ? "N" : "M", i < 3000 ? i : i - 3000);
    s1 = subj[int(rand() * ns) + 1]; s2 = subj[int(rand() * ns) + 1];
    g = int(rand() * 13);
    printf "%s,Person %d,teacher,%s,School %02d,%s;%s,%d;%d,%s,20%02d-09-01,school-%02d\n",
      id, i, s1, i % k, s1, s2, g, (g + 1) % 13, lang[int(rand() * nl) + 1], i < 3000 ? 24 : 5 + int(rand() * 15), i % k > staff;
    printf "%s,cohort,%s,\n", i < 3000 ? "New Staff" : "Mentors", id > groups;
  }
}'
pgmatch=$(newdb)
for db in "$pgmatch" "$tmp/match.db"; do
  "$baton" --db "$db" people import "$matchcsv" >/dev/null
  "$baton" --db "$db" groups import "$groups" >/dev/null
done
match() { "$baton" --db "$1" mentor match --mentees "New Staff" --mentors "Mentors" --capacity 1; }
t_mpg=$(best match "$pgmatch")
t_mlite=$(best match "$tmp/match.db")
say "2. mentoring match, 3,000 mentees x 5,000 mentors across $schools schools (best of $runs; target under 2 s)"
say "   PostgreSQL  $t_mpg s   ($baton --db URL mentor match --mentees 'New Staff' --mentors Mentors --capacity 1)"
say "   SQLite      $t_mlite s"
say ""

# ---- 3. three instances behind nginx -----------------------------------------
"$baton" --db "$pgdb" people list >/dev/null # migrated, imported above
start_serve() { # DB -> prints the URL; the pid goes to $tmp/serve.pids
  local log=$tmp/serve.$RANDOM
  "$baton" --db "$1" serve --listen 127.0.0.1:0 >"$log.out" 2>"$log.err" &
  echo "$!" >>"$tmp/serve.pids"
  for _ in $(seq 200); do
    grep -q "dashboard at" "$log.out" 2>/dev/null && break
    sleep 0.05
  done
  sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' "$log.out"
}
u1=$(start_serve "$pgdb")
u2=$(start_serve "$pgdb")
u3=$(start_serve "$pgdb")
ul=$(start_serve "$tmp/lite.db")
for u in $u1 $u2 $u3 $ul; do
  [ -n "$u" ] || { echo "bench/district.sh: a baton serve did not start" >&2; cat "$tmp"/serve.*.err >&2; exit 1; }
done
hostport() { echo "$1" | sed 's#http://\([^/]*\)/.*#\1#'; }
nginx_conf() { # PORT UPSTREAM... -> a config file path; no UPSTREAM: the
  # file $tmp/static/api/people (gzip bytes) as the answer of /api/people
  local port=$1 conf=$tmp/nginx-$1.conf
  shift
  mkdir -p "$tmp/nginx-$port"
  {
    echo "worker_processes 1; daemon off; pid $tmp/nginx-$port/pid; error_log $tmp/nginx-$port/error.log;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; client_body_temp_path $tmp/nginx-$port/body; proxy_temp_path $tmp/nginx-$port/proxy;"
    echo "  fastcgi_temp_path $tmp/nginx-$port/f; uwsgi_temp_path $tmp/nginx-$port/u; scgi_temp_path $tmp/nginx-$port/s;"
    if [ "$#" -eq 0 ]; then
      echo "  server { listen 127.0.0.1:$port; root $tmp/static; default_type application/json;"
      echo "    location / { add_header Content-Encoding gzip; } } }"
    else
      printf '  upstream baton {'
      for u in "$@"; do printf ' server %s;' "$(hostport "$u")"; done
      echo ' keepalive 64; }'
      echo "  server { listen 127.0.0.1:$port; location / { proxy_pass http://baton; proxy_http_version 1.1;"
      echo "    proxy_set_header Connection \"\"; proxy_set_header Host \$http_host; } } }"
    fi
  } >"$conf"
  echo "$conf"
}
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$tmp"
  as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_nginx() { # PORT UPSTREAM...
  local port=$1 conf
  conf=$(nginx_conf "$@")
  [ -n "$as_user" ] && chown -R nobody "$tmp/nginx-$port"
  $as_user "$nginx" -p "$tmp/nginx-$port" -c "$conf" -e "$tmp/nginx-$port/error.log" 2>/dev/null &
  pids="$pids $!"
  local probe=${PROBE:-/api/health}
  [ "$#" -eq 1 ] && probe=/api/people
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port$probe" && return 0
    sleep 0.05
  done
  echo "bench/district.sh: nginx on $port did not start" >&2
  cat "$tmp/nginx-$port/error.log" >&2
  exit 1
}
p3=$(free_port)
start_nginx "$p3" "$u1" "$u2" "$u3"
p1=$(free_port)
start_nginx "$p1" "$ul"
# wrk's p99 and requests/s of one run, in "p99_ms rps"; URL [HEADER].
wrk_run() {
  wrk -t1 -c"$conns" -d"${secs}s" --latency -H "Accept-Encoding: gzip" ${2:+-H "$2"} "$1" 2>/dev/null |
    python3 -c '
import re, sys
t = sys.stdin.read()
p = re.search(r"99%\s+([\d.]+)(us|ms|s)", t)
v = float(p.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p.group(2)]
r = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
print(f"{v:.2f} {float(r):.0f}")'
}
median_wrk() {
  local i
  for i in $(seq "$runs"); do wrk_run "$@"; done | sort -n | sed -n "$(((runs + 1) / 2))p"
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$1" "$2"; }
n=$(curl -sf "http://127.0.0.1:$p3/api/people" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$n" = "$people" ] || { echo "bench/district.sh: /api/people through nginx has $n people, expected $people" >&2; exit 1; }
# the floor: the same gzipped answer, from a file, by an nginx set up alike
mkdir -p "$tmp/static/api"
curl -sf -H "Accept-Encoding: gzip" -o "$tmp/static/api/people" "http://127.0.0.1:$p3/api/people"
p0=$(free_port)
start_nginx "$p0"
# the floor of the setup baton is measured in: an nginx in front of that
# one (a proxy and the process behind it, as nginx in front of baton)
pf=$(free_port)
PROBE=/api/people start_nginx "$pf" "http://127.0.0.1:$p0/"
# a school coordinator (P00000, of school-00) with an API token
who=P00000
"$baton" --db "$pgdb" users invite "$who" --role coordinator >/dev/null
token=$("$baton" --db "$pgdb" users token "$who" --label bench | head -1)
"$baton" --db "$tmp/lite.db" users invite "$who" --role coordinator >/dev/null
ltoken=$("$baton" --db "$tmp/lite.db" users token "$who" --label bench | head -1)
mine=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$p3/api/people" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$mine" -gt 0 ] && [ "$mine" -lt "$people" ] ||
  { echo "bench/district.sh: a coordinator's /api/people has $mine people, expected their school's" >&2; exit 1; }
# the school's gzipped answer as a file too, for its floors
curl -sf -H "Accept-Encoding: gzip" -H "Authorization: Bearer $token" -o "$tmp/static/api/school" "http://127.0.0.1:$p3/api/people"
# baton's p99 and, in turn, each floor's: the machine's noise falls on all
read -r pg_p99 pg_rps <<<"$(median_wrk "http://127.0.0.1:$p3/api/people")"
read -r pf_p99 pf_rps <<<"$(median_wrk "http://127.0.0.1:$pf/api/people")"
read -r lite_p99 lite_rps <<<"$(median_wrk "http://127.0.0.1:$p1/api/people")"
read -r st_p99 st_rps <<<"$(median_wrk "http://127.0.0.1:$p0/api/people")"
read -r pgs_p99 pgs_rps <<<"$(median_wrk "http://127.0.0.1:$p3/api/people" "Authorization: Bearer $token")"
read -r pfs_p99 pfs_rps <<<"$(median_wrk "http://127.0.0.1:$pf/api/school")"
read -r lites_p99 lites_rps <<<"$(median_wrk "http://127.0.0.1:$p1/api/people" "Authorization: Bearer $ltoken")"
read -r sts_p99 sts_rps <<<"$(median_wrk "http://127.0.0.1:$p0/api/school")"
say "3. /api/people (gzip) behind nginx, $conns connections, ${secs} s (median of $runs; target p99 under 20 ms)"
say "   (x the floor: baton's p99 over that of nginx in front of an nginx serving the same bytes from a file,"
say "   the same setup with baton's work taken out; x one hop: over that of the nginx serving the file, asked directly)"
say "   the whole district ($people people, $(wc -c <"$tmp/static/api/people") bytes gzipped):"
say "   PostgreSQL, 3 instances  p99 $pg_p99 ms  $pg_rps req/s  ($(ratio "$pg_p99" "$pf_p99") x the floor, $(ratio "$pg_p99" "$st_p99") x one hop)   (wrk -t1 -c$conns -d${secs}s --latency -H 'Accept-Encoding: gzip' http://127.0.0.1:PORT/api/people)"
say "   SQLite, 1 instance       p99 $lite_p99 ms  $lite_rps req/s  ($(ratio "$lite_p99" "$pf_p99") x the floor, $(ratio "$lite_p99" "$st_p99") x one hop)"
say "   floor: nginx in front of an nginx serving the file  p99 $pf_p99 ms  $pf_rps req/s"
say "   one hop: the nginx serving the file                 p99 $st_p99 ms  $st_rps req/s"
say "   one school, as its coordinator sees it ($mine people, $(wc -c <"$tmp/static/api/school") bytes gzipped; -H 'Authorization: Bearer TOKEN'):"
say "   PostgreSQL, 3 instances  p99 $pgs_p99 ms  $pgs_rps req/s  ($(ratio "$pgs_p99" "$pfs_p99") x the floor, $(ratio "$pgs_p99" "$sts_p99") x one hop)"
say "   SQLite, 1 instance       p99 $lites_p99 ms  $lites_rps req/s  ($(ratio "$lites_p99" "$pfs_p99") x the floor, $(ratio "$lites_p99" "$sts_p99") x one hop)"
say "   floor: nginx in front of an nginx serving the file  p99 $pfs_p99 ms  $pfs_rps req/s"
say "   one hop: the nginx serving the file                 p99 $sts_p99 ms  $sts_rps req/s"
say ""

# ---- 4. a change in one instance, heard in the others ------------------------
U1=$u1 U2=$u2 U3=$u3 TOKEN=$token N=$samples python3 - <<'PY' | tee -a "$summary"
import json, os, queue, threading, time, urllib.request
u1, u2, u3, token, n = os.environ["U1"], os.environ["U2"], os.environ["U3"], os.environ["TOKEN"], int(os.environ["N"])
heard = {u2: queue.Queue(), u3: queue.Queue()}
def listen(u):
    with urllib.request.urlopen(u + "api/events/stream") as r:
        for raw in r:
            if raw.startswith(b"event: change"):
                heard[u].put(time.monotonic())
for u in heard:
    threading.Thread(target=listen, args=(u,), daemon=True).start()
time.sleep(0.5)
lat = []
for i in range(n):
    for q in heard.values():
        while not q.empty():
            q.get()
    # P00040 is of P00000's school (school-00): a coordinator acts in their own school
    body = json.dumps({"args": {"from": "P00000", "to": "P00040", "message": f"thank you ({i})"}}).encode()
    req = urllib.request.Request(u1 + "api/run/thanks/post", data=body, method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    t0 = time.monotonic()
    with urllib.request.urlopen(req) as r:
        r.read()
    for q in heard.values():
        lat.append((q.get(timeout=5) - t0) * 1000)
    time.sleep(0.05)
lat.sort()
pick = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"4. a thank-you posted to instance 1 until `change` on instances 2 and 3 ({n} samples x 2; target under 1 s)")
print(f"   p50 {pick(0.5):.1f} ms  p99 {pick(0.99):.1f} ms  max {lat[-1]:.1f} ms")
PY
say ""
say "reproduce: bench/district.sh   (SCHOOLS=$schools PEOPLE=$people RUNS=$runs SECS=$secs CONNS=$conns SAMPLES=$samples)"
