/* core/net/http.h: the HTTP/1.1 server of `baton serve`, on the host's loop.
 *
 * core/net/http.c accepts connections, parses requests with libhttp-parser and
 * writes responses; it knows nothing of baton's data. One handler (the
 * router of core/cli/serve/router.c) gets every complete request and answers
 * it, at once or later (a plugin command that waits), with baton__http_respond,
 * or turns the connection into a stream (Server-Sent Events) with
 * baton__http_stream.
 *
 * Ownership: the server owns its connections and the requests on them. A
 * request handed to the handler stays valid until it is answered, even if
 * the client goes away meanwhile (the answer is then dropped). Every
 * request handed to the handler must be answered exactly once, or
 * streamed. */
#ifndef BATON_HTTP_H
#define BATON_HTTP_H

#include <stddef.h>

#include <uv.h>

#include "base.h"

typedef struct baton_http_server_s baton_http_server_t;
typedef struct baton_http_req_s baton_http_req_t;

/* What one client may take from the server. A client over a limit gets the
 * matching status (431, 413, 503, 408, 429) and its connection is closed. */
typedef struct {
  size_t max_header;   /* request line and headers, bytes: 431 past it */
  size_t max_body;     /* body bytes: 413 past it */
  unsigned max_conns;  /* open connections: past it the one idle longest is
                          closed, or if none is idle the new one gets 503 */
  unsigned idle_ms;    /* a kept-alive connection with no request: closed */
  unsigned request_ms; /* a new connection's wait for its first byte, and a
                          request's first byte to its last: 408 past it */
  unsigned first_byte_busy_ms; /* the wait for the first byte while more
                                  than half of max_conns are open */
  size_t max_queued;   /* unsent bytes to a stream: closed past it */
  unsigned max_streams; /* open streams (0: 3/4 of max_conns): 503 past it */
  unsigned max_client_streams; /* streams per client address: 429 past it
                                  (0: no limit, for a proxy in front) */
} baton_http_limits_t;

/* The defaults: 16 KiB of headers, 1 MiB of body, 256 connections, 30 s
 * idle, 10 s per request (2 s for the first byte while the pool is more
 * than half full), 1 MiB queued, 192 streams, 8 per client address. */
void baton__http_limits_init(baton_http_limits_t *l);

typedef void (*baton_http_handler_fn)(baton_http_req_t *req, void *ud);
typedef void (*baton_http_closed_fn)(baton_http_server_t *s, void *ud);

/* Creates a server on `loop` listening on addr (port 0: any free port,
 * then *port says which; addr NULL: no listener, for connections made by
 * baton__http_pipe_open). Returns 0 or a negative libuv error (UV_EADDRINUSE,
 * UV_EACCES, UV_ENOMEM); on failure nothing is left open. */
int baton__http_server_start(baton_http_server_t **out, uv_loop_t *loop,
                             const struct sockaddr *addr,
                             const baton_http_limits_t *limits,
                             baton_http_handler_fn handler, void *ud,
                             int *port);

/* The same on a socket already bound (and maybe listening) at fd, which
 * the server then owns; addr is unused. For a restart that must not drop
 * the clients waiting to connect. */
int baton__http_server_adopt(baton_http_server_t **out, uv_loop_t *loop,
                             const struct sockaddr *addr, int fd,
                             const baton_http_limits_t *limits,
                             baton_http_handler_fn handler, void *ud,
                             int *port);
/* The listening socket's descriptor, or -1. */
int baton__http_server_fd(const baton_http_server_t *s);

/* Stops gracefully: no new connections; idle connections and streams are
 * closed; a request being answered finishes, then its connection closes.
 * closed_cb runs once everything is closed, after which the server is
 * freed. Calling it twice is harmless. */
void baton__http_server_close(baton_http_server_t *s,
                              baton_http_closed_fn closed_cb, void *ud);

/* Sends data to every stream. Returns how many streams it went to. A
 * stream whose client does not read (more than max_queued unsent) is
 * closed. */
size_t baton__http_broadcast(baton_http_server_t *s, const char *data,
                             size_t len);
/* Open connections (streams included) and streams. */
size_t baton__http_server_conns(const baton_http_server_t *s);
size_t baton__http_server_streams(const baton_http_server_t *s);

/* The request. Strings belong to the request and are NUL-terminated; path
 * is the URL's path (still %-encoded), query the part after '?' or "". */
const char *baton__http_req_method(const baton_http_req_t *r);
const char *baton__http_req_path(const baton_http_req_t *r);
const char *baton__http_req_query(const baton_http_req_t *r);
/* The value of header `name` (any case), or NULL. */
const char *baton__http_req_header(const baton_http_req_t *r,
                                   const char *name);
const char *baton__http_req_body(const baton_http_req_t *r, size_t *len);
/* The headers in the order received: i < nheaders. */
size_t baton__http_req_nheaders(const baton_http_req_t *r);
void baton__http_req_header_at(const baton_http_req_t *r, size_t i,
                               const char **name, const char **value);
/* The client's address as text ("127.0.0.1", "::1"; an IPv4 address
 * mapped into IPv6 as IPv4) into buf (at least 48 bytes), which it
 * returns; "" when not known (a connection without a socket,
 * baton__http_pipe_open). The socket's peer: behind a proxy, the proxy's
 * address (core/cli/serve/proxy.c reads what the proxy passes on). Kept
 * with the request, so still known after the client went away. */
