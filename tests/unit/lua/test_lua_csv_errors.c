/* Tests of core/lua/lua_csv.c: baton.csv: the error paths of the binding, run
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
  expect_binding(*state, NULL,
                 "raises(baton.csv.decode, {})\n"
                 "raises(baton.csv.decode, 'a', 'n\\0m')\n"
                 "raises(baton.csv.encode, {}, { headers = { 'a' } })\n"
                 "raises(baton.csv.encode, { { print } })\n"
                 "raises(baton.csv.encode, { { 'a\\0b' } })\n",
                 "baton.csv.decode: the text must be a string, not a table\n"
                 "baton.csv.decode: name holds a NUL byte (byte 2 of 3), where "
                 "C would cut it short; remove it\n"
                 "baton.csv.encode: unknown option 'headers' (did you mean "
                 "'header'?); the option is header\n"
                 "baton.csv.encode: row 1, cell 1 is a function; a cell is a "
                 "string, a number, a boolean or nil\n"
                 "baton.csv.encode: row 1, cell 1 holds a NUL byte (byte 2 of "
                 "3), where C would cut it short; remove it\n");
}

static void test_bad_text_returns_the_failure_triple(void **state) {
  expect_binding(
      *state, NULL,
      "show(baton.csv.decode('a,\"b\\n', 'x.csv'))\n"
      "show(baton.csv.decode('a,\\255\\n', 'y.csv'))\n",
      "nil | EPARSE: x.csv:1:2: a quoted cell is never closed (the file ends "
      "inside it); add the closing \" or, if the \" is part of the text, "
      "double it (\"\") and quote the whole cell | EPARSE\n"
      "nil | EPARSE: y.csv:1:2: cell 2 is not valid UTF-8 (bad byte 0xff at "
      "byte 1 of the cell); save the file as UTF-8 (in a spreadsheet: Save As, "
      "CSV UTF-8) | EPARSE\n");
}

static void test_from_a_coroutine_of_the_plugin(void **state) {
  expect_binding(
      *state, NULL, "in_coroutine(baton.csv.decode, 'a,\"b\\n')\n",
      "true | nil | EPARSE: csv:1:2: a quoted cell is never closed (the file "
      "ends inside it); add the closing \" or, if the \" is part of the text, "
      "double it (\"\") and quote the whole cell | EPARSE\n");
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
