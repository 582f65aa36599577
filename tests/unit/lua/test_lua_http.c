/* Tests of core/lua/lua_http.c: baton.http.route: the error paths of the
 * binding, run as the command `t go` of a plugin in a scratch directory: wrong
 * argument types, unknown options, NUL bytes, missing permission, the exact
 * failure triple, a call from a coroutine the plugin made. (Generated shape,
 * hand-checked expectations: each string is what the binding must print.) */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void test_wrong_arguments_and_options_raise(void **state) {
  expect_binding(
      *state, "  permissions = { 'http.route' },\n",
      "local h = function() end\n"
      "raises(baton.http.route, {}, '/api/t/x', h)\n"
      "raises(baton.http.route, 'GET', '/api/t/\\0', h)\n"
      "raises(baton.http.route, 'GET', '/api/t/x', 'h')\n"
      "raises(baton.http.route, 'GET', '/api/t/x', h, { cahce = false })\n"
      "raises(baton.http.route, 'GET', '/api/t/x', h, { cache = 1 })\n",
      "baton.http.route: method must be a string, not a table\n"
      "baton.http.route: path holds a NUL byte (byte 8 of 8), where C would "
      "cut it short; remove it\n"
      "baton.http.route: the handler must be a function, not a string\n"
      "baton.http.route: unknown option 'cahce' (did you mean 'cache'?); the "
      "options are cache, type\n"
      "baton.http.route: option cache must be true or false, not number\n");
}

static void test_routes_are_made_only_while_init_lua_loads(void **state) {
  expect_binding(
      *state, "  permissions = { 'http.route' },\n",
      "raises(baton.http.route, 'GET', '/api/t/x', function() end)\n"
      "in_coroutine(baton.http.route, 'GET', '/api/t/x', function() end)\n",
      "baton.http.route: routes are made while init.lua loads; call it at the "
      "top level of init.lua (or of a module it requires), not inside a "
      "command\n"
      "false | baton.http.route: routes are made while init.lua loads; call it "
      "at the top level of init.lua (or of a module it requires), not inside a "
      "command\n");
}

static void test_without_permission_it_raises(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.http.route, 'GET', '/api/t/x', function() end)\n",
      "plugin 't' needs permission 'http.route' to call baton.http.route; add "
      "permissions = { \"http.route\" } to $DIR/t/plugin.lua\n");
}

#define HOST_OWNED(name)                                                       \
  "baton.http.response: response header '" name "' is written by baton "       \
  "itself and cannot be set by a plugin (refused: Content-Length, "            \
  "Transfer-Encoding, Connection, Keep-Alive, Upgrade, TE, Trailer, "          \
  "Set-Cookie, Cache-Control, Content-Encoding, Content-Security-Policy, "     \
  "X-Content-Type-Options, Access-Control-*)\n"

