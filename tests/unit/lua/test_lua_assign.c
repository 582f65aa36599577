/* Tests of core/lua/lua_assign.c: baton.assign.solve: the error paths of the
 * binding, run as the command `t go` of a plugin in a scratch directory: wrong
 * argument types, unknown options, NUL bytes, missing permission, the exact
 * failure triple, a call from a coroutine the plugin made. (Generated shape,
 * hand-checked expectations: each string is what the binding must print.) */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void test_options_are_checked_with_a_suggestion(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.assign.solve, 5)\n"
      "raises(baton.assign.solve, { scors = { { 1 } } })\n"
      "raises(baton.assign.solve, { [1] = 2 })\n"
      "raises(baton.assign.solve, { scores = { { 'x' } } })\n"
      "raises(baton.assign.solve, { scores = { { 1 } }, capacity = { -1 } })\n",
      "baton.assign.solve: the options must be a table, not a number\n"
      "baton.assign.solve: unknown option 'scors' (did you mean 'scores'?); "
      "the options are scores, capacity, maximize, objective, fixed\n"
      "baton.assign.solve: options are named (name = value); found a number "
      "key\n"
      "baton.assign.solve: scores[1][1] is a string; expected a number, or "
      "false for a forbidden pair\n"
      "baton.assign.solve: capacity[1] must be a whole number >= 0, not -1\n");
}

/* A small problem is solved at once, even in a coroutine. */
static void test_from_a_coroutine_of_the_plugin(void **state) {
  expect_binding(*state, NULL,
                 "in_coroutine(function() return baton.assign.solve({ scores = "
                 "{ { 1, 2 } } }).total end)\n",
                 "true | 2\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_options_are_checked_with_a_suggestion, setup, teardown),
      cmocka_unit_test_setup_teardown(test_from_a_coroutine_of_the_plugin,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
