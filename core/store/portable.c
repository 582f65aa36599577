/* core/store/portable.c: the portable subset of plugin SQL (portable.h).
 *
 * A small SQL tokenizer (words, quoted names, strings, dollar-quoted
 * strings, comments, numbers, parameters, punctuation) under three
 * readers: the check, which knows SQLite's constructs that PostgreSQL
 * lacks (and PostgreSQL's that SQLite lacks); the rewrite, which turns
 * the subset's type names into PostgreSQL's; and a scanner of Lua source
 * that finds the string literals holding SQL, for `baton doctor`.
 * Working on tokens is what keeps `'INSERT OR IGNORE'` in a string, or
 * `rowid` in a comment, from counting. Layer: store. */
#include "portable.h"

#define _DEFAULT_SOURCE /* scandir, alphasort */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base.h"

/* ---- tokens -------------------------------------------------------------- */

enum {
  T_WORD,   /* a bare word: keyword, name, function */
  T_QNAME,  /* "name", `name` */
  T_STRING, /* 'text', $$text$$, $tag$text$tag$ */
  T_NUMBER,
  T_PARAM, /* ? or ?NNN */
  T_NAMED, /* :name, @name, $name, $1 */
  T_PUNCT  /* one character, or :: */
};

typedef struct {
  int type;
  size_t at, len;
  int marked; /* just after the comment JSON_MARK */
} tok_t;

/* Marks the json_extract that baton.store.json writes on SQLite, which the
 * check lets through (on PostgreSQL the helper writes PostgreSQL's). */
#define JSON_MARK "/*baton.store.json*/"

typedef struct {
  const char *s;
  size_t len, pos;
} lex_t;

static int is_word_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c >= 0x80;
}

