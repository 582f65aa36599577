/* tests/unit/net/test_http.c: the HTTP server of core/net/http.c over loopback.
 *
 * Each test starts a server on a free port of 127.0.0.1 on its own loop,
 * runs a client in a thread (plain blocking sockets, a receive timeout so
 * nothing hangs), and checks in the main thread what the client got. The
 * client counts and splits the answers with libhttp-parser. The loop must
 * end with every handle closed. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <http_parser.h>

#include "http.h"

/* ---- the server side ------------------------------------------------------*/

static uv_loop_t loop;
static baton_http_server_t *srv;
static uv_async_t client_done;
static int port;
static int closed_calls;

typedef struct {
  uv_timer_t t;
  baton_http_req_t *req;
} later_t;

static void later_closed(uv_handle_t *h) { free(h->data); }

static void later_fire(uv_timer_t *t) {
  later_t *l = t->data;
  baton__http_respond(l->req, 200, "text/plain", "slow", 4, NULL);
  uv_close((uv_handle_t *)&l->t, later_closed);
}

static void tick(uv_timer_t *t) {
  baton__http_broadcast(srv, "tick\n", 5);
  uv_close((uv_handle_t *)t, (uv_close_cb)free);
}

/* Bodies answered without a copy, and how often they were released. */
static char shared_body[] = "shared body";
static int releases;
static int head_ok;
static void count_release(void *ud) {
  assert_ptr_equal(ud, shared_body);
  releases++;
}

/* A body larger than the socket's buffers: the part the socket does not
 * take at once is queued and sent from where it is. Released, it is
 * wiped, so bytes sent after the release would arrive as zeros. */
#define BIG (16 << 20)
static unsigned char *big_body;
static int big_releases;
static unsigned char big_byte(size_t i) { return (unsigned char)(1 + i % 251); }
static void big_fill(void) {
  if (big_body == NULL)
    big_body = malloc(BIG);
  for (size_t i = 0; i < BIG; i++)
    big_body[i] = big_byte(i);
}
static void big_release(void *ud) {
  (void)ud;
  memset(big_body, 0, BIG);
  big_releases++;
}

/* /big answers big_body without copying it; /slow answers 150 ms later; /stream
 * streams "hello" then "tick"; /ref answers shared_body without copying it; any
 * other path gets "METHOD PATH QUERY BODYLEN". */
static void handler(baton_http_req_t *r, void *ud) {
  const char *path = baton__http_req_path(r);
  if (strcmp(path, "/ref") == 0) {
    baton__http_respond_ref(r, 200, "text/plain", shared_body,
                            strlen(shared_body), NULL, count_release,
                            shared_body);
    return;
  }
  if (strcmp(path, "/big") == 0) {
    big_fill();
    baton__http_respond_ref(r, 200, "application/octet-stream",
                            (char *)big_body, BIG, NULL, big_release, NULL);
    return;
  }
  if (strcmp(path, "/slow") == 0) {
    later_t *l = calloc(1, sizeof *l);
    l->req = r;
    uv_timer_init(&loop, &l->t);
    l->t.data = l;
    uv_timer_start(&l->t, later_fire, 150, 0);
    return;
  }
  if (strcmp(path, "/stream") == 0) {
    if (baton__http_stream(r, "text/event-stream", NULL, "hello\n", 6) != 0)
      return; /* refused (429, 503): no stream to tick */
    uv_timer_t *t = malloc(sizeof *t);
    uv_timer_init(&loop, t);
    uv_timer_start(t, tick, 50, 0);
    return;
  }
  size_t blen;
  baton__http_req_body(r, &blen);
  char body[512];
  int n = snprintf(body, sizeof body, "%s %s %s %zu", baton__http_req_method(r),
                   path, baton__http_req_query(r), blen);
  baton__http_respond(r, 200, "text/plain", body, (size_t)n, NULL);
}

static void on_closed(baton_http_server_t *s, void *ud) { closed_calls++; }

static uv_async_t close_early;
static int server_closing;

static void close_server(void) {
  if (!server_closing)
    baton__http_server_close(srv, on_closed, NULL);
  server_closing = 1;
}

static void on_close_early(uv_async_t *a) { close_server(); }

static void on_client_done(uv_async_t *a) {
  close_server();
  uv_close((uv_handle_t *)a, NULL);
  uv_close((uv_handle_t *)&close_early, NULL);
}

typedef void (*client_fn)(void);
static void *client_main(void *arg) {
  ((client_fn)arg)();
  uv_async_send(&client_done);
  return NULL;
}

