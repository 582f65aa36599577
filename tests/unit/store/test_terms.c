/* tests/unit/store/test_terms.c: core/store/terms.c: the school calendar's
 * writes (all or nothing, overlaps refused), removal, the title rule, and
 * the table out of plugins' reach. */
#include <sqlite3.h>

#include "store_helpers.h"

/* "term Autumn 2026-09-03..2026-12-18;closure ..." of the whole calendar
 * (static storage). */
static int join_row(const baton_term_t *t, void *ud) {
  char *out = ud;
  size_t n = strlen(out);
  snprintf(out + n, 1024 - n, "%s%s %s %s..%s", n ? ";" : "",
           t->kind == BATON_CLOSURE ? "closure" : "term", t->name, t->from,
           t->to);
  return 0;
}

static const char *calendar(baton_store_t *s) {
  static char out[1024];
  out[0] = '\0';
  assert_int_equal(baton_terms_each(s, join_row, out), 0);
  return out;
}

static const baton_term_t year[] = {
    {BATON_TERM, "Autumn", "2026-09-03", "2026-12-18"},
    {BATON_CLOSURE, "Half term", "2026-10-26", "2026-10-30"},
    {BATON_TERM, "Spring", "2027-01-05", "2027-03-26"},
    {BATON_CLOSURE, "Half term", "2027-02-15", "2027-02-19"},
};

static void test_apply_adds_then_leaves_unchanged(void **state) {
  fx_t *f = *state;
  baton_terms_report_t r;
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 0, &r), 0);
  assert_int_equal(r.added, 4);
  assert_string_equal(calendar(f->s),
                      "term Autumn 2026-09-03..2026-12-18;"
                      "closure Half term 2026-10-26..2026-10-30;"
                      "term Spring 2027-01-05..2027-03-26;"
                      "closure Half term 2027-02-15..2027-02-19");
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 0, &r), 0);
  assert_int_equal(r.unchanged, 4);
  assert_int_equal(r.added + r.updated + r.removed, 0);
}

static void test_a_term_is_updated_by_name_a_closure_by_name_and_day(
    void **state) {
  fx_t *f = *state;
  baton_terms_report_t r;
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 0, &r), 0);
  baton_term_t later[] = {
      {BATON_TERM, "Autumn", "2026-09-07", "2026-12-18"},
      {BATON_CLOSURE, "Half term", "2027-02-15", "2027-02-20"}};
  assert_int_equal(baton_terms_apply(f->s, later, NULL, 2, 0, 0, &r), 0);
  assert_int_equal(r.updated, 2);
  assert_string_equal(calendar(f->s),
                      "term Autumn 2026-09-07..2026-12-18;"
                      "closure Half term 2026-10-26..2026-10-30;"
                      "term Spring 2027-01-05..2027-03-26;"
                      "closure Half term 2027-02-15..2027-02-20");
}

static void test_overlapping_terms_are_refused_and_nothing_changes(
    void **state) {
  fx_t *f = *state;
  baton_terms_report_t r;
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 0, &r), 0);
  char *before = baton__strdup(calendar(f->s));
  baton_term_t bad[] = {
      {BATON_TERM, "Summer", "2027-04-12", "2027-07-21"},
      {BATON_TERM, "Winter", "2026-12-01", "2027-01-10"}};
  assert_int_equal(baton_terms_apply(f->s, bad, NULL, 2, 0, 0, &r),
                   BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s),
                         "terms 'Autumn' (2026-09-03 to 2026-12-18) and "
                         "'Winter' (2026-12-01 to 2027-01-10) share days"));
  assert_string_equal(calendar(f->s), before);
  free(before);
}

static void test_rows_are_checked_naming_where_they_came_from(void **state) {
  fx_t *f = *state;
  baton_terms_report_t r;
  const char *where[] = {"cal.csv:2", "cal.csv:3"};
  baton_term_t backwards[] = {
      {BATON_TERM, "Autumn", "2026-09-03", "2026-12-18"},
      {BATON_TERM, "Spring", "2027-03-26", "2027-01-05"}};
  assert_int_equal(baton_terms_apply(f->s, backwards, where, 2, 0, 0, &r),
                   BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s),
                         "cal.csv:3: term 'Spring' ends (2027-01-05) before "
                         "it starts (2027-03-26)"));
  baton_term_t twice[] = {
      {BATON_TERM, "Autumn", "2026-09-03", "2026-12-18"},
      {BATON_TERM, "Autumn", "2027-09-03", "2027-12-18"}};
  assert_int_equal(baton_terms_apply(f->s, twice, where, 2, 0, 0, &r),
                   BATON_EINVAL);
  assert_non_null(strstr(baton_store_last_error(f->s),
                         "cal.csv:3: term 'Autumn' is given twice (also at "
                         "cal.csv:2)"));
  baton_term_t notdate[] = {{BATON_TERM, "Autumn", "2026-02-30", "2026-12-18"}};
  assert_int_equal(baton_terms_apply(f->s, notdate, NULL, 1, 0, 0, &r),
                   BATON_EINVAL);
  assert_string_equal(calendar(f->s), "");
}

