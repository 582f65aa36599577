/* Tests of core/solve/score.c (the weighted features of a mentoring pair) and
 * of its Lua binding core/lua/lua_score.c (baton.assign.score, .reasons, the
 * baton.matrix userdata), the latter in a bare Lua state with the functions
 * on a global table `assign`. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>

#include "baton/assign.h"
#include "solve.h"
#include "bindings.h"

/* ---- the C API ----------------------------------------------------------- */

static const unsigned maths_physics[] = {1, 2}, maths[] = {1}, art[] = {3};
static const unsigned g7_8[] = {10, 11}, g8[] = {11}, g12[] = {14};
static const unsigned english[] = {20}, french[] = {21};

static baton_score_set_t set_of(const unsigned *ids, unsigned n) {
  baton_score_set_t s = {ids, n, 0};
  for (unsigned k = 0; k < n; k++)
    s.mask |= 1ull << (ids[k] % 64);
  return s;
}

/* A mentee and a mentor who share subject, grade, campus and language,
 * differ in role, share the department, and a mentor who started on
 * 2016-09-01 (so 9 whole years on 2025-09-01, 8 on 2025-08-31). */
static baton_score_person_t mentee, mentor, stranger;

static void setup_people(void) {
  mentee = (baton_score_person_t){set_of(maths_physics, 2),
                                  set_of(g7_8, 2),
                                  set_of(english, 1),
                                  30,
                                  40,
                                  50,
                                  20240826,
                                  0};
  mentor = (baton_score_person_t){set_of(maths, 1),
                                  set_of(g8, 1),
                                  set_of(english, 1),
                                  30,
                                  40,
                                  51,
                                  20160901,
                                  0};
  stranger = (baton_score_person_t){
      set_of(art, 1), set_of(g12, 1), set_of(french, 1), 31, 41, 50, 0, 0};
}

static void test_each_feature_holds_or_not(void **state) {
  (void)state;
  setup_people();
  long today = 20250901;
  assert_true(
      baton_score_feature(BATON_FEATURE_SUBJECT, &mentee, &mentor, today) == 1);
  assert_true(
      baton_score_feature(BATON_FEATURE_GRADE, &mentee, &mentor, today) == 1);
  assert_true(
      baton_score_feature(BATON_FEATURE_CAMPUS, &mentee, &mentor, today) == 1);
  assert_true(baton_score_feature(BATON_FEATURE_LANGUAGE, &mentee, &mentor,
                                  today) == 1);
  assert_true(baton_score_feature(BATON_FEATURE_CROSS_ROLE, &mentee, &mentor,
                                  today) == 1);
  assert_true(baton_score_feature(BATON_FEATURE_DEPARTMENT, &mentee, &mentor,
                                  today) == 1);
  assert_true(baton_score_feature(BATON_FEATURE_EXPERIENCE, &mentee, &mentor,
                                  today) == 9);
  for (int f = 0; f < BATON_FEATURE_COUNT; f++)
    assert_true(baton_score_feature(f, &mentee, &stranger, today) == 0);
}

static void test_experience_counts_whole_years_only(void **state) {
  (void)state;
  setup_people();
  assert_true(baton_score_feature(BATON_FEATURE_EXPERIENCE, &mentee, &mentor,
                                  20250831) == 8);
  assert_true(baton_score_feature(BATON_FEATURE_EXPERIENCE, &mentee, &mentor,
                                  20250901) == 9);
  /* A start in the future or unknown counts nothing. */
  assert_true(baton_score_feature(BATON_FEATURE_EXPERIENCE, &mentee, &mentor,
                                  20160101) == 0);
  assert_true(baton_score_feature(BATON_FEATURE_EXPERIENCE, &mentor, &stranger,
                                  20250901) == 0);
}

static void test_missing_campus_or_role_never_matches(void **state) {
  (void)state;
  setup_people();
  baton_score_person_t a = mentee, b = mentee;
  a.campus = b.campus = 0;
  a.role = 0;
  assert_true(baton_score_feature(BATON_FEATURE_CAMPUS, &a, &b, 0) == 0);
  assert_true(baton_score_feature(BATON_FEATURE_CROSS_ROLE, &a, &b, 0) == 0);
}

