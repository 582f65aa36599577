/* core/cli/serve/proxy.c: `baton serve` behind a reverse proxy
 * (--trusted-proxy ADDR): who the client is, whether it came over TLS and
 * which Host it asked for.
 *
 * A proxy in front (nginx, docs/serve.md) ends TLS and passes the request
 * on from its own address, saying what it saw in X-Forwarded-For (the
 * client's address, appended to any the client sent), X-Forwarded-Proto
 * (https) and X-Forwarded-Host (the Host the browser used). Anyone can
 * send those headers, so they are believed only when the TCP peer is one
 * of the addresses given with --trusted-proxy; from anyone else they are
 * ignored, and the request is what the connection shows: the peer's
 * address, no TLS (baton itself speaks only plain HTTP), its own Host.
 *
 * Of X-Forwarded-For, whose left part the client wrote, the client is the
 * right-most address that is not itself a trusted proxy: each trusted hop
 * appends the address it got the request from, so everything to the right
 * of that one was written by proxies we trust. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve.h"

/* The 17-byte form of an address (family, then 4 or 16 bytes; an IPv4
 * address mapped into IPv6 as IPv4), from text without port or brackets.
 * Returns 0, or -1 when text is not an IP address. */
static int parse_addr(const char *text, unsigned char out[17]) {
  memset(out, 0, 17);
  if (uv_inet_pton(AF_INET, text, out + 1) == 0) {
    out[0] = AF_INET;
    return 0;
  }
  unsigned char a[16];
  if (uv_inet_pton(AF_INET6, text, a) != 0)
    return -1;
  static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
  if (memcmp(a, v4_mapped, 12) == 0) {
    out[0] = AF_INET;
    memcpy(out + 1, a + 12, 4);
  } else {
    out[0] = AF_INET6;
    memcpy(out + 1, a, 16);
  }
  return 0;
}

static int is_trusted(const serve_t *sv, const unsigned char a[17]) {
  for (size_t i = 0; i < sv->nproxies; i++)
    if (memcmp(sv->proxies[i], a, 17) == 0)
      return 1;
  return 0;
}

int baton__serve_trust_proxies(serve_t *sv, const baton_cmdspec_t *spec,
                               const baton_value_t *addrs, int allow_remote) {
  if (addrs->nitems > 0 && !allow_remote) {
    baton__usage_error(sv->h, spec, "baton serve",
                       "--trusted-proxy needs --allow-remote as well: a proxy "
                       "in front makes baton reachable from other computers, "
                       "and --allow-remote is how baton is told so (see "
                       "docs/serve.md, \"Behind a reverse proxy\")");
    return BATON_EUSAGE;
  }
  for (size_t i = 0; i < addrs->nitems; i++) {
    const char *a = addrs->items[i].v.s;
    const char *why = NULL;
    if (i >= sizeof sv->proxies / sizeof *sv->proxies)
      why = "at most 16 --trusted-proxy addresses";
    else if (parse_addr(a, sv->proxies[i]) != 0)
      why = "--trusted-proxy expects the proxy's IP address as baton sees "
            "it connect (127.0.0.1, ::1, 10.0.0.5), not a name or a range";
    if (why != NULL) {
      char *m = baton__asprintf("%s; got '%s'", why, a);
      baton__usage_error(sv->h, spec, "baton serve", m ? m : why);
      free(m);
      return BATON_EUSAGE;
    }
    sv->nproxies = i + 1;
  }
  return 0;
}

/* Whether r's TCP peer is a trusted proxy. */
static int from_proxy(serve_t *sv, baton_http_req_t *r) {
  char text[64];
  unsigned char a[17];
  return sv->nproxies > 0 &&
         parse_addr(baton__http_req_peer(r, text, sizeof text), a) == 0 &&
         is_trusted(sv, a);
}

