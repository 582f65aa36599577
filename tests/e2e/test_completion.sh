#!/usr/bin/env bash
# e2e: bash completion. `baton completion bash` is sourced in a real bash
# (no rc files), COMP_WORDS/COMP_CWORD are set as bash sets them at a Tab,
# and the completion function's COMPREPLY is checked: commands, a group's
# commands, a plugin's commands, flags, enum values, permissions for
# --allow, files, global flags, and a plugin added after the script was
# loaded. Last, Tabs typed at an interactive bash on a pseudo-terminal.
. "$(dirname "$0")/lib.sh"

mkdir bin
ln -s "$BATON" bin/baton
expect_status 0 "$BATON" completion bash
cp out completion.bash
expect_contains "complete -F _baton baton" completion.bash

# tab WORD...: the completions bash would offer for the command line
# `baton WORD...` with the cursor at the end of the last WORD ("" for a new
# word), one per line in ./out, sorted.
tab() {
  run env PATH="$WORK/bin:$PATH" bash --norc --noprofile -c '
    source ./completion.bash || exit 9
    complete -p baton | grep -q -- "-F _baton" || exit 8
    COMP_WORDS=(baton "$@")
    COMP_CWORD=$#
    COMP_LINE="baton $*"
    COMP_POINT=${#COMP_LINE}
    _baton baton "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$@"
  sort out >sorted && mv sorted out
}

test_case "a new word offers every command: built-ins, groups and plugin namespaces"
tab ""
check_status 0
for w in people groups demo run test repl completion mentor rota change hello; do
  verdict "offers $w" "does not offer $w" out grep -qx "$w" out
done
expect_not_contains "__complete" out

test_case "a prefix narrows the commands"
tab pe
expect_lines out people
tab r
expect_lines out reflect repl restore rota run

test_case "a group's and a plugin's commands"
tab people ""
expect_lines out export import list show
tab rota ""
expect_lines out approve decline feed mine plan repair request requests show swap why
tab mentor re
expect_lines out rematch

test_case "flags of a built-in and of a plugin command, with the global flags"
tab people import --d
expect_lines out --date-format --db --debug --decimal-comma --delimiter --dry-run
tab mentor match --
for f in --capacity --objective --same-campus --save --json --db --plugins --help; do
  verdict "offers $f" "does not offer $f" out grep -qx -- "$f" out
done
tab --js
expect_lines out --json

test_case "enum values of a plugin flag and of a built-in argument"
tab mentor match --objective ""
expect_lines out fairest total
tab mentor match --objective f
expect_lines out fairest
tab completion ""
expect_lines out bash
tab run --allow f
expect_lines out fs.read fs.write
tab repl --allow pe
expect_lines out people.write

test_case "global flags before the command are skipped; help completes commands"
tab --db x.db --quiet rota s
expect_lines out show swap
tab help peo
expect_lines out people
tab help people i
expect_lines out import

test_case "a path argument completes file names"
touch staff.csv stuff.txt
tab people import st
expect_lines out staff.csv stuff.txt
mkdir somewhere
tab --plugins so
expect_lines out somewhere

test_case "a plugin added after the script was loaded completes too"
use_plugins typed
tab ty
expect_lines out typed
tab typed check --level ""
expect_lines out high low medium
tab typed check --v
expect_lines out --verbose
mkdir other && cp -R "$FIXTURES/plugins/good" other/good
ns=$("$BATON" --plugins other --json plugins | python3 -c 'import json,sys; print([p["namespace"] for p in json.load(sys.stdin) if p["name"] == "good"][0])')
tab --plugins other "${ns:0:3}"
verdict "--plugins DIR on the line adds DIR's plugin '$ns'" "no '$ns' offered with --plugins other" out \
  grep -qx "$ns" out

test_case "every global option of baton --help is offered"
expect_status 0 "$BATON" --help
opts=$(sed -n '/^Options/,/^$/p' out | grep -oE -- '--[a-z-]+' | sort -u)
tab --
for o in $opts; do
  verdict "offers $o" "baton --help lists $o but completion does not offer it" out grep -qx -- "$o" out
done

test_case "the script handed to baton completion is what cmake --install puts in place"
built="$(dirname "$BATON")/baton.bash-completion"
if [ -f "$built" ]; then
  verdict "build/baton.bash-completion is the printed script" "build/baton.bash-completion differs" "" \
    cmp -s "$built" completion.bash
else
  pass "skipped: no build/baton.bash-completion beside the binary"
fi

test_case "at an interactive bash on a terminal, Tab completes the line"
# script(1) gives bash a pseudo-terminal, so readline reads the Tabs. The
# `baton` on PATH here hands __complete to the real one and otherwise only
# says what it was asked to run: the completed line.
if command -v script >/dev/null; then
  mkdir wrap
  printf '#!/bin/sh\nif [ "$1" = __complete ]; then exec "%s" "$@"; fi\necho "RAN: $*"\n' "$BATON" >wrap/baton
  chmod +x wrap/baton
  set +e
  printf 'source ./completion.bash\nbaton mentor match --obj\tfa\t\nexit\n' |
    timeout -k 1 20 script -qfec "env -i HOME=$WORK TERM=dumb PATH=$WORK/wrap:/usr/bin:/bin bash --norc --noprofile -i" /dev/null >tty.out 2>&1
  set -e
  tr -d '\r' <tty.out >tty.txt
  expect_contains "RAN: mentor match --objective fairest" tty.txt
else
  pass "skipped: no script(1) for a pseudo-terminal"
fi

test_case "completion refuses an unknown shell"
expect_status 2 "$BATON" completion fish
expect_contains "must be one of bash" err

finish
