/* core/net/http.c: an HTTP/1.1 server on a libuv loop; requests are parsed by
 * libhttp-parser (see core/net/http.h for the contract).
 *
 * A connection reads, feeds what it read to its parser, and when a request
 * is complete pauses the parser, stops reading and hands the request to the
 * handler. Pipelined requests wait in the input buffer until the answer to
 * the one before is on its way, so answers go out in order. Limits: the
 * request line and headers are counted in the parser's callbacks (431),
 * the body likewise (413), a request must arrive within request_ms of its
 * first byte however slowly it trickles (408), a kept-alive connection may
 * sit idle idle_ms.
 *
 * A full pool is not a locked door: when a client connects and all
 * max_conns connections are taken, one that is doing nothing useful is
 * closed to make room (reclaim_rank: a finished one, then one that never
 * sent a byte, then a kept-alive one, then a request trickling in), so
 * sockets that only sit open cannot keep anyone out; only when none can go
 * does the new client get 503. Event streams may
 * take only max_streams of the pool (the rest stays for ordinary
 * requests), and one client address at most max_client_streams (429).
 *
 * The parser is libhttp-parser as Debian builds it, which is lenient: it
 * takes a bare LF as a line end, folds a line that begins with a space
 * into the one before, and lets a space into a header's name. Each is a
 * way for a request to mean one thing here and another to a proxy in
 * front (request smuggling), so the raw bytes of the header section are
 * checked before the parser sees them (check_head) and header names in
 * its callback: all three get 400. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "http.h"

#define READ_CHUNK 16384

typedef struct conn_s conn_t;

typedef struct {
  char *name, *value;
} header_t;

struct baton_http_req_s {
  conn_t *conn; /* NULL once the client went away */
  baton_http_server_t *server;
  char method[16];
  char *url;
  size_t url_len;
  char *path, *query;
  header_t *headers;
  size_t nheaders, cap;
  int in_value; /* the parser is inside a header value */
  char *body;
  size_t body_len, body_cap;
  int keep_alive;
  int head; /* a HEAD request: no body in the answer */
  unsigned char peer[17]; /* the connection's peer, kept past its close */
};

/* READING a request, BUSY while the handler answers it, a STREAM, DRAINING
 * after the last answer (write side shut, reading until the client closes,
 * so that unread input does not make the kernel reset the connection and
 * lose the answer), CLOSING. */
typedef enum {
  C_READING,
  C_BUSY,
  C_STREAM,
  C_DRAINING,
  C_CLOSING
} conn_state_t;

struct conn_s {
  uv_tcp_t tcp;
  uv_timer_t timer;
  uv_shutdown_t shutdown;
  baton_http_server_t *server;
  http_parser parser;
  conn_state_t state;
  baton_http_req_t *req; /* being parsed, being answered, or the stream */
  char *in;              /* read but not yet parsed */
  size_t in_len, in_cap;
  size_t header_bytes;
  int err_status;  /* a limit the parser callbacks found */
  int processing; /* inside conn_process: answers do not re-enter it */
  int dispatching; /* inside the handler: reading not stopped yet */
  int handles;     /* open libuv handles (tcp, timer) */
  baton_http_pipe_t *pipe; /* a connection without a socket, or NULL */
  /* check_head's place in the header section of the request being read:
   * past its end (in the body), after a CR, how many line ends in a row,
   * and whether the request line has begun. */
  unsigned char in_body, cr, eols, begun;
  unsigned requests; /* answered on this connection so far */
  uint64_t idle_since; /* uv_now when it began waiting for a request,
                          reading one, or draining */
  unsigned char peer[17]; /* the client's address: family, then the bytes */
  conn_t *prev, *next;
};

struct baton_http_server_s {
  uv_loop_t *loop;
  uv_tcp_t listener;
  baton_http_limits_t limits;
  baton_http_handler_fn handler;
  void *ud;
  conn_t *conns;
  size_t nconns, nstreams;
  size_t nclosing; /* connections closed whose handles are not yet */
  int listening; /* the listener handle is open */
  int closing;
  baton_http_closed_fn closed_cb;
  void *closed_ud;
};

static http_parser_settings settings;
static void conn_process(conn_t *c);
static void conn_close(conn_t *c);
static void conn_finish(conn_t *c);
static void on_timer(uv_timer_t *t);
static int stream_refused(baton_http_req_t *r);

void baton__http_limits_init(baton_http_limits_t *l) {
  l->max_header = 16 * 1024;
  l->max_body = 1024 * 1024;
  l->max_conns = 256;
  l->idle_ms = 30000;
  l->request_ms = 10000;
  l->max_queued = 1024 * 1024;
  l->max_streams = 0; /* 3/4 of max_conns */
  l->max_client_streams = 8;
  l->first_byte_busy_ms = 2000;
}

/* How many streams the pool may hold: the rest is kept for requests. */
static size_t max_streams(const baton_http_server_t *s) {
  return s->limits.max_streams ? s->limits.max_streams
                               : (size_t)s->limits.max_conns * 3 / 4;
}

