/* core/store/users.c: accounts, one-time invitations and sessions (issue
 * 16, "People sign in, with roles").
 *
 * An account is a person of the staff list with a role (coordinator,
 * staff, viewer) and, if they chose one, a passphrase. Three tables of
 * core migration 5 (core/store/store.c) hold them; no plugin reaches them
 * through SQL (baton_* names are the core's).
 *
 * Nothing that would let someone sign in is stored as given: an
 * invitation token and a session id are 32 random bytes (randombytes_buf),
 * handed out once as base64url and kept only as their BLAKE2b hash
 * (crypto_generichash); a passphrase only as an argon2id string
 * (crypto_pwhash_str). A token is found by its hash, so the lookup's time
 * does not depend on how many of its characters were right. Times are Unix
 * seconds given by the caller, so tests can move the clock. libsodium is
 * initialised on first use here, not when the store opens: most commands
 * never sign anyone in. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_int.h"

#define HASH_SIZE BATON_TOKEN_HASH_SIZE

/* SQL: account `u` may sign in: not revoked, and its person is still
 * active in the staff list (an import with --full marks those who left
 * inactive, which ends their sign-in as revoking would). */
#define MAY_SIGN_IN(u)                                                         \
  u ".revoked IS NULL AND (SELECT active FROM people WHERE id = " u            \
    ".person_id) = 1"

int baton__sodium_ready(baton_store_t *s) {
  if (sodium_init() < 0)
    return baton__store_fail(s, BATON_EIO,
                             "libsodium could not start (no source of "
                             "random numbers?): check /dev/urandom");
  return 0;
}

void baton_token_hash(const char *text, unsigned char h[HASH_SIZE]) {
  crypto_generichash(h, HASH_SIZE, (const unsigned char *)text, strlen(text),
                     NULL, 0);
}

void baton_token_new(char out[BATON_TOKEN_SIZE], unsigned char *h) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(out, BATON_TOKEN_SIZE, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  if (h != NULL)
    baton_token_hash(out, h);
}

static void day_of(long long t, char buf[11]) {
  if (baton__date_format(t / 86400, buf) != 0)
    strcpy(buf, "?");
}

int baton_users_role_valid(const char *role) {
  return role != NULL &&
         (strcmp(role, "coordinator") == 0 || strcmp(role, "staff") == 0 ||
          strcmp(role, "viewer") == 0);
}

static int bad_role(baton_store_t *s, const char *role) {
  return baton__store_fail(s, BATON_EINVAL,
                           "unknown role '%s': a role is coordinator, staff "
                           "or viewer",
                           role ? role : "");
}

/* run()'s answer when sql is a query that found a row. */
#define FOUND_ROW 1

/* Runs sql with text ?1 and integer ?2: returns 0 (done), FOUND_ROW (a
 * query found a row) or an error; *changed (may be NULL) gets the number
 * of rows changed. */
static int run(baton_store_t *s, const char *sql, const char *a, long long n,
               const char *what, int *changed) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, sql, &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, a);
  baton__sql_bind_int64(st, 2, n);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc == SQLITE_ROW)
    return FOUND_ROW;
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, what);
  if (changed)
    *changed = baton__sql_changes(s->sql);
  return 0;
}

/* BATON_ENOTFOUND naming the nearest id of `ids_sql` (one text column)
 * to `who`, or the database error that came first. */
static int missing(baton_store_t *s, const char *ids_sql, const char *who,
                   const char *what, const char *fix) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, ids_sql, &st);
  if (err != 0)
    return err;
  char **ids = NULL;
  size_t n = 0, cap = 0;
  while (baton__sql_step(st) == SQLITE_ROW) {
    if (n == cap) {
      char **g = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *g);
      if (g == NULL)
        break;
      ids = g;
    }
    if ((ids[n] = baton__strdup(baton__col_text(st, 0))) != NULL)
      n++;
  }
  baton__sql_finalize(st);
  const char *near = baton__suggest(who, (const char *const *)ids, n);
  err = baton__store_fail(s, BATON_ENOTFOUND, "%s '%s'%s%s%s: %s", what, who,
                          near ? " (did you mean '" : "", near ? near : "",
                          near ? "'?)" : "", fix);
  baton_names_free(ids, n);
  return err;
}

static int no_person(baton_store_t *s, const char *who) {
  return missing(s, "SELECT id FROM people", who, "no person with id",
                 "`baton people list` shows who is in the staff list");
}

