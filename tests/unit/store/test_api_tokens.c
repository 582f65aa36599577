/* tests/unit/store/test_api_tokens.c: core/store/api_tokens.c: a token
 * acts with its account's role as it is now, labels, revoking one or all,
 * what is refused (revoked token or account, a person who left, unknown
 * or cut short), last use kept to the hour, and the token never stored. */
#include <string.h>

#include <sqlite3.h>

#include "store_helpers.h"

#define NOW 1800000000LL /* a fixed clock: 2027-01-15 */

/* T001 a staff account, T002 a viewer, T003 a person with no account. */
static void setup_accounts(baton_store_t *s) {
  assert_int_equal(sqlite3_exec(s->db,
                                "INSERT INTO people(id, name) VALUES "
                                "('T001', 'Ada Byron'), ('T002', 'Ben Ode'), "
                                "('T003', 'Cy Twombly');"
                                "INSERT INTO baton_users(person_id, role, "
                                "created) VALUES ('T001', 'staff', 1), "
                                "('T002', 'viewer', 1)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
}

static void exec(baton_store_t *s, const char *sql) {
  assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* Checks tok at now: returns the store's answer; *who/role filled. */
static int check(baton_store_t *s, const char *tok, long long now, char who[16],
                 char role[12]) {
  char *person = NULL;
  int err = baton_api_token_check(s, tok, now, &person, role, 12);
  snprintf(who, 16, "%s", person ? person : "");
  free(person);
  return err;
}

static void test_token_acts_with_the_accounts_role_as_it_is_now(void **state) {
  fx_t *f = *state;
  setup_accounts(f->s);
  char tok[BATON_TOKEN_SIZE], label[BATON_API_LABEL_MAX + 1], who[16], role[12];
  assert_int_equal(baton_api_token_create(f->s, "T001", NULL, NOW, tok, label),
                   0);
  assert_int_equal(strlen(tok), 43);
  assert_string_equal(label, "token-1");
  assert_int_equal(check(f->s, tok, NOW + 1, who, role), 0);
  assert_string_equal(who, "T001");
  assert_string_equal(role, "staff");
  assert_int_equal(baton_users_role_set(f->s, "T001", "viewer"), 0);
  assert_int_equal(check(f->s, tok, NOW + 2, who, role), 0);
  assert_string_equal(role, "viewer");
}

static void
test_labels_default_in_turn_and_must_be_unique_in_use(void **state) {
  fx_t *f = *state;
  setup_accounts(f->s);
  char tok[BATON_TOKEN_SIZE], label[BATON_API_LABEL_MAX + 1];
  assert_int_equal(
      baton_api_token_create(f->s, "T001", "export", NOW, tok, label), 0);
  assert_string_equal(label, "export");
  assert_int_equal(baton_api_token_create(f->s, "T001", NULL, NOW, tok, label),
                   0);
  assert_string_equal(label, "token-1");
  assert_int_equal(baton_api_token_create(f->s, "T001", NULL, NOW, tok, label),
                   0);
  assert_string_equal(label, "token-2");
  assert_int_equal(
      baton_api_token_create(f->s, "T001", "export", NOW, tok, label),
      BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s),
                         "already has a token labelled 'export'"));
  assert_int_equal(baton_api_token_create(f->s, "T001", "", NOW, tok, label),
                   BATON_EINVAL);
  assert_int_equal(
      baton_api_token_create(f->s, "T001", "a\nb", NOW, tok, label),
      BATON_EINVAL);
  char long_label[BATON_API_LABEL_MAX + 2];
  memset(long_label, 'x', sizeof long_label - 1);
  long_label[sizeof long_label - 1] = '\0';
  assert_int_equal(
      baton_api_token_create(f->s, "T001", long_label, NOW, tok, label),
      BATON_EINVAL);
  /* Another person may use the same label; a revoked one frees it. */
  assert_int_equal(
      baton_api_token_create(f->s, "T002", "export", NOW, tok, label), 0);
  assert_int_equal(baton_api_token_revoke(f->s, "T001", "export", NOW, NULL),
                   0);
  assert_int_equal(
      baton_api_token_create(f->s, "T001", "export", NOW, tok, label), 0);
}

static void test_only_an_account_that_may_sign_in_gets_a_token(void **state) {
  fx_t *f = *state;
  setup_accounts(f->s);
  char tok[BATON_TOKEN_SIZE] = "unchanged";
  assert_int_equal(baton_api_token_create(f->s, "T003", NULL, NOW, tok, NULL),
                   BATON_ENOTFOUND);
  assert_non_null(strstr(baton_store_last_error(f->s),
                         "`baton users invite T003` makes one"));
  assert_int_equal(baton_api_token_create(f->s, "T404", NULL, NOW, tok, NULL),
                   BATON_ENOTFOUND);
  assert_int_equal(baton_users_revoke(f->s, "T002", NOW), 0);
  assert_int_equal(baton_api_token_create(f->s, "T002", NULL, NOW, tok, NULL),
                   BATON_EPERM);
  assert_non_null(
      strstr(baton_store_last_error(f->s), "had their account revoked"));
  exec(f->s, "UPDATE people SET active = 0 WHERE id = 'T001'");
  assert_int_equal(baton_api_token_create(f->s, "T001", NULL, NOW, tok, NULL),
                   BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "no longer active"));
  assert_string_equal(scalar(f->s, "SELECT count(*) FROM baton_api_tokens"),
                      "0");
}

