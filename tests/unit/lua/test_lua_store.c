/* Tests of core/lua/lua_store.c: baton.people, baton.groups, baton.events,
 * baton.store: the error paths of the binding, run as the command `t go` of a
 * plugin in a scratch directory: wrong argument types, unknown options, NUL
 * bytes, missing permission, the exact failure triple, a call from a coroutine
 * the plugin made. (Generated shape, hand-checked expectations: each string is
 * what the binding must print.) */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static void test_people_and_groups_arguments_are_checked(void **state) {
  expect_binding(*state, NULL,
                 "raises(baton.people.get, {})\n"
                 "raises(baton.people.get, 'a\\0b')\n"
                 "raises(baton.people.find, 'x')\n"
                 "raises(baton.people.find, { [1] = 'x' })\n"
                 "raises(baton.groups.members, nil)\n",
                 "baton.people.get: id must be a string, not a table\n"
                 "baton.people.get: id holds a NUL byte (byte 2 of 3), where C "
                 "would cut it short; remove it\n"
                 "baton.people.find: the query must be a table, not a string\n"
                 "baton.people.find: keys must be field names\n"
                 "baton.groups.members: name must be a string, not nil\n");
}

static void test_import_options_are_checked_with_a_suggestion(void **state) {
  expect_binding(*state, "  permissions = { 'people.write', 'fs.read' },\n",
                 "raises(baton.people.import, 'x.csv', { dryrun = true })\n"
                 "raises(baton.groups.import, 'x.csv', { map = 'a=b' })\n"
                 "raises(baton.people.import, 'x.csv', { format = 'xml' })\n"
                 "raises(baton.people.import, 'x.csv', { [1] = true })\n",
                 "baton.people.import: unknown option 'dryrun' (did you mean "
                 "'dry_run'?); the options are dry_run, full, format, map\n"
                 "baton.groups.import: unknown option 'map'; the options are "
                 "dry_run, full, format\n"
                 "baton.people.import: format must be \"csv\" or \"json\"\n"
                 "baton.people.import: options are named (name = value); found "
                 "a number key\n");
}

static void test_import_without_permission_raises(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.people.import, 'x.csv')\n"
      "raises(baton.groups.import, 'x.csv')\n",
      "plugin 't' needs permission 'people.write' to call baton.people.import; "
      "add permissions = { \"people.write\" } to $DIR/t/plugin.lua\n"
      "plugin 't' needs permission 'people.write' to call baton.groups.import; "
      "add permissions = { \"people.write\" } to $DIR/t/plugin.lua\n");
}

static void test_expected_failures_return_the_triple(void **state) {
  expect_binding(*state, "  permissions = { 'people.write', 'fs.read' },\n",
                 "show(baton.people.get('nobody'))\n"
                 "show(baton.people.import('missing.csv'))\n",
                 "nil | ENOTFOUND: no person with id 'nobody': `baton people "
                 "list` shows who is in $DIR/baton.db | ENOTFOUND\n"
                 "nil | ENOENT: cannot read missing.csv: No such file or "
                 "directory; check the path | ENOENT\n");
}

static void test_events_arguments_are_checked(void **state) {
  expect_binding(
      *state, NULL,
      "raises(baton.events.log, {})\n"
      "raises(baton.events.log, { kind = 'k', subject = 5 })\n"
      "raises(baton.events.log, { kind = 'k', data = { f = print } })\n"
      "raises(baton.events.list, { limit = -1 })\n"
      "raises(baton.events.list, { kind = 'a\\0b' })\n"
      "show(baton.events.log({ kind = 'k', data = { n = 1 } }))\n",
      "baton.events.log: kind is required, e.g. {kind = 'mentor.pair', subject "
      "= id}\n"
      "baton.events.log: field 'subject' must be a string\n"
      "baton.events.log: data cannot be stored: a function value has no JSON "
      "form\n"
      "baton.events.list: limit must be an integer, at least 0, not -1\n"
      "baton.events.list: kind holds a NUL byte (byte 2 of 3), where C would "
      "cut it short; remove it\n"
      "1\n");
}

static void
test_store_sql_mistakes_raise_and_failures_return_the_triple(void **state) {
  expect_binding(
      *state, NULL,
      "show(baton.store.migrate({ 'CREATE TABLE t_x (id INTEGER PRIMARY KEY)' "
      "}))\n"
      "raises(baton.store.exec, 'SELECT 1; SELECT 2')\n"
      "raises(baton.store.query, 'SELECT * FROM nope')\n"
      "raises(baton.store.exec, 'INSERT INTO t_x VALUES (?)', {})\n"
      "raises(baton.store.exec, 'INSERT INTO t_x VALUES (?)')\n"
      "raises(baton.store.migrate, { 5 })\n"
      "show(baton.store.exec('INSERT INTO t_x VALUES (1)'))\n"
      "show(baton.store.exec('INSERT INTO t_x VALUES (1)'))\n"
      "show(baton.store.first('SELECT count(*) AS n FROM t_x').n)\n",
      "1\n"
      "baton.store: one statement per call (use baton.store.migrate for a "
      "script of several)\n"
      "baton.store: no such table: nope\n"
      "baton.store: value 1 is a table; bind strings, numbers, booleans or nil "
      "(encode tables with baton.json.encode)\n"
      "baton.store: the SQL has 1 parameters but 0 values were given\n"
      "baton.store.migrate: step 1 must be SQL text\n"
      "1\n"
      "nil | ESTORE: $DIR/baton.db: SQL failed: UNIQUE constraint failed: "
      "t_x.id | ESTORE\n"
      "1\n");
}

/* The store does not wait: a coroutine gets its results as the handler would.
 */
