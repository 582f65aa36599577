/* tests/unit/store/test_users.c: core/store/users.c: invitations used
 * once, expiry, revocation, passphrases as argon2id, sessions, and no
 * token or passphrase stored as given. */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include <sqlite3.h>

#include "store_helpers.h"

#define NOW 1800000000LL /* a fixed clock: 2027-01-15 */

static void add_people(baton_store_t *s) {
  assert_int_equal(sqlite3_exec(s->db,
                                "INSERT INTO people(id, name) VALUES "
                                "('T001', 'Ada Byron'), ('T002', 'Ben Ode')",
                                NULL, NULL, NULL),
                   SQLITE_OK);
}

static int count_user(const baton_user_t *u, void *ud) {
  char *out = ud;
  snprintf(out + strlen(out), 128 - strlen(out), "%s:%s:%d:%d;", u->person_id,
           u->role, u->has_passphrase, u->revoked != 0);
  return 0;
}

/* Invites one person. */
static int invite1(baton_store_t *s, const char *person, const char *role,
                   long long now, char tok[BATON_TOKEN_SIZE], long long *exp) {
  return baton_users_invite(s, &person, 1, role, now,
                            (char(*)[BATON_TOKEN_SIZE])tok, exp);
}

/* Whether the database's files (the file and its WAL, where a fresh
 * write is) hold `text` anywhere, in any table or index. */
static int files_hold(fx_t *f, const char *text) {
  const char *names[] = {"baton.db", "baton.db-wal"};
  int found = 0;
  for (size_t i = 0; i < 2 && !found; i++) {
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (baton__file_read(scratch_path(f->t, names[i]), &data, &len, &err) == 0)
      found = memmem(data, len, text, strlen(text)) != NULL;
    free(data);
    free(err);
  }
  return found;
}

static void test_invitation_is_used_once(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], *who = NULL;
  long long exp = 0;
  assert_int_equal(invite1(f->s, "T001", "coordinator", NOW, tok, &exp), 0);
  assert_int_equal(strlen(tok), 43);
  assert_int_equal(exp, NOW + 7 * 24 * 3600);
  assert_int_equal(baton_users_redeem(f->s, tok, NOW + 60, &who), 0);
  assert_string_equal(who, "T001");
  free(who);
  assert_int_equal(baton_users_redeem(f->s, tok, NOW + 61, &who), BATON_EPERM);
  assert_null(who);
  assert_non_null(strstr(baton_store_last_error(f->s), "already used"));
  char role[16];
  assert_int_equal(baton_users_role_get(f->s, "T001", role, sizeof role), 0);
  assert_string_equal(role, "coordinator");
}

static void test_invitation_expires_after_seven_days(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], *who = NULL;
  assert_int_equal(invite1(f->s, "T002", NULL, NOW, tok, NULL), 0);
  assert_int_equal(
      baton_users_redeem(f->s, tok, NOW + BATON_INVITATION_SECONDS, &who),
      BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "expired on"));
  assert_int_equal(
      baton_users_redeem(f->s, tok, NOW + BATON_INVITATION_SECONDS - 1, &who),
      0);
  free(who);
}

static void
test_new_invitation_replaces_the_old_and_revoke_cancels(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char a[BATON_TOKEN_SIZE], b[BATON_TOKEN_SIZE], *who = NULL;
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, a, NULL), 0);
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, b, NULL), 0);
  assert_string_not_equal(a, b);
  assert_int_equal(baton_users_redeem(f->s, a, NOW, &who), BATON_EPERM);
  assert_int_equal(baton_users_revoke(f->s, "T001", NOW), 0);
  assert_int_equal(baton_users_redeem(f->s, b, NOW, &who), BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "revoked"));
  assert_null(who);
}

static void test_wrong_or_cut_token_is_refused(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], *who = NULL;
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  char cut[BATON_TOKEN_SIZE];
  memcpy(cut, tok, 41);
  cut[41] = '\0';
  assert_int_equal(baton_users_redeem(f->s, cut, NOW, &who), BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "not one baton made"));
  tok[0] = tok[0] == 'A' ? 'B' : 'A';
  assert_int_equal(baton_users_redeem(f->s, tok, NOW, &who), BATON_EPERM);
  assert_int_equal(baton_users_redeem(f->s, "", NOW, &who), BATON_EPERM);
  assert_null(who);
}

static void test_invite_is_all_or_nothing(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  const char *who[] = {"T001", "T999"};
  char toks[2][BATON_TOKEN_SIZE], out[128] = "";
  assert_int_equal(baton_users_invite(f->s, who, 2, NULL, NOW, toks, NULL),
                   BATON_ENOTFOUND);
  assert_int_equal(baton_users_each(f->s, count_user, out), 0);
  assert_string_equal(out, "");
  who[1] = "T002";
  assert_int_equal(baton_users_invite(f->s, who, 2, NULL, NOW, toks, NULL), 0);
  assert_int_equal(baton_users_each(f->s, count_user, out), 0);
  assert_string_equal(out, "T001:staff:0:0;T002:staff:0:0;");
}