/* Runs `client` against a fresh server with these limits (NULL: short
 * test defaults) and waits until both are done. */
static void run_with(client_fn client, const baton_http_limits_t *limits) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.idle_ms = 2000;
  l.request_ms = 2000;
  if (limits)
    l = *limits;
  assert_int_equal(uv_loop_init(&loop), 0);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  closed_calls = 0;
  assert_int_equal(baton__http_server_start(&srv, &loop,
                                            (struct sockaddr *)&a, &l,
                                            handler, NULL, &port),
                   0);
  assert_true(port > 0);
  server_closing = 0;
  uv_async_init(&loop, &client_done, on_client_done);
  uv_async_init(&loop, &close_early, on_close_early);
  pthread_t th;
  pthread_create(&th, NULL, client_main, (void *)client);
  uv_run(&loop, UV_RUN_DEFAULT);
  pthread_join(th, NULL);
  assert_int_equal(closed_calls, 1);
  assert_int_equal(uv_loop_close(&loop), 0); /* every handle closed */
}

/* ---- the client side ------------------------------------------------------*/

#define MAXR 8
/* What the client saw: the answers' statuses and bodies, and whether the
 * server closed the connection. */
static int nresp;
static int statuses[MAXR];
static char bodies[MAXR][512];
static char conn_hdr[MAXR][32];
static int eof_seen;

static int connect_server(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  struct timeval tv = {3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void send_str(int fd, const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if (w <= 0)
      return;
    s += w;
    n -= (size_t)w;
  }
}

static int in_conn_field;
static int on_status_done(http_parser *p) {
  statuses[nresp] = p->status_code;
  return 0;
}
static int on_hfield(http_parser *p, const char *at, size_t n) {
  in_conn_field = n == 10 && strncasecmp(at, "Connection", 10) == 0;
  return 0;
}
static int on_hvalue(http_parser *p, const char *at, size_t n) {
  if (in_conn_field && nresp < MAXR)
    snprintf(conn_hdr[nresp], sizeof conn_hdr[nresp], "%.*s", (int)n, at);
  return 0;
}
static int on_rbody(http_parser *p, const char *at, size_t n) {
  if (nresp < MAXR) {
    size_t len = strlen(bodies[nresp]);
    snprintf(bodies[nresp] + len, sizeof bodies[nresp] - len, "%.*s", (int)n,
             at);
  }
  return 0;
}
static int on_rdone(http_parser *p) {
  if (nresp < MAXR - 1)
    nresp++;
  return 0;
}

/* Reads answers until `want` are complete (or the server closes, or 3 s
 * pass); with stop_at_body, also stops once a streamed body has it. */
static void read_answers(int fd, int want, const char *stop_at_body) {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_headers_complete = on_status_done;
  s.on_header_field = on_hfield;
  s.on_header_value = on_hvalue;
  s.on_body = on_rbody;
  s.on_message_complete = on_rdone;
  http_parser p;
  http_parser_init(&p, HTTP_RESPONSE);
  while (nresp < want) {
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_seen = n == 0;
      http_parser_execute(&p, &s, buf, 0);
      return;
    }
    http_parser_execute(&p, &s, buf, (size_t)n);
    if (stop_at_body && strstr(bodies[nresp], stop_at_body))
      return;
  }
}

/* 1 if the server closed the connection (recv returns 0 within 3 s). */
static int closed_by_server(int fd) {
  char buf[256];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
    ;
  return n == 0;
}

static int setup(void **state) {
  nresp = 0;
  eof_seen = 0;
  memset(statuses, 0, sizeof statuses);
  memset(bodies, 0, sizeof bodies);
  memset(conn_hdr, 0, sizeof conn_hdr);
  return 0;
}

/* ---- tests ----------------------------------------------------------------*/

static void client_one_byte_at_a_time(void) {
  int fd = connect_server();
  const char *req = "GET /people?kind=a%20b HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const char *c = req; *c; c++) {
    char one[2] = {*c, 0};
    send_str(fd, one);
    usleep(1000);
  }
  read_answers(fd, 1, NULL);
  close(fd);
}

static void test_http_parses_a_request_split_into_one_byte_reads(void **st) {
  run_with(client_one_byte_at_a_time, NULL);
  assert_int_equal(nresp, 1);
  assert_int_equal(statuses[0], 200);
  assert_string_equal(bodies[0], "GET /people kind=a%20b 0");
}