static void test_from_a_coroutine_of_the_plugin(void **state) {
  expect_binding(*state, NULL,
                 "in_coroutine(baton.people.get, 'nobody')\n"
                 "in_coroutine(baton.store.query, 'SELECT * FROM nope')\n",
                 "true | nil | ENOTFOUND: no person with id 'nobody': `baton "
                 "people list` shows who is in $DIR/baton.db | ENOTFOUND\n"
                 "false | baton.store: no such table: nope\n");
}

static int last_actor(const baton_event_t *e, void *ud) {
  snprintf(ud, 64, "%s", e->actor ? e->actor : "(none)");
  return 0;
}

/* The actor of the last event of kind `kind`. */
static const char *actor_of(thost_t *t, const char *kind) {
  static char actor[64];
  baton_store_t *st;
  assert_int_equal(baton__host_store(t->h, &st), 0);
  snprintf(actor, sizeof actor, "(no event)");
  baton_events_each(st, NULL, kind, NULL, NULL, 0, last_actor, actor);
  return actor;
}

/* A command started for a person (baton serve's signed-in person, through
 * h->next_actor) logs its events with them as actor, and so do a command
 * it calls through baton.plugin and the hooks of its events; an actor
 * the plugin names is kept; the next command, started for nobody, logs
 * none. */
static void test_events_carry_the_actor_the_command_runs_for(void **state) {
  scratch_t *s = *state;
  plugin_simple(s->dir, "t", NULL,
                "baton.events.log({ kind = 't.a' })\n"
                "baton.events.log({ kind = 't.b', actor = 'named' })\n");
  plugin_simple(s->dir, "u", NULL, "baton.plugin('t').go{}\n");
  char *hm = manifest_text("h", "  hooks = { 't.a' },\n");
  free(plugin_write(s->dir, "h", hm,
                    "baton.events.on('t.a', function(e)\n"
                    "  baton.events.log({ kind = 'h.after' })\n"
                    "end)\n"
                    "return {}\n"));
  free(hm);
  char *db = baton__asprintf("%s/baton.db", s->dir);
  setenv("BATON_DB", db, 1);
  free(db);
  thost_t *t = host_open(s->dir, 10000);
  assert_int_equal(baton_host_scan(t->h), 0);
  t->h->next_actor = "T009";
  assert_int_equal(baton_host_run_command(t->h, "t", "go", 0, NULL), 0);
  assert_null(t->h->next_actor); /* taken by the command */
  assert_string_equal(actor_of(t, "t.a"), "T009");
  assert_string_equal(actor_of(t, "t.b"), "named");
  /* The hook of t.a acted for T009 too. */
  assert_string_equal(actor_of(t, "h.after"), "T009");
  assert_int_equal(baton_host_run_command(t->h, "t", "go", 0, NULL), 0);
  assert_string_equal(actor_of(t, "t.a"), "(none)");
  assert_string_equal(actor_of(t, "h.after"), "(none)");
  t->h->next_actor = "T010";
  assert_int_equal(baton_host_run_command(t->h, "u", "go", 0, NULL), 0);
  host_capture(t);
  assert_string_equal(actor_of(t, "t.a"), "T010");
  host_close(t);
}

/* Out of memory inside the calls: the plugin's limit is set a little
 * above what it holds, 48 bytes higher each run, until the body runs
 * through, so some runs end inside the bindings after they allocated
 * (events.log's JSON text, an import's report and its message). Each run
 * must end with the memory-limit message; what the bindings held must
 * come back, which LeakSanitizer checks in the ASan build (before
 * binding.h both leaked there). The sweep starts with no room at all: the
 * host must still start the call or say why, on a full state (it
 * aborted in a Lua panic there before the host's headroom,
 * BATON_HOST_HEADROOM in runtime.h). */
static void
test_out_of_memory_inside_the_calls_ends_them_cleanly(void **state) {
  scratch_t *s = *state;
  char *body = baton__asprintf(
      "baton.events.log({ kind = 'k', data = { a = string.rep('x', 200) } })\n"
      "local r, e = baton.people.import('%s', { dry_run = true })\n"
      "assert(r == nil and e:find('EPARSE'))\n",
      fixture("many_errors.csv"));
  plugin_simple(s->dir, "t", "  permissions = { 'people.write', 'fs.read' },\n",
                body);
  free(body);
  char *db = baton__asprintf("%s/baton.db", s->dir);
  setenv("BATON_DB", db, 1);
  free(db);
  thost_t *t = host_open(s->dir, 10000);
  baton_plugin_t *p = plugin_loaded(t, "t");
  assert_int_equal(baton_host_run_command(t->h, "t", "go", 0, NULL), 0);
  int failed = 0;
  for (size_t room = 0;; room += 48) {
    lua_gc(p->L, LUA_GCCOLLECT);
    p->mem_limit = p->mem + room;
    int st = baton_host_run_command(t->h, "t", "go", 0, NULL);
    p->mem_limit = 0;
    host_capture(t);
    if (st == 0)
      break;
    assert_contains(t->err, "out of memory in plugin 't'");
    failed++;
    assert_true(room < (1u << 20));
  }
  assert_true(failed > 10);
  host_close(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_people_and_groups_arguments_are_checked, setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_import_options_are_checked_with_a_suggestion, setup, teardown),
      cmocka_unit_test_setup_teardown(test_import_without_permission_raises,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_expected_failures_return_the_triple,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_events_arguments_are_checked, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_store_sql_mistakes_raise_and_failures_return_the_triple, setup,
          teardown),
      cmocka_unit_test_setup_teardown(test_from_a_coroutine_of_the_plugin,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_events_carry_the_actor_the_command_runs_for, setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_out_of_memory_inside_the_calls_ends_them_cleanly, setup,
          teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
