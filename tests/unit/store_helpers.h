/* tests/unit/store_helpers.h: what the store tests share: a scratch
 * directory, fixture paths, small files, and a store opened in them. */
#ifndef BATON_TEST_STORE_HELPERS_H
#define BATON_TEST_STORE_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store_int.h"

/* A fresh directory under $TMPDIR, removed by scratch_free. */
typedef struct {
  char dir[256];
  char path[512]; /* the last scratch_path result */
} scratch_t;

static inline scratch_t *scratch_new(void) {
  scratch_t *t = calloc(1, sizeof *t);
  const char *tmp = getenv("TMPDIR");
  snprintf(t->dir, sizeof t->dir, "%s/baton-test-XXXXXX", tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(t->dir));
  return t;
}

static inline void scratch_free(scratch_t *t) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
  assert_int_equal(system(cmd), 0);
  free(t);
}

static inline const char *scratch_path(scratch_t *t, const char *name) {
  snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
  return t->path;
}

/* The path of a fixture under tests/fixtures/store (static storage). */
static inline const char *fixture(const char *name) {
  static char buf[4][512];
  static int i;
  i = (i + 1) % 4;
  snprintf(buf[i], sizeof buf[i], "%s/store/%s", BATON_TEST_FIXTURES, name);
  return buf[i];
}

static inline void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

/* The whole file as a malloc'd string. */
static inline char *read_text(const char *path) {
  char *data;
  assert_int_equal(baton__file_read(path, &data, NULL, NULL), 0);
  return data;
}

static inline baton_store_t *open_store_in(scratch_t *t) {
  baton_store_t *s;
  char *err = NULL;
  int rc = baton_store_open(&s, scratch_path(t, "baton.db"), &err);
  if (rc != 0)
    fail_msg("open: %s", err ? err : "?");
  return s;
}

/* The fixture of most store tests: a scratch directory, a store in it,
 * and a report for imports to fill. */
typedef struct {
  scratch_t *t;
  baton_store_t *s;
  baton_import_report_t r;
} fx_t;

static inline int fx_setup(void **state) {
  fx_t *f = calloc(1, sizeof *f);
  f->t = scratch_new();
  f->s = open_store_in(f->t);
  *state = f;
  return 0;
}

static inline int fx_teardown(void **state) {
  fx_t *f = *state;
  baton_import_report_free(&f->r);
  baton_store_close(f->s);
  scratch_free(f->t);
  free(f);
  return 0;
}

/* People export as CSV text (malloc'd): the content a rejected import must
 * not change. */
static inline char *export_text(baton_store_t *s, scratch_t *t) {
  char path[600];
  snprintf(path, sizeof path, "%s/export-check.csv", t->dir);
  assert_int_equal(baton_people_export(s, path, BATON_FORMAT_CSV), 0);
  return read_text(path);
}

/* Does any error of the report contain `needle`? */
static inline int has_error(const baton_import_report_t *r,
                            const char *needle) {
  for (size_t i = 0; i < r->nerrors; i++)
    if (strstr(r->errors[i], needle) != NULL)
      return 1;
  return 0;
}

/* Fails the test listing the errors when `needle` is not among them. */
#define assert_error(r, needle)                                                \
  do {                                                                         \
    if (!has_error((r), (needle))) {                                           \
      for (size_t i_ = 0; i_ < (r)->nerrors; i_++)                             \
        print_error("  got: %s\n", (r)->errors[i_]);                           \
      fail_msg("no error contains \"%s\"", (needle));                          \
    }                                                                          \
  } while (0)

/* The first column of the first row of sql, as text (static storage). */
static inline const char *scalar(baton_store_t *s, const char *sql) {
  static char out[256];
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
  out[0] = '\0';
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(out, sizeof out, "%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

static inline int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends every row of `table` of db to out, a line each, sorted: the
 * row's columns, each as cell(st, i, table, row) appends it to row (or
 * leaves it out). For dumps that are equal when two databases hold the
 * same rows, whatever their order. */
static inline void dump_rows(sqlite3 *db, const char *table, baton_buf_t *out,
                             void (*cell)(sqlite3_stmt *st, int i,
                                          const char *table,
                                          baton_buf_t *row)) {
  char *sql = baton__asprintf("SELECT * FROM \"%s\"", table);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  char **rows = NULL;
  size_t n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    baton_buf_t row = {0};
    for (int i = 0; i < sqlite3_column_count(st); i++)
      cell(st, i, table, &row);
    rows = realloc(rows, (n + 1) * sizeof *rows);
    rows[n++] = row.data ? row.data : baton__strdup("");
  }
  sqlite3_finalize(st);
  free(sql);
  if (n > 0)
    qsort(rows, n, sizeof *rows, cmp_str);
  for (size_t i = 0; i < n; i++) {
    baton__buf_printf(out, "%s\n", rows[i]);
    free(rows[i]);
  }
  free(rows);
}

#endif
