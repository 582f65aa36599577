/* tests/unit/base/test_csv.c: core/base/csv.c, the CSV reader over libcsv and the
 * writer that neutralises formulas. */
#include "store_helpers.h"

/* Collects the parsed rows as "line|cell|cell..." strings. */
typedef struct {
  char rows[16][256];
  size_t n;
  int invalid[16];
} rows_t;

static int collect(void *ud, const baton_csv_row_t *row) {
  rows_t *r = ud;
  if (r->n == 16)
    return 0;
  char *out = r->rows[r->n];
  int len = snprintf(out, 256, "%zu", row->line);
  for (size_t i = 0; i < row->ncells && len < 255; i++)
    len += snprintf(out + len, 256 - (size_t)len, "|%s", row->cells[i]);
  r->invalid[r->n] = row->invalid;
  r->n++;
  return 0;
}

static int parse(const char *text, rows_t *rows, baton_msgs_t *errs) {
  memset(rows, 0, sizeof *rows);
  return baton__csv_parse("t.csv", text, strlen(text), collect, rows, errs);
}

static void test_csv_accepts_bom_and_crlf(void **state) {
  rows_t r;
  baton_msgs_t e = {0};
  assert_int_equal(parse("\xef\xbb\xbfid,name\r\nT1,Ana\r\nT2,Bo\r\n", &r, &e),
                   0);
  assert_int_equal(r.n, 3);
  assert_string_equal(r.rows[0], "1|id|name"); /* no BOM in the first cell */
  assert_string_equal(r.rows[1], "2|T1|Ana");  /* no CR in the last cell */
  assert_string_equal(r.rows[2], "3|T2|Bo");
  assert_int_equal(e.n, 0);
}

static void test_csv_records_start_line_of_multiline_cells(void **state) {
  rows_t r;
  baton_msgs_t e = {0};
  assert_int_equal(
      parse("id,note\nT1,\"two\nlines\"\n\nT2,\"a \"\"quote\"\"\"\n", &r, &e),
      0);
  assert_int_equal(r.n, 3);
  assert_string_equal(r.rows[1], "2|T1|two\nlines");
  /* The blank line 4 is skipped; T2 starts on line 5. */
  assert_string_equal(r.rows[2], "5|T2|a \"quote\"");
}

static void test_csv_rejects_unterminated_quote_naming_where_it_opened(
    void **state) {
  rows_t r;
  baton_msgs_t e = {0};
  assert_int_equal(parse("id,name\nT1,Ana\nT2,\"Bo\nT3,Cy\n", &r, &e),
                   BATON_EPARSE);
  assert_int_equal(e.n, 1);
  assert_non_null(strstr(e.items[0], "t.csv:3:2: a quoted cell is never "
                                     "closed"));
  baton__msgs_free(&e);
}

static void test_csv_rejects_misplaced_quote(void **state) {
  rows_t r;
  baton_msgs_t e = {0};
  assert_int_equal(parse("id,name\nT1,Wei \"the\" Chen\n", &r, &e),
                   BATON_EPARSE);
  assert_int_equal(e.n, 1);
  assert_non_null(strstr(e.items[0], "t.csv:2:2: misplaced quote"));
  baton__msgs_free(&e);
}

static void test_csv_marks_invalid_utf8_with_line_and_column(void **state) {
  rows_t r;
  baton_msgs_t e = {0};
  assert_int_equal(parse("id,name\nT1,Am\xe9lie\nT2,Bo\n", &r, &e), 0);
  assert_int_equal(r.n, 3);
  assert_true(r.invalid[1]);
  assert_false(r.invalid[2]);
  assert_int_equal(e.n, 1);
  assert_non_null(strstr(e.items[0], "t.csv:2:2: cell 2 is not valid UTF-8"));
  baton__msgs_free(&e);
}

static void
test_csv_marks_a_nul_byte_instead_of_cutting_the_cell(void **state) {
  rows_t r;
  baton_msgs_t e = {0};
  static const char text[] = "id,name\nT1,Ann\0junk\nT2,Bo\n";
  memset(&r, 0, sizeof r);
  assert_int_equal(
      baton__csv_parse("t.csv", text, sizeof text - 1, collect, &r, &e), 0);
  assert_int_equal(r.n, 3);
  assert_int_equal(r.invalid[1], 1); /* the row is flagged, not truncated */
  assert_int_equal(r.invalid[2], 0);
  assert_int_equal(e.n, 1);
  assert_non_null(strstr(e.items[0], "t.csv:2:2: cell 2 holds a NUL byte "
                                     "(byte 4 of the cell)"));
  baton__msgs_free(&e);
}

static int count_rows(void *ud, const baton_csv_row_t *row) {
  (void)row;
  (*(size_t *)ud)++;
  return 0;
}

/* A file of a header and n one-cell rows. */
static int parse_rows(size_t n, size_t *got, baton_msgs_t *e) {
  size_t len = (n + 1) * 2;
  char *text = malloc(len);
  assert_non_null(text);
  for (size_t i = 0; i < len; i += 2)
    text[i] = 'x', text[i + 1] = '\n';
  *got = 0;
  int rc = baton__csv_parse("t.csv", text, len, count_rows, got, e);
  free(text);
  return rc;
}

static void test_csv_stops_past_a_million_rows(void **state) {
  baton_msgs_t e = {0};
  size_t got;
  /* Boundary: the header and 1,000,000 rows parse; one more row does not. */
  assert_int_equal(parse_rows(BATON_CSV_MAX_ROWS, &got, &e), 0);
  assert_int_equal(got, BATON_CSV_MAX_ROWS + 1);
  assert_int_equal(e.n, 0);
  assert_int_equal(parse_rows(BATON_CSV_MAX_ROWS + 1, &got, &e), BATON_EPARSE);
  assert_int_equal(got, BATON_CSV_MAX_ROWS + 1);
  assert_int_equal(e.n, 1);
  assert_non_null(strstr(e.items[0], "t.csv:1000002: the file has more than "
                                     "1000000 rows below the header"));
  baton__msgs_free(&e);
}