const char *baton__http_reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 204: return "No Content";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 411: return "Length Required";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 421: return "Misdirected Request";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  default: return status < 300 ? "OK" : status < 500 ? "Client Error"
                                                     : "Server Error";
  }
}

/* ---- requests ------------------------------------------------------------ */

static void req_free(baton_http_req_t *r) {
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->nheaders; i++) {
    free(r->headers[i].name);
    free(r->headers[i].value);
  }
  free(r->headers);
  free(r->url);
  free(r->path);
  free(r->query);
  free(r->body);
  free(r);
}

/* Appends to a malloc'd NUL-terminated string. Returns 0 or -1. */
static int str_append(char **s, size_t *len, const char *p, size_t n) {
  char *t = realloc(*s, *len + n + 1);
  if (t == NULL)
    return -1;
  memcpy(t + *len, p, n);
  *len += n;
  t[*len] = '\0';
  *s = t;
  return 0;
}

const char *baton__http_req_method(const baton_http_req_t *r) {
  return r->method;
}
const char *baton__http_req_path(const baton_http_req_t *r) { return r->path; }
const char *baton__http_req_query(const baton_http_req_t *r) {
  return r->query;
}
baton_http_server_t *baton__http_req_server(const baton_http_req_t *r) {
  return r->server;
}

const char *baton__http_req_peer(const baton_http_req_t *r, char *buf,
                                 size_t n) {
  const unsigned char *a = r->peer + 1;
  static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
  if (n > 0)
    buf[0] = '\0';
  if (r->peer[0] == AF_INET6 && memcmp(a, v4_mapped, 12) == 0)
    uv_inet_ntop(AF_INET, a + 12, buf, n);
  else if (r->peer[0] == AF_INET || r->peer[0] == AF_INET6)
    uv_inet_ntop(r->peer[0], a, buf, n);
  return buf;
}

size_t baton__http_req_nheaders(const baton_http_req_t *r) {
  return r->nheaders;
}

void baton__http_req_header_at(const baton_http_req_t *r, size_t i,
                               const char **name, const char **value) {
  *name = r->headers[i].name ? r->headers[i].name : "";
  *value = r->headers[i].value ? r->headers[i].value : "";
}

const char *baton__http_req_header(const baton_http_req_t *r,
                                   const char *name) {
  for (size_t i = 0; i < r->nheaders; i++)
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value ? r->headers[i].value : "";
  return NULL;
}

const char *baton__http_req_body(const baton_http_req_t *r, size_t *len) {
  if (len)
    *len = r->body_len;
  return r->body ? r->body : "";
}

/* ---- parser callbacks ------------------------------------------------------
 * Each returns 0, or non-zero to stop the parser with err_status set. */

static int count_header(conn_t *c, size_t n) {
  c->header_bytes += n;
  if (c->header_bytes > c->server->limits.max_header) {
    c->err_status = 431;
    return -1;
  }
  return 0;
}

static int on_message_begin(http_parser *p) {
  conn_t *c = p->data;
  c->req = calloc(1, sizeof *c->req);
  if (c->req == NULL) {
    c->err_status = 503;
    return -1;
  }
  c->req->conn = c;
  c->req->server = c->server;
  memcpy(c->req->peer, c->peer, sizeof c->peer);
  c->header_bytes = 0;
  c->idle_since = uv_now(c->server->loop);
  /* From the first byte, the whole request has request_ms to arrive. */
  uv_timer_start(&c->timer, on_timer, c->server->limits.request_ms, 0);
  return 0;
}

static int on_url(http_parser *p, const char *at, size_t n) {
  conn_t *c = p->data;
  if (count_header(c, n) != 0)
    return -1;
  return str_append(&c->req->url, &c->req->url_len, at, n);
}

