/* tests/fuzz/fuzz_http.c: arbitrary bytes as one client connection of
 * `baton serve`: the real server (core/net/http.c: libhttp-parser, limits,
 * pipelining, keep-alive) and the real router (core/cli/serve/router.c: query
 * parsing, the Host and Origin checks, the token check, the JSON API with
 * a real store, kept route answers, and the
 * routes of the bundled plugins (plugins/recognition's POST of thanks takes
 * JSON bodies) and of the examples), with no socket: a pipe connection
 * (baton__http_pipe_open) takes the bytes and keeps what the server
 * writes.
 *
 * The first byte says how the rest arrives: in chunks of that many bytes
 * (0: all at once), with the loop turning between chunks so that answers
 * and the next bytes interleave as on a real connection. The server has
 * small limits (2 KiB of headers, 4 KiB of body) so that 431 and 413 are
 * within reach.
 *
 * Invariants, checked on what the server wrote before the client hangs
 * up: it parses as a sequence of HTTP/1.1 responses (libhttp-parser in
 * response mode); each has a status from 100 to 599 with a reason phrase,
 * a Content-Type, X-Content-Type-Options: nosniff, and only headers the
 * server sets (a request must never be able to add one); every request
 * handed to the router is answered exactly once, in order, plus at most
 * one error answer (400, 408, 413, 431, 503) that closes the connection;
 * nothing follows an answer that said Connection: close or a stream.
 * After the client hangs up, the server closes with nothing left open;
 * LeakSanitizer checks that nothing leaked. */
#include "fuzz_common.h"

#include <strings.h>

#include <http_parser.h>

#include "baton/host.h"
#include "http.h"

#define MAX_REQS 65536

static baton_host_t *host_;
static baton_serve_t *router_;
static FILE *devnull_;

/* What the router was handed, in order: 1 for a HEAD request (its answer
 * has no body). */
static unsigned char head_[MAX_REQS];
static size_t nreqs_;

static void on_request(baton_http_req_t *r, void *ud) {
  if (nreqs_ < MAX_REQS)
    head_[nreqs_] = strcmp(baton__http_req_method(r), "HEAD") == 0;
  nreqs_++;
  baton__serve_router_handle(r, ud);
}

static void teardown(void) {
  baton__serve_router_free(router_);
  baton_host_free(host_);
  if (devnull_)
    fclose(devnull_);
}

static void run(const char *ns, const char *cmd, int argc,
                const char *const *argv) {
  int st = baton_host_run_command(host_, ns, cmd, argc, argv);
  FUZZ_CHECK(st == 0, "setup: baton %s %s failed (%d)", ns, cmd, st);
}

/* The host with the bundled plugins on a database holding a small school,
 * an initiative and a saved rota, so that the API has data to show. */
static void setup(void) {
  devnull_ = fopen("/dev/null", "w");
  FUZZ_CHECK(devnull_ != NULL, "cannot open /dev/null");
  static char db[512];
  snprintf(db, sizeof db, "%s/http.db", fuzz_dir());
  baton_host_options_t o;
  baton_host_options_init(&o);
  o.out = devnull_;
  o.err = devnull_;
  o.quiet = 1;
  o.db_path = db;
  o.today = "2026-03-02";
  o.time_limit_ms = 5000;
  o.memory_limit = 64 * 1024 * 1024;
  FUZZ_CHECK(baton_host_new(&host_, &o) == 0, "cannot create a host");
  atexit(teardown);
  baton_host_add_plugin_dir(host_, BATON_SOURCE_DIR "/plugins");
  baton_host_add_plugin_dir(host_, BATON_SOURCE_DIR "/examples");
  baton_host_scan(host_);
  baton_store_t *s;
  FUZZ_CHECK(baton__host_store(host_, &s) == 0, "cannot open %s", db);
  fuzz_school_import(s);
  const char *change[] = {"Literacy across the curriculum"};
  run("change", "new", 1, change);
  const char *rota[] = {"--group", "Maths PLC", "--from", "2026-03-02",
                        "--to",    "2026-03-31", "--save"};
  run("rota", "plan", 7, rota);
  router_ = baton__serve_router_new(host_, devnull_, "fuzz-token");
  FUZZ_CHECK(router_ != NULL, "cannot make the router");
}

/* ---- checking the answers ------------------------------------------------ */

typedef struct {
  size_t started, completed;
  int status;      /* of the answer being read */
  int has_type, has_nosniff, conn_close, closes;
  int after_last;  /* an answer began after one that ended the connection */
  char field[64];  /* the header name being read */
  const char *bad; /* a broken invariant, for the report */
} answers_t;

static int resp_begin(http_parser *p) {
  answers_t *a = p->data;
  if (a->closes)
    a->after_last = 1;
  a->started++;
  a->has_type = a->has_nosniff = a->conn_close = 0;
  return 0;
}

static int resp_status(http_parser *p, const char *at, size_t n) {
  answers_t *a = p->data;
  if (n == 0)
    a->bad = "a status line without a reason phrase";
  return 0;
}

static int resp_field(http_parser *p, const char *at, size_t n) {
  answers_t *a = p->data;
  snprintf(a->field, sizeof a->field, "%.*s", (int)n, at);
  static const char *const known[] = {
      "Content-Type", "Content-Length", "Connection", "X-Content-Type-Options",
      "Cache-Control", "ETag", "Allow", "Vary", "Content-Encoding",
      "Content-Security-Policy", /* plugin routes' answers */
      "X-Accel-Buffering"};      /* the event stream */
  int ok = 0;
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    ok |= strcasecmp(a->field, known[i]) == 0;
  if (!ok)
    a->bad = "a header the server does not set (injected by the request?)";
  return 0;
}

