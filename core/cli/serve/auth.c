/* core/cli/serve/auth.c: who is making a request of `baton serve`, and
 * whether they may.
 *
 * Two credentials: an API token (Authorization: Bearer TOKEN: the write
 * token printed at start-up, a coordinator with no person, or a person's
 * own from `baton users token`, api_token.c) and a
 * browser session (the cookie baton_session, made by the sign-in pages of
 * signin.c). A session is the store's (baton_session_check: its person's
 * account, not revoked, still in the staff list) or, for the one-time URL
 * printed at start-up, one kept in memory that signs in the server's
 * operator (no person). A session's id is kept only as its hash, here as
 * in the store.
 *
 * A store check costs a prepared query per request; the answer is kept in
 * `seen` (keyed by the id's hash) while the data has not changed: any
 * commit, ours or another process's (`baton users revoke`, a role change)
 * changes baton__serve_known_version and so drops every kept answer, and
 * none is kept longer than SEEN_SECONDS.
 *
 * baton__serve_gate is the one check of every request the router answers
 * after the host's own pages: a write needs a staff member or coordinator
 * (a viewer changes nothing) or a token, and a write that comes with the
 * session cookie needs the session's CSRF secret in X-CSRF-Token (a page
 * of another site can make the browser send the cookie, never the header).
 * With --allow-remote, someone not signed in gets nothing but the sign-in
 * pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "serve.h"

#define SEEN_SECONDS 60

static int zero_key(const unsigned char key[32]) {
  static const unsigned char zero[32];
  return memcmp(key, zero, 32) == 0;
}

void baton__serve_auth_new(serve_t *sv, long long session_s, int links_only,
                           int allow_remote) {
  serve_auth_t *a = calloc(1, sizeof *a);
  if (a == NULL || sodium_init() < 0) {
    free(a);
    fprintf(sv->log, "baton serve: out of memory for sessions (or no source "
                     "of random numbers): nobody can sign in\n");
    return;
  }
  a->session_s = session_s;
  a->links_only = links_only;
  a->allow_remote = allow_remote;
  /* 5 failures per account and 20 per address in 15 minutes. */
  baton__serve_limit_init(&a->accounts, 5, 15 * 60);
  baton__serve_limit_init(&a->addresses, 20, 15 * 60);
  sv->auth = a;
}

void baton__serve_auth_free(serve_t *sv) {
  serve_auth_t *a = sv->auth;
  if (a == NULL)
    return;
  for (size_t i = 0; i < 256; i++) {
    free(a->seen[i].person);
    free(a->seen[i].school);
  }
  sodium_memzero(a, sizeof *a);
  free(a);
  sv->auth = NULL;
}

void baton__serve_once_new(serve_t *sv) {
  if (sv->auth == NULL)
    return;
  baton_token_new(sv->auth->once, NULL);
  sv->auth->once_until = (long long)time(NULL) + 10 * 60;
}

int baton__serve_op_session_new(serve_t *sv, char id[BATON_TOKEN_SIZE],
                                char csrf[BATON_TOKEN_SIZE]) {
  serve_auth_t *a = sv->auth;
  long long now = (long long)time(NULL);
  serve_op_session_t *o = NULL;
  for (size_t i = 0; a && i < 8 && o == NULL; i++)
    if (zero_key(a->ops[i].key) || a->ops[i].expires <= now)
      o = &a->ops[i];
  if (o == NULL)
    return BATON_ENOMEM;
  baton_token_new(id, o->key);
  baton_token_new(csrf, NULL);
  memcpy(o->csrf, csrf, BATON_TOKEN_SIZE);
  o->expires = now + a->session_s;
  return 0;
}

/* ---- kept checks of credentials ------------------------------------------ */

serve_seen_t *baton__serve_seen_find(serve_t *sv, char kind,
                                     const unsigned char key[32]) {
  if (sv->auth == NULL)
    return NULL;
  serve_seen_t *s = &sv->auth->seen[key[0]];
  /* The kind too: a session's id shown as a bearer token is not a token. */
  if (s->person == NULL || s->kind != kind || memcmp(s->key, key, 32) != 0 ||
      s->version != baton__serve_known_version(sv) ||
      s->until <= (long long)time(NULL))
    return NULL;
  sv->auth->used = s;
  return s;
}

