#!/bin/sh
# A rota role that needs an expertise tag (issue 20: "rota roles can
# require it"), through the real binary on the sample school: the need
# read from the expertise map at any level or a minimum one, `rota why`
# saying what the need asks, a need nobody meets, and a rota that cannot
# check the need (the expertise plugin absent, failing, or answering
# garbage) refusing with what to do rather than passing.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"

export BATON_TODAY=2026-08-20
TERM_ARGS="--from 2026-09-01 --to 2026-09-30 --min-gap 0"

# the facilitators of the plan in ./out (--json), sorted, one line
facilitators() {
  python3 -c 'import json,sys; d=json.load(open("out")); print(" ".join(sorted({m["assignments"].get("facilitator") or "-" for m in d["meetings"]})))'
}

test_case "the sample school; two Maths PLC members hold formative assessment, one endorsed"
expect_status 0 baton people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_status 0 baton groups import "$BATON_SOURCE_DIR/samples/groups.csv"
expect_status 0 baton expertise declare T006 AfL
expect_status 0 baton expertise endorse T006 "formative assessment" --by T001
expect_status 0 baton expertise declare T011 "formative assessment"

test_case "any level counts: the facilitator is one of the two holders, every meeting"
# shellcheck disable=SC2086
expect_status 0 baton --json rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise=formative assessment"
if [ "$(facilitators)" = "T006 T011" ]; then pass "facilitators T006 T011"; else fail "facilitators: $(facilitators)" out; fi

test_case "@endorsed: only the endorsed holder; rota why says what the need asks and what she holds"
# shellcheck disable=SC2086
expect_status 0 baton rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise=formative assessment@endorsed" --save
expect_status 0 baton rota why --group "Maths PLC" --date 2026-09-08 --role facilitator
expect_contains "2026-09-08 facilitator: T006" out
expect_contains "  facilitator needs formative assessment (endorsed or above): held (endorsed)" out
expect_contains "not T011: T011 is only declared in formative assessment (needs endorsed or above)" out
expect_contains "not T001: T001 is not on the expertise map for formative assessment" out

test_case "a need nobody in the group meets: the rota's unfilled turns, saying what is needed"
# shellcheck disable=SC2086
expect_status 0 baton rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise=oracy"
expect_contains "2026-09-01 facilitator: nobody in the group is eligible (needs expertise=oracy)" out

test_case "without the expertise plugin the rota refuses the need, saying what to do; the saved turns still show"
mkdir -p "$WORK/alone/bin" "$WORK/alone/plugins"
cp "$BATON" "$WORK/alone/bin/baton"
cp -R "$BATON_SOURCE_DIR/plugins/rotation" "$WORK/alone/plugins/"
alone() { timeout 20 "$WORK/alone/bin/baton" --plugins "$WORK/alone/plugins" "$@"; }
# shellcheck disable=SC2086
expect_status 1 alone rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise=formative assessment" --save
expect_contains "facilitator needs expertise=formative assessment: the expertise map is not there" err
expect_contains "no plugin 'expertise'" err
expect_contains "Install or repair the expertise plugin (baton plugins, baton doctor), or drop the need with --needs 'facilitator:expertise='" err
expect_status 1 alone rota why --group "Maths PLC" --date 2026-09-08 --role facilitator
expect_contains "the rota cannot check it" err
expect_status 0 alone rota show --group "Maths PLC" --person T006
expect_contains "2026-09-08  facilitator  T006" out
# dropping the need is what the message says it is
# shellcheck disable=SC2086
expect_status 0 alone rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise="
# a need of another kind does not read the map
# shellcheck disable=SC2086
expect_status 0 alone rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:role=teacher"

test_case "an expertise plugin that fails to load, or answers garbage, is an error too, never a pass"
cp -R "$BATON_SOURCE_DIR/plugins/expertise" "$PLUGINS/expertise"
sed -i '1i error("broken on purpose")' "$PLUGINS/expertise/init.lua"
# shellcheck disable=SC2086
expect_status 1 baton rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise=formative assessment"
expect_contains "broken on purpose" err
expect_contains "Install or repair the expertise plugin" err
cp "$BATON_SOURCE_DIR/plugins/expertise/init.lua" "$PLUGINS/expertise/init.lua"
sed -i 's/^return M$//' "$PLUGINS/expertise/init.lua"
cat >>"$PLUGINS/expertise/init.lua" <<'LUA'
M.map = function() baton.output({ strengths = "x" }) end
return M
LUA
# shellcheck disable=SC2086
expect_status 1 baton rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise=formative assessment"
expect_contains "the expertise map could not be read" err
cat >>"$PLUGINS/expertise/init.lua" <<'LUA'
M.map = function() baton.output({ strengths = { 1, { person = "T006", tag = "formative assessment", level = "gold" } } }) end
return M
LUA
sed -i '0,/^return M$/s///' "$PLUGINS/expertise/init.lua"
# entries that are not {person, tag, level} are left out, not trusted
# shellcheck disable=SC2086
expect_status 0 baton rota plan --group "Maths PLC" $TERM_ARGS --needs "facilitator:expertise=formative assessment"
expect_contains "nobody in the group is eligible (needs expertise=formative assessment)" out
rm -rf "$PLUGINS/expertise"

finish
