/* core/solve/rota.c: the rotation practice's first pass (solve.h).
 *
 * The one first pass of plugins/rotation: `rota plan` runs it without
 * fixed turns, `rota repair` with the turns it keeps fixed and the slots
 * it reopens. plugins/rotation/tests/oracle/first_pass.lua is the same
 * pass in Lua, kept only as the tests' oracle; every sum here is written
 * in its order so that the doubles come out equal. Person and meeting
 * numbers are 1-based in the arithmetic, as in Lua, because the cost's
 * last term (1e-7 x person) and the "held longest ago" term use them.
 * A meeting the scarcest-first order leaves short is filled again by the
 * one assignment solver (assign.c). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baton/assign.h"
#include "baton/error.h"
#include "solve.h"

#define GAP 1e5   /* holding the same role again too soon */
#define TOTAL 0.5 /* weight of the total count beside the role's own */

typedef struct {
  const baton_rota_problem_t *pr;
  size_t np, nr, nt;
  double *c;            /* people x roles: turns so far, history included */
  double *tot;          /* people: turns so far, every role and group */
  double *inv;          /* people: 1 / fte */
  double *cost;         /* roles x people: one meeting's exact refill */
  long *last;           /* people x roles: meeting (1-based) or 0 */
  size_t *taken;        /* people: the meeting at which p holds a role */
  size_t *busy;         /* people: the meeting at which p holds a fixed role */
  size_t *elig, *nelig; /* roles x people: who may hold r (0-based); how many */
  size_t *list, *plain_list;   /* the roles to decide, scarcest first */
  size_t *ncand, *plain_ncand; /* roles: free candidates at the meeting */
  unsigned char *anyaway;      /* meetings (1-based): someone is away */
  long *pin;                   /* roles: the exact refill's pins */
} scratch_t;

static void scratch_free(scratch_t *s) {
  free(s->c);
  free(s->tot);
  free(s->inv);
  free(s->cost);
  free(s->last);
  free(s->taken);
  free(s->busy);
  free(s->elig);
  free(s->nelig);
  free(s->list);
  free(s->plain_list);
  free(s->ncand);
  free(s->plain_ncand);
  free(s->anyaway);
  free(s->pin);
}

/* Person p (0-based) is away at meeting t (1-based; 0: nobody is). */
static int is_away(const baton_rota_problem_t *pr, size_t p, size_t t) {
  return pr->away != NULL && t >= 1 && pr->away[p * pr->meetings + (t - 1)];
}

/* The person fixed at (t, r) (t 1-based, r 0-based), or -1. */
static int fixed_at(const baton_rota_problem_t *pr, size_t t, size_t r) {
  return pr->fixed != NULL ? pr->fixed[(t - 1) * pr->roles + r] : -1;
}

/* The roles to decide at meeting t, in role order (not fixed; inside
 * `open` when there is one), into list; marks the people fixed at t busy.
 * Returns how many. As decidable() in scheduler/problem.lua. */
static size_t decidable(scratch_t *s, size_t *list, size_t t) {
  const baton_rota_problem_t *pr = s->pr;
  size_t n = 0;
  for (size_t r = 0; r < s->nr; r++) {
    int p = fixed_at(pr, t, r);
    if (p >= 0)
      s->busy[p] = t;
    else if (pr->open == NULL || pr->open[(t - 1) * s->nr + r])
      list[n++] = r;
  }
  return n;
}

/* Sorts list (n roles) scarcest first: fewest candidates free at meeting t
 * (t = 0: nobody away), a stable insertion sort, as scarcest_first() in
 * the Lua pass. ncand[r]: the candidates of role r. */
static void scarcest_first(const scratch_t *s, size_t *list, size_t n,
                           size_t *ncand, size_t t) {
  for (size_t i = 0; i < n; i++) {
    size_t r = list[i], k = 0;
    for (size_t e = 0; e < s->nelig[r]; e++) {
      size_t p = s->elig[r * s->np + e];
      if (!(t >= 1 && s->busy[p] == t) && !is_away(s->pr, p, t))
        k++;
    }
    ncand[r] = k;
    size_t j = i;
    while (j >= 1 && ncand[list[j - 1]] > k) {
      list[j] = list[j - 1];
      j--;
    }
    list[j] = r;
  }
}