static void test_refused_when_revoked_unknown_or_the_person_left(void **state) {
  fx_t *f = *state;
  setup_accounts(f->s);
  char a[BATON_TOKEN_SIZE], b[BATON_TOKEN_SIZE], who[16], role[12];
  assert_int_equal(baton_api_token_create(f->s, "T001", "a", NOW, a, NULL), 0);
  assert_int_equal(baton_api_token_create(f->s, "T001", "b", NOW, b, NULL), 0);
  char cut[BATON_TOKEN_SIZE];
  snprintf(cut, sizeof cut, "%.42s", a);
  assert_int_equal(check(f->s, cut, NOW, who, role), BATON_EPERM);
  assert_string_equal(who, "");
  assert_non_null(strstr(baton_store_last_error(f->s), "not a token baton"));
  assert_int_equal(check(f->s, "", NOW, who, role), BATON_EPERM);

  int n = -1;
  assert_int_equal(baton_api_token_revoke(f->s, "T001", "a", NOW, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(check(f->s, a, NOW, who, role), BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "was revoked"));
  assert_string_equal(role, "");
  assert_int_equal(check(f->s, b, NOW, who, role), 0);

  exec(f->s, "UPDATE baton_users SET revoked = 1 WHERE person_id = 'T001'");
  assert_int_equal(check(f->s, b, NOW, who, role), BATON_EPERM);
  assert_non_null(
      strstr(baton_store_last_error(f->s), "account that was revoked"));
  exec(f->s, "UPDATE baton_users SET revoked = NULL WHERE person_id = 'T001'");
  exec(f->s, "UPDATE people SET active = 0 WHERE id = 'T001'");
  assert_int_equal(check(f->s, b, NOW, who, role), BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "no longer active"));
}

