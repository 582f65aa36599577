/* bench/assign_driver.c: solves one matrix file with baton_assign_solve and
 * prints the result, for bench/verify_assign.py and bench/assign.sh.
 *
 *   build/assign_driver FILE ROWS COLS CAP max|min total|fairest [OUT]
 *
 * FILE holds ROWS x COLS float64 values in native byte order, row-major
 * (numpy's tofile); NaN is a forbidden cell. CAP is every column's
 * capacity. Prints one line: "ms=... assigned=... total=... worst=..."
 * (ms is the solve alone, not reading the file). With OUT, writes each
 * row's column (or -1) there, one per line. Exits 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "baton/assign.h"
#include "baton/error.h"

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s FILE ROWS COLS CAP max|min total|fairest "
                    "[OUT]\n", argv[0]);
    return 2;
  }
  size_t n = strtoul(argv[2], NULL, 10), m = strtoul(argv[3], NULL, 10);
  unsigned capv = (unsigned)strtoul(argv[4], NULL, 10);
  double *s = malloc((n * m > 0 ? n * m : 1) * sizeof *s);
  unsigned *cap = malloc((m > 0 ? m : 1) * sizeof *cap);
  FILE *f = fopen(argv[1], "rb");
  if (s == NULL || cap == NULL || f == NULL ||
      fread(s, sizeof *s, n * m, f) != n * m) {
    fprintf(stderr, "%s: cannot read %zu x %zu values\n", argv[1], n, m);
    return 1;
  }
  fclose(f);
  for (size_t j = 0; j < m; j++)
    cap[j] = capv;
  baton_assign_problem_t p = {
      .rows = n,
      .cols = m,
      .scores = s,
      .capacity = cap,
      .maximize = strcmp(argv[5], "max") == 0,
      .objective = strcmp(argv[6], "fairest") == 0 ? BATON_ASSIGN_FAIREST
                                                   : BATON_ASSIGN_TOTAL};
  baton_assign_result_t r;
  uint64_t t0 = uv_hrtime();
  int rc = baton_assign_solve(&p, &r);
  uint64_t t1 = uv_hrtime();
  if (rc != 0) {
    fprintf(stderr, "solve failed: %s\n", baton_strerror(rc));
    return 1;
  }
  printf("ms=%.3f assigned=%zu total=%.17g worst=%.17g\n",
         (double)(t1 - t0) / 1e6, r.assigned, r.total, r.worst);
  if (argc > 7) {
    FILE *o = fopen(argv[7], "w");
    if (o == NULL)
      return 1;
    for (size_t i = 0; i < n; i++)
      fprintf(o, "%ld\n", r.col_of_row[i]);
    fclose(o);
  }
  baton_assign_result_free(&r);
  free(s);
  free(cap);
  return 0;
}
