#!/usr/bin/env bash
# The worked example of docs/practices/inquiry.md, run as the guide prints
# it on the demo school: each "$ baton ..." line of the example, and the
# lines the guide shows it printing, in order ("..." lines skipped).
. "$(dirname "$0")/lib.sh"

test_case "the worked example of docs/practices/inquiry.md is what baton prints"
GUIDE="$BATON_SOURCE_DIR/docs/practices/inquiry.md"
mkdir "$WORK/guide" && cd "$WORK/guide"
printf 'student,before,after\nS01,31,44\nS02,28,39\nS03,35,35\nS04,22,37\n' >unit-scores.csv
# each "$ baton ..." line of the worked example, and the lines it prints
python3 - "$GUIDE" <<'PY'
import sys
text = open(sys.argv[1]).read()
text = text[text.index("## A worked example"):text.index("## Leadership and expertise")]
steps, inside = [], False
for line in text.splitlines():
    if line.startswith("```"):
        inside = not inside
        continue
    if not inside:
        continue
    if line.startswith("$ baton "):
        steps.append([line[2:], []])
    elif steps and line.strip() != "...":
        steps[-1][1].append(line.rstrip())
for i, (cmd, want) in enumerate(steps):
    open("cmd%02d" % i, "w").write(cmd + "\n")
    open("want%02d" % i, "w").write("".join(l + "\n" for l in want))
PY
for c in cmd*; do
  n=${c#cmd}
  line=$(cat "$c")
  # the demo makes baton-demo.db here; every later command works in it
  TIMEOUT=90 BATON_DB="$WORK/guide/baton-demo.db" eval "run ${line/#baton /baton }"
  cat out err >got
  if python3 - "want$n" got <<'PY'
import sys
want = [l.rstrip() for l in open(sys.argv[1])]
got = [l.rstrip() for l in open(sys.argv[2])]
i = 0
for l in got:
    if i < len(want) and l == want[i]:
        i += 1
sys.exit(0 if i == len(want) else 1)
PY
  then pass "the guide's '$line' prints what the guide shows"
  else fail "the guide's '$line' differs from what it prints" "want$n" got
  fi
done
verdict "the guide has its 13 commands" "the guide's commands were not found" "" test -e cmd12
cd "$WORK"

finish