/* The cost of giving (t, r) to p, as cost() in scheduler/problem.lua: the
 * turns of p in r within min_gap before t (and, with fixed turns, the
 * fixed ones within min_gap after), then the counts per FTE, then who
 * held it longest ago, then the person's number. */
static double slot_cost(const scratch_t *s, const int *assign, size_t p,
                        size_t r, size_t t) {
  const baton_rota_problem_t *pr = s->pr;
  long gap = pr->min_gap, nt = (long)s->nt;
  double held = 0;
  if (gap > 0) {
    for (long u = (long)t - gap < 1 ? 1 : (long)t - gap; u <= (long)t - 1; u++)
      if (assign[(size_t)(u - 1) * s->nr + r] == (int)p)
        held++;
    if (pr->fixed != NULL)
      for (long u = (long)t + 1; u <= ((long)t + gap < nt ? (long)t + gap : nt);
           u++)
        if (fixed_at(pr, (size_t)u, r) == (int)p)
          held++;
  }
  long l = s->last[p * s->nr + r];
  double f = pr->fte[p];
  return GAP * held + (2 * s->c[p * s->nr + r] + 1) / f +
         TOTAL * (2 * s->tot[p] + 1) / f +
         1e-3 * (double)((l != 0 ? l : -nt) + nt) / (2 * (double)nt + 1) +
         1e-7 * (double)(p + 1);
}

/* Totals closer than this count as equal: 1e-9, plus the rounding of a
 * sum of n cells. The cost's smallest steps (1e-7 between people, the
 * 1e-3 / (2 x meetings + 1) of a meeting held longer ago) are far larger
 * for any plan under 500,000 meetings. */
static double tie_margin(size_t n, double total) {
  return 1e-9 + 4 * (double)(n + 1) * DBL_EPSILON * fabs(total);
}

/* Solves cost (n x np) with rows pinned where pin[i] >= 0. Returns 0 or
 * an error code; the caller frees *res. */
static int solve_pinned(const scratch_t *s, size_t n, const long *pin,
                        baton_assign_result_t *res) {
  baton_assign_problem_t ap = {
      .rows = n, .cols = s->np, .scores = s->cost, .fixed = pin};
  return baton_assign_solve(&ap, res);
}

/* Meeting t's roles in `list` again, when the scarcest-first choice left
 * one empty that had candidates: the assignment filling the most slots at
 * the least total cost (baton_assign_solve), and among those whose totals
 * tie (tie_margin), the first in this order: the rows (the roles, scarcest
 * first) one after the other, each to the lowest-numbered person it can
 * have, a person before none. So the result is the solver's whatever its
 * own tie rules; the oracle's Hungarian method makes the same choice. A
 * row's person p before the one found is tried only when (i, p) is tight
 * for the found solution's duals (a cell with slack can be in no optimal
 * assignment), so without ties this costs one solve. */