static void client_pipelined(void) {
  int fd = connect_server();
  send_str(fd, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
               "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
               "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
  read_answers(fd, 3, NULL);
  close(fd);
}

static void test_http_answers_pipelined_requests_in_order(void **st) {
  run_with(client_pipelined, NULL);
  assert_int_equal(nresp, 3);
  assert_string_equal(bodies[0], "GET /1  0");
  assert_string_equal(bodies[1], "POST /2  5");
  assert_string_equal(bodies[2], "GET /3  0");
}

static void client_ref(void) {
  int fd = connect_server();
  send_str(fd, "GET /ref HTTP/1.1\r\n\r\n");
  read_answers(fd, 1, NULL);
  /* A HEAD answer has headers only: read it whole, without a parser. */
  send_str(fd, "HEAD /ref HTTP/1.1\r\n\r\n");
  char buf[512] = "";
  size_t got = 0;
  while (got < sizeof buf - 1 && !strstr(buf, "\r\n\r\n")) {
    ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
    if (n <= 0)
      break;
    got += (size_t)n;
    buf[got] = '\0';
  }
  if (strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, "shared") == NULL)
    head_ok = 1;
  send_str(fd, "GET /ref HTTP/1.1\r\nConnection: close\r\n\r\n");
  read_answers(fd, 2, NULL);
  close(fd);
}

static void test_http_a_body_answered_by_reference_is_sent_and_released_once(
    void **st) {
  releases = 0;
  head_ok = 0;
  run_with(client_ref, NULL);
  assert_int_equal(nresp, 2);
  assert_string_equal(bodies[0], "shared body");
  assert_string_equal(bodies[1], "shared body");
  assert_true(head_ok);          /* HEAD: the headers, no body */
  assert_int_equal(releases, 3); /* GET, HEAD and GET, each once */
}

/* What client_big read: 1 if the big body came whole, then /after's. */
static int big_ok;
static void client_big(void) {
  int fd = connect_server();
  send_str(fd, "GET /big HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
  usleep(300 * 1000); /* the socket's buffers fill; the rest waits queued */
  size_t cap = BIG + 4096, got = 0;
  char *all = malloc(cap);
  ssize_t n;
  while (got < cap && (n = recv(fd, all + got, cap - got, 0)) > 0) {
    got += (size_t)n;
    if (got > BIG && memmem(all + BIG, got - BIG, "GET /after  0", 13))
      break;
  }
  const char *body = memmem(all, got, "\r\n\r\n", 4);
  big_ok = body != NULL && (size_t)(body + 4 - all) + BIG < got;
  for (size_t i = 0; big_ok && i < BIG; i++)
    big_ok = (unsigned char)body[4 + i] == big_byte(i);
  if (big_ok) /* then the next answer, whole */
    big_ok = strncmp(body + 4 + BIG, "HTTP/1.1 200", 12) == 0 &&
             memmem(body + 4 + BIG, got - (size_t)(body + 4 + BIG - all),
                    "GET /after  0", 13) != NULL;
  free(all);
  close(fd);
}

static void
test_http_an_answer_larger_than_the_socket_takes_is_sent_whole_then_the_next(
    void **st) {
  big_ok = 0;
  big_releases = 0;
  run_with(client_big, NULL);
  assert_true(big_ok);
  assert_int_equal(big_releases, 1);
  free(big_body);
  big_body = NULL;
}

static void client_keep_alive(void) {
  int fd = connect_server();
  send_str(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  read_answers(fd, 1, NULL);
  usleep(50000);
  send_str(fd, "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  read_answers(fd, 2, NULL);
  eof_seen = closed_by_server(fd);
  close(fd);
}

static void test_http_keeps_the_connection_alive_until_close_is_asked(
    void **st) {
  run_with(client_keep_alive, NULL);
  assert_int_equal(nresp, 2);
  assert_string_equal(conn_hdr[0], "keep-alive");
  assert_string_equal(bodies[1], "GET /b  0");
  assert_string_equal(conn_hdr[1], "close");
  assert_true(eof_seen);
}

static void client_big_headers(void) {
  int fd = connect_server();
  char *big = malloc(40000);
  strcpy(big, "GET / HTTP/1.1\r\nX-Big: ");
  memset(big + strlen(big), 'a', 30000);
  strcpy(big + 23 + 30000, "\r\n\r\n");
  send_str(fd, big);
  free(big);
  read_answers(fd, 1, NULL);
  eof_seen = closed_by_server(fd);
  close(fd);
}

static void test_http_refuses_oversized_headers_with_431(void **st) {
  run_with(client_big_headers, NULL);
  assert_int_equal(statuses[0], 431);
  assert_true(eof_seen);
}

static void client_garbage(void) {
  int fd = connect_server();
  send_str(fd, "HELLO WORLD\r\n\r\n");
  read_answers(fd, 1, NULL);
  close(fd);
  fd = connect_server(); /* a header with a bare CR: injection */
  send_str(fd, "GET / HTTP/1.1\r\nX-A: 1\rSet-Cookie: x\r\n\r\n");
  read_answers(fd, 2, NULL);
  close(fd);
  fd = connect_server(); /* the server still answers */
  send_str(fd, "GET /ok HTTP/1.1\r\n\r\n");
  read_answers(fd, 3, NULL);
  close(fd);
}

static void test_http_refuses_a_malformed_request_with_400(void **st) {
  run_with(client_garbage, NULL);
  assert_int_equal(nresp, 3);
  assert_int_equal(statuses[0], 400);
  assert_int_equal(statuses[1], 400);
  assert_int_equal(statuses[2], 200);
}

static void client_big_body(void) {
  int fd = connect_server();
  send_str(fd, "POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\nabc");
  read_answers(fd, 1, NULL);
  close(fd);
  fd = connect_server();
  send_str(fd, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
               "800\r\n");
  char chunk[2049];
  memset(chunk, 'x', 2048);
  chunk[2048] = 0;
  send_str(fd, chunk);
  read_answers(fd, 2, NULL);
  close(fd);
}

static void test_http_refuses_a_body_over_the_limit_with_413(void **st) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.max_body = 1024;
  run_with(client_big_body, &l);
  assert_int_equal(statuses[0], 413);
  assert_int_equal(statuses[1], 413); /* chunked: counted as it comes */
}

static void client_trickle(void) {
  int fd = connect_server();
  send_str(fd, "GET / HTTP/1.1\r\n");
  for (int i = 0; i < 6; i++) { /* a byte every 100 ms: never idle */
    usleep(100000);
    send_str(fd, "X");
  }
  read_answers(fd, 1, NULL);
  close(fd);
}

static void test_http_ends_a_request_that_trickles_past_its_deadline_with_408(
    void **st) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.request_ms = 300;
  run_with(client_trickle, &l);
  assert_int_equal(statuses[0], 408);
}

static void client_idle(void) {
  int fd = connect_server();
  eof_seen = closed_by_server(fd); /* sends nothing */
  close(fd);
}

static void test_http_closes_an_idle_connection(void **st) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.idle_ms = 200;
  l.request_ms = 200; /* the wait for a new connection's first byte */
  run_with(client_idle, &l);
  assert_int_equal(nresp, 0);
  assert_true(eof_seen);
}

