/* core/net/http_json.c: JSON answers and shared answer bytes, for every
 * user of the HTTP server (the router of `baton serve`, plugin routes).
 *
 * Every JSON answer is compact, keeps the order of its keys and says
 * Cache-Control: no-store; an error is {"error": {"status", "plugin",
 * "message"}}. See core/net/http.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http.h"

char *baton__http_json_dump(const json_t *j) {
  return j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
                               JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))
           : NULL;
}

void baton__http_json(baton_http_req_t *r, int status, json_t *j,
                      const char *headers) {
  char *s = baton__http_json_dump(j);
  char h[256];
  snprintf(h, sizeof h, "Cache-Control: no-store\r\n%s",
           headers ? headers : "");
  if (s == NULL) {
    static const char oom[] =
        "{\"error\":{\"status\":500,\"message\":\"out of memory\"}}";
    baton__http_respond(r, 500, "application/json", oom, sizeof oom - 1, h);
  } else {
    baton__http_respond(r, status, "application/json", s, strlen(s), h);
  }
  free(s);
  json_decref(j);
}

void baton__http_json_error(baton_http_req_t *r, int status, const char *plugin,
                            const char *msg) {
  baton__http_json(r, status,
                   json_pack("{s:{s:i, s:s?, s:s}}", "error", "status", status,
                             "plugin", plugin, "message", msg),
                   NULL);
}

void baton__http_shared_unref(void *ud) {
  baton_http_shared_t *b = ud;
  if (b != NULL && --b->refs == 0) {
    free(b->data);
    free(b);
  }
}

baton_http_shared_t *baton__http_shared_new(char *data, size_t len) {
  baton_http_shared_t *b = data ? calloc(1, sizeof *b) : NULL;
  if (b == NULL) {
    free(data);
    return NULL;
  }
  b->refs = 1;
  b->len = len;
  b->data = data;
  return b;
}
