/* core/solve/assign.c: the assignment solver behind baton.assign.
 *
 * Everything is done in "cost" space: cost = score without maximize,
 * -score with it, and the solver minimises. A forbidden cell has a NaN
 * cost, which fails every comparison and so is never relaxed.
 *
 * The core is the shortest augmenting path method of Jonker-Volgenant as
 * written by Crouse (the algorithm of scipy's linear_sum_assignment),
 * extended in two ways:
 *
 *   - capacities natively: a column is one node with `cap` member slots; a
 *     column with room is a terminal (its potential stays 0, as the dual
 *     of a non-binding capacity must), a full one leads on to all its
 *     members at the same distance;
 *   - maximum cardinality first: every row has a private "unassigned"
 *     column of cost BIG, with BIG larger than what any assignment of one
 *     more row could cost over one of fewer rows. Every row is then always
 *     assigned (to a column or to its own unassigned option), the problem
 *     is square-feasible, and the minimum of the extended problem has the
 *     most real assignments first and the least cost second.
 *
 * The fairest objective searches the threshold with a capacitated
 * Hopcroft-Karp matching (only cardinality matters there), then runs the
 * core once with the cells beyond the threshold forbidden. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "baton/assign.h"
#include "baton/error.h"

typedef struct {
  size_t n, m;          /* rows, columns */
  const double *s;      /* scores, the caller's */
  double *own;          /* a cost matrix of our own (fairest), or NULL */
  double sign;          /* cost = sign * score */
  const unsigned *cap0; /* capacities as given (NULL: 1) */
  unsigned *cap;        /* capacity left after pins */
  size_t *start;        /* start[j]: first member slot of column j */
  size_t *load;         /* rows in column j now */
  long *members;        /* member slots, start[j] .. start[j] + cap[j] */
  size_t *pos;          /* pos[i]: row i's slot in members */
  long *col;            /* col[i]: column of row i; -1 unassigned/pending */
  unsigned char *skip;  /* pinned rows */
  double *u, *v;        /* potentials in cost space */
  double big;           /* the cost of being unassigned */
  const baton_assign_problem_t *p;
} solver_t;

static double cost_at(const solver_t *S, size_t i, size_t j) {
  if (S->own)
    return S->own[i * S->m + j];
  return S->sign * S->s[i * S->m + j];
}

static int cancelled(const solver_t *S) {
  return S->p->cancel != NULL && *S->p->cancel != 0;
}

/* Places row i in a free slot of column j. */
static void member_add(solver_t *S, size_t i, size_t j) {
  size_t slot = S->start[j] + S->load[j]++;
  S->members[slot] = (long)i;
  S->pos[i] = slot;
  S->col[i] = (long)j;
}

/* Takes row i out of its column, keeping the column's members packed. */
static void member_remove(solver_t *S, size_t i) {
  size_t j = (size_t)S->col[i];
  size_t last = S->start[j] + --S->load[j];
  long other = S->members[last];
  S->members[S->pos[i]] = other;
  S->pos[(size_t)other] = S->pos[i];
  S->col[i] = -1;
}

/* The augmenting-path core. Adds every unpinned row in input order; on
 * return S->col holds the assignment and u, v the potentials. Returns 0,
 * BATON_ENOMEM or BATON_ECANCELED. Allocates only its scratch arrays. */
