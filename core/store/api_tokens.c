/* core/store/api_tokens.c: API tokens, with which a script acts as a
 * person (issue 16: "the existing write token becomes a per-user API
 * token for scripts").
 *
 * A token belongs to an account (core/store/users.c) and acts with that
 * account's role, read at each use: changing the role changes what the
 * token may do, and revoking the account or the person leaving the staff
 * list stops it. Like an invitation it is 32 random bytes handed out once
 * and kept only as its BLAKE2b hash (baton_token_new), so a lost token is
 * revoked and replaced, never shown again. A label names it among its
 * person's tokens ("token-1", "nightly-export") so that one can be revoked
 * without the others. The table is core migration 6 (core/store/store.c);
 * no plugin reaches it through SQL. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

/* Binds ?1 text, and ?2 integer, then steps once: returns SQLite's code;
 * *st is left for the caller to read and finalize (NULL if preparing
 * failed, with the store's message set). */
static int step_with(baton_store_t *s, const char *sql, const char *a,
                     long long n, baton__sql_stmt_t **st) {
  if (baton__store_prepare(s, sql, st) != 0)
    return SQLITE_ERROR;
  baton__bind_text(*st, 1, a);
  baton__sql_bind_int64(*st, 2, n); /* SQLITE_RANGE when sql has no ?2 */
  return baton__sql_step(*st);
}

/* Whether person's account may hold a token: 0, BATON_ENOTFOUND (no
 * account), BATON_EPERM (revoked, or the person left) or a database
 * error. */
static int account_usable(baton_store_t *s, const char *person) {
  baton__sql_stmt_t *st;
  int rc = step_with(s,
                     "SELECT u.revoked IS NOT NULL, p.active FROM baton_users "
                     "u JOIN people p ON p.id = u.person_id WHERE "
                     "u.person_id = ?1",
                     person, 0, &st);
  if (st == NULL)
    return BATON_ESTORE;
  int revoked = rc == SQLITE_ROW && (int)baton__sql_column_int64(st, 0);
  int left = rc == SQLITE_ROW && !(int)baton__sql_column_int64(st, 1);
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot read the accounts");
  if (rc == SQLITE_DONE)
    return baton__store_fail(s, BATON_ENOTFOUND,
                             "no account for '%s': `baton users invite %s` "
                             "makes one (a token acts with its account's "
                             "role); `baton users list` shows the accounts",
                             person, person);
  if (left)
    return baton__store_fail(s, BATON_EPERM,
                             "'%s' is no longer active in the staff list (an "
                             "import with --full marked them as left), so "
                             "cannot be given a token",
                             person);
  if (revoked)
    return baton__store_fail(s, BATON_EPERM,
                             "'%s' had their account revoked, so cannot be "
                             "given a token: `baton users invite %s` lets "
                             "them back",
                             person, person);
  return 0;
}

/* 1 if person has a token in use labelled label, 0 if not, or an error. */
static int label_taken(baton_store_t *s, const char *person,
                       const char *label) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s,
                                 "SELECT 1 FROM baton_api_tokens WHERE "
                                 "person_id = ?1 AND label = ?2 AND revoked "
                                 "IS NULL",
                                 &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, person);
  baton__bind_text(st, 2, label);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc == SQLITE_ROW;
  return baton__store_fail_sqlite(s, rc, "cannot read the API tokens");
}

