/* Tests of core/lua/lua_ics.c: baton.ics: the error paths of the binding, run
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

static void test_wrong_arguments_raise(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.ics.holidays, {})\n"
      "raises(baton.ics.holidays, 'a\\0b')\n"
      "raises(baton.ics.calendar, 5)\n"
      "raises(baton.ics.calendar, { name = 'x', events = { 1 } })\n"
      "raises(baton.ics.calendar, { name = 'x', stamp = 'now', events = {} "
      "})\n",
      "baton.ics.holidays: text must be a string, not a table\n"
      "baton.ics.holidays: text holds a NUL byte (byte 2 of 3), where C would "
      "cut it short; remove it\n"
      "baton.ics.calendar: the calendar must be a table, not a number\n"
      "baton.ics.calendar: events[1] must be a table\n"
      "baton.ics.calendar: stamp must look like 20260901T080000Z, not 'now'\n");
}

static void test_bad_text_returns_the_failure_triple(void **state) {
  expect_binding(*state, NULL,
                 "show(baton.ics.holidays('nope'))\n"
                 "show(baton.ics.holidays('BEGIN:VCALENDAR\\nBEGIN:"
                 "VEVENT\\nSUMMARY:x\\nEND:VEVENT\\nEND:VCALENDAR\\n'))\n",
                 "nil | EPARSE: not iCalendar: expected BEGIN:VCALENDAR ... "
                 "END:VCALENDAR (export the calendar as .ics) | EPARSE\n"
                 "nil | EPARSE: line 3: a VEVENT has no DTSTART; give each "
                 "closure its first day | EPARSE\n");
}

static void test_from_a_coroutine_of_the_plugin(void **state) {
  expect_binding(*state, NULL, "in_coroutine(baton.ics.holidays, 'nope')\n",
                 "true | nil | EPARSE: not iCalendar: expected BEGIN:VCALENDAR "
                 "... END:VCALENDAR (export the calendar as .ics) | EPARSE\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_wrong_arguments_raise, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_bad_text_returns_the_failure_triple,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_from_a_coroutine_of_the_plugin,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
