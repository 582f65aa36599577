/* core/cli/serve/cache.c: answers of `baton serve` kept and sent many
 * times: store answers cached until the data changes, and gzipped once. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "serve.h"

void baton__serve_cache_clear(cached_t *c) {
  baton__http_shared_unref(c->body);
  baton__http_shared_unref(c->gz);
  c->body = c->gz = NULL;
}

static void answers_clear(answers_t *a) {
  baton__serve_cache_clear(&a->people[0]);
  baton__serve_cache_clear(&a->people[1]);
  baton__serve_cache_clear(&a->groups);
}

answers_t *baton__serve_answers(serve_t *sv, const char *school) {
  if (school == NULL)
    return &sv->answers;
  for (size_t i = 0; i < sv->n_schools; i++)
    if (strcmp(sv->schools[i].school, school) == 0)
      return &sv->schools[i];
  if (sv->n_schools == SERVE_SCHOOL_ANSWERS)
    return NULL;
  answers_t *grown =
      realloc(sv->schools, (sv->n_schools + 1) * sizeof *sv->schools);
  if (grown == NULL)
    return NULL;
  sv->schools = grown;
  answers_t *a = &sv->schools[sv->n_schools];
  memset(a, 0, sizeof *a);
  if ((a->school = baton__strdup(school)) == NULL)
    return NULL;
  sv->n_schools++;
  return a;
}

void baton__serve_answers_clear(serve_t *sv) {
  answers_clear(&sv->answers);
  for (size_t i = 0; i < sv->n_schools; i++) {
    answers_clear(&sv->schools[i]);
    free(sv->schools[i].school);
  }
  free(sv->schools);
  sv->schools = NULL;
  sv->n_schools = 0;
}

/* ---- gzip: answers are compressed once and sent many times --------------
 * A browser asks for gzip (Accept-Encoding); the people of a school as
 * JSON shrink about twelvefold, which is what keeps a room of dashboards
 * on a school's Wi-Fi quick. Compressed with zlib, kept beside the plain
 * bytes, so no request compresses anything. */

/* The client takes gzip: "gzip" among Accept-Encoding's codings, not with
 * q=0. */
int baton__serve_takes_gzip(baton_http_req_t *r) {
  const char *ae = baton__http_req_header(r, "Accept-Encoding");
  for (const char *s = ae; s && *s;) {
    while (*s == ' ' || *s == ',')
      s++;
    size_t n = strcspn(s, ",");
    size_t tok = strcspn(s, " ;,");
    if (tok == 4 && strncasecmp(s, "gzip", 4) == 0) {
      const char *q = memchr(s, ';', n);
      return !(q && strstr(q, "q=0") && !strstr(q, "q=0."));
    }
    s += n;
  }
  return 0;
}

shared_t *baton__serve_gzip_of(const char *data, size_t len) {
  shared_t *b = calloc(1, sizeof *b);
  z_stream z;
  memset(&z, 0, sizeof z);
  if (b == NULL ||
      deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    free(b);
    return NULL;
  }
  size_t cap = deflateBound(&z, (uLong)len);
  b->data = malloc(cap);
  z.next_in = (Bytef *)data;
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)b->data;
  z.avail_out = (uInt)cap;
  int ok = b->data && deflate(&z, Z_FINISH) == Z_STREAM_END;
  b->len = z.total_out;
  deflateEnd(&z);
  if (!ok) {
    free(b->data);
    free(b);
    return NULL;
  }
  b->refs = 1;
  return b;
}

/* Sends b (its own reference is taken), gzipped when gz is given. */
void baton__serve_send_shared(baton_http_req_t *r, const char *type,
                              shared_t *b, int gz, const char *extra) {
  char headers[256];
  snprintf(headers, sizeof headers, "%sVary: Accept-Encoding\r\n%s",
           gz ? "Content-Encoding: gzip\r\n" : "", extra);
  b->refs++;
  baton__http_respond_ref(r, 200, type, b->data, b->len, headers,
                          baton__http_shared_unref, b);
}

/* Sends c's answer if it is of version v; returns 0 if not. */
int baton__serve_send_cached(baton_http_req_t *r, cached_t *c, long long v) {
  if (c->body == NULL || c->version != v)
    return 0;
  int gz = baton__serve_takes_gzip(r);
  if (gz && c->gz == NULL)
    c->gz = baton__serve_gzip_of(c->body->data, c->body->len);
  gz = gz && c->gz != NULL;
  baton__serve_send_shared(r, "application/json", gz ? c->gz : c->body, gz,
                           "Cache-Control: no-store\r\n");
  return 1;
}

/* Keeps j (taken) as c's answer for version v, and sends it. */
void baton__serve_send_json_cached(baton_http_req_t *r, cached_t *c,
                                   long long v, json_t *j) {
  char *text = baton__http_json_dump(j);
  shared_t *b = baton__http_shared_new(text, text ? strlen(text) : 0);
  if (b == NULL) {
    send_json(r, 200, j); /* answers 500 when out of memory */
    return;
  }
  json_decref(j);
  baton__serve_cache_clear(c);
  c->body = b;
  c->version = v;
  baton__serve_send_cached(r, c, v);
}