static void test_unknown_person_and_role_are_named(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE];
  assert_int_equal(invite1(f->s, "T00l", NULL, NOW, tok, NULL),
                   BATON_ENOTFOUND);
  assert_non_null(strstr(baton_store_last_error(f->s), "did you mean 'T001'"));
  assert_int_equal(invite1(f->s, "T001", "admin", NOW, tok, NULL),
                   BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s), "unknown role 'admin'"));
  assert_int_equal(baton_users_role_set(f->s, "T002", "staff"),
                   BATON_ENOTFOUND);
  assert_int_equal(baton_users_revoke(f->s, "T002", NOW), BATON_ENOTFOUND);
}

static void test_passphrase_is_argon2id_and_verifies(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE];
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  assert_int_equal(baton_users_set_passphrase(f->s, "T001", "short one"),
                   BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s), "at least 10"));
  assert_int_equal(baton_users_check_passphrase(f->s, "T001", "correct horse"),
                   BATON_EPERM); /* none set yet: links only */
  assert_int_equal(
      baton_users_set_passphrase(f->s, "T001", "correct horse battery"), 0);
  assert_int_equal(
      baton_users_check_passphrase(f->s, "T001", "correct horse battery"), 0);
  assert_int_equal(
      baton_users_check_passphrase(f->s, "T001", "correct horse batterY"),
      BATON_EPERM);
  assert_int_equal(
      baton_users_check_passphrase(f->s, "T002", "correct horse battery"),
      BATON_EPERM);
  sqlite3_stmt *st;
  sqlite3_prepare_v2(f->s->db, "SELECT passphrase FROM baton_users", -1, &st,
                     NULL);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_memory_equal(sqlite3_column_text(st, 0), "$argon2id$", 10);
  sqlite3_finalize(st);
  assert_false(files_hold(f, "correct horse battery"));
  assert_int_equal(baton_users_revoke(f->s, "T001", NOW), 0);
  assert_int_equal(
      baton_users_check_passphrase(f->s, "T001", "correct horse battery"),
      BATON_EPERM);
}

static void test_tokens_are_never_stored_in_clear(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], id[BATON_TOKEN_SIZE], csrf[BATON_TOKEN_SIZE];
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 3600, id, csrf), 0);
  assert_false(files_hold(f, tok));
  assert_false(files_hold(f, id));
  /* The search finds what is there: the CSRF secret is kept as given (a
   * form must be compared with it; alone it signs nobody in). */
  assert_true(files_hold(f, csrf));
  assert_true(files_hold(f, "Ada Byron"));
}

static void test_a_person_who_left_cannot_sign_in(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], t2[BATON_TOKEN_SIZE], id[BATON_TOKEN_SIZE],
      csrf[BATON_TOKEN_SIZE], *who = NULL;
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  assert_int_equal(
      baton_users_set_passphrase(f->s, "T001", "correct horse battery"), 0);
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 3600, id, csrf), 0);
  assert_int_equal(sqlite3_exec(f->s->db,
                                "UPDATE people SET active = 0 WHERE id = "
                                "'T001'",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  assert_int_equal(baton_users_redeem(f->s, tok, NOW, &who), BATON_EPERM);
  assert_non_null(strstr(baton_store_last_error(f->s), "left the staff list"));
  assert_int_equal(baton_session_check(f->s, id, NOW, &who, NULL), BATON_EPERM);
  assert_int_equal(
      baton_users_check_passphrase(f->s, "T001", "correct horse battery"),
      BATON_EPERM);
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 3600, id, csrf),
                   BATON_EPERM);
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, t2, NULL), BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s), "no longer active"));
  assert_null(who);
}

static void test_sessions_check_expire_end_and_die_with_revoke(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], id[BATON_TOKEN_SIZE], id2[BATON_TOKEN_SIZE],
      csrf[BATON_TOKEN_SIZE], got[BATON_TOKEN_SIZE], *who = NULL;
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 3600, id, csrf),
                   BATON_EPERM); /* no account yet */
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 3600, id, csrf), 0);
  assert_int_equal(baton_session_check(f->s, id, NOW + 10, &who, got), 0);
  assert_string_equal(who, "T001");
  assert_string_equal(got, csrf);
  free(who);
  assert_int_equal(baton_session_check(f->s, id, NOW + 3600, &who, NULL),
                   BATON_EPERM);
  assert_int_equal(baton_session_end(f->s, id), 0);
  assert_int_equal(baton_session_check(f->s, id, NOW, &who, NULL), BATON_EPERM);
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 3600, id2, csrf), 0);
  assert_int_equal(baton_users_revoke(f->s, "T001", NOW), 0);
  assert_int_equal(baton_session_check(f->s, id2, NOW, &who, NULL),
                   BATON_EPERM);
  assert_null(who);
}

