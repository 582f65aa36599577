/* core/base/csv.c: CSV in and out, over libcsv.
 *
 * libcsv does the parsing; this file adds what an error message for a
 * coordinator needs and libcsv does not track: the line where each record
 * starts, the line where an unclosed quote opened, and UTF-8 checking. It
 * feeds libcsv one physical line at a time, so when a callback fires the
 * current line is known.
 *
 * The writer quotes a cell only when it must (libcsv's csv_write does the
 * quoting) and neutralises cells a spreadsheet would run as a formula. */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "base.h"

/* libcsv's parser states (struct csv_parser.pstate), from libcsv.c. */
#define CSV_ROW_NOT_BEGUN 0
#define CSV_FIELD_BEGUN 2

/* ---- messages ------------------------------------------------------------ */

int baton__msgs_add(baton_msgs_t *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int e = baton__msgs_vadd(m, fmt, ap);
  va_end(ap);
  return e;
}

int baton__msgs_vadd(baton_msgs_t *m, const char *fmt, va_list ap) {
  if (m->max != 0 && m->n >= m->max) {
    m->dropped++;
    return 0;
  }
  char *s = baton__vasprintf(fmt, ap);
  if (s == NULL)
    return BATON_ENOMEM;
  char **items = realloc(m->items, (m->n + 1) * sizeof *items);
  if (items == NULL) {
    free(s);
    return BATON_ENOMEM;
  }
  m->items = items;
  m->items[m->n++] = s;
  return 0;
}

void baton__msgs_free(baton_msgs_t *m) {
  for (size_t i = 0; i < m->n; i++)
    free(m->items[i]);
  free(m->items);
  m->items = NULL;
  m->n = m->dropped = 0;
}

/* ---- UTF-8 --------------------------------------------------------------- */

int baton__utf8_check(const char *str, size_t n, size_t *bad) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    unsigned min;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      k = 1, min = 0x80, c &= 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      k = 2, min = 0x800, c &= 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      k = 3, min = 0x10000, c &= 0x07;
    } else {
      goto bad;
    }
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
        goto bad;
      c = (c << 6) | (s[i + j] & 0x3f);
    }
    /* Overlong forms, UTF-16 surrogates and values past U+10FFFF are not
     * UTF-8 even when the bytes look right. */
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
      goto bad;
    i += k + 1;
  }
  return 1;
bad:
  if (bad)
    *bad = i;
  return 0;
}

/* ---- reading ------------------------------------------------------------- */

static int is_space_only(unsigned char c) { return c == ' '; }

typedef struct {
  const char *file;
  baton_csv_row_cb cb;
  void *ud;
  baton_msgs_t *errs;
  baton_buf_t arena;   /* this record's cell texts, NUL-separated */
  size_t *offs, *lens; /* cell i at arena.data + offs[i] */
  size_t ncells, cap;
  char **cells;    /* built when the record ends */
  size_t line;     /* the physical line being fed */
  size_t rec_line; /* where the current record started */
  size_t records;  /* records so far, the header included */
  int status;      /* first error from a callback or allocation */
} reader_t;

/* Reports an error that ends the parse (status BATON_EPARSE, or ENOMEM
 * if even the message cannot be kept). */
static void reader_stop(reader_t *r, const char *fmt, ...) BATON_PRINTF(2, 3);
static void reader_stop(reader_t *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int e = baton__msgs_vadd(r->errs, fmt, ap);
  va_end(ap);
  if (r->status == 0)
    r->status = e != 0 ? e : BATON_EPARSE;
}

static void cell_too_long(reader_t *r, size_t line, size_t col, int quoted) {
  reader_stop(r,
              "%s:%zu:%zu: this cell is longer than %d KiB, the most one "
              "cell may hold; %s",
              r->file, line, col, BATON_CSV_MAX_CELL / 1024,
              quoted ? "its opening \" is probably never closed, so the rest "
                       "of the file reads as one cell: close the quote, or "
                       "double a \" that is part of the text (\"\")"
                     : "a staff list's cells are names, ids and short notes: "
                       "check that this is the right file, and shorten or "
                       "remove the long text");
}

static void on_field(void *field, size_t len, void *data) {
  reader_t *r = data;
  if (r->status != 0)
    return;
  if (r->ncells >= BATON_CSV_MAX_COLUMNS) {
    reader_stop(r,
                "%s:%zu:%d: this row has more than %d cells, the most a row "
                "may have; a staff list has a few dozen columns: check that "
                "the file is comma-separated (save it from the spreadsheet "
                "as CSV UTF-8) and remove the empty columns at its right",
                r->file, r->line, BATON_CSV_MAX_COLUMNS + 1,
                BATON_CSV_MAX_COLUMNS);
    return;
  }
  if (len > BATON_CSV_MAX_CELL) {
    cell_too_long(r, r->rec_line, r->ncells + 1, 0);
    return;
  }
  if (r->ncells == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    size_t *o = realloc(r->offs, cap * sizeof *o);
    if (o != NULL)
      r->offs = o;
    size_t *l = o ? realloc(r->lens, cap * sizeof *l) : NULL;
    if (l != NULL)
      r->lens = l;
    char **c = l ? realloc(r->cells, cap * sizeof *c) : NULL;
    if (c == NULL) {
      r->status = BATON_ENOMEM;
      return;
    }
    r->cells = c;
    r->cap = cap;
  }
  r->offs[r->ncells] = r->arena.len;
  r->lens[r->ncells] = len;
  /* Copy with the terminating NUL so cells can be used as C strings. */
  if (baton__buf_append(&r->arena, field ? field : "", len) != 0 ||
      baton__buf_append(&r->arena, "", 1) != 0) {
    r->status = BATON_ENOMEM;
    return;
  }
  r->ncells++;
}