void baton__serve_seen_keep(serve_t *sv, char kind, const unsigned char key[32],
                            const char *person, const char *role,
                            const char *csrf) {
  char *copy;
  if (sv->auth == NULL || (copy = baton__strdup(person)) == NULL)
    return;
  serve_seen_t *s = &sv->auth->seen[key[0]];
  free(s->person);
  free(s->school);
  s->person = copy;
  s->school = NULL; /* looked up by the request's who (who_csrf) */
  s->kind = kind;
  memcpy(s->key, key, 32);
  snprintf(s->role, sizeof s->role, "%s", role);
  snprintf(s->csrf, sizeof s->csrf, "%s", csrf ? csrf : "");
  /* After the check: a write it made (last_used) is a change of our own. */
  s->version = baton__serve_known_version(sv);
  s->until = (long long)time(NULL) + SEEN_SECONDS;
  sv->auth->used = s;
}

void baton__serve_seen_drop(serve_t *sv, const unsigned char key[32]) {
  if (sv->auth == NULL)
    return;
  serve_seen_t *s = &sv->auth->seen[key[0]];
  if (s->person && memcmp(s->key, key, 32) == 0) {
    free(s->person);
    free(s->school);
    if (sv->auth->used == s)
      sv->auth->used = NULL;
    memset(s, 0, sizeof *s);
  }
}

void baton__serve_forget(serve_t *sv, const char *id) {
  unsigned char key[32];
  if (sv->auth == NULL || id == NULL || *id == '\0')
    return;
  baton_token_hash(id, key);
  for (size_t i = 0; i < 8; i++)
    if (memcmp(sv->auth->ops[i].key, key, 32) == 0)
      memset(&sv->auth->ops[i], 0, sizeof sv->auth->ops[i]);
  baton__serve_seen_drop(sv, key);
}

void baton__serve_purge(serve_t *sv) {
  int n = 0;
  if (baton_sessions_purge(sv->store, (long long)time(NULL), &n) != 0)
    fprintf(sv->log, "baton serve: %s\n", baton_store_last_error(sv->store));
}

/* Fills who and csrf from the session whose id is `id`, if it is one. */
static void by_session(serve_t *sv, const char *id, serve_who_t *who,
                       char csrf[BATON_TOKEN_SIZE]) {
  serve_auth_t *a = sv->auth;
  long long now = (long long)time(NULL);
  unsigned char key[32];
  baton_token_hash(id, key);
  for (size_t i = 0; i < 8; i++)
    if (a->ops[i].expires > now && memcmp(a->ops[i].key, key, 32) == 0) {
      strcpy(who->role, "coordinator");
      memcpy(csrf, a->ops[i].csrf, BATON_TOKEN_SIZE);
      return;
    }
  const serve_seen_t *s = baton__serve_seen_find(sv, 's', key);
  if (s == NULL) {
    char *person = NULL, role[12], c[BATON_TOKEN_SIZE];
    if (baton_session_check(sv->store, id, now, &person, c) != 0 ||
        baton_users_role_get(sv->store, person, role, sizeof role) != 0) {
      free(person);
      return;
    }
    who->person = person;
    memcpy(who->role, role, sizeof who->role);
    memcpy(csrf, c, BATON_TOKEN_SIZE);
    baton__serve_seen_keep(sv, 's', key, person, role, c);
    return;
  }
  if ((who->person = baton__strdup(s->person)) == NULL)
    return;
  memcpy(who->role, s->role, sizeof who->role);
  memcpy(csrf, s->csrf, BATON_TOKEN_SIZE);
}

static int who_csrf(serve_t *sv, baton_http_req_t *r, serve_who_t *who,
                    char csrf[BATON_TOKEN_SIZE], char id[BATON_TOKEN_SIZE]);

/* Who, and where their role holds (schools.c): kept with the check of the
 * credential, so a request whose check is kept asks the store nothing. */
int baton__serve_who_csrf(serve_t *sv, baton_http_req_t *r, serve_who_t *who,
                          char csrf[BATON_TOKEN_SIZE],
                          char id[BATON_TOKEN_SIZE]) {
  if (sv->auth != NULL)
    sv->auth->used = NULL;
  int e = who_csrf(sv, r, who, csrf, id);
  if (e != 0 || who->person == NULL)
    return e;
  serve_seen_t *kept = sv->auth ? sv->auth->used : NULL;
  if (kept != NULL && strcmp(kept->person, who->person) != 0)
    kept = NULL;
  if (kept != NULL && kept->school != NULL) {
    who->district = kept->district;
    if ((who->school = baton__strdup(kept->school)) == NULL)
      baton__serve_who_scope(sv, who); /* out of memory: ask again */
    return 0;
  }
  baton__serve_who_scope(sv, who);
  if (kept != NULL && who->school != NULL &&
      (kept->school = baton__strdup(who->school)) != NULL)
    kept->district = who->district;
  return 0;
}

