/* tests/unit/store/test_copy.c: baton_store_copy (core/store/copy.c).
 *
 * A source database holds the values a copy can get wrong: text with
 * unicode, NULL next to '', the int64 limits, doubles that print long,
 * blobs (an empty one, one with NUL bytes, 32-byte session hashes), JSON
 * text, and a plugin's table with an index and its schema_version row.
 * The copy must give every value back with its type and exact bits; a
 * target that holds anything is refused untouched; a change between the
 * copy and the commit is caught by the checksums; and a failure in the
 * middle (each of SQLite's allocations failing in turn, the disk filling
 * up) leaves the target exactly as it was. */
#include <limits.h>

#include "store_helpers.h"

#include "copy.h"

/* ---- SQLite's allocator, failing on demand ------------------------------ */

static sqlite3_mem_methods real_mem;
static long fail_at, allocs, hits;

static void *fault_malloc(int n) {
  if (fail_at > 0 && ++allocs == fail_at) {
    hits++;
    return NULL;
  }
  return real_mem.xMalloc(n);
}

static void *fault_realloc(void *p, int n) {
  if (fail_at > 0 && ++allocs == fail_at) {
    hits++;
    return NULL;
  }
  return real_mem.xRealloc(p, n);
}

static void arm(long at) {
  fail_at = at;
  allocs = hits = 0;
}

/* ---- the source -----------------------------------------------------------
 */

static void exec(baton_store_t *s, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", sql, msg);
}

/* A school with every kind of value, and a plugin's table as its
 * migration would leave it (table, index, schema_version row). */
static void fill_source(baton_store_t *s) {
  exec(s,
       "INSERT INTO people(id, name, email, role, attrs) VALUES"
       " ('T001', 'Zoë Ñandú 日本 👩‍🏫', NULL, '', "
       "  '{\"mentor_capacity\":2,\"note\":\"a \\\"quoted\\\" word\"}'),"
       " ('T002', 'Ada', '', NULL, '{}'),"
       " ('T003', 'Ümit', 'u@example.org', 'teacher', '{}');"
       "UPDATE people SET manager_id = 'T003' WHERE id = 'T001';"
       "INSERT INTO groups(name, kind) VALUES ('Maths', 'department');"
       "INSERT INTO memberships VALUES ('Maths', 'T001', 'lead'),"
       " ('Maths', 'T002', NULL);"
       "INSERT INTO events(id, at, actor, plugin, kind, subject, data) VALUES"
       " (1, '2026-01-05T10:00:00.000Z', 'T001', 'mentoring', 'mentor.pair',"
       "  'T002', '{\"mentor\":\"T001\",\"score\":0.1,\"why\":[\"subject\"]}'),"
       " (9223372036854775807, '2026-01-06T10:00:00.000Z', NULL, NULL, 'x',"
       "  NULL, NULL);"
       "INSERT INTO baton_users(person_id, role, passphrase, created, revoked) "
       "VALUES ('T001', 'coordinator', NULL, 1, NULL);"
       "INSERT INTO baton_sessions VALUES (randomblob(32), 'T001', 'csrf', 1,"
       "  9223372036854775807), (zeroblob(32), 'T001', '', 0, 0);"
       "INSERT INTO baton_settings VALUES ('mentoring', 'weights', "
       "  'subject=3');"
       "CREATE TABLE demo_values (id INTEGER PRIMARY KEY, t TEXT, i INTEGER,"
       "  r REAL, b BLOB, j TEXT);"
       "CREATE UNIQUE INDEX demo_values_t ON demo_values(t);"
       "CREATE TABLE demo_nokey (a TEXT, b INTEGER);"
       "INSERT INTO schema_version(component, version) VALUES"
       " ('plugin/demo', 1);"
       "INSERT INTO demo_values VALUES"
       " (1, 'ünïcødé ✓ 中文', 9223372036854775807, 0.1, x'00ff00', "
       "  '{\"a\":[1,2,{\"b\":null}],\"é\":\"\\u00e9\"}'),"
       " (2, '', -9223372036854775808, -1.5e300, x'', NULL),"
       " (3, NULL, 0, 3.141592653589793, NULL, ''),"
       " (-4, 'neg', -1, 5e-324, randomblob(32), '[]');"
       "INSERT INTO demo_nokey VALUES ('b', 2), ('a', 1), ('a', 1), (NULL, "
       "  NULL);");
}