/* Checks one cell's text; returns 0, or 1 after reporting what is wrong.
 * A NUL byte is refused rather than kept: every consumer of a cell reads
 * it as a C string and would silently cut the value there. */
static int check_cell(reader_t *r, size_t i) {
  const char *c = r->cells[i];
  size_t bad;
  int e = 0;
  if (!baton__utf8_check(c, r->lens[i], &bad))
    e = baton__msgs_add(r->errs,
                        "%s:%zu:%zu: cell %zu is not valid UTF-8 (bad byte "
                        "0x%02x at byte %zu of the cell); save the file as "
                        "UTF-8 (in a spreadsheet: Save As, CSV UTF-8)",
                        r->file, r->rec_line, i + 1, i + 1,
                        (unsigned char)c[bad], bad + 1);
  else if (memchr(c, '\0', r->lens[i]) != NULL)
    e = baton__msgs_add(
        r->errs,
        "%s:%zu:%zu: cell %zu holds a NUL byte (byte %zu of the cell), "
        "which a CSV text file never has; the file is probably UTF-16 or a "
        "spreadsheet's own format: open it in the spreadsheet and save it "
        "as CSV UTF-8",
        r->file, r->rec_line, i + 1, i + 1,
        (size_t)((const char *)memchr(c, '\0', r->lens[i]) - c) + 1);
  else
    return 0;
  if (e != 0)
    r->status = e;
  return 1;
}

static void on_record(int c, void *data) {
  reader_t *r = data;
  (void)c;
  if (r->status != 0)
    return;
  if (++r->records > (size_t)BATON_CSV_MAX_ROWS + 1) {
    reader_stop(r,
                "%s:%zu: the file has more than %d rows below the header, "
                "the most one file may have; split it into files of fewer "
                "rows and import each (without --full, which would "
                "deactivate the people of the other files)",
                r->file, r->rec_line, BATON_CSV_MAX_ROWS);
    return;
  }
  baton_csv_row_t row = {r->cells, r->lens, r->ncells, r->rec_line, 0};
  for (size_t i = 0; i < r->ncells; i++) {
    r->cells[i] = r->arena.data + r->offs[i];
    row.invalid |= check_cell(r, i);
  }
  if (r->status == 0)
    r->status = r->cb(r->ud, &row);
  r->ncells = 0;
  r->arena.len = 0;
}

char baton__csv_sniff(const char *data, size_t len) {
  if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
    data += 3, len -= 3;
  size_t comma = 0, semi = 0, tab = 0;
  int quoted = 0;
  for (size_t i = 0; i < len && (quoted || data[i] != '\n'); i++) {
    char c = data[i];
    if (c == '"')
      quoted = !quoted;
    else if (!quoted)
      comma += c == ',', semi += c == ';', tab += c == '\t';
  }
  if (semi > comma && semi > tab)
    return ';';
  if (tab > comma && tab > semi)
    return '\t';
  return ',';
}

int baton__csv_parse(const char *file, const char *data, size_t len,
                     baton_csv_row_cb cb, void *ud, baton_msgs_t *errs) {
  return baton__csv_parse_delim(file, data, len, ',', cb, ud, errs);
}

