/* tests/unit/store/test_import.c: core/store/import.c and core/store/export.c: people
 * and groups in and out, every bad input named by file, line and column, and
 * all or nothing, even under kill -9. */
#include <signal.h>
#include <sqlite3.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "store_helpers.h"

static int import(fx_t *f, const char *path, const baton_import_options_t *o) {
  baton_import_report_free(&f->r);
  return baton_people_import(f->s, path, o, &f->r);
}

/* Imports the file at path with options o, which must be rejected, and
 * checks the database did not change at all. */
static void import_rejected_with(fx_t *f, const char *path,
                                 const baton_import_options_t *o) {
  char *copy = baton__strdup(path); /* fixture() reuses its buffers */
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  char *before = export_text(f->s, f->t);
  assert_int_equal(import(f, copy, o), BATON_EPARSE);
  free(copy);
  assert_true(f->r.nerrors > 0);
  assert_int_equal(f->r.added + f->r.updated + f->r.deactivated, 0);
  char *after = export_text(f->s, f->t);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

static void import_rejected_at(fx_t *f, const char *path) {
  import_rejected_with(f, path, NULL);
}

static void import_rejected(fx_t *f, const char *fixture_name) {
  import_rejected_at(f, fixture(fixture_name));
}

/* Writes n bytes of data to NAME in the scratch directory; returns the
 * path (static storage). */
static const char *scratch_file(fx_t *f, const char *name, const char *data,
                                size_t n) {
  static char path[512];
  snprintf(path, sizeof path, "%s", scratch_path(f->t, name));
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(data, 1, n, out), n);
  assert_int_equal(fclose(out), 0);
  return path;
}

typedef struct {
  char name[128];
  char attrs[256];
  char subjects[128];
  char role[64];
  char start_date[16];
  char languages[64];
  int active;
} got_t;

static int get_cb(const baton_person_t *p, void *ud) {
  got_t *g = ud;
  snprintf(g->name, sizeof g->name, "%s", p->name);
  snprintf(g->attrs, sizeof g->attrs, "%s", p->attrs ? p->attrs : "");
  snprintf(g->subjects, sizeof g->subjects, "%s",
           p->subjects ? p->subjects : "");
  snprintf(g->role, sizeof g->role, "%s", p->role ? p->role : "");
  snprintf(g->start_date, sizeof g->start_date, "%s",
           p->start_date ? p->start_date : "");
  snprintf(g->languages, sizeof g->languages, "%s",
           p->languages ? p->languages : "");
  g->active = p->active;
  return 0;
}

static got_t get(fx_t *f, const char *id) {
  got_t g = {0};
  assert_int_equal(baton_people_get(f->s, id, get_cb, &g), 0);
  return g;
}

/* ---- good input ---------------------------------------------------------- */

static void test_import_adds_people_with_lists_and_attributes(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  assert_int_equal(f->r.added, 5);
  assert_int_equal(f->r.rejected, 0);
  got_t g = get(f, "T001");
  assert_string_equal(g.name, "Chen, Wei");
  assert_string_equal(g.subjects, "Algebra;Statistics");
  assert_string_equal(g.attrs, "{\"fte\":\"1.0\",\"trained_facilitator\":"
                               "\"yes\"}");
  assert_true(g.active);
}