static void test_dry_run_and_replace(void **state) {
  fx_t *f = *state;
  baton_terms_report_t r;
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 1, &r), 0);
  assert_int_equal(r.added, 4);
  assert_string_equal(calendar(f->s), "");
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 0, &r), 0);
  /* The file holds only the autumn: the rest goes. */
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 2, 1, 0, &r), 0);
  assert_int_equal(r.unchanged, 2);
  assert_int_equal(r.removed, 2);
  assert_string_equal(calendar(f->s),
                      "term Autumn 2026-09-03..2026-12-18;"
                      "closure Half term 2026-10-26..2026-10-30");
}

static void test_remove_a_term_or_one_closure(void **state) {
  fx_t *f = *state;
  baton_terms_report_t r;
  size_t n;
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 0, &r), 0);
  assert_int_equal(baton_terms_remove(f->s, "Half term", "2027-02-15", &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(baton_terms_remove(f->s, "Spring", NULL, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(baton_terms_remove(f->s, "Summer", NULL, &n),
                   BATON_ENOTFOUND);
  assert_non_null(strstr(baton_store_last_error(f->s),
                         "no term or closure named 'Summer'"));
  assert_string_equal(calendar(f->s),
                      "term Autumn 2026-09-03..2026-12-18;"
                      "closure Half term 2026-10-26..2026-10-30");
}

static void test_titles_are_sorted_by_the_documented_rule(void **state) {
  (void)state;
  assert_int_equal(baton_terms_classify("Autumn term"), BATON_TERM);
  assert_int_equal(baton_terms_classify("Spring Term 2027"), BATON_TERM);
  assert_int_equal(baton_terms_classify("Fall semester"), BATON_TERM);
  assert_int_equal(baton_terms_classify("Quarter 3"), BATON_TERM);
  assert_int_equal(baton_terms_classify("Half term"), BATON_CLOSURE);
  assert_int_equal(baton_terms_classify("Half-Term (autumn)"), BATON_CLOSURE);
  assert_int_equal(baton_terms_classify("Christmas holiday"), BATON_CLOSURE);
  assert_int_equal(baton_terms_classify("Winter break"), BATON_CLOSURE);
  assert_int_equal(baton_terms_classify("INSET day"), BATON_CLOSURE);
  assert_int_equal(baton_terms_classify("Bank Holiday"), BATON_CLOSURE);
  assert_int_equal(baton_terms_classify("School closed"), BATON_CLOSURE);
  assert_int_equal(baton_terms_classify("Parents' evening"), -1);
  /* Whole words only: "determined" holds "term", "breakfast" "break". */
  assert_int_equal(baton_terms_classify("Determined learners week"), -1);
  assert_int_equal(baton_terms_classify("Breakfast club"), -1);
}

static void test_plugins_cannot_reach_the_calendar_or_settings_by_sql(
    void **state) {
  fx_t *f = *state;
  static const char *const sql[] = {
      "SELECT * FROM baton_terms", "DELETE FROM baton_terms",
      "SELECT * FROM baton_settings",
      "INSERT INTO baton_settings VALUES ('x', 'k', 'v')",
      "CREATE TABLE baton_terms_x (a)"};
  for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
    sqlite3_stmt *st = NULL;
    baton__store_auth_begin(f->s, "x", NULL);
    int rc = sqlite3_prepare_v2(baton__store_db(f->s), sql[i], -1, &st, NULL);
    baton__store_auth_end(f->s);
    sqlite3_finalize(st);
    if (rc != SQLITE_AUTH)
      fail_msg("a plugin could prepare: %s", sql[i]);
  }
  /* Not even a plugin named baton owns baton_*. */
  sqlite3_stmt *st = NULL;
  baton__store_auth_begin(f->s, "baton", NULL);
  int rc = sqlite3_prepare_v2(baton__store_db(f->s),
                              "SELECT * FROM baton_settings", -1, &st, NULL);
  baton__store_auth_end(f->s);
  sqlite3_finalize(st);
  assert_int_equal(rc, SQLITE_AUTH);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_apply_adds_then_leaves_unchanged),
      T(test_a_term_is_updated_by_name_a_closure_by_name_and_day),
      T(test_overlapping_terms_are_refused_and_nothing_changes),
      T(test_rows_are_checked_naming_where_they_came_from),
      T(test_dry_run_and_replace),
      T(test_remove_a_term_or_one_closure),
      T(test_titles_are_sorted_by_the_documented_rule),
      T(test_plugins_cannot_reach_the_calendar_or_settings_by_sql),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