static int jv_solve(solver_t *S) {
  size_t n = S->n, m = S->m;
  double *d = malloc((m ? m : 1) * sizeof *d);
  long *pred = malloc((m ? m : 1) * sizeof *pred);
  size_t *rem = malloc((m ? m : 1) * sizeof *rem);
  size_t *open = malloc((m ? m : 1) * sizeof *open);
  size_t *sc = malloc((m ? m : 1) * sizeof *sc);
  size_t *sr = malloc((n ? n : 1) * sizeof *sr);
  int rc = 0;
  if (!d || !pred || !rem || !open || !sc || !sr) {
    rc = BATON_ENOMEM;
    goto done;
  }
  /* Closed columns (capacity 0) never enter the search. */
  size_t nopen = 0;
  for (size_t j = 0; j < m; j++)
    if (S->cap[j] > 0)
      open[nopen++] = j;
  size_t todo = 0, done_rows = 0;
  for (size_t i = 0; i < n; i++)
    todo += !S->skip[i];

  for (size_t s = 0; s < n; s++) {
    if (S->skip[s])
      continue;
    if ((done_rows & 63) == 0) {
      if (cancelled(S)) {
        rc = BATON_ECANCELED;
        goto done;
      }
      if (S->p->progress)
        S->p->progress(S->p->progress_ud, "solving", done_rows, todo);
    }
    done_rows++;
    size_t nrem = nopen;
    for (size_t k = 0; k < nopen; k++) {
      rem[k] = open[k];
      d[open[k]] = INFINITY;
    }
    size_t nsr = 0, nsc = 0;
    double minval = 0;
    double dummy_d = INFINITY; /* the best "unassigned" end found */
    long dummy_row = -1;
    long sink = -1; /* the column that ends the path; -1: a dummy */
    double shortest;
    /* Rows to scan at distance minval: s first, then a full column's
     * members. They are members[qfrom .. qfrom + qlen) or just s. */
    size_t qfrom = 0, qlen = 0;
    int first = 1;
    for (;;) {
      size_t nq = first ? 1 : qlen;
      double lowest = INFINITY;
      size_t kbest = SIZE_MAX;
      for (size_t q = 0; q < nq; q++) {
        size_t i = first ? s : (size_t)S->members[qfrom + q];
        sr[nsr++] = i;
        double base = minval - S->u[i];
        double dd = base + S->big;
        if (dd < dummy_d || (dd == dummy_d && (long)i > dummy_row)) {
          dummy_d = dd;
          dummy_row = (long)i;
        }
        const double *crow = S->own ? S->own + i * m : S->s + i * m;
        double sg = S->own ? 1.0 : S->sign;
        int last = q + 1 == nq;
        for (size_t k = 0; k < nrem; k++) {
          size_t j = rem[k];
          double r = base + sg * crow[j] - S->v[j];
          if (r < d[j]) {
            d[j] = r;
            pred[j] = (long)i;
          }
          if (last) {
            double dj = d[j];
            if (dj < lowest) {
              lowest = dj;
              kbest = k;
            } else if (dj == lowest && kbest != SIZE_MAX) {
              /* Ties: a column with room first, then the lower index. */
              size_t jb = rem[kbest];
              int room = S->load[j] < S->cap[j];
              int broom = S->load[jb] < S->cap[jb];
              if (room > broom || (room == broom && j < jb))
                kbest = k;
            }
          }
        }
      }
      first = 0;
      size_t jb = kbest == SIZE_MAX ? 0 : rem[kbest];
      int room = kbest != SIZE_MAX && S->load[jb] < S->cap[jb];
      if (kbest == SIZE_MAX || dummy_d < lowest ||
          (dummy_d == lowest && !room)) {
        shortest = dummy_d;
        sink = -1;
        break;
      }
      if (room) {
        shortest = lowest;
        sink = (long)jb;
        break;
      }
      /* A full column: scan its members next, at its distance. */
      sc[nsc++] = jb;
      rem[kbest] = rem[--nrem];
      minval = lowest;
      qfrom = S->start[jb];
      qlen = S->load[jb];
    }

    /* Potentials: Crouse's update keeps every reduced cost >= 0 and the
     * path's edges tight. */
    S->u[s] += shortest;
    for (size_t k = 0; k < nsr; k++) {
      size_t i = sr[k];
      if (i != s)
        S->u[i] += shortest - d[S->col[i]];
    }
    for (size_t k = 0; k < nsc; k++) {
      size_t j = sc[k];
      S->v[j] -= shortest - d[j];
    }

    /* Augment along pred from the sink back to s. */
    size_t i, j, slot;
    if (sink < 0) {
      i = (size_t)dummy_row;
      if (i == s)
        continue; /* s itself stays unassigned (col[s] is -1) */
      j = (size_t)S->col[i];
      slot = S->pos[i];
      S->col[i] = -1;
    } else {
      j = (size_t)sink;
      slot = S->start[j] + S->load[j]++;
    }
    for (;;) {
      i = (size_t)pred[j];
      long oldj = S->col[i];
      size_t oldslot = S->pos[i];
      S->members[slot] = (long)i;
      S->pos[i] = slot;
      S->col[i] = (long)j;
      if (i == s)
        break;
      j = (size_t)oldj;
      slot = oldslot;
    }
  }
  if (S->p->progress)
    S->p->progress(S->p->progress_ud, "solving", todo, todo);
done:
  free(d);
  free(pred);
  free(rem);
  free(open);
  free(sc);
  free(sr);
  return rc;
}