static void
test_revoke_names_the_nearest_label_and_all_takes_every_one(void **state) {
  fx_t *f = *state;
  setup_accounts(f->s);
  char tok[BATON_TOKEN_SIZE];
  assert_int_equal(
      baton_api_token_create(f->s, "T001", "nightly", NOW, tok, NULL), 0);
  assert_int_equal(baton_api_token_create(f->s, "T001", NULL, NOW, tok, NULL),
                   0);
  int n = -1;
  assert_int_equal(baton_api_token_revoke(f->s, "T001", "nightyl", NOW, &n),
                   BATON_ENOTFOUND);
  assert_int_equal(n, 0);
  assert_non_null(
      strstr(baton_store_last_error(f->s), "(did you mean 'nightly'?)"));
  assert_int_equal(baton_api_token_revoke(f->s, "T003", NULL, NOW, &n),
                   BATON_ENOTFOUND);
  assert_int_equal(baton_api_token_revoke(f->s, "T001", NULL, NOW + 5, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(baton_api_token_revoke(f->s, "T001", NULL, NOW + 9, &n), 0);
  assert_int_equal(n, 0); /* none left in use: not an error */
  assert_string_equal(scalar(f->s, "SELECT group_concat(revoked) FROM "
                                   "baton_api_tokens"),
                      "1800000005,1800000005");
}

static void test_last_use_is_written_at_most_hourly(void **state) {
  fx_t *f = *state;
  setup_accounts(f->s);
  char tok[BATON_TOKEN_SIZE], who[16], role[12];
  assert_int_equal(baton_api_token_create(f->s, "T001", NULL, NOW, tok, NULL),
                   0);
  const char *q = "SELECT last_used FROM baton_api_tokens";
  assert_int_equal(check(f->s, tok, NOW + 10, who, role), 0);
  assert_string_equal(scalar(f->s, q), "1800000010");
  long long before = sqlite3_total_changes64(f->s->db);
  assert_int_equal(check(f->s, tok, NOW + 10 + 3599, who, role), 0);
  assert_string_equal(scalar(f->s, q), "1800000010");
  assert_true(sqlite3_total_changes64(f->s->db) == before); /* no write */
  assert_int_equal(check(f->s, tok, NOW + 10 + 3600, who, role), 0);
  assert_string_equal(scalar(f->s, q), "1800003610");
}

static int list_row(const baton_api_token_t *t, void *ud) {
  char *out = ud;
  snprintf(out + strlen(out), 256 - strlen(out), "%s:%s:%s:%d;", t->person_id,
           t->name, t->label, t->revoked != 0);
  return 0;
}

static void test_list_and_files_never_hold_a_token(void **state) {
  fx_t *f = *state;
  setup_accounts(f->s);
  char a[BATON_TOKEN_SIZE], b[BATON_TOKEN_SIZE];
  assert_int_equal(baton_api_token_create(f->s, "T001", "x", NOW, a, NULL), 0);
  assert_int_equal(baton_api_token_create(f->s, "T002", "y", NOW + 1, b, NULL),
                   0);
  assert_int_equal(baton_api_token_revoke(f->s, "T002", "y", NOW, NULL), 0);
  char out[256] = "";
  assert_int_equal(baton_api_tokens_each(f->s, NULL, list_row, out), 0);
  assert_string_equal(out, "T001:Ada Byron:x:0;T002:Ben Ode:y:1;");
  out[0] = '\0';
  assert_int_equal(baton_api_tokens_each(f->s, "T002", list_row, out), 0);
  assert_string_equal(out, "T002:Ben Ode:y:1;");
  assert_int_equal(baton_api_tokens_each(f->s, "T003", list_row, out),
                   BATON_ENOTFOUND);
  assert_string_equal(
      scalar(f->s, "SELECT count(*) FROM baton_api_tokens WHERE "
                   "typeof(token_hash) = 'blob' AND length(token_hash) = 32"),
      "2");
  char sql[160];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM baton_api_tokens WHERE token_hash = '%s' OR "
           "label = '%s'",
           a, a);
  assert_string_equal(scalar(f->s, sql), "0");
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_token_acts_with_the_accounts_role_as_it_is_now),
      T(test_labels_default_in_turn_and_must_be_unique_in_use),
      T(test_only_an_account_that_may_sign_in_gets_a_token),
      T(test_refused_when_revoked_unknown_or_the_person_left),
      T(test_revoke_names_the_nearest_label_and_all_takes_every_one),
      T(test_last_use_is_written_at_most_hourly),
      T(test_list_and_files_never_hold_a_token),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
