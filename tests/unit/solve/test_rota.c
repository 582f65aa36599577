/* Tests of core/solve/rota.c (the rotation practice's first pass,
 * core/solve/solve.h): every meeting filled as far as any arrangement can
 * (the exact refill when the scarcest-first order leaves a role empty),
 * fixed turns kept and counted, turns in proportion to FTE, the minimum
 * gap, absences, and refusals. The Lua binding is checked against the Lua
 * oracle slot for slot in plugins/rotation/tests/exact_test.lua. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "baton/error.h"
#include "solve.h"

#define MAXP 8
#define MAXR 4
#define MAXT 40

typedef struct {
  double fte[MAXP], hist[MAXP * MAXR], htot[MAXP];
  unsigned char elig[MAXP * MAXR], away[MAXP * MAXT], open[MAXT * MAXR];
  int fixed[MAXT * MAXR];
  int assign[MAXT * MAXR], fill[MAXT];
  baton_rota_problem_t prob;
} case_t;

static void init(case_t *c, size_t np, size_t nr, size_t nt, int gap) {
  memset(c, 0, sizeof *c);
  for (size_t p = 0; p < np; p++) {
    c->fte[p] = 1;
    for (size_t r = 0; r < nr; r++)
      c->elig[p * nr + r] = 1;
  }
  c->prob = (baton_rota_problem_t){.people = np, .roles = nr, .meetings = nt,
                                   .fte = c->fte, .eligible = c->elig,
                                   .away = c->away, .history = c->hist,
                                   .history_total = c->htot, .min_gap = gap};
}

static int solve(case_t *c) {
  return baton_rota_first_pass(&c->prob, c->assign, c->fill);
}

static void test_tight_meeting_is_filled_exactly(void **state) {
  (void)state;
  /* Three roles with two candidates each: X {0,1}, Y {0,2}, Z {1,2}.
   * Person 0 has led a lot, so X goes to 1 and Y to 2 at first, which
   * leaves nobody for Z; the exact refill fills all three. */
  case_t c;
  init(&c, 3, 3, 1, 1);
  memset(c.elig, 0, sizeof c.elig);
  c.elig[0 * 3 + 0] = c.elig[1 * 3 + 0] = 1; /* X */
  c.elig[0 * 3 + 1] = c.elig[2 * 3 + 1] = 1; /* Y */
  c.elig[1 * 3 + 2] = c.elig[2 * 3 + 2] = 1; /* Z */
  for (size_t r = 0; r < 3; r++)
    c.hist[0 * 3 + r] = 5;
  c.htot[0] = 15;
  assert_int_equal(solve(&c), 0);
  assert_int_equal(c.fill[0], 3);
  int seen[3] = {0, 0, 0};
  for (size_t r = 0; r < 3; r++) {
    int p = c.assign[r];
    assert_true(p >= 0 && p < 3);
    assert_true(c.elig[(size_t)p * 3 + r]);
    seen[p]++;
  }
  assert_int_equal(seen[0] + seen[1] + seen[2], 3);
  assert_int_equal(seen[0], 1);
  assert_int_equal(seen[1], 1);
}

static void test_turns_follow_fte(void **state) {
  (void)state;
  case_t c;
  init(&c, 4, 1, 21, 0);
  c.fte[3] = 0.5;
  assert_int_equal(solve(&c), 0);
  int n[4] = {0, 0, 0, 0};
  for (size_t t = 0; t < 21; t++) {
    assert_int_equal(c.fill[t], 1);
    n[c.assign[t]]++;
  }
  assert_int_equal(n[0], 6);
  assert_int_equal(n[1], 6);
  assert_int_equal(n[2], 6);
  assert_int_equal(n[3], 3);
}

static void test_min_gap_and_absence(void **state) {
  (void)state;
  case_t c;
  init(&c, 2, 1, 6, 1);
  assert_int_equal(solve(&c), 0);
  for (size_t t = 1; t < 6; t++)
    assert_int_not_equal(c.assign[t], c.assign[t - 1]);
  /* person 1 away at meeting 3 (away is people x meetings): person 0
   * holds it, twice running, as nobody else can */
  c.away[1 * 6 + 3] = 1;
  assert_int_equal(solve(&c), 0);
  assert_int_equal(c.assign[2], 0);
  assert_int_equal(c.assign[3], 0);
  for (size_t t = 0; t < 6; t++)
    assert_int_equal(c.fill[t], 1);
  /* nobody can: the slot stays empty and the meeting fills 0 */
  c.elig[0] = 0;
  assert_int_equal(solve(&c), 0);
  assert_int_equal(c.assign[3], -1);
  assert_int_equal(c.fill[3], 0);
  assert_int_equal(c.assign[2], 1);
}

static void test_fixed_turns_count_and_stay(void **state) {
  (void)state;
  /* Two people, one role, four meetings, minimum gap 1; person 0's turn at
   * meeting 1 is fixed. It counts before anything is decided (person 1
   * starts) and as a repeat either side (person 0 is not given meeting 0
   * or 2, next to the fixed turn), and it is not counted in fill. */
  case_t c;
  init(&c, 2, 1, 4, 1);
  for (size_t k = 0; k < 4; k++)
    c.fixed[k] = -1;
  c.fixed[1] = 0;
  c.prob.fixed = c.fixed;
  assert_int_equal(solve(&c), 0);
  int want[4] = {1, 0, 1, 0}, fill[4] = {1, 0, 1, 1};
  for (size_t t = 0; t < 4; t++) {
    assert_int_equal(c.assign[t], want[t]);
    assert_int_equal(c.fill[t], fill[t]);
  }
  /* Without the fixed turn, person 0 starts. */
  c.prob.fixed = NULL;
  assert_int_equal(solve(&c), 0);
  assert_int_equal(c.assign[0], 0);
  /* Only the open slots are decided; the others are left undecided. */
  c.prob.fixed = c.fixed;
  memset(c.open, 0, sizeof c.open);
  c.open[3] = 1;
  c.prob.open = c.open;
  assert_int_equal(solve(&c), 0);
  assert_int_equal(c.assign[0], BATON_ROTA_UNDECIDED);
  assert_int_equal(c.assign[1], 0);
  assert_int_equal(c.assign[2], BATON_ROTA_UNDECIDED);
  assert_int_equal(c.assign[3], 1);
  assert_int_equal(c.fill[0], 0);
  assert_int_equal(c.fill[3], 1);
  /* A fixed person who does not exist is refused. */
  c.fixed[2] = 2;
  assert_int_equal(solve(&c), BATON_EINVAL);
  c.fixed[2] = -2;
  assert_int_equal(solve(&c), BATON_EINVAL);
}

static void test_refusals(void **state) {
  (void)state;
  case_t c;
  init(&c, 2, 1, 3, 1);
  assert_int_equal(baton_rota_first_pass(NULL, c.assign, c.fill), BATON_EINVAL);
  assert_int_equal(baton_rota_first_pass(&c.prob, NULL, c.fill), BATON_EINVAL);
  c.fte[1] = 0;
  assert_int_equal(solve(&c), BATON_EINVAL);
  c.fte[1] = 1;
  c.prob.min_gap = -1;
  assert_int_equal(solve(&c), BATON_EINVAL);
  c.prob.min_gap = 1;
  c.prob.meetings = 0;
  assert_int_equal(solve(&c), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tight_meeting_is_filled_exactly),
      cmocka_unit_test(test_turns_follow_fte),
      cmocka_unit_test(test_min_gap_and_absence),
      cmocka_unit_test(test_fixed_turns_count_and_stay),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
