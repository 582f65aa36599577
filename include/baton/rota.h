/* baton/rota.h: the first pass of the rotation practice's scheduler
 * (plugins/rotation/scheduler/first_pass.lua, step 1), in C for speed: a district
 * plans hundreds of groups in one run.
 *
 * Meeting by meeting, in date order, each role goes to someone who can
 * hold it (eligible, not away, not holding another role at the meeting).
 * Among them the cheapest by
 *
 *   cost = GAP if they held this role within the last min_gap meetings
 *        + (2 x role count + 1) / fte + 0.5 x (2 x total count + 1) / fte
 *        + 1e-3 x (last meeting they held it, or -meetings, + meetings)
 *          / (2 x meetings + 1)
 *        + 1e-7 x person number (1-based)
 *
 * (counts include history). The scarcest role is given first (fewest
 * candidates at that meeting, ties in role order). When that leaves a role
 * empty that had candidates, the meeting is filled again by an exact
 * minimum-cost assignment (Hungarian method), so every meeting fills as
 * many roles as any arrangement can. The arithmetic and tie rules are the
 * Lua implementation's, operation for operation, so both give the same
 * rota (plugins/rotation/tests/exact_test.lua compares them). */
#ifndef BATON_ROTA_H
#define BATON_ROTA_H

#include <stddef.h>

typedef struct {
  size_t people, roles, meetings;
  const double *fte;              /* people; each > 0 */
  const unsigned char *eligible;  /* people x roles: non-zero = may hold */
  const unsigned char *away;      /* people x meetings: non-zero = away; or NULL */
  const double *history;          /* people x roles: turns before the plan */
  const double *history_total;    /* people: turns before, all roles and groups */
  int min_gap;                    /* >= 0 */
} baton_rota_problem_t;

/* Fills assign (meetings x roles, row-major) with a person index (0-based)
 * or -1 for an empty slot, and fill (meetings) with the slots each meeting
 * filled. Returns 0, BATON_EINVAL for a problem that breaks the rules
 * above, or BATON_ENOMEM. */
int baton_rota_first_pass(const baton_rota_problem_t *prob, int *assign,
                          int *fill);

#endif