/* The pool is full of connections that sent nothing: a new client still
 * gets in, and the oldest idle one is what makes room. */
static int a_closed;
static void client_fills_the_pool_with_idle_sockets(void) {
  int a = connect_server();
  usleep(20000);
  int b = connect_server();
  usleep(20000);
  int c = connect_server();
  send_str(c, "GET /c HTTP/1.1\r\n\r\n");
  read_answers(c, 1, NULL);
  a_closed = closed_by_server(a);
  send_str(b, "GET /b HTTP/1.1\r\n\r\n");
  read_answers(b, 2, NULL);
  close(a);
  close(b);
  close(c);
}

static void test_http_makes_room_by_closing_the_connection_idle_longest(
    void **st) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.max_conns = 2;
  a_closed = 0;
  run_with(client_fills_the_pool_with_idle_sockets, &l);
  assert_int_equal(statuses[0], 200);
  assert_string_equal(bodies[0], "GET /c  0");
  assert_true(a_closed);
  assert_int_equal(statuses[1], 200); /* b, newer, was kept */
}

static void client_too_many(void) {
  int a = connect_server(), b = connect_server();
  send_str(a, "GET /slow HTTP/1.1\r\n\r\n");
  send_str(b, "GET /slow HTTP/1.1\r\n\r\n");
  usleep(50000); /* both are being answered: none is idle */
  int c = connect_server();
  read_answers(c, 1, NULL);
  read_answers(a, 2, NULL);
  close(a);
  close(b);
  close(c);
}

static void test_http_refuses_connections_past_the_limit_with_503(void **st) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.max_conns = 2;
  run_with(client_too_many, &l);
  assert_int_equal(statuses[0], 503);
  assert_int_equal(statuses[1], 200); /* the others still work */
}

