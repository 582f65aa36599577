#!/usr/bin/env bash
# e2e: the practices as a coordinator meets them (issue 15), on the sample
# school: one mentoring cohort group with role_in_group, the groups
# remembered, names for people, `why` on the saved state, the change
# practice's short names, corrected evidence and governors' reports, and
# everywhere "did you mean", exit status 2 for a wrong command line, and
# --json errors on standard error.
. "$(dirname "$0")/lib.sh"
staff="$BATON_SOURCE_DIR/samples/staff.csv"
cohort="$FIXTURES/practices/cohort-2026.csv"
export BATON_TODAY=2026-09-07

expect_status 0 baton people import "$staff"
expect_status 0 baton groups import "$cohort"

test_case "one cohort group: role_in_group says who mentors whom; others are left out, with a warning"
expect_status 0 baton mentor match --cohort "Mentoring 2026-27"
expect_contains "8 mentees (the group 'Mentoring 2026-27' with role_in_group mentee), 10 mentors (the group 'Mentoring 2026-27' with role_in_group mentor)" out
expect_contains "8 pairs of 8 mentees" out
expect_contains "1 member of the group 'Mentoring 2026-27' has no role_in_group mentee or mentor and is left out: P001" err

test_case "the same group on both sides without roles is refused, never matched against itself"
expect_status 1 baton mentor match --mentees "Early career" --mentors "Early career"
expect_contains "the group 'Early career' is to hold both the mentees and the mentors, but none of its members has role_in_group mentee or mentor" err
expect_empty out

test_case "match --save remembers the cohort's groups; why and rematch use them"
expect_status 0 baton mentor match --cohort "Mentoring 2026-27" --save
expect_status 0 baton mentor cohort
expect_contains "The cohort: group 'Mentoring 2026-27' (role_in_group mentee and mentor), saved." out
expect_status 0 baton mentor rematch
expect_contains "Rematch: 8 active pairs kept, 0 ended, 0 new." out

test_case "why takes names, describes the active pair, and a refused pair exits 1 in words"
expect_status 0 baton mentor why "ben carter"
expect_match "^T020 Ben Carter is paired with .* \(active pair #[0-9]+ since 2026-09-07\), score" out
mentor=$(baton --json mentor why T020 | python3 -c 'import json,sys; print(json.load(sys.stdin)["mentor"]["id"])')
other=$(baton --json mentor list --active | python3 -c '
import json, sys
pairs = json.load(sys.stdin)
print(next(p["mentor"].split()[0] for p in pairs if not p["mentee"].startswith("T020")))')
expect_status 1 baton mentor why T020 "$other"
expect_match "$other cannot mentor T020: $other has no free place \(capacity 1\)" err
expect_not_contains "baton.assign" err
expect_not_contains "fixed[" err
expect_status 1 baton mentor why "Nobody Here"
expect_contains "'Nobody Here' is not a mentee: no active member of the group 'Mentoring 2026-27' with role_in_group mentee has that id or name" err

test_case "the preview says when pairs are active"
expect_status 0 baton mentor match
expect_contains "Note: 8 pairs are already active." out
expect_status 0 baton mentor end "Ben Carter" --reason "left for another school"
expect_contains "Ended 1 pair." out

test_case "change: a short name, evidence after today refused, corrected and removed with the history kept"
expect_status 0 baton change new "Literacy across the curriculum, Riverside 2026-27" --slug literacy --target 2027-06-30
expect_status 0 baton change step lit 1 --status in_progress --owner AP01
expect_status 1 baton change evidence literacy 1 "staff survey: 72% see the need" --date 2026-10-07
expect_contains "after today (2026-09-07)" err
expect_status 0 baton --json change evidence literacy 1 "staff survey: 27% see the need" --date 2026-09-04
id=$(python3 -c 'import json; print(json.load(open("out"))["id"])')
expect_status 0 baton change amend "$id" --text "staff survey: 72% see the need" --reason "digits swapped"
expect_contains "corrected (the history keeps what it said before)" out
expect_status 0 baton change retract "$id" --reason "belongs to the numeracy initiative"
expect_status 0 baton change history literacy
expect_contains "evidence #$id corrected: text was \"staff survey: 27% see the need\"" out
expect_contains "evidence #$id removed" out
expect_status 1 baton change status litracy
expect_contains "did you mean 'literacy'?" err

test_case "a report for governors carries no command lines"
BATON_TODAY=2026-11-30 run baton change report literacy --format html --out governors.html
expect_contains "no evidence for" governors.html
expect_not_contains "baton change" governors.html
BATON_TODAY=2026-11-30 run baton change status literacy
expect_contains "baton change evidence literacy urgency" out

test_case "did you mean, for plugin subcommands and top-level commands"
expect_status 2 baton mentor mtach
expect_contains "unknown command 'baton mentor mtach' (did you mean 'baton mentor match'?)" err
expect_status 2 baton change stauts
expect_contains "(did you mean 'baton change status'?)" err
expect_status 2 baton mentr match
expect_contains "unknown command 'mentr' (did you mean 'mentor'?)" err

test_case "a missing argument or a bad value in a plugin command exits 2"
expect_status 2 baton mentor why
expect_contains "missing MENTEE" err
expect_status 2 baton mentor match --capacity two
expect_contains "--capacity expects a whole number, got 'two'" err
expect_status 2 baton change new "Numeracy" --target 31/12/2026
expect_status 2 baton change step literacy 1 --status finished

test_case "with --json, errors go to standard error and standard output stays empty"
expect_status 2 baton --json mentor mtach
expect_empty out
expect_json_true err 'd["error"]["message"].startswith("unknown command")'
expect_status 2 baton --json mentor match --capacity two
expect_empty out
expect_status 1 baton --json mentor why "Nobody Here"
expect_empty out
# (the cohort's warning about P001 comes first, as a line of its own)
tail -n 1 err >last-err
expect_json_true last-err '"is not a mentee" in d["error"]["message"] and d["error"]["plugin"] == "mentoring"'

finish