/* A column of a row with its type and exact bits (doubles in %a, blobs
 * and text in hex); when a migration was applied is not part of the
 * school. */
static void typed_cell(sqlite3_stmt *st, int i, const char *table,
                       baton_buf_t *row) {
  if (strcmp(table, "schema_version") == 0 &&
      strcmp(sqlite3_column_name(st, i), "applied_at") == 0)
    return;
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_NULL:
    baton__buf_printf(row, "NULL|");
    break;
  case SQLITE_INTEGER:
    baton__buf_printf(row, "i%lld|", (long long)sqlite3_column_int64(st, i));
    break;
  case SQLITE_FLOAT:
    baton__buf_printf(row, "f%a|", sqlite3_column_double(st, i));
    break;
  default: {
    const unsigned char *v = sqlite3_column_type(st, i) == SQLITE_BLOB
                                 ? sqlite3_column_blob(st, i)
                                 : sqlite3_column_text(st, i);
    int len = sqlite3_column_bytes(st, i);
    baton__buf_printf(
        row, "%c%d:", sqlite3_column_type(st, i) == SQLITE_BLOB ? 'b' : 't',
        len);
    for (int k = 0; k < len; k++)
      baton__buf_printf(row, "%02x", v[k]);
    baton__buf_printf(row, "|");
  }
  }
}

/* Every table of the SQLite database at path with every value's type and
 * exact bits (doubles in %a, blobs and text in hex), rows sorted: two
 * dumps are equal exactly when the databases hold the same values. */
static char *dump_db(const char *path) {
  long saved = fail_at;
  fail_at = 0;
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  sqlite3_stmt *tables;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT name, sql FROM sqlite_schema "
                                      "ORDER BY type, name",
                                      -1, &tables, NULL),
                   SQLITE_OK);
  baton_buf_t out = {0};
  while (sqlite3_step(tables) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(tables, 0);
    const char *ddl = (const char *)sqlite3_column_text(tables, 1);
    baton__buf_printf(&out, "[%s] %s\n", t, ddl ? ddl : "");
    if (ddl == NULL || strncmp(ddl, "CREATE TABLE", 12) != 0)
      continue;
    dump_rows(db, t, &out, typed_cell);
  }
  sqlite3_finalize(tables);
  assert_int_equal(sqlite3_close(db), SQLITE_OK);
  fail_at = saved;
  return out.data ? out.data : baton__strdup("");
}

typedef struct {
  scratch_t *t;
  char from[600], to[600];
} cx_t;

static baton_store_t *open_at(const char *path) {
  baton_store_t *s;
  char *err = NULL;
  if (baton_store_open(&s, path, &err) != 0)
    fail_msg("open %s: %s", path, err ? err : "?");
  return s;
}

/* Removes the database at path and its -wal, -shm and -journal files. */
static void remove_db(const char *path) {
  static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < 4; i++) {
    char *p = baton__asprintf("%s%s", path, ext[i]);
    unlink(p);
    free(p);
  }
}

static int cx_setup(void **state) {
  cx_t *c = calloc(1, sizeof *c);
  c->t = scratch_new();
  snprintf(c->from, sizeof c->from, "%s/from.db", c->t->dir);
  snprintf(c->to, sizeof c->to, "%s/to.db", c->t->dir);
  baton_store_t *s = open_at(c->from);
  fill_source(s);
  baton_store_close(s);
  baton_store_close(open_at(c->to)); /* a new, empty baton database */
  *state = c;
  return 0;
}

static int cx_teardown(void **state) {
  cx_t *c = *state;
  scratch_free(c->t);
  free(c);
  return 0;
}

typedef struct {
  char lines[64][128];
  size_t n;
} seen_t;

static int note_table(const baton_copy_table_t *t, void *ud) {
  seen_t *s = ud;
  if (s->n < 64)
    snprintf(s->lines[s->n++], 128, "%s %lld %d", t->table, t->rows,
             t->created);
  return 0;
}

static int seen_has(const seen_t *s, const char *line) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->lines[i], line) == 0)
      return 1;
  return 0;
}