static int fill_exactly(scratch_t *s, const size_t *list, size_t n, int *at,
                        const int *assign, size_t t) {
  const baton_rota_problem_t *pr = s->pr;
  size_t np = s->np;
  for (size_t i = 0; i < n; i++) {
    size_t r = list[i];
    double *row = s->cost + i * np;
    for (size_t p = 0; p < np; p++)
      row[p] =
          s->busy[p] == t || !pr->eligible[p * s->nr + r] || is_away(pr, p, t)
              ? BATON_ASSIGN_FORBIDDEN
              : slot_cost(s, assign, p, r, t);
  }
  long *pin = s->pin;
  for (size_t i = 0; i < n; i++)
    pin[i] = -1;
  baton_assign_result_t best, trial;
  int rc = solve_pinned(s, n, NULL, &best);
  if (rc != 0)
    return rc;
  size_t most = best.assigned;
  double least = best.total, margin = tie_margin(n, best.total);
  for (size_t i = 0; i < n && rc == 0; i++) {
    long found = best.col_of_row[i];
    for (size_t p = 0; p < (found < 0 ? np : (size_t)found); p++) {
      double cell = s->cost[i * np + p];
      if (isnan(cell) || cell - best.row_dual[i] - best.col_dual[p] > 1e-6)
        continue; /* not tight: in no optimal assignment */
      size_t k = 0;
      while (k < i && pin[k] != (long)p)
        k++;
      if (k < i)
        continue; /* an earlier row's */
      pin[i] = (long)p;
      rc = solve_pinned(s, n, pin, &trial);
      if (rc != 0)
        break;
      if (trial.assigned == most && trial.total <= least + margin) {
        baton_assign_result_free(&best);
        best = trial;
        break;
      }
      baton_assign_result_free(&trial);
    }
    if (rc == 0 && best.col_of_row[i] < 0) {
      /* none: the row stays out of every later trial */
      pin[i] = -1;
      for (size_t p = 0; p < np; p++)
        s->cost[i * np + p] = BATON_ASSIGN_FORBIDDEN;
    } else {
      pin[i] = best.col_of_row[i];
    }
  }
  for (size_t i = 0; i < n; i++)
    at[list[i]] = (int)best.col_of_row[i];
  baton_assign_result_free(&best);
  return rc;
}

static int check(const baton_rota_problem_t *pr, const int *assign,
                 const int *fill) {
  size_t np = pr->people, nr = pr->roles, nt = pr->meetings;
  if (assign == NULL || fill == NULL || pr->fte == NULL ||
      pr->eligible == NULL || pr->history == NULL ||
      pr->history_total == NULL || pr->min_gap < 0 || np > 100000 ||
      nr > 1000 || nt > 1000000)
    return BATON_EINVAL;
  for (size_t p = 0; p < np; p++)
    if (!(pr->fte[p] > 0) || !isfinite(pr->fte[p]))
      return BATON_EINVAL;
  if (pr->fixed != NULL)
    for (size_t k = 0; k < nt * nr; k++)
      if (pr->fixed[k] < -1 || pr->fixed[k] >= (long)np)
        return BATON_EINVAL;
  return 0;
}