static void test_reimporting_the_same_file_changes_nothing(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  char *before = export_text(f->s, f->t);
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  assert_int_equal(f->r.added + f->r.updated + f->r.deactivated, 0);
  assert_int_equal(f->r.unchanged, 5);
  char *after = export_text(f->s, f->t);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

static void test_import_maps_school_columns_and_reads_bom_crlf(void **state) {
  fx_t *f = *state;
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.map = "Staff ID=id, Full Name=name,Start Date=start_date,"
          "Manager ID=manager_id";
  assert_int_equal(import(f, fixture("roster.csv"), &o), 0);
  assert_int_equal(f->r.added, 5);
  /* The same people as people.csv: importing that changes nothing. */
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  assert_int_equal(f->r.unchanged, 5);
}

static void test_import_map_naming_a_missing_column_is_an_error(void **state) {
  fx_t *f = *state;
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.map = "Staff Number=id";
  assert_int_equal(import(f, fixture("people.csv"), &o), BATON_EPARSE);
  assert_error(&f->r, "--map names column 'Staff Number'");
  o.map = "just-a-word";
  assert_int_equal(import(f, fixture("people.csv"), &o), BATON_EUSAGE);
}

static void test_import_dry_run_reports_and_writes_nothing(void **state) {
  fx_t *f = *state;
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.dry_run = 1;
  assert_int_equal(import(f, fixture("people.csv"), &o), 0);
  assert_int_equal(f->r.added, 5);
  assert_true(f->r.nchanges == 5);
  assert_string_equal(f->r.changes[0], "add P001 Maria Okafor");
  char *now = export_text(f->s, f->t);
  assert_string_equal(now, "id,name,email,role,department,campus,subjects,"
                           "grades,languages,start_date,manager_id,active\n");
  free(now);
}

static void
test_import_updates_and_full_deactivates_never_deletes(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  const char *path = scratch_path(f->t, "smaller.csv");
  write_text(path, "id,name,role,subjects\n"
                   "P001,Maria Okafor,principal,\n"
                   "T001,Wei Chen,teacher,Algebra\n");
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.full = 1;
  assert_int_equal(import(f, path, &o), 0);
  assert_int_equal(f->r.updated, 1); /* T001: new name and subjects */
  assert_int_equal(f->r.unchanged, 1);
  assert_int_equal(f->r.deactivated, 3);
  got_t g = get(f, "A001"); /* still there, inactive */
  assert_false(g.active);
  g = get(f, "T001");
  assert_string_equal(g.name, "Wei Chen");
  assert_string_equal(g.subjects, "Algebra");
  /* Columns the file does not have keep their stored values. */
  assert_string_equal(g.attrs, "{\"fte\":\"1.0\",\"trained_facilitator\":"
                               "\"yes\"}");
  /* Without --full, absent people are left alone. */
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  assert_true(get(f, "A001").active);
}

static void test_import_updates_only_the_attributes_the_file_has(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  write_text(scratch_path(f->t, "fte.csv"), "id,name,fte,coach\n"
                                            "T001,\"Chen, Wei\",0.5,\n"
                                            "T002,Amélie Durand,0.8,yes\n");
  assert_int_equal(import(f, f->t->path, NULL), 0);
  assert_int_equal(f->r.updated, 2);
  assert_string_equal(get(f, "T001").attrs,
                      "{\"fte\":\"0.5\",\"trained_facilitator\":\"yes\"}");
  assert_string_equal(get(f, "T002").attrs,
                      "{\"coach\":\"yes\",\"fte\":\"0.8\","
                      "\"trained_facilitator\":\"no\"}");
  /* The same file again: nothing to do. */
  assert_int_equal(import(f, f->t->path, NULL), 0);
  assert_int_equal(f->r.unchanged, 2);
}

static void test_import_json_with_arrays_and_typed_attributes(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.json"), NULL), 0);
  assert_int_equal(f->r.added, 2);
  got_t g = get(f, "T001");
  assert_string_equal(g.subjects, "Algebra;Statistics");
  assert_string_equal(g.attrs, "{\"trained_facilitator\":true}");
  assert_string_equal(get(f, "P001").attrs, "{\"fte\":1.0}");
}

static void test_export_round_trips_csv_and_json(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  write_text(scratch_path(f->t, "formula.csv"),
             "id,name,motto\nX1,\"=HYPERLINK(\"\"x\"\")\",@home\n");
  assert_int_equal(import(f, f->t->path, NULL), 0);
  char *first = export_text(f->s, f->t);
  assert_non_null(strstr(first, "X1,\"'=HYPERLINK(\"\"x\"\")\""));
  assert_non_null(strstr(first, "'@home"));
  const char *csv = scratch_path(f->t, "out.csv");
  assert_int_equal(baton_people_export(f->s, csv, BATON_FORMAT_AUTO), 0);
  const char *json = scratch_path(f->t, "out.json");
  assert_int_equal(baton_people_export(f->s, json, BATON_FORMAT_AUTO), 0);

  /* Into a new database: the CSV export reads back to the same export. */
  baton_store_t *s2;
  assert_int_equal(baton_store_open(&s2, scratch_path(f->t, "copy.db"), NULL),
                   0);
  baton_import_report_t r;
  char csvpath[600], jsonpath[600];
  snprintf(csvpath, sizeof csvpath, "%s/out.csv", f->t->dir);
  snprintf(jsonpath, sizeof jsonpath, "%s/out.json", f->t->dir);
  assert_int_equal(baton_people_import(s2, csvpath, NULL, &r), 0);
  baton_import_report_free(&r);
  char *second = export_text(s2, f->t);
  assert_string_equal(first, second);
  /* And the JSON export changes nothing when imported over it. */
  assert_int_equal(baton_people_import(s2, jsonpath, NULL, &r), 0);
  assert_int_equal(r.unchanged, 6);
  baton_import_report_free(&r);
  baton_store_close(s2);
  free(first);
  free(second);
}

/* ---- bad input: each case named, and the database unchanged ---------------
 */

static void test_import_rejects_unterminated_quote(void **state) {
  fx_t *f = *state;
  import_rejected(f, "unterminated_quote.csv");
  assert_error(&f->r, "unterminated_quote.csv:3:2: a quoted cell is never "
                      "closed");
}

static void test_import_rejects_misplaced_quote(void **state) {
  fx_t *f = *state;
  import_rejected(f, "misplaced_quote.csv");
  assert_error(&f->r, "misplaced_quote.csv:2:2: misplaced quote");
}

static void test_import_rejects_invalid_utf8(void **state) {
  fx_t *f = *state;
  import_rejected(f, "invalid_utf8.csv");
  assert_error(&f->r, "invalid_utf8.csv:3:2: cell 2 is not valid UTF-8");
  assert_error(&f->r, "save the file as UTF-8");
  assert_int_equal(f->r.rejected, 1);
}

static void test_import_rejects_missing_required_column(void **state) {
  fx_t *f = *state;
  import_rejected(f, "missing_column.csv");
  assert_error(&f->r, "missing_column.csv:1: the required column 'name' is "
                      "missing (the header has: id, full name, role)");
  assert_error(&f->r, "--map \"Their Name=name\"");
}

static void test_import_rejects_empty_id_and_name(void **state) {
  fx_t *f = *state;
  import_rejected(f, "empty_id_name.csv");
  assert_error(&f->r, "empty_id_name.csv:2:1: the id is empty");
  assert_error(&f->r, "empty_id_name.csv:3:2: the name is empty");
  assert_int_equal(f->r.rejected, 2);
}

static void test_import_rejects_duplicate_id(void **state) {
  fx_t *f = *state;
  import_rejected(f, "duplicate_id.csv");
  assert_error(&f->r, "duplicate_id.csv:4:1: id 'T001' appears again (first "
                      "at line 2)");
}

static void test_import_rejects_bad_dates(void **state) {
  fx_t *f = *state;
  import_rejected(f, "bad_date.csv");
  assert_error(&f->r, "bad_date.csv:2:3: start_date '2023-02-30' is not a "
                      "date; write it as YYYY-MM-DD");
  assert_error(&f->r, "bad_date.csv:3:3: start_date '28/08/2023'");
}

static void test_import_rejects_manager_naming_nobody(void **state) {
  fx_t *f = *state;
  import_rejected(f, "bad_manager.csv");
  assert_error(&f->r, "bad_manager.csv:2:3: manager_id 'P999' names nobody");
  assert_int_equal(f->r.nerrors, 1); /* T002's manager is in the file */
}

static void test_import_accepts_manager_already_in_database(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  write_text(scratch_path(f->t, "new.csv"), "id,name,manager_id\n"
                                            "T009,New Teacher,P001\n");
  assert_int_equal(import(f, f->t->path, NULL), 0);
  assert_int_equal(f->r.added, 1);
}

static void test_import_rejects_row_with_more_cells_than_header(void **state) {
  fx_t *f = *state;
  import_rejected(f, "extra_cells.csv");
  assert_error(&f->r, "extra_cells.csv:2:4: this row has 4 cells but the "
                      "header has 3");
}

static void
test_import_rejects_a_nul_byte_instead_of_cutting_the_cell(void **state) {
  fx_t *f = *state;
  static const char csv[] = "id,name,role\nT9,Ann\0junk,teacher\n";
  import_rejected_at(f, scratch_file(f, "nul.csv", csv, sizeof csv - 1));
  assert_error(&f->r, "nul.csv:2:2: cell 2 holds a NUL byte (byte 4 of the "
                      "cell)");
  assert_error(&f->r, "save it as CSV UTF-8");
  /* JSON: jansson refuses \u0000; the message says so in plain words. */
  static const char json[] = "[{\"id\": \"T9\", \"name\": \"Ann\\u0000x\"}]";
  import_rejected_at(f, scratch_file(f, "nul.json", json, sizeof json - 1));
  assert_error(&f->r, "nul.json:1:");
  assert_error(&f->r, "a string holds \\u0000 (a NUL character)");
}

/* A CSV file of a header and one row whose notes cell is n bytes of x. */
static const char *csv_with_cell(fx_t *f, size_t n, int quoted) {
  baton_buf_t b = {0};
  baton__buf_printf(&b, "id,name,notes\nT9,Ann,%s", quoted ? "\"" : "");
  for (size_t i = 0; i < n; i++)
    baton__buf_append(&b, "x", 1);
  baton__buf_printf(&b, "%s\n", quoted ? "\"" : "");
  const char *path = scratch_file(f, "cell.csv", b.data, b.len);
  baton__buf_free(&b);
  return path;
}

static void test_import_caps_a_cell_at_64_kib(void **state) {
  fx_t *f = *state;
  /* Boundary: 65,536 bytes import, one more does not. */
  assert_int_equal(import(f, csv_with_cell(f, BATON_CSV_MAX_CELL, 0), NULL), 0);
  assert_int_equal(f->r.added, 1);
  import_rejected_at(f, csv_with_cell(f, BATON_CSV_MAX_CELL + 1, 0));
  assert_error(&f->r, "cell.csv:2:3: this cell is longer than 64 KiB, the "
                      "most one cell may hold");
  import_rejected_at(f, csv_with_cell(f, 3 * BATON_CSV_MAX_CELL, 1));
  assert_error(&f->r, "cell.csv:2:3: this cell is longer than 64 KiB");
  /* A quote never closed makes the rest of the file one cell: the error
   * names where it opened. */
  baton_buf_t b = {0};
  baton__buf_printf(&b, "id,name\nT9,\"Ann\n");
  for (int i = 0; i < 40000; i++)
    baton__buf_printf(&b, "T%d,Bo\n", i);
  import_rejected_at(f, scratch_file(f, "open.csv", b.data, b.len));
  baton__buf_free(&b);
  assert_error(&f->r, "open.csv:2:2: this cell is longer than 64 KiB");
  assert_error(&f->r, "its opening \" is probably never closed");
}

static void test_import_json_caps_values_and_keys(void **state) {
  fx_t *f = *state;
  baton_buf_t b = {0};
  baton__buf_printf(&b, "[{\"id\": \"T9\", \"name\": \"Ann\", \"notes\": \"");
  for (size_t i = 0; i <= BATON_CSV_MAX_CELL; i++)
    baton__buf_append(&b, "x", 1);
  baton__buf_printf(&b, "\"}]");
  import_rejected_at(f, scratch_file(f, "big.json", b.data, b.len));
  assert_error(&f->r, "big.json: $[0].notes: the value is 65537 bytes, more "
                      "than the 64 KiB one value may hold");
  b.len = 0;
  baton__buf_printf(&b, "[{\"id\": \"T9\", \"name\": \"Ann\"}, {");
  for (int i = 0; i < BATON_CSV_MAX_COLUMNS; i++)
    baton__buf_printf(&b, "%s\"k%d\": 1", i ? ", " : "", i);
  baton__buf_printf(&b, "}]");
  import_rejected_at(f, scratch_file(f, "wide.json", b.data, b.len));
  baton__buf_free(&b);
  assert_error(&f->r, "wide.json: $[1]: the records have more than 1000 "
                      "different keys");
}

static void test_import_caps_columns_and_finds_repeated_ones(void **state) {
  fx_t *f = *state;
  /* Boundary: a header of 1,000 columns imports, 1,001 do not. */
  baton_buf_t b = {0};
  baton__buf_printf(&b, "id,name");
  for (int i = 2; i < BATON_CSV_MAX_COLUMNS; i++)
    baton__buf_printf(&b, ",c%d", i);
  baton__buf_printf(&b, "\nT9,Ann\n");
  assert_int_equal(import(f, scratch_file(f, "wide.csv", b.data, b.len), NULL),
                   0);
  b.len = 0;
  baton__buf_printf(&b, "id,name");
  for (int i = 2; i <= BATON_CSV_MAX_COLUMNS; i++)
    baton__buf_printf(&b, ",c%d", i);
  baton__buf_printf(&b, "\nT9,Ann\n");
  import_rejected_at(f, scratch_file(f, "wide.csv", b.data, b.len));
  assert_error(&f->r, "wide.csv:1:1001: this row has more than 1000 cells");
  /* Repeated names are found ignoring case, each once, far apart. */
  b.len = 0;
  baton__buf_printf(&b, "id,name,Notes");
  for (int i = 3; i < 900; i++)
    baton__buf_printf(&b, ",c%d", i);
  baton__buf_printf(&b, ",NOTES,C5\nT9,Ann\n");
  import_rejected_at(f, scratch_file(f, "twice.csv", b.data, b.len));
  baton__buf_free(&b);
  assert_error(&f->r, "twice.csv:1:901: column 'NOTES' appears twice in the "
                      "header (also column 3)");
  assert_error(&f->r, "twice.csv:1:902: column 'C5' appears twice in the "
                      "header (also column 6)");
  assert_int_equal(f->r.nerrors, 2);
}

static void test_import_reports_every_error_up_to_the_limit(void **state) {
  fx_t *f = *state;
  import_rejected(f, "many_errors.csv");
  assert_int_equal(f->r.nerrors, 50);
  assert_int_equal(f->r.errors_dropped, 10);
  assert_int_equal(f->r.rejected, 60);
  assert_error(&f->r, "many_errors.csv:2:1:");
  assert_error(&f->r, "many_errors.csv:51:1:");
}

static void test_import_json_errors_name_the_path(void **state) {
  fx_t *f = *state;
  import_rejected(f, "bad.json");
  assert_error(&f->r, "bad.json: $[0].start_date: start_date '2023-13-01'");
  assert_error(&f->r, "bad.json: $[1].name: must be a string");
  assert_error(&f->r, "bad.json: $[2]: expected an object");
}

static void test_import_json_syntax_error_names_line_and_column(void **state) {
  fx_t *f = *state;
  import_rejected(f, "syntax_error.json");
  assert_error(&f->r, "syntax_error.json:2:");
  assert_error(&f->r, "fix the JSON syntax");
}

static void test_import_of_a_missing_file_names_it(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, "/nonexistent/roster.csv", NULL), BATON_ENOENT);
  assert_non_null(
      strstr(baton_store_last_error(f->s), "/nonexistent/roster.csv"));
}