static int no_account(baton_store_t *s, const char *who) {
  return missing(s, "SELECT person_id FROM baton_users", who, "no account for",
                 "`baton users list` shows the accounts; `baton users "
                 "invite ID` makes one");
}

/* Runs an INSERT of a hashed token's row: ?1 the hash, ?2 the person,
 * ?3 text (may be NULL), ?4 now, ?5 now + seconds. *changed (may be NULL)
 * gets the rows inserted. */
static int insert_hashed(baton_store_t *s, const char *sql,
                         const unsigned char h[HASH_SIZE], const char *person,
                         const char *text, long long now, long long seconds,
                         const char *what, int *changed) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, sql, &st);
  if (err != 0)
    return err;
  baton__sql_bind_blob_copy(st, 1, h, HASH_SIZE);
  baton__bind_text(st, 2, person);
  baton__bind_text(st, 3, text);
  baton__sql_bind_int64(st, 4, now);
  baton__sql_bind_int64(st, 5, now + seconds);
  int rc = baton__sql_step(st);
  if (changed)
    *changed = baton__sql_changes(s->sql);
  baton__sql_finalize(st);
  return rc == SQLITE_DONE ? 0 : baton__store_fail_sqlite(s, rc, what);
}

/* One invitation of baton_users_invite, inside its transaction. */
static int invite_one(baton_store_t *s, const char *person, const char *role,
                      long long now, char token[BATON_TOKEN_SIZE]) {
  baton__sql_stmt_t *st;
  int err = run(s,
                "UPDATE baton_invitations SET used = ?2 WHERE person_id = "
                "?1 AND used IS NULL",
                person, now, "cannot cancel earlier invitations", NULL);
  if (err != 0 ||
      (err = baton__store_prepare(
           s,
           "INSERT INTO baton_users(person_id, role, created) SELECT id, "
           "coalesce(?2, 'staff'), ?3 FROM people WHERE id = ?1 AND active = 1 "
           "ON "
           "CONFLICT "
           "(person_id) DO UPDATE SET role = coalesce(?2, baton_users.role), "
           "revoked = "
           "NULL",
           &st)) != 0)
    return err;
  baton__bind_text(st, 1, person);
  baton__bind_text(st, 2, role);
  baton__sql_bind_int64(st, 3, now);
  int rc = baton__sql_step(st);
  int n = baton__sql_changes(s->sql);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot write the account");
  if (n == 0) { /* no such person, or one who left */
    err = run(s, "SELECT 1 FROM people WHERE id = ?1 AND active = 0", person, 0,
              "cannot read the staff list", NULL);
    if (err != 0 && err != FOUND_ROW)
      return err;
    if (err == FOUND_ROW)
      return baton__store_fail(s, BATON_EINVAL,
                               "'%s' is no longer active in the staff list "
                               "(an import with --full marked them as "
                               "left): only current staff can be invited",
                               person);
  }
  if (n == 0)
    return no_person(s, person);
  unsigned char h[HASH_SIZE];
  baton_token_new(token, h);
  return insert_hashed(s,
                       "INSERT INTO baton_invitations(token_hash, person_id, "
                       "role, created, expires) SELECT ?1, person_id, role, "
                       "?4, ?5 FROM baton_users WHERE person_id = ?2 AND "
                       "CAST(?3 AS TEXT) IS NULL",
                       h, person, NULL, now, BATON_INVITATION_SECONDS,
                       "cannot write the invitation", NULL);
}

int baton_users_invite(baton_store_t *s, const char *const *persons, size_t n,
                       const char *role, long long now,
                       char (*tokens)[BATON_TOKEN_SIZE], long long *expires) {
  return baton_users_invite_scoped(s, persons, n, role, NULL, -1, now, tokens,
                                   expires);
}

int baton_users_invite_scoped(baton_store_t *s, const char *const *persons,
                              size_t n, const char *role, const char *school,
                              int district, long long now,
                              char (*tokens)[BATON_TOKEN_SIZE],
                              long long *expires) {
  if (role != NULL && !baton_users_role_valid(role))
    return bad_role(s, role);
  int err = baton__sodium_ready(s);
  if (err != 0 || (err = baton__store_begin(s)) != 0)
    return err;
  for (size_t i = 0; i < n && err == 0; i++) {
    err = invite_one(s, persons[i], role, now, tokens[i]);
    if (err == 0 && (school != NULL || district >= 0))
      err = baton_user_scope_set(s, persons[i], school, district);
  }
  if (err == 0)
    err = baton__store_commit(s);
  if (err != 0) {
    sodium_memzero(tokens, n * BATON_TOKEN_SIZE);
    baton__store_rollback(s);
    return err;
  }
  if (expires)
    *expires = now + BATON_INVITATION_SECONDS;
  return 0;
}

