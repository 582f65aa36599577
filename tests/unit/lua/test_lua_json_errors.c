/* Tests of core/lua/lua_json.c: baton.json: the error paths of the binding, run
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

static void test_wrong_arguments_and_options_raise(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.json.encode, {}, { prety = true })\n"
      "raises(baton.json.encode, print)\n"
      "raises(baton.json.decode, {})\n"
      "raises(baton.json.object, 'x')\n",
      "baton.json.encode: unknown option 'prety' (did you mean 'pretty'?); the "
      "option is pretty\n"
      "baton.json.encode: a function value has no JSON form\n"
      "baton.json.decode: the text must be a string, not a table\n"
      "baton.json.object: the argument must be a table, not a string\n");
}

static void test_bad_text_returns_the_failure_triple(void **state) {
  expect_binding(
      *state, NULL,
      "show(baton.json.decode('[1,'))\n"
      "show(baton.json.decode('{\"a\":1,\"a\":2}'))\n",
      "nil | EPARSE: line 1, column 3: ']' expected near end of file | EPARSE\n"
      "nil | EPARSE: line 1, column 10: duplicate object key near '\"a\"' | "
      "EPARSE\n");
}

static void test_from_a_coroutine_of_the_plugin(void **state) {
  expect_binding(*state, NULL, "in_coroutine(baton.json.decode, '[1,')\n",
                 "true | nil | EPARSE: line 1, column 3: ']' expected near end "
                 "of file | EPARSE\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_wrong_arguments_and_options_raise,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_text_returns_the_failure_triple,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_from_a_coroutine_of_the_plugin,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
