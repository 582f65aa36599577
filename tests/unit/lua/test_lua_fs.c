/* Tests of core/lua/lua_fs.c: baton.fs: the error paths of the binding, run as
 * the command `t go` of a plugin in a scratch directory: wrong argument types,
 * unknown options, NUL bytes, missing permission, the exact failure triple, a
 * call from a coroutine the plugin made. (Generated shape, hand-checked
 * expectations: each string is what the binding must print.) */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void
test_wrong_types_and_nul_bytes_raise_naming_the_function(void **state) {
  expect_binding(*state, "  permissions = { 'fs.read', 'fs.write' },\n",
                 "raises(baton.fs.read, {})\n"
                 "raises(baton.fs.read, 'a\\0b')\n"
                 "raises(baton.fs.write, 'x.txt', {})\n"
                 "raises(baton.fs.list)\n",
                 "baton.fs.read: path must be a string, not a table\n"
                 "baton.fs.read: path holds a NUL byte (byte 2 of 3), where C "
                 "would cut it short; remove it\n"
                 "baton.fs.write: the data must be a string, not a table\n"
                 "baton.fs.list: path must be a string, not nil\n");
}

/* nil, "ENOENT: ...", "ENOENT"; stat gives nil alone. */
static void test_a_missing_file_returns_the_failure_triple(void **state) {
  expect_binding(
      *state, "  permissions = { 'fs.read', 'fs.write' },\n",
      "show(baton.fs.read('missing.txt'))\n"
      "show(baton.fs.list('missing'))\n"
      "show(baton.fs.stat('missing.txt'))\n",
      "nil | ENOENT: cannot read missing.txt: No such file or directory | "
      "ENOENT\n"
      "nil | ENOENT: cannot list missing: no such directory | ENOENT\n"
      "nil\n");
}

static void test_without_permission_it_raises(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.fs.read, 'x.txt')\n"
      "raises(baton.fs.write, 'x.txt', 'y')\n",
      "plugin 't' needs permission 'fs.read' to call baton.fs.read; add "
      "permissions = { \"fs.read\" } to $DIR/t/plugin.lua\n"
      "plugin 't' needs permission 'fs.write' to call baton.fs.write; add "
      "permissions = { \"fs.write\" } to $DIR/t/plugin.lua\n");
}

/* Raised before anything is allocated (ASan would see a leak). */
static void test_from_a_coroutine_of_the_plugin_it_raises(void **state) {
  expect_binding(
      *state, "  permissions = { 'fs.read', 'fs.write' },\n",
      "in_coroutine(baton.fs.read, 'x.txt')\n"
      "in_coroutine(baton.fs.write, 'x.txt', 'y')\n",
      "false | baton.fs.read can only wait in a command handler or a timer "
      "callback, not inside a coroutine of your own or at load time\n"
      "false | baton.fs.write can only wait in a command handler or a timer "
      "callback, not inside a coroutine of your own or at load time\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_wrong_types_and_nul_bytes_raise_naming_the_function, setup,
          teardown),
      cmocka_unit_test_setup_teardown(
          test_a_missing_file_returns_the_failure_triple, setup, teardown),
      cmocka_unit_test_setup_teardown(test_without_permission_it_raises, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_from_a_coroutine_of_the_plugin_it_raises, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