static void test_response_shape_errors_raise(void **state) {
  expect_binding(
      *state, NULL,
      "local R = baton.http.response\n"
      "raises(R, 'x')\n"
      "raises(R, { stauts = 200 })\n"
      "raises(R, { status = 99 })\n"
      "raises(R, { status = 200.5 })\n"
      "raises(R, { status = '200' })\n"
      "raises(R, { headers = 'x' })\n"
      "raises(R, { headers = { ['bad name'] = 'v' } })\n"
      "raises(R, { headers = { [1] = 'v' } })\n"
      "raises(R, { headers = { ['X-A'] = 1 } })\n"
      "raises(R, { headers = { ['X-A'] = 'a\\r\\nSet-Cookie: s=1' } })\n"
      "raises(R, { headers = { ['X-A'] = 'a\\0b' } })\n"
      "raises(R, { headers = { ['content-length'] = '5' } })\n"
      "raises(R, { headers = { ['Set-Cookie'] = 's=1' } })\n"
      "raises(R, { headers = { ['Content-Security-Policy'] = \"default-src *\" "
      "} })\n"
      "raises(R, { headers = { ['Access-Control-Allow-Origin'] = '*' } })\n"
      "raises(R, { headers = { ['X-A'] = '1', ['x-a'] = '2' } })\n"
      "raises(R, { headers = { ['content-type'] = 'html' } })\n"
      "raises(R, { body = 12 })\n"
      "local many = {}\n"
      "for i = 1, 33 do many['X-' .. i] = 'v' end\n"
      "raises(R, { headers = many })\n"
      "local r = R{ status = 201, headers = { ['Content-Type'] = 'text/csv' }, "
      "body = 'a,b' }\n"
      "show(r.status, r.headers['Content-Type'], r.body, getmetatable(r))\n",
      "baton.http.response: the response must be a table, not a string\n"
      "baton.http.response: a response has only the fields status, headers "
      "and body; found 'stauts'\n"
      "baton.http.response: a response's status must be an integer from 200 "
      "to 599, not 99\n"
      "baton.http.response: a response's status must be an integer from 200 "
      "to 599, not 200.5\n"
      "baton.http.response: a response's status must be an integer from 200 "
      "to 599, not a string\n"
      "baton.http.response: a response's headers must be a table of name = "
      "value, not a string\n"
      "baton.http.response: a response header's name must be a token "
      "(letters, digits and !#$%&'*+-.^_`|~), not bad name\n"
      "baton.http.response: a response header's name must be a token "
      "(letters, digits and !#$%&'*+-.^_`|~), not 1\n"
      "baton.http.response: response header 'X-A' must be a string, not a "
      "number\n"
      "baton.http.response: response header 'X-A' holds byte 13, a control "
      "character or not ASCII (CR and LF would start a header of their own); "
      "use printable ASCII\n"
      "baton.http.response: response header 'X-A' holds byte 0, a control "
      "character or not ASCII (CR and LF would start a header of their own); "
      "use printable ASCII\n" HOST_OWNED("content-length") HOST_OWNED(
          "Set-Cookie") HOST_OWNED("Content-Security-Policy")
          HOST_OWNED(
              "Access-Control-Allow-Origin") "baton.http.response: response "
                                             "headers 'X-A' and 'x-a' are the "
                                             "same "
                                             "header (names ignore case); give "
                                             "it once\n"
                                             "baton.http.response: a "
                                             "response's content-type must be "
                                             "a type such as "
                                             "\"text/html; charset=utf-8\" "
                                             "(with a '/', at most 100 bytes)\n"
                                             "baton.http.response: body must "
                                             "be a string (sent as it is), a "
                                             "table "
                                             "(sent as JSON) or nil, not a "
                                             "number\n"
                                             "baton.http.response: a response "
                                             "may have at most 32 headers of "
                                             "1024 "
                                             "bytes in all\n"
                                             "201 | text/csv | a,b | "
                                             "baton.http.response\n");
}

static void test_html_escape_and_render(void **state) {
  expect_binding(
      *state, NULL,
      "local H = baton.html\n"
      "show(H.escape([[<a href=\"x\">Tom & Jerry's</a>]]))\n"
      "show(H.escape(42), H.escape(''))\n"
      "raises(H.escape, nil)\n"
      "show(H.render('<p>{{ name }}</p>{{{rows}}}', { name = "
      "'<b>{{rows}}</b>', "
      "rows = '<tr><td>1</td></tr>' }))\n"
      "show(H.render('{{n}} & {{{n}}}', { n = 3 }))\n"
      "show(H.render('no placeholders {', {}))\n"
      "raises(H.render, 'a\\n{{missing}}', {})\n"
      "raises(H.render, 'a\\n\\n{{t}}', { t = {} })\n"
      "raises(H.render, 'x {{name', { name = 'a' })\n"
      "raises(H.render, 'x {{{name}}', { name = 'a' })\n"
      "raises(H.render, '{{1x}}', {})\n"
      "raises(H.render, 'x')\n",
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;\n"
      "42 | \n"
      "baton.html.escape: the text must be a string, not nil\n"
      "<p>&lt;b&gt;{{rows}}&lt;/b&gt;</p><tr><td>1</td></tr>\n"
      "3 & 3\n"
      "no placeholders {\n"
      "baton.html.render: template line 2: values.missing has no value; give "
      "a string or a number (\"\" for nothing)\n"
      "baton.html.render: template line 3: values.t has a table value; give a "
      "string or a number (\"\" for nothing)\n"
      "baton.html.render: template line 1: '{{' must be followed by a name "
      "(letters, digits and _) and '}}'; found '{{name'\n"
      "baton.html.render: template line 1: '{{{' must be followed by a name "
      "(letters, digits and _) and '}}}'; found '{{{name}}'\n"
      "baton.html.render: template line 1: '{{' must be followed by a name "
      "(letters, digits and _) and '}}'; found '{{1x}}'\n"
      "baton.html.render: values must be a table, not nil\n");
}

/* ---- who asks: req.user, the actor, answers kept per person -------------- */

static baton_route_ctx_t who_ctx; /* what on_who_request dispatches with */

static void on_who_request(baton_http_req_t *r, void *ud) {
  if (!baton__route_dispatch(ud, r, &who_ctx))
    baton__http_json_error(r, 404, NULL, "no route");
}

/* Sends one request as (person, role) and returns the answer's body
 * (static) after the status line's code in *status. */