/* ---- groups -------------------------------------------------------------- */

static int count_member(const baton_person_t *p, void *ud) {
  (*(int *)ud)++;
  return 0;
}

static void test_groups_import_sets_members_and_roles(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  baton_import_report_free(&f->r);
  assert_int_equal(
      baton_groups_import(f->s, fixture("groups.csv"), NULL, &f->r), 0);
  assert_int_equal(f->r.added, 4);
  int n = 0;
  assert_int_equal(baton_group_members(f->s, "Maths PLC", count_member, &n), 0);
  assert_int_equal(n, 2);
  /* By default a group file adds and updates: P001, not listed, stays
   * and is counted as kept. */
  write_text(scratch_path(f->t, "g.csv"), "group,kind,person_id,role_in_group\n"
                                          "Maths PLC,plc,T001,facilitator\n");
  baton_import_report_free(&f->r);
  assert_int_equal(baton_groups_import(f->s, f->t->path, NULL, &f->r), 0);
  assert_int_equal(f->r.updated, 1);
  assert_int_equal(f->r.deactivated, 0);
  assert_int_equal(f->r.kept, 1);
  n = 0;
  assert_int_equal(baton_group_members(f->s, "Maths PLC", count_member, &n), 0);
  assert_int_equal(n, 2);
  /* With replace the file lists a group's whole membership: P001 leaves. */
  baton_import_options_t ro;
  baton_import_options_init(&ro);
  ro.replace = 1;
  baton_import_report_free(&f->r);
  assert_int_equal(baton_groups_import(f->s, f->t->path, &ro, &f->r), 0);
  assert_int_equal(f->r.deactivated, 1);
  n = 0;
  assert_int_equal(baton_group_members(f->s, "Maths PLC", count_member, &n), 0);
  assert_int_equal(n, 1);
  n = 0; /* the committee was not in the file and is untouched */
  assert_int_equal(
      baton_group_members(f->s, "Wellbeing Committee", count_member, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(baton_group_members(f->s, "Nope", count_member, &n),
                   BATON_ENOTFOUND);
}

static void
test_groups_import_rejects_conflicts_and_unknown_people(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  baton_import_report_free(&f->r);
  assert_int_equal(
      baton_groups_import(f->s, fixture("groups_bad.csv"), NULL, &f->r),
      BATON_EPARSE);
  assert_error(&f->r, "groups_bad.csv:3:2: group 'Maths PLC' has kind "
                      "'committee' here but 'plc' at line 2");
  assert_error(&f->r, "groups_bad.csv:4:3: 'T001' is listed in group 'Maths "
                      "PLC' again");
  assert_error(&f->r, "groups_bad.csv:5:3: person_id 'X999' names nobody");
  int n = 0;
  assert_int_equal(baton_group_members(f->s, "Maths PLC", count_member, &n),
                   BATON_ENOTFOUND);
}

/* ---- kill -9 ------------------------------------------------------------- */

/* A roster of n people whose names all start with `tag`. */
static void write_roster(const char *path, size_t n, const char *tag) {
  FILE *out = fopen(path, "w");
  assert_non_null(out);
  fprintf(out, "id,name,email,role,department,campus,subjects,manager_id,"
               "note\n");
  for (size_t i = 0; i < n; i++)
    fprintf(out,
            "S%06zu,%s person %zu,p%zu@school.edu,teacher,Maths,North,"
            "Algebra;Geometry,%s,%s note with some text to make rows "
            "longer\n",
            i, tag, i, i, i == 0 ? "" : "S000000", tag);
  assert_int_equal(fclose(out), 0);
}

/* Runs an import of roster in a child; returns its pid. */
static pid_t spawn_import(const char *db, const char *roster) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    baton_store_t *s;
    if (baton_store_open(&s, db, NULL) != 0)
      _exit(3);
    baton_import_report_t r;
    int rc = baton_people_import(s, roster, NULL, &r);
    _exit(rc == 0 ? 0 : 4);
  }
  return pid;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Counts people whose name starts with prefix, after checking integrity. */
static void check_db(const char *db, size_t n, int *old_roster) {
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(
      sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), 0);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
  sqlite3_finalize(st);
  assert_int_equal(
      sqlite3_prepare_v2(h,
                         "SELECT count(*), sum(name LIKE 'old %'), "
                         "sum(name LIKE 'new %') FROM people",
                         -1, &st, NULL),
      0);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  size_t total = (size_t)sqlite3_column_int64(st, 0);
  size_t olds = (size_t)sqlite3_column_int64(st, 1);
  size_t news = (size_t)sqlite3_column_int64(st, 2);
  sqlite3_finalize(st);
  sqlite3_close(h);
  assert_int_equal(total, n);
  /* Entirely old or entirely new: never a mix. */
  assert_true((olds == n && news == 0) || (olds == 0 && news == n));
  *old_roster = olds == n;
}

