#!/usr/bin/env bash
# bench/startup.sh: how long baton takes to start, as a ratio to a bare Lua
# interpreter measured in the same run (machines here are shared and noisy:
# the ratio is the figure, not the seconds).
#
#   bench/startup.sh            (needs a built baton and hyperfine)
#
# Measures `baton --help` and `baton plugins` with the bundled plugins
# against `lua5.4 -e ''`. Target: at most 5x bare Lua start-up.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$here/build/baton}
[ -x "$baton" ] || { echo "build baton first: ./bootstrap build" >&2; exit 2; }
for tool in hyperfine lua5.4 python3; do
  command -v "$tool" >/dev/null || {
    echo "bench/startup.sh needs $tool: apt-get install hyperfine lua5.4 python3" >&2
    exit 2
  }
done
out=$here/bench/out
mkdir -p "$out"
cd "$here"
hyperfine --warmup 20 --runs "${RUNS:-300}" -N --export-json "$out/startup.json" \
  "lua5.4 -e ''" "$baton --help" "$baton plugins" >/dev/null
python3 - "$out/startup.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ref = r["lua5.4 -e ''"]
print(f"{'command':<28} {'median':>9} {'mean':>9}   ratio to bare Lua (median)")
for cmd, x in r.items():
    name = cmd.replace(sys.argv[1].rsplit('/bench/', 1)[0] + '/', '')
    print(f"{name:<28} {x['median']*1e3:8.2f}ms {x['mean']*1e3:8.2f}ms   {x['median']/ref['median']:5.2f}x")
worst = max(x["median"] / ref["median"] for c, x in r.items() if c != "lua5.4 -e ''")
print(f"worst ratio {worst:.2f}x (target: at most 5x)")
PY
echo "reproduce: bench/startup.sh"
