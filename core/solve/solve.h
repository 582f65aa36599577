/* core/solve/solve.h: the solve layer's own header: the mentoring scores
 * (score.c) and the rotation practice's first pass (rota.c), the features
 * the baton.score and baton.rota bindings (core/lua) put on the generic
 * assignment solver (include/baton/assign.h, assign.c, which stays part of
 * the embedding API). Pure C: no Lua, no libuv. Layer: solve (links only
 * libm); core/lua and the tests include it. */
#ifndef BATON_SOLVE_H
#define BATON_SOLVE_H

#include <stddef.h>

/* Mentoring scores (score.c): how well two people fit as a mentoring pair, as a
 * weighted sum of features (the scores that include/baton/assign.h then
 * solves).
 *
 * A person is reduced once to a profile: small integer ids for each
 * subject, grade band and language (sorted, without repeats), for the
 * campus, department and role, and the start date as a day number. The
 * ids come from a dictionary the caller keeps (baton_score_dict_t), so the
 * rows x cols loop compares integers only and never touches a string.
 *
 * The features, for a pair (row, col) = (mentee, mentor):
 *
 *   subject     1 if they share at least one subject
 *   grade       1 if they share at least one grade band
 *   campus      1 if both have the same campus
 *   language    1 if they share at least one language
 *   cross_role  1 if both have a role and the roles differ
 *   department  1 if both have the same department
 *   experience  the mentor's whole years since start_date (0 if unknown
 *               or in the future)
 *
 * The score is the sum of weight x feature. With whole-number weights every
 * score is a whole number, so the solver's totals are exact. */

#define BATON_SCORE_FEATURE_MAP(XX)                                            \
  XX(SUBJECT, "subject", 3, "shares at least one subject")                     \
  XX(GRADE, "grade", 2, "shares at least one grade band")                      \
  XX(CAMPUS, "campus", 1, "same campus")                                       \
  XX(LANGUAGE, "language", 1, "shares at least one language")                  \
  XX(CROSS_ROLE, "cross_role", 0, "different roles")                           \
  XX(DEPARTMENT, "department", 0, "same department")                           \
  XX(EXPERIENCE, "experience", 0, "per year of the mentor's experience")

typedef enum {
#define BATON_SCORE_FEATURE_ENUM(name, str, w, what) BATON_FEATURE_##name,
  BATON_SCORE_FEATURE_MAP(BATON_SCORE_FEATURE_ENUM)
#undef BATON_SCORE_FEATURE_ENUM
      BATON_FEATURE_COUNT
} baton_score_feature_t;

/* The feature's name ("cross_role"), default weight and a short phrase;
 * NULL / 0 for a value out of range. */
const char *baton_score_feature_name(int f);
double baton_score_feature_default(int f);
const char *baton_score_feature_help(int f);
/* The feature named `name`, or -1. */
int baton_score_feature_parse(const char *name);
/* "subject, grade, campus, ...": every name, for error messages. */
const char *baton_score_feature_list(void);

typedef struct {
  double w[BATON_FEATURE_COUNT];
} baton_score_weights_t;

/* Fills *w with the default weights. */
void baton_score_weights_default(baton_score_weights_t *w);

/* A set of ids, sorted ascending, without repeats; `mask` has bit (id % 64)
 * set for each id so that most pairs that share nothing are rejected with
 * one AND. */
typedef struct {
  const unsigned *ids;
  unsigned n;
  unsigned long long mask;
} baton_score_set_t;

typedef struct {
  baton_score_set_t subjects, grades, languages;
  unsigned campus, department, role; /* 0 = none */
  /* start_date as the number YYYYMMDD (2019-08-26 is 20190826), or 0 if
   * unknown: whole years between two such numbers are their difference
   * divided by 10000, rounded down. */
  long start;
  /* With BATON_SCORE_SAME among the required bits: a pair whose two `same`
   * ids differ is forbidden (a school, compared exactly; 0 = none, which
   * equals none). */
  unsigned same;
} baton_score_person_t;

/* The value (0 or 1, or years for experience) of feature f for the pair;
 * `today` is YYYYMMDD like start. */