/* ---- tests ------------------------------------------------------------------
 */

static void test_copy_keeps_every_value_and_type(void **state) {
  cx_t *c = *state;
  baton_store_t *from = open_at(c->from), *to = open_at(c->to);
  seen_t seen = {0};
  int rc = baton_store_copy(from, to, note_table, &seen);
  if (rc != 0)
    fail_msg("copy: %s", baton_store_last_error(to));
  baton_store_close(from);
  baton_store_close(to);
  char *want = dump_db(c->from), *got = dump_db(c->to);
  assert_string_equal(got, want);
  /* The plugin's table was made, the core's were filled. */
  assert_true(seen_has(&seen, "demo_values 4 1"));
  assert_true(seen_has(&seen, "demo_nokey 4 1"));
  assert_true(seen_has(&seen, "people 3 0"));
  assert_true(seen_has(&seen, "baton_sessions 2 0"));
  assert_true(seen_has(&seen, "events 2 0"));
  /* schema_version first: the core's rows and the plugin's one. */
  char versions[64];
  snprintf(versions, sizeof versions, "schema_version %d 0",
           BATON_STORE_SCHEMA_VERSION + 1);
  assert_string_equal(seen.lines[0], versions);
  free(want);
  free(got);
  /* What the store reads back: unicode, NULL next to '', a hash. */
  to = open_at(c->to);
  assert_string_equal(scalar(to, "SELECT name FROM people WHERE id = 'T001'"),
                      "Zoë Ñandú 日本 👩‍🏫");
  assert_string_equal(scalar(to, "SELECT typeof(email) || typeof(role) FROM "
                                 "people WHERE id = 'T001'"),
                      "nulltext");
  assert_string_equal(
      scalar(to, "SELECT length(id_hash) FROM baton_sessions LIMIT 1"), "32");
  baton_store_close(to);
}

/* Changes what was written before the verification reads it back. */
static int tamper(baton_store_t *to, void *ud) {
  exec(to, (const char *)ud);
  return 0;
}

/* A copy of FROM into TO (with change(to, sql) before the verification,
 * when change is not NULL) fails with err, its message holding every one
 * of `needles` (NULL-ended), and TO stays exactly as it was. */
static void expect_failed(cx_t *c, int (*change)(baton_store_t *, void *),
                          const char *sql, int err,
                          const char *const *needles) {
  char *before = dump_db(c->to);
  baton_store_t *from = open_at(c->from), *to = open_at(c->to);
  assert_int_equal(baton__store_copy(from, to, NULL, NULL, change, (void *)sql),
                   err);
  const char *msg = baton_store_last_error(to);
  for (const char *const *n = needles; *n != NULL; n++)
    if (strstr(msg, *n) == NULL)
      fail_msg("%s: message: %s", sql ? sql : "copy", msg);
  baton_store_close(from);
  baton_store_close(to);
  char *after = dump_db(c->to);
  assert_string_equal(after, before);
  free(before);
  free(after);
}

/* TO, given `sql` first, is refused with a message holding `needle`, and
 * stays as it was. */
static void expect_refused(cx_t *c, const char *sql, const char *needle) {
  baton_store_t *to = open_at(c->to);
  exec(to, sql);
  baton_store_close(to);
  expect_failed(c, NULL, NULL, BATON_EEXIST,
                (const char *[]){needle, "nothing was written", NULL});
}

static void test_copy_refuses_a_target_with_rows(void **state) {
  expect_refused(
      *state,
      "INSERT INTO groups(name, kind) VALUES ('Someone else''s', 'team')",
      "table 'groups' has 1 row");
}

static void test_copy_refuses_a_target_with_plugin_tables(void **state) {
  expect_refused(*state,
                 "CREATE TABLE mentoring_pairs (id INTEGER PRIMARY KEY)",
                 "'mentoring_pairs'");
}

static void expect_caught(cx_t *c, const char *sql, const char *table,
                          const char *detail) {
  expect_failed(c, tamper, sql, BATON_ESTORE,
                (const char *[]){table, detail, "rolled back", NULL});
}

