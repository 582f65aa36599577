/* core/cli/serve/static.c: the web app's files (web/, compiled into the
 * binary by web/embed.cmake), with ETags and gzip. */
#include <stdio.h>
#include <string.h>

#include "serve.h"

/* FNV-1a: an ETag that changes when the file does. */
void baton__serve_make_etag(char out[24], const unsigned char *d, size_t n) {
  unsigned long long h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++)
    h = (h ^ d[i]) * 1099511628211ULL;
  snprintf(out, 24, "\"%016llx\"", h);
}

int baton__serve_asset(serve_t *sv, baton_http_req_t *r, const char *path) {
  if (strcmp(path, "/") == 0)
    path = "/index.html";
  for (size_t i = 0; i < baton__web_nassets; i++) {
    const baton_web_asset_t *a = &baton__web_assets[i];
    if (strcmp(a->path, path) != 0)
      continue;
    shared_t *gz =
        i < 64 && baton__serve_takes_gzip(r) ? sv->gz_assets[i] : NULL;
    /* The gzipped bytes are another representation: another ETag. */
    char etag[32];
    snprintf(etag, sizeof etag, "%.17s%s\"", i < 64 ? sv->etags[i] : "\"0",
             gz ? "-gz" : "");
    char headers[160];
    /* Revalidate every time (cheap: 304), so a new baton's UI shows at
     * once; the ETag saves sending the file again. */
    snprintf(headers, sizeof headers, "Cache-Control: no-cache\r\nETag: %s\r\n",
             etag);
    const char *inm = baton__http_req_header(r, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
      baton__http_respond(r, 304, a->type, NULL, 0, headers);
    } else if (gz) {
      baton__serve_send_shared(r, a->type, gz, 1, headers);
    } else {
      snprintf(headers + strlen(headers), sizeof headers - strlen(headers),
               "Vary: Accept-Encoding\r\n");
      baton__http_respond_ref(r, 200, a->type, (const char *)a->data, a->len,
                              headers, NULL, NULL); /* in the binary */
    }
    return 1;
  }
  return 0;
}
