/* tests/unit/store/test_settings.c: core/store/settings.c: set, replace,
 * unset, and one plugin's settings apart from another's. */
#include "store_helpers.h"

static int join(const char *plugin, const char *key, const char *value,
                void *ud) {
  char *out = ud;
  size_t n = strlen(out);
  snprintf(out + n, 512 - n, "%s%s.%s=%s", n ? ";" : "", plugin, key, value);
  return 0;
}

static const char *all(baton_store_t *s, const char *plugin) {
  static char out[512];
  out[0] = '\0';
  assert_int_equal(baton_settings_each(s, plugin, join, out), 0);
  return out;
}

static void test_set_replace_and_unset(void **state) {
  fx_t *f = *state;
  assert_string_equal(all(f->s, NULL), "");
  assert_int_equal(baton_settings_set(f->s, "mentoring", "capacity", "3"), 0);
  assert_int_equal(baton_settings_set(f->s, "mentoring", "capacity", "4"), 0);
  assert_int_equal(baton_settings_set(f->s, "rotation", "weeks", "6"), 0);
  assert_string_equal(all(f->s, NULL),
                      "mentoring.capacity=4;rotation.weeks=6");
  assert_int_equal(baton_settings_set(f->s, "mentoring", "capacity", NULL), 0);
  assert_string_equal(all(f->s, NULL), "rotation.weeks=6");
  /* Unsetting what is not set is not an error. */
  assert_int_equal(baton_settings_set(f->s, "mentoring", "capacity", NULL), 0);
}

static void test_each_keeps_to_one_plugin(void **state) {
  fx_t *f = *state;
  assert_int_equal(baton_settings_set(f->s, "a", "k", "1"), 0);
  assert_int_equal(baton_settings_set(f->s, "ab", "k", "2"), 0);
  assert_int_equal(baton_settings_set(f->s, "b", "k", "3"), 0);
  assert_string_equal(all(f->s, "a"), "a.k=1");
  assert_string_equal(all(f->s, "b"), "b.k=3");
  assert_string_equal(all(f->s, "c"), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_set_replace_and_unset),
      T(test_each_keeps_to_one_plugin),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