/* A character RFC 9110 allows in a header's name (tchar). */
static int is_tchar(unsigned char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static int on_header_field(http_parser *p, const char *at, size_t n) {
  conn_t *c = p->data;
  baton_http_req_t *r = c->req;
  if (count_header(c, n + 4) != 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (!is_tchar((unsigned char)at[i])) {
      c->err_status = 400; /* "Host : x", "Host\t: x" */
      return -1;
    }
  if (r->nheaders == 0 || r->in_value) {
    if (BATON_GROW(r->headers, r->nheaders, r->cap, 16) != 0)
      return -1;
    r->headers[r->nheaders++] = (header_t){NULL, NULL};
    r->in_value = 0;
  }
  header_t *h = &r->headers[r->nheaders - 1];
  size_t len = h->name ? strlen(h->name) : 0;
  return str_append(&h->name, &len, at, n);
}

static int on_header_value(http_parser *p, const char *at, size_t n) {
  conn_t *c = p->data;
  baton_http_req_t *r = c->req;
  if (count_header(c, n) != 0)
    return -1;
  if (r->nheaders == 0)
    return -1;
  r->in_value = 1;
  header_t *h = &r->headers[r->nheaders - 1];
  size_t len = h->value ? strlen(h->value) : 0;
  return str_append(&h->value, &len, at, n);
}

static int on_headers_complete(http_parser *p) {
  conn_t *c = p->data;
  baton_http_req_t *r = c->req;
  if (p->content_length != ULLONG_MAX &&
      p->content_length > c->server->limits.max_body) {
    c->err_status = 413;
    return -1; /* 1 and 2 mean "skip the body" to the parser */
  }
  snprintf(r->method, sizeof r->method, "%s",
           http_method_str((enum http_method)p->method));
  r->head = p->method == HTTP_HEAD;
  r->keep_alive = http_should_keep_alive(p);
  struct http_parser_url u;
  http_parser_url_init(&u);
  if (r->url == NULL ||
      http_parser_parse_url(r->url, r->url_len, p->method == HTTP_CONNECT,
                            &u) != 0 ||
      !(u.field_set & (1 << UF_PATH))) {
    c->err_status = 400;
    return -1; /* 1 and 2 mean "skip the body" to the parser */
  }
  r->path = strndup(r->url + u.field_data[UF_PATH].off,
                    u.field_data[UF_PATH].len);
  r->query = (u.field_set & (1 << UF_QUERY))
                 ? strndup(r->url + u.field_data[UF_QUERY].off,
                           u.field_data[UF_QUERY].len)
                 : strdup("");
  if (r->path == NULL || r->query == NULL) {
    c->err_status = 503;
    return -1; /* 1 and 2 mean "skip the body" to the parser */
  }
  return 0;
}

static int on_body(http_parser *p, const char *at, size_t n) {
  conn_t *c = p->data;
  baton_http_req_t *r = c->req;
  if (r->body_len + n > c->server->limits.max_body) {
    c->err_status = 413;
    return -1;
  }
  return str_append(&r->body, &r->body_len, at, n);
}

static int on_message_complete(http_parser *p) {
  /* Stop here: the bytes after this request wait until it is answered. */
  http_parser_pause(p, 1);
  return 0;
}

/* ---- writing --------------------------------------------------------------*/

/* A body not copied (a "ref") is released when its write is done. */
typedef struct {
  baton_http_release_fn release;
  void *ud;
} ref_t;

typedef struct {
  uv_write_t w;
  conn_t *conn;
  ref_t ref;
  char data[];
} write_t;

static void release(const ref_t *ref) {
  if (ref && ref->release)
    ref->release(ref->ud);
}

static void on_write(uv_write_t *w, int status) {
  write_t *wr = (write_t *)w;
  conn_t *c = wr->conn;
  release(&wr->ref);
  free(wr);
  if (status < 0 && c->state != C_CLOSING)
    conn_close(c);
}

/* Writes a then b on the connection, what the socket does not take at
 * once queued: both copied, or with `ref` b is written from where it is
 * and released once written. Returns 0 or a
 * libuv error (a ref is then released at once). */
static int conn_write(conn_t *c, const char *a, size_t alen, const char *b,
                      size_t blen, const ref_t *ref) {
  if (c->pipe != NULL) {
    int e = baton__buf_append(&c->pipe->out, a, alen) != 0 ||
                    (blen && baton__buf_append(&c->pipe->out, b, blen) != 0)
                ? UV_ENOMEM
                : 0;
    release(ref);
    return e;
  }
  /* What the socket takes at once is written now: a whole answer (most
   * are) then needs no request, no copy and no callback, and libuv does
   * not turn the socket's write-readiness on and off again (an epoll_ctl
   * call). The rest, if any, is queued. libuv refuses (UV_EAGAIN) while
   * earlier writes are queued, so the order holds. */
  uv_buf_t now[2] = {uv_buf_init((char *)a, (unsigned)alen),
                     uv_buf_init((char *)b, (unsigned)blen)};
  int sent = uv_try_write((uv_stream_t *)&c->tcp, now, blen ? 2 : 1);
  if (sent < 0 && sent != UV_EAGAIN) {
    release(ref);
    return sent;
  }
  size_t done = sent > 0 ? (size_t)sent : 0, skip = done < alen ? done : alen;
  a += skip, alen -= skip, done -= skip;
  b += done, blen -= done;
  if (alen == 0 && blen == 0) {
    release(ref);
    return 0;
  }
  size_t copied = alen + (ref ? 0 : blen);
  write_t *wr = malloc(sizeof *wr + copied);
  if (wr == NULL) {
    release(ref);
    return UV_ENOMEM;
  }
  wr->conn = c;
  wr->ref = ref ? *ref : (ref_t){NULL, NULL};
  memcpy(wr->data, a, alen);
  if (blen && !ref)
    memcpy(wr->data + alen, b, blen);
  uv_buf_t bufs[2] = {uv_buf_init(wr->data, (unsigned)copied),
                      uv_buf_init((char *)b, (unsigned)blen)};
  uv_buf_t *from = alen || !ref ? bufs : bufs + 1; /* b from where it is */
  unsigned nbufs = alen && ref && blen ? 2 : 1;
  int r = uv_write(&wr->w, (uv_stream_t *)&c->tcp, from, nbufs, on_write);
  if (r != 0) {
    release(&wr->ref);
    free(wr);
  }
  return r;
}

/* Writes a whole answer; headers_extra may be NULL; with `ref` the body is
 * not copied (see conn_write). */
static int write_answer(conn_t *c, int status, const char *type,
                        const char *body, size_t len, const char *extra,
                        int keep_alive, int head, int stream,
                        const ref_t *ref) {
  char head_buf[2048];
  int n;
  if (stream)
    n = snprintf(head_buf, sizeof head_buf,
                 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                 "Cache-Control: no-store\r\nConnection: %s\r\n"
                 "X-Content-Type-Options: nosniff\r\n%s\r\n",
                 status, baton__http_reason(status), type,
                 keep_alive ? "keep-alive" : "close", extra ? extra : "");
  else
    n = snprintf(head_buf, sizeof head_buf,
                 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                 "Content-Length: %zu\r\nConnection: %s\r\n"
                 "X-Content-Type-Options: nosniff\r\n%s\r\n",
                 status, baton__http_reason(status), type, len,
                 keep_alive ? "keep-alive" : "close", extra ? extra : "");
  if (n < 0 || (size_t)n >= sizeof head_buf) {
    release(ref);
    return UV_ENOMEM;
  }
  return conn_write(c, head_buf, (size_t)n, head ? NULL : body,
                    head ? 0 : len, ref);
}

/* An error found while reading: answer it and close the connection. */
static void conn_fail(conn_t *c, int status) {
  char body[128];
  int n = snprintf(body, sizeof body, "{\"error\":{\"status\":%d,"
                                      "\"message\":\"%s\"}}\n",
                   status, baton__http_reason(status));
  uv_read_stop((uv_stream_t *)&c->tcp);
  uv_timer_stop(&c->timer);
  req_free(c->req);
  c->req = NULL;
  c->state = C_BUSY;
  if (write_answer(c, status, "application/json", body, (size_t)n, NULL, 0, 0,
                   0, NULL) != 0)
    conn_close(c);
  else
    conn_finish(c);
}

/* ---- connections ----------------------------------------------------------*/

static void server_maybe_closed(baton_http_server_t *s) {
  if (!s->closing || s->conns != NULL || s->listening || s->nclosing > 0)
    return;
  if (s->closed_cb)
    s->closed_cb(s, s->closed_ud);
  free(s);
}

static void on_conn_handle_closed(uv_handle_t *h) {
  conn_t *c = h->data;
  if (--c->handles > 0)
    return;
  baton_http_server_t *s = c->server;
  free(c->in);
  free(c);
  s->nclosing--;
  server_maybe_closed(s);
}

/* Closes the connection. A request being answered is detached: its answer
 * will be dropped. Safe to call twice. */
static void conn_close(conn_t *c) {
  if (c->state == C_CLOSING)
    return;
  baton_http_server_t *s = c->server;
  if (c->pipe != NULL) {
    c->pipe->closed = 1;
    c->pipe->conn_ = NULL;
    c->pipe = NULL;
  }
  if (c->state == C_STREAM)
    s->nstreams--;
  if (c->req != NULL) {
    if (c->state == C_BUSY)
      c->req->conn = NULL; /* the handler still holds it */
    else
      req_free(c->req);
    c->req = NULL;
  }
  c->state = C_CLOSING;
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  s->nconns--;
  s->nclosing++;
  uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
  uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  conn_t *c = req->data;
  if (status < 0 && c->state != C_CLOSING)
    conn_close(c);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf);
static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf);

/* The last answer is queued: shut the write side once it is written, and
 * close when the client closes or after a second. */
static void conn_finish(conn_t *c) {
  c->state = C_DRAINING;
  c->idle_since = uv_now(c->server->loop);
  c->in_len = 0;
  c->shutdown.data = c;
  if (c->pipe != NULL) {
    c->pipe->shut = 1;
  } else if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp,
                         on_shutdown) != 0) {
    conn_close(c);
    return;
  }
  uv_timer_start(&c->timer, on_timer, 1000, 0);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void on_timer(uv_timer_t *t) {
  conn_t *c = t->data;
  if (c->state == C_READING && c->req != NULL)
    conn_fail(c, 408); /* a request began and did not finish in time */
  else
    conn_close(c);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
  conn_t *c = h->data;
  if (c->in_cap - c->in_len < READ_CHUNK) {
    size_t cap = c->in_len + READ_CHUNK;
    char *in = realloc(c->in, cap);
    if (in == NULL) {
      *buf = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS */
      return;
    }
    c->in = in;
    c->in_cap = cap;
  }
  *buf = uv_buf_init(c->in + c->in_len, (unsigned)(c->in_cap - c->in_len));
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf) {
  conn_t *c = st->data;
  if (n < 0) {
    /* EOF or an error. A request cut short gets no answer: nobody reads. */
    conn_close(c);
    return;
  }
  if (c->state == C_DRAINING || c->state == C_STREAM) {
    c->in_len = 0; /* dropped: nobody will answer it */
    return;
  }
  c->in_len += (size_t)n;
  conn_process(c);
}

