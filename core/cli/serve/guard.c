/* core/cli/serve/guard.c: the pure pieces of signing in to `baton serve`:
 * comparing secrets in constant time, counting failed sign-ins per key
 * (an account, a client address) in a fixed window, and reading a
 * session cookie's value. No store, no loop: tests/unit/cli/test_guard.c
 * drives them with a moved clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

int baton__serve_same_secret(const char *a, const char *b) {
  size_t n = strlen(b), m = strlen(a);
  unsigned diff = m != n;
  for (size_t i = 0; i < n; i++)
    diff |= (unsigned)((unsigned char)(i < m ? a[i] : 0) ^ (unsigned char)b[i]);
  return diff == 0;
}

void baton__serve_limit_init(serve_limit_t *l, unsigned max, long long window) {
  memset(l, 0, sizeof *l);
  l->max = max;
  l->window = window;
}

/* The slot of key, or NULL. */
static serve_limit_slot_t *find(serve_limit_t *l, const char *key) {
  for (size_t i = 0; i < SERVE_LIMIT_SLOTS; i++)
    if (l->slots[i].count > 0 && strcmp(l->slots[i].key, key) == 0)
      return &l->slots[i];
  return NULL;
}

long long baton__serve_limit_wait(serve_limit_t *l, const char *key,
                                  long long now) {
  serve_limit_slot_t *s = find(l, key);
  if (s == NULL || s->count < l->max || now >= s->start + l->window)
    return 0;
  return s->start + l->window - now;
}

void baton__serve_limit_fail(serve_limit_t *l, const char *key, long long now) {
  serve_limit_slot_t *s = find(l, key);
  if (s == NULL) {
    /* A free slot, one whose window is over, or else the oldest: an
     * attacker who floods the table with new keys only makes the oldest
     * counts be forgotten, and each of his own keys still stops at max. */
    s = &l->slots[0];
    for (size_t i = 0; i < SERVE_LIMIT_SLOTS; i++) {
      serve_limit_slot_t *c = &l->slots[i];
      if (c->count == 0 || now >= c->start + l->window) {
        s = c;
        break;
      }
      if (c->start < s->start)
        s = c;
    }
    memset(s, 0, sizeof *s);
    snprintf(s->key, sizeof s->key, "%s", key);
  }
  if (s->count == 0 || now >= s->start + l->window) {
    s->start = now;
    s->count = 0;
  }
  s->count++;
}

void baton__serve_limit_reset(serve_limit_t *l, const char *key) {
  serve_limit_slot_t *s = find(l, key);
  if (s != NULL)
    memset(s, 0, sizeof *s);
}

int baton__serve_session_cookie(const char *header, char id[BATON_TOKEN_SIZE]) {
  const char *v;
  size_t n;
  id[0] = '\0';
  if (!baton__http_cookie(header, SESSION_COOKIE, &v, &n) ||
      n != BATON_TOKEN_SIZE - 1)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               "0123456789-_",
               v[i]) == NULL ||
        v[i] == '\0')
      return 0;
  memcpy(id, v, n);
  id[n] = '\0';
  return 1;
}