/* The label's checks: 0 or BATON_EINVAL. */
static int bad_label(baton_store_t *s, const char *label) {
  size_t n = strlen(label);
  if (n == 0 || n > BATON_API_LABEL_MAX)
    return baton__store_fail(s, BATON_EINVAL,
                             "a token's label has 1 to %d characters (this "
                             "one has %zu): a word that says what the "
                             "script is, e.g. --label nightly-export",
                             BATON_API_LABEL_MAX, n);
  for (const char *p = label; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      return baton__store_fail(s, BATON_EINVAL,
                               "a token's label may not hold control "
                               "characters: use letters, digits, '-' or "
                               "spaces");
  return 0;
}

/* The first free of token-1, token-2, ... into out. */
static int free_label(baton_store_t *s, const char *person,
                      char out[BATON_API_LABEL_MAX + 1]) {
  for (int i = 1;; i++) {
    snprintf(out, BATON_API_LABEL_MAX + 1, "token-%d", i);
    int r = label_taken(s, person, out);
    if (r <= 0)
      return r;
  }
}

static int create_in(baton_store_t *s, const char *person, const char *label,
                     long long now, char token[BATON_TOKEN_SIZE],
                     char used[BATON_API_LABEL_MAX + 1]) {
  int err = account_usable(s, person);
  if (err != 0)
    return err;
  if (label == NULL) {
    if ((err = free_label(s, person, used)) != 0)
      return err;
  } else {
    if ((err = label_taken(s, person, label)) < 0)
      return err;
    if (err == 1)
      return baton__store_fail(s, BATON_EINVAL,
                               "'%s' already has a token labelled '%s': "
                               "choose another --label, or revoke that one "
                               "first (`baton users token-revoke %s '%s'`)",
                               person, label, person, label);
    snprintf(used, BATON_API_LABEL_MAX + 1, "%s", label);
  }
  unsigned char h[BATON_TOKEN_HASH_SIZE];
  baton_token_new(token, h);
  baton__sql_stmt_t *st;
  if ((err = baton__store_prepare(s,
                                  "INSERT INTO baton_api_tokens(token_hash, "
                                  "person_id, label, created) VALUES (?1, ?2, "
                                  "?3, ?4)",
                                  &st)) != 0)
    return err;
  baton__sql_bind_blob_copy(st, 1, h, sizeof h);
  baton__bind_text(st, 2, person);
  baton__bind_text(st, 3, used);
  baton__sql_bind_int64(st, 4, now);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  return rc == SQLITE_DONE
             ? 0
             : baton__store_fail_sqlite(s, rc, "cannot write the API token");
}

int baton_api_token_create(baton_store_t *s, const char *person,
                           const char *label, long long now,
                           char token[BATON_TOKEN_SIZE], char *label_out) {
  char used[BATON_API_LABEL_MAX + 1];
  int err = label ? bad_label(s, label) : 0;
  if (err != 0 || (err = baton__sodium_ready(s)) != 0 ||
      (err = baton__store_begin(s)) != 0)
    return err;
  if ((err = create_in(s, person, label, now, token, used)) != 0 ||
      (err = baton__store_commit(s)) != 0) {
    memset(token, 0, BATON_TOKEN_SIZE);
    baton__store_rollback(s);
    return err;
  }
  if (label_out != NULL)
    memcpy(label_out, used, strlen(used) + 1);
  return 0;
}

int baton_api_token_check(baton_store_t *s, const char *token, long long now,
                          char **person, char *role, size_t role_size) {
  *person = NULL;
  int err = baton__sodium_ready(s);
  if (err != 0)
    return err;
  unsigned char h[BATON_TOKEN_HASH_SIZE];
  baton_token_hash(token ? token : "", h);
  baton__sql_stmt_t *st;
  if ((err = baton__store_prepare(
           s,
           "SELECT t.person_id, u.role, t.revoked IS NOT NULL, u.revoked IS "
           "NOT NULL, p.active, coalesce(t.last_used, 0) FROM "
           "baton_api_tokens t JOIN baton_users u USING (person_id) JOIN "
           "people p ON p.id = t.person_id WHERE t.token_hash = ?1",
           &st)) != 0)
    return err;
  baton__sql_bind_blob_copy(st, 1, h, sizeof h);
  int rc = baton__sql_step(st);
  if (rc != SQLITE_ROW) {
    baton__sql_finalize(st);
    return rc == SQLITE_DONE
               ? baton__store_fail(s, BATON_EPERM,
                                   "not a token baton made (mistyped, cut "
                                   "short, or from another database): "
                                   "`baton users token PERSON` makes one")
               : baton__store_fail_sqlite(s, rc, "cannot read the API tokens");
  }
  char *who = baton__strdup(baton__col_text(st, 0));
  snprintf(role, role_size, "%s", baton__col_text(st, 1));
  int revoked = (int)baton__sql_column_int64(st, 2),
      account = (int)baton__sql_column_int64(st, 3);
  int left = !(int)baton__sql_column_int64(st, 4);
  long long last = baton__sql_column_int64(st, 5);
  baton__sql_finalize(st);
  if (who == NULL)
    return BATON_ENOMEM;
  if (revoked || account || left) {
    err = baton__store_fail(
        s, BATON_EPERM, "this API token %s: ask a coordinator for a new one",
        revoked   ? "was revoked"
        : account ? "is of an account that was revoked"
                  : "is of a person no longer active in the staff list");
    free(who);
    role[0] = '\0';
    return err;
  }
  /* To the hour: a request does not write the database (and so tell every
   * dashboard that the data changed) each time. Best effort: a failed
   * write does not refuse the token. */
  if (now - last >= BATON_API_TOUCH_SECONDS) {
    if (baton__store_prepare(s,
                             "UPDATE baton_api_tokens SET last_used = ?2 "
                             "WHERE token_hash = ?1",
                             &st) == 0) {
      baton__sql_bind_blob_copy(st, 1, h, sizeof h);
      baton__sql_bind_int64(st, 2, now);
      baton__sql_step(st);
      baton__sql_finalize(st);
    }
  }
  *person = who;
  return 0;
}

/* BATON_ENOTFOUND for a label person has no token in use under, naming
 * the nearest of theirs. */
static int no_label(baton_store_t *s, const char *person, const char *label) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s,
                                 "SELECT label FROM baton_api_tokens WHERE "
                                 "person_id = ?1 AND revoked IS NULL",
                                 &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, person);
  char **labels = NULL;
  size_t n = 0;
  while (baton__sql_step(st) == SQLITE_ROW) {
    char **g = realloc(labels, (n + 1) * sizeof *g);
    if (g == NULL)
      break;
    labels = g;
    if ((labels[n] = baton__strdup(baton__col_text(st, 0))) != NULL)
      n++;
  }
  baton__sql_finalize(st);
  const char *near = baton__suggest(label, (const char *const *)labels, n);
  err = baton__store_fail(s, BATON_ENOTFOUND,
                          "'%s' has no token in use labelled '%s'%s%s%s: "
                          "`baton users tokens %s` lists them",
                          person, label, near ? " (did you mean '" : "",
                          near ? near : "", near ? "'?)" : "", person);
  baton_names_free(labels, n);
  return err;
}