static void test_checksums_catch_a_changed_value(void **state) {
  cx_t *c = *state;
  /* One bit of one double; '' for NULL; one byte of a blob; a row more. */
  expect_caught(c,
                "UPDATE demo_values SET r = 0.30000000000000004 WHERE id = 1",
                "'demo_values'", "FROM has 4 rows, TO 4, with other values");
  expect_caught(c, "UPDATE people SET email = '' WHERE id = 'T001'", "'people'",
                "with other values");
  expect_caught(c,
                "UPDATE baton_sessions SET id_hash = x'"
                "00000000000000000000000000000000"
                "00000000000000000000000000000001' WHERE csrf = ''",
                "'baton_sessions'", "with other values");
  expect_caught(c, "INSERT INTO demo_nokey VALUES ('a', 1)", "'demo_nokey'",
                "FROM has 4 rows, TO 5");
}

/* Allocations SQLite makes during the copy fail in turn (150 of them,
 * spread over the whole copy; every one took a minute): each run fails
 * with a message and leaves TO as it was, or, when SQLite absorbed the
 * failure, completes the copy exactly. */
static void test_allocation_failure_leaves_target_as_it_was(void **state) {
  cx_t *c = *state;
  char *empty = dump_db(c->to);
  char *want = dump_db(c->from);
  /* How many allocations a whole copy makes. */
  baton_store_t *from = open_at(c->from), *to = open_at(c->to);
  arm(LONG_MAX);
  assert_int_equal(baton_store_copy(from, to, NULL, NULL), 0);
  long total = allocs;
  arm(0);
  baton_store_close(from);
  baton_store_close(to);
  remove_db(c->to);
  baton_store_close(open_at(c->to));
  long step = total / 150 > 1 ? total / 150 : 1, failed = 0;
  for (long at = 1; at <= total; at += step) {
    from = open_at(c->from);
    to = open_at(c->to);
    arm(at);
    int rc = baton_store_copy(from, to, NULL, NULL);
    arm(0);
    char *msg = baton__strdup(baton_store_last_error(to));
    baton_store_close(from);
    baton_store_close(to);
    char *now = dump_db(c->to);
    if (rc != 0) {
      failed++;
      if (msg == NULL || *msg == '\0')
        fail_msg("allocation %ld: failed (%d) without a message", at, rc);
      if (strcmp(now, empty) != 0)
        fail_msg("allocation %ld: TO changed after a failed copy: %s", at, msg);
    } else {
      /* SQLite absorbed the failure, or it came after the copy: the
       * copy is complete; start again from an empty TO. */
      assert_string_equal(now, want);
      remove_db(c->to);
      baton_store_close(open_at(c->to));
    }
    free(now);
    free(msg);
  }
  assert_true(failed > 100);
  free(want);
  free(empty);
}

/* The disk fills up in the middle (TO may grow only so far): the copy
 * fails saying so, and TO is as it was. */
static void test_full_disk_leaves_target_as_it_was(void **state) {
  cx_t *c = *state;
  char *empty = dump_db(c->to);
  baton_store_t *from = open_at(c->from), *to = open_at(c->to);
  char pages[64];
  snprintf(pages, sizeof pages, "PRAGMA max_page_count = %s",
           scalar(to, "PRAGMA page_count"));
  exec(to, pages);
  assert_int_equal(baton_store_copy(from, to, NULL, NULL), BATON_EFULL);
  if (strstr(baton_store_last_error(to), "TO ") == NULL)
    fail_msg("message: %s", baton_store_last_error(to));
  baton_store_close(from);
  baton_store_close(to);
  char *after = dump_db(c->to);
  assert_string_equal(after, empty);
  free(after);
  free(empty);
}

int main(void) {
  /* Before SQLite starts: its allocator, failing on demand. */
  assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem),
                   SQLITE_OK);
  sqlite3_mem_methods m = real_mem;
  m.xMalloc = fault_malloc;
  m.xRealloc = fault_realloc;
  assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, cx_setup, cx_teardown)
      T(test_copy_keeps_every_value_and_type),
      T(test_copy_refuses_a_target_with_rows),
      T(test_copy_refuses_a_target_with_plugin_tables),
      T(test_checksums_catch_a_changed_value),
      T(test_allocation_failure_leaves_target_as_it_was),
      T(test_full_disk_leaves_target_as_it_was),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
