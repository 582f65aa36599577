/* baton/assign.h: an exact solver for the assignment problem with column
 * capacities and forbidden cells (the engine of the mentoring practice).
 *
 * A problem is a rows x cols matrix of scores. Each row gets at most one
 * column; column j takes at most capacity[j] rows; a forbidden cell is
 * never used. The solution
 *
 *   1. assigns as many rows as any feasible assignment can (no row is left
 *      out to improve the score), then
 *   2. with BATON_ASSIGN_TOTAL, has the best total score among those
 *      (largest with maximize, smallest without); with
 *      BATON_ASSIGN_FAIREST, has the best worst pair among those (the
 *      largest smallest score with maximize, the smallest largest without)
 *      and then the best total.
 *
 * The algorithm is successive shortest augmenting paths with potentials
 * (Jonker-Volgenant / Crouse, as scipy's linear_sum_assignment), with the
 * capacities handled natively (a column is one node, not cap copies) and
 * "unassigned" modelled as a private option per row whose cost is larger
 * than any difference a whole assignment can make. Time O(rows^2 x cols)
 * in the worst case, usually far less; memory O(rows + cols) beyond the
 * caller's matrix (BATON_ASSIGN_FAIREST also copies the matrix once).
 *
 * Determinism: the result is a function of the input only (no randomness,
 * no threads, no hashing). Ties between equally good assignments are
 * broken by input order, in this exact sense: rows are added one at a time
 * in input order; each is given the cheapest augmenting path, and among
 * equally cheap ones the solver takes (a) a column that still has room
 * over one that would move other rows, (b) among those, the lowest column
 * index, and (c) when the search finds several rows that could equally be
 * left unassigned, it leaves out the one latest in the input. So with
 * equal scores everywhere, row i gets column i (or the i-th free slot in
 * column order), and when a column wanted by two equal rows has room for
 * one, the earlier row keeps it (tests/unit/test_assign.c proves both).
 * Reordering rows or columns may pick a different assignment among equally
 * good ones; it never changes how many rows are assigned or the total.
 *
 * Scores are doubles. Integer scores are exact (every sum and potential is
 * an integer below 2^53 for |score| x rows^2 < 2^50). Fractional scores
 * are compared as doubles after a constant shift of size about
 * rows x (max - min), so assignments whose totals differ by less than about
 * 1e-15 of that are treated as equally good. */
#ifndef BATON_ASSIGN_H
#define BATON_ASSIGN_H

#include <stddef.h>

/* The value of a forbidden cell: any NaN. Infinite scores are refused. */
#define BATON_ASSIGN_FORBIDDEN (__builtin_nan(""))

typedef enum {
  BATON_ASSIGN_TOTAL = 0, /* best total among maximum-cardinality results */
  BATON_ASSIGN_FAIREST = 1 /* best worst pair, then best total */
} baton_assign_objective_t;

/* Called on the solving thread as work progresses: `stage` is "solving" or
 * "searching" (the fairest objective's search for its threshold); done of
 * total units. Keep it cheap; it must not call back into the solver. */
typedef void (*baton_assign_progress_cb)(void *ud, const char *stage,
                                         size_t done, size_t total);

typedef struct {
  size_t rows;
  size_t cols;
  /* rows x cols scores, row-major (cell (i, j) at scores[i * cols + j]);
   * NaN marks a forbidden cell. Read only; the caller keeps ownership. */
  const double *scores;
  /* cols capacities, or NULL for 1 each. A capacity of 0 closes a column. */
  const unsigned *capacity;
  int maximize; /* non-zero: best = largest; zero: best = smallest */
  baton_assign_objective_t objective;
  /* rows entries, or NULL: fixed[i] >= 0 pins row i to that column before
   * anything else is decided (it uses one unit of the column's capacity);
   * -1 leaves the row to the solver. A pin on a forbidden cell or more pins
   * than a column's capacity is BATON_EINVAL. */
  const long *fixed;
  baton_assign_progress_cb progress; /* optional */
  void *progress_ud;
  /* Optional: when *cancel becomes non-zero (from any thread) the solver
   * stops soon and returns BATON_ECANCELED. */
  volatile int *cancel;
} baton_assign_problem_t;

typedef struct {
  size_t rows, cols;
  long *col_of_row; /* rows entries: the column of each row, or -1 */
  size_t assigned;  /* how many rows have a column */
  double total;     /* sum of the assigned cells' scores, in row order */
  /* The worst assigned score (smallest with maximize, largest without);
   * NaN when nothing is assigned. */
  double worst;
  /* Dual values (potentials) in score units, for explanations. With
   * maximize, for every allowed cell row_dual[i] + col_dual[j] >= score,
   * with equality on assigned cells (without maximize: <=, and equality).
   * So slack(i, j) = row_dual[i] + col_dual[j] - score(i, j) (its negation
   * without maximize) is 0 on every assigned pair, and forcing an
   * unassigned allowed pair (i, j) lowers the total by at least its slack
   * when the number of assigned rows stays the same. A column that has room
   * left has dual 0. An unassigned row's dual includes the solver's
   * "unassigned" constant (a large magnitude): bringing it in means pushing
   * another row out. For the exact cost of forcing a pair, re-solve with
   * fixed[i] = j and compare totals. For the fairest objective the duals
   * are those of the final solve (cells worse than the worst pair
   * forbidden); pinned rows, closed columns and columns the pins fill
   * have dual 0. */
  double *row_dual;
  double *col_dual;
} baton_assign_result_t;

/* Solves p into *r. Returns 0; BATON_EINVAL when the problem is malformed
 * (NULL scores with cells, an infinite score, a bad pin, a size that
 * overflows); BATON_ENOMEM; BATON_ECANCELED when *p->cancel was set. On
 * failure *r holds nothing to free. On success the caller owns r's arrays
 * and releases them with baton_assign_result_free. */
int baton_assign_solve(const baton_assign_problem_t *p,
                       baton_assign_result_t *r);

/* Frees the arrays of a result (not r itself); safe on a zeroed result. */
void baton_assign_result_free(baton_assign_result_t *r);

#endif