/* Looks up a token's or session's row by the hash of `text` with sql
 * (?1 the hash, ?2 now if it uses it) and steps it once. Returns SQLITE_ROW,
 * SQLITE_DONE or an error; *st is left for the caller to read and finalize. */
static int find_hashed(baton_store_t *s, const char *sql, const char *text,
                       long long now, baton__sql_stmt_t **st) {
  unsigned char h[HASH_SIZE];
  baton_token_hash(text, h);
  if (baton__store_prepare(s, sql, st) != 0)
    return SQLITE_ERROR;
  baton__sql_bind_blob_copy(*st, 1, h, HASH_SIZE);
  baton__sql_bind_int64(*st, 2, now); /* SQLITE_RANGE when sql has no ?2 */
  return baton__sql_step(*st);
}

static int no_token(baton_store_t *s) {
  return baton__store_fail(s, BATON_EPERM,
                           "this sign-in link has no token: open the whole "
                           "link from the invitation");
}

/* Whether the invitation token may sign someone in at now: 0 with its
 * person's id in who, else BATON_EPERM saying why (not baton's, used,
 * replaced, expired, revoked) and what to do, or a store error. Uses
 * nothing: run inside redeem's transaction, or alone to check a link. */
static int invitation_ok(baton_store_t *s, const char *token, long long now,
                         char who[256]) {
  baton__sql_stmt_t *st;
  int err;
  int rc =
      find_hashed(s,
                  "SELECT i.person_id, i.expires, i.used, NOT (" MAY_SIGN_IN(
                      "u") ") FROM baton_invitations i JOIN "
                           "baton_users u USING (person_id) WHERE i.token_hash "
                           "= ?1",
                  token, now, &st);
  if (rc != SQLITE_ROW) {
    err = rc == SQLITE_DONE
              ? baton__store_fail(s, BATON_EPERM,
                                  "this sign-in link is not one baton made "
                                  "(mistyped or cut short?): open the whole "
                                  "link, or ask a coordinator for a new one")
          : st != NULL
              ? baton__store_fail_sqlite(s, rc, "cannot read the invitations")
              : BATON_ESTORE;
    baton__sql_finalize(st);
    return err;
  }
  char day[11];
  snprintf(who, 256, "%s", baton__col_text(st, 0));
  long long expires = baton__sql_column_int64(st, 1);
  int used = baton__sql_column_type(st, 2) != SQLITE_NULL;
  int revoked = (int)baton__sql_column_int64(st, 3);
  baton__sql_finalize(st);
  day_of(expires, day);
  err = 0;
  if (revoked || used || now >= expires) {
    err = baton__store_fail(
        s, BATON_EPERM,
        "this sign-in link %s%s: ask a coordinator for a new "
        "one (`baton users invite %s`)",
        revoked ? "is for an account that was revoked (or whose person left "
                  "the staff list)"
        : used  ? "was already used, or replaced by a newer one"
                : "expired on ",
        !revoked && !used ? day : "", who);
  }
  return err;
}

int baton_users_invitation_check(baton_store_t *s, const char *token,
                                 long long now) {
  char who[256];
  if (token == NULL || *token == '\0')
    return no_token(s);
  int err = baton__sodium_ready(s);
  return err != 0 ? err : invitation_ok(s, token, now, who);
}

int baton_users_redeem(baton_store_t *s, const char *token, long long now,
                       char **person) {
  *person = NULL;
  if (token == NULL || *token == '\0')
    return no_token(s);
  int err = baton__sodium_ready(s);
  if (err != 0 || (err = baton__store_begin(s)) != 0)
    return err;
  baton__sql_stmt_t *st;
  char who[256];
  if ((err = invitation_ok(s, token, now, who)) != 0)
    goto fail;
  int n = 0;
  unsigned char h[HASH_SIZE];
  baton_token_hash(token, h);
  if ((err = baton__store_prepare(s,
                                  "UPDATE baton_invitations SET used = ?2 "
                                  "WHERE token_hash = ?1 AND used IS NULL",
                                  &st)) != 0)
    goto fail;
  baton__sql_bind_blob_copy(st, 1, h, HASH_SIZE);
  baton__sql_bind_int64(st, 2, now);
  int rc = baton__sql_step(st);
  n = baton__sql_changes(s->sql);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE || n != 1) {
    err = rc != SQLITE_DONE
              ? baton__store_fail_sqlite(s, rc, "cannot use the invitation")
              : baton__store_fail(s, BATON_EPERM,
                                  "this sign-in link was already used");
    goto fail;
  }
  if ((err = baton__store_commit(s)) != 0)
    goto fail;
  if ((*person = baton__strdup(who)) == NULL)
    return BATON_ENOMEM;
  return 0;