static void client_two_streams(void) {
  int a = connect_server();
  send_str(a, "GET /stream HTTP/1.1\r\n\r\n");
  read_answers(a, 1, "tick"); /* the handler's timer has fired */
  nresp = 1; /* a stream has no end: count it as one */
  int b = connect_server();
  send_str(b, "GET /stream HTTP/1.1\r\n\r\n");
  read_answers(b, 2, NULL);
  close(a);
  close(b);
}

static void test_http_caps_the_streams_of_one_client_with_429(void **st) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.max_client_streams = 1;
  run_with(client_two_streams, &l);
  assert_int_equal(statuses[0], 200);
  assert_int_equal(statuses[1], 429);
  assert_non_null(strstr(bodies[1], "event streams"));
}

static void test_http_keeps_a_share_of_the_pool_from_streams_with_503(
    void **st) {
  baton_http_limits_t l;
  baton__http_limits_init(&l);
  l.max_streams = 1;
  run_with(client_two_streams, &l);
  assert_int_equal(statuses[0], 200);
  assert_int_equal(statuses[1], 503);
}

/* What libhttp-parser, as Debian builds it, would take: a bare LF as a
 * line end, a space before a header's colon, a folded header line. */
static void client_lenient(void) {
  static const char *const reqs[] = {
      "GET /a HTTP/1.1\nHost: x\n\n",
      "GET /a HTTP/1.1\r\nHost: x\n\r\n",
      "GET /a HTTP/1.1\r\nHost : x\r\n\r\n",
      ("GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n Transfer-Encoding: chunked"
       "\r\n\r\n"),
  };
  for (size_t i = 0; i < sizeof reqs / sizeof *reqs; i++) {
    int fd = connect_server();
    send_str(fd, reqs[i]);
    read_answers(fd, (int)i + 1, NULL);
    close(fd);
  }
  int fd = connect_server(); /* and the strict form still works */
  send_str(fd, "\r\nGET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3"
               "\r\n\r\na\nb");
  read_answers(fd, 5, NULL);
  close(fd);
}

static void test_http_refuses_bare_lf_folds_and_spaced_names_with_400(
    void **st) {
  run_with(client_lenient, NULL);
  assert_int_equal(nresp, 5);
  for (int i = 0; i < 4; i++)
    assert_int_equal(statuses[i], 400);
  assert_int_equal(statuses[4], 200);
  assert_string_equal(bodies[4], "GET /ok  3");
}

static void client_slow_and_fast(void) {
  int slow = connect_server(), fast = connect_server();
  send_str(slow, "GET /slow HTTP/1.1\r\n\r\n");
  usleep(10000);
  send_str(fast, "GET /fast HTTP/1.1\r\n\r\n");
  read_answers(fast, 1, NULL); /* must come before the slow one */
  read_answers(slow, 2, NULL);
  close(slow);
  close(fast);
}

static void test_http_a_waiting_answer_does_not_block_another_client(
    void **st) {
  run_with(client_slow_and_fast, NULL);
  assert_int_equal(nresp, 2);
  assert_string_equal(bodies[0], "GET /fast  0");
  assert_string_equal(bodies[1], "slow");
}

static void client_stream(void) {
  int fd = connect_server();
  send_str(fd, "GET /stream HTTP/1.1\r\n\r\n");
  read_answers(fd, 1, "tick");
  close(fd);
}

static void test_http_stream_gets_what_is_broadcast(void **st) {
  run_with(client_stream, NULL);
  assert_int_equal(statuses[0], 200);
  assert_string_equal(bodies[0], "hello\ntick\n");
}

static void client_close_during_answer(void) {
  int fd = connect_server();
  send_str(fd, "GET /slow HTTP/1.1\r\n\r\n");
  usleep(20000);
  /* Closing the server now must still deliver the answer. */
  uv_async_send(&close_early);
  read_answers(fd, 1, NULL);
  eof_seen = closed_by_server(fd);
  close(fd);
}

static void test_http_close_lets_the_answer_in_progress_finish(void **st) {
  run_with(client_close_during_answer, NULL);
  assert_int_equal(statuses[0], 200);
  assert_string_equal(bodies[0], "slow");
  assert_string_equal(conn_hdr[0], "close");
  assert_true(eof_seen);
}

/* Three pipelined slow requests, then the client leaves before the first
 * answer: writing the second answer to the closed connection raised
 * SIGPIPE, which ended the whole server. */
