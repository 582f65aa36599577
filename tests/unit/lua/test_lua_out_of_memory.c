/* Out of memory inside the bindings that need no host: every allocation
 * of a call fails once in turn (oom_sweep, tests/unit/helpers.h), and the
 * C memory the binding held when Lua raised must come back. Each case
 * names the leak it pins down (before core/lua/binding.h's boxes). */
#include <lualib.h>

#include "helpers.h"

static int open_csv(lua_State *L) { return baton__lua_open_csv(L); }
static int open_ics(lua_State *L) { return baton__lua_open_ics_lazy(L); }
static int open_json(lua_State *L) { return baton__lua_open_json(L); }
static int open_html(lua_State *L) { return baton__lua_open_html(L); }

/* baton.csv.decode copied rows while libcsv's reader was open: a raise
 * there unwound through libcsv and lost the reader's buffers. */
static void test_csv_decode_frees_the_reader(void **state) {
  (void)state;
  assert_true(oom_sweep(open_csv, "local s = string.rep('a,b,c\\n', 50)\n"
                                  "M.decode(s, 'x.csv')\n"
                                  "M.decode('a,\"b\\n', 'bad.csv')\n") > 10);
}

static void test_csv_encode_frees_its_scratch_buffer(void **state) {
  (void)state;
  assert_true(oom_sweep(open_csv,
                        "M.encode({{'a', '=b'}, {'c,d', 1}}, nil)\n"
                        "M.encode({{x = 1}}, {header = {'x'}})\n") > 5);
}

/* baton.ics.holidays held the parsed calendar (and an RRULE iterator)
 * while it pushed the list or the failure; calendar held the text while
 * it pushed it. */
static void test_ics_frees_the_calendar_and_its_text(void **state) {
  (void)state;
  assert_true(
      oom_sweep(open_ics,
                "local ics = M\n"
                "ics.holidays('BEGIN:VCALENDAR\\nBEGIN:VEVENT\\n"
                "DTSTART;VALUE=DATE:20260101\\nSUMMARY:a\\n"
                "RRULE:FREQ=WEEKLY;COUNT=5\\nEND:VEVENT\\nEND:VCALENDAR\\n')\n"
                "ics.holidays('nope')\n"
                "ics.calendar({name = 'n', stamp = '20260901T080000Z', "
                "events = {{uid = 'u', date = '2026-01-02', summary = 's'}}})"
                "\n") > 10);
}

/* baton.json.encode held jansson's complaint while it made the message. */
static void test_json_encode_frees_its_complaint(void **state) {
  (void)state;
  assert_true(oom_sweep(open_json, "pcall(M.encode, {f = print})\n"
                                   "M.decode('[1, {\"a\": 2}]')\n"
                                   "M.decode('[1,')\n") > 5);
}

/* baton.html holds its output in a box while it reads values and raises
 * for a missing one. */
static void test_html_frees_its_output(void **state) {
  (void)state;
  assert_true(oom_sweep(open_html,
                        "M.escape(string.rep('<a&b>', 40))\n"
                        "M.render(string.rep('<p>{{a}}{{{b}}}</p>', 20), "
                        "{a = '<x>', b = '<y>'})\n"
                        "pcall(M.render, '<p>{{a}}{{nope}}', {a = 'x'})\n") >
              5);
}

int main(int argc, char **argv) {
  (void)argc;
  oom_exact_heap(argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_decode_frees_the_reader),
      cmocka_unit_test(test_html_frees_its_output),
      cmocka_unit_test(test_csv_encode_frees_its_scratch_buffer),
      cmocka_unit_test(test_ics_frees_the_calendar_and_its_text),
      cmocka_unit_test(test_json_encode_frees_its_complaint),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