double baton_score_feature(int f, const baton_score_person_t *row,
                           const baton_score_person_t *col, long today);

/* The weighted sum for one pair. */
double baton_score_pair(const baton_score_person_t *row,
                        const baton_score_person_t *col,
                        const baton_score_weights_t *w, long today);

/* In `required`: the two people of a pair have the same `same` id. */
#define BATON_SCORE_SAME (1u << 31)

/* Fills out[i * ncols + j] with the score of (rows[i], cols[j]). When
 * `required` is non-zero it is a bit set of features (1u << f) that must
 * hold (be non-zero) for a pair, and BATON_SCORE_SAME; a pair where one
 * does not is stored as `forbidden` (the caller passes
 * BATON_ASSIGN_FORBIDDEN). Cannot fail; the caller owns every array. */
void baton_score_matrix(const baton_score_person_t *rows, size_t nrows,
                        const baton_score_person_t *cols, size_t ncols,
                        const baton_score_weights_t *w, unsigned required,
                        long today, double forbidden, double *out);

/* The rota (rota.c): the first pass of the rotation practice's scheduler
 * (step 1 of plugins/rotation/scheduler/init.lua), the one the plugin
 * runs, for a plan and for a repair: a district plans hundreds of groups
 * in one run.
 *
 * Meeting by meeting, in date order, each slot to decide goes to someone
 * who can hold it (eligible, not away, not holding another role at the
 * meeting, fixed turns included). Among them the cheapest by
 *
 *   cost = GAP if they held this role within the last min_gap meetings
 *          (with fixed turns: GAP x their turns in it within min_gap
 *          before, and fixed ones within min_gap after)
 *        + (2 x role count + 1) / fte + 0.5 x (2 x total count + 1) / fte
 *        + 1e-3 x (last meeting they held it, or -meetings, + meetings)
 *          / (2 x meetings + 1)
 *        + 1e-7 x person number (1-based)
 *
 * (counts include history and every fixed turn of the plan). The scarcest
 * role is given first (fewest free candidates at that meeting, ties in
 * role order). When that leaves a role empty that had candidates, the
 * meeting's slots are decided again by baton_assign_solve (assign.h):
 * the most slots any arrangement fills, at the least total cost; among
 * equally cheap ones the solver's documented order decides (rows are the
 * roles scarcest first, columns the people in input order). The
 * arithmetic is the Lua oracle's (plugins/rotation/tests/oracle/
 * first_pass.lua), operation for operation, so both give the same rota
 * (plugins/rotation/tests/exact_test.lua compares them). */

typedef struct {
  size_t people, roles, meetings;
  const double *fte;             /* people; each > 0 */
  const unsigned char *eligible; /* people x roles: non-zero = may hold */
  const unsigned char *away;   /* people x meetings: non-zero = away; or NULL */
  const double *history;       /* people x roles: turns before the plan */
  const double *history_total; /* people: turns before, all roles and groups */
  int min_gap;                 /* >= 0 */
  /* meetings x roles, or NULL: fixed[t * roles + r] is the person (0-based)
   * whose turn at (t, r) is kept as it is (set by hand, kept by a repair),
   * or -1. Non-NULL also counts repeats as with fixed turns (above). */
  const int *fixed;
  /* meetings x roles, or NULL (decide every slot not fixed): non-zero =
   * decide this slot; a slot neither fixed nor open is left undecided. */
  const unsigned char *open;
} baton_rota_problem_t;

/* assign's value for a slot neither fixed nor open. */
#define BATON_ROTA_UNDECIDED (-2)

/* Fills assign (meetings x roles, row-major) with a person index (0-based),
 * -1 for a slot left empty, or BATON_ROTA_UNDECIDED, and fill (meetings)
 * with the slots each meeting decided and filled (fixed ones not counted).
 * Returns 0, BATON_EINVAL for a problem that breaks the rules above (a
 * fixed person out of range included), or BATON_ENOMEM. */
int baton_rota_first_pass(const baton_rota_problem_t *prob, int *assign,
                          int *fill);

#endif
