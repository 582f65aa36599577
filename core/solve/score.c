/* core/solve/score.c: the weighted features of a mentoring pair (solve.h). Everything here is integer comparison on profiles built once
 * per person, so a 3000 x 5000 district scores in well under a second. */
#include <string.h>

#include "solve.h"

static const struct {
  const char *name;
  double weight;
  const char *help;
} features[BATON_FEATURE_COUNT] = {
#define BATON_SCORE_FEATURE_ROW(name, str, w, what) {str, w, what},
    BATON_SCORE_FEATURE_MAP(BATON_SCORE_FEATURE_ROW)
#undef BATON_SCORE_FEATURE_ROW
};

const char *baton_score_feature_name(int f) {
  return f >= 0 && f < BATON_FEATURE_COUNT ? features[f].name : NULL;
}

double baton_score_feature_default(int f) {
  return f >= 0 && f < BATON_FEATURE_COUNT ? features[f].weight : 0;
}

const char *baton_score_feature_help(int f) {
  return f >= 0 && f < BATON_FEATURE_COUNT ? features[f].help : NULL;
}

int baton_score_feature_parse(const char *name) {
  for (int f = 0; f < BATON_FEATURE_COUNT; f++)
    if (strcmp(name, features[f].name) == 0)
      return f;
  return -1;
}

const char *baton_score_feature_list(void) {
#define BATON_SCORE_FEATURE_STR(name, str, w, what) ", " str
  /* [2] skips the first ", " (indexing, not `+ 2`, which clang's
   * -Wstring-plus-int takes for a mistaken append). */
  return &(BATON_SCORE_FEATURE_MAP(BATON_SCORE_FEATURE_STR))[2];
#undef BATON_SCORE_FEATURE_STR
}

void baton_score_weights_default(baton_score_weights_t *w) {
  for (int f = 0; f < BATON_FEATURE_COUNT; f++)
    w->w[f] = features[f].weight;
}

/* 1 if two sorted id sets have an id in common. The masks settle most
 * pairs that share nothing; the merge settles the rest exactly. */
static int shares(const baton_score_set_t *a, const baton_score_set_t *b) {
  if ((a->mask & b->mask) == 0)
    return 0;
  unsigned i = 0, j = 0;
  while (i < a->n && j < b->n) {
    if (a->ids[i] == b->ids[j])
      return 1;
    if (a->ids[i] < b->ids[j])
      i++;
    else
      j++;
  }
  return 0;
}

static double years(long start, long today) {
  if (start <= 0 || today <= start)
    return 0;
  return (double)((today - start) / 10000);
}

double baton_score_feature(int f, const baton_score_person_t *row,
                           const baton_score_person_t *col, long today) {
  switch (f) {
  case BATON_FEATURE_SUBJECT:
    return shares(&row->subjects, &col->subjects);
  case BATON_FEATURE_GRADE:
    return shares(&row->grades, &col->grades);
  case BATON_FEATURE_CAMPUS:
    return row->campus != 0 && row->campus == col->campus;
  case BATON_FEATURE_LANGUAGE:
    return shares(&row->languages, &col->languages);
  case BATON_FEATURE_CROSS_ROLE:
    return row->role != 0 && col->role != 0 && row->role != col->role;
  case BATON_FEATURE_DEPARTMENT:
    return row->department != 0 && row->department == col->department;
  case BATON_FEATURE_EXPERIENCE:
    return years(col->start, today);
  default:
    return 0;
  }
}

double baton_score_pair(const baton_score_person_t *row,
                        const baton_score_person_t *col,
                        const baton_score_weights_t *w, long today) {
  double s = 0;
  for (int f = 0; f < BATON_FEATURE_COUNT; f++)
    if (w->w[f] != 0)
      s += w->w[f] * baton_score_feature(f, row, col, today);
  return s;
}

/* The loop skips features whose weight is zero and are not required, and
 * computes the mentor's years once per column: the inner loop is a handful
 * of compares per cell. */
void baton_score_matrix(const baton_score_person_t *rows, size_t nrows,
                        const baton_score_person_t *cols, size_t ncols,
                        const baton_score_weights_t *w, unsigned required,
                        long today, double forbidden, double *out) {
  int used[BATON_FEATURE_COUNT], nused = 0;
  for (int f = 0; f < BATON_FEATURE_COUNT; f++)
    if (w->w[f] != 0 || (required & (1u << f)))
      used[nused++] = f;
  int same = (required & BATON_SCORE_SAME) != 0;
  for (size_t i = 0; i < nrows; i++) {
    const baton_score_person_t *r = &rows[i];
    double *line = out + i * ncols;
    for (size_t j = 0; j < ncols; j++) {
      const baton_score_person_t *c = &cols[j];
      if (same && r->same != c->same) {
        line[j] = forbidden;
        continue;
      }
      double s = 0;
      int ok = 1;
      for (int k = 0; k < nused; k++) {
        int f = used[k];
        double v = baton_score_feature(f, r, c, today);
        if (v == 0 && (required & (1u << f))) {
          ok = 0;
          break;
        }
        s += w->w[f] * v;
      }
      line[j] = ok ? s : forbidden;
    }
  }
}