const char *baton__http_req_peer(const baton_http_req_t *r, char *buf,
                                 size_t n);
/* The server the request came to. */
baton_http_server_t *baton__http_req_server(const baton_http_req_t *r);

/* Answers: status line, Content-Type, Content-Length, Connection, then
 * `headers` (more "Name: value\r\n" lines, or NULL) and the body (not for
 * HEAD). The request is freed. Returns 0, or UV_ENOMEM / UV_ECONNRESET
 * (the client went away: nothing was sent, the request is freed anyway). */
int baton__http_respond(baton_http_req_t *r, int status, const char *type,
                        const char *body, size_t len, const char *headers);
/* The same, but `body` is not copied: it must stay valid until
 * release(ud) is called, once, when the answer is written or dropped
 * (at once for HEAD or when nothing could be queued). release NULL: the
 * body is static (a web asset). */
typedef void (*baton_http_release_fn)(void *ud);
int baton__http_respond_ref(baton_http_req_t *r, int status, const char *type,
                            const char *body, size_t len, const char *headers,
                            baton_http_release_fn release, void *ud);
/* Answers 200 with no length, then `first` (len bytes, may be 0), and
 * keeps the connection open as a stream that baton__http_broadcast writes
 * to; the request is freed at once. A HEAD request gets the headers only
 * and the connection goes on as after baton__http_respond. Past
 * max_streams the answer is 503, past max_client_streams for the client's
 * address 429 (JSON naming the limit) and UV_EBUSY is returned. Returns 0
 * or as baton__http_respond. */
int baton__http_stream(baton_http_req_t *r, const char *type,
                       const char *headers, const char *first, size_t len);

/* A connection without a socket, for tests and the fuzzer
 * (tests/fuzz/fuzz_http.c): the server handles it as a client it accepted
 * (same parser, limits, timers and handler), but it reads what
 * baton__http_pipe_feed gives it and writes into `out`. */
typedef struct {
  baton_buf_t out; /* every byte the server wrote; the caller frees it */
  int shut;        /* the server sent its last answer (write side shut) */
  int closed;      /* the server closed the connection */
  void *conn_;     /* private: the connection while it is open */
} baton_http_pipe_t;

/* Opens a connection on s. Returns 0 or UV_ENOMEM. p must stay valid
 * until the connection is closed (p->closed). */
int baton__http_pipe_open(baton_http_server_t *s, baton_http_pipe_t *p);
/* The client sends n bytes (ignored once the connection is closed). */
void baton__http_pipe_feed(baton_http_pipe_t *p, const char *data, size_t n);
/* True while a request of the connection is with the handler, not yet
 * answered. */
int baton__http_pipe_waiting(const baton_http_pipe_t *p);
/* The client hangs up: the connection closes (an answer still being made
 * is dropped). The server frees it on the loop's next turn. */
void baton__http_pipe_close(baton_http_pipe_t *p);

/* The policy of every HTML answer the server or a plugin makes: no
 * script at all (a page shares the dashboard's origin, so a script it
 * could load would act with the reader's credentials); styles and images
 * from the server, forms posting back to it, no framing. */
#define BATON_HTTP_NO_SCRIPT_CSP                                               \
  "Content-Security-Policy: default-src 'none'; style-src 'self'; "            \
  "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "         \
  "base-uri 'none'\r\n"

/* The reason phrase of a status ("Not Found"). */
const char *baton__http_reason(int status);

/* Percent-decodes s[0..n) into a malloc'd string ('+' is a space when
 * form is set). NULL on allocation failure or an encoded NUL byte. */
char *baton__http_unescape(const char *s, size_t n, int form);
/* The value of key in a query string (decoded, malloc'd), or NULL. */
char *baton__http_query_get(const char *query, const char *key);
/* Finds cookie `name` in a Cookie header's value (NULL: none): *value and
 * *len get its value (not decoded; quotes kept) and 1 is returned, else
 * 0. The first of two with that name wins. */
int baton__http_cookie(const char *header, const char *name, const char **value,
                       size_t *len);

/* A file of web/, compiled into the binary by web/embed.cmake. */
typedef baton_asset_t baton_web_asset_t;

extern const baton_web_asset_t baton__web_assets[];
extern const size_t baton__web_nassets;

/* ---- JSON answers (core/net/http_json.c) --------------------------------- */

struct json_t;
/* Answers j (taken) as JSON with Cache-Control: no-store and `headers`
 * (more "Name: value\r\n" lines, or NULL); j NULL (out of memory) answers
 * 500. */
void baton__http_json(baton_http_req_t *r, int status, struct json_t *j,
                      const char *headers);
/* {"error": {"status", "plugin" (when not NULL), "message"}}. */
void baton__http_json_error(baton_http_req_t *r, int status,
                            const char *plugin, const char *msg);
/* j as the JSON text every answer uses (malloc'd), or NULL. */
char *baton__http_json_dump(const struct json_t *j);

/* An answer's bytes shared by a cache and the answers being written from
 * them (baton__http_respond_ref with baton__http_shared_unref), freed
 * with the last reference. */
typedef struct {
  size_t refs;
  size_t len;
  char *data;
} baton_http_shared_t;
/* Takes data (malloc'd, len bytes) into a new shared buffer holding one
 * reference; NULL when out of memory (data is then freed). */
baton_http_shared_t *baton__http_shared_new(char *data, size_t len);
void baton__http_shared_unref(void *shared);

#endif