static void test_score_is_the_weighted_sum(void **state) {
  (void)state;
  setup_people();
  baton_score_weights_t w;
  baton_score_weights_default(&w);
  /* Defaults: subject 3, grade 2, campus 1, language 1, the rest 0. */
  assert_true(baton_score_pair(&mentee, &mentor, &w, 20250901) == 7);
  w.w[BATON_FEATURE_EXPERIENCE] = 0.5;
  w.w[BATON_FEATURE_CROSS_ROLE] = 10;
  w.w[BATON_FEATURE_SUBJECT] = 0;
  assert_true(baton_score_pair(&mentee, &mentor, &w, 20250901) ==
              2 + 1 + 1 + 10 + 4.5);
  assert_true(baton_score_pair(&mentee, &stranger, &w, 20250901) == 0);
}

static void test_feature_names_and_defaults(void **state) {
  (void)state;
  assert_int_equal(baton_score_feature_parse("cross_role"),
                   BATON_FEATURE_CROSS_ROLE);
  assert_int_equal(baton_score_feature_parse("subjects"), -1);
  assert_string_equal(baton_score_feature_name(BATON_FEATURE_EXPERIENCE),
                      "experience");
  assert_null(baton_score_feature_name(BATON_FEATURE_COUNT));
  assert_true(baton_score_feature_default(BATON_FEATURE_SUBJECT) == 3);
  assert_string_equal(
      baton_score_feature_list(),
      "subject, grade, campus, language, cross_role, department, experience");
}

static void
test_matrix_fills_every_cell_and_forbids_unmet_requirements(void **state) {
  (void)state;
  setup_people();
  baton_score_person_t rows[2] = {mentee, stranger},
                       cols[3] = {mentor, stranger, mentee};
  baton_score_weights_t w;
  baton_score_weights_default(&w);
  double out[6];
  baton_score_matrix(rows, 2, cols, 3, &w, 0, 20250901, BATON_ASSIGN_FORBIDDEN,
                     out);
  for (size_t i = 0; i < 2; i++)
    for (size_t j = 0; j < 3; j++)
      assert_true(out[i * 3 + j] ==
                  baton_score_pair(&rows[i], &cols[j], &w, 20250901));
  baton_score_matrix(rows, 2, cols, 3, &w, 1u << BATON_FEATURE_CAMPUS, 20250901,
                     BATON_ASSIGN_FORBIDDEN, out);
  assert_true(out[0] == 7);     /* same campus */
  assert_true(isnan(out[1]));   /* mentee / stranger: other campus */
  assert_true(out[3 + 1] == 7); /* stranger with themself: all shared */
  assert_true(isnan(out[3 + 0]));
}

/* BATON_SCORE_SAME: every pair of two schools is forbidden, every pair of
 * one school keeps its score (none with none is one school), in a grid of
 * every combination of three schools and none. */
static void test_matrix_forbids_every_pair_of_two_schools(void **state) {
  (void)state;
  setup_people();
  enum { N = 8 };
  baton_score_person_t rows[N], cols[N];
  for (unsigned k = 0; k < N; k++) {
    rows[k] = k % 2 ? mentee : stranger;
    cols[k] = k % 3 ? mentor : stranger;
    rows[k].same = k % 4;       /* 0 (none), 1, 2, 3 */
    cols[k].same = (k + 1) % 4; /* each school against each */
  }
  baton_score_weights_t w;
  baton_score_weights_default(&w);
  double out[N * N];
  baton_score_matrix(rows, N, cols, N, &w, BATON_SCORE_SAME, 20250901,
                     BATON_ASSIGN_FORBIDDEN, out);
  size_t kept = 0;
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < N; j++) {
      if (rows[i].same != cols[j].same) {
        assert_true(isnan(out[i * N + j]));
        continue;
      }
      kept++;
      assert_true(out[i * N + j] ==
                  baton_score_pair(&rows[i], &cols[j], &w, 20250901));
    }
  assert_int_equal(kept, 16); /* each of the 4 ids: 2 rows x 2 cols */
  /* With a feature required too: both rules hold. */
  baton_score_matrix(rows, N, cols, N, &w,
                     BATON_SCORE_SAME | 1u << BATON_FEATURE_CAMPUS, 20250901,
                     BATON_ASSIGN_FORBIDDEN, out);
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < N; j++)
      assert_true(isnan(out[i * N + j]) == (rows[i].same != cols[j].same ||
                                            rows[i].campus != cols[j].campus));
}

/* ---- the Lua binding ----------------------------------------------------- */

static lua_State *new_state(void) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  lua_newtable(L);
  baton__lua_open_score(L);
  lua_setglobal(L, "assign");
  return L;
}

/* Runs chunk; returns its error message (static copy) or NULL. */
static const char *run(lua_State *L, const char *chunk) {
  static char msg[1024];
  if (luaL_dostring(L, chunk) == LUA_OK)
    return NULL;
  snprintf(msg, sizeof msg, "%s", lua_tostring(L, -1));
  lua_pop(L, 1);
  return msg;
}