fail:
  baton__store_rollback(s);
  return err;
}

/* Runs an UPDATE of one account (?1 the person, ?2 the value). Returns 0,
 * BATON_ENOTFOUND (no account) or a database error. */
static int update_account(baton_store_t *s, const char *sql, const char *person,
                          const char *value, const char *what) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, sql, &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, person);
  baton__bind_text(st, 2, value);
  int rc = baton__sql_step(st);
  int n = baton__sql_changes(s->sql);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, what);
  return n == 1 ? 0 : no_account(s, person);
}

/* The characters of s (UTF-8 continuation bytes are not counted). */
static size_t characters(const char *s) {
  size_t n = 0;
  for (const char *p = s; *p; p++)
    n += ((unsigned char)*p & 0xC0) != 0x80;
  return n;
}

int baton_passphrase_hash(const char *passphrase,
                          char hash[BATON_PASSPHRASE_HASH_SIZE], char **why) {
  if (why)
    *why = NULL;
  size_t n = characters(passphrase);
  if (n < BATON_PASSPHRASE_MIN) {
    if (why)
      *why = baton__asprintf("a passphrase needs at least %d characters "
                             "(this one has %zu): a few words you will "
                             "remember make a good one",
                             BATON_PASSPHRASE_MIN, n);
    return BATON_EINVAL;
  }
  if (sodium_init() < 0 ||
      crypto_pwhash_str(hash, passphrase, strlen(passphrase),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    if (why)
      *why = baton__asprintf("cannot hash the passphrase: argon2id needs "
                             "%zu MiB of memory",
                             (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
    return BATON_ENOMEM;
  }
  return 0;
}

int baton_passphrase_verify(const char *hash, const char *passphrase) {
  /* A hash of the same cost that no passphrase given here matches (it is
   * of a longer one), so that "no such account" takes as long as "wrong
   * passphrase" and the time tells an attacker nothing. */
  static const char none[] =
      "$argon2id$v=19$m=65536,t=2,p=1$aFVaCDmRwiEZ23K8lzZ4Gw$gt/"
      "jRast2Icah9Gf/WbEB3orkzUawAgA4+Z13Agg1PU";
  int real = hash != NULL && *hash != '\0';
  if (sodium_init() < 0 || passphrase == NULL)
    return 0;
  int ok = crypto_pwhash_str_verify(real ? hash : none, passphrase,
                                    strlen(passphrase)) == 0;
  return real && ok;
}

int baton_users_set_passphrase_hash(baton_store_t *s, const char *person,
                                    const char *hash) {
  if (hash != NULL && strncmp(hash, "$argon2id$", 10) != 0)
    return baton__store_fail(s, BATON_EINVAL,
                             "a passphrase is stored only as argon2id");
  return update_account(s,
                        "UPDATE baton_users SET passphrase = ?2 WHERE "
                        "person_id = ?1",
                        person, hash, "cannot write the passphrase");
}

int baton_users_set_passphrase(baton_store_t *s, const char *person,
                               const char *passphrase) {
  char hash[BATON_PASSPHRASE_HASH_SIZE];
  int err = baton__sodium_ready(s);
  if (err != 0)
    return err;
  if (passphrase != NULL) {
    char *why = NULL;
    err = baton_passphrase_hash(passphrase, hash, &why);
    if (err != 0) {
      err = baton__store_fail(s, err, "%s", why ? why : "out of memory");
      free(why);
      return err;
    }
  }
  err = baton_users_set_passphrase_hash(s, person, passphrase ? hash : NULL);
  sodium_memzero(hash, sizeof hash);
  return err;
}

static int wrong_passphrase(baton_store_t *s) {
  return baton__store_fail(s, BATON_EPERM,
                           "wrong name or passphrase: try again, or ask a "
                           "coordinator for a sign-in link");
}

int baton_users_passphrase_get(baton_store_t *s, const char *who, char **person,
                               char hash[BATON_PASSPHRASE_HASH_SIZE]) {
  *person = NULL;
  hash[0] = '\0';
  baton__sql_stmt_t *st;
  /* By id first; by email only when no id matches, and only if exactly
   * one account has that email. */
  int err = baton__store_prepare(
      s,
      "SELECT u.person_id, CASE WHEN " MAY_SIGN_IN(
          "u") " THEN u.passphrase END FROM baton_users u WHERE u.person_id = "
               "?1 UNION ALL SELECT u.person_id, CASE WHEN " MAY_SIGN_IN(
                   "u") " THEN u.passphrase END FROM baton_users u JOIN "
                        "people p ON p.id = u.person_id WHERE NOT EXISTS "
                        "(SELECT 1 FROM baton_users WHERE person_id = ?1) AND "
                        "p.email IS NOT NULL AND lower(p.email) = lower(?1)",
      &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, who ? who : "");
  int rc = baton__sql_step(st);
  if (rc == SQLITE_ROW) {
    *person = baton__strdup(baton__col_text(st, 0));
    const char *h = baton__col_text(st, 1);
    snprintf(hash, BATON_PASSPHRASE_HASH_SIZE, "%s", h ? h : "");
    if (baton__sql_step(st) == SQLITE_ROW) { /* two accounts share the email */
      free(*person);
      *person = NULL;
      hash[0] = '\0';
    }
  }
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot read the accounts");
  if (rc == SQLITE_ROW && *person == NULL && hash[0] != '\0')
    return BATON_ENOMEM;
  return hash[0] != '\0' ? 0 : wrong_passphrase(s);
}

int baton_users_check_passphrase(baton_store_t *s, const char *person,
                                 const char *passphrase) {
  int err = baton__sodium_ready(s);
  if (err != 0)
    return err;
  char hash[BATON_PASSPHRASE_HASH_SIZE], *id = NULL;
  err = baton_users_passphrase_get(s, person, &id, hash);
  int same = id != NULL && strcmp(id, person) == 0;
  free(id);
  if (err != 0 && err != BATON_EPERM)
    return err;
  int ok = baton_passphrase_verify(err == 0 && same ? hash : NULL, passphrase);
  sodium_memzero(hash, sizeof hash);
  return ok ? 0 : wrong_passphrase(s);
}

int baton_users_role_get(baton_store_t *s, const char *person, char *role,
                         size_t size) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s, "SELECT role FROM baton_users WHERE person_id = ?1", &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, person);
  int rc = baton__sql_step(st);
  if (rc == SQLITE_ROW)
    snprintf(role, size, "%s", baton__col_text(st, 0));
  baton__sql_finalize(st);
  if (rc == SQLITE_DONE)
    return no_account(s, person);
  return rc == SQLITE_ROW
             ? 0
             : baton__store_fail_sqlite(s, rc, "cannot read the accounts");
}

int baton_users_role_set(baton_store_t *s, const char *person,
                         const char *role) {
  if (!baton_users_role_valid(role))
    return bad_role(s, role);
  return update_account(s,
                        "UPDATE baton_users SET role = ?2 WHERE person_id = ?1",
                        person, role, "cannot change the role");
}

int baton_users_role_scope_set(baton_store_t *s, const char *person,
                               const char *role, const char *school,
                               int district) {
  int err = baton__store_begin(s);
  if (err != 0)
    return err;
  if ((err = baton_users_role_set(s, person, role)) == 0 &&
      (school != NULL || district >= 0))
    err = baton_user_scope_set(s, person, school, district);
  if (err == 0)
    return baton__store_commit(s);
  baton__store_rollback(s);
  return err;
}

int baton_users_revoke(baton_store_t *s, const char *person, long long now) {
  int n = 0, err = baton__store_begin(s);
  if (err != 0)
    return err;
  if ((err = run(s,
                 "UPDATE baton_users SET revoked = coalesce(revoked, ?2) "
                 "WHERE person_id = ?1",
                 person, now, "cannot revoke the account", &n)) != 0)
    goto fail;
  if (n == 0) {
    err = no_account(s, person);
    goto fail;
  }
  if ((err = run(s, "DELETE FROM baton_sessions WHERE person_id = ?1", person,
                 0, "cannot end the sessions", NULL)) != 0 ||
      (err = run(s,
                 "UPDATE baton_invitations SET used = ?2 WHERE person_id = "
                 "?1 AND used IS NULL",
                 person, now, "cannot cancel the invitations", NULL)) != 0)
    goto fail;
  return baton__store_commit(s);
fail:
  baton__store_rollback(s);
  return err;
}

int baton_users_each(baton_store_t *s, baton_user_cb cb, void *ud) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT u.person_id, p.name, u.role, u.passphrase IS NOT NULL, "
      "u.created, u.revoked, (SELECT max(expires) FROM baton_invitations i "
      "WHERE i.person_id = u.person_id AND i.used IS NULL), p.active FROM "
      "baton_users "
      "u JOIN people p ON p.id = u.person_id ORDER BY u.person_id",
      &st);
  if (err != 0)
    return err;
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    baton_user_t u = {.person_id = baton__col_text(st, 0),
                      .name = baton__col_text(st, 1),
                      .role = baton__col_text(st, 2),
                      .has_passphrase = (int)baton__sql_column_int64(st, 3),
                      .created = baton__sql_column_int64(st, 4),
                      .revoked = baton__sql_column_int64(st, 5),
                      .invited_until = baton__sql_column_int64(st, 6),
                      .left = !(int)baton__sql_column_int64(st, 7)};
    if ((r = cb(&u, ud)) != 0)
      break;
  }
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read the accounts");
  baton__sql_finalize(st);
  return r;
}