static const char *ask_as(baton_host_t *h, baton_http_server_t *srv,
                          const char *person, const char *role,
                          const char *request, int *status) {
  static char body[4096];
  who_ctx.person = person;
  who_ctx.role = role;
  baton_http_pipe_t pipe;
  assert_int_equal(baton__http_pipe_open(srv, &pipe), 0);
  baton__http_pipe_feed(&pipe, request, strlen(request));
  uv_run(&h->loop, UV_RUN_NOWAIT);
  while (baton__http_pipe_waiting(&pipe))
    uv_run(&h->loop, UV_RUN_ONCE);
  assert_non_null(pipe.out.data);
  *status = atoi(pipe.out.data + 9);
  const char *b = strstr(pipe.out.data, "\r\n\r\n");
  snprintf(body, sizeof body, "%s", b ? b + 4 : "");
  baton__http_pipe_close(&pipe);
  while (!pipe.closed)
    uv_run(&h->loop, UV_RUN_ONCE);
  baton__buf_free(&pipe.out);
  return body;
}

static int actor_of(const baton_event_t *e, void *ud) {
  snprintf(ud, 64, "%s", e->actor ? e->actor : "(none)");
  return 0;
}

static void on_closed(baton_http_server_t *s, void *ud) {
  (void)s;
  *(int *)ud = 1;
}

/* A handler sees who asks as req.user (nil for nobody); an event it logs
 * has them as actor unless it names one; a GET answer kept for one
 * person is never sent to another (one person must not read another's
 * records from the cache). */
static void test_routes_see_who_asks(void **state) {
  scratch_t *s = *state;
  char *m = manifest_text("t", "  permissions = { 'http.route' },\n");
  free(plugin_write(
      s->dir, "t", m,
      "baton.http.route('GET', '/api/t/me', function(req)\n"
      "  if not req.user then return { who = 'nobody' } end\n"
      "  return { who = (req.user.person or '-') .. '/' .. req.user.role }\n"
      "end)\n"
      "baton.http.route('POST', '/api/t/log', function(req)\n"
      "  baton.events.log({ kind = 't.a' })\n"
      "  baton.events.log({ kind = 't.b', actor = 'given' })\n"
      "  return { ok = true }\n"
      "end)\n"
      "return {}\n"));
  free(m);
  char *db = baton__asprintf("%s/baton.db", s->dir);
  setenv("BATON_DB", db, 1);
  free(db);
  thost_t *t = host_open(s->dir, 10000);
  plugin_loaded(t, "t");
  baton_http_limits_t lim;
  baton__http_limits_init(&lim);
  baton_http_server_t *srv;
  assert_int_equal(baton__http_server_start(&srv, &t->h->loop, NULL, &lim,
                                            on_who_request, t->h, NULL),
                   0);
  const char *get = "GET /api/t/me HTTP/1.1\r\nHost: x\r\n\r\n";
  int st;
  assert_contains(ask_as(t->h, srv, "T001", "staff", get, &st),
                  "\"who\":\"T001/staff\"");
  assert_int_equal(st, 200);
  assert_contains(ask_as(t->h, srv, "T002", "viewer", get, &st),
                  "\"who\":\"T002/viewer\"");
  assert_contains(ask_as(t->h, srv, NULL, "coordinator", get, &st),
                  "\"who\":\"-/coordinator\"");
  assert_contains(ask_as(t->h, srv, NULL, NULL, get, &st),
                  "\"who\":\"nobody\"");
  assert_contains(ask_as(t->h, srv, "T001", "staff", get, &st),
                  "\"who\":\"T001/staff\"");
  ask_as(t->h, srv, "T003", "staff",
         "POST /api/t/log HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
         &st);
  assert_int_equal(st, 200);
  baton_store_t *store;
  assert_int_equal(baton__host_store(t->h, &store), 0);
  char actor[64] = "";
  baton_events_each(store, "t", "t.a", NULL, NULL, 0, actor_of, actor);
  assert_string_equal(actor, "T003");
  baton_events_each(store, "t", "t.b", NULL, NULL, 0, actor_of, actor);
  assert_string_equal(actor, "given");
  /* Nobody asking: no actor. */
  ask_as(t->h, srv, NULL, NULL,
         "POST /api/t/log HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
         &st);
  baton_events_each(store, "t", "t.a", NULL, NULL, 0, actor_of, actor);
  assert_string_equal(actor, "(none)");
  int closed = 0;
  baton__http_server_close(srv, on_closed, &closed);
  while (!closed)
    uv_run(&t->h->loop, UV_RUN_ONCE);
  host_close(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_wrong_arguments_and_options_raise,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_routes_are_made_only_while_init_lua_loads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_without_permission_it_raises, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_response_shape_errors_raise, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_routes_see_who_asks, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_html_escape_and_render, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
