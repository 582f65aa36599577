/* Tests of core/lua/lua_timer.c: baton.sleep, baton.timer: the error paths of
 * the binding, run as the command `t go` of a plugin in a scratch directory:
 * wrong argument types, unknown options, NUL bytes, missing permission, the
 * exact failure triple, a call from a coroutine the plugin made. (Generated
 * shape, hand-checked expectations: each string is what the binding must
 * print.) */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void test_durations_and_callbacks_are_checked(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.sleep, -1)\n"
      "raises(baton.sleep, 1.5)\n"
      "raises(baton.sleep, 'x')\n"
      "raises(baton.timer.every, 0, function() end)\n"
      "raises(baton.timer.after, 1, 'f')\n"
      "raises(baton.timer.after, -5, function() end)\n",
      "baton.sleep: ms must be an integer, at least 0, not -1\n"
      "baton.sleep: ms must be an integer, at least 0, not 1.5\n"
      "baton.sleep: ms must be an integer, at least 0, not a string\n"
      "baton.timer.every: the interval (ms) must be an integer, at least 1, "
      "not 0\n"
      "baton.timer.after: the callback must be a function, not a string\n"
      "baton.timer.after: ms must be an integer, at least 0, not -5\n");
}

static void test_from_a_coroutine_of_the_plugin_sleep_raises(void **state) {
  expect_binding(
      *state, NULL, "in_coroutine(baton.sleep, 1)\n",
      "false | baton.sleep can only wait in a command handler or a timer "
      "callback, not inside a coroutine of your own or at load time\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_durations_and_callbacks_are_checked,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_from_a_coroutine_of_the_plugin_sleep_raises, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
