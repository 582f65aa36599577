#!/usr/bin/env bash
# bench/events_api.sh: GET /api/events?limit=500 over a log of 100,000
# events, three requests, the time of each. BATON=/path/to/old/baton
# compares another build on the same log.
#
#   bench/events_api.sh             (needs a built baton and curl)
#   N=200000 bench/events_api.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$here/build/baton}
n=${N:-100000}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
export BATON_DB=$work/baton.db
cat >gen.lua <<LUA
baton.store.transaction(function()
  for i = 1, $n do baton.events.log{kind = "bench.e", data = {i = i}} end
end)
LUA
"$here/build/baton" run gen.lua
"$baton" serve --listen 127.0.0.1:0 >out 2>err &
pid=$!
for _ in $(seq 100); do grep -q "dashboard at" out 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/.*dashboard at \(http[^ ]*\).*/\1/p' out)
for i in 1 2 3; do
  curl -s -o /dev/null -w "GET /api/events?limit=500 over $n events: %{time_total} s\n" \
    "${url}api/events?limit=500"
done
echo "reproduce: N=$n BATON=$baton bench/events_api.sh"
