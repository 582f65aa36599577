/* core/base/base.h: the bottom layer, what every other layer may use.
 *
 * Strings, buffers and files (util.c), the error table (error.c, declared
 * in include/baton/error.h), capped message lists, UTF-8 checks and CSV
 * (csv.c). Plain C: no Lua, no libuv, no SQLite. See ARCHITECTURE.md. */
#ifndef BATON_BASE_H
#define BATON_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "baton/baton.h"

#if defined(__GNUC__)
#define BATON_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BATON_PRINTF(f, a)
#endif

/* ---- util.c: strings, buffers, files ------------------------------------ */

typedef struct {
  char *data; /* NUL-terminated while len < cap */
  size_t len;
  size_t cap;
} baton_buf_t;

/* Appends; returns 0 or BATON_ENOMEM (the buffer is unchanged on failure). */
int baton__buf_append(baton_buf_t *b, const char *s, size_t n);
/* Appends s (n bytes) with & < > " ' as HTML entities. 0 or BATON_ENOMEM. */
int baton__html_escape(baton_buf_t *b, const char *s, size_t n);
int baton__buf_printf(baton_buf_t *b, const char *fmt, ...) BATON_PRINTF(2, 3);
void baton__buf_free(baton_buf_t *b);

/* malloc'd copies; NULL on allocation failure (or when s is NULL). */
char *baton__strdup(const char *s);
/* Room for element n of a growing array: when n reaches *cap, the array
 * (the pointer at `items`, elements of `elem` bytes) is reallocated to
 * twice *cap, or `first` elements the first time. Returns 0, or
 * BATON_ENOMEM with the array and *cap unchanged. Use BATON_GROW. */
int baton__grow(void *items, size_t *cap, size_t n, size_t elem,
                size_t first);
#define BATON_GROW(arr, n, cap, first)                                         \
  baton__grow(&(arr), &(cap), (n), sizeof *(arr), (first))
char *baton__strndup(const char *s, size_t n);
char *baton__asprintf(const char *fmt, ...) BATON_PRINTF(1, 2);
char *baton__vasprintf(const char *fmt, va_list ap);

/* Reads a whole file into a malloc'd NUL-terminated buffer. Returns 0, or
 * BATON_ENOENT / BATON_EPERM / BATON_EIO / BATON_ENOMEM; *err (malloc'd)
 * then names the file and the reason. */
int baton__file_read(const char *path, char **data, size_t *len, char **err);
/* As baton__file_read, opening with O_RDONLY | oflags (O_NOFOLLOW,
 * O_NONBLOCK) and, once the file is open, calling check on it: a non-zero
 * result is returned as it is, with *err set by check, and nothing read. */
struct stat;
int baton__file_read_if(const char *path, int oflags,
                        int (*check)(const struct stat *st, void *ud,
                                     char **err),
                        void *ud, char **data, size_t *len, char **err);

/* Writes a file atomically: a temporary file in the same directory, fsync,
 * rename. A crash or kill leaves either the old file or the new one. */
int baton__file_write_atomic(const char *path, const char *data, size_t len,
                             char **err);

int baton__is_dir(const char *path);
int baton__is_file(const char *path);

/* Damerau-free Levenshtein distance, for "did you mean" suggestions. */
size_t baton__edit_distance(const char *a, const char *b);
/* The candidate closest to `word` if it is close enough to suggest, else NULL. */
const char *baton__suggest(const char *word, const char *const *cands, size_t n);

/* Checks YYYY-MM-DD names a real calendar day. Returns 0 or BATON_EINVAL. */
int baton__date_parse(const char *s, int *y, int *m, int *d);
/* Day numbers: days since 1970-01-01 of y-m-d in the proleptic Gregorian
 * calendar (Howard Hinnant's days_from_civil), and back. Whole days: no
 * time zone, no daylight saving. */
long long baton__date_days(long long y, int m, int d);
void baton__date_civil(long long z, long long *y, int *m, int *d);
/* The day number of a date string YYYY-MM-DD; BATON_EINVAL if not one. */
int baton__date_to_days(const char *s, long long *z);
/* Writes day z as "YYYY-MM-DD" into buf (at least 11 bytes). Returns 0,
 * or BATON_EINVAL when its year is outside 0000-9999. */
int baton__date_format(long long z, char *buf);

/* ---- csv.c: capped message lists, UTF-8, CSV ----------------------------- */

/* A list of messages capped at max (0: no cap); past it they are counted. */
typedef struct {
  char **items;
  size_t n;
  size_t dropped;
  size_t max;
} baton_msgs_t;

