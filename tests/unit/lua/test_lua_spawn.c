/* Tests of core/lua/lua_spawn.c: baton.spawn: the error paths of the binding,
 * run as the command `t go` of a plugin in a scratch directory: wrong argument
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

static void test_wrong_arguments_and_options_raise(void **state) {
  expect_binding(
      *state, "  permissions = { 'spawn' },\n",
      "raises(baton.spawn, {})\n"
      "raises(baton.spawn, 'echo', { {} })\n"
      "raises(baton.spawn, 'echo', { 'a\\0b' })\n"
      "raises(baton.spawn, 'echo', {}, { cdw = '.' })\n"
      "raises(baton.spawn, 'echo', {}, { [1] = 'x' })\n",
      "baton.spawn: program must be a string, not a table\n"
      "baton.spawn: argument 1 is a table; arguments are strings\n"
      "baton.spawn: argument 1 holds a NUL byte (byte 2 of 3), where C would "
      "cut it short; remove it\n"
      "baton.spawn: unknown option 'cdw'; the option is cwd\n"
      "baton.spawn: options are named (name = value); found a number key\n");
}

static void
test_a_program_that_cannot_run_returns_the_failure_triple(void **state) {
  expect_binding(*state, "  permissions = { 'spawn' },\n",
                 "show(baton.spawn('/nonexistent/prog'))\n",
                 "nil | ENOENT: cannot run /nonexistent/prog: no such file or "
                 "directory | ENOENT\n");
}

static void test_without_permission_it_raises(void **state) {
  expect_binding(*state, NULL, "raises(baton.spawn, 'true')\n",
                 "plugin 't' needs permission 'spawn' to call baton.spawn; add "
                 "permissions = { \"spawn\" } to $DIR/t/plugin.lua\n");
}

static void test_from_a_coroutine_of_the_plugin_it_raises(void **state) {
  expect_binding(
      *state, "  permissions = { 'spawn' },\n",
      "in_coroutine(baton.spawn, 'true', { 'a', 'b' })\n",
      "false | baton.spawn can only wait in a command handler or a timer "
      "callback, not inside a coroutine of your own or at load time\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_wrong_arguments_and_options_raise,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_a_program_that_cannot_run_returns_the_failure_triple, setup,
          teardown),
      cmocka_unit_test_setup_teardown(test_without_permission_it_raises, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_from_a_coroutine_of_the_plugin_it_raises, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