static void test_kill_9_mid_import_leaves_old_or_new_roster(void **state) {
  fx_t *f = *state;
  const size_t n = 40000;
  char db[600], oldp[600], newp[600];
  snprintf(db, sizeof db, "%s/kill.db", f->t->dir);
  snprintf(oldp, sizeof oldp, "%s/old.csv", f->t->dir);
  snprintf(newp, sizeof newp, "%s/new.csv", f->t->dir);
  write_roster(oldp, n, "old");
  write_roster(newp, n, "new");

  /* How long a whole import takes here, to aim the kills inside it. */
  int status;
  pid_t pid = spawn_import(db, oldp);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  double t0 = now_ms();
  pid = spawn_import(db, newp);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  double full = now_ms() - t0;
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  int killed_mid = 0, saw_old = 0, saw_new = 0;
  srand((unsigned)time(NULL));
  for (int round = 0; round < 8; round++) {
    /* Alternate which roster is being written, so each round changes
     * every row; kill somewhere between 5% and 95% of the way. */
    int old_now;
    check_db(db, n, &old_now);
    pid = spawn_import(db, old_now ? newp : oldp);
    double frac = 0.05 + 0.9 * ((round + (rand() % 100) / 100.0) / 8.0);
    struct timespec d = {0, (long)(full * frac * 1e6)};
    while (d.tv_nsec >= 1000000000L)
      d.tv_sec++, d.tv_nsec -= 1000000000L;
    nanosleep(&d, NULL);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      killed_mid++;
    int old_after;
    check_db(db, n, &old_after);
    if (old_after)
      saw_old++;
    else
      saw_new++;
  }
  /* The test proves something only if kills landed mid-import. */
  print_message("kill -9: %d of 8 imports killed mid-way (a full import "
                "takes %.0f ms); %d rounds left the old roster, %d the new\n",
                killed_mid, full, saw_old, saw_new);
  assert_true(killed_mid >= 4);
}

