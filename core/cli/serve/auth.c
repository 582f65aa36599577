/* core/cli/serve/auth.c: who is making a request of `baton serve`.
 *
 * For now the only credential is the write token printed at start-up
 * (Authorization: Bearer TOKEN), which acts as a coordinator with no
 * person. Sessions (cookies) and per-person API tokens come next (issue
 * 16). */
#include <stdlib.h>
#include <string.h>

#include "serve.h"

/* 1 if a and b are equal, in time that depends only on b's length. */
static int same_secret(const char *a, const char *b) {
  size_t n = strlen(b), m = strlen(a);
  unsigned diff = m != n;
  for (size_t i = 0; i < n; i++)
    diff |= (unsigned)((unsigned char)(i < m ? a[i] : 0) ^ (unsigned char)b[i]);
  return diff == 0;
}

int baton__serve_who(serve_t *sv, baton_http_req_t *r, serve_who_t *who) {
  memset(who, 0, sizeof *who);
  const char *a = baton__http_req_header(r, "Authorization");
  if (a != NULL && strncasecmp(a, "Bearer ", 7) == 0 &&
      same_secret(a + 7, sv->token)) {
    strcpy(who->role, "coordinator");
    who->by_token = 1;
  } else if (a != NULL && strncasecmp(a, "Bearer ", 7) == 0) {
    return baton__serve_api_token(sv, r, a + 7, who); /* a person's */
  }
  return 0;
}

void baton__serve_who_clear(serve_who_t *who) {
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