int baton_rota_first_pass(const baton_rota_problem_t *pr, int *assign,
                          int *fill) {
  if (pr == NULL)
    return BATON_EINVAL;
  int rc = check(pr, assign, fill);
  if (rc != 0)
    return rc;
  size_t np = pr->people, nr = pr->roles, nt = pr->meetings;
  if (nt == 0)
    return 0;
  scratch_t s;
  memset(&s, 0, sizeof s);
  s.pr = pr;
  s.np = np;
  s.nr = nr;
  s.nt = nt;
  s.c = calloc(np * nr + 1, sizeof *s.c);
  s.tot = calloc(np + 1, sizeof *s.tot);
  s.inv = calloc(np + 1, sizeof *s.inv);
  s.cost = calloc(nr * np + 1, sizeof *s.cost);
  s.last = calloc(np * nr + 1, sizeof *s.last);
  s.taken = calloc(np + 1, sizeof *s.taken);
  s.busy = calloc(np + 1, sizeof *s.busy);
  s.elig = calloc(nr * np + 1, sizeof *s.elig);
  s.nelig = calloc(nr + 1, sizeof *s.nelig);
  s.list = calloc(nr + 1, sizeof *s.list);
  s.plain_list = calloc(nr + 1, sizeof *s.plain_list);
  s.ncand = calloc(nr + 1, sizeof *s.ncand);
  s.plain_ncand = calloc(nr + 1, sizeof *s.plain_ncand);
  s.anyaway = calloc(nt + 1, 1);
  s.pin = calloc(nr + 1, sizeof *s.pin);
  if (!s.c || !s.tot || !s.inv || !s.cost || !s.last || !s.taken || !s.busy ||
      !s.elig || !s.nelig || !s.list || !s.plain_list || !s.ncand ||
      !s.plain_ncand || !s.anyaway || !s.pin) {
    scratch_free(&s);
    return BATON_ENOMEM;
  }
  /* Counts before any decided slot: history plus every fixed turn. */
  for (size_t p = 0; p < np; p++) {
    for (size_t r = 0; r < nr; r++)
      s.c[p * nr + r] = pr->history[p * nr + r];
    s.tot[p] = pr->history_total[p];
    s.inv[p] = 1 / pr->fte[p];
  }
  if (pr->fixed != NULL)
    for (size_t k = 0; k < nt * nr; k++)
      if (pr->fixed[k] >= 0) {
        s.c[(size_t)pr->fixed[k] * nr + k % nr] += 1;
        s.tot[pr->fixed[k]] += 1;
      }
  double kl = 1e-3 / (double)(2 * nt + 1);
  long gap = pr->min_gap, lnt = (long)nt;
  for (size_t r = 0; r < nr; r++)
    for (size_t p = 0; p < np; p++)
      if (pr->eligible[p * nr + r])
        s.elig[r * np + s.nelig[r]++] = p;
  if (pr->away != NULL)
    for (size_t p = 0; p < np; p++)
      for (size_t t = 1; t <= nt; t++)
        if (is_away(pr, p, t))
          s.anyaway[t] = 1;
  /* A plan without fixed turns or reopened slots decides every role, and
   * a meeting nobody misses has the order of every other such meeting. */
  int plain = pr->fixed == NULL && pr->open == NULL;
  size_t nplain = 0;
  if (plain) {
    nplain = decidable(&s, s.plain_list, 1);
    scarcest_first(&s, s.plain_list, nplain, s.plain_ncand, 0);
  }

  for (size_t t = 1; t <= nt; t++) {
    const size_t *list = s.plain_list, *ncand = s.plain_ncand;
    size_t n = nplain;
    if (!plain || s.anyaway[t]) {
      n = decidable(&s, s.list, t);
      scarcest_first(&s, s.list, n, s.ncand, t);
      list = s.list;
      ncand = s.ncand;
    }
    int *at = assign + (t - 1) * nr;
    for (size_t r = 0; r < nr; r++) {
      int p = fixed_at(pr, t, r);
      at[r] = p >= 0 ? p : BATON_ROTA_UNDECIDED;
    }
    int shortage = 0;
    for (size_t i = 0; i < n; i++) {
      size_t r = list[i], best_p = 0;
      double best = HUGE_VAL;
      int found = 0;
      const size_t *cand = s.elig + r * np;
      for (size_t k = 0; k < s.nelig[r]; k++) {
        size_t p = cand[k];
        if (s.busy[p] == t || s.taken[p] == t || is_away(pr, p, t))
          continue;
        double v;
        if (pr->fixed != NULL) {
          v = slot_cost(&s, assign, p, r, t);
        } else { /* slot_cost() inlined: this runs for every p, r and t */
          long l = s.last[p * nr + r];
          double f = s.inv[p];
          v = ((l != 0 && (long)t - l <= gap) ? GAP : 0) +
              (2 * s.c[p * nr + r] + 1) * f + TOTAL * (2 * s.tot[p] + 1) * f +
              kl * (double)((l != 0 ? l : -lnt) + lnt) + 1e-7 * (double)(p + 1);
        }
        if (v < best) {
          best = v;
          best_p = p;
          found = 1;
        }
      }
      if (found) {
        s.taken[best_p] = t;
        at[r] = (int)best_p;
      } else if (ncand[r] > 0) {
        shortage = 1;
      }
    }
    if (shortage) {
      rc = fill_exactly(&s, list, n, at, assign, t);
      if (rc != 0) {
        scratch_free(&s);
        return rc;
      }
    }
    int filled = 0;
    for (size_t i = 0; i < n; i++) {
      size_t r = list[i];
      int p = at[r];
      if (p >= 0) {
        filled++;
        s.c[(size_t)p * nr + r] += 1;
        s.tot[p] += 1;
        s.last[(size_t)p * nr + r] = (long)t;
      } else {
        at[r] = -1;
      }
    }
    fill[t - 1] = filled;
  }
  scratch_free(&s);
  return 0;
}