/* ---- files as school systems write them (issue 15) ----------------------- */

static void test_import_reads_day_first_dates_with_date_format(void **state) {
  fx_t *f = *state;
  const char *text = "id,name,Start Date\nA1,Ann Ash,28/08/2023\n"
                     "A2,Bo Birch,1.9.2021\nA3,Cy Cole,2020-01-06\n";
  const char *p = scratch_file(f, "dmy.csv", text, strlen(text));
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.date_format = BATON_DATES_DMY;
  assert_int_equal(import(f, p, &o), 0);
  assert_string_equal(get(f, "A1").start_date, "2023-08-28");
  assert_string_equal(get(f, "A2").start_date, "2021-09-01");
  assert_string_equal(get(f, "A3").start_date, "2020-01-06");
  o.date_format = BATON_DATES_MDY; /* 28 is no month: refused, not guessed */
  import_rejected_with(f, p, &o);
  assert_error(&f->r, "dmy.csv:2:3: start_date '28/08/2023' is not a date; "
                      "write it as MM/DD/YYYY (--date-format)");
}

static void test_import_one_error_names_date_format_for_a_column(void **state) {
  fx_t *f = *state;
  const char *text = "id,name,start_date\nA1,Ann,28/08/2023\n"
                     "A2,Bo,01/09/2021\nA3,Cy,02/10/2020\n";
  const char *p = scratch_file(f, "days.csv", text, strlen(text));
  import_rejected_at(f, p);
  assert_int_equal(f->r.nerrors, 1);
  assert_error(&f->r, "days.csv:2:3: start_date '28/08/2023' is not a date "
                      "baton reads without being told the order");
  assert_error(&f->r, "import with --date-format DD/MM/YYYY");
  text = "id,name,start_date\nA1,Ann,03/04/2020\n";
  p = scratch_file(f, "amb.csv", text, strlen(text));
  import_rejected_at(f, p);
  assert_int_equal(f->r.nerrors, 1);
  assert_error(&f->r, "could be day first or month first");
}