static int is_word_char(unsigned char c) {
  return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Skips from x->pos to just past the closing q of a quoted run, where a
 * doubled q stands for one (SQL's '' and ""). Unterminated: to the end. */
static void skip_quoted(lex_t *x, char q) {
  x->pos++;
  while (x->pos < x->len) {
    if (x->s[x->pos++] == q) {
      if (x->pos < x->len && x->s[x->pos] == q)
        x->pos++;
      else
        return;
    }
  }
}

/* The length of a dollar quote's tag ($$ or $tag$) at p, or 0. */
static size_t dollar_tag(const char *s, size_t len, size_t p) {
  size_t q = p + 1;
  while (q < len && is_word_char((unsigned char)s[q]) && s[q] != '$')
    q++;
  if (q < len && s[q] == '$' &&
      (q == p + 1 || !(s[p + 1] >= '0' && s[p + 1] <= '9')))
    return q - p + 1;
  return 0;
}

/* The next token after x->pos, skipping blanks and comments. Returns 0 at
 * the end. */
static int lex(lex_t *x, tok_t *t) {
  const char *s = x->s;
  t->marked = 0;
  for (;;) {
    while (x->pos < x->len &&
           (s[x->pos] == ' ' || s[x->pos] == '\t' || s[x->pos] == '\n' ||
            s[x->pos] == '\r' || s[x->pos] == '\f' || s[x->pos] == '\v'))
      x->pos++;
    if (x->pos + 1 < x->len && s[x->pos] == '-' && s[x->pos + 1] == '-') {
      while (x->pos < x->len && s[x->pos] != '\n' && s[x->pos] != '\r')
        x->pos++;
      continue;
    }
    if (x->pos + 1 < x->len && s[x->pos] == '/' && s[x->pos + 1] == '*') {
      t->marked = x->len - x->pos >= sizeof JSON_MARK - 1 &&
                  memcmp(s + x->pos, JSON_MARK, sizeof JSON_MARK - 1) == 0;
      x->pos += 2;
      while (x->pos < x->len &&
             !(s[x->pos] == '*' && x->pos + 1 < x->len && s[x->pos + 1] == '/'))
        x->pos++;
      x->pos = x->pos + 2 < x->len ? x->pos + 2 : x->len;
      continue;
    }
    break;
  }
  if (x->pos >= x->len)
    return 0;
  size_t p = x->pos;
  unsigned char c = (unsigned char)s[p];
  t->at = p;
  if (c == '\'') {
    t->type = T_STRING;
    skip_quoted(x, '\'');
  } else if (c == '"' || c == '`') {
    t->type = T_QNAME;
    skip_quoted(x, (char)c);
  } else if (c == '$') {
    size_t tag = dollar_tag(s, x->len, p);
    if (tag) { /* $tag$ ... $tag$ */
      t->type = T_STRING;
      x->pos = p + tag;
      while (x->pos < x->len && !(s[x->pos] == '$' && x->pos + tag <= x->len &&
                                  memcmp(s + x->pos, s + p, tag) == 0))
        x->pos++;
      x->pos = x->pos + tag <= x->len ? x->pos + tag : x->len;
    } else {
      t->type = p + 1 < x->len && is_word_char((unsigned char)s[p + 1])
                    ? T_NAMED
                    : T_PUNCT;
      x->pos++;
      while (t->type == T_NAMED && x->pos < x->len &&
             is_word_char((unsigned char)s[x->pos]))
        x->pos++;
    }
  } else if (c == '?') {
    t->type = T_PARAM;
    x->pos++;
    while (x->pos < x->len && s[x->pos] >= '0' && s[x->pos] <= '9')
      x->pos++;
  } else if ((c == ':' || c == '@') && p + 1 < x->len &&
             is_word_start((unsigned char)s[p + 1])) {
    t->type = T_NAMED;
    x->pos++;
    while (x->pos < x->len && is_word_char((unsigned char)s[x->pos]))
      x->pos++;
  } else if (c == ':' && p + 1 < x->len && s[p + 1] == ':') {
    t->type = T_PUNCT;
    x->pos += 2;
  } else if ((c >= '0' && c <= '9') || (c == '.' && p + 1 < x->len &&
                                        s[p + 1] >= '0' && s[p + 1] <= '9')) {
    t->type = T_NUMBER;
    while (x->pos < x->len &&
           (is_word_char((unsigned char)s[x->pos]) || s[x->pos] == '.'))
      x->pos++;
  } else if (is_word_start(c)) {
    t->type = T_WORD;
    while (x->pos < x->len && is_word_char((unsigned char)s[x->pos]))
      x->pos++;
  } else {
    t->type = T_PUNCT;
    x->pos++;
  }
  t->len = x->pos - p;
  return 1;
}

/* The token after x's position, without moving x; 0 at the end. */
static int peek(const lex_t *x, tok_t *t) {
  lex_t y = *x;
  return lex(&y, t);
}

/* Whether t is the word w (any case). */
static int is(const lex_t *x, const tok_t *t, const char *w) {
  return t->type == T_WORD && strlen(w) == t->len &&
         strncasecmp(x->s + t->at, w, t->len) == 0;
}

static int is_punct(const lex_t *x, const tok_t *t, char c) {
  return t->type == T_PUNCT && t->len == 1 && x->s[t->at] == c;
}

/* ---- the check ----------------------------------------------------------- */

#define DATES                                                                  \
  "compute dates in Lua (baton.today(), os.date) and pass them as ? "          \
  "parameters, stored as 'YYYY-MM-DD' text"
#define JSON_IN_LUA                                                            \
  "decode the JSON in Lua (baton.json.decode), or keep the list as rows of a " \
  "table of your own"

/* SQLite's functions that PostgreSQL lacks (or has with other arguments),
 * matched when a '(' follows the name. */
static const struct {
  const char *name, *what, *instead;
} functions[] = {
    {"json_extract", "json_extract(",
     "baton.store.json(column, key) where you build the SQL (the key's value "
     "as text on both engines)"},
    {"json_valid", "json_valid(",
     "store only JSON made by baton.json.encode and test a key with "
     "baton.store.json(column, key) IS NOT NULL"},
    {"json_each", "json_each(", JSON_IN_LUA},
    {"json_tree", "json_tree(", JSON_IN_LUA},
    {"json_array_length", "json_array_length(", JSON_IN_LUA},
    {"group_concat", "group_concat(", "collect the rows in Lua (table.concat)"},
    {"last_insert_rowid", "last_insert_rowid(",
     "the id that baton.store.insert returns"},
    {"strftime", "strftime(", DATES},
    {"datetime", "datetime(", DATES},
    {"julianday", "julianday(", DATES},
    {"unixepoch", "unixepoch(", DATES},
    {"ifnull", "ifnull(", "coalesce(a, b)"},
    {"instr", "instr(", "x LIKE '%' || ? || '%', or compare in Lua"},
    {"printf", "printf(", "|| to join, or string.format in Lua"},
    {"format", "format(", "|| to join, or string.format in Lua"},
    {"randomblob", "randomblob(", "baton.random in Lua, passed as a ?"},
    {"total_changes", "total_changes(",
     "the count that baton.store.exec returns"},
    {"changes", "changes(", "the count that baton.store.exec returns"},
    {"typeof", "typeof(", "a column of one type"},
};

/* The parenthesised arguments of a call whose '(' is next in x: whether
 * the first is the string 'now' or there is more than one (SQLite's date
 * modifiers). */
static int date_call_is_sqlite(const lex_t *x) {
  lex_t y = *x;
  tok_t t;
  if (!lex(&y, &t) || !is_punct(&y, &t, '('))
    return 0;
  int depth = 1, first = 1;
  while (lex(&y, &t)) {
    if (first && t.type == T_STRING && t.len == 5 &&
        strncasecmp(y.s + t.at, "'now'", 5) == 0)
      return 1;
    first = 0;
    if (is_punct(&y, &t, '('))
      depth++;
    else if (is_punct(&y, &t, ')') && --depth == 0)
      return 0;
    else if (depth == 1 && is_punct(&y, &t, ','))
      return 1;
  }
  return 0;
}

/* Whether the '(' next in x opens a subquery (SELECT, WITH or VALUES
 * first) whose ')' is followed by no name: PostgreSQL before 16 wants
 * every subquery in FROM or JOIN named. */
static int unnamed_subquery(const lex_t *x) {
  static const char *const after[] = {
      "WHERE",  "GROUP",  "ORDER", "LIMIT", "OFFSET",  "JOIN",   "LEFT",
      "RIGHT",  "INNER",  "CROSS", "FULL",  "UNION",   "EXCEPT", "INTERSECT",
      "HAVING", "WINDOW", "ON",    "USING", "NATURAL", NULL};
  lex_t y = *x;
  tok_t t;
  if (!lex(&y, &t) || !is_punct(&y, &t, '(') || !lex(&y, &t) ||
      !(is(&y, &t, "SELECT") || is(&y, &t, "WITH") || is(&y, &t, "VALUES")))
    return 0;
  int depth = 1;
  while (depth > 0 && lex(&y, &t))
    if (is_punct(&y, &t, '('))
      depth++;
    else if (is_punct(&y, &t, ')'))
      depth--;
  if (depth > 0 || !lex(&y, &t))
    return depth == 0;
  if (t.type == T_QNAME)
    return 0;
  if (t.type != T_WORD)
    return 1;
  for (int i = 0; after[i]; i++)
    if (is(&y, &t, after[i]))
      return 1;
  return 0;
}

/* After ON CONFLICT ... DO UPDATE SET (x just past SET): the first bare
 * column name on the right of an `=`, which PostgreSQL finds ambiguous
 * (the row there, or excluded's?). Returns 1 and its offset, or 0. A
 * subquery ends the search (its names are its own). */
static int upsert_bare_column(const lex_t *x, size_t *at) {
  static const char *const words[] = {"NULL",
                                      "TRUE",
                                      "FALSE",
                                      "CASE",
                                      "WHEN",
                                      "THEN",
                                      "ELSE",
                                      "END",
                                      "AND",
                                      "OR",
                                      "NOT",
                                      "IS",
                                      "IN",
                                      "AS",
                                      "LIKE",
                                      "BETWEEN",
                                      "DISTINCT",
                                      "ESCAPE",
                                      "CURRENT_DATE",
                                      "CURRENT_TIME",
                                      "CURRENT_TIMESTAMP",
                                      NULL};
  lex_t y = *x;
  tok_t t, n, prev = {T_PUNCT, 0, 0, 0};
  int depth = 0, rhs = 0;
  while (lex(&y, &t)) {
    if (depth == 0 && (is(&y, &t, "WHERE") || is(&y, &t, "RETURNING") ||
                       is_punct(&y, &t, ';')))
      return 0;
    if (is(&y, &t, "SELECT"))
      return 0;
    if (is_punct(&y, &t, '('))
      depth++;
    else if (is_punct(&y, &t, ')') && --depth < 0)
      return 0;
    else if (depth == 0 && is_punct(&y, &t, ','))
      rhs = 0;
    else if (depth == 0 && !rhs && is_punct(&y, &t, '='))
      rhs = 1;
    else if (rhs && t.type == T_WORD && !is_punct(&y, &prev, '.') &&
             !is(&y, &prev, "AS")) {
      int known = 0;
      for (int i = 0; words[i]; i++)
        known |= is(&y, &t, words[i]);
      int has = peek(&y, &n);
      if (!known &&
          !(has && (is_punct(&y, &n, '(') || is_punct(&y, &n, '.')))) {
        *at = t.at;
        return 1;
      }
    }
    prev = t;
  }
  return 0;
}

/* What follows a column's name when it has no type. */
static int is_constraint_word(const lex_t *x, const tok_t *t) {
  static const char *const words[] = {
      "PRIMARY", "NOT",     "NULL", "DEFAULT",    "REFERENCES", "UNIQUE",
      "CHECK",   "COLLATE", "AS",   "CONSTRAINT", "GENERATED",  NULL};
  for (int i = 0; words[i]; i++)
    if (is(x, t, words[i]))
      return 1;
  return 0;
}

/* PostgreSQL's reserved words that read like a column's name (SQLite
 * accepts most of them unquoted): such a column must be quoted, "user". */
static int is_reserved_name(const lex_t *x, const tok_t *t) {
  static const char *const words[] = {
      "user",         "order",        "group",
      "desc",         "asc",          "end",
      "limit",        "offset",       "from",
      "to",           "table",        "window",
      "when",         "all",          "any",
      "both",         "case",         "cast",
      "do",           "else",         "for",
      "only",         "some",         "union",
      "using",        "where",        "with",
      "array",        "fetch",        "grant",
      "into",         "lateral",      "select",
      "then",         "analyse",      "analyze",
      "column",       "leading",      "current_date",
      "current_time", "current_user", "session_user",
      "trailing",     "variadic",     "placing",
      "returning",    "symmetric",    "distinct",
      "intersect",    "except",       "having",
      "initially",    "deferrable",   NULL};
  for (int i = 0; words[i]; i++)
    if (is(x, t, words[i]))
      return 1;
  return 0;
}

/* Where a CREATE TABLE's column list stands, as its tokens go by. */
typedef struct {
  int state;    /* 0 none, 1 CREATE [TEMP], 2 TABLE [IF NOT EXISTS], 3 name,
                   4 in the columns */
  int depth;    /* parentheses, in state 4 */
  int expect;   /* 1: a column (or table constraint) begins; 2: its type */
  size_t named; /* where the column's name began */
} create_t;

/* Feeds token t to the CREATE TABLE reader; returns 1 (and the offset of
 * the column) when a column turns out to have no type, 2 when its name is
 * a reserved word of PostgreSQL. */
static int create_step(create_t *c, const lex_t *x, const tok_t *t,
                       size_t *col) {
  switch (c->state) {
  case 0:
    if (is(x, t, "CREATE"))
      c->state = 1;
    return 0;
  case 1:
    c->state = is(x, t, "TEMP") || is(x, t, "TEMPORARY") ? 1
               : is(x, t, "TABLE")                       ? 2
                                                         : 0;
    return 0;
  case 2:
    if (is(x, t, "IF") || is(x, t, "NOT") || is(x, t, "EXISTS"))
      return 0;
    c->state = t->type == T_WORD || t->type == T_QNAME ? 3 : 0;
    return 0;
  case 3:
    if (is_punct(x, t, '.'))
      c->state = 2;
    else if (is_punct(x, t, '('))
      *c = (create_t){.state = 4, .depth = 1, .expect = 1};
    else
      c->state = 0; /* CREATE TABLE ... AS SELECT */
    return 0;
  }
  if (c->expect == 2) {
    c->expect = 0;
    if ((c->depth == 1 && (is_punct(x, t, ',') || is_punct(x, t, ')'))) ||
        is_constraint_word(x, t)) {
      *col = c->named;
      if (is_punct(x, t, ','))
        c->expect = 1;
      if (is_punct(x, t, ')'))
        c->state = 0;
      return 1;
    }
  } else if (c->expect == 1 && c->depth == 1) {
    c->expect = 0;
    if (t->type == T_WORD || t->type == T_QNAME) {
      static const char *const table_constraints[] = {
          "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", NULL};
      int constraint = 0;
      for (int i = 0; table_constraints[i]; i++)
        constraint |= is(x, t, table_constraints[i]);
      if (!constraint) {
        c->expect = 2;
        c->named = t->at;
        if (t->type == T_WORD && is_reserved_name(x, t)) {
          *col = t->at;
          return 2;
        }
      }
    }
  }
  if (is_punct(x, t, '('))
    c->depth++;
  else if (is_punct(x, t, ')') && --c->depth == 0)
    c->state = 0;
  else if (c->depth == 1 && is_punct(x, t, ','))
    c->expect = 1;
  return 0;
}

/* The first issue of s[0..len) at or after *from (see
 * baton__sql_portable_next). */
static int next_issue(const char *s, size_t len, size_t *from,
                      baton__sql_portable_issue_t *is_out) {
  lex_t x = {s, len, 0};
  tok_t t, n;
  create_t create = {0};
  size_t skip = 0; /* tokens before this were part of an issue */
#define FOUND(off, w, i)                                                       \
  do {                                                                         \
    if ((off) >= *from) {                                                      \
      *is_out = (baton__sql_portable_issue_t){(off), (w), (i)};                \
      *from = (off) + 1;                                                       \
      return 1;                                                                \
    }                                                                          \
  } while (0)
  while (lex(&x, &t)) {
    size_t col;
    int c = 0;
    if (is_punct(&x, &t, ';'))
      create.state = 0;
    else if ((c = create_step(&create, &x, &t, &col)) == 1)
      FOUND(col, "a column without a type",
            "a type after the column's name: TEXT, INTEGER, REAL or BLOB");
    else if (c == 2)
      FOUND(col, "a column named by a reserved word of PostgreSQL",
            "another name, or the name in double quotes everywhere "
            "(\"user\", \"order\", \"group\")");
    if (t.at < skip)
      continue;
    if (t.type == T_NAMED)
      FOUND(t.at,
            s[t.at] == '$' && t.len > 1 && s[t.at + 1] >= '0' &&
                    s[t.at + 1] <= '9'
                ? "a $N parameter"
                : "a named parameter (:name, @name, $name)",
            "? placeholders (or ?N), one value per ?");
    if (t.type == T_PUNCT && t.len == 2)
      FOUND(t.at, "a :: cast", "CAST(value AS type)");
    if (t.type != T_WORD)
      continue;
    int has_next = peek(&x, &n);
    if (is(&x, &t, "INSERT") && has_next && is(&x, &n, "OR")) {
      lex_t y = x;
      tok_t k;
      lex(&y, &k);
      int more = lex(&y, &k);
      if (more)
        skip = k.at + k.len; /* INSERT OR REPLACE is not also REPLACE INTO */
      if (more && is(&y, &k, "IGNORE"))
        FOUND(t.at, "INSERT OR IGNORE",
              "INSERT INTO ... ON CONFLICT DO NOTHING");
      if (more && is(&y, &k, "REPLACE"))
        FOUND(t.at, "INSERT OR REPLACE",
              "INSERT INTO ... ON CONFLICT (its key's columns) DO UPDATE SET "
              "column = excluded.column, ...");
      FOUND(t.at, "INSERT OR ...",
            "INSERT INTO ... ON CONFLICT DO NOTHING or DO UPDATE");
    }
    if (is(&x, &t, "REPLACE") && has_next && is(&x, &n, "INTO"))
      FOUND(t.at, "REPLACE INTO",
            "INSERT INTO ... ON CONFLICT (its key's columns) DO UPDATE SET "
            "column = excluded.column, ...");
    if (has_next && is_punct(&x, &n, '(') && !t.marked) {
      for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (is(&x, &t, functions[i].name))
          FOUND(t.at, functions[i].what, functions[i].instead);
      if (t.len > 5 && strncasecmp(s + t.at, "json_", 5) == 0)
        FOUND(t.at, "SQLite's json_ functions", JSON_IN_LUA);
      if ((is(&x, &t, "date") || is(&x, &t, "time")) && date_call_is_sqlite(&x))
        FOUND(t.at, "date('now') and date modifiers", DATES);
    }
    if ((is(&x, &t, "FROM") || is(&x, &t, "JOIN")) && unnamed_subquery(&x))
      FOUND(n.at, "a subquery in FROM without a name",
            "name it: FROM (SELECT ...) AS t");
    if (is(&x, &t, "CONFLICT") && has_next && is(&x, &n, "DO")) {
      lex_t y = x;
      tok_t k;
      lex(&y, &k);
      if (lex(&y, &k) && is(&y, &k, "UPDATE"))
        FOUND(t.at, "ON CONFLICT DO UPDATE without the key's columns",
              "ON CONFLICT (its key's columns) DO UPDATE SET ...");
    }
    if (is(&x, &t, "DO") && has_next && is(&x, &n, "UPDATE")) {
      lex_t y = x;
      tok_t k;
      lex(&y, &k);
      size_t at;
      if (lex(&y, &k) && is(&y, &k, "SET") && upsert_bare_column(&y, &at))
        FOUND(at, "a bare column on the right of ON CONFLICT DO UPDATE SET",
              "name its table: table.column for the row there, "
              "excluded.column for the one not inserted (PostgreSQL finds "
              "a bare name ambiguous)");
    }
    if (is(&x, &t, "GLOB"))
      FOUND(t.at, "GLOB", "LIKE (with % and _)");
    if (is(&x, &t, "PRAGMA"))
      FOUND(t.at, "PRAGMA",
            "nothing: the host sets the connection up for every plugin");
    if (is(&x, &t, "WITHOUT") && has_next && is(&x, &n, "ROWID")) {
      skip = n.at + n.len;
      FOUND(t.at, "WITHOUT ROWID", "a plain table with a PRIMARY KEY");
    }
    if (is(&x, &t, "AUTOINCREMENT"))
      FOUND(t.at, "AUTOINCREMENT",
            "id INTEGER PRIMARY KEY (an identity column on PostgreSQL)");
    if (is(&x, &t, "rowid") || is(&x, &t, "_rowid_"))
      FOUND(t.at, "rowid",
            "a column of the table's own: id INTEGER PRIMARY KEY");
    if (t.len > 7 && strncasecmp(s + t.at, "sqlite_", 7) == 0)
      FOUND(t.at, "a sqlite_ name",
            "your plugin's own tables and the core tables only");
  }
#undef FOUND
  return 0;
}

int baton__sql_portable_next(const char *sql, size_t *from,
                             baton__sql_portable_issue_t *issue) {
  return next_issue(sql, strlen(sql), from, issue);
}

char *baton__sql_portable_sentence(const baton__sql_portable_issue_t *issue) {
  return baton__asprintf("`%s` is not in the portable SQL that runs on both "
                         "SQLite and PostgreSQL; instead: %s (see "
                         "docs/plugins.md#portable-sql)",
                         issue->what, issue->instead);
}

char *baton__sql_portable_check(const char *sql) {
  size_t from = 0;
  baton__sql_portable_issue_t is;
  if (!baton__sql_portable_next(sql, &from, &is))
    return NULL;
  int line = 1;
  size_t bol = 0;
  for (size_t i = 0; i < is.offset; i++)
    if (sql[i] == '\n')
      line++, bol = i + 1;
  char *why = baton__sql_portable_sentence(&is);
  if (why == NULL)
    return NULL;
  char *r;
  if (strchr(sql, '\n') != NULL)
    r = baton__asprintf("line %d, column %zu of the SQL: %s", line,
                        is.offset - bol + 1, why);
  else
    r = baton__asprintf("column %zu of the SQL: %s", is.offset - bol + 1, why);
  free(why);
  return r;
}

/* ---- the rewrite --------------------------------------------------------- */

char *baton__sql_portable_rewrite(baton__sql_engine_t e, const char *sql) {
  if (e != BATON_SQL_POSTGRES)
    return baton__strdup(sql);
  baton_buf_t b = {0};
  lex_t x = {sql, strlen(sql), 0};
  tok_t t;
  size_t copied = 0;
  int err = 0;
  while (lex(&x, &t)) {
    const char *with = NULL;
    size_t end = t.at + t.len;
    if (is(&x, &t, "INTEGER")) {
      lex_t y = x;
      tok_t k1, k2;
      if (lex(&y, &k1) && is(&y, &k1, "PRIMARY") && lex(&y, &k2) &&
          is(&y, &k2, "KEY")) {
        with = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        end = k2.at + k2.len;
        x = y;
      } else {
        with = "BIGINT";
      }
    } else if (is(&x, &t, "REAL")) {
      with = "DOUBLE PRECISION";
    } else if (is(&x, &t, "BLOB")) {
      with = "BYTEA";
    }
    if (with == NULL)
      continue;
    err |= baton__buf_append(&b, sql + copied, t.at - copied);
    err |= baton__buf_append(&b, with, strlen(with));
    copied = end;
  }
  err |= baton__buf_append(&b, sql + copied, strlen(sql + copied));
  if (err) {
    baton__buf_free(&b);
    return NULL;
  }
  return b.data ? b.data : baton__strdup("");
}

char *baton__sql_portable_returning(const char *sql) {
  lex_t x = {sql, strlen(sql), 0};
  tok_t t;
  size_t end = 0;
  while (lex(&x, &t)) {
    if (is(&x, &t, "RETURNING"))
      return baton__strdup(sql);
    if (!is_punct(&x, &t, ';'))
      end = t.at + t.len;
  }
  return baton__asprintf("%.*s RETURNING *, (xmax = 0) AS " BATON_SQL_INSERTED,
                         (int)end, sql);
}

/* ---- JSON ---------------------------------------------------------------- */

/* Whether s is words of [A-Za-z0-9_] joined by single dots, the first
 * not starting with a digit when `name`. */
static int dotted(const char *s, int name) {
  if (*s == '\0' || *s == '.')
    return 0;
  for (const char *c = s; *c; c++) {
    int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
             (*c >= '0' && *c <= '9') || *c == '_';
    if (*c == '.') {
      if (c[1] == '\0' || c[1] == '.')
        return 0;
      if (name && c[1] >= '0' && c[1] <= '9')
        return 0;
      continue;
    }
    if (!ok)
      return 0;
    if (name && c == s && *c >= '0' && *c <= '9')
      return 0;
  }
  return 1;
}

char *baton__sql_portable_json(baton__sql_engine_t e, const char *column,
                               const char *key, const char **why) {
  *why = NULL;
  if (!dotted(column, 1)) {
    *why = "the column must be a name (data, or e.data): letters, digits and "
           "'_', not starting with a digit";
    return NULL;
  }
  if (!dotted(key, 0)) {
    *why = "the key must be a field name: letters, digits and '_', with dots "
           "for a nested field (\"pair.mentor\")";
    return NULL;
  }
  if (e != BATON_SQL_POSTGRES)
    return baton__asprintf(
        "CAST(" JSON_MARK "json_extract(%s, '$.%s') AS TEXT)", column, key);
  char *path = baton__strdup(key);
  if (path == NULL)
    return NULL;
  for (char *c = path; *c; c++)
    if (*c == '.')
      *c = ',';
  char *r = baton__asprintf("(CAST(%s AS jsonb) #>> '{%s}')", column, path);
  free(path);
  return r;
}

/* ---- SQL in Lua source --------------------------------------------------- */

/* Whether the text at s (len bytes) begins, after blanks and comments,
 * with a statement's first keyword, in capitals or in small letters (a
 * sentence of a message, "Select a person", is not SQL). */
static int looks_like_sql(const char *s, size_t len) {
  static const char *const starts[] = {"SELECT",  "INSERT", "UPDATE", "DELETE",
                                       "CREATE",  "ALTER",  "DROP",   "WITH",
                                       "REPLACE", "PRAGMA", NULL};
  lex_t x = {s, len, 0};
  tok_t t;
  if (!lex(&x, &t))
    return 0;
  int upper = 0, lower = 0;
  for (size_t i = 0; i < t.len; i++) {
    upper |= s[t.at + i] >= 'A' && s[t.at + i] <= 'Z';
    lower |= s[t.at + i] >= 'a' && s[t.at + i] <= 'z';
  }
  for (int i = 0; starts[i] && !(upper && lower); i++)
    if (is(&x, &t, starts[i]))
      return 1;
  return 0;
}

/* The level of a long bracket ([[, [=[, ...) at p, or -1. */
static int long_bracket(const char *s, size_t len, size_t p) {
  if (p >= len || s[p] != '[')
    return -1;
  size_t q = p + 1;
  while (q < len && s[q] == '=')
    q++;
  return q < len && s[q] == '[' ? (int)(q - p - 1) : -1;
}

/* Skips a long bracket's body from p (just past its opening) to past its
 * closing bracket of that level; returns where the body ends. */
static size_t long_body(const char *s, size_t len, size_t *p, int level,
                        int *line) {
  while (*p < len) {
    if (s[*p] == '\n')
      ++*line;
    if (s[*p] == ']') {
      size_t q = *p + 1;
      while (q < len && s[q] == '=')
        q++;
      if (q < len && s[q] == ']' && (int)(q - *p - 1) == level) {
        size_t end = *p;
        *p = q + 1;
        return end;
      }
    }
    ++*p;
  }
  return len;
}

/* Checks one literal (s[at..end), beginning on `line`) and reports each
 * kind of issue once. */
static int scan_literal(const char *s, size_t at, size_t end, int line,
                        int (*cb)(int, const baton__sql_portable_issue_t *,
                                  void *),
                        void *ud) {
  if (!looks_like_sql(s + at, end - at))
    return 0;
  const char *seen[16];
  size_t nseen = 0, from = 0, counted = 0;
  baton__sql_portable_issue_t is;
  while (next_issue(s + at, end - at, &from, &is)) {
    size_t k = 0;
    while (k < nseen && seen[k] != is.what)
      k++;
    if (k < nseen)
      continue;
    if (nseen < sizeof seen / sizeof *seen)
      seen[nseen++] = is.what;
    for (; counted < is.offset; counted++)
      if (s[at + counted] == '\n')
        line++;
    int r = cb(line, &is, ud);
    if (r != 0)
      return r;
  }
  return 0;
}

int baton__sql_portable_scan_lua(
    const char *s, size_t len,
    int (*cb)(int line, const baton__sql_portable_issue_t *issue, void *ud),
    void *ud) {
  size_t p = 0;
  int line = 1;
  while (p < len) {
    char c = s[p];
    int level;
    if (c == '\n') {
      line++;
      p++;
    } else if (c == '-' && p + 1 < len && s[p + 1] == '-') {
      p += 2;
      if ((level = long_bracket(s, len, p)) >= 0) {
        p += (size_t)level + 2;
        long_body(s, len, &p, level, &line);
      } else {
        while (p < len && s[p] != '\n')
          p++;
      }
    } else if ((level = long_bracket(s, len, p)) >= 0) {
      int first = line;
      p += (size_t)level + 2;
      size_t at = p;
      size_t end = long_body(s, len, &p, level, &line);
      int r = scan_literal(s, at, end, first, cb, ud);
      if (r != 0)
        return r;
    } else if (c == '\'' || c == '"') {
      int first = line;
      size_t at = ++p;
      while (p < len && s[p] != c && s[p] != '\n') {
        if (s[p] == '\\' && p + 1 < len) {
          if (s[p + 1] == '\n')
            line++;
          p++;
        }
        p++;
      }
      int r = scan_literal(s, at, p, first, cb, ud);
      if (r != 0)
        return r;
      if (p < len && s[p] == c)
        p++;
    } else {
      p++;
    }
  }
  return 0;
}

/* A file's scan: its path for the caller's callback. */
typedef struct {
  const char *file;
  int (*cb)(const char *, int, const baton__sql_portable_issue_t *, void *);
  void *ud;
} file_scan_t;

static int file_issue(int line, const baton__sql_portable_issue_t *is,
                      void *ud) {
  file_scan_t *f = ud;
  return f->cb(f->file, line, is, f->ud);
}

/* A folder, and not a link to one: a link to a folder above (`lib -> ..`)
 * would have the scan go round, twice as often with each such link. */
static int real_dir(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int baton__sql_portable_scan_dir(
    const char *dir,
    int (*cb)(const char *file, int line,
              const baton__sql_portable_issue_t *issue, void *ud),
    void *ud) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, alphasort), r = 0;
  if (n < 0)
    return 0;
  for (int i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    size_t l = strlen(name);
    char *path =
        r == 0 && name[0] != '.' ? baton__asprintf("%s/%s", dir, name) : NULL;
    if (path != NULL && strcmp(name, "tests") != 0 && real_dir(path)) {
      r = baton__sql_portable_scan_dir(path, cb, ud);
    } else if (path != NULL && l > 4 && strcmp(name + l - 4, ".lua") == 0) {
      char *src = NULL, *err = NULL;
      size_t len;
      if (baton__file_read(path, &src, &len, &err) == 0) {
        file_scan_t f = {path, cb, ud};
        r = baton__sql_portable_scan_lua(src, len, file_issue, &f);
      }
      free(src);
      free(err);
    }
    free(path);
    free(names[i]);
  }
  free(names);
  return r;
}
