/* core/cli/serve/api_token.c: requests made by scripts with a person's API
 * token (`baton users token`, core/store/api_tokens.c), beside the token
 * `baton serve` prints at start-up.
 *
 * The token acts as its person with their account's role as it is now: a
 * write asks the store every time, so a revoked token, a revoked account
 * or a person who left the staff list cannot write from the next request
 * on, whichever process made the change. A read may take the answer of a
 * recent request with the same token (api_seen) while the data's version
 * is unchanged: what the cached answers of /api/people do too, so a
 * script reading in a loop costs a lookup per change, not per request
 * (bench/serve.sh), and a revocation by another process is seen at the
 * next poll (POLL_MS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

/* The slot holding token, or NULL. Every slot is compared in full, so the
 * time taken says nothing of how much of a token matched. */
static api_seen_t *seen(serve_t *sv, const char *token) {
  api_seen_t *found = NULL;
  for (size_t i = 0; i < sizeof sv->api_seen / sizeof *sv->api_seen; i++) {
    api_seen_t *e = &sv->api_seen[i];
    if (baton__serve_same_secret(token, e->token) && e->token[0] != '\0')
      found = e;
  }
  return found;
}

int baton__serve_api_token(serve_t *sv, baton_http_req_t *r, const char *token,
                           serve_who_t *who) {
  const char *m = baton__http_req_method(r);
  int read = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
  long long v = baton__serve_known_version(sv);
  size_t n = strlen(token);
  api_seen_t *e = n < sizeof sv->api_seen[0].token ? seen(sv, token) : NULL;
  if (read && e != NULL && e->version == v) {
    if ((who->person = baton__strdup(e->person)) != NULL) {
      memcpy(who->role, e->role, sizeof who->role);
      who->by_token = 1;
    }
    return 0;
  }
  char *person = NULL;
  if (baton_api_token_check(sv->store, token, (long long)time(NULL), &person,
                            who->role, sizeof who->role) != 0) {
    who->role[0] = '\0'; /* not a token in use: nobody, as without one */
    if (e != NULL)
      memset(e, 0, sizeof *e);
    return 0;
  }
  who->person = person;
  who->by_token = 1;
  if (e == NULL && n < sizeof e->token && strlen(person) < sizeof e->person) {
    e = &sv->api_seen[sv->api_next++ %
                      (sizeof sv->api_seen / sizeof *sv->api_seen)];
    memcpy(e->token, token, n + 1);
  }
  if (e != NULL) {
    snprintf(e->person, sizeof e->person, "%s", person);
    memcpy(e->role, who->role, sizeof e->role);
    /* After the check: its write of last_used is a change of our own. */
    e->version = baton__serve_known_version(sv);
  }
  return 0;
}