static void
test_import_sniffs_semicolons_and_reads_decimal_commas(void **state) {
  fx_t *f = *state;
  const char *text = "\xef\xbb\xbfid;name;FTE;note\r\nA1;Ann Ash;0,8;a,b\r\n";
  const char *p = scratch_file(f, "eu.csv", text, strlen(text));
  assert_int_equal(import(f, p, NULL), 0);
  assert_string_equal(get(f, "A1").attrs, "{\"fte\":\"0.8\",\"note\":\"a,b\"}");
  /* Read with the wrong separator, the header says what went wrong. */
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.delimiter = ',';
  import_rejected_with(f, p, &o);
  assert_error(&f->r, "eu.csv:1:1: the header looks split at the wrong "
                      "character");
  assert_error(&f->r, "--delimiter ';'");
  text = "id\tname\trole\nA2\tBo Birch\taide\n";
  p = scratch_file(f, "tab.tsv", text, strlen(text));
  assert_int_equal(import(f, p, NULL), 0);
  assert_string_equal(get(f, "A2").role, "aide");
}

static void test_import_map_joins_columns_into_a_field(void **state) {
  fx_t *f = *state;
  const char *text = "Staff Code,Forename,Surname\nS1,Siobhán,O'Brien\n"
                     "S2,Cher,\n";
  const char *p = scratch_file(f, "mis.csv", text, strlen(text));
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.map = "Staff Code=id, Forename + Surname = name";
  assert_int_equal(import(f, p, &o), 0);
  assert_string_equal(get(f, "S1").name, "Siobhán O'Brien");
  assert_string_equal(get(f, "S2").name, "Cher");
  assert_string_equal(get(f, "S1").attrs, "{}"); /* sources not kept */
  o.map = "Staff Code=id,Forename+Surnme=name";
  import_rejected_with(f, p, &o);
  assert_error(&f->r, "--map names column 'Surnme'");
}

