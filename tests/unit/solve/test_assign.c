/* Tests of core/solve/assign.c: the assignment solver against an exhaustive
 * reference on every small case class, its duals, its tie rules and its
 * refusals.
 *
 * The reference is a dynamic programme over rows whose state is the load
 * of every column (all load vectors, so it is exhaustive, not clever): it
 * finds the most rows that can be assigned and, among those, the best
 * total. Scores are small integers, so every comparison is exact. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "baton/assign.h"
#include "baton/error.h"

#define MAXN 8
#define MAXM 8

typedef struct {
  size_t n, m;
  double s[MAXN * MAXM]; /* NaN: forbidden */
  unsigned cap[MAXM];
  int maximize;
  long fixed[MAXN];
  int has_fixed;
} case_t;

static uint64_t rng_state;

static uint32_t rnd(uint32_t bound) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(rng_state >> 33) % bound;
}

static double cost_of(const case_t *c, size_t i, size_t j) {
  double s = c->s[i * c->m + j];
  return c->maximize ? -s : s;
}

/* Exhaustive: the most assigned rows, then the least total cost, using
 * only cells with cost <= thr for unpinned rows (pinned rows are forced).
 * *count < 0 when the pins themselves do not fit. */
static void reference(const case_t *c, double thr, long *count,
                      double *cost) {
  size_t radix[MAXM], nstates = 1;
  for (size_t j = 0; j < c->m; j++) {
    radix[j] = (c->cap[j] < c->n ? c->cap[j] : c->n) + 1;
    nstates *= radix[j];
  }
  long *cnt = malloc(nstates * sizeof *cnt), *ncnt = malloc(nstates * sizeof *ncnt);
  double *cst = malloc(nstates * sizeof *cst), *ncst = malloc(nstates * sizeof *ncst);
  for (size_t k = 0; k < nstates; k++)
    cnt[k] = -1;
  cnt[0] = 0;
  cst[0] = 0;
  for (size_t i = 0; i < c->n; i++) {
    for (size_t k = 0; k < nstates; k++)
      ncnt[k] = -1;
    for (size_t k = 0; k < nstates; k++) {
      if (cnt[k] < 0)
        continue;
      long pin = c->has_fixed ? c->fixed[i] : -1;
      /* Option: unassigned (not for a pinned row). */
      if (pin < 0 && (cnt[k] > ncnt[k] || (cnt[k] == ncnt[k] && cst[k] < ncst[k]))) {
        ncnt[k] = cnt[k];
        ncst[k] = cst[k];
      }
      size_t mul = 1, rest = k;
      for (size_t j = 0; j < c->m; j++) {
        size_t load = rest % radix[j];
        rest /= radix[j];
        double cc = cost_of(c, i, j);
        int ok = pin >= 0 ? (size_t)pin == j : (cc == cc && cc <= thr);
        if (ok && load + 1 < radix[j]) {
          size_t k2 = k + mul;
          long n2 = cnt[k] + 1;
          double c2 = cst[k] + cc;
          if (n2 > ncnt[k2] || (n2 == ncnt[k2] && c2 < ncst[k2])) {
            ncnt[k2] = n2;
            ncst[k2] = c2;
          }
        }
        mul *= radix[j];
      }
    }
    long *t = cnt;
    cnt = ncnt;
    ncnt = t;
    double *u = cst;
    cst = ncst;
    ncst = u;
  }
  *count = -1;
  *cost = 0;
  for (size_t k = 0; k < nstates; k++)
    if (cnt[k] > *count || (cnt[k] == *count && cnt[k] >= 0 && cst[k] < *cost)) {
      *count = cnt[k];
      *cost = cst[k];
    }
  free(cnt);
  free(ncnt);
  free(cst);
  free(ncst);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Checks a result is a valid assignment of c and returns its cost. */
static double check_valid(const case_t *c, const baton_assign_result_t *r) {
  unsigned load[MAXM] = {0};
  double cost = 0, total = 0;
  size_t assigned = 0;
  for (size_t i = 0; i < c->n; i++) {
    long j = r->col_of_row[i];
    if (c->has_fixed && c->fixed[i] >= 0)
      assert_int_equal(j, c->fixed[i]);
    if (j < 0)
      continue;
    assert_true((size_t)j < c->m);
    assert_false(isnan(c->s[i * c->m + (size_t)j]));
    load[j]++;
    assert_true(load[j] <= c->cap[j]);
    cost += cost_of(c, i, (size_t)j);
    total += c->s[i * c->m + (size_t)j];
    assigned++;
  }
  assert_int_equal(assigned, r->assigned);
  assert_true(total == r->total);
  return cost;
}

/* Checks the duals: feasible on every allowed cell within thr, tight on
 * every assigned unpinned cell, zero on a column with room. */
static void check_duals(const case_t *c, const baton_assign_result_t *r,
                        double thr) {
  double sign = c->maximize ? -1 : 1;
  unsigned load[MAXM] = {0}, left[MAXM];
  for (size_t j = 0; j < c->m; j++)
    left[j] = c->cap[j];
  for (size_t i = 0; i < c->n; i++) {
    if (r->col_of_row[i] >= 0)
      load[r->col_of_row[i]]++;
    if (c->has_fixed && c->fixed[i] >= 0)
      left[c->fixed[i]]--;
  }
  for (size_t i = 0; i < c->n; i++) {
    if (c->has_fixed && c->fixed[i] >= 0)
      continue;
    for (size_t j = 0; j < c->m; j++) {
      double cc = cost_of(c, i, j);
      /* A column the pins fill is not open to the other rows. */
      if (cc != cc || cc > thr || left[j] == 0)
        continue;
      /* In cost space: cost - u - v >= 0, where u = sign * row_dual. */
      double red = cc - sign * r->row_dual[i] - sign * r->col_dual[j];
      assert_true(red >= 0);
      if (r->col_of_row[i] == (long)j)
        assert_true(red == 0);
    }
  }
  for (size_t j = 0; j < c->m; j++)
    if (load[j] < c->cap[j])
      assert_true(r->col_dual[j] == 0);
}

static void random_case(case_t *c, size_t n, size_t m) {
  c->n = n;
  c->m = m;
  c->maximize = (int)rnd(2);
  uint32_t forbid = (uint32_t[]){0, 20, 50, 90}[rnd(4)];
  uint32_t range = (uint32_t[]){1, 3, 5, 41}[rnd(4)];
  int offset = range == 41 ? -20 : (int)rnd(3);
  for (size_t k = 0; k < n * m; k++)
    c->s[k] = rnd(100) < forbid ? NAN : (double)((int)rnd(range) + offset);
  /* Now and then a row or a column with nothing allowed. */
  if (n > 0 && rnd(6) == 0)
    for (size_t j = 0; j < m; j++)
      c->s[rnd((uint32_t)n) * m + j] = NAN;
  for (size_t j = 0; j < m; j++)
    c->cap[j] = rnd(5) == 0 ? 0 : 1 + rnd(rnd(2) ? 1 : 3);
  c->has_fixed = 0;
}

/* Solves c with both objectives and compares with the reference. */
static void check_case(const case_t *c) {
  baton_assign_problem_t p = {0};
  p.rows = c->n;
  p.cols = c->m;
  p.scores = c->s;
  p.capacity = c->cap;
  p.maximize = c->maximize;
  p.fixed = c->has_fixed ? c->fixed : NULL;

  long kstar;
  double best;
  reference(c, INFINITY, &kstar, &best);
  assert_true(kstar >= 0);

  /* total */
  baton_assign_result_t r;
  p.objective = BATON_ASSIGN_TOTAL;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  double got = check_valid(c, &r);
  assert_int_equal((long)r.assigned, kstar);
  if (got != best)
    fail_msg("total: got cost %g, best %g (n=%zu m=%zu max=%d)", got, best,
             c->n, c->m, c->maximize);
  check_duals(c, &r, INFINITY);
  /* The same input gives the same answer. */
  baton_assign_result_t r2;
  assert_int_equal(baton_assign_solve(&p, &r2), 0);
  assert_memory_equal(r.col_of_row, r2.col_of_row, c->n * sizeof(long));
  baton_assign_result_free(&r2);
  baton_assign_result_free(&r);

  /* fairest: the least threshold on cost that keeps kstar rows, pins
   * counted in the worst pair; then the best total under it. */
  double vals[MAXN * MAXM + 1];
  size_t nv = 0;
  for (size_t i = 0; i < c->n; i++)
    for (size_t j = 0; j < c->m; j++) {
      double cc = cost_of(c, i, j);
      if (cc == cc)
        vals[nv++] = cc;
    }
  qsort(vals, nv, sizeof *vals, cmp_double);
  double thr = INFINITY, fbest = 0;
  long fcount = 0;
  for (size_t k = 0; k < nv; k++) {
    double pin_worst = -INFINITY;
    for (size_t i = 0; c->has_fixed && i < c->n; i++)
      if (c->fixed[i] >= 0 && cost_of(c, i, (size_t)c->fixed[i]) > pin_worst)
        pin_worst = cost_of(c, i, (size_t)c->fixed[i]);
    if (pin_worst > vals[k])
      continue;
    reference(c, vals[k], &fcount, &fbest);
    if (fcount == kstar) {
      thr = vals[k];
      break;
    }
  }
  p.objective = BATON_ASSIGN_FAIREST;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  got = check_valid(c, &r);
  assert_int_equal((long)r.assigned, kstar);
  if (kstar > 0) {
    double worst = c->maximize ? -r.worst : r.worst;
    if (worst != thr || got != fbest)
      fail_msg("fairest: got worst %g cost %g, want %g and %g (n=%zu m=%zu "
               "max=%d)",
               worst, got, thr, fbest, c->n, c->m, c->maximize);
    check_duals(c, &r, thr);
  } else {
    assert_true(isnan(r.worst));
    assert_true(r.total == 0);
  }
  baton_assign_result_free(&r);
}

static void test_solver_matches_exhaustive_search_on_small_cases(void **state) {
  (void)state;
  rng_state = 42;
  for (int t = 0; t < 20000; t++) {
    case_t c;
    /* Mostly small, both shapes; every size up to 8 x 8 appears. */
    size_t n = rnd(MAXN + 1), m = rnd(MAXM + 1);
    random_case(&c, n, m);
    check_case(&c);
  }
}

static void test_solver_matches_exhaustive_search_with_pins(void **state) {
  (void)state;
  rng_state = 7;
  for (int t = 0; t < 5000; t++) {
    case_t c;
    size_t n = 1 + rnd(MAXN), m = 1 + rnd(MAXM);
    random_case(&c, n, m);
    /* Pin some rows to allowed cells within capacity. */
    unsigned used[MAXM] = {0};
    c.has_fixed = 1;
    for (size_t i = 0; i < n; i++) {
      c.fixed[i] = -1;
      if (rnd(3) != 0)
        continue;
      size_t j = rnd((uint32_t)m);
      if (!isnan(c.s[i * m + j]) && used[j] < c.cap[j]) {
        used[j]++;
        c.fixed[i] = (long)j;
      }
    }
    check_case(&c);
  }
}

static void test_square_cases_without_forbidden_cells_assign_every_row(
    void **state) {
  (void)state;
  rng_state = 99;
  for (int t = 0; t < 500; t++) {
    case_t c;
    size_t n = 1 + rnd(MAXN);
    random_case(&c, n, n);
    for (size_t k = 0; k < n * n; k++)
      c.s[k] = (double)rnd(1000);
    for (size_t j = 0; j < n; j++)
      c.cap[j] = 1;
    check_case(&c);
    baton_assign_problem_t p = {.rows = n, .cols = n, .scores = c.s};
    baton_assign_result_t r;
    assert_int_equal(baton_assign_solve(&p, &r), 0);
    assert_int_equal(r.assigned, n);
    baton_assign_result_free(&r);
  }
}

static void test_more_rows_are_never_traded_for_a_better_total(void **state) {
  (void)state;
  /* Row 0 likes column 0 a lot, row 1 can only use column 0: the best
   * total of one pair would be 100, but two pairs must win. */
  double s[] = {100, 1, 1, NAN};
  baton_assign_problem_t p = {.rows = 2, .cols = 2, .scores = s, .maximize = 1};
  baton_assign_result_t r;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  assert_int_equal(r.assigned, 2);
  assert_int_equal(r.col_of_row[0], 1);
  assert_int_equal(r.col_of_row[1], 0);
  assert_true(r.total == 2);
  baton_assign_result_free(&r);
}

static void test_the_lost_row_is_the_one_whose_loss_costs_least(void **state) {
  (void)state;
  /* One seat: the row with the better score gets it, whatever the order. */
  double s[] = {1, 10};
  baton_assign_problem_t p = {.rows = 2, .cols = 1, .scores = s, .maximize = 1};
  baton_assign_result_t r;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  assert_int_equal(r.col_of_row[0], -1);
  assert_int_equal(r.col_of_row[1], 0);
  assert_true(r.total == 10);
  baton_assign_result_free(&r);
}

static void test_ties_follow_input_order(void **state) {
  (void)state;
  baton_assign_result_t r;
  /* Equal scores everywhere: row i gets column i. */
  double eq[5 * 7];
  for (size_t k = 0; k < 35; k++)
    eq[k] = 3;
  baton_assign_problem_t p = {.rows = 5, .cols = 7, .scores = eq, .maximize = 1};
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  for (long i = 0; i < 5; i++)
    assert_int_equal(r.col_of_row[i], i);
  baton_assign_result_free(&r);
  /* With capacity 2, the free slots fill in column order. */
  unsigned cap2[7] = {2, 2, 2, 2, 2, 2, 2};
  p.capacity = cap2;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  long want[5] = {0, 0, 1, 1, 2};
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(r.col_of_row[i], want[i]);
  baton_assign_result_free(&r);
  /* More equal rows than seats: the earlier rows keep them. */
  p.capacity = NULL;
  p.rows = 7;
  p.cols = 5;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  for (long i = 0; i < 7; i++)
    assert_int_equal(r.col_of_row[i], i < 5 ? i : -1);
  baton_assign_result_free(&r);
  /* The same holds when minimising. */
  p.maximize = 0;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  for (long i = 0; i < 7; i++)
    assert_int_equal(r.col_of_row[i], i < 5 ? i : -1);
  baton_assign_result_free(&r);
}

static void test_closed_columns_and_forbidden_rows_stay_empty(void **state) {
  (void)state;
  double s[] = {5, 9, NAN, NAN, 1, 2};
  unsigned cap[] = {1, 0};
  baton_assign_problem_t p = {
      .rows = 3, .cols = 2, .scores = s, .capacity = cap, .maximize = 1};
  baton_assign_result_t r;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  assert_int_equal(r.col_of_row[0], 0);
  assert_int_equal(r.col_of_row[1], -1);
  assert_int_equal(r.col_of_row[2], -1);
  assert_int_equal(r.assigned, 1);
  baton_assign_result_free(&r);
}

static void test_empty_problems_solve_to_nothing(void **state) {
  (void)state;
  baton_assign_result_t r;
  baton_assign_problem_t p = {.rows = 0, .cols = 0};
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  assert_int_equal(r.assigned, 0);
  baton_assign_result_free(&r);
  p.rows = 3;
  p.objective = BATON_ASSIGN_FAIREST;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  assert_int_equal(r.assigned, 0);
  assert_int_equal(r.col_of_row[2], -1);
  baton_assign_result_free(&r);
}

static void test_bad_input_is_refused(void **state) {
  (void)state;
  baton_assign_result_t r;
  double s[] = {1, INFINITY};
  baton_assign_problem_t p = {.rows = 1, .cols = 2, .scores = s};
  assert_int_equal(baton_assign_solve(&p, &r), BATON_EINVAL);
  double ok[] = {1, NAN};
  long pin_forbidden[] = {1};
  p.scores = ok;
  p.fixed = pin_forbidden;
  assert_int_equal(baton_assign_solve(&p, &r), BATON_EINVAL);
  long pin_out[] = {5};
  p.fixed = pin_out;
  assert_int_equal(baton_assign_solve(&p, &r), BATON_EINVAL);
  double two[] = {1, 1};
  long pin_twice[] = {0, 0};
  p.rows = 2;
  p.cols = 1;
  p.scores = two;
  p.fixed = pin_twice;
  assert_int_equal(baton_assign_solve(&p, &r), BATON_EINVAL);
  p.scores = NULL;
  p.fixed = NULL;
  assert_int_equal(baton_assign_solve(&p, &r), BATON_EINVAL);
}

static void count_progress(void *ud, const char *stage, size_t done,
                           size_t total) {
  (void)stage;
  (void)done;
  (void)total;
  ++*(int *)ud;
}

static void set_cancel(void *ud, const char *stage, size_t done,
                       size_t total) {
  (void)stage;
  (void)total;
  if (done > 0)
    *(volatile int *)ud = 1;
}

static void test_progress_is_reported_and_cancel_stops_the_solve(void **state) {
  (void)state;
  size_t n = 300, m = 400;
  double *s = malloc(n * m * sizeof *s);
  rng_state = 5;
  for (size_t k = 0; k < n * m; k++)
    s[k] = rnd(10);
  int calls = 0;
  baton_assign_problem_t p = {.rows = n, .cols = m, .scores = s, .maximize = 1,
                              .progress = count_progress, .progress_ud = &calls};
  baton_assign_result_t r;
  assert_int_equal(baton_assign_solve(&p, &r), 0);
  assert_true(calls >= 2);
  assert_int_equal(r.assigned, n);
  baton_assign_result_free(&r);
  volatile int cancel = 0;
  p.cancel = &cancel;
  p.progress = set_cancel;
  p.progress_ud = (void *)&cancel;
  assert_int_equal(baton_assign_solve(&p, &r), BATON_ECANCELED);
  assert_null(r.col_of_row);
  free(s);
}

/* Larger random problems: no exhaustive reference, but a checkable
 * certificate. Feasible duals tight on the assignment prove it optimal
 * for its cardinality (weak duality), and every row the solver left out
 * must have no allowed cell in a column with room. */
static void test_larger_cases_carry_an_optimality_certificate(void **state) {
  (void)state;
  rng_state = 11;
  for (int t = 0; t < 40; t++) {
    size_t n = 20 + rnd(60), m = 20 + rnd(60);
    double *s = malloc(n * m * sizeof *s);
    unsigned *cap = malloc(m * sizeof *cap);
    int maximize = (int)rnd(2);
    for (size_t k = 0; k < n * m; k++)
      s[k] = rnd(100) < 30 ? NAN : (double)rnd(7);
    for (size_t j = 0; j < m; j++)
      cap[j] = rnd(4);
    baton_assign_problem_t p = {.rows = n, .cols = m, .scores = s,
                                .capacity = cap, .maximize = maximize};
    baton_assign_result_t r;
    assert_int_equal(baton_assign_solve(&p, &r), 0);
    double sign = maximize ? -1 : 1;
    size_t *load = calloc(m, sizeof *load);
    for (size_t i = 0; i < n; i++)
      if (r.col_of_row[i] >= 0)
        load[r.col_of_row[i]]++;
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < m; j++) {
        double c = sign * s[i * m + j];
        if (c != c || cap[j] == 0)
          continue;
        double red = c - sign * r.row_dual[i] - sign * r.col_dual[j];
        assert_true(red >= 0);
        if (r.col_of_row[i] == (long)j)
          assert_true(red == 0);
        if (r.col_of_row[i] < 0)
          assert_true(load[j] == cap[j]);
      }
    free(load);
    free(s);
    free(cap);
    baton_assign_result_free(&r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_solver_matches_exhaustive_search_on_small_cases),
      cmocka_unit_test(test_solver_matches_exhaustive_search_with_pins),
      cmocka_unit_test(
          test_square_cases_without_forbidden_cells_assign_every_row),
      cmocka_unit_test(test_more_rows_are_never_traded_for_a_better_total),
      cmocka_unit_test(test_the_lost_row_is_the_one_whose_loss_costs_least),
      cmocka_unit_test(test_ties_follow_input_order),
      cmocka_unit_test(test_closed_columns_and_forbidden_rows_stay_empty),
      cmocka_unit_test(test_empty_problems_solve_to_nothing),
      cmocka_unit_test(test_bad_input_is_refused),
      cmocka_unit_test(test_progress_is_reported_and_cancel_stops_the_solve),
      cmocka_unit_test(test_larger_cases_carry_an_optimality_certificate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