/* ---- sessions ------------------------------------------------------------ */

int baton_session_create(baton_store_t *s, const char *person, long long now,
                         long long seconds, char id[BATON_TOKEN_SIZE],
                         char csrf[BATON_TOKEN_SIZE]) {
  int err = baton__sodium_ready(s);
  if (err != 0)
    return err;
  unsigned char h[HASH_SIZE];
  baton_token_new(id, h);
  baton_token_new(csrf, NULL);
  int n = 0;
  if ((err = insert_hashed(s,
                           "INSERT INTO baton_sessions(id_hash, person_id, "
                           "csrf, created, expires) SELECT ?1, person_id, ?3, "
                           "?4, ?5 FROM baton_users u WHERE person_id = ?2 "
                           "AND " MAY_SIGN_IN("u"),
                           h, person, csrf, now, seconds,
                           "cannot start the session", &n)) != 0)
    return err;
  if (n == 1)
    return 0;
  sodium_memzero(id, BATON_TOKEN_SIZE);
  sodium_memzero(csrf, BATON_TOKEN_SIZE);
  return baton__store_fail(s, BATON_EPERM,
                           "'%s' has no account, or it was revoked: `baton "
                           "users invite %s` gives one",
                           person, person);
}

int baton_session_check(baton_store_t *s, const char *id, long long now,
                        char **person, char csrf[BATON_TOKEN_SIZE]) {
  *person = NULL;
  int err = baton__sodium_ready(s);
  if (err != 0)
    return err;
  if (id == NULL)
    id = "";
  baton__sql_stmt_t *st;
  int rc = find_hashed(s,
                       "SELECT s.person_id, s.csrf FROM baton_sessions s "
                       "JOIN baton_users u USING (person_id) WHERE s.id_hash "
                       "= ?1 AND s.expires > ?2 AND " MAY_SIGN_IN("u"),
                       id, now, &st);
  if (st == NULL)
    return BATON_ESTORE;
  if (rc == SQLITE_ROW) {
    *person = baton__strdup(baton__col_text(st, 0));
    if (csrf != NULL)
      snprintf(csrf, BATON_TOKEN_SIZE, "%s", baton__col_text(st, 1));
  }
  baton__sql_finalize(st);
  if (rc == SQLITE_ROW)
    return *person ? 0 : BATON_ENOMEM;
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot read the sessions");
  return baton__store_fail(s, BATON_EPERM,
                           "not signed in (the session ended or expired): "
                           "sign in again");
}

int baton_session_end(baton_store_t *s, const char *id) {
  int err = baton__sodium_ready(s);
  if (err != 0)
    return err;
  unsigned char h[HASH_SIZE];
  baton_token_hash(id ? id : "", h);
  baton__sql_stmt_t *st;
  if ((err = baton__store_prepare(
           s, "DELETE FROM baton_sessions WHERE id_hash = ?1", &st)) != 0)
    return err;
  baton__sql_bind_blob_copy(st, 1, h, HASH_SIZE);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  return rc == SQLITE_DONE
             ? 0
             : baton__store_fail_sqlite(s, rc, "cannot end the session");
}

int baton_sessions_purge(baton_store_t *s, long long now, int *n) {
  return run(s,
             "DELETE FROM baton_sessions WHERE expires <= ?2 AND "
             "CAST(?1 AS TEXT) IS NULL",
             NULL, now, "cannot delete the expired sessions", n);
}