/* Dispatches the request the parser completed. */
static void conn_dispatch(conn_t *c) {
  baton_http_req_t *r = c->req;
  uv_timer_stop(&c->timer);
  c->state = C_BUSY;
  if (c->server->closing)
    r->keep_alive = 0;
  /* Reading stops only for an answer still awaited when the handler
   * returns (a plugin's task). One given at once (a cached answer) leaves
   * the socket as it was: stopping and starting it cost two epoll_ctl
   * calls a request, a third of a small answer's system calls. Nothing is
   * read in between: the loop does not run inside the handler. */
  c->dispatching = 1;
  c->server->handler(r, c->server->ud);
  c->dispatching = 0;
  if (c->state == C_BUSY)
    uv_read_stop((uv_stream_t *)&c->tcp);
}

/* Checks the line ends of the header section in in[0..n) before the
 * parser sees them, going on from where the last call stopped: every line
 * ends with CR LF, and no line of it begins with a space or tab (an
 * obsolete fold). Stops at the blank line that ends the section; the body
 * is not looked at. Returns 0, or -1 for a bare LF, a CR without LF or a
 * folded line. */
static int check_head(conn_t *c, const char *in, size_t n) {
  for (size_t i = 0; i < n && !c->in_body; i++) {
    unsigned char ch = (unsigned char)in[i];
    if (c->cr && ch != '\n')
      return -1;
    if (ch == '\n') {
      if (!c->cr)
        return -1;
      c->cr = 0;
      /* Blank lines before the request line are allowed (RFC 9112 2.2). */
      if (c->begun && ++c->eols == 2)
        c->in_body = 1;
    } else if (ch == '\r') {
      c->cr = 1;
    } else if (c->eols == 1 && (ch == ' ' || ch == '\t')) {
      return -1;
    } else {
      c->begun = 1;
      c->eols = 0;
    }
  }
  return 0;
}