static int resp_value(http_parser *p, const char *at, size_t n) {
  answers_t *a = p->data;
  if (strcasecmp(a->field, "Content-Type") == 0)
    a->has_type = 1;
  if (strcasecmp(a->field, "Connection") == 0 && n == 5 &&
      strncasecmp(at, "close", 5) == 0)
    a->conn_close = 1;
  if (strcasecmp(a->field, "X-Content-Type-Options") == 0 &&
      n == strlen("nosniff") && memcmp(at, "nosniff", n) == 0)
    a->has_nosniff = 1;
  return 0;
}

static int resp_headers(http_parser *p) {
  answers_t *a = p->data;
  a->status = (int)p->status_code;
  if (a->status < 100 || a->status > 599)
    a->bad = "a status outside 100-599";
  if (!a->has_type)
    a->bad = "an answer without Content-Type";
  if (!a->has_nosniff)
    a->bad = "an answer without X-Content-Type-Options: nosniff";
  /* The answer to a HEAD request has no body (1: the parser skips it). */
  size_t i = a->started - 1;
  int head = i < nreqs_ && i < MAX_REQS && head_[i];
  /* Connection: close, or no Content-Length: a stream, whose body runs to
   * the end (but a HEAD answer to a stream has no body, and the connection
   * goes on). http_should_keep_alive cannot say: it does not know yet
   * that the body is skipped. */
  if (a->conn_close || (p->content_length == ULLONG_MAX && !head))
    a->closes = 1;
  return head ? 1 : 0;
}

static int resp_complete(http_parser *p) {
  answers_t *a = p->data;
  a->completed++;
  return 0;
}

static void check_answers(const baton_http_pipe_t *pipe) {
  static http_parser_settings ps = {
      .on_message_begin = resp_begin,
      .on_status = resp_status,
      .on_header_field = resp_field,
      .on_header_value = resp_value,
      .on_headers_complete = resp_headers,
      .on_message_complete = resp_complete,
  };
  answers_t a = {0};
  http_parser p;
  http_parser_init(&p, HTTP_RESPONSE);
  p.data = &a;
  size_t n = http_parser_execute(&p, &ps, pipe->out.data, pipe->out.len);
  enum http_errno e = HTTP_PARSER_ERRNO(&p);
  FUZZ_CHECK(e == HPE_OK && n == pipe->out.len,
             "the answers do not parse as HTTP at byte %zu of %zu: %s "
             "(after %zu answers)",
             n, pipe->out.len, http_errno_description(e), a.completed);
  http_parser_execute(&p, &ps, NULL, 0); /* the end: a stream ends here */
  e = HTTP_PARSER_ERRNO(&p);
  FUZZ_CHECK(e == HPE_OK, "the last answer is cut short: %s",
             http_errno_description(e));
  FUZZ_CHECK(a.bad == NULL, "%s (answer %zu)", a.bad, a.started);
  FUZZ_CHECK(a.started == a.completed, "%zu answers begun, %zu whole",
             a.started, a.completed);
  FUZZ_CHECK(!a.after_last,
             "an answer after one that closed the connection or streamed");
  FUZZ_CHECK(a.completed >= nreqs_, "%zu requests handed on, %zu answered",
             nreqs_, a.completed);
  FUZZ_CHECK(a.completed <= nreqs_ + 1,
             "%zu requests handed on, %zu answers", nreqs_, a.completed);
  if (a.completed == nreqs_ + 1)
    FUZZ_CHECK(a.status == 400 || a.status == 408 || a.status == 413 ||
                   a.status == 431 || a.status == 503,
               "the server's own last answer has status %d", a.status);
}

/* ---- one input ----------------------------------------------------------- */

static void on_closed(baton_http_server_t *s, void *ud) { *(int *)ud = 1; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (host_ == NULL)
    setup();
  if (size < 1)
    return 0;
  size_t chunk = data[0] ? data[0] : size;
  data++;
  size--;
  uv_loop_t *loop = &host_->loop;
  baton_http_limits_t lim;
  baton__http_limits_init(&lim);
  lim.max_header = 2048;
  lim.max_body = 4096;
  baton_http_server_t *srv;
  int rc = baton__http_server_start(&srv, loop, NULL, &lim, on_request,
                                    router_, NULL);
  FUZZ_CHECK(rc == 0, "server: %s", uv_strerror(rc));
  baton_http_pipe_t pipe;
  FUZZ_CHECK(baton__http_pipe_open(srv, &pipe) == 0, "pipe: out of memory");
  nreqs_ = 0;
  for (size_t off = 0; off < size; off += chunk) {
    size_t n = size - off < chunk ? size - off : chunk;
    baton__http_pipe_feed(&pipe, (const char *)data + off, n);
    uv_run(loop, UV_RUN_NOWAIT);
  }
  /* Route handlers that wait finish and answer before the client leaves
   * (one that never answers shows as a libFuzzer timeout). */
  while (baton__http_pipe_waiting(&pipe))
    uv_run(loop, UV_RUN_ONCE);
  if (getenv("FUZZ_HTTP_SHOW")) /* to read a finding: what was answered */
    fprintf(stderr, "%zu requests handed on; the server wrote:\n%.*s\n",
            nreqs_, (int)pipe.out.len, pipe.out.data ? pipe.out.data : "");
  check_answers(&pipe);
  baton__http_pipe_close(&pipe);
  FUZZ_CHECK(pipe.closed, "the connection stayed open after the client left");
  int closed = 0;
  baton__http_server_close(srv, on_closed, &closed);
  while (!closed)
    uv_run(loop, UV_RUN_ONCE);
  baton__buf_free(&pipe.out);
  return 0;
}