static void test_import_list_with_commas_is_split_or_refused(void **state) {
  fx_t *f = *state;
  const char *text = "id,name,languages\nA1,Ann,\"English, Irish\"\n"
                     "A2,Bo,\"English, Welsh\"\n";
  const char *p = scratch_file(f, "langs.csv", text, strlen(text));
  import_rejected_at(f, p);
  assert_int_equal(f->r.nerrors, 1);
  assert_error(&f->r, "langs.csv:2:3: languages 'English, Irish' holds a "
                      "comma (2 cells of this column do)");
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.list_sep = ",";
  assert_int_equal(import(f, p, &o), 0);
  assert_string_equal(get(f, "A1").languages, "English;Irish");
}

static void test_import_roles_turn_job_titles_into_roles(void **state) {
  fx_t *f = *state;
  write_text(scratch_path(f->t, "roles.csv"),
             "pattern,role\nTeaching Assistant*,aide\nhlta,aide\n"
             "Early Career Teacher*,ect\n");
  char *roles = baton__strdup(f->t->path);
  const char *text = "id,name,Job Title\nA1,Ann,Teaching Assistant (Level 3)\n"
                     "A2,Bo,HLTA\nA3,Cy,Early Career Teacher (ECT1)\n"
                     "A4,Di,Head of Science\n";
  const char *p = scratch_file(f, "titles.csv", text, strlen(text));
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.map = "Job Title=role";
  o.roles = roles;
  assert_int_equal(import(f, p, &o), 0);
  assert_string_equal(get(f, "A1").role, "aide");
  assert_string_equal(get(f, "A2").role, "aide");
  assert_string_equal(get(f, "A3").role, "ect");
  assert_string_equal(get(f, "A4").role, "Head of Science");
  write_text(roles, "Teaching Assistant*,aide\nHLTA\n");
  import_rejected_with(f, p, &o);
  assert_error(&f->r, "roles.csv:2: expected PATTERN,ROLE");
  free(roles);
}