/* ---- fairest: the threshold search --------------------------------------- */

/* Capacitated Hopcroft-Karp on the cells with cost <= thr, starting from the
 * assignment in S->col (which must only use such cells). Returns the number
 * of assigned unpinned rows, or a negative error code. */
static long hk_match(solver_t *S, double thr) {
  size_t n = S->n, m = S->m;
  const size_t INF = SIZE_MAX;
  size_t *dist = malloc((n ? n : 1) * sizeof *dist);
  size_t *queue = malloc((n ? n : 1) * sizeof *queue);
  size_t *it = malloc((n ? n : 1) * sizeof *it);
  /* The explicit DFS stack: row and the column it is trying. */
  size_t *stk = malloc((n ? n : 1) * sizeof *stk);
  long result = 0;
  if (!dist || !queue || !it || !stk) {
    result = BATON_ENOMEM;
    goto done;
  }
  for (;;) {
    if (cancelled(S)) {
      result = BATON_ECANCELED;
      goto done;
    }
    /* BFS layers from the free rows. */
    size_t qh = 0, qt = 0;
    for (size_t i = 0; i < n; i++) {
      if (!S->skip[i] && S->col[i] < 0) {
        dist[i] = 0;
        queue[qt++] = i;
      } else {
        dist[i] = INF;
      }
    }
    size_t limit = INF;
    while (qh < qt) {
      size_t i = queue[qh++];
      if (dist[i] >= limit)
        break;
      for (size_t j = 0; j < m; j++) {
        double c = cost_at(S, i, j);
        if (!(c <= thr) || S->cap[j] == 0)
          continue;
        if (S->load[j] < S->cap[j]) {
          if (limit == INF)
            limit = dist[i] + 1;
          continue;
        }
        for (size_t k = 0; k < S->load[j]; k++) {
          size_t r = (size_t)S->members[S->start[j] + k];
          if (dist[r] == INF) {
            dist[r] = dist[i] + 1;
            queue[qt++] = r;
          }
        }
      }
    }
    if (limit == INF)
      break;
    /* DFS along the layers from each free row; an iterative walk where
     * stk[0..top] is the path of rows and it[row] the next column to try. */
    size_t found = 0;
    for (size_t i = 0; i < n; i++)
      it[i] = 0;
    for (size_t r0 = 0; r0 < n; r0++) {
      if (S->skip[r0] || S->col[r0] >= 0 || dist[r0] != 0)
        continue;
      size_t top = 0;
      stk[0] = r0;
      int augmented = 0;
      while (!augmented) {
        size_t i = stk[top];
        int advanced = 0;
        while (it[i] < m) {
          size_t j = it[i];
          double c = cost_at(S, i, j);
          if (!(c <= thr) || S->cap[j] == 0) {
            it[i]++;
            continue;
          }
          if (S->load[j] < S->cap[j]) {
            if (dist[i] + 1 != limit) {
              it[i]++;
              continue;
            }
            /* Augment: stk[top] takes j, each row below takes the column
             * of the row above it. */
            size_t jj = j;
            for (size_t t = top + 1; t-- > 0;) {
              size_t row = stk[t];
              long prev = S->col[row];
              if (prev >= 0)
                member_remove(S, row);
              member_add(S, row, jj);
              jj = (size_t)prev;
            }
            augmented = 1;
            advanced = 1;
            break;
          }
          /* Full: step to a member one layer further on. */
          size_t k;
          for (k = 0; k < S->load[j]; k++) {
            size_t r = (size_t)S->members[S->start[j] + k];
            if (dist[r] == dist[i] + 1 && dist[r] < limit)
              break;
          }
          if (k == S->load[j]) {
            it[i]++;
            continue;
          }
          stk[++top] = (size_t)S->members[S->start[j] + k];
          advanced = 1;
          break;
        }
        if (augmented)
          break;
        if (!advanced) {
          dist[i] = INF; /* a dead end for this phase */
          if (top == 0)
            break;
          top--; /* the row below retries the same column's other members */
        }
      }
      if (augmented) {
        found++;
        for (size_t t = 0; t <= top; t++)
          dist[stk[t]] = INF; /* each row once per phase */
      }
    }
    if (found == 0)
      break;
  }
  for (size_t i = 0; i < n; i++)
    result += !S->skip[i] && S->col[i] >= 0;
done:
  free(dist);
  free(queue);
  free(it);
  free(stk);
  return result;
}