/* The next request's header section begins. */
static void check_head_reset(conn_t *c) {
  c->in_body = c->cr = c->eols = c->begun = 0;
}

/* Parses what was read, request after request, while none is being
 * answered. */
static void conn_process(conn_t *c) {
  if (c->processing)
    return;
  c->processing = 1;
  size_t off = 0;
  while (c->state == C_READING && off < c->in_len) {
    if (check_head(c, c->in + off, c->in_len - off) != 0) {
      conn_fail(c, 400);
      break;
    }
    size_t n = http_parser_execute(&c->parser, &settings, c->in + off,
                                   c->in_len - off);
    off += n;
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (e == HPE_PAUSED) {
      http_parser_pause(&c->parser, 0);
      check_head_reset(c);
      conn_dispatch(c);
      continue;
    }
    if (e != HPE_OK) {
      int status = c->err_status            ? c->err_status
                   : e == HPE_HEADER_OVERFLOW ? 431
                                              : 400;
      conn_fail(c, status);
      break;
    }
    if (n == 0)
      break;
  }
  if (c->state == C_DRAINING || c->state == C_STREAM) {
    c->in_len = 0; /* what else was read will not be answered */
  } else if (c->state != C_CLOSING && off > 0 && off <= c->in_len) {
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
  }
  c->processing = 0;
}

/* The answer to c's request is queued: go on with the next one. */
static void conn_next(conn_t *c, int keep_alive) {
  c->req = NULL;
  if (!keep_alive) {
    conn_finish(c);
    return;
  }
  c->state = C_READING;
  c->requests++;
  c->idle_since = uv_now(c->server->loop);
  uv_timer_start(&c->timer, on_timer, c->server->limits.idle_ms, 0);
  if (!c->dispatching) /* else it never stopped (conn_dispatch) */
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  /* Pipelined requests already read are parsed now (or by the
   * conn_process loop this answer was given inside). */
  if (c->in_len > 0 && !c->processing)
    conn_process(c);
}

static int respond(baton_http_req_t *r, int status, const char *type,
                   const char *body, size_t len, const char *headers,
                   const ref_t *ref) {
  conn_t *c = r->conn;
  if (c == NULL) {
    release(ref);
    req_free(r);
    return UV_ECONNRESET;
  }
  int keep = r->keep_alive && !c->server->closing;
  int e = write_answer(c, status, type ? type : "text/plain; charset=utf-8",
                       body, len, headers, keep, r->head, 0, ref);
  req_free(r);
  if (e != 0) {
    c->req = NULL;
    conn_close(c);
    return e;
  }
  conn_next(c, keep);
  return 0;
}

int baton__http_respond(baton_http_req_t *r, int status, const char *type,
                        const char *body, size_t len, const char *headers) {
  return respond(r, status, type, body, len, headers, NULL);
}

int baton__http_respond_ref(baton_http_req_t *r, int status, const char *type,
                            const char *body, size_t len, const char *headers,
                            baton_http_release_fn release_fn, void *ud) {
  ref_t ref = {release_fn, ud};
  return respond(r, status, type, body, len, headers, &ref);
}