#define PEOPLE                                                                 \
  "local a = { id = 'N1', role = 'teacher', campus = ' North', department = "  \
  "'Maths', subjects = {'Mathematics', 'Physics'}, grades = {'7', '8'}, "      \
  "languages = {'English'}, start_date = '2024-08-26' }\n"                     \
  "local b = { id = 'M1', role = 'aide', campus = 'north', department = "      \
  "'Maths', subjects = {'mathematics '}, grades = {8}, languages = "           \
  "{'English', 'French'}, start_date = '2016-09-01' }\n"                       \
  "local c = { id = 'M2', role = 'teacher', campus = 'South', subjects = {}, " \
  "grades = {}, languages = {} }\n"

static void test_lua_score_returns_a_matrix_of_weighted_sums(void **state) {
  (void)state;
  lua_State *L = new_state();
  const char *err = run(
      L, PEOPLE
      "local m = assign.score{ rows = {a}, cols = {b, c}, today = '2025-09-01' "
      "}\n"
      "assert(m.rows == 1 and m.cols == 2, 'size')\n"
      "assert(m:get(1, 1) == 7, 'defaults: ' .. tostring(m:get(1, 1)))\n"
      "assert(m:get(1, 2) == 0, 'nothing shared')\n"
      "assert(math.type(m:get(1, 1)) == 'integer')\n"
      "m = assign.score{ rows = {a}, cols = {b}, today = '2025-09-01', weights "
      "= "
      "  { subject = 0, grade = 0, campus = 0, language = 0, cross_role = 5, "
      "    department = 2, experience = 1 } }\n"
      "assert(m:get(1, 1) == 5 + 2 + 9, 'cross-role, department, years')\n"
      "m:forbid(1, 1)\n"
      "assert(m:get(1, 1) == false)\n"
      "m:set(1, 1, 2.5) assert(m:get(1, 1) == 2.5)\n"
      "m:set(1, 1, false) assert(m:get(1, 1) == false)\n"
      "local r = assign.score{ rows = {a}, cols = {b, c}, require = {'campus'} "
      "}\n"
      "assert(r:get(1, 1) ~= false and r:get(1, 2) == false, 'require "
      "campus')\n"
      "assert(tostring(r) == 'baton.matrix (1 x 2)')\n");
  assert_null(err);
  lua_close(L);
}

/* same = {[id] = school}: a pair of two schools is forbidden; schools are
 * compared exactly (not folded as features are); none and "" are one. */
static void test_lua_score_same_forbids_pairs_of_two_schools(void **state) {
  (void)state;
  lua_State *L = new_state();
  const char *err = run(
      L, PEOPLE
      "local d = { id = 'M3', campus = 'north', subjects = {'Mathematics'} }\n"
      "local e = { id = 'M4', campus = 'north', subjects = {'Mathematics'} }\n"
      "local of = { N1 = 'school-a', M1 = 'school-a', M2 = 'school-b', "
      "M3 = 'School-A', M4 = '' }\n"
      "local m = assign.score{ rows = {a}, cols = {b, c, d, e}, same = of, "
      "today = '2025-09-01' }\n"
      "local all = assign.score{ rows = {a}, cols = {b, c, d, e}, "
      "today = '2025-09-01' }\n"
      "assert(m:get(1, 1) == all:get(1, 1) and m:get(1, 1) == 7, 'one "
      "school')\n"
      "assert(m:get(1, 2) == false, 'two schools')\n"
      "assert(m:get(1, 3) == false, 'School-A is not school-a')\n"
      "assert(m:get(1, 4) == false, 'none is not school-a')\n"
      "of.N1 = nil\n"
      "m = assign.score{ rows = {a}, cols = {b, c, d, e}, same = of }\n"
      "assert(m:get(1, 1) == false and m:get(1, 4) ~= false, 'none is the empty school')\n"
      "local ok, msg = pcall(assign.score, { rows = {a}, cols = {b}, same = 3 "
      "})\n"
      "assert(not ok and msg:find('same must be a table'), msg)\n"
      "ok, msg = pcall(assign.score, { rows = {a}, cols = {b}, same = { N1 = 1 "
      "} })\n"
      "assert(not ok and msg:find('to a string'), msg)\n");
  assert_null(err);
  lua_close(L);
}