/* Resets the matching to `cols` (a saved col array), unpinned rows only. */
static void match_restore(solver_t *S, const long *cols) {
  for (size_t i = 0; i < S->n; i++)
    if (!S->skip[i] && S->col[i] >= 0)
      member_remove(S, i);
  for (size_t i = 0; i < S->n; i++)
    if (!S->skip[i] && cols[i] >= 0)
      member_add(S, i, (size_t)cols[i]);
}

static void swap_d(double *a, double *b) {
  double t = *a;
  *a = *b;
  *b = t;
}

/* The k-th smallest of a[0..n) (k < n), partially reordering a. A
 * quickselect with a median-of-three pivot and a three-way partition, so
 * runs of equal values (school scores have many) cost one pass. */
static double select_kth(double *a, size_t n, size_t k) {
  size_t lo = 0, hi = n;
  while (hi - lo > 1) {
    double x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi - 1];
    double pivot = x < y ? (y < z ? y : (x < z ? z : x))
                         : (x < z ? x : (y < z ? z : y));
    size_t lt = lo, i = lo, gt = hi;
    while (i < gt) {
      if (a[i] < pivot)
        swap_d(&a[lt++], &a[i++]);
      else if (a[i] > pivot)
        swap_d(&a[i], &a[--gt]);
      else
        i++;
    }
    if (k < lt)
      hi = lt;
    else if (k >= gt)
      lo = gt;
    else
      return pivot;
  }
  return a[lo];
}

/* Finds the smallest cost threshold t such that the cells with cost <= t
 * still allow `want` assigned rows. Leaves a matching of that size in S.
 * Returns 0 with *thr, or BATON_ENOMEM / BATON_ECANCELED. */
static int fair_threshold(solver_t *S, long want, double hi, double *thr) {
  size_t n = S->n, m = S->m;
  size_t ncand = 0;
  double *cand = malloc((n * m > 0 ? n * m : 1) * sizeof *cand);
  long *best = malloc((n ? n : 1) * sizeof *best);
  int rc = 0;
  if (!cand || !best) {
    rc = BATON_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    best[i] = S->col[i];
    if (S->skip[i])
      continue;
    for (size_t j = 0; j < m; j++) {
      double c = cost_at(S, i, j);
      if (c < hi && S->cap[j] > 0)
        cand[ncand++] = c;
    }
  }
  size_t steps = 0;
  while (ncand > 0) {
    if (S->p->progress)
      S->p->progress(S->p->progress_ud, "searching", steps++, 0);
    double probe = select_kth(cand, ncand, ncand / 2);
    /* Start from the best matching with the cells above probe dropped. */
    for (size_t i = 0; i < n; i++)
      if (!S->skip[i] && S->col[i] >= 0 &&
          !(cost_at(S, i, (size_t)S->col[i]) <= probe))
        member_remove(S, i);
    long got = hk_match(S, probe);
    if (got < 0) {
      rc = (int)got;
      goto done;
    }
    double lo_keep, hi_keep;
    if (got == want) {
      hi = probe;
      memcpy(best, S->col, n * sizeof *best);
      lo_keep = -INFINITY;
      hi_keep = probe; /* keep candidates < probe */
    } else {
      match_restore(S, best);
      lo_keep = probe; /* keep candidates > probe, < hi */
      hi_keep = hi;
    }
    size_t w = 0;
    for (size_t k = 0; k < ncand; k++)
      if (cand[k] > lo_keep && cand[k] < hi_keep)
        cand[w++] = cand[k];
    ncand = w;
  }
  match_restore(S, best);
  *thr = hi;
done:
  free(cand);
  free(best);
  return rc;
}

