#!/usr/bin/env bash
# e2e: the error paths free what they allocated. Each run below fails on
# purpose: a plugin raising in awkward ways, a plugin over its memory or
# time limit, a plugin that cannot load, a practice command whose
# transaction rolls back, and imports rejected by the file, the map or a
# database file that is not one. Each must exit with exactly its status and say
# nothing from LeakSanitizer. In the sanitizer build (build-asan of
# ./bootstrap test, where LeakSanitizer runs at every exit) a leak would
# change the status and write a report to stderr, so these checks fail
# then; in a plain build they check the statuses only.
. "$(dirname "$0")/lib.sh"
use_plugins nasty hog spinner bad_syntax

if ldd "$BATON" 2>/dev/null | grep -q libasan; then
  test_case "the binary runs under AddressSanitizer with leak detection"
  verdict "ASAN_OPTIONS leaves detect_leaks on" "ASAN_OPTIONS turns leak detection off" "" \
    not grep -q "detect_leaks=0" <<<"${ASAN_OPTIONS:-}"
else
  echo "note: $BATON is not built with ASan: statuses only (see build-asan)"
fi

# clean STATUS CMD...: CMD exits with exactly STATUS, with no leak report.
clean() {
  local want=$1
  shift
  expect_status "$want" "$@"
  expect_not_contains "LeakSanitizer" err
  expect_not_contains "AddressSanitizer" err
}

test_case "a plugin error frees the call's memory"
clean 1 baton --time-limit 5 nasty table_error
clean 1 baton --time-limit 5 nasty nil_error
clean 1 baton --time-limit 5 nasty tostring_error
clean 1 baton --time-limit 5 nasty recursion
clean 1 baton --time-limit 5 nasty timer_error

test_case "a plugin over its memory limit frees its state"
clean 1 baton --memory-limit 32 hog table_bomb
expect_contains "out of memory in plugin 'hog'" err

test_case "a plugin over its time limit frees its state"
clean 1 baton --time-limit 1 spinner loop
expect_contains "spinner" err

test_case "a plugin that cannot load frees its manifest"
clean 1 baton bad_syntax anything
expect_contains "error in plugin 'bad_syntax': failed to load" err

test_case "a practice command whose transaction rolls back"
clean 0 baton change new "Literacy"
clean 1 baton change new "Literacy"
expect_contains "there is already an initiative called 'Literacy'" err

test_case "a rejected import frees its rows and report"
clean 1 baton people import "$FIXTURES/store/bad_date.csv"
clean 1 baton people import "$FIXTURES/store/duplicate_id.csv"
clean 1 baton people import "$FIXTURES/store/bad.json"
printf 'group,kind,person_id,role_in_group\nX,team,NOPE,\n' >groups.csv
clean 1 baton groups import groups.csv
expect_contains "names nobody" err
# A malformed --map is a usage error: exit 2, as the user guide says.
clean 2 baton people import --map "id=,bad" "$BATON_SOURCE_DIR/samples/staff.csv"
expect_contains "is not a list of SOURCE=TARGET pairs" err

test_case "an import into a file that is not a database frees everything"
head -c 8192 /dev/urandom >junk.db
clean 1 baton --db junk.db people import "$BATON_SOURCE_DIR/samples/staff.csv"
expect_contains "junk.db" err

finish