static void client_leaves_with_requests_pipelined(void) {
  int fd = connect_server();
  send_str(fd, "GET /slow HTTP/1.1\r\n\r\nGET /slow HTTP/1.1\r\n\r\n"
               "GET /slow HTTP/1.1\r\n\r\n");
  close(fd);
  usleep(600000); /* every answer has been tried by now */
  fd = connect_server();
  send_str(fd, "GET /after HTTP/1.1\r\nConnection: close\r\n\r\n");
  read_answers(fd, 1, NULL);
  close(fd);
}

static void test_http_a_client_leaving_mid_answer_does_not_end_the_server(
    void **st) {
  run_with(client_leaves_with_requests_pipelined, NULL);
  assert_int_equal(nresp, 1);
  assert_string_equal(bodies[0], "GET /after  0");
}

static void test_http_query_values_are_decoded(void **st) {
  char *v = baton__http_query_get("kind=change.evidence&since=2024-09-01&x",
                                  "since");
  assert_string_equal(v, "2024-09-01");
  free(v);
  v = baton__http_query_get("a=b&name=Maths+PLC%21", "name");
  assert_string_equal(v, "Maths PLC!");
  free(v);
  assert_null(baton__http_query_get("a=b", "name"));
  assert_null(baton__http_unescape("a%00b", 5, 0)); /* no NUL smuggled */
  v = baton__http_unescape("100%", 4, 0);           /* a lone % stays */
  assert_string_equal(v, "100%");
  free(v);
}

static void test_http_cookie_is_found_by_its_exact_name(void **state) {
  (void)state;
  const char *v;
  size_t n;
  assert_true(baton__http_cookie("a=1; baton_session=xyz ; b=2",
                                 "baton_session", &v, &n));
  assert_int_equal(n, 3);
  assert_memory_equal(v, "xyz", 3);
  /* The first of two wins; a name that only ends the same is another. */
  assert_true(baton__http_cookie("s=first; s=second", "s", &v, &n));
  assert_memory_equal(v, "first", n);
  assert_false(baton__http_cookie("xs=1; sx=2", "s", &v, &n));
  assert_false(baton__http_cookie("s", "s", &v, &n));
  assert_false(baton__http_cookie(NULL, "s", &v, &n));
  assert_true(baton__http_cookie("s=", "s", &v, &n));
  assert_int_equal(n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(
          test_http_parses_a_request_split_into_one_byte_reads, setup),
      cmocka_unit_test_setup(test_http_answers_pipelined_requests_in_order,
                             setup),
      cmocka_unit_test_setup(
          test_http_keeps_the_connection_alive_until_close_is_asked, setup),
      cmocka_unit_test_setup(
          test_http_a_body_answered_by_reference_is_sent_and_released_once,
          setup),
      cmocka_unit_test_setup(test_http_refuses_oversized_headers_with_431,
                             setup),
      cmocka_unit_test_setup(test_http_refuses_a_malformed_request_with_400,
                             setup),
      cmocka_unit_test_setup(test_http_refuses_a_body_over_the_limit_with_413,
                             setup),
      cmocka_unit_test_setup(
          test_http_ends_a_request_that_trickles_past_its_deadline_with_408,
          setup),
      cmocka_unit_test_setup(test_http_closes_an_idle_connection, setup),
      cmocka_unit_test_setup(
          test_http_refuses_connections_past_the_limit_with_503, setup),
      cmocka_unit_test_setup(
          test_http_makes_room_by_closing_the_connection_idle_longest, setup),
      cmocka_unit_test_setup(test_http_caps_the_streams_of_one_client_with_429,
                             setup),
      cmocka_unit_test_setup(
          test_http_keeps_a_share_of_the_pool_from_streams_with_503, setup),
      cmocka_unit_test_setup(
          test_http_refuses_bare_lf_folds_and_spaced_names_with_400, setup),
      cmocka_unit_test_setup(
          test_http_a_waiting_answer_does_not_block_another_client, setup),
      cmocka_unit_test_setup(test_http_stream_gets_what_is_broadcast, setup),
      cmocka_unit_test_setup(test_http_close_lets_the_answer_in_progress_finish,
                             setup),
      cmocka_unit_test_setup(
          test_http_a_client_leaving_mid_answer_does_not_end_the_server, setup),
      cmocka_unit_test_setup(
          test_http_an_answer_larger_than_the_socket_takes_is_sent_whole_then_the_next,
          setup),
      cmocka_unit_test(test_http_query_values_are_decoded),
      cmocka_unit_test(test_http_cookie_is_found_by_its_exact_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