/* ---- the public entry point ---------------------------------------------- */

void baton_assign_result_free(baton_assign_result_t *r) {
  if (r == NULL)
    return;
  free(r->col_of_row);
  free(r->row_dual);
  free(r->col_dual);
  memset(r, 0, sizeof *r);
}

static void solver_free(solver_t *S) {
  free(S->own);
  free(S->cap);
  free(S->start);
  free(S->load);
  free(S->members);
  free(S->pos);
  free(S->col);
  free(S->skip);
  free(S->u);
  free(S->v);
}

/* Sets BIG from the range [cmin, cmax] of the allowed costs: more than the
 * largest cost plus (k - 1) times the cost range, where k is the most rows
 * that can be assigned, so that one more assigned row always beats any
 * saving in cost. Proof: a matching of k + 1 rows costs at most
 * (k + 1) * cmax, one of k rows at least k * cmin; their full costs differ
 * by BIG for the extra unassigned row, and BIG > cmax + k * (cmax - cmin).
 * A range taken over more cells than the solver can use (pinned rows,
 * closed columns) only makes BIG larger, which stays correct. */
static void set_big(solver_t *S, double cmin, double cmax) {
  size_t rows = 0, slots = 0;
  for (size_t i = 0; i < S->n; i++)
    rows += !S->skip[i];
  for (size_t j = 0; j < S->m; j++)
    slots += S->cap[j];
  if (cmin > cmax) {
    S->big = 0; /* nothing allowed; every row ends unassigned */
    return;
  }
  double k = (double)(rows < slots ? rows : slots);
  double range = cmax - cmin;
  S->big = cmax + k * range + (range > 1 ? range : 1);
}

