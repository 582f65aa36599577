/* Tests of core/lua/lua_http.c: baton.http.route: the error paths of the
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

static void test_wrong_arguments_and_options_raise(void **state) {
  expect_binding(
      *state, "  permissions = { 'http.route' },\n",
      "local h = function() end\n"
      "raises(baton.http.route, {}, '/api/t/x', h)\n"
      "raises(baton.http.route, 'GET', '/api/t/\\0', h)\n"
      "raises(baton.http.route, 'GET', '/api/t/x', 'h')\n"
      "raises(baton.http.route, 'GET', '/api/t/x', h, { cahce = false })\n"
      "raises(baton.http.route, 'GET', '/api/t/x', h, { cache = 1 })\n",
      "baton.http.route: method must be a string, not a table\n"
      "baton.http.route: path holds a NUL byte (byte 8 of 8), where C would "
      "cut it short; remove it\n"
      "baton.http.route: the handler must be a function, not a string\n"
      "baton.http.route: unknown option 'cahce' (did you mean 'cache'?); the "
      "options are cache, type\n"
      "baton.http.route: option cache must be true or false, not number\n");
}

static void test_routes_are_made_only_while_init_lua_loads(void **state) {
  expect_binding(
      *state, "  permissions = { 'http.route' },\n",
      "raises(baton.http.route, 'GET', '/api/t/x', function() end)\n"
      "in_coroutine(baton.http.route, 'GET', '/api/t/x', function() end)\n",
      "baton.http.route: routes are made while init.lua loads; call it at the "
      "top level of init.lua (or of a module it requires), not inside a "
      "command\n"
      "false | baton.http.route: routes are made while init.lua loads; call it "
      "at the top level of init.lua (or of a module it requires), not inside a "
      "command\n");
}

static void test_without_permission_it_raises(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.http.route, 'GET', '/api/t/x', function() end)\n",
      "plugin 't' needs permission 'http.route' to call baton.http.route; add "
      "permissions = { \"http.route\" } to $DIR/t/plugin.lua\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_wrong_arguments_and_options_raise,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_routes_are_made_only_while_init_lua_loads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_without_permission_it_raises, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