static void test_lua_matrix_is_readable_from_c(void **state) {
  (void)state;
  lua_State *L = new_state();
  assert_null(run(L, PEOPLE "M = assign.score{ rows = {a, b}, cols = {b, c}, "
                            "today = '2025-09-01' } M:forbid(2, 1)"));
  lua_getglobal(L, "M");
  size_t r = 0, c = 0;
  const double *cells = baton__lua_score_matrix(L, -1, &r, &c);
  assert_non_null(cells);
  assert_int_equal(r, 2);
  assert_int_equal(c, 2);
  assert_true(cells[0] == 7);
  assert_true(isnan(cells[2]));
  lua_pushinteger(L, 3);
  assert_null(baton__lua_score_matrix(L, -1, &r, &c));
  lua_close(L);
}

static void test_lua_unknown_weight_names_the_valid_ones(void **state) {
  (void)state;
  lua_State *L = new_state();
  const char *err =
      run(L, PEOPLE
          "assign.score{ rows = {a}, cols = {b}, weights = { subjcet = 2 } }");
  assert_non_null(err);
  assert_non_null(
      strstr(err, "unknown weight 'subjcet' (did you mean 'subject'?)"));
  assert_non_null(strstr(err,
                         "the weights are subject, grade, campus, language, "
                         "cross_role, department, experience"));
  err = run(
      L, PEOPLE
      "assign.score{ rows = {a}, cols = {b}, weights = { grade = 'two' } }");
  assert_non_null(strstr(err, "weight 'grade' must be a finite number"));
  err = run(L, PEOPLE "assign.score{ rows = {a}, colls = {b} }");
  assert_non_null(strstr(err, "unknown option 'colls' (did you mean 'cols'?)"));
  err = run(L, PEOPLE "assign.score{ rows = {a, 'x'}, cols = {b} }");
  assert_non_null(strstr(err, "rows[2] must be a person"));
  err = run(L, PEOPLE
            "assign.score{ rows = {a}, cols = {b}, today = '2025-02-30' }");
  assert_non_null(strstr(err, "today must be a date"));
  err = run(L, "assign.matrix(1, 1):get(2, 1)");
  assert_non_null(strstr(err, "cell (2, 1) is outside the 1 x 1 matrix"));
  lua_close(L);
}

static void test_lua_reasons_name_what_is_shared(void **state) {
  (void)state;
  lua_State *L = new_state();
  const char *err =
      run(L, PEOPLE
          "local r = assign.reasons(a, b, { cross_role = 1, experience = 1 }, "
          "'2025-09-01')\n"
          "local got = {}\n"
          "for _, x in ipairs(r) do got[#got + 1] = x.feature .. ' ' .. "
          "x.points .. ' ' .. x.detail end\n"
          "local want = {\n"
          "  'subject 3 shares subject Mathematics',\n"
          "  'grade 2 shares grade 8',\n"
          "  'campus 1 same campus North',\n"
          "  'language 1 shares language English',\n"
          "  'cross_role 1 cross-role (teacher with aide)',\n"
          "  'experience 9 mentor has 9 years\\' experience',\n"
          "}\n"
          "assert(#got == #want, table.concat(got, '; '))\n"
          "for i = 1, #want do assert(got[i] == want[i], got[i]) end\n"
          "local two = assign.reasons(a, { subjects = {'physics', "
          "'MATHEMATICS'} })\n"
          "assert(two[1].detail == 'shares subjects Mathematics, Physics', "
          "two[1].detail)\n"
          "assert(#assign.reasons(a, c) == 0)\n"
          "local f = assign.features()\n"
          "assert(#f == 7 and f[1].name == 'subject' and f[1].weight == 3)\n");
  if (err != NULL)
    fail_msg("%s", err);
  lua_close(L);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_feature_holds_or_not),
      cmocka_unit_test(test_experience_counts_whole_years_only),
      cmocka_unit_test(test_missing_campus_or_role_never_matches),
      cmocka_unit_test(test_score_is_the_weighted_sum),
      cmocka_unit_test(test_feature_names_and_defaults),
      cmocka_unit_test(
          test_matrix_fills_every_cell_and_forbids_unmet_requirements),
      cmocka_unit_test(test_lua_score_returns_a_matrix_of_weighted_sums),
      cmocka_unit_test(test_matrix_forbids_every_pair_of_two_schools),
      cmocka_unit_test(test_lua_score_same_forbids_pairs_of_two_schools),
      cmocka_unit_test(test_lua_matrix_is_readable_from_c),
      cmocka_unit_test(test_lua_unknown_weight_names_the_valid_ones),
      cmocka_unit_test(test_lua_reasons_name_what_is_shared),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