static int who_csrf(serve_t *sv, baton_http_req_t *r, serve_who_t *who,
                    char csrf[BATON_TOKEN_SIZE], char id[BATON_TOKEN_SIZE]) {
  char own[BATON_TOKEN_SIZE];
  memset(who, 0, sizeof *who);
  csrf[0] = '\0';
  if (id == NULL)
    id = own;
  id[0] = '\0';
  const char *a = baton__http_req_header(r, "Authorization");
  if (a != NULL && strncasecmp(a, "Bearer ", 7) == 0) {
    /* A script's token; a wrong one is nobody, whatever cookie came.
     * Another scheme (a proxy's Basic) is not ours: the cookie counts. */
    if (baton__serve_same_secret(a + 7, sv->token)) {
      strcpy(who->role, "coordinator");
      who->by_token = 1;
      return 0;
    }
    /* A person's own API token (baton users token, api_token.c). */
    return baton__serve_api_token(sv, r, a + 7, who);
  }
  if (sv->auth != NULL &&
      baton__serve_session_cookie(baton__http_req_header(r, "Cookie"), id))
    by_session(sv, id, who, csrf);
  return 0;
}

int baton__serve_who(serve_t *sv, baton_http_req_t *r, serve_who_t *who) {
  char csrf[BATON_TOKEN_SIZE];
  return baton__serve_who_csrf(sv, r, who, csrf, NULL);
}

void baton__serve_who_clear(serve_who_t *who) {
  free(who->school);
  free(who->person);
  memset(who, 0, sizeof *who);
}

static int rank(const char *role) {
  return strcmp(role, "coordinator") == 0 ? 3
         : strcmp(role, "staff") == 0     ? 2
         : strcmp(role, "viewer") == 0    ? 1
                                          : 0;
}

int baton__serve_who_at_least(const serve_who_t *who, const char *role) {
  return rank(who->role) > 0 && rank(who->role) >= rank(role);
}

/* ---- the gate ------------------------------------------------------------ */

/* 1 if r came with Authorization: Bearer (a token, right or wrong). */
static int bearer(baton_http_req_t *r) {
  const char *a = baton__http_req_header(r, "Authorization");
  return a != NULL && strncasecmp(a, "Bearer ", 7) == 0;
}

/* What someone not signed in may still fetch with --allow-remote: the
 * sign-in pages' style sheet (the pages themselves come before the gate). */
static int open_to_all(const char *path) {
  return strcmp(path, "/style.css") == 0;
}

int baton__serve_gate(serve_t *sv, baton_http_req_t *r, const char *path,
                      int read, serve_who_t *out) {
  serve_who_t who;
  char csrf[BATON_TOKEN_SIZE];
  baton__serve_who_csrf(sv, r, &who, csrf, NULL);
  int ok = 0;
  if (who.role[0] == '\0') {
    if (sv->auth != NULL && sv->auth->allow_remote && !open_to_all(path)) {
      if (strncmp(path, "/api/", 5) == 0)
        send_error(r, 401,
                   "not signed in: sign in at /signin first (this server "
                   "was started with --allow-remote, so nothing is served "
                   "to someone not signed in); scripts send "
                   "Authorization: Bearer TOKEN");
      else
        baton__http_respond(r, 303, "text/plain; charset=utf-8",
                            "sign in first: /signin\n",
                            strlen("sign in first: /signin\n"),
                            "Location: /signin\r\nCache-Control: no-store\r\n");
    } else if (read) {
      ok = 1;
    } else if (bearer(r)) {
      send_error(r, 403,
                 "wrong or revoked token: use the one baton serve "
                 "printed, or an API token from baton users token");
    } else {
      send_error(r, 401,
                 "writes need a signed-in person (sign in at /signin) or "
                 "the token printed by baton serve: Authorization: Bearer "
                 "TOKEN");
    }
  } else if (read) {
    ok = 1;
  } else if (!baton__serve_who_at_least(&who, "staff")) {
    send_error(r, 403,
               "viewers may not change anything: ask a coordinator for the "
               "staff role (baton users role PERSON staff)");
  } else if (!who.by_token) {
    const char *sent = baton__http_req_header(r, "X-CSRF-Token");
    ok =
        sent != NULL && csrf[0] != '\0' && baton__serve_same_secret(sent, csrf);
    if (!ok)
      send_error(r, 403,
                 sent ? "the CSRF token (X-CSRF-Token) is not this "
                        "session's: reload the page (it reads the token "
                        "from /api/me) and try again"
                      : "missing CSRF token: a change made with the "
                        "session cookie must send the header X-CSRF-Token "
                        "with the \"csrf\" value of GET /api/me (this is "
                        "what keeps other sites from acting for you)");
  } else {
    ok = 1;
  }
  if (ok)
    *out = who;
  else
    baton__serve_who_clear(&who);
  return ok;
}
