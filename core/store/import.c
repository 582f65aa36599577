/* core/store/import.c: people and groups from CSV or JSON, all or nothing.
 *
 * An import runs in four steps: read the file into records (CSV rows and
 * JSON objects become the same "row of cells under a header", so one
 * validator serves both), check every record and collect every error up to
 * a limit, compare with the database, and only if nothing was wrong write
 * the differences in one transaction. A rejected import writes nothing; a
 * kill during the write leaves the old roster, because SQLite commits the
 * transaction atomically. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_int.h"

#define DEFAULT_MAX_ERRORS 50
#define DEFAULT_MAX_CHANGES 200
#define HEADER_SHOWN 30 /* column names an error lists at most */

/* ---- ids to indexes: an open-addressing hash ----------------------------- */

#define NONE SIZE_MAX

typedef struct {
  const char **keys;
  size_t *vals;
  size_t cap; /* a power of two, at least twice the entries */
  size_t n;
  int nocase; /* keys compare ignoring ASCII case (column names) */
} idmap_t;

static uint64_t hash_str(const char *s, int nocase) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (nocase && c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

static int key_eq(const idmap_t *m, const char *a, const char *b) {
  return (m->nocase ? strcasecmp(a, b) : strcmp(a, b)) == 0;
}

static int idmap_init(idmap_t *m, size_t n) {
  size_t cap = 16;
  while (cap < n * 2)
    cap *= 2;
  m->keys = calloc(cap, sizeof *m->keys);
  m->vals = malloc(cap * sizeof *m->vals);
  m->cap = cap;
  m->n = 0;
  m->nocase = 0;
  return m->keys && m->vals ? 0 : BATON_ENOMEM;
}

static void idmap_free(idmap_t *m) {
  free(m->keys);
  free(m->vals);
}

/* The value for key, or NONE. */
static size_t idmap_get(const idmap_t *m, const char *key) {
  for (size_t i = hash_str(key, m->nocase) & (m->cap - 1);;
       i = (i + 1) & (m->cap - 1)) {
    if (m->keys[i] == NULL)
      return NONE;
    if (key_eq(m, m->keys[i], key))
      return m->vals[i];
  }
}

/* Inserts key unless present; returns the value already there, or NONE
 * when inserted. The map never fills: it is sized for all keys first. */
static size_t idmap_put(idmap_t *m, const char *key, size_t val) {
  size_t i = hash_str(key, m->nocase) & (m->cap - 1);
  for (; m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
    if (key_eq(m, m->keys[i], key))
      return m->vals[i];
  m->keys[i] = key;
  m->vals[i] = val;
  m->n++;
  return NONE;
}

/* ---- the import context -------------------------------------------------- */

/* What a column of the file holds. */
enum {
  COL_ATTR = -1,    /* a free attribute */
  COL_ACTIVE = -2,  /* yes / no */
  COL_UNNAMED = -3, /* an empty header cell: its cells must be empty */
  COL_JOINED = -4   /* a source of a --map "A+B=field": read through it */
};

/* A field built from several columns by --map "Forename+Surname=name". */
typedef struct {
  int field;
  size_t src[8]; /* column indexes, joined with a space */
  size_t nsrc;
} joined_t;

/* A rule of a --roles file: a job title pattern (`*` for any text) and
 * the role it becomes. */
typedef struct {
  char *pattern, *role;
} role_rule_t;

/* A start_date that did not read, kept until the whole column is seen:
 * when every date fails the same way, one error says why. */
typedef struct {
  size_t line;
  const char *value;
} bad_date_t;

typedef struct {
  char *name; /* as in the file (after --map) */
  int field;  /* a field index or COL_* */
} column_t;

typedef struct {
  char **v; /* nfields values; NULL when empty */
  int active;
  size_t line; /* CSV line, or index in the JSON array */
  int bad;     /* rejected by a check of the whole file */
} record_t;

typedef struct imp_s imp_t;

/* Every string of an import lives in one arena of large chunks, freed at
 * once: a roster of 100,000 people would otherwise cost millions of small
 * allocations. */
typedef struct chunk_s {
  struct chunk_s *next;
  size_t used, cap;
  char data[];
} chunk_t;

#define CHUNK_SIZE (1u << 20)

/* What is imported: people or memberships. */
typedef struct {
  const char *what; /* "person", "membership" */
  const char *const *fields;
  size_t nfields;
  const char *const *required;
  size_t nrequired;
  int has_active;  /* an `active` column is understood */
  int attrs_field; /* where other columns go as JSON, or -1 */
  int key_field;   /* what identifies a record */
  int name_field;  /* a required field a file may lack to update, or -1 */
  /* Checks one record's values (errors via imp_error); returns non-zero
   * if the record is rejected. */
  int (*check)(imp_t *im, record_t *r, const int *colof);
} kind_t;

struct imp_s {
  baton_store_t *s;
  const baton_import_options_t *o; /* &opts */
  baton_import_options_t opts;
  const kind_t *k;
  const char *file;
  int json;
  baton_msgs_t errs, changes;
  column_t *cols;
  size_t ncols;
  int colof[16]; /* field -> column index, or -1 */
  int header_done, header_bad;
  record_t *recs;
  size_t nrecs, cap;
  size_t rows, rejected;
  int status; /* ENOMEM */
  chunk_t *arena;
  size_t *attr_order; /* attribute columns sorted by name */
  size_t nattr;
  baton_buf_t scratch;
  char delim;        /* the CSV separator in use */
  int decimal_comma; /* attribute cells "0,8" read as "0.8" */
  joined_t joined[4];
  size_t njoined;
  role_rule_t *roles;
  size_t nroles;
  bad_date_t *bad_dates;
  size_t nbad_dates, nbad_cap, ndates;
  size_t commas[16];     /* per list field: cells holding a comma */
  record_t comma_at[16]; /* where the first of them is */
  const char *comma_eg[16];
};

/* n bytes of zeroed, pointer-aligned memory that lives as long as the
 * import; NULL (and im->status set) on allocation failure. */
static void *arena_alloc(imp_t *im, size_t n) {
  n = (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
  chunk_t *c = im->arena;
  if (c == NULL || c->cap - c->used < n) {
    size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
    c = malloc(sizeof *c + cap);
    if (c == NULL) {
      im->status = BATON_ENOMEM;
      return NULL;
    }
    c->next = im->arena;
    c->used = 0;
    c->cap = cap;
    im->arena = c;
  }
  void *p = c->data + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

/* A NUL-terminated copy of s[0..n) in the arena, or NULL. */
static char *arena_copy(imp_t *im, const char *s, size_t n) {
  char *d = arena_alloc(im, n + 1);
  if (d != NULL)
    memcpy(d, s, n);
  return d;
}

static int imp_error(imp_t *im, const record_t *r, int col, const char *fmt,
                     ...) BATON_PRINTF(4, 5);

/* Counts a kept record as rejected by a whole-file check, once. */
static void reject(imp_t *im, record_t *r) {
  if (!r->bad) {
    r->bad = 1;
    im->rejected++;
  }
}

/* Adds "FILE:LINE:COL: message" (CSV) or "FILE: $[i].key: message" (JSON)
 * to the errors. col < 0 names the row only. Returns 1, so a checker can
 * `return imp_error(...)`. */
static int imp_error(imp_t *im, const record_t *r, int col, const char *fmt,
                     ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = baton__vasprintf(fmt, ap);
  va_end(ap);
  if (msg == NULL) {
    im->status = BATON_ENOMEM;
    return 1;
  }
  int e;
  size_t line = r ? r->line : 1;
  if (im->json && r == NULL)
    e = baton__msgs_add(&im->errs, "%s: %s", im->file, msg);
  else if (im->json && col >= 0)
    e = baton__msgs_add(&im->errs, "%s: $[%zu].%s: %s", im->file, line,
                        im->cols[col].name, msg);
  else if (im->json)
    e = baton__msgs_add(&im->errs, "%s: $[%zu]: %s", im->file, line, msg);
  else if (col >= 0)
    e = baton__msgs_add(&im->errs, "%s:%zu:%d: %s", im->file, line, col + 1,
                        msg);
  else
    e = baton__msgs_add(&im->errs, "%s:%zu: %s", im->file, line, msg);
  free(msg);
  if (e != 0)
    im->status = e;
  return 1;
}

static int imp_change(imp_t *im, const char *fmt, ...) BATON_PRINTF(2, 3);
static int imp_change(imp_t *im, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int e = baton__msgs_vadd(&im->changes, fmt, ap);
  va_end(ap);
  if (e != 0)
    im->status = e;
  return e;
}

static void imp_free(imp_t *im) {
  for (size_t i = 0; i < im->nroles; i++) {
    free(im->roles[i].pattern);
    free(im->roles[i].role);
  }
  free(im->roles);
  free(im->bad_dates);
  free(im->recs);
  free(im->cols);
  free(im->attr_order);
  baton__buf_free(&im->scratch);
  while (im->arena != NULL) {
    chunk_t *next = im->arena->next;
    free(im->arena);
    im->arena = next;
  }
  baton__msgs_free(&im->errs);
  baton__msgs_free(&im->changes);
}

/* ---- values -------------------------------------------------------------- */

/* Narrows s[0..*n) to exclude surrounding blanks. */
static const char *trim(const char *s, size_t *n) {
  while (*n > 0 && (*s == ' ' || *s == '\t'))
    s++, (*n)--;
  while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
    (*n)--;
  return s;
}

/* An arena copy of s without surrounding blanks, or NULL if nothing is
 * left (or on allocation failure, with im->status set). */
static char *trimmed(imp_t *im, const char *s, size_t n) {
  s = trim(s, &n);
  return n == 0 ? NULL : arena_copy(im, s, n);
}

/* "Maths ; Science;;" -> "Maths;Science": items trimmed, empties dropped;
 * the characters of --list-sep separate items too. NULL when no item is
 * left. */
static char *normal_list(imp_t *im, const char *s) {
  size_t len = strlen(s), out = 0;
  char *d = arena_alloc(im, len + 1);
  if (d == NULL)
    return NULL;
  char seps[16] = ";";
  if (im->o->list_sep)
    snprintf(seps + 1, sizeof seps - 1, "%s", im->o->list_sep);
  while (*s) {
    size_t at = strcspn(s, seps);
    const char *e = s[at] ? s + at : NULL;
    size_t n = e ? (size_t)(e - s) : strlen(s);
    size_t m = n;
    const char *item = trim(s, &m);
    if (m > 0) {
      if (out > 0)
        d[out++] = ';';
      memcpy(d + out, item, m);
      out += m;
    }
    s += n + (e != NULL);
  }
  d[out] = '\0';
  return out ? d : NULL;
}

/* Appends s as a JSON string, escaped as jansson escapes it. */
static int json_quote(baton_buf_t *b, const char *s, size_t n) {
  int err = baton__buf_append(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n && err == 0; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    char u[8];
    if (c == '"')
      esc = "\\\"";
    else if (c == '\\')
      esc = "\\\\";
    else if (c == '\n')
      esc = "\\n";
    else if (c == '\r')
      esc = "\\r";
    else if (c == '\t')
      esc = "\\t";
    else if (c == '\b')
      esc = "\\b";
    else if (c == '\f')
      esc = "\\f";
    else if (c < 0x20)
      snprintf(u, sizeof u, "\\u%04X", c), esc = u;
    if (esc == NULL) {
      run++;
      continue;
    }
    err = baton__buf_append(b, s + i - run, run);
    if (err == 0)
      err = baton__buf_append(b, esc, strlen(esc));
    run = 0;
  }
  if (err == 0)
    err = baton__buf_append(b, s + n - run, run);
  if (err == 0)
    err = baton__buf_append(b, "\"", 1);
  return err;
}

static const imp_t *sort_ctx;

static int by_string(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_column_name(const void *a, const void *b) {
  return strcmp(sort_ctx->cols[*(const size_t *)a].name,
                sort_ctx->cols[*(const size_t *)b].name);
}

/* The attributes of a row as compact JSON with sorted keys (the form the
 * store compares), in the arena. raw[i] marks values already JSON. */
static char *attrs_json(imp_t *im, char **cells, const size_t *lens, size_t n,
                        const unsigned char *raw) {
  baton_buf_t *b = &im->scratch;
  b->len = 0;
  int err = baton__buf_append(b, "{", 1);
  int any = 0;
  for (size_t k = 0; k < im->nattr && err == 0; k++) {
    size_t i = im->attr_order[k];
    if (i >= n || lens[i] == 0)
      continue;
    const char *name = im->cols[i].name;
    if ((any && (err = baton__buf_append(b, ",", 1)) != 0) ||
        (err = json_quote(b, name, strlen(name))) != 0 ||
        (err = baton__buf_append(b, ":", 1)) != 0)
      break;
    err = raw && raw[i] ? baton__buf_append(b, cells[i], lens[i])
                        : json_quote(b, cells[i], lens[i]);
    any = 1;
  }
  if (err == 0)
    err = baton__buf_append(b, "}", 1);
  if (err != 0) {
    im->status = err;
    return NULL;
  }
  return any ? arena_copy(im, b->data, b->len) : NULL;
}

static int parse_bool(const char *s, int *out) {
  static const char *const yes[] = {"1", "yes", "y", "true", "active"};
  static const char *const no[] = {"0", "no", "n", "false", "inactive"};
  for (size_t i = 0; i < 5; i++) {
    if (strcasecmp(s, yes[i]) == 0)
      return *out = 1, 0;
    if (strcasecmp(s, no[i]) == 0)
      return *out = 0, 0;
  }
  return BATON_EINVAL;
}

/* The `;`-separated list fields: subjects, grades, languages. */
static int is_list_field(const imp_t *im, int f) {
  const char *n = im->k->fields[f];
  return strcmp(n, "subjects") == 0 || strcmp(n, "grades") == 0 ||
         strcmp(n, "languages") == 0;
}

/* ---- the header ---------------------------------------------------------- */

/* The target of a source column under --map ("Staff ID=id,..."), in *out
 * (malloc'd) or NULL. Fails with BATON_EUSAGE on a malformed map. */
static int map_lookup(const char *map, const char *col, char **out) {
  *out = NULL;
  for (const char *p = map; p && *p;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    const char *eq = memchr(p, '=', n);
    size_t fn = eq ? (size_t)(eq - p) : 0, tn = eq ? n - fn - 1 : 0;
    /* Spaces around the names are allowed: "Staff ID = id". */
    const char *from = eq ? trim(p, &fn) : p, *to = eq ? trim(eq + 1, &tn) : p;
    if (eq == NULL || fn == 0 || tn == 0) {
      /* A match found before the malformed pair is not returned. */
      free(*out);
      *out = NULL;
      return BATON_EUSAGE;
    }
    if (*out == NULL && strlen(col) == fn && strncasecmp(from, col, fn) == 0 &&
        (*out = baton__strndup(to, tn)) == NULL)
      return BATON_ENOMEM;
    p += n + (comma != NULL);
  }
  return 0;
}

/* Checks every source column named in --map exists in the header. */
static void check_map_sources(imp_t *im, char *const *names, size_t n) {
  const char *p = im->o->map;
  while (p && *p) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    char *from = eq ? trimmed(im, p, (size_t)(eq - p)) : NULL;
    if (from && strchr(from, '+')) /* joined columns: read_joined checks */
      from = NULL;
    int found = 0;
    for (size_t i = 0; from && i < n; i++)
      found |= names[i] && strcasecmp(names[i], from) == 0;
    if (from && !found) {
      imp_error(im, NULL, -1,
                "--map names column '%s' but the file has no such column; "
                "check the spelling against the file's header",
                from);
      im->header_bad = 1;
    }
    p += len + (comma != NULL);
  }
}

/* Whether a header cell names a field: in any case, with a space or a
 * hyphen for the underscore ("Start Date" is start_date). */
static int field_name_eq(const char *cell, const char *field) {
  for (; *cell && *field; cell++, field++) {
    char c = *cell == ' ' || *cell == '-' ? '_' : *cell;
    if (tolower((unsigned char)c) != *field)
      return 0;
  }
  return *cell == '\0' && *field == '\0';
}

/* The column named name (trimmed, any case), or NONE. */
static size_t column_named(char *const *names, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++) {
    size_t len = names[i] ? strlen(names[i]) : 0;
    const char *t = names[i] ? trim(names[i], &len) : "";
    if (len == strlen(name) && strncasecmp(t, name, len) == 0)
      return i;
  }
  return NONE;
}

/* Sets up the fields --map builds from several columns ("Forename+Surname
 * =name"): the sources are read through (not kept as attributes) and the
 * field's errors point at the first of them. */
static void read_joined(imp_t *im, char *const *names, size_t n) {
  record_t hdr = {NULL, 1, 1, 0};
  for (const char *p = im->o->map; p && *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    char *from = eq ? trimmed(im, p, (size_t)(eq - p)) : NULL;
    char *to = eq ? trimmed(im, eq + 1, len - (size_t)(eq - p) - 1) : NULL;
    p += len + (comma != NULL);
    if (from == NULL || to == NULL || strchr(from, '+') == NULL)
      continue;
    int field = -1;
    for (size_t f = 0; f < im->k->nfields; f++)
      if (strcasecmp(to, im->k->fields[f]) == 0 && (int)f != im->k->attrs_field)
        field = (int)f;
    if (field < 0 || im->njoined == 4) {
      imp_error(im, im->json ? NULL : &hdr, -1,
                field < 0 ? "--map \"%s=%s\": '%s' is not a field baton "
                            "knows, and only a field (such as name) can be "
                            "built from several columns"
                          : "--map \"%s=%s\": at most 4 fields may be built "
                            "from several columns",
                from, to, to);
      im->header_bad = 1;
      continue;
    }
    joined_t *j = &im->joined[im->njoined++];
    j->field = field;
    j->nsrc = 0;
    for (char *part = from; part && *part;) {
      char *plus = strchr(part, '+');
      size_t pl = plus ? (size_t)(plus - part) : strlen(part);
      char *name = trimmed(im, part, pl);
      part = plus ? plus + 1 : NULL;
      size_t c = name ? column_named(names, n, name) : NONE;
      if (c == NONE || j->nsrc == 8) {
        imp_error(im, im->json ? NULL : &hdr, -1,
                  c == NONE ? "--map names column '%s' (in \"%s=%s\") but "
                              "the file has no such column; check the "
                              "spelling against the file's header"
                            : "--map \"%.0s%s=%s\": at most 8 columns can "
                              "be joined",
                  name ? name : "", from, to);
        im->header_bad = 1;
        break;
      }
      j->src[j->nsrc++] = c;
      if (im->cols[c].field >= 0 && im->colof[im->cols[c].field] == (int)c)
        im->colof[im->cols[c].field] = -1;
      if (im->cols[c].field == COL_ATTR)
        im->nattr--;
      im->cols[c].field = COL_JOINED;
    }
    if (j->nsrc > 0)
      im->colof[field] = (int)j->src[0];
  }
}

/* Says so when the header looks split at the wrong character: a header
 * cell holding ';', ',' or a tab that is not the separator in use. Returns
 * 1 after adding the error. */
static int header_misread(imp_t *im, char *const *names, size_t n) {
  static const char seps[] = {',', ';', '\t'};
  record_t hdr = {NULL, 1, 1, 0};
  for (size_t i = 0; i < n && !im->json; i++)
    for (size_t k = 0; k < 3; k++) {
      if (seps[k] == im->delim || names[i] == NULL ||
          strchr(names[i], seps[k]) == NULL)
        continue;
      const char *say = seps[k] == '\t'  ? "tab"
                        : seps[k] == ',' ? "','"
                                         : "';'";
      const char *opt = seps[k] == '\t' ? "tab" : seps[k] == ',' ? "," : ";";
      imp_error(im, &hdr, (int)i,
                "the header looks split at the wrong character: column %zu "
                "is '%s', which holds %s; the file is probably "
                "%s-separated but was read as %s-separated: import it "
                "with --delimiter '%s'",
                i + 1, names[i], say, say,
                im->delim == '\t'  ? "tab"
                : im->delim == ';' ? "';'"
                                   : "','",
                opt);
      im->header_bad = 1;
      return 1;
    }
  return 0;
}

/* read_header's work, with `seen` to find repeated names in. */
static int read_columns(imp_t *im, char *const *names, size_t n,
                        idmap_t *seen) {
  im->ncols = n;
  for (size_t f = 0; f < 16; f++)
    im->colof[f] = -1;
  record_t hdr = {NULL, 1, 1, 0};
  for (size_t i = 0; i < n; i++) {
    char *name =
        trimmed(im, names[i] ? names[i] : "", names[i] ? strlen(names[i]) : 0);
    char *mapped = NULL;
    int e = map_lookup(im->o->map, name ? name : "", &mapped);
    if (e != 0) {
      return e == BATON_EUSAGE
                 ? baton__store_fail(
                       im->s, BATON_EUSAGE,
                       "--map '%s' is not a list of SOURCE=TARGET pairs; "
                       "write it like --map \"Staff ID=id,Full Name=name\"",
                       im->o->map)
                 : e;
    }
    int renamed = mapped != NULL;
    if (mapped) {
      name = arena_copy(im, mapped, strlen(mapped));
      free(mapped);
    }
    im->cols[i].name = name ? name : arena_copy(im, "", 0);
    if (im->cols[i].name == NULL)
      return BATON_ENOMEM;
    if (name == NULL) {
      im->cols[i].field = COL_UNNAMED;
      continue;
    }
    im->cols[i].field = COL_ATTR;
    for (size_t f = 0; f < im->k->nfields; f++)
      if (field_name_eq(name, im->k->fields[f]))
        im->cols[i].field = (int)f;
    if (im->k->has_active && strcasecmp(name, "active") == 0)
      im->cols[i].field = COL_ACTIVE;
    /* Attribute names are kept in lower case, so an `FTE` column is the
     * `fte` every plugin and `--where` reads. */
    if (im->cols[i].field == COL_ATTR)
      for (char *c = name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
          *c = (char)(*c - 'A' + 'a');
    size_t j = idmap_put(seen, name, i);
    if (j != NONE) {
      imp_error(im, im->json ? NULL : &hdr, im->json ? -1 : (int)i,
                "column '%s' appears twice in the header (also column "
                "%zu); rename or delete one of them",
                names[i] && !renamed ? names[i] : name, j + 1);
      im->header_bad = 1;
    }
    if (im->cols[i].field >= 0)
      im->colof[im->cols[i].field] = (int)i;
    if (im->cols[i].field == COL_ATTR)
      im->nattr++;
  }
  read_joined(im, names, n);
  im->attr_order = malloc((im->nattr + 1) * sizeof *im->attr_order);
  if (im->attr_order == NULL)
    return BATON_ENOMEM;
  for (size_t i = 0, k = 0; i < n; i++)
    if (im->cols[i].field == COL_ATTR)
      im->attr_order[k++] = i;
  sort_ctx = im;
  qsort(im->attr_order, im->nattr, sizeof *im->attr_order, by_column_name);
  check_map_sources(im, names, n);
  for (size_t i = 0; i < im->k->nrequired; i++) {
    const char *req = im->k->required[i];
    int f = -1;
    for (size_t j = 0; j < im->k->nfields; j++)
      if (strcmp(im->k->fields[j], req) == 0)
        f = (int)j;
    if (f >= 0 && im->colof[f] >= 0)
      continue;
    if (header_misread(im, names, n))
      break;
    const char **cands = malloc((n ? n : 1) * sizeof *cands);
    if (cands == NULL)
      return BATON_ENOMEM;
    baton_buf_t have = {0};
    for (size_t j = 0; j < n; j++) {
      cands[j] = im->cols[j].name;
      if (j < HEADER_SHOWN)
        baton__buf_printf(&have, "%s%s", j ? ", " : "",
                          names[j] ? names[j] : "");
    }
    if (n > HEADER_SHOWN)
      baton__buf_printf(&have, " and %zu more", n - HEADER_SHOWN);
    const char *near = baton__suggest(req, cands, n);
    char *msg = baton__asprintf(
        "the required column '%s' is missing (the header has: %s); "
        "%s%s%sadd it, or name the school's column with --map "
        "\"Their Name=%s\"",
        req, have.data ? have.data : "nothing", near ? "did you mean '" : "",
        near ? near : "", near ? "'? " : "", req);
    baton__buf_free(&have);
    free(cands);
    if (msg == NULL)
      return BATON_ENOMEM;
    /* --update changes people already in baton, whose names it has
     * (`id,mentor_capacity`). */
    if (f == im->k->name_field && im->o->update)
      ; /* update_only checks every id is known */
    else if (f == im->k->name_field)
      imp_error(im, im->json ? NULL : &hdr, -1,
                "%s; or, to change only some columns of people already in "
                "baton, import with --update",
                msg);
    else
      imp_error(im, im->json ? NULL : &hdr, -1, "%s", msg);
    im->header_bad |= !(f == im->k->name_field && im->o->update);
    free(msg);
  }
  im->header_done = 1;
  return im->status;
}

/* Sets up the columns from the header names (CSV's first row, or the keys
 * of the JSON objects). Errors name line 1 (or the file, for JSON). */
static int read_header(imp_t *im, char *const *names, size_t n) {
  im->cols = calloc(n ? n : 1, sizeof *im->cols);
  if (im->cols == NULL)
    return BATON_ENOMEM;
  /* Names seen so far, for the duplicate check: hashed, because a header
   * may be as wide as BATON_CSV_MAX_COLUMNS and comparing every pair of a
   * wide header took seconds. */
  idmap_t seen;
  if (idmap_init(&seen, n) != 0) {
    idmap_free(&seen);
    return BATON_ENOMEM;
  }
  seen.nocase = 1;
  int err = read_columns(im, names, n, &seen);
  idmap_free(&seen);
  return err;
}

/* ---- rows ---------------------------------------------------------------- */

/* "0,8" -> "0.8" in place: a number written with a decimal comma, as a
 * European spreadsheet saves it. Anything else is left alone. */
static void decimal_point(char *s) {
  char *p = s + (*s == '-' || *s == '+');
  char *comma = NULL;
  if (!(*p >= '0' && *p <= '9'))
    return;
  for (; *p; p++) {
    if (*p == ',' && comma == NULL && p[1] >= '0' && p[1] <= '9')
      comma = p;
    else if (!(*p >= '0' && *p <= '9'))
      return;
  }
  if (comma)
    *comma = '.';
}

/* The value of a field --map builds from several columns: their trimmed
 * texts joined by one space, or NULL when all are empty. */
static char *joined_value(imp_t *im, const joined_t *j, char **cells,
                          size_t n) {
  baton_buf_t *b = &im->scratch;
  b->len = 0;
  for (size_t k = 0; k < j->nsrc; k++) {
    if (j->src[k] >= n)
      continue;
    size_t len = strlen(cells[j->src[k]]);
    const char *t = trim(cells[j->src[k]], &len);
    if (len == 0)
      continue;
    if ((b->len && baton__buf_append(b, " ", 1) != 0) ||
        baton__buf_append(b, t, len) != 0) {
      im->status = BATON_ENOMEM;
      return NULL;
    }
  }
  return b->len ? arena_copy(im, b->data, b->len) : NULL;
}

/* Turns one row of cells into a record, checks it, and keeps it.
 * raw[i] marks JSON attribute values already in JSON text (NULL for CSV). */
static int take_row(imp_t *im, char **cells, size_t *lens, size_t n,
                    size_t line, const unsigned char *raw, int invalid) {
  size_t nf = im->k->nfields;
  int empty = 1;
  for (size_t i = 0; i < n && empty; i++)
    empty = lens[i] == 0;
  if (empty) /* a blank spreadsheet row: not data */
    return 0;
  im->rows++;
  record_t r = {arena_alloc(im, nf * sizeof(char *)), 1, line, 0};
  if (r.v == NULL)
    return BATON_ENOMEM;
  int bad = invalid;
  if (n > im->ncols) {
    bad = imp_error(im, &r, (int)im->ncols,
                    "this row has %zu cells but the header has %zu; a cell "
                    "that contains a comma must be in double quotes "
                    "(\"Smith, Jo\")",
                    n, im->ncols);
    n = im->ncols;
  }
  for (size_t i = 0; i < n && !invalid; i++) {
    if (!im->json)
      lens[i] = baton__csv_unneutralise(cells[i], lens[i]);
    int f = im->cols[i].field;
    if (f >= 0 && is_list_field(im, f) && im->o->list_sep == NULL &&
        strchr(cells[i], ',') != NULL) {
      /* "English, Irish" is two languages, not one: never stored as one
       * silently. One error for the column, after the last row. */
      if (im->commas[f]++ == 0) {
        im->comma_at[f] = r;
        im->comma_eg[f] = trimmed(im, cells[i], lens[i]);
      }
      bad = 1;
    } else if (f >= 0) {
      r.v[f] = is_list_field(im, f) ? normal_list(im, cells[i])
                                    : trimmed(im, cells[i], lens[i]);
    } else if (f == COL_ATTR && im->decimal_comma && !(raw && raw[i])) {
      decimal_point(cells[i]);
    } else if (f == COL_ACTIVE) {
      char *v = trimmed(im, cells[i], lens[i]);
      if (v && parse_bool(v, &r.active) != 0)
        bad = imp_error(im, &r, (int)i,
                        "active is '%s'; write yes or no (or leave it empty "
                        "for yes)",
                        v);
    } else if (f == COL_UNNAMED && lens[i] > 0) {
      bad = imp_error(im, &r, (int)i,
                      "this cell has a value but its column has no name in "
                      "the header; name the column or move the value");
    }
  }
  for (size_t j = 0; j < im->njoined && !invalid; j++)
    r.v[im->joined[j].field] = joined_value(im, &im->joined[j], cells, n);
  int af = im->k->attrs_field;
  if (af >= 0 && im->nattr > 0 && !invalid)
    r.v[af] = attrs_json(im, cells, lens, n, raw);
  if (!invalid)
    bad |= im->k->check(im, &r, im->colof);
  if (im->status != 0)
    return im->status;
  if (bad) {
    im->rejected++;
    /* A rejected person is still someone: kept (marked bad, never
     * written) so that the people they manage do not also fail with
     * "names nobody". */
    if (im->k->name_field < 0 || r.v[im->k->key_field] == NULL)
      return 0;
    r.bad = 1;
  }
  if (BATON_GROW(im->recs, im->nrecs, im->cap, 256) != 0)
    return BATON_ENOMEM;
  im->recs[im->nrecs++] = r;
  return 0;
}

static int on_csv_row(void *ud, const baton_csv_row_t *row) {
  imp_t *im = ud;
  if (!im->header_done) {
    if (row->invalid) {
      im->header_bad = 1;
      im->header_done = 1;
      return 0;
    }
    return read_header(im, row->cells, row->ncells);
  }
  if (im->header_bad) { /* the rows cannot be read without a header */
    im->rows++;
    im->rejected++;
    return 0;
  }
  return take_row(im, row->cells, row->lens, row->ncells, row->line, NULL,
                  row->invalid);
}

/* ---- JSON ---------------------------------------------------------------- */

/* Reads a JSON array of objects (or {"people": [...]}/{"memberships": ...})
 * into rows: the header is the union of keys in order of first appearance,
 * lists may be arrays, and attribute values keep their JSON type. */
static int read_json(imp_t *im, const char *data, size_t len,
                     const char *wrapper) {
  json_error_t je;
  json_t *root = json_loadb(data, len, 0, &je);
  if (root == NULL) {
    record_t at = {NULL, 1, (size_t)(je.line > 0 ? je.line : 1), 0};
    int was = im->json;
    im->json = 0; /* a syntax error has a line and column */
    if (strstr(je.text, "\\u0000") != NULL) /* jansson names its flag */
      imp_error(im, &at, je.column > 0 ? je.column - 1 : -1,
                "a string holds \\u0000 (a NUL character), which no name, "
                "id or attribute may hold; remove it");
    else
      imp_error(im, &at, je.column > 0 ? je.column - 1 : -1,
                "%s; fix the JSON syntax (a validator such as `jq . FILE` "
                "shows the spot)",
                je.text);
    im->json = was;
    return BATON_EPARSE;
  }
  json_t *arr = root;
  if (json_is_object(root) && json_object_get(root, wrapper))
    arr = json_object_get(root, wrapper);
  if (!json_is_array(arr)) {
    imp_error(im, NULL, -1,
              "expected an array of objects (or {\"%s\": [...]}); put the "
              "records in [ ... ]",
              wrapper);
    json_decref(root);
    return BATON_EPARSE;
  }
  if (json_array_size(arr) > BATON_CSV_MAX_ROWS) {
    imp_error(im, NULL, -1,
              "the file has %zu records, more than the %d one file may "
              "have; split it into files of fewer records and import each "
              "(without --full, which would deactivate the people of the "
              "other files)",
              json_array_size(arr), BATON_CSV_MAX_ROWS);
    json_decref(root);
    return BATON_EPARSE;
  }
  /* The header: every key of every object, found by hash (a file has
   * millions of keys; comparing each with every key so far was
   * quadratic). */
  size_t nk = 0;
  char **keys = malloc(BATON_CSV_MAX_COLUMNS * sizeof *keys);
  idmap_t seen;
  int err = keys ? idmap_init(&seen, BATON_CSV_MAX_COLUMNS) : BATON_ENOMEM;
  size_t i;
  json_t *o;
  json_array_foreach(arr, i, o) {
    const char *k;
    json_t *v;
    if (!json_is_object(o) || err != 0)
      continue;
    json_object_foreach(o, k, v) {
      if (idmap_get(&seen, k) != NONE)
        continue;
      if (nk == BATON_CSV_MAX_COLUMNS || strlen(k) > BATON_CSV_MAX_CELL) {
        record_t at = {NULL, 1, i, 0};
        imp_error(im, &at, -1,
                  nk == BATON_CSV_MAX_COLUMNS
                      ? "the records have more than %d different keys, the "
                        "most a file may have; a staff list has a few dozen "
                        "fields: check that this is the right file"
                      : "a key is longer than %d KiB; keys name fields such "
                        "as \"id\" and \"name\": check that this is the "
                        "right file",
                  nk == BATON_CSV_MAX_COLUMNS ? BATON_CSV_MAX_COLUMNS
                                              : BATON_CSV_MAX_CELL / 1024);
        err = BATON_EPARSE;
        break;
      }
      idmap_put(&seen, k, nk);
      keys[nk++] = (char *)k;
    }
  }
  if (keys != NULL)
    idmap_free(&seen);
  if (err != 0 || (err = read_header(im, keys, nk)) != 0 || im->header_bad)
    goto done;
  char **cells = calloc(nk ? nk : 1, sizeof *cells);
  size_t *lens = calloc(nk ? nk : 1, sizeof *lens);
  unsigned char *raw = calloc(nk ? nk : 1, 1);
  if (cells == NULL || lens == NULL || raw == NULL) {
    err = BATON_ENOMEM;
    goto free_row;
  }
  json_array_foreach(arr, i, o) {
    record_t at = {NULL, 1, i, 0};
    if (!json_is_object(o)) {
      imp_error(im, &at, -1, "expected an object {\"id\": ..., \"name\": ...}");
      im->rows++;
      im->rejected++;
      continue;
    }
    int bad = 0;
    for (size_t j = 0; j < nk; j++) {
      json_t *v = json_object_get(o, keys[j]);
      int f = im->cols[j].field;
      free(cells[j]);
      cells[j] = NULL;
      raw[j] = 0;
      if (v == NULL || json_is_null(v)) {
        cells[j] = baton__strdup("");
      } else if (json_is_string(v)) {
        cells[j] = baton__strdup(json_string_value(v));
      } else if (f == COL_ATTR) {
        cells[j] = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
                                     JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
        raw[j] = 1;
      } else if (json_is_integer(v) && f >= 0) {
        cells[j] =
            baton__asprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
      } else if (json_is_boolean(v) && f == COL_ACTIVE) {
        cells[j] = baton__strdup(json_is_true(v) ? "yes" : "no");
      } else if (json_is_array(v) && f >= 0 && is_list_field(im, f)) {
        baton_buf_t b = {0};
        size_t a;
        json_t *item;
        json_array_foreach(v, a, item) {
          if (!json_is_string(item) || strchr(json_string_value(item), ';')) {
            bad = imp_error(im, &at, (int)j,
                            "item %zu must be a string without ';'", a);
            continue;
          }
          baton__buf_printf(&b, "%s%s", b.len ? ";" : "",
                            json_string_value(item));
        }
        cells[j] = b.data ? b.data : baton__strdup("");
      } else {
        bad = imp_error(im, &at, (int)j, "must be a string");
        cells[j] = baton__strdup("");
      }
      if (cells[j] == NULL) {
        err = BATON_ENOMEM;
        goto free_row;
      }
      lens[j] = strlen(cells[j]);
      if (lens[j] > BATON_CSV_MAX_CELL) {
        bad = imp_error(im, &at, (int)j,
                        "the value is %zu bytes, more than the %d KiB one "
                        "value may hold; a staff list's values are names, "
                        "ids and short notes: shorten or remove it",
                        lens[j], BATON_CSV_MAX_CELL / 1024);
        lens[j] = 0;
        cells[j][0] = '\0';
      }
    }
    if (bad) {
      im->rows++;
      im->rejected++;
      continue;
    }
    if ((err = take_row(im, cells, lens, nk, i, raw, 0)) != 0)
      goto free_row;
  }
free_row:
  for (size_t j = 0; cells && j < nk; j++)
    free(cells[j]);
  free(cells);
  free(lens);
  free(raw);
done:
  free(keys);
  json_decref(root);
  return err;
}

/* ---- reading a file ------------------------------------------------------ */

baton_format_t baton__format_of(const char *path, baton_format_t f) {
  if (f != BATON_FORMAT_AUTO)
    return f;
  size_t n = strlen(path);
  return n >= 5 && strcasecmp(path + n - 5, ".json") == 0 ? BATON_FORMAT_JSON
                                                          : BATON_FORMAT_CSV;
}

/* Reads and checks the whole file into im->recs. Returns 0 (possibly with
 * errors collected), or an error that stops the import. */
static int read_source(imp_t *im, const char *path, const char *wrapper) {
  char *data, *msg = NULL;
  size_t len;
  int err = baton__file_read(path, &data, &len, &msg);
  if (err != 0) {
    baton__store_fail(im->s, err, "%s; check the path", msg ? msg : path);
    free(msg);
    return err;
  }
  im->json = baton__format_of(path, im->o->format) == BATON_FORMAT_JSON;
  if (im->json) {
    err = read_json(im, data, len, wrapper);
  } else {
    im->delim =
        im->o->delimiter ? im->o->delimiter : baton__csv_sniff(data, len);
    im->decimal_comma = im->o->decimal_comma || im->delim == ';';
    err = baton__csv_parse_delim(path, data, len, im->delim, on_csv_row, im,
                                 &im->errs);
    if (err == 0 && !im->header_done)
      imp_error(im, NULL, -1,
                "the file is empty; the first row must be a header such as "
                "id,name,role");
  }
  free(data);
  for (int f = 0; f < (int)im->k->nfields && err == 0; f++)
    if (im->commas[f] > 0)
      imp_error(im, &im->comma_at[f], im->colof[f],
                "%s '%s' holds a comma (%zu cell%s of this column do), "
                "but list items are separated by ';', so it would be kept "
                "as one item; import with --list-sep ',' to split at "
                "commas too, or write it %s",
                im->k->fields[f], im->comma_eg[f] ? im->comma_eg[f] : "",
                im->commas[f], im->commas[f] == 1 ? "" : "s",
                "with ';' between the items");
  if (err == BATON_EPARSE)
    return 0; /* reported in errs */
  return err ? err : im->status;
}

/* One PATTERN,ROLE row of a --roles file. */
static int on_role_row(void *ud, const baton_csv_row_t *row) {
  imp_t *im = ud;
  if (row->invalid)
    return 0;
  size_t pl = row->ncells > 0 ? row->lens[0] : 0;
  size_t rl = row->ncells > 1 ? row->lens[1] : 0;
  const char *pat = row->ncells > 0 ? trim(row->cells[0], &pl) : "";
  const char *role = row->ncells > 1 ? trim(row->cells[1], &rl) : "";
  if (row->ncells == 1 && pl == 0)
    return 0; /* a blank line */
  if (row->line == 1 && rl == 4 && strncasecmp(role, "role", 4) == 0)
    return 0; /* a header: pattern,role */
  if (row->ncells != 2 || pl == 0 || rl == 0)
    return baton__msgs_add(&im->errs,
                           "%s:%zu: expected PATTERN,ROLE (like "
                           "\"Teaching Assistant*,aide\"), got %zu cell%s%s",
                           im->o->roles, row->line, row->ncells,
                           row->ncells == 1 ? "" : "s",
                           row->ncells == 2 ? " with one empty" : "");
  role_rule_t *r = realloc(im->roles, (im->nroles + 1) * sizeof *r);
  if (r == NULL)
    return BATON_ENOMEM;
  im->roles = r;
  r[im->nroles].pattern = baton__strndup(pat, pl);
  r[im->nroles].role = baton__strndup(role, rl);
  im->nroles++;
  return r[im->nroles - 1].pattern && r[im->nroles - 1].role ? 0 : BATON_ENOMEM;
}

/* Reads the --roles file into im->roles. Returns 0 (problems in the file
 * are collected in errs) or an error that ends the import. */
static int read_roles(imp_t *im) {
  char *data, *msg = NULL;
  size_t len;
  int err = baton__file_read(im->o->roles, &data, &len, &msg);
  if (err != 0) {
    baton__store_fail(im->s, err, "--roles: %s; check the path",
                      msg ? msg : im->o->roles);
    free(msg);
    return err;
  }
  err = baton__csv_parse_delim(im->o->roles, data, len,
                               baton__csv_sniff(data, len), on_role_row, im,
                               &im->errs);
  free(data);
  return err == BATON_EPARSE ? 0 : err;
}

/* Fills the report from the context; hands over the message lists. */
static void fill_report(imp_t *im, baton_import_report_t *r) {
  r->rows = im->rows;
  r->rejected = im->rejected;
  r->errors = im->errs.items;
  r->nerrors = im->errs.n;
  r->errors_dropped = im->errs.dropped;
  r->changes = im->changes.items;
  r->nchanges = im->changes.n;
  r->changes_dropped = im->changes.dropped;
  memset(&im->errs, 0, sizeof im->errs);
  memset(&im->changes, 0, sizeof im->changes);
}

void baton_import_options_init(baton_import_options_t *o) {
  memset(o, 0, sizeof *o);
  o->format = BATON_FORMAT_AUTO;
}

void baton_import_report_free(baton_import_report_t *r) {
  baton_msgs_t e = {r->errors, r->nerrors, 0, 0};
  baton_msgs_t c = {r->changes, r->nchanges, 0, 0};
  baton__msgs_free(&e);
  baton__msgs_free(&c);
  memset(r, 0, sizeof *r);
}

/* Sets up an import (o may be NULL for the defaults) and reads the file
 * into records. Returns 0 (errors in the file are collected, not
 * returned) or an error that ends the import. */
static int imp_start(imp_t *im, baton_store_t *s,
                     const baton_import_options_t *o, const kind_t *k,
                     const char *path, const char *wrapper,
                     baton_import_report_t *report) {
  memset(report, 0, sizeof *report);
  memset(im, 0, sizeof *im);
  if (o != NULL)
    im->opts = *o;
  else
    baton_import_options_init(&im->opts);
  im->o = &im->opts;
  im->s = s;
  im->k = k;
  im->file = path;
  im->errs.max = im->o->max_errors ? im->o->max_errors : DEFAULT_MAX_ERRORS;
  im->changes.max =
      im->o->max_changes ? im->o->max_changes : DEFAULT_MAX_CHANGES;
  if (im->o->roles != NULL) {
    int err = read_roles(im);
    if (err != 0)
      return err;
  }
  return read_source(im, path, wrapper);
}

/* The error an import ends with when records were rejected. */
static int rejected(imp_t *im) {
  size_t n = im->errs.n + im->errs.dropped;
  return baton__store_fail(im->s, BATON_EPARSE,
                           "%s: %zu error%s; nothing was imported. Fix the "
                           "file and run the import again",
                           im->file, n, n == 1 ? "" : "s");
}

/* ---- people -------------------------------------------------------------- */

enum {
  P_ID,
  P_NAME,
  P_EMAIL,
  P_ROLE,
  P_DEPARTMENT,
  P_CAMPUS,
  P_SUBJECTS,
  P_GRADES,
  P_LANGUAGES,
  P_START_DATE,
  P_MANAGER_ID,
  P_ATTRS,
  P_SCHOOL, /* schools: optional; empty is '' (core/store/schools.c) */
  P_NFIELDS
};

static const char *const person_fields[P_NFIELDS] = {
    "id",         "name",     "email",  "role",      "department",
    "campus",     "subjects", "grades", "languages", "start_date",
    "manager_id", "attrs",    "school"};
static const char *const person_required[] = {"id", "name"};

/* d as YYYY-MM-DD, or NULL if it is not a date in the file's format (ISO
 * is read whatever the format). */
static char *date_to_iso(imp_t *im, const char *d) {
  if (baton__date_parse(d, NULL, NULL, NULL) == 0)
    return (char *)d;
  unsigned a, b, y;
  char s1, s2, end;
  if (im->o->date_format == BATON_DATES_ISO ||
      sscanf(d, "%2u%c%2u%c%4u%c", &a, &s1, &b, &s2, &y, &end) != 5 ||
      s1 != s2 || strchr("/.-", s1) == NULL || strlen(d) > 10 || y < 1000)
    return NULL;
  unsigned day = im->o->date_format == BATON_DATES_DMY ? a : b;
  unsigned month = im->o->date_format == BATON_DATES_DMY ? b : a;
  char iso[32];
  snprintf(iso, sizeof iso, "%04u-%02u-%02u", y, month, day);
  if (baton__date_parse(iso, NULL, NULL, NULL) != 0)
    return NULL;
  return arena_copy(im, iso, strlen(iso));
}

/* Keeps a start_date that did not read, for date_errors; returns 1. */
static int hold_bad_date(imp_t *im, size_t line, const char *value) {
  if (BATON_GROW(im->bad_dates, im->nbad_dates, im->nbad_cap, 16) != 0) {
    im->status = BATON_ENOMEM;
    return 1;
  }
  im->bad_dates[im->nbad_dates++] = (bad_date_t){line, value};
  return 1;
}

/* The errors for the start_dates that did not read. When every date of
 * the column is written NN/NN/YYYY, one error says which --date-format
 * reads them (or, when both orders fit every date, that baton will not
 * guess); otherwise one error per date. */
static void date_errors(imp_t *im) {
  int col = im->colof[P_START_DATE];
  size_t dayfirst = 0, monthfirst = 0, slashed = 0;
  for (size_t i = 0; i < im->nbad_dates; i++) {
    unsigned a, b, y;
    char s1, s2, end;
    if (sscanf(im->bad_dates[i].value, "%2u%c%2u%c%4u%c", &a, &s1, &b, &s2, &y,
               &end) != 5 ||
        s1 != s2 || strchr("/.-", s1) == NULL || a == 0 || b == 0 ||
        (a > 12 && b > 12) || a > 31 || b > 31)
      continue;
    slashed++;
    dayfirst += a > 12;
    monthfirst += b > 12;
  }
  const record_t at = {NULL, 1, im->nbad_dates ? im->bad_dates[0].line : 1, 0};
  const char *v = im->nbad_dates ? im->bad_dates[0].value : "";
  if (im->o->date_format == BATON_DATES_ISO && im->nbad_dates > 0 &&
      im->nbad_dates == im->ndates && slashed == im->nbad_dates &&
      !(dayfirst && monthfirst)) {
    if (dayfirst || monthfirst)
      imp_error(im, &at, col,
                "start_date '%s' is not a date baton reads without being "
                "told the order, and none of the %zu dates in this column "
                "is: they are written %s; import with --date-format %s",
                v, im->ndates, dayfirst ? "day first" : "month first",
                dayfirst ? "DD/MM/YYYY" : "MM/DD/YYYY");
    else
      imp_error(im, &at, col,
                "start_date '%s' could be day first or month first, and so "
                "could every one of the %zu dates in this column; baton "
                "does not guess: say which with --date-format DD/MM/YYYY "
                "or --date-format MM/DD/YYYY",
                v, im->ndates);
    return;
  }
  static const char *const form[] = {"YYYY-MM-DD, e.g. 2021-08-30",
                                     "DD/MM/YYYY (--date-format) or "
                                     "YYYY-MM-DD",
                                     "MM/DD/YYYY (--date-format) or "
                                     "YYYY-MM-DD"};
  for (size_t i = 0; i < im->nbad_dates; i++) {
    const record_t r = {NULL, 1, im->bad_dates[i].line, 0};
    imp_error(im, &r, col, "start_date '%s' is not a date; write it as %s",
              im->bad_dates[i].value, form[im->o->date_format]);
  }
}

/* Whether text matches pattern, ignoring ASCII case; `*` matches any
 * run of characters, `?` any one byte. */
static int title_match(const char *p, const char *t) {
  const char *star = NULL, *back = NULL;
  while (*t) {
    unsigned char pc = (unsigned char)*p, tc = (unsigned char)*t;
    if (pc == '*') {
      star = p++;
      back = t;
    } else if (pc && (pc == '?' || tolower(pc) == tolower(tc))) {
      p++;
      t++;
    } else if (star) {
      p = star + 1;
      t = ++back;
    } else {
      return 0;
    }
  }
  while (*p == '*')
    p++;
  return *p == '\0';
}

/* The role a job title becomes under the --roles rules (the first rule
 * that matches), or the title itself when none does. */
static char *role_of_title(imp_t *im, char *title) {
  for (size_t i = 0; i < im->nroles; i++)
    if (title_match(im->roles[i].pattern, title))
      return im->roles[i].role;
  return title;
}

static int check_person(imp_t *im, record_t *r, const int *colof) {
  int bad = 0;
  if (r->v[P_ID] == NULL)
    bad = imp_error(im, r, colof[P_ID],
                    "the id is empty; every person needs an id (the staff "
                    "or student number from the school's system)");
  if (r->v[P_NAME] == NULL && colof[P_NAME] >= 0)
    bad = imp_error(im, r, colof[P_NAME],
                    "the name is empty; write the person's full name");
  const char *d = r->v[P_START_DATE];
  if (d != NULL) {
    im->ndates++;
    char *iso = date_to_iso(im, d);
    if (iso != NULL)
      r->v[P_START_DATE] = iso;
    else
      bad = hold_bad_date(im, r->line, d);
  }
  if (r->v[P_ROLE] != NULL && im->nroles > 0)
    r->v[P_ROLE] = role_of_title(im, r->v[P_ROLE]);
  const char *e = r->v[P_EMAIL];
  if (e != NULL && (strchr(e, '@') == NULL || strchr(e, ' ') != NULL))
    bad = imp_error(im, r, colof[P_EMAIL],
                    "email '%s' is not an address; write it like "
                    "name@school.edu or leave it empty",
                    e);
  if (r->v[P_ATTRS] == NULL)
    r->v[P_ATTRS] = arena_copy(im, "{}", 2);
  return bad;
}

static const kind_t person_kind = {
    "person", person_fields, P_NFIELDS, person_required, 2,
    1,        P_ATTRS,       P_ID,      P_NAME,          check_person};

/* The people already in the database, as records. */
typedef struct {
  record_t *recs;
  size_t n;
  idmap_t ids;
} existing_t;

static void existing_free(existing_t *ex) {
  free(ex->recs);
  idmap_free(&ex->ids);
}

/* Loads existing rows with `sql` (selecting the kind's fields in order,
 * then active when with_active). */
static int load_existing(imp_t *im, existing_t *ex, const char *count_sql,
                         const char *sql, int with_active, int key_field) {
  memset(ex, 0, sizeof *ex);
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(im->s, count_sql, &st);
  if (err != 0)
    return err;
  size_t n = 0;
  if (baton__sql_step(st) == SQLITE_ROW)
    n = (size_t)baton__sql_column_int64(st, 0);
  baton__sql_finalize(st);
  if ((err = idmap_init(&ex->ids, n)) != 0)
    return err;
  if (n == 0)
    return 0;
  ex->recs = calloc(n, sizeof *ex->recs);
  if (ex->recs == NULL)
    return BATON_ENOMEM;
  if ((err = baton__store_prepare(im->s, sql, &st)) != 0)
    return err;
  size_t nf = im->k->nfields;
  int rc;
  while (ex->n < n && (rc = baton__sql_step(st)) == SQLITE_ROW) {
    record_t *r = &ex->recs[ex->n];
    r->v = arena_alloc(im, nf * sizeof(char *));
    if (r->v == NULL)
      goto nomem;
    ex->n++;
    for (size_t f = 0; f < nf; f++) {
      const char *t = baton__col_text(st, (int)f);
      if (t != NULL &&
          (r->v[f] = arena_copy(
               im, t, (size_t)baton__sql_column_bytes(st, (int)f))) == NULL)
        goto nomem;
    }
    r->active = with_active ? (int)baton__sql_column_int64(st, (int)nf) : 1;
    r->line = ex->n - 1;
    idmap_put(&ex->ids, r->v[key_field], ex->n - 1);
  }
  baton__sql_finalize(st);
  return 0;
nomem:
  baton__sql_finalize(st);
  return BATON_ENOMEM;
}

static int same(const char *a, const char *b) {
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp(a, b) == 0;
}

/* Appends a JSON value in the store's canonical form: strings escaped as
 * attrs_json does, anything else as jansson's compact, sorted dump. */
static int canonical_value(baton_buf_t *b, json_t *v) {
  if (json_is_string(v))
    return json_quote(b, json_string_value(v), json_string_length(v));
  char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
                                 JSON_REAL_PRECISION(15));
  int err = text ? baton__buf_append(b, text, strlen(text)) : BATON_ENOMEM;
  free(text);
  return err;
}

/* The old attributes with the file's attribute columns replaced by the
 * new record's values: a column the file does not have keeps its value.
 * Returns the canonical text in the arena, or NULL (im->status set). */
static char *merge_attrs(imp_t *im, const char *old, const char *nw) {
  json_t *o = json_loads(old ? old : "{}", 0, NULL);
  json_t *n = json_loads(nw ? nw : "{}", 0, NULL);
  char *out = NULL;
  if (!json_is_object(o) || !json_is_object(n)) {
    json_decref(o);
    o = json_object();
  }
  /* The file's columns replace stored attributes of the same name in any
   * case: a key stored as `FTE` by an older baton gives way to `fte`. */
  const char *key;
  json_t *val;
  void *tmp;
  json_object_foreach_safe(o, tmp, key, val) {
    for (size_t k = 0; k < im->nattr; k++)
      if (strcasecmp(key, im->cols[im->attr_order[k]].name) == 0) {
        json_object_del(o, key);
        break;
      }
  }
  json_object_update(o, n);
  /* Keys in sorted order, as attrs_json writes them. */
  size_t nk = json_object_size(o), i = 0;
  const char **keys = malloc((nk + 1) * sizeof *keys);
  baton_buf_t *b = &im->scratch;
  b->len = 0;
  int err = keys ? baton__buf_append(b, "{", 1) : BATON_ENOMEM;
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    if (keys)
      keys[i++] = k;
  }
  if (err == 0)
    qsort(keys, nk, sizeof *keys, by_string);
  for (i = 0; i < nk && err == 0; i++) {
    if ((i && (err = baton__buf_append(b, ",", 1)) != 0) ||
        (err = json_quote(b, keys[i], strlen(keys[i]))) != 0 ||
        (err = baton__buf_append(b, ":", 1)) != 0)
      break;
    err = canonical_value(b, json_object_get(o, keys[i]));
  }
  if (err == 0)
    err = baton__buf_append(b, "}", 1);
  if (err == 0)
    out = arena_copy(im, b->data, b->len);
  else
    im->status = err;
  free(keys);
  json_decref(o);
  json_decref(n);
  return out;
}

/* A file need not carry every column: for a person already stored, a
 * field whose column the file lacks keeps its stored value, and so do
 * attributes the file has no column for. */
static void keep_absent_fields(imp_t *im, record_t *r, const record_t *old) {
  for (int f = 0; f < P_NFIELDS; f++)
    if (f != P_ATTRS && im->colof[f] < 0)
      r->v[f] = old->v[f];
  if (!same(old->v[P_ATTRS], r->v[P_ATTRS]))
    r->v[P_ATTRS] = merge_attrs(im, old->v[P_ATTRS], r->v[P_ATTRS]);
}

/* Adds "update ID: field 'old' -> 'new', ..." for a changed person. */
static void describe_update(imp_t *im, const record_t *old,
                            const record_t *nw) {
  baton_buf_t b = {0};
  baton__buf_printf(&b, "update %s:", nw->v[P_ID]);
  for (size_t f = 0; f < P_NFIELDS; f++)
    if (!same(old->v[f], nw->v[f]))
      baton__buf_printf(&b, " %s '%s' -> '%s';", person_fields[f],
                        old->v[f] ? old->v[f] : "", nw->v[f] ? nw->v[f] : "");
  if (old->active != nw->active)
    baton__buf_printf(&b, " %s;", nw->active ? "reactivated" : "deactivated");
  if (b.data) {
    b.data[b.len - 1] = '\0';
    imp_change(im, "%s", b.data);
  }
  baton__buf_free(&b);
}

/* Binds a person's fields as 1..P_NFIELDS and active as P_NFIELDS + 1. */
static void bind_person(baton__sql_stmt_t *st, const record_t *r) {
  for (int f = 0; f < P_NFIELDS; f++)
    baton__bind_text(st, f + 1, r->v[f]);
  baton__sql_bind_int64(st, P_NFIELDS + 1, r->active);
}

static int run_stmt(imp_t *im, baton__sql_stmt_t *st, const char *what) {
  int rc = baton__sql_step(st);
  baton__sql_reset(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(im->s, rc, what);
  return 0;
}

/* The order to write records in: every added person after their manager
 * when the manager is added too, then the updates. With no manager
 * missing at any moment, SQLite never has a deferred foreign-key violation
 * pending, and so never scans people for the reports of each new row
 * (which, without an index on manager_id, would make a large import
 * quadratic). A management cycle is written as found; it resolves within
 * the transaction. Returns a malloc'd array of n entries, or NULL. */
static size_t *write_order(imp_t *im, const char *plan, const idmap_t *ids,
                           size_t *n) {
  size_t *order = malloc((im->nrecs + 1) * sizeof *order);
  size_t *stack = malloc((im->nrecs + 1) * sizeof *stack);
  char *state = calloc(im->nrecs + 1, 1); /* 1: on the stack, 2: written */
  *n = 0;
  if (order == NULL || stack == NULL || state == NULL) {
    free(order);
    free(stack);
    free(state);
    return NULL;
  }
  for (size_t i = 0; i < im->nrecs; i++) {
    if (plan[i] != 'a' || state[i])
      continue;
    size_t top = 0;
    stack[top++] = i;
    state[i] = 1;
    while (top > 0) {
      size_t t = stack[top - 1];
      const char *m = im->recs[t].v[P_MANAGER_ID];
      size_t mi = m ? idmap_get(ids, m) : NONE;
      if (mi != NONE && plan[mi] == 'a' && state[mi] == 0) {
        state[mi] = 1;
        stack[top++] = mi;
        continue;
      }
      state[t] = 2;
      order[(*n)++] = t;
      top--;
    }
  }
  for (size_t i = 0; i < im->nrecs; i++)
    if (plan[i] == 'u')
      order[(*n)++] = i;
  free(stack);
  free(state);
  return order;
}

/* Writes the differences: plan[i] is 'a'dd, 'u'pdate or 0 for record i;
 * deactivate lists existing people to mark inactive. */
static int write_people(imp_t *im, const char *plan, const idmap_t *ids,
                        const existing_t *ex, const char *deact) {
  baton__sql_stmt_t *ins = NULL, *upd = NULL, *off = NULL;
  size_t norder;
  size_t *order = write_order(im, plan, ids, &norder);
  int err;
  if (order == NULL)
    return BATON_ENOMEM;
  if ((err = baton__store_prepare(
           im->s,
           "INSERT INTO people(id, name, email, role, department, campus, "
           "subjects, grades, languages, start_date, manager_id, attrs, "
           "school, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
           "?11, ?12, coalesce(?13, ''), ?14)",
           &ins)) != 0 ||
      (err = baton__store_prepare(
           im->s,
           "UPDATE people SET name = ?2, email = ?3, role = ?4, "
           "department = ?5, campus = ?6, subjects = ?7, grades = ?8, "
           "languages = ?9, start_date = ?10, manager_id = ?11, attrs = ?12, "
           "school = coalesce(?13, ''), active = ?14 WHERE id = ?1",
           &upd)) != 0 ||
      (err = baton__store_prepare(
           im->s, "UPDATE people SET active = 0 WHERE id = ?", &off)) != 0)
    goto done;
  for (size_t k = 0; k < norder && err == 0; k++) {
    size_t i = order[k];
    baton__sql_stmt_t *st = plan[i] == 'a' ? ins : upd;
    bind_person(st, &im->recs[i]);
    err = run_stmt(im, st, "cannot write a person");
  }
  for (size_t i = 0; i < ex->n && err == 0; i++) {
    if (!deact[i])
      continue;
    baton__sql_bind_text(off, 1, ex->recs[i].v[P_ID], -1);
    err = run_stmt(im, off, "cannot deactivate a person");
  }
done:
  free(order);
  baton__sql_finalize(ins);
  baton__sql_finalize(upd);
  baton__sql_finalize(off);
  return err;
}

/* Starts the import's transaction: a write lock unless only looking. */
static int imp_begin(imp_t *im) {
  if (im->o->dry_run)
    return baton__store_exec(im->s, "BEGIN", "cannot read the database");
  /* The write lock (on PostgreSQL too) holds off other writers, so the
   * rows compared are the rows written over. */
  return baton__store_begin(im->s);
}

/* Commits the writes of a real import; a dry run only ends its read. */
static int imp_finish(imp_t *im) {
  if (im->o->dry_run) {
    baton__store_rollback(im->s);
    return 0;
  }
  return baton__store_commit(im->s);
}

/* Schools: with --full the file is the whole roster of the schools its
 * rows belong to (after keep_absent_fields), so one school's file leaves
 * the other schools' people alone; a file without a school column is the
 * roster of school '' as before. The file's distinct schools (NULL for
 * '') into *out, *n of them. */
static int file_schools(imp_t *im, const char ***out, size_t *n) {
  size_t cap = 0;
  for (size_t i = 0; i < im->nrecs; i++) {
    const char *sc = im->recs[i].v[P_SCHOOL];
    size_t k = 0;
    while (k < *n && !same((*out)[k], sc))
      k++;
    if (k < *n)
      continue;
    if (BATON_GROW(*out, *n, cap, 8) != 0)
      return BATON_ENOMEM;
    (*out)[(*n)++] = sc;
  }
  return 0;
}

static int in_schools(const char *const *schools, size_t n, const char *sc) {
  for (size_t k = 0; k < n; k++)
    if (same(schools[k], sc))
      return 1;
  return 0;
}

/* --update changes people already in baton: one error lists the ids of
 * the file that are not. */
static void update_only(imp_t *im, const existing_t *ex) {
  size_t unknown = 0, first = NONE;
  for (size_t i = 0; i < im->nrecs; i++) {
    if (idmap_get(&ex->ids, im->recs[i].v[P_ID]) != NONE || im->recs[i].bad)
      continue;
    unknown++;
    if (first == NONE)
      first = i;
    reject(im, &im->recs[i]);
  }
  if (unknown > 0)
    imp_error(im, &im->recs[first], im->colof[P_ID],
              "id '%s'%s is not in %s, and --update only changes people "
              "already there; fix the id, or import without --update (with "
              "a name column) to add new people",
              im->recs[first].v[P_ID],
              unknown > 1 ? " (and the ids of more rows of this file)" : "",
              im->s->path);
}

int baton_people_import(baton_store_t *s, const char *path,
                        const baton_import_options_t *o,
                        baton_import_report_t *report) {
  imp_t im;
  existing_t ex = {0};
  idmap_t ids = {0};
  char *plan = NULL, *deact = NULL;
  const char **schools = NULL;
  size_t nschools = 0;
  int err = imp_start(&im, s, o, &person_kind, path, "people", report);
  o = im.o;
  if (err != 0)
    goto done;
  date_errors(&im);
  /* Read the database under the transaction that will write, so nobody
   * changes it between the comparison and the write. */
  if ((err = imp_begin(&im)) != 0)
    goto done;
  err = load_existing(
      &im, &ex, "SELECT count(*) FROM people",
      "SELECT id, name, email, role, department, campus, subjects, grades, "
      "languages, start_date, manager_id, attrs, nullif(school, ''), active "
      "FROM people",
      1, P_ID);
  if (err == 0)
    err = idmap_init(&ids, im.nrecs);
  if (err != 0)
    goto rollback;
  for (size_t i = 0; i < im.nrecs; i++) {
    record_t *r = &im.recs[i];
    size_t first = idmap_put(&ids, r->v[P_ID], i);
    if (first != NONE && !r->bad && (reject(&im, r), 1))
      imp_error(&im, r, im.colof[P_ID],
                "id '%s' appears again (first at %s %zu); each person must "
                "appear once: merge the rows or fix the id",
                r->v[P_ID], im.json ? "$" : "line", im.recs[first].line);
  }
  for (size_t i = 0; i < im.nrecs; i++) {
    record_t *r = &im.recs[i];
    const char *m = r->v[P_MANAGER_ID];
    if (m == NULL || r->bad) /* one error per row */
      continue;
    if (strcmp(m, r->v[P_ID]) == 0 && (reject(&im, r), 1))
      imp_error(&im, r, im.colof[P_MANAGER_ID],
                "manager_id '%s' is the person themself; leave it empty or "
                "name their manager",
                m);
    else if (idmap_get(&ids, m) == NONE && idmap_get(&ex.ids, m) == NONE &&
             (reject(&im, r), 1))
      imp_error(&im, r, im.colof[P_MANAGER_ID],
                "manager_id '%s' names nobody in this file or in %s; add "
                "that person to the file, fix the id, or leave it empty",
                m, s->path);
  }
  if (o->update)
    update_only(&im, &ex);
  if (im.status != 0) {
    err = im.status;
    goto rollback;
  }
  if (im.errs.n + im.errs.dropped > 0) {
    err = rejected(&im);
    goto rollback;
  }
  plan = calloc(im.nrecs + 1, 1);
  deact = calloc(ex.n + 1, 1);
  if (plan == NULL || deact == NULL) {
    err = BATON_ENOMEM;
    goto rollback;
  }
  for (size_t i = 0; i < im.nrecs; i++) {
    record_t *r = &im.recs[i];
    size_t at = idmap_get(&ex.ids, r->v[P_ID]);
    if (at == NONE) {
      plan[i] = 'a';
      report->added++;
      imp_change(&im, "add %s %s", r->v[P_ID], r->v[P_NAME]);
      continue;
    }
    const record_t *old = &ex.recs[at];
    keep_absent_fields(&im, r, old);
    int diff = old->active != r->active;
    for (size_t f = 0; f < P_NFIELDS && !diff; f++)
      diff = !same(old->v[f], r->v[f]);
    if (diff) {
      plan[i] = 'u';
      report->updated++;
      describe_update(&im, old, r);
    } else {
      report->unchanged++;
    }
  }
  if (o->full && file_schools(&im, &schools, &nschools) != 0) {
    err = BATON_ENOMEM;
    goto rollback;
  }
  if (o->full) {
    for (size_t i = 0; i < ex.n; i++) {
      if (ex.recs[i].active && idmap_get(&ids, ex.recs[i].v[P_ID]) == NONE &&
          in_schools(schools, nschools, ex.recs[i].v[P_SCHOOL])) {
        deact[i] = 1;
        report->deactivated++;
        imp_change(&im, "deactivate %s %s", ex.recs[i].v[P_ID],
                   ex.recs[i].v[P_NAME]);
      }
    }
  }
  if (im.status != 0) {
    err = im.status;
    goto rollback;
  }
  if (!o->dry_run && (err = write_people(&im, plan, &ids, &ex, deact)) != 0)
    goto rollback;
  err = imp_finish(&im);
  goto done;

rollback:
  baton__store_rollback(s);
done:
  if (err != 0 && err != BATON_EPARSE) {
    report->added = report->updated = report->unchanged = 0;
    report->deactivated = 0;
  }
  if (err == 0 && im.errs.n > 0)
    err = rejected(&im);
  fill_report(&im, report);
  free(plan);
  free(deact);
  free(schools);
  idmap_free(&ids);
  existing_free(&ex);
  imp_free(&im);
  return err;
}

/* ---- groups -------------------------------------------------------------- */

enum { G_GROUP, G_KIND, G_PERSON_ID, G_ROLE, G_NFIELDS };

static const char *const group_fields[G_NFIELDS] = {
    "group", "kind", "person_id", "role_in_group"};
static const char *const group_required[] = {"group", "person_id"};

static int check_membership(imp_t *im, record_t *r, const int *colof) {
  int bad = 0;
  if (r->v[G_GROUP] == NULL)
    bad = imp_error(im, r, colof[G_GROUP],
                    "the group is empty; name the team, committee or PLC");
  if (r->v[G_PERSON_ID] == NULL)
    bad = imp_error(im, r, colof[G_PERSON_ID],
                    "person_id is empty; give the id of a person from "
                    "`baton people list`");
  if (r->v[G_KIND] != NULL)
    for (char *c = r->v[G_KIND]; *c; c++)
      if (*c >= 'A' && *c <= 'Z')
        *c = (char)(*c - 'A' + 'a');
  return bad;
}

static const kind_t group_kind = {
    "membership", group_fields, G_NFIELDS, group_required,  2, 0,
    -1,           G_GROUP,      -1,        check_membership};

/* "group\x1fperson": one key for a membership. */
static char *membership_key(const record_t *r) {
  return baton__asprintf("%s\x1f%s", r->v[G_GROUP], r->v[G_PERSON_ID]);
}

/* The checks that need the whole file or the database: one kind per group,
 * each membership once, every person known. Returns ENOMEM or 0. */
static int check_memberships(imp_t *im, idmap_t *keys, char **keytexts,
                             idmap_t *groups, baton__sql_stmt_t *person) {
  for (size_t i = 0; i < im->nrecs; i++) {
    record_t *r = &im->recs[i];
    if ((keytexts[i] = membership_key(r)) == NULL)
      return BATON_ENOMEM;
    size_t first = idmap_put(keys, keytexts[i], i);
    if (first != NONE && (reject(im, r), 1))
      imp_error(im, r, im->colof[G_PERSON_ID],
                "'%s' is listed in group '%s' again (first at %s %zu); "
                "list each member once",
                r->v[G_PERSON_ID], r->v[G_GROUP], im->json ? "$" : "line",
                im->recs[first].line);
    size_t g = idmap_put(groups, r->v[G_GROUP], i);
    if (g != NONE && r->v[G_KIND] != NULL && im->recs[g].v[G_KIND] != NULL &&
        strcmp(r->v[G_KIND], im->recs[g].v[G_KIND]) != 0 && (reject(im, r), 1))
      imp_error(im, r, im->colof[G_KIND],
                "group '%s' has kind '%s' here but '%s' at %s %zu; a group "
                "has one kind",
                r->v[G_GROUP], r->v[G_KIND], im->recs[g].v[G_KIND],
                im->json ? "$" : "line", im->recs[g].line);
    baton__sql_bind_text(person, 1, r->v[G_PERSON_ID], -1);
    int rc = baton__sql_step(person);
    baton__sql_reset(person);
    if (rc == SQLITE_DONE && (reject(im, r), 1))
      imp_error(im, r, im->colof[G_PERSON_ID],
                "person_id '%s' names nobody in %s; import the people "
                "first (`baton people import`) or fix the id",
                r->v[G_PERSON_ID], im->s->path);
  }
  return im->status;
}

/* The kind for group g: from any row of the file that gives one, else the
 * database's, else "team". */
static const char *group_kind_of(imp_t *im, const char *g, const char *db) {
  for (size_t i = 0; i < im->nrecs; i++)
    if (strcmp(im->recs[i].v[G_GROUP], g) == 0 && im->recs[i].v[G_KIND])
      return im->recs[i].v[G_KIND];
  return db ? db : "team";
}

int baton_groups_import(baton_store_t *s, const char *path,
                        const baton_import_options_t *o,
                        baton_import_report_t *report) {
  imp_t im;
  existing_t ex = {0};
  idmap_t keys = {0}, groups = {0};
  char **keytexts = NULL, **exkeys = NULL;
  baton__sql_stmt_t *person = NULL, *kind = NULL, *addg = NULL, *setk = NULL,
                    *ins = NULL, *upd = NULL, *del = NULL;
  int err = imp_start(&im, s, o, &group_kind, path, "memberships", report);
  o = im.o;
  if (err != 0)
    goto done;
  if ((err = imp_begin(&im)) != 0)
    goto done;
  err = load_existing(&im, &ex, "SELECT count(*) FROM memberships",
                      "SELECT m.group_name, g.kind, m.person_id, "
                      "m.role_in_group FROM memberships m JOIN groups g "
                      "ON g.name = m.group_name",
                      0, G_GROUP);
  if (err != 0)
    goto rollback;
  /* load_existing keyed by group; re-key by membership below. */
  idmap_free(&ex.ids);
  keytexts = calloc(im.nrecs + 1, sizeof *keytexts);
  exkeys = calloc(ex.n + 1, sizeof *exkeys);
  if (keytexts == NULL || exkeys == NULL || idmap_init(&keys, im.nrecs) != 0 ||
      idmap_init(&groups, im.nrecs) != 0 || idmap_init(&ex.ids, ex.n) != 0) {
    err = BATON_ENOMEM;
    goto rollback;
  }
  for (size_t i = 0; i < ex.n; i++) {
    if ((exkeys[i] = membership_key(&ex.recs[i])) == NULL) {
      err = BATON_ENOMEM;
      goto rollback;
    }
    idmap_put(&ex.ids, exkeys[i], i);
  }
  if ((err = baton__store_prepare(s, "SELECT 1 FROM people WHERE id = ?",
                                  &person)) != 0 ||
      (err = check_memberships(&im, &keys, keytexts, &groups, person)) != 0)
    goto rollback;
  if (im.errs.n + im.errs.dropped > 0) {
    err = rejected(&im);
    goto rollback;
  }
  if ((err = baton__store_prepare(s, "SELECT kind FROM groups WHERE name = ?",
                                  &kind)) != 0 ||
      (err = baton__store_prepare(
           s, "INSERT INTO groups(name, kind) VALUES (?, ?)", &addg)) != 0 ||
      (err = baton__store_prepare(
           s, "UPDATE groups SET kind = ?2 WHERE name = ?1", &setk)) != 0 ||
      (err = baton__store_prepare(
           s,
           "INSERT INTO memberships(group_name, person_id, role_in_group) "
           "VALUES (?, ?, ?)",
           &ins)) != 0 ||
      (err = baton__store_prepare(
           s,
           "UPDATE memberships SET role_in_group = ?3 WHERE group_name = ?1 "
           "AND person_id = ?2",
           &upd)) != 0 ||
      (err = baton__store_prepare(s,
                                  "DELETE FROM memberships WHERE group_name "
                                  "= ? AND person_id = ?",
                                  &del)) != 0)
    goto rollback;
  /* Groups: create the new ones, follow a changed kind. */
  for (size_t i = 0; i < im.nrecs && err == 0; i++) {
    const char *g = im.recs[i].v[G_GROUP];
    if (idmap_get(&groups, g) != i)
      continue; /* not the group's first row */
    baton__sql_bind_text(kind, 1, g, -1);
    int rc = baton__sql_step(kind);
    char *dbkind =
        rc == SQLITE_ROW ? baton__strdup(baton__col_text(kind, 0)) : NULL;
    baton__sql_reset(kind);
    const char *k = group_kind_of(&im, g, dbkind);
    if (rc != SQLITE_ROW) {
      imp_change(&im, "create group %s (%s)", g, k);
      baton__sql_bind_text(addg, 1, g, -1);
      baton__sql_bind_text(addg, 2, k, -1);
      if (!o->dry_run)
        err = run_stmt(&im, addg, "cannot create a group");
      else
        baton__sql_reset(addg);
    } else if (strcmp(k, dbkind) != 0) {
      imp_change(&im, "group %s: kind '%s' -> '%s'", g, dbkind, k);
      baton__sql_bind_text(setk, 1, g, -1);
      baton__sql_bind_text(setk, 2, k, -1);
      if (!o->dry_run)
        err = run_stmt(&im, setk, "cannot change a group's kind");
      else
        baton__sql_reset(setk);
    }
    free(dbkind);
  }
  for (size_t i = 0; i < im.nrecs && err == 0; i++) {
    record_t *r = &im.recs[i];
    size_t at = idmap_get(&ex.ids, keytexts[i]);
    baton__sql_stmt_t *st = NULL;
    if (at == NONE) {
      report->added++;
      imp_change(&im, "add %s to %s%s%s", r->v[G_PERSON_ID], r->v[G_GROUP],
                 r->v[G_ROLE] ? " as " : "", r->v[G_ROLE] ? r->v[G_ROLE] : "");
      st = ins;
    } else if (!same(ex.recs[at].v[G_ROLE], r->v[G_ROLE])) {
      report->updated++;
      imp_change(&im, "%s in %s: role '%s' -> '%s'", r->v[G_PERSON_ID],
                 r->v[G_GROUP],
                 ex.recs[at].v[G_ROLE] ? ex.recs[at].v[G_ROLE] : "",
                 r->v[G_ROLE] ? r->v[G_ROLE] : "");
      st = upd;
    } else {
      report->unchanged++;
    }
    if (st == NULL || o->dry_run)
      continue;
    baton__bind_text(st, 1, r->v[G_GROUP]);
    baton__bind_text(st, 2, r->v[G_PERSON_ID]);
    baton__bind_text(st, 3, r->v[G_ROLE]);
    err = run_stmt(&im, st, "cannot write a membership");
  }
  /* Members the file does not list: kept and counted, unless --replace
   * (the file's groups get exactly its members) or --full (every group
   * does). A one-row file never silently empties a group. */
  for (size_t i = 0; i < ex.n && err == 0; i++) {
    record_t *m = &ex.recs[i];
    if (idmap_get(&keys, exkeys[i]) != NONE)
      continue;
    if (!o->full && idmap_get(&groups, m->v[G_GROUP]) == NONE)
      continue;
    if (!o->full && !o->replace) {
      report->kept++;
      imp_change(&im,
                 "keep %s in %s: the file does not list them "
                 "(--replace would remove them)",
                 m->v[G_PERSON_ID], m->v[G_GROUP]);
      continue;
    }
    report->deactivated++;
    imp_change(&im, "remove %s from %s", m->v[G_PERSON_ID], m->v[G_GROUP]);
    if (o->dry_run)
      continue;
    baton__sql_bind_text(del, 1, m->v[G_GROUP], -1);
    baton__sql_bind_text(del, 2, m->v[G_PERSON_ID], -1);
    err = run_stmt(&im, del, "cannot remove a membership");
  }
  if (err == 0)
    err = im.status;
  if (err != 0)
    goto rollback;
  err = imp_finish(&im);
  goto done;

rollback:
  baton__store_rollback(s);
done:
  baton__sql_finalize(person);
  baton__sql_finalize(kind);
  baton__sql_finalize(addg);
  baton__sql_finalize(setk);
  baton__sql_finalize(ins);
  baton__sql_finalize(upd);
  baton__sql_finalize(del);
  if (err == 0 && im.errs.n > 0)
    err = rejected(&im);
  if (err != 0)
    report->added = report->updated = report->unchanged = report->deactivated =
        report->kept = 0;
  fill_report(&im, report);
  for (size_t i = 0; keytexts && i < im.nrecs; i++)
    free(keytexts[i]);
  for (size_t i = 0; exkeys && i < ex.n; i++)
    free(exkeys[i]);
  free(keytexts);
  free(exkeys);
  idmap_free(&keys);
  idmap_free(&groups);
  existing_free(&ex);
  imp_free(&im);
  return err;
}