static void test_list_and_role_change(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], out[128] = "";
  assert_int_equal(invite1(f->s, "T002", "viewer", NOW, tok, NULL), 0);
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  assert_int_equal(baton_users_role_set(f->s, "T002", "staff"), 0);
  assert_int_equal(baton_users_revoke(f->s, "T001", NOW), 0);
  assert_int_equal(baton_users_each(f->s, count_user, out), 0);
  assert_string_equal(out, "T001:staff:0:1;T002:staff:0:0;");
}

/* The split check the server uses: the hash read on the loop (by id or
 * email), verified elsewhere; no account and no passphrase look alike. */
static void test_passphrase_get_by_id_or_email_then_verify(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  assert_int_equal(sqlite3_exec(f->s->db,
                                "UPDATE people SET email = 'Ada@School.example' "
                                "WHERE id = 'T001'",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  char tok[BATON_TOKEN_SIZE], hash[BATON_PASSPHRASE_HASH_SIZE], *who = NULL;
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  /* An account without a passphrase: refused, but the account is named
   * (so failures count against it). */
  assert_int_equal(baton_users_passphrase_get(f->s, "T001", &who, hash),
                   BATON_EPERM);
  assert_string_equal(who, "T001");
  free(who);
  char *why = NULL;
  assert_int_equal(baton_passphrase_hash("too short", hash, &why),
                   BATON_EINVAL);
  assert_non_null(strstr(why, "at least 10"));
  free(why);
  assert_int_equal(baton_passphrase_hash("a long passphrase", hash, NULL), 0);
  assert_int_equal(baton_users_set_passphrase_hash(f->s, "T001", hash), 0);
  assert_int_equal(baton_users_set_passphrase_hash(f->s, "T001", "plain"),
                   BATON_EINVAL);
  char got[BATON_PASSPHRASE_HASH_SIZE];
  assert_int_equal(
      baton_users_passphrase_get(f->s, "ada@school.EXAMPLE", &who, got), 0);
  assert_string_equal(who, "T001");
  free(who);
  assert_true(baton_passphrase_verify(got, "a long passphrase"));
  assert_false(baton_passphrase_verify(got, "a long passphrasE"));
  assert_false(baton_passphrase_verify(NULL, "a long passphrase"));
  assert_false(baton_passphrase_verify("", "a long passphrase"));
  assert_int_equal(baton_users_check_passphrase(f->s, "T001",
                                                "a long passphrase"),
                   0);
  assert_int_equal(baton_users_passphrase_get(f->s, "T404", &who, got),
                   BATON_EPERM);
  assert_null(who);
  assert_int_equal(baton_users_revoke(f->s, "T001", NOW), 0);
  assert_int_equal(baton_users_passphrase_get(f->s, "T001", &who, got),
                   BATON_EPERM);
  free(who);
}

static void test_purge_deletes_only_expired_sessions(void **state) {
  fx_t *f = *state;
  add_people(f->s);
  char tok[BATON_TOKEN_SIZE], a[BATON_TOKEN_SIZE], b[BATON_TOKEN_SIZE],
      csrf[BATON_TOKEN_SIZE], *who = NULL;
  assert_int_equal(invite1(f->s, "T001", NULL, NOW, tok, NULL), 0);
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 60, a, csrf), 0);
  assert_int_equal(baton_session_create(f->s, "T001", NOW, 3600, b, csrf), 0);
  int n = -1;
  assert_int_equal(baton_sessions_purge(f->s, NOW + 60, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(baton_session_check(f->s, b, NOW + 60, &who, NULL), 0);
  free(who);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(f->s->db,
                                      "SELECT count(*) FROM baton_sessions", -1,
                                      &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_invitation_is_used_once),
      T(test_invitation_expires_after_seven_days),
      T(test_new_invitation_replaces_the_old_and_revoke_cancels),
      T(test_wrong_or_cut_token_is_refused),
      T(test_invite_is_all_or_nothing),
      T(test_unknown_person_and_role_are_named),
      T(test_passphrase_is_argon2id_and_verifies),
      T(test_tokens_are_never_stored_in_clear),
      T(test_a_person_who_left_cannot_sign_in),
      T(test_sessions_check_expire_end_and_die_with_revoke),
      T(test_list_and_role_change),
      T(test_passphrase_get_by_id_or_email_then_verify),
      T(test_purge_deletes_only_expired_sessions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