int baton_assign_solve(const baton_assign_problem_t *p,
                       baton_assign_result_t *r) {
  solver_t S;
  memset(&S, 0, sizeof S);
  memset(r, 0, sizeof *r);
  size_t n = p->rows, m = p->cols;
  if ((n > 0 && m > 0 && p->scores == NULL) ||
      (m > 0 && n > SIZE_MAX / sizeof(double) / m) || n > LONG_MAX ||
      m > LONG_MAX)
    return BATON_EINVAL;
  /* One pass checks the cells and finds the cost range (for BIG). */
  double smin = INFINITY, smax = -INFINITY;
  for (size_t k = 0; k < n * m; k++) {
    double x = p->scores[k];
    if (x < smin)
      smin = x;
    if (x > smax)
      smax = x;
  }
  if (smin <= smax && (isinf(smin) || isinf(smax)))
    return BATON_EINVAL; /* an infinite cell */
  double cmin = p->maximize ? -smax : smin, cmax = p->maximize ? -smin : smax;
  S.n = n;
  S.m = m;
  S.s = p->scores;
  S.sign = p->maximize ? -1.0 : 1.0;
  S.p = p;
  size_t nn = n ? n : 1, mm = m ? m : 1;
  S.cap = malloc(mm * sizeof *S.cap);
  S.start = malloc(mm * sizeof *S.start);
  S.load = calloc(mm, sizeof *S.load);
  S.pos = malloc(nn * sizeof *S.pos);
  S.col = malloc(nn * sizeof *S.col);
  S.skip = calloc(nn, 1);
  S.u = calloc(nn, sizeof *S.u);
  S.v = calloc(mm, sizeof *S.v);
  r->col_of_row = malloc(nn * sizeof *r->col_of_row);
  r->row_dual = calloc(nn, sizeof *r->row_dual);
  r->col_dual = calloc(mm, sizeof *r->col_dual);
  int rc = BATON_ENOMEM;
  if (!S.cap || !S.start || !S.load || !S.pos || !S.col || !S.skip || !S.u ||
      !S.v || !r->col_of_row || !r->row_dual || !r->col_dual)
    goto fail_alloc;

  /* Capacities, clipped to the row count so slots stay O(rows x cols). */
  size_t slots = 0;
  for (size_t j = 0; j < m; j++) {
    unsigned c = p->capacity ? p->capacity[j] : 1u;
    if (c > n)
      c = (unsigned)n;
    S.cap[j] = c;
    S.start[j] = slots;
    slots += c;
  }
  S.members = malloc((slots ? slots : 1) * sizeof *S.members);
  if (S.members == NULL)
    goto fail_alloc;
  for (size_t i = 0; i < n; i++)
    S.col[i] = -1;

  /* Pins take their capacity first. */
  rc = BATON_EINVAL;
  if (p->fixed) {
    for (size_t i = 0; i < n; i++) {
      long f = p->fixed[i];
      if (f < 0)
        continue;
      if ((size_t)f >= m || isnan(p->scores[i * m + (size_t)f]) ||
          S.load[f] >= S.cap[f])
        goto fail_input;
      member_add(&S, i, (size_t)f);
      S.skip[i] = 1;
    }
    for (size_t j = 0; j < m; j++) {
      /* The pinned rows keep their slots at the start of the column; the
       * solver sees only what is left. */
      S.start[j] += S.load[j];
      S.cap[j] -= (unsigned)S.load[j];
      S.load[j] = 0;
    }
  }

  if (p->objective == BATON_ASSIGN_FAIREST && n > 0 && m > 0) {
    rc = BATON_ENOMEM;
    S.own = malloc(n * m * sizeof *S.own);
    if (S.own == NULL)
      goto fail_alloc;
    double hi = -INFINITY;
    for (size_t k = 0; k < n * m; k++) {
      S.own[k] = S.sign * p->scores[k];
      if (S.own[k] > hi && !S.skip[k / m])
        hi = S.own[k];
    }
    /* The most rows that can be assigned at all, then the least threshold
     * that still allows that many. */
    long want = hk_match(&S, INFINITY);
    if (want < 0) {
      rc = (int)want;
      goto fail_solve;
    }
    double thr = hi;
    if (want > 0) {
      rc = fair_threshold(&S, want, hi, &thr);
      if (rc != 0)
        goto fail_solve;
    }
    /* Pinned pairs are part of the worst pair too: a threshold below the
     * worst pinned cost gains nothing and would only lower the total. */
    for (size_t i = 0; i < n; i++)
      if (S.skip[i]) {
        double c = S.sign * p->scores[i * m + (size_t)S.col[i]];
        if (c > thr)
          thr = c;
      }
    for (size_t k = 0; k < n * m; k++)
      if (S.own[k] > thr)
        S.own[k] = NAN;
    /* The final solve starts from nothing. */
    for (size_t i = 0; i < n; i++)
      if (!S.skip[i] && S.col[i] >= 0)
        member_remove(&S, i);
  }

  set_big(&S, cmin, cmax);
  rc = jv_solve(&S);
  if (rc != 0)
    goto fail_solve;

  /* The result, in score units: duals are the negated potentials with
   * maximize, so that row + col >= score there. */
  r->rows = n;
  r->cols = m;
  r->total = 0;
  r->worst = NAN;
  for (size_t i = 0; i < n; i++) {
    r->col_of_row[i] = S.col[i];
    if (S.col[i] < 0) {
      r->row_dual[i] = S.sign * S.u[i];
      continue;
    }
    double sc = p->scores[i * m + (size_t)S.col[i]];
    r->assigned++;
    r->total += sc;
    if (r->worst != r->worst || (p->maximize ? sc < r->worst : sc > r->worst))
      r->worst = sc;
    r->row_dual[i] = S.skip[i] ? 0 : S.sign * S.u[i];
  }
  for (size_t j = 0; j < m; j++)
    r->col_dual[j] = S.sign * S.v[j];
  solver_free(&S);
  return 0;

fail_solve:
fail_input:
fail_alloc:
  solver_free(&S);
  baton_assign_result_free(r);
  return rc;
}