int baton__http_stream(baton_http_req_t *r, const char *type,
                       const char *headers, const char *first, size_t len) {
  conn_t *c = r->conn;
  if (c == NULL) {
    req_free(r);
    return UV_ECONNRESET;
  }
  /* HEAD: the stream's headers without a body, and no stream: the
   * connection goes on to the next request (found by fuzz_http). */
  int head = r->head, keep = !head || (r->keep_alive && !c->server->closing);
  if (!head && stream_refused(r))
    return UV_EBUSY;
  int e = write_answer(c, 200, type, first, len, headers, keep, head, 1, NULL);
  req_free(r);
  c->req = NULL;
  if (e != 0) {
    conn_close(c);
    return e;
  }
  if (head) {
    conn_next(c, keep);
    return 0;
  }
  c->state = C_STREAM;
  c->server->nstreams++;
  /* Reading again notices the client leaving; what it sends is dropped. */
  c->in_len = 0;
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  return 0;
}

/* ---- sharing the pool ------------------------------------------------------
 * A stream holds its connection for as long as the client likes, and a
 * connection that never sends a byte holds it until its timer fires: left
 * alone, either could fill the pool. */

/* The number of streams open to the address of c's client. */
static size_t client_streams(const conn_t *c) {
  size_t n = 0;
  for (const conn_t *o = c->server->conns; o != NULL; o = o->next)
    n += o->state == C_STREAM && memcmp(o->peer, c->peer, sizeof c->peer) == 0;
  return n;
}

/* Answers r 503 when the streams have their share of the pool, 429 when
 * its client has max_client_streams open; returns 1 then, else 0. */
static int stream_refused(baton_http_req_t *r) {
  conn_t *c = r->conn;
  baton_http_server_t *s = c->server;
  int status = 0;
  char msg[200];
  if (s->nstreams >= max_streams(s)) {
    status = 503;
    snprintf(msg, sizeof msg, "all %zu event streams are taken (the rest of "
                              "the server is kept for requests); try again "
                              "later", max_streams(s));
  } else if (s->limits.max_client_streams > 0 &&
             client_streams(c) >= s->limits.max_client_streams) {
    status = 429;
    snprintf(msg, sizeof msg, "this address already has %u event streams "
                              "open, the most one client may have; close a "
                              "dashboard tab or window",
             s->limits.max_client_streams);
  }
  if (status == 0)
    return 0;
  char body[300];
  int n = snprintf(body, sizeof body,
                   "{\"error\":{\"status\":%d,\"message\":\"%s\"}}\n",
                   status, msg);
  r->keep_alive = 0;
  respond(r, status, "application/json", body, (size_t)n,
          "Cache-Control: no-store\r\nRetry-After: 5\r\n", NULL);
  return 1;
}

/* How willingly c is closed to make room: 0 its last answer is written
 * and it only waits for the client to hang up; 1 it never sent a byte (a
 * client that likely never will); 2 kept alive between requests (a
 * browser may use it again); 3 a request trickling in for longer than
 * first_byte_busy_ms (a client that sends a byte now and then to hold
 * its place). -1: not at all (being answered, or a stream). */
static int reclaim_rank(const conn_t *c, uint64_t now) {
  if (c->state == C_DRAINING)
    return (c->pipe ? c->pipe->shut : c->tcp.write_queue_size == 0) ? 0 : -1;
  if (c->state != C_READING)
    return -1;
  if (c->req == NULL && c->in_len == 0)
    return c->requests == 0 ? 1 : 2;
  return now - c->idle_since >= c->server->limits.first_byte_busy_ms ? 3 : -1;
}

/* The connection to close so that a new client gets in when the pool is
 * full: the lowest reclaim_rank, the longest in that state first. NULL
 * when none may be closed. */
static conn_t *reclaimable(baton_http_server_t *s, const conn_t *except) {
  conn_t *best = NULL;
  int best_rank = 4;
  uint64_t now = uv_now(s->loop);
  for (conn_t *c = s->conns; c != NULL; c = c->next) {
    int rank = c == except ? -1 : reclaim_rank(c, now);
    /* The list is newest first: on a tie the older one wins. */
    if (rank >= 0 && (rank < best_rank ||
                      (rank == best_rank && c->idle_since <= best->idle_since)))
      best = c, best_rank = rank;
  }
  return best;
}

size_t baton__http_broadcast(baton_http_server_t *s, const char *data,
                             size_t len) {
  size_t sent = 0;
  conn_t *next;
  for (conn_t *c = s->conns; c != NULL; c = next) {
    next = c->next;
    if (c->state != C_STREAM)
      continue;
    if (c->tcp.write_queue_size > s->limits.max_queued ||
        conn_write(c, data, len, NULL, 0, NULL) != 0) {
      conn_close(c);
      continue;
    }
    sent++;
  }
  return sent;
}

size_t baton__http_server_conns(const baton_http_server_t *s) {
  return s->nconns;
}
size_t baton__http_server_streams(const baton_http_server_t *s) {
  return s->nstreams;
}

/* A connection of server s, not yet reading: its handles open, linked
 * into the server's list. NULL when out of memory. */
