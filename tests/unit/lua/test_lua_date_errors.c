/* Tests of core/lua/lua_date.c: baton.date: the error paths of the binding, run
 * as the command `t go` of a plugin in a scratch directory: wrong argument
 * types, unknown options, NUL bytes, missing permission, the exact failure
 * triple, a call from a coroutine the plugin made. (Generated shape,
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

static void test_bad_dates_and_amounts_raise_naming_the_function(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.date.add, '2026-02-30', 1)\n"
      "raises(baton.date.add, '2026-01-01\\0x', 1)\n"
      "raises(baton.date.add, '2026-01-01', 'x')\n"
      "raises(baton.date.diff, {}, '2026-01-01')\n"
      "raises(baton.date.add, '9999-12-31', 1)\n"
      "show(baton.date.valid('2026-02-30'), baton.date.valid(5))\n",
      "baton.date.add: '2026-02-30' is not a date written YYYY-MM-DD\n"
      "baton.date.add: '2026-01-01\\0x' is not a date written YYYY-MM-DD\n"
      "baton.date.add: days must be an integer from -3660000 to 3660000, not a "
      "string\n"
      "baton.date.diff: the date must be a string, not a table\n"
      "baton.date: the result is outside the years 0000-9999\n"
      "false | false\n");
}

static void test_from_a_coroutine_of_the_plugin(void **state) {
  expect_binding(*state, NULL,
                 "in_coroutine(baton.date.add, '2026-01-01', 1)\n",
                 "true | 2026-01-02\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_bad_dates_and_amounts_raise_naming_the_function, setup,
          teardown),
      cmocka_unit_test_setup_teardown(test_from_a_coroutine_of_the_plugin,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
