/* core/cli/serve/api_token.c: requests made by scripts with a person's API
 * token (`baton users token`, core/store/api_tokens.c), beside the token
 * `baton serve` prints at start-up.
 *
 * The token acts as its person with their account's role as it is now:
 * each request asks the store, so a revoked token, a revoked account or a
 * person who left the staff list is refused from the next request on,
 * whichever process made the change. */
#include <stdlib.h>
#include <time.h>

#include "serve.h"

int baton__serve_api_token(serve_t *sv, const char *token, serve_who_t *who) {
  char *person = NULL;
  if (baton_api_token_check(sv->store, token, (long long)time(NULL), &person,
                            who->role, sizeof who->role) != 0) {
    who->role[0] = '\0'; /* not a token in use: nobody, as without one */
    return 0;
  }
  who->person = person;
  who->by_token = 1;
  return 0;
}