static void test_import_bad_manager_row_gives_one_error(void **state) {
  fx_t *f = *state;
  const char *text = "id,name,start_date,manager_id\nM1,Mo,2020-02-30,\n"
                     "A1,Ann,,M1\nA2,Bo,,M1\nA3,Cy,,M1\n";
  const char *p = scratch_file(f, "casc.csv", text, strlen(text));
  import_rejected_at(f, p);
  assert_int_equal(f->r.nerrors, 1);
  assert_error(&f->r, "casc.csv:2:3: start_date '2020-02-30' is not a date");
}

static void test_import_update_changes_one_column_without_names(void **state) {
  fx_t *f = *state;
  assert_int_equal(import(f, fixture("people.csv"), NULL), 0);
  got_t before = get(f, "T001");
  const char *text = "id,Mentor_Capacity\nT001,2\n";
  const char *p = scratch_file(f, "cap.csv", text, strlen(text));
  baton_import_options_t o;
  baton_import_options_init(&o);
  assert_int_equal(import(f, p, &o), BATON_EPARSE); /* no --update */
  assert_error(&f->r, "import with --update");
  o.update = 1;
  assert_int_equal(import(f, p, &o), 0);
  assert_int_equal(f->r.updated, 1);
  got_t after = get(f, "T001");
  assert_string_equal(after.name, before.name);
  assert_string_equal(after.role, before.role);
  assert_string_equal(after.subjects, before.subjects);
  assert_non_null(strstr(after.attrs, "\"mentor_capacity\":\"2\""));
  text = "id,mentor_capacity\nT001,3\nNEW,1\n";
  p = scratch_file(f, "new.csv", text, strlen(text));
  import_rejected_with(f, p, &o);
  assert_error(&f->r, "new.csv:3:1: id 'NEW' is not in");
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_import_adds_people_with_lists_and_attributes),
      T(test_reimporting_the_same_file_changes_nothing),
      T(test_import_maps_school_columns_and_reads_bom_crlf),
      T(test_import_map_naming_a_missing_column_is_an_error),
      T(test_import_dry_run_reports_and_writes_nothing),
      T(test_import_updates_and_full_deactivates_never_deletes),
      T(test_import_updates_only_the_attributes_the_file_has),
      T(test_import_json_with_arrays_and_typed_attributes),
      T(test_export_round_trips_csv_and_json),
      T(test_import_rejects_unterminated_quote),
      T(test_import_rejects_misplaced_quote),
      T(test_import_rejects_invalid_utf8),
      T(test_import_rejects_missing_required_column),
      T(test_import_rejects_empty_id_and_name),
      T(test_import_rejects_duplicate_id),
      T(test_import_rejects_bad_dates),
      T(test_import_rejects_manager_naming_nobody),
      T(test_import_accepts_manager_already_in_database),
      T(test_import_rejects_row_with_more_cells_than_header),
      T(test_import_reports_every_error_up_to_the_limit),
      T(test_import_json_errors_name_the_path),
      T(test_import_json_syntax_error_names_line_and_column),
      T(test_import_rejects_a_nul_byte_instead_of_cutting_the_cell),
      T(test_import_caps_a_cell_at_64_kib),
      T(test_import_json_caps_values_and_keys),
      T(test_import_caps_columns_and_finds_repeated_ones),
      T(test_import_of_a_missing_file_names_it),
      T(test_groups_import_sets_members_and_roles),
      T(test_groups_import_rejects_conflicts_and_unknown_people),
      T(test_kill_9_mid_import_leaves_old_or_new_roster),
      T(test_import_reads_day_first_dates_with_date_format),
      T(test_import_one_error_names_date_format_for_a_column),
      T(test_import_sniffs_semicolons_and_reads_decimal_commas),
      T(test_import_map_joins_columns_into_a_field),
      T(test_import_list_with_commas_is_split_or_refused),
      T(test_import_roles_turn_job_titles_into_roles),
      T(test_import_bad_manager_row_gives_one_error),
      T(test_import_update_changes_one_column_without_names),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
