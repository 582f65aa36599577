/* core/solve/rota.c: the rotation practice's first pass (include/baton/rota.h).
 *
 * A port of first_pass() in plugins/rotation/scheduler/first_pass.lua for plans
 * without fixed turns (rota plan; repair keeps the Lua one). Person and
 * meeting numbers are 1-based inside, as in Lua, because the cost's last
 * term (1e-7 x person) and the "held longest ago" term use them; every
 * sum is written in Lua's order so that the doubles come out equal. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baton/error.h"
#include "baton/rota.h"

#define FORBID 1e9 /* a cell the exact assignment must not use */
#define GAP 1e5    /* holding the same role again too soon */
#define TOTAL 0.5  /* weight of the total count beside the role's own */

/* Hungarian method with potentials over cost (k rows x n cols, k <= n,
 * row-major, 1-based rows and columns in a (k+1) x (n+1) array). Sets
 * col_of[i] for i = 1..k. Scratch: u (k+1), v, p, way, minv (n+1), used. */
static void hungarian(const double *cost, size_t k, size_t n, size_t *col_of,
                      double *u, double *v, size_t *p, size_t *way,
                      double *minv, unsigned char *used) {
  for (size_t j = 0; j <= n; j++) {
    v[j] = 0;
    p[j] = 0;
    way[j] = 0;
  }
  for (size_t i = 0; i <= k; i++)
    u[i] = 0;
  for (size_t i = 1; i <= k; i++) {
    p[0] = i;
    size_t j0 = 0;
    for (size_t j = 0; j <= n; j++) {
      minv[j] = HUGE_VAL;
      used[j] = 0;
    }
    do {
      used[j0] = 1;
      size_t i0 = p[j0], j1 = 0;
      double delta = HUGE_VAL;
      const double *row = cost + i0 * (n + 1);
      for (size_t j = 1; j <= n; j++) {
        if (!used[j]) {
          double cur = row[j] - u[i0] - v[j];
          if (cur < minv[j]) {
            minv[j] = cur;
            way[j] = j0;
          }
          if (minv[j] < delta) {
            delta = minv[j];
            j1 = j;
          }
        }
      }
      for (size_t j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  for (size_t i = 0; i <= k; i++)
    col_of[i] = 0;
  for (size_t j = 1; j <= n; j++)
    if (p[j] != 0)
      col_of[p[j]] = j;
}

typedef struct {
  double *c, *tot, *inv, *cost, *u, *v, *minv;
  long *last;          /* people x roles: meeting (1-based) or 0 */
  size_t *taken;       /* people: the meeting at which p holds a role */
  size_t *elig, *nelig;/* roles x people: who may hold r; how many */
  size_t *list, *plain_list, *ncand, *plain_ncand, *col_of, *hp, *way;
  unsigned char *anyaway, *used;
} scratch_t;

static void scratch_free(scratch_t *s) {
  free(s->c); free(s->tot); free(s->inv); free(s->cost); free(s->u);
  free(s->v); free(s->minv); free(s->last); free(s->taken); free(s->elig);
  free(s->nelig); free(s->list); free(s->plain_list); free(s->ncand);
  free(s->plain_ncand); free(s->col_of); free(s->hp); free(s->way);
  free(s->anyaway); free(s->used);
}

static int is_away(const baton_rota_problem_t *pr, size_t p, size_t t) {
  return pr->away != NULL && t >= 1 && pr->away[(p - 1) * pr->meetings + (t - 1)];
}

/* The roles of a meeting, scarcest first (a stable insertion sort on the
 * number of candidates), as order() in scheduler.lua; t = 0: nobody away. */
static void order(const baton_rota_problem_t *pr, const scratch_t *s,
                  size_t *list, size_t *ncand, size_t t) {
  size_t nr = pr->roles;
  for (size_t i = 0; i < nr; i++) {
    size_t r = i + 1, n = 0;
    for (size_t k = 0; k < s->nelig[r - 1]; k++)
      if (!is_away(pr, s->elig[(r - 1) * pr->people + k], t))
        n++;
    ncand[r - 1] = n;
    size_t j = i;
    while (j >= 1 && ncand[list[j - 1] - 1] > n) {
      list[j] = list[j - 1];
      j--;
    }
    list[j] = r;
  }
}

int baton_rota_first_pass(const baton_rota_problem_t *pr, int *assign,
                          int *fill) {
  if (pr == NULL)
    return BATON_EINVAL;
  size_t np = pr->people, nr = pr->roles, nt = pr->meetings;
  if (assign == NULL || fill == NULL || pr->fte == NULL ||
      pr->eligible == NULL || pr->history == NULL ||
      pr->history_total == NULL || pr->min_gap < 0 || np > 100000 ||
      nr > 1000 || nt > 1000000)
    return BATON_EINVAL;
  for (size_t p = 0; p < np; p++)
    if (!(pr->fte[p] > 0) || !isfinite(pr->fte[p]))
      return BATON_EINVAL;
  if (nt == 0)
    return 0;
  if (nr == 0) {
    for (size_t t = 0; t < nt; t++)
      fill[t] = 0;
    return 0;
  }
  size_t ncols = np > nr ? np : nr;
  scratch_t s;
  memset(&s, 0, sizeof s);
  s.c = calloc(np * nr + 1, sizeof *s.c);
  s.tot = calloc(np + 1, sizeof *s.tot);
  s.inv = calloc(np + 1, sizeof *s.inv);
  s.cost = calloc((nr + 1) * (ncols + 1), sizeof *s.cost);
  s.u = calloc(nr + 1, sizeof *s.u);
  s.v = calloc(ncols + 1, sizeof *s.v);
  s.minv = calloc(ncols + 1, sizeof *s.minv);
  s.last = calloc(np * nr + 1, sizeof *s.last);
  s.taken = calloc(np + 1, sizeof *s.taken);
  s.elig = calloc(nr * np + 1, sizeof *s.elig);
  s.nelig = calloc(nr, sizeof *s.nelig);
  s.list = calloc(nr, sizeof *s.list);
  s.plain_list = calloc(nr, sizeof *s.plain_list);
  s.ncand = calloc(nr, sizeof *s.ncand);
  s.plain_ncand = calloc(nr, sizeof *s.plain_ncand);
  s.col_of = calloc(nr + 1, sizeof *s.col_of);
  s.hp = calloc(ncols + 1, sizeof *s.hp);
  s.way = calloc(ncols + 1, sizeof *s.way);
  s.anyaway = calloc(nt + 1, 1);
  s.used = calloc(ncols + 1, 1);
  if (!s.c || !s.tot || !s.inv || !s.cost || !s.u || !s.v || !s.minv ||
      !s.last || !s.taken || !s.elig || !s.nelig || !s.list ||
      !s.plain_list || !s.ncand || !s.plain_ncand || !s.col_of || !s.hp ||
      !s.way || !s.anyaway || !s.used) {
    scratch_free(&s);
    return BATON_ENOMEM;
  }
  for (size_t p = 1; p <= np; p++) {
    for (size_t r = 1; r <= nr; r++)
      s.c[(p - 1) * nr + r - 1] = pr->history[(p - 1) * nr + r - 1];
    s.tot[p] = pr->history_total[p - 1];
    s.inv[p] = 1 / pr->fte[p - 1];
  }
  double kl = 1e-3 / (double)(2 * nt + 1);
  double dnt = (double)nt;
  long gap = pr->min_gap;
  for (size_t r = 1; r <= nr; r++)
    for (size_t p = 1; p <= np; p++)
      if (pr->eligible[(p - 1) * nr + r - 1])
        s.elig[(r - 1) * np + s.nelig[r - 1]++] = p;
  if (pr->away != NULL)
    for (size_t p = 1; p <= np; p++)
      for (size_t t = 1; t <= nt; t++)
        if (is_away(pr, p, t))
          s.anyaway[t] = 1;
  order(pr, &s, s.plain_list, s.plain_ncand, 0);

  for (size_t t = 1; t <= nt; t++) {
    const size_t *list = s.plain_list, *ncand = s.plain_ncand;
    if (s.anyaway[t]) {
      order(pr, &s, s.list, s.ncand, t);
      list = s.list;
      ncand = s.ncand;
    }
    int *at = assign + (t - 1) * nr;
    for (size_t r = 0; r < nr; r++)
      at[r] = -1;
    int shortage = 0;
    for (size_t i = 0; i < nr; i++) {
      size_t r = list[i], bq = 0;
      double best = HUGE_VAL;
      const size_t *cand = s.elig + (r - 1) * np;
      for (size_t k = 0; k < s.nelig[r - 1]; k++) {
        size_t p = cand[k];
        if (s.taken[p] == t || is_away(pr, p, t))
          continue;
        long l = s.last[(p - 1) * nr + r - 1];
        double f = s.inv[p];
        double v = ((l != 0 && (long)t - l <= gap) ? GAP : 0) +
                   (2 * s.c[(p - 1) * nr + r - 1] + 1) * f +
                   TOTAL * (2 * s.tot[p] + 1) * f +
                   kl * (double)((l != 0 ? l : -(long)nt) + (long)nt) +
                   1e-7 * (double)p;
        if (v < best) {
          best = v;
          bq = p;
        }
      }
      if (bq != 0) {
        s.taken[bq] = t;
        at[r - 1] = (int)bq - 1;
      } else if (ncand[r - 1] > 0) {
        shortage = 1;
      }
    }
    if (shortage) {
      /* a role left empty that had candidates: fill the meeting exactly */
      for (size_t i = 0; i < nr; i++)
        at[list[i] - 1] = -1;
      for (size_t i = 1; i <= nr; i++) {
        size_t r = list[i - 1];
        double *row = s.cost + i * (ncols + 1);
        for (size_t p = 1; p <= ncols; p++) {
          if (p > np || !pr->eligible[(p - 1) * nr + r - 1] || is_away(pr, p, t)) {
            row[p] = FORBID;
            continue;
          }
          double held = 0;
          if (gap > 0)
            for (long s2 = (long)t - gap < 1 ? 1 : (long)t - gap; s2 <= (long)t - 1; s2++)
              if (assign[(size_t)(s2 - 1) * nr + r - 1] == (int)p - 1)
                held++;
          long l = s.last[(p - 1) * nr + r - 1];
          double f = pr->fte[p - 1];
          row[p] = GAP * held + (2 * s.c[(p - 1) * nr + r - 1] + 1) / f +
                   TOTAL * (2 * s.tot[p] + 1) / f +
                   1e-3 * (double)((l != 0 ? l : -(long)nt) + (long)nt) / (2 * dnt + 1) +
                   1e-7 * (double)p;
        }
      }
      hungarian(s.cost, nr, ncols, s.col_of, s.u, s.v, s.hp, s.way, s.minv,
                s.used);
      for (size_t i = 1; i <= nr; i++) {
        size_t r = list[i - 1], p = s.col_of[i];
        if (p != 0 && p <= np && s.cost[i * (ncols + 1) + p] < FORBID)
          at[r - 1] = (int)p - 1;
      }
    }
    int n = 0;
    for (size_t i = 0; i < nr; i++) {
      size_t r = list[i];
      int p = at[r - 1];
      if (p >= 0) {
        n++;
        s.c[(size_t)p * nr + r - 1] += 1;
        s.tot[p + 1] += 1;
        s.last[(size_t)p * nr + r - 1] = (long)t;
      }
    }
    fill[t - 1] = n;
  }
  scratch_free(&s);
  return 0;
}
