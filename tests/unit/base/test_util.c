/* Tests of core/base/util.c: buffers, files, suggestions and dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base.h"

static void test_buf_grows_and_stays_terminated(void **state) {
  (void)state;
  baton_buf_t b = {0};
  for (int i = 0; i < 1000; i++)
    assert_int_equal(baton__buf_printf(&b, "%d,", i), 0);
  assert_int_equal(b.data[b.len], '\0');
  assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
  assert_true(b.len > 3000);
  baton__buf_free(&b);
  assert_null(b.data);
}

static void test_file_write_atomic_then_read_round_trips(void **state) {
  (void)state;
  char dir[] = "/tmp/baton-util-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char *path = baton__asprintf("%s/f.txt", dir);
  const char data[] = "line one\nline two\0with a NUL";
  assert_int_equal(baton__file_write_atomic(path, data, sizeof data, NULL), 0);
  char *got;
  size_t len;
  assert_int_equal(baton__file_read(path, &got, &len, NULL), 0);
  assert_int_equal(len, sizeof data);
  assert_memory_equal(got, data, sizeof data);
  free(got);
  /* No temporary file is left beside it. */
  char *cmd = baton__asprintf("test $(ls %s | wc -l) -eq 1", dir);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  unlink(path);
  rmdir(dir);
  free(path);
}

static void test_file_read_missing_names_the_file(void **state) {
  (void)state;
  char *data, *err = NULL;
  assert_int_equal(baton__file_read("/nonexistent/x.csv", &data, NULL, &err),
                   BATON_ENOENT);
  assert_null(data);
  assert_non_null(strstr(err, "/nonexistent/x.csv"));
  free(err);
}

static void test_file_write_to_missing_dir_fails_cleanly(void **state) {
  (void)state;
  char *err = NULL;
  assert_int_equal(baton__file_write_atomic("/nonexistent/d/f", "x", 1, &err),
                   BATON_ENOENT);
  assert_non_null(strstr(err, "/nonexistent/d/f"));
  free(err);
}

static void test_edit_distance_counts_edits(void **state) {
  (void)state;
  assert_int_equal(baton__edit_distance("times", "times"), 0);
  assert_int_equal(baton__edit_distance("tims", "times"), 1);
  assert_int_equal(baton__edit_distance("kitten", "sitting"), 3);
  assert_int_equal(baton__edit_distance("", "abc"), 3);
}

static void test_suggest_offers_close_words_only(void **state) {
  (void)state;
  const char *c[] = {"--times", "--who", "--help"};
  assert_string_equal(baton__suggest("--tims", c, 3), "--times");
  assert_string_equal(baton__suggest("--hepl", c, 3), "--help");
  assert_null(baton__suggest("--frobnicate", c, 3));
}

static void test_date_parse_accepts_real_days_only(void **state) {
  (void)state;
  int y, m, d;
  assert_int_equal(baton__date_parse("2026-09-01", &y, &m, &d), 0);
  assert_int_equal(y, 2026);
  assert_int_equal(m, 9);
  assert_int_equal(d, 1);
  assert_int_equal(baton__date_parse("2028-02-29", NULL, NULL, NULL), 0);
  assert_int_equal(baton__date_parse("2000-02-29", NULL, NULL, NULL), 0);
  assert_int_equal(baton__date_parse("1900-02-29", NULL, NULL, NULL), BATON_EINVAL);
  assert_int_equal(baton__date_parse("2026-02-29", NULL, NULL, NULL), BATON_EINVAL);
  assert_int_equal(baton__date_parse("2026-13-01", NULL, NULL, NULL), BATON_EINVAL);
  assert_int_equal(baton__date_parse("2026-04-31", NULL, NULL, NULL), BATON_EINVAL);
  assert_int_equal(baton__date_parse("2026-9-1", NULL, NULL, NULL), BATON_EINVAL);
  assert_int_equal(baton__date_parse("2026-09-01x", NULL, NULL, NULL), BATON_EINVAL);
  assert_int_equal(baton__date_parse("", NULL, NULL, NULL), BATON_EINVAL);
}

static void test_error_codes_have_names_and_sentences(void **state) {
  (void)state;
  assert_string_equal(baton_err_name(BATON_ENOENT), "ENOENT");
  assert_string_equal(baton_strerror(BATON_ETIMEDOUT), "time limit exceeded");
  assert_string_equal(baton_err_name(12345), "UNKNOWN");
  assert_string_equal(baton_strerror(0), "success");
}

static void test_grow_doubles_and_refuses_without_changing(void **state) {
  (void)state;
  int *v = NULL;
  size_t n = 0, cap = 0;
  for (int i = 0; i < 100; i++) {
    assert_int_equal(BATON_GROW(v, n, cap, 4), 0);
    v[n++] = i;
  }
  assert_int_equal(cap, 128); /* 4, 8, ..., 128 */
  for (int i = 0; i < 100; i++)
    assert_int_equal(v[i], i);
  assert_int_equal(BATON_GROW(v, 50, cap, 4), 0); /* room already */
  assert_int_equal(cap, 128);
  /* A size that would overflow is refused; the array stays as it was. */
  int *keep = v;
  size_t kept = cap;
  assert_int_equal(baton__grow(&v, &cap, cap, SIZE_MAX / 64, 4),
                   BATON_ENOMEM);
  assert_ptr_equal(v, keep);
  assert_int_equal(cap, kept);
  assert_int_equal(v[99], 99);
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buf_grows_and_stays_terminated),
      cmocka_unit_test(test_grow_doubles_and_refuses_without_changing),
      cmocka_unit_test(test_file_write_atomic_then_read_round_trips),
      cmocka_unit_test(test_file_read_missing_names_the_file),
      cmocka_unit_test(test_file_write_to_missing_dir_fails_cleanly),
      cmocka_unit_test(test_edit_distance_counts_edits),
      cmocka_unit_test(test_suggest_offers_close_words_only),
      cmocka_unit_test(test_date_parse_accepts_real_days_only),
      cmocka_unit_test(test_error_codes_have_names_and_sentences),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
