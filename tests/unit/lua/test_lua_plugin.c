/* Tests of core/lua/lua_plugin.c: baton.plugin: the error paths of the binding,
 * run as the command `t go` of a plugin in a scratch directory: wrong argument
 * types, unknown options, NUL bytes, missing permission, the exact failure
 * triple, a call from a coroutine the plugin made. (Generated shape,
 * hand-checked expectations: each string is what the binding must print.) */
#include "helpers.h"

/* Plugin u: `go` prints ok, `fail` raises. */
static void plugin_u(scratch_t *s) {
  char *m =
      manifest_text("u", "  commands = { go = { summary = 'go', args "
                         "= {} }, fail = { summary = 'f', args = {} } },\n");
  free(plugin_write(s->dir, "u", m,
                    "local M = {}\nfunction M.go() baton.print('ok') end\n"
                    "function M.fail() error('boom') end\nreturn M\n"));
  free(m);
}

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void test_names_and_arguments_are_checked(void **state) {
  plugin_u(*state);
  expect_binding(
      *state, NULL,
      "raises(baton.plugin, {})\n"
      "raises(baton.plugin, 'nope')\n"
      "raises(baton.plugin, 't')\n"
      "local u = baton.plugin('u')\n"
      "raises(u.go, 5)\n"
      "raises(u.go, { x = 1 })\n"
      "raises(function() return u.nope end)\n",
      "baton.plugin: name must be a string, not a table\n"
      "baton.plugin: no plugin 'nope'; the plugins are: t, u\n"
      "baton.plugin: 't' is this plugin itself; call your own functions "
      "directly\n"
      "baton.plugin: call u.go with a table of arguments, e.g. u.go{ name = "
      "value }\n"
      "baton.plugin: u.go takes no argument 'x'; see baton help u go\n"
      "$DIR/t/init.lua:21: baton.plugin: plugin 'u' has no command 'nope'; see "
      "baton help for its commands\n");
}

/* u's command raises: the caller gets nil, "EPLUGIN: ...", "EPLUGIN". */
static void test_a_failing_command_returns_the_triple(void **state) {
  plugin_u(*state);
  expect_binding(*state, NULL,
                 "show(baton.plugin('u').fail{})\n"
                 "show(baton.plugin('u').go{})\n",
                 "nil | EPLUGIN: $DIR/u/init.lua:3: boom | EPLUGIN\n"
                 "ok\n"
                 "\n");
}

/* The leak: raised before argv or the op exist. */
static void test_from_a_coroutine_of_the_plugin_it_raises(void **state) {
  plugin_u(*state);
  expect_binding(*state, NULL,
                 "local u = baton.plugin('u')\n"
                 "in_coroutine(function() return u.go{} end)\n"
                 "in_coroutine(baton.plugin, {})\n",
                 "false | $DIR/t/init.lua:16: baton.plugin(...) commands can "
                 "only wait in a command handler or a timer callback, not "
                 "inside a coroutine of your own or at load time\n"
                 "false | baton.plugin: name must be a string, not a table\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_names_and_arguments_are_checked,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_failing_command_returns_the_triple,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_from_a_coroutine_of_the_plugin_it_raises, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