/* BATON_ENOTFOUND if person has no account, else 0 or an error. */
static int has_account(baton_store_t *s, const char *person) {
  baton__sql_stmt_t *st;
  int rc = step_with(s, "SELECT 1 FROM baton_users WHERE person_id = ?1",
                     person, 0, &st);
  baton__sql_finalize(st);
  if (st == NULL)
    return BATON_ESTORE;
  if (rc == SQLITE_ROW)
    return 0;
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot read the accounts");
  return baton__store_fail(s, BATON_ENOTFOUND,
                           "no account for '%s': `baton users list` shows "
                           "the accounts",
                           person);
}

int baton_api_token_revoke(baton_store_t *s, const char *person,
                           const char *label, long long now, int *count) {
  if (count)
    *count = 0;
  int err = has_account(s, person);
  if (err != 0)
    return err;
  baton__sql_stmt_t *st;
  if ((err =
           baton__store_prepare(s,
                                "UPDATE baton_api_tokens SET revoked = ?2 "
                                "WHERE person_id = ?1 AND revoked IS NULL "
                                "AND (CAST(?3 AS TEXT) IS NULL OR label = ?3)",
                                &st)) != 0)
    return err;
  baton__bind_text(st, 1, person);
  baton__sql_bind_int64(st, 2, now);
  if (label != NULL) /* "" is a label here, not NULL */
    baton__sql_bind_text_copy(st, 3, label, -1);
  int rc = baton__sql_step(st);
  int n = baton__sql_changes(s->sql);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot revoke the API token");
  if (count)
    *count = n;
  return n == 0 && label != NULL ? no_label(s, person, label) : 0;
}

int baton_api_tokens_each(baton_store_t *s, const char *person,
                          baton_api_token_cb cb, void *ud) {
  int err = person ? has_account(s, person) : 0;
  if (err != 0)
    return err;
  baton__sql_stmt_t *st;
  if ((err = baton__store_prepare(
           s,
           "SELECT t.person_id, p.name, t.label, t.created, t.last_used, "
           "t.revoked FROM baton_api_tokens t JOIN people p ON p.id = "
           "t.person_id WHERE CAST(?1 AS TEXT) IS NULL OR t.person_id = ?1 "
           "ORDER BY "
           "t.person_id, t.created, t.label",
           &st)) != 0)
    return err;
  baton__bind_text(st, 1, person);
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    baton_api_token_t t = {.person_id = baton__col_text(st, 0),
                           .name = baton__col_text(st, 1),
                           .label = baton__col_text(st, 2),
                           .created = baton__sql_column_int64(st, 3),
                           .last_used = baton__sql_column_int64(st, 4),
                           .revoked = baton__sql_column_int64(st, 5)};
    if ((r = cb(&t, ud)) != 0)
      break;
  }
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read the API tokens");
  baton__sql_finalize(st);
  return r;
}
