/* tests/unit/cli/test_guard.c: core/cli/serve/guard.c, the pure pieces of
 * signing in: the constant-time comparison of CSRF tokens, the window of
 * failed sign-ins (a moved clock), and the session cookie's form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "serve/serve.h"

static void test_same_secret_needs_every_byte(void **state) {
  (void)state;
  const char *csrf = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
  assert_true(baton__serve_same_secret(csrf, csrf));
  assert_false(baton__serve_same_secret("", csrf));
  /* A prefix, one more character, one character changed at either end. */
  assert_false(baton__serve_same_secret(
      "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd", csrf));
  assert_false(baton__serve_same_secret(
      "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdeX", csrf));
  assert_false(baton__serve_same_secret(
      "bbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde", csrf));
  assert_false(baton__serve_same_secret(
      "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdf", csrf));
}

#define T0 1800000000LL

static void
test_limit_blocks_after_max_failures_until_the_window_ends(void **state) {
  (void)state;
  static serve_limit_t l;
  baton__serve_limit_init(&l, 5, 900);
  for (int i = 0; i < 4; i++)
    baton__serve_limit_fail(&l, "T001", T0 + i);
  assert_int_equal(baton__serve_limit_wait(&l, "T001", T0 + 4), 0);
  baton__serve_limit_fail(&l, "T001", T0 + 4);
  /* The fifth failure: blocked until the window that began at T0 ends. */
  assert_int_equal(baton__serve_limit_wait(&l, "T001", T0 + 5), 895);
  assert_int_equal(baton__serve_limit_wait(&l, "T001", T0 + 899), 1);
  assert_int_equal(baton__serve_limit_wait(&l, "T001", T0 + 900), 0);
  /* Others are not blocked by T001's failures. */
  assert_int_equal(baton__serve_limit_wait(&l, "T002", T0 + 5), 0);
  /* After the window a failure starts a new one. */
  baton__serve_limit_fail(&l, "T001", T0 + 900);
  assert_int_equal(baton__serve_limit_wait(&l, "T001", T0 + 901), 0);
}

static void test_limit_success_resets_the_count(void **state) {
  (void)state;
  static serve_limit_t l;
  baton__serve_limit_init(&l, 3, 900);
  baton__serve_limit_fail(&l, "T001", T0);
  baton__serve_limit_fail(&l, "T001", T0);
  baton__serve_limit_reset(&l, "T001");
  baton__serve_limit_fail(&l, "T001", T0);
  baton__serve_limit_fail(&l, "T001", T0);
  assert_int_equal(baton__serve_limit_wait(&l, "T001", T0), 0);
  baton__serve_limit_fail(&l, "T001", T0);
  assert_true(baton__serve_limit_wait(&l, "T001", T0) > 0);
}

/* An attacker who floods the table with new keys evicts the oldest
 * counts, never his own current one: the key he attacks stays blocked. */
static void test_limit_flood_of_keys_does_not_unblock_the_newest(void **state) {
  (void)state;
  static serve_limit_t l;
  baton__serve_limit_init(&l, 2, 900);
  char key[32];
  for (int i = 0; i < SERVE_LIMIT_SLOTS + 10; i++) {
    snprintf(key, sizeof key, "guess%d", i);
    baton__serve_limit_fail(&l, key, T0 + 1 + i / 100);
  }
  baton__serve_limit_fail(&l, "victim", T0 + 20);
  baton__serve_limit_fail(&l, "victim", T0 + 20);
  for (int i = 0; i < 50; i++) {
    snprintf(key, sizeof key, "more%d", i);
    baton__serve_limit_fail(&l, key, T0 + 21);
  }
  assert_true(baton__serve_limit_wait(&l, "victim", T0 + 21) > 0);
}

static void test_session_cookie_is_found_and_checked(void **state) {
  (void)state;
  char id[BATON_TOKEN_SIZE];
  const char *good = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_6";
  char header[256];
  snprintf(header, sizeof header, "theme=dark; baton_session=%s; x=1", good);
  assert_true(baton__serve_session_cookie(header, id));
  assert_string_equal(id, good);
  snprintf(header, sizeof header, "baton_session=%s", good);
  assert_true(baton__serve_session_cookie(header, id));
  /* Another cookie whose name ends the same, one too short, a bad
   * character, an attacker's quotes, no header at all. */
  snprintf(header, sizeof header, "xbaton_session=%s", good);
  assert_false(baton__serve_session_cookie(header, id));
  assert_string_equal(id, "");
  assert_false(baton__serve_session_cookie(
      "baton_session=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_", id));
  assert_false(baton__serve_session_cookie(
      "baton_session=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_=", id));
  assert_false(baton__serve_session_cookie(
      "baton_session=\"bcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_\"", id));
  assert_false(baton__serve_session_cookie(NULL, id));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_secret_needs_every_byte),
      cmocka_unit_test(
          test_limit_blocks_after_max_failures_until_the_window_ends),
      cmocka_unit_test(test_limit_success_resets_the_count),
      cmocka_unit_test(test_limit_flood_of_keys_does_not_unblock_the_newest),
      cmocka_unit_test(test_session_cookie_is_found_and_checked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