int baton__csv_parse_delim(const char *file, const char *data, size_t len,
                           char delim, baton_csv_row_cb cb, void *ud,
                           baton_msgs_t *errs) {
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return BATON_ENOMEM;
  csv_set_delim(&p, (unsigned char)delim);
  /* libcsv trims spaces and tabs around cells: with tab as the
   * separator, a tab must not also count as a blank. */
  if (delim == '\t')
    csv_set_space_func(&p, is_space_only);
  reader_t r = {.file = file, .cb = cb, .ud = ud, .errs = errs};
  /* A UTF-8 byte order mark is how Excel says "UTF-8"; it is not data. */
  if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
    data += 3, len -= 3;
  size_t quote_line = 0, quote_col = 0;
  size_t off = 0;
  int err = 0;
  r.line = 1;
  while (off < len && r.status == 0) {
    /* At most one cell's limit at a time, so a cell past the limit is
     * caught before libcsv has buffered much more of it. */
    size_t room =
        len - off < BATON_CSV_MAX_CELL ? len - off : BATON_CSV_MAX_CELL;
    const char *nl = memchr(data + off, '\n', room);
    size_t n = nl ? (size_t)(nl - (data + off)) + 1 : room;
    if (p.pstate == CSV_ROW_NOT_BEGUN)
      r.rec_line = r.line;
    if (csv_parse(&p, data + off, n, on_field, on_record, &r) != n) {
      err = BATON_EPARSE;
      break;
    }
    off += n;
    if (p.pstate == CSV_FIELD_BEGUN && p.entry_pos > BATON_CSV_MAX_CELL) {
      if (p.quoted && quote_line != 0)
        cell_too_long(&r, quote_line, quote_col, 1);
      else
        cell_too_long(&r, r.line, r.ncells + 1, p.quoted);
      break;
    }
    if (nl == NULL)
      continue; /* the middle of a long line */
    /* A line that ends inside a quoted cell: remember where the quote
     * opened, to blame it if the file ends before the quote closes. */
    if (p.quoted && p.pstate == CSV_FIELD_BEGUN) {
      if (quote_line == 0)
        quote_line = r.line, quote_col = r.ncells + 1;
    } else {
      quote_line = 0;
    }
    r.line++;
  }
  if (err == 0 && r.status == 0 && csv_fini(&p, on_field, on_record, &r) != 0)
    err = BATON_EPARSE;
  if (err == BATON_EPARSE && csv_error(&p) == CSV_ENOMEM)
    err = BATON_ENOMEM;
  if (err == BATON_EPARSE) {
    int e;
    if (quote_line != 0)
      e = baton__msgs_add(errs,
                          "%s:%zu:%zu: a quoted cell is never closed (the "
                          "file ends inside it); add the closing \" or, if "
                          "the \" is part of the text, double it (\"\") and "
                          "quote the whole cell",
                          file, quote_line, quote_col);
    else
      e = baton__msgs_add(errs,
                          "%s:%zu:%zu: misplaced quote: a cell that contains "
                          "\" must start and end with \" and have each \" "
                          "inside it doubled (\"\")",
                          file, r.line, r.ncells + 1);
    if (e != 0)
      err = e;
  }
  csv_free(&p);
  baton__buf_free(&r.arena);
  free(r.offs);
  free(r.lens);
  free(r.cells);
  return err != 0 ? err : r.status;
}

/* ---- writing ------------------------------------------------------------- */

static int formula_start(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* The number of leading apostrophes when what follows them would start a
 * formula, else -1. The writer adds one apostrophe to such a cell and the
 * reader removes one, so every value survives export and import. */
static long formula_quotes(const char *s, size_t n) {
  size_t k = 0;
  while (k < n && s[k] == '\'')
    k++;
  return k < n && formula_start(s[k]) ? (long)k : -1;
}

size_t baton__csv_unneutralise(char *s, size_t n) {
  if (n > 1 && s[0] == '\'' && formula_quotes(s, n) > 0) {
    memmove(s, s + 1, n); /* with the NUL */
    return n - 1;
  }
  return n;
}

int baton__csv_write_cell(baton_buf_t *b, const char *s, size_t n) {
  if (s == NULL)
    return 0;
  int neutral = formula_quotes(s, n) >= 0;
  int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ' || s[0] == '\t' ||
                        s[n - 1] == '\t');
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    if (neutral && baton__buf_append(b, "'", 1) != 0)
      return BATON_ENOMEM;
    return baton__buf_append(b, s, n);
  }
  const char *src = s;
  char *tmp = NULL;
  if (neutral) {
    tmp = malloc(n + 1);
    if (tmp == NULL)
      return BATON_ENOMEM;
    tmp[0] = '\'';
    memcpy(tmp + 1, s, n);
    src = tmp;
    n++;
  }
  /* csv_write quotes the cell and doubles its quotes; ask it for the size
   * first, then write into the buffer. */
  size_t need = csv_write(NULL, 0, src, n);
  int err = 0;
  if (b->len + need + 1 > b->cap) {
    size_t len = b->len;
    char *pad = calloc(1, need);
    err = pad ? baton__buf_append(b, pad, need) : BATON_ENOMEM;
    free(pad);
    b->len = len;
  }
  if (err == 0) {
    b->len += csv_write(b->data + b->len, need, src, n);
    b->data[b->len] = '\0';
  }
  free(tmp);
  return err;
}

int baton__csv_write_row(baton_buf_t *b, const char *const *cells,
                         size_t ncells) {
  return baton__csv_write_row_eol(b, cells, ncells, "\n");
}

int baton__csv_write_row_eol(baton_buf_t *b, const char *const *cells,
                             size_t ncells, const char *eol) {
  for (size_t i = 0; i < ncells; i++) {
    if (i > 0 && baton__buf_append(b, ",", 1) != 0)
      return BATON_ENOMEM;
    const char *c = cells[i] ? cells[i] : "";
    if (baton__csv_write_cell(b, c, strlen(c)) != 0)
      return BATON_ENOMEM;
  }
  return baton__buf_append(b, eol, strlen(eol));
}