static void test_csv_stops_at_a_row_of_more_than_1000_cells(void **state) {
  rows_t r;
  baton_msgs_t e = {0};
  baton_buf_t b = {0};
  baton__buf_printf(&b, "id,name\n");
  for (int i = 0; i < 40000; i++)
    baton__buf_append(&b, ",", 1);
  baton__buf_append(&b, "\n", 1);
  assert_int_equal(parse(b.data, &r, &e), BATON_EPARSE);
  assert_int_equal(r.n, 1); /* the header; the wide row never reaches cb */
  assert_int_equal(e.n, 1);
  assert_non_null(strstr(e.items[0], "t.csv:2:1001: this row has more than "
                                     "1000 cells"));
  baton__buf_free(&b);
  baton__msgs_free(&e);
}

static void test_utf8_check_rejects_overlong_surrogates_and_truncation(
    void **state) {
  size_t bad;
  const char *good = "Am\xc3\xa9lie \xe6\x97\xa5 \xf0\x9f\x98\x80";
  assert_true(baton__utf8_check(good, strlen(good), &bad));
  assert_false(baton__utf8_check("\xc0\xaf", 2, &bad));         /* overlong */
  assert_false(baton__utf8_check("\xed\xa0\x80", 3, &bad));     /* surrogate */
  assert_false(baton__utf8_check("ab\xe6\x97", 4, &bad));       /* truncated */
  assert_int_equal(bad, 2);
  assert_false(baton__utf8_check("\xf4\x90\x80\x80", 4, &bad)); /* >U+10FFFF */
}

static void test_csv_msgs_stop_at_the_limit_and_count_the_rest(void **state) {
  baton_msgs_t m = {.max = 2};
  for (int i = 0; i < 5; i++)
    assert_int_equal(baton__msgs_add(&m, "error %d", i), 0);
  assert_int_equal(m.n, 2);
  assert_int_equal(m.dropped, 3);
  baton__msgs_free(&m);
}

static void test_csv_writer_neutralises_formula_cells(void **state) {
  const char *cells[] = {"=SUM(A1)", "+61 2 5550", "-1", "@cmd", "\tx",
                         "\rx",      "plain",      "'=x"};
  baton_buf_t b = {0};
  assert_int_equal(baton__csv_write_row(&b, cells, 8), 0);
  assert_string_equal(b.data, "'=SUM(A1),'+61 2 5550,'-1,'@cmd,\"'\tx\","
                              "\"'\rx\",plain,''=x\n");
  baton__buf_free(&b);
}

static void test_csv_writer_quotes_only_when_needed(void **state) {
  const char *cells[] = {"Chen, Wei", "say \"hi\"", "two\nlines", " pad",
                         "Amélie", NULL};
  baton_buf_t b = {0};
  assert_int_equal(baton__csv_write_row(&b, cells, 6), 0);
  assert_string_equal(b.data, "\"Chen, Wei\",\"say \"\"hi\"\"\",\"two\n"
                              "lines\",\" pad\",Amélie,\n");
  baton__buf_free(&b);
}

/* The cells of the last row, with the writer's ' undone as the import
 * undoes it. */
typedef struct {
  size_t n;
  char got[7][32];
} back_t;

static int collect_unneutralised(void *ud, const baton_csv_row_t *row) {
  back_t *back = ud;
  for (size_t i = 0; i < row->ncells && i < 7; i++) {
    size_t n = baton__csv_unneutralise(row->cells[i], row->lens[i]);
    memcpy(back->got[i], row->cells[i], n + 1);
  }
  back->n = row->ncells;
  return 0;
}

/* Every value, including ones the writer neutralises, reads back equal. */
static void test_csv_round_trips_through_writer_and_reader(void **state) {
  const char *cells[] = {"=1+1", "'@x", "a,b", "\"q\"", "x\ny", "-5", "ok"};
  baton_buf_t b = {0};
  assert_int_equal(baton__csv_write_row(&b, cells, 7), 0);
  back_t back = {0};
  baton_msgs_t e = {0};
  assert_int_equal(baton__csv_parse("t.csv", b.data, b.len,
                                    collect_unneutralised, &back, &e),
                   0);
  assert_int_equal(back.n, 7);
  for (size_t i = 0; i < 7; i++)
    assert_string_equal(back.got[i], cells[i]);
  baton__buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_accepts_bom_and_crlf),
      cmocka_unit_test(test_csv_records_start_line_of_multiline_cells),
      cmocka_unit_test(
          test_csv_rejects_unterminated_quote_naming_where_it_opened),
      cmocka_unit_test(test_csv_rejects_misplaced_quote),
      cmocka_unit_test(test_csv_marks_invalid_utf8_with_line_and_column),
      cmocka_unit_test(test_csv_marks_a_nul_byte_instead_of_cutting_the_cell),
      cmocka_unit_test(test_csv_stops_past_a_million_rows),
      cmocka_unit_test(test_csv_stops_at_a_row_of_more_than_1000_cells),
      cmocka_unit_test(
          test_utf8_check_rejects_overlong_surrogates_and_truncation),
      cmocka_unit_test(test_csv_msgs_stop_at_the_limit_and_count_the_rest),
      cmocka_unit_test(test_csv_writer_neutralises_formula_cells),
      cmocka_unit_test(test_csv_writer_quotes_only_when_needed),
      cmocka_unit_test(test_csv_round_trips_through_writer_and_reader),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
