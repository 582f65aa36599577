/* core/cli/serve/api_token.c: requests made by scripts with a person's API
 * token (`baton users token`, core/store/api_tokens.c), beside the token
 * `baton serve` prints at start-up.
 *
 * The token acts as its person with their account's role as it is now: a
 * write asks the store every time, so a revoked token, a revoked account
 * or a person who left the staff list cannot write from the next request
 * on, whichever process made the change. A read may take the answer of a
 * recent request with the same token (auth.c's kept checks, keyed by the
 * token's hash like sessions) while the data's version is unchanged: what the
 * cached answers of /api/people do too, so a script reading in a loop costs a
 * lookup per change, not per request (bench/serve.sh), and a revocation by
 * another process is seen at the next poll (POLL_MS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

int baton__serve_api_token(serve_t *sv, baton_http_req_t *r, const char *token,
                           serve_who_t *who) {
  const char *m = baton__http_req_method(r);
  int read = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
  unsigned char key[BATON_TOKEN_HASH_SIZE];
  baton_token_hash(token, key);
  const serve_seen_t *e = read ? baton__serve_seen_find(sv, 't', key) : NULL;
  if (e != NULL) {
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
    baton__serve_seen_drop(sv, key);
    return 0;
  }
  who->person = person;
  who->by_token = 1;
  baton__serve_seen_keep(sv, 't', key, person, who->role, NULL);
  return 0;
}
