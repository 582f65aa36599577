#!/usr/bin/env bash
# bench/limits.sh: what a hostile plugin costs a running `baton serve`.
#
#   bench/limits.sh            (needs a built baton, curl and python3)
#
# Starts `baton serve --memory-limit 64 --time-limit 1` on the sample
# school with the fixture plugin tests/fixtures/plugins/sql_routes, whose
# GET routes run a query that never ends, a query that sorts ~700 MB, and
# the same two in Lua. While each attack runs, a second client asks
# /api/people in a loop. Prints, per attack: the answer and its time (time
# to stop), the server's peak RSS, and /api/people's slowest answer during
# the attack next to its slowest when idle (the reference, same run).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$here/build/baton}
[ -x "$baton" ] || { echo "build baton first: ./bootstrap build" >&2; exit 2; }
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "bench/limits.sh needs $tool" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/plugins"
cp -R "$here/tests/fixtures/plugins/sql_routes" "$work/plugins/"
export BATON_DB="$work/school.db"
"$baton" people import "$here/samples/staff.csv" >/dev/null
"$baton" --plugins "$work/plugins" serve --listen 127.0.0.1:0 --memory-limit 64 \
  --time-limit 1 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q "dashboard at" "$work/out" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' "$work/out")

python3 - "$url" "$pid" <<'PY'
import sys, threading, time, urllib.request, urllib.error
url, pid = sys.argv[1], sys.argv[2]

def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

def fetch(path, timeout=30):
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(url + path.lstrip("/"), timeout=timeout) as r:
            code = r.status
            r.read()
    except urllib.error.HTTPError as e:
        code = e.code
    except Exception:
        code = 0
    return code, time.monotonic() - t0

def people_loop(stop, times):
    while not stop.is_set():
        code, t = fetch("/api/people", 10)
        times.append((code, t))

def during(fn):
    stop, times, peak = threading.Event(), [], [rss_kb()]
    th = threading.Thread(target=people_loop, args=(stop, times))
    th.start()
    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kb())
            time.sleep(0.01)
    w = threading.Thread(target=watch)
    w.start()
    result = fn()
    time.sleep(0.2)
    stop.set()
    th.join(); w.join()
    return result, times, peak[0]

_, idle, base_rss = during(lambda: time.sleep(1.0))
idle_worst = max(t for _, t in idle)
print(f"idle: /api/people slowest {idle_worst*1e3:.1f} ms over {len(idle)} answers, RSS {base_rss/1024:.1f} MB")
print(f"{'attack':<24} {'answer':>6} {'stopped after':>14} {'peak RSS':>10} {'people answers':>15} {'slowest':>9} {'ratio to idle':>14}")
for path in ["/api/sql_routes/slow", "/api/sql_routes/memory",
             "/api/sql_routes/lua_slow", "/api/sql_routes/lua_memory"]:
    (code, t), times, peak = during(lambda: fetch(path))
    ok = sum(1 for c, _ in times if c == 200)
    worst = max(x for _, x in times) if times else float("nan")
    print(f"{path.rsplit('/', 1)[1]:<24} {code:>6} {t:>12.2f} s {peak/1024:>7.1f} MB {ok:>7}/{len(times):<7} {worst*1e3:>7.0f} ms {worst/idle_worst:>13.0f}x")
code, _ = fetch("/api/people")
print(f"after the attacks: /api/people answers {code}; server pid {pid} still running")
PY
echo "reproduce: bench/limits.sh"