static conn_t *conn_new(baton_http_server_t *s) {
  conn_t *c = calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->server = s;
  if (uv_tcp_init(s->loop, &c->tcp) != 0) {
    free(c);
    return NULL;
  }
  c->tcp.data = c;
  c->handles = 1;
  if (uv_timer_init(s->loop, &c->timer) != 0) { /* cannot fail on Unix */
    s->nclosing++;
    uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
    return NULL;
  }
  c->timer.data = c;
  c->handles = 2;
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  s->conns = c;
  s->nconns++;
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->state = C_READING;
  c->idle_since = uv_now(s->loop);
  return c;
}

/* The connection is open: wait for its first request. Past max_conns the
 * connection idle longest is closed to make room, or if none is idle the
 * new one gets 503, as it does while the server closes. The first byte
 * may take request_ms, or first_byte_busy_ms while more than half the
 * pool is in use. */
static void conn_start(conn_t *c) {
  baton_http_server_t *s = c->server;
  if (s->nconns > s->limits.max_conns && !s->closing) {
    conn_t *old = reclaimable(s, c);
    if (old != NULL)
      conn_close(old);
  }
  if (s->nconns > s->limits.max_conns || s->closing) {
    conn_fail(c, 503);
    return;
  }
  unsigned wait = s->nconns * 2 > s->limits.max_conns &&
                          s->limits.first_byte_busy_ms < s->limits.request_ms
                      ? s->limits.first_byte_busy_ms
                      : s->limits.request_ms;
  uv_timer_start(&c->timer, on_timer, wait, 0);
  if (c->pipe == NULL &&
      uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
    conn_close(c);
}

static void on_connection(uv_stream_t *l, int status) {
  baton_http_server_t *s = l->data;
  if (status < 0)
    return;
  conn_t *c = conn_new(s);
  if (c == NULL)
    goto fail_alloc;
  if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
    conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  struct sockaddr_storage ss;
  int len = sizeof ss;
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
    c->peer[0] = (unsigned char)ss.ss_family;
    if (ss.ss_family == AF_INET6)
      memcpy(c->peer + 1, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
    else
      memcpy(c->peer + 1, &((struct sockaddr_in *)&ss)->sin_addr, 4);
  }
  conn_start(c);
  return;

fail_alloc:
  /* Out of memory: accept and drop the client rather than spin on it. */
  {
    uv_tcp_t *t = malloc(sizeof *t);
    if (t && uv_tcp_init(s->loop, t) == 0) {
      uv_accept(l, (uv_stream_t *)t);
      uv_close((uv_handle_t *)t, (uv_close_cb)free);
    } else {
      free(t);
    }
  }
}

int baton__http_server_start(baton_http_server_t **out, uv_loop_t *loop,
                             const struct sockaddr *addr,
                             const baton_http_limits_t *limits,
                             baton_http_handler_fn handler, void *ud,
                             int *port) {
  return baton__http_server_adopt(out, loop, addr, -1, limits, handler, ud,
                                  port);
}

int baton__http_server_fd(const baton_http_server_t *s) {
  uv_os_fd_t fd;
  return uv_fileno((const uv_handle_t *)&s->listener, &fd) == 0 ? (int)fd
                                                                 : -1;
}

int baton__http_server_adopt(baton_http_server_t **out, uv_loop_t *loop,
                             const struct sockaddr *addr, int fd,
                             const baton_http_limits_t *limits,
                             baton_http_handler_fn handler, void *ud,
                             int *port) {
  int r;
  /* A client that leaves while its answer is being written (a browser
   * moving to another page with requests pipelined or a stream open) must
   * not end the process: the write then fails with EPIPE, and on_write
   * closes that connection. Commands spawned through libuv get the
   * default disposition back. */
  signal(SIGPIPE, SIG_IGN);
  settings.on_message_begin = on_message_begin;
  settings.on_url = on_url;
  settings.on_header_field = on_header_field;
  settings.on_header_value = on_header_value;
  settings.on_headers_complete = on_headers_complete;
  settings.on_body = on_body;
  settings.on_message_complete = on_message_complete;
  baton_http_server_t *s = calloc(1, sizeof *s);
  if (s == NULL)
    return UV_ENOMEM;
  s->loop = loop;
  if (limits)
    s->limits = *limits;
  else
    baton__http_limits_init(&s->limits);
  s->handler = handler;
  s->ud = ud;
  if (addr == NULL && fd < 0) { /* connections: baton__http_pipe_open */
    if (port)
      *port = 0;
    *out = s;
    return 0;
  }
  if ((r = uv_tcp_init(loop, &s->listener)) != 0)
    goto fail_init;
  s->listener.data = s;
  s->listening = 1;
  if ((r = fd >= 0 ? uv_tcp_open(&s->listener, (uv_os_sock_t)fd)
                   : uv_tcp_bind(&s->listener, addr, 0)) != 0)
    goto fail_bind;
  if ((r = uv_listen((uv_stream_t *)&s->listener, 128, on_connection)) != 0)
    goto fail_bind;
  if (port) {
    struct sockaddr_storage ss;
    int len = sizeof ss;
    *port = 0;
    if (uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len) == 0)
      *port = ntohs(ss.ss_family == AF_INET6
                        ? ((struct sockaddr_in6 *)&ss)->sin6_port
                        : ((struct sockaddr_in *)&ss)->sin_port);
  }
  *out = s;
  return 0;

fail_bind:
  /* The handle is open: free the server in its close callback. */
  s->closing = 1;
  baton__http_server_close(s, NULL, NULL);
  return r;
fail_init:
  free(s);
  return r;
}

