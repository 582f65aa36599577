/* Tests of core/lua/lua_fs.c: baton.fs's error paths (wrong arguments,
 * NUL bytes, missing permission, the failure triple, a call from a
 * coroutine the plugin made). */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void test_probe(void **state) {
  char out[16384];
  int st = binding_run(*state, "  permissions = { 'fs.read', 'fs.write' },\n",
                       "raises(baton.fs.read, {})\n"
                       "raises(baton.fs.read, 'a\\0b')\n"
                       "show(baton.fs.read('missing.txt'))\n"
                       "show(baton.fs.stat('missing.txt'))\n"
                       "raises(baton.fs.write, 'x.txt', {})\n"
                       "in_coroutine(baton.fs.read, 'x.txt')\n",
                       out, sizeof out);
  fail_msg("%d\n%s", st, out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