int baton__msgs_add(baton_msgs_t *m, const char *fmt, ...) BATON_PRINTF(2, 3);
int baton__msgs_vadd(baton_msgs_t *m, const char *fmt, va_list ap)
    BATON_PRINTF(2, 0);
void baton__msgs_free(baton_msgs_t *m);

/* Returns 1 if s[0..n) is UTF-8, else 0 with *bad the offending offset. */
int baton__utf8_check(const char *s, size_t n, size_t *bad);

/* One CSV record. Cells are NUL-terminated and belong to the reader. */
typedef struct {
  char **cells;
  size_t *lens;
  size_t ncells;
  size_t line;  /* the line the record starts on, from 1 */
  int invalid;  /* a cell is not UTF-8 or holds a NUL (already reported) */
} baton_csv_row_t;

/* What one CSV file (or one JSON import) may hold; past a limit the parse
 * stops with an error naming it. No staff export comes near them: its
 * longest cell is a note of a few hundred bytes, its widest header a few
 * dozen columns, and a district has tens of thousands of staff. They are
 * here so that a hostile or broken file costs bounded memory and time. */
#ifndef BATON_CSV_MAX_CELL
#define BATON_CSV_MAX_CELL 65536 /* bytes in one cell */
#endif
#ifndef BATON_CSV_MAX_COLUMNS
#define BATON_CSV_MAX_COLUMNS 1000 /* cells in one row */
#endif
#ifndef BATON_CSV_MAX_ROWS
#define BATON_CSV_MAX_ROWS 1000000 /* rows below the header */
#endif

/* Returns 0 to go on, or an error code to stop parsing with it. */
typedef int (*baton_csv_row_cb)(void *ud, const baton_csv_row_t *row);

/* Parses CSV (a leading UTF-8 BOM skipped, CRLF or LF) with libcsv, calling
 * cb per record. Returns 0, BATON_EPARSE after adding to errs
 * "FILE:LINE:COLUMN: what; fix" (an unclosed or misplaced quote, or a file
 * past one of the BATON_CSV_MAX_* limits, stops the parse), BATON_ENOMEM,
 * or the callback's error. A cell that is not UTF-8 or holds a NUL byte is
 * reported and its row marked invalid; the parse goes on. */
int baton__csv_parse(const char *file, const char *data, size_t len,
                     baton_csv_row_cb cb, void *ud, baton_msgs_t *errs);
/* baton__csv_parse with cells separated by delim (',', ';' or '\t'). */
int baton__csv_parse_delim(const char *file, const char *data, size_t len,
                           char delim, baton_csv_row_cb cb, void *ud,
                           baton_msgs_t *errs);
/* The separator the first line of data (after a BOM) uses: whichever of
 * ',', ';' and tab occurs most often outside quotes; ',' on a tie or when
 * none occurs. */
char baton__csv_sniff(const char *data, size_t len);
/* Appends one cell, quoted only if needed; a cell a spreadsheet would run
 * as a formula (leading =, +, -, @, tab, CR) gets a leading '. */
int baton__csv_write_cell(baton_buf_t *b, const char *s, size_t n);
/* Appends cells joined by commas and a newline. NULL cells are empty. */
int baton__csv_write_row(baton_buf_t *b, const char *const *cells,
                         size_t ncells);
/* baton__csv_write_row ending the row with eol ("\n" or "\r\n"). */
int baton__csv_write_row_eol(baton_buf_t *b, const char *const *cells,
                             size_t ncells, const char *eol);
/* Undoes the writer's neutralising ' in place; returns the new length. */
size_t baton__csv_unneutralise(char *s, size_t n);

/* ---- util.c: files compiled into the binary ------------------------------ */

/* A file embedded by web/embed.cmake: the dashboard (baton__web_assets),
 * and baton__LAYER_assets from core/LAYER/scripts/: the Lua the core
 * runs (runtime, lua) and the scripts and templates the CLI prints or
 * writes (cli). data ends with a NUL that len does not count, so a text
 * file is also a C string. */
typedef struct {
  const char *path; /* "/index.html", "/test_runner.lua" */
  const char *type; /* "text/html; charset=utf-8" */
  const unsigned char *data;
  size_t len;
} baton_asset_t;

/* The text of the file `path` of a {0}-ended table, its length in *len
 * if len is not NULL. A missing file is a build defect: it aborts, naming
 * the file. */
const char *baton__asset_text(const baton_asset_t *table, const char *path,
                              size_t *len);

#endif