/* The value of the last header `name` of r, or NULL. */
static const char *last_header(baton_http_req_t *r, const char *name) {
  const char *found = NULL;
  for (size_t i = 0, n = baton__http_req_nheaders(r); i < n; i++) {
    const char *k, *v;
    baton__http_req_header_at(r, i, &k, &v);
    if (strcasecmp(k, name) == 0)
      found = v;
  }
  return found;
}

/* p[0..*n) without the spaces and tabs around it. */
static const char *trim(const char *p, size_t *n) {
  while (*n > 0 && (*p == ' ' || *p == '\t'))
    p++, (*n)--;
  while (*n > 0 && (p[*n - 1] == ' ' || p[*n - 1] == '\t'))
    (*n)--;
  return p;
}

/* The last comma-separated element of v, trimmed: a pointer into v and
 * its length. */
static const char *last_element(const char *v, size_t *len) {
  const char *start = strrchr(v, ',');
  start = start ? start + 1 : v;
  *len = strlen(start);
  return trim(start, len);
}

int baton__serve_is_tls(serve_t *sv, baton_http_req_t *r) {
  const char *proto = last_header(r, "X-Forwarded-Proto");
  if (proto == NULL || !from_proxy(sv, r))
    return 0;
  size_t n;
  const char *p = last_element(proto, &n);
  return n == 5 && strncasecmp(p, "https", 5) == 0;
}

const char *baton__serve_host(serve_t *sv, baton_http_req_t *r) {
  const char *fwd = last_header(r, "X-Forwarded-Host");
  if (fwd != NULL && from_proxy(sv, r)) {
    size_t n;
    const char *h = last_element(fwd, &n);
    /* A suffix of the header's value, so it ends where the element
     * does unless spaces follow it (nginx sends none). */
    if (n > 0 && h[n] == '\0')
      return h;
  }
  return baton__http_req_header(r, "Host");
}

/* One X-Forwarded-For element (an address, maybe "[v6]:port" or
 * "v4:port") into its 17-byte form. Returns 0 or -1. */
static int parse_element(const char *e, size_t n, unsigned char a[17]) {
  char buf[64];
  if (n == 0 || n >= sizeof buf)
    return -1;
  memcpy(buf, e, n);
  buf[n] = '\0';
  char *text = buf;
  if (buf[0] == '[') {
    char *end = strchr(buf, ']');
    if (end == NULL)
      return -1;
    *end = '\0';
    text = buf + 1;
  } else if (strchr(buf, '.') != NULL && strchr(buf, ':') != NULL) {
    *strchr(buf, ':') = '\0'; /* v4:port */
  }
  return parse_addr(text, a);
}

int baton__serve_client_addr(serve_t *sv, baton_http_req_t *r, char *out,
                             size_t n) {
  if (*baton__http_req_peer(r, out, n) == '\0')
    return UV_ENOTCONN;
  if (!from_proxy(sv, r))
    return 0;
  /* Every X-Forwarded-For header, in order, is one list; walk it from
   * the right until an address that is not a trusted proxy. */
  unsigned char a[17];
  for (size_t i = baton__http_req_nheaders(r); i-- > 0;) {
    const char *k, *v;
    baton__http_req_header_at(r, i, &k, &v);
    if (strcasecmp(k, "X-Forwarded-For") != 0)
      continue;
    for (size_t end = strlen(v); end > 0;) {
      size_t start = end;
      while (start > 0 && v[start - 1] != ',')
        start--;
      size_t m = end - start;
      const char *p = trim(v + start, &m);
      /* Not an address: the hop that wrote it cannot be believed about
       * anything further left; the client is the proxy to its right. */
      if (parse_element(p, m, a) != 0)
        return 0;
      if (uv_inet_ntop(a[0], a + 1, out, n) != 0)
        return UV_ENOSPC;
      if (!is_trusted(sv, a))
        return 0;
      end = start > 0 ? start - 1 : 0;
    }
  }
  return 0; /* every hop a trusted proxy: the left-most of them */
}