static void on_listener_closed(uv_handle_t *h) {
  baton_http_server_t *s = h->data;
  s->listening = 0;
  server_maybe_closed(s);
}

void baton__http_server_close(baton_http_server_t *s,
                              baton_http_closed_fn closed_cb, void *ud) {
  if (s->closing && s->closed_cb != NULL)
    return; /* already closing */
  int listening = s->listening && !uv_is_closing((uv_handle_t *)&s->listener);
  s->closing = 1;
  s->closed_cb = closed_cb;
  s->closed_ud = ud;
  conn_t *next;
  for (conn_t *c = s->conns; c != NULL; c = next) {
    next = c->next;
    /* A request being answered finishes (its answer says Connection:
     * close); a connection draining its last answer is left to end. */
    if (c->state != C_BUSY && c->state != C_DRAINING)
      conn_close(c);
  }
  if (listening)
    uv_close((uv_handle_t *)&s->listener, on_listener_closed);
  else
    server_maybe_closed(s);
}

/* ---- URLs -----------------------------------------------------------------*/

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

char *baton__http_unescape(const char *s, size_t n, int form) {
  char *out = malloc(n + 1), *o = out;
  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
        hexval(s[i + 2]) >= 0) {
      int v = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
      if (v == 0) {
        free(out);
        return NULL;
      }
      *o++ = (char)v;
      i += 2;
    } else if (form && s[i] == '+') {
      *o++ = ' ';
    } else {
      *o++ = s[i];
    }
  }
  *o = '\0';
  return out;
}

char *baton__http_query_get(const char *query, const char *key) {
  size_t klen = strlen(key);
  const char *p = query;
  while (p && *p) {
    const char *end = strchr(p, '&');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len >= klen && strncmp(p, key, klen) == 0 &&
        (len == klen || p[klen] == '=')) {
      const char *v = len == klen ? p + len : p + klen + 1;
      return baton__http_unescape(v, (size_t)(p + len - v), 1);
    }
    p = end ? end + 1 : NULL;
  }
  return NULL;
}

int baton__http_cookie(const char *header, const char *name, const char **value,
                       size_t *len) {
  size_t nlen = strlen(name);
  for (const char *c = header; c != NULL && *c != '\0';) {
    c += strspn(c, " \t");
    size_t pair = strcspn(c, ";");
    const char *eq = memchr(c, '=', pair);
    if (eq != NULL) {
      size_t klen = (size_t)(eq - c);
      while (klen > 0 && (c[klen - 1] == ' ' || c[klen - 1] == '\t'))
        klen--;
      if (klen == nlen && memcmp(c, name, nlen) == 0) {
        const char *v = eq + 1 + strspn(eq + 1, " \t");
        size_t vlen = (size_t)(c + pair - v);
        while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
          vlen--;
        *value = v;
        *len = vlen;
        return 1;
      }
    }
    c += pair;
    if (*c == ';')
      c++;
  }
  return 0;
}

/* ---- connections without a socket ------------------------------------------
 * The same connection, state machine and parser as an accepted client;
 * only the bytes come from baton__http_pipe_feed instead of the socket and
 * go to the pipe's buffer instead of uv_write. libuv's read calls on the
 * socket-less handle fail harmlessly (UV_ENOTCONN). */

int baton__http_pipe_open(baton_http_server_t *s, baton_http_pipe_t *p) {
  memset(p, 0, sizeof *p);
  conn_t *c = conn_new(s);
  if (c == NULL)
    return UV_ENOMEM;
  c->pipe = p;
  p->conn_ = c;
  conn_start(c);
  return 0;
}

void baton__http_pipe_feed(baton_http_pipe_t *p, const char *data, size_t n) {
  /* As libuv would: a buffer from on_alloc, filled, handed to on_read. */
  while (n > 0 && p->conn_ != NULL) {
    conn_t *c = p->conn_;
    uv_buf_t buf;
    on_alloc((uv_handle_t *)&c->tcp, n, &buf);
    if (buf.base == NULL) {
      on_read((uv_stream_t *)&c->tcp, UV_ENOBUFS, &buf);
      return;
    }
    size_t k = n < buf.len ? n : buf.len;
    memcpy(buf.base, data, k);
    on_read((uv_stream_t *)&c->tcp, (ssize_t)k, &buf);
    data += k;
    n -= k;
  }
}

int baton__http_pipe_waiting(const baton_http_pipe_t *p) {
  const conn_t *c = p->conn_;
  return c != NULL && c->state == C_BUSY;
}

void baton__http_pipe_close(baton_http_pipe_t *p) {
  if (p->conn_ != NULL) {
    conn_t *c = p->conn_;
    on_read((uv_stream_t *)&c->tcp, UV_EOF, NULL);
  }
}
