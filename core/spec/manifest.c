/* core/spec/manifest.c: reads a plugin's plugin.lua and checks it against the
 * plugin contract (docs/plugins.md).
 *
 * A manifest is Lua syntax for plain data. It is evaluated in a throw-away
 * state with an empty environment, a budget of instructions and a small
 * memory cap, so a manifest can neither reach anything nor hang the host.
 * Every error names the file and, where it can be found, the line of the
 * offending field, and says what to write instead. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

#define MANIFEST_MEMORY (4u << 20)
#define MANIFEST_INSTRUCTIONS 200000
#define MANIFEST_DEPTH 8

#define PERM_NAME(name, bit, str, what) str,
const char *const baton__perm_names[] = {BATON_PERM_MAP(PERM_NAME) NULL};
#undef PERM_NAME
#define NPERMS (sizeof baton__perm_names / sizeof *baton__perm_names - 1)

int baton__perm_parse(const char *name, unsigned *bit) {
  for (size_t i = 0; i < NPERMS; i++) {
    if (strcmp(name, baton__perm_names[i]) == 0) {
      *bit = 1u << i;
      return 0;
    }
  }
  return BATON_EINVAL;
}

const char *baton__perm_name(unsigned bit) {
  for (size_t i = 0; i < NPERMS; i++)
    if (bit == 1u << i)
      return baton__perm_names[i];
  return "?";
}

const char *baton__perm_list(void) {
  static char list[256];
  if (list[0] == '\0') {
    size_t n = 0;
    for (size_t i = 0; i < NPERMS && n < sizeof list; i++)
      n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                            baton__perm_names[i]);
  }
  return list;
}

const char *baton__perm_suggest(const char *name) {
  return baton__suggest(name, baton__perm_names, NPERMS);
}

/* The scope list of an fs permission bit: 0 for fs.read, 1 for fs.write. */
static int scope_index(unsigned bit) {
  return bit == BATON_PERM_FS_READ ? 0 : bit == BATON_PERM_FS_WRITE ? 1 : -1;
}

int baton__grant_add(unsigned *perms, baton_scopes_t *s, const char *spec,
                     const char *where, char **err) {
  *err = NULL;
  const char *colon = strchr(spec, ':');
  char name[32];
  size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
  snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : 0), spec);
  unsigned bit;
  if (baton__perm_parse(name, &bit) != 0) {
    const char *sug = baton__perm_suggest(name);
    *err = baton__asprintf("unknown permission '%s'%s%s%s%s; known "
                           "permissions are %s (fs.read and fs.write may name "
                           "a folder: fs.write:out/)",
                           spec, where, sug ? " (did you mean '" : "",
                           sug ? sug : "", sug ? "'?)" : "", baton__perm_list());
    return BATON_EINVAL;
  }
  int k = scope_index(bit);
  if (colon && k < 0) {
    *err = baton__asprintf("permission '%s'%s takes no path (only fs.read "
                           "and fs.write do); write %s",
                           spec, where, name);
    return BATON_EINVAL;
  }
  if (colon && colon[1] == '\0') {
    *err = baton__asprintf("permission '%s'%s names no path; write "
                           "%s:DIR/ for one folder, or %s for anywhere",
                           spec, where, name, name);
    return BATON_EINVAL;
  }
  if (!colon) { /* anywhere: the paths given so far no longer matter */
    *perms |= bit;
    if (k >= 0 && (s->scoped & bit)) {
      for (size_t i = 0; i < s->npaths[k]; i++)
        free(s->paths[k][i]);
      free(s->paths[k]);
      s->paths[k] = NULL;
      s->npaths[k] = 0;
      s->scoped &= ~bit;
    }
    return 0;
  }
  if ((*perms & bit) && !(s->scoped & bit))
    return 0; /* already anywhere */
  char **v = realloc(s->paths[k], (s->npaths[k] + 1) * sizeof *v);
  if (v == NULL)
    return BATON_ENOMEM;
  s->paths[k] = v;
  if ((v[s->npaths[k]] = baton__strdup(colon + 1)) == NULL)
    return BATON_ENOMEM;
  s->npaths[k]++;
  *perms |= bit;
  s->scoped |= bit;
  return 0;
}

void baton__scopes_free(baton_scopes_t *s) {
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; i < s->npaths[k]; i++)
      free(s->paths[k][i]);
    free(s->paths[k]);
  }
  memset(s, 0, sizeof *s);
}

int baton__scopes_copy(baton_scopes_t *dst, const baton_scopes_t *src) {
  memset(dst, 0, sizeof *dst);
  dst->scoped = src->scoped;
  for (int k = 0; k < 2; k++) {
    if (src->npaths[k] == 0)
      continue;
    if ((dst->paths[k] = calloc(src->npaths[k], sizeof *dst->paths[k])) ==
        NULL)
      goto fail;
    for (size_t i = 0; i < src->npaths[k]; i++, dst->npaths[k]++)
      if ((dst->paths[k][i] = baton__strdup(src->paths[k][i])) == NULL)
        goto fail;
  }
  return 0;

fail:
  baton__scopes_free(dst);
  return BATON_ENOMEM;
}

int baton__grant_describe(unsigned perms, const baton_scopes_t *s,
                          baton_buf_t *b) {
  int r = 0, first = 1;
  for (size_t i = 0; i < NPERMS && r == 0; i++) {
    unsigned bit = 1u << i;
    if (!(perms & bit))
      continue;
    r = baton__buf_printf(b, "%s%s", first ? "" : ", ", baton__perm_names[i]);
    first = 0;
    int k = scope_index(bit);
    if (k < 0 || r != 0)
      continue;
    if (!(s->scoped & bit)) {
      r = baton__buf_printf(b, " (anywhere except the database and /proc)");
      continue;
    }
    for (size_t j = 0; j < s->npaths[k] && r == 0; j++)
      r = baton__buf_printf(b, "%s%s%s", j ? ", " : " (", s->paths[k][j],
                            j + 1 == s->npaths[k] ? ")" : "");
  }
  if (first && r == 0)
    r = baton__buf_printf(b, "none");
  return r;
}

static const char *const type_names[] = {"string", "integer", "number",
                                         "boolean", "date",    "path",
                                         "enum",   "person",  "group"};
#define NTYPES (sizeof type_names / sizeof *type_names)

const char *baton__argtype_name(baton_argtype_t t) { return type_names[t]; }

int baton__argtype_is_text(baton_argtype_t t) {
  return t != BATON_ARG_INTEGER && t != BATON_ARG_NUMBER &&
         t != BATON_ARG_BOOLEAN;
}

static const char *const access_names[] = {"coordinator", "any", "self"};

const char *baton__access_name(baton_access_t a) { return access_names[a]; }

/* ---- keys in a fixed order ---------------------------------------------- */

/* One key of a table: a list position (s NULL) or a name. */
typedef struct {
  lua_Integer i;
  const char *s;
  int pos; /* where the key is in the list sorted_keys pushes */
} mkey_t;

static int cmp_mkey(const void *a, const void *b) {
  const mkey_t *x = a, *y = b;
  if ((x->s == NULL) != (y->s == NULL))
    return x->s == NULL ? -1 : 1;
  if (x->s == NULL)
    return x->i < y->i ? -1 : x->i > y->i;
  return strcmp(x->s, y->s);
}

/* The string and integer keys of the table at idx in a fixed order: list
 * positions by number, then names in byte order. lua_next walks a table
 * in hash order, which differs from one Lua state to the next, so the
 * checks walk this order instead and the first error they report is the
 * same in `baton plugins`, `doctor` and a command. Pushes the list of
 * the keys [.., keys] (a key is pushed again with lua_rawgeti(L, -1,
 * k->pos)); returns the order (malloc'd; NULL with *n 0 when out of
 * memory or when the table has no such key). Keys of other types are
 * left out: check_plain reports them. */
static mkey_t *sorted_keys(lua_State *L, int idx, size_t *n) {
  idx = lua_absindex(L, idx);
  size_t cap = 0;
  *n = 0;
  lua_newtable(L); /* [.., keys] */
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1))
    if (lua_type(L, -2) == LUA_TSTRING || lua_isinteger(L, -2)) {
      lua_pushvalue(L, -2);
      lua_rawseti(L, -4, (lua_Integer)++cap);
    }
  mkey_t *ks = cap ? malloc(cap * sizeof *ks) : NULL;
  if (ks == NULL)
    return NULL;
  for (size_t k = 0; k < cap; k++) {
    lua_rawgeti(L, -1, (lua_Integer)k + 1);
    ks[k].pos = (int)k + 1;
    ks[k].s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    ks[k].i = ks[k].s ? 0 : lua_tointeger(L, -1);
    lua_pop(L, 1); /* the string stays anchored in the list */
  }
  qsort(ks, cap, sizeof *ks, cmp_mkey);
  *n = cap;
  return ks;
}

/* ---- the evaluation state ------------------------------------------------ */

typedef struct {
  size_t used;
} budget_t;

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  budget_t *b = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    b->used -= old;
    return NULL;
  }
  if (nsize > old && b->used + (nsize - old) > MANIFEST_MEMORY)
    return NULL;
  void *p = realloc(ptr, nsize);
  if (p != NULL)
    b->used = b->used - old + nsize;
  return p;
}

static void budget_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  luaL_error(L, "the manifest runs too long: it must be a plain table, "
                "not a program");
}

/* ---- checking ------------------------------------------------------------ */

typedef struct {
  const char *path;
  const char *src;
  char *err;
  lua_State *L;
  const char *at; /* where a missing field is reported: NULL = `return` */
  const char *kind; /* what declares arguments: "command" (NULL), "script" */
} check_t;

/* The first line of the source where `key` is assigned (`key =`), or where
 * it stands as a whole string (`"--times"`), or, for "return", where the
 * manifest's table starts; 0 if none. Comments and long strings are
 * skipped, so a field named in a comment is not taken for the field. Used
 * to point at the field an error is about: the data has no line numbers. */
static int line_of(const check_t *c, const char *key) {
  size_t kl = strlen(key);
  int line = 1;
  for (const char *s = c->src; *s; s++) {
    if (*s == '\n') {
      line++;
    } else if (s[0] == '-' && s[1] == '-') { /* a comment */
      const char *e;
      if (s[2] == '[' && s[3] == '[' && (e = strstr(s + 4, "]]")) != NULL) {
        for (; s < e; s++)
          line += *s == '\n';
        s = e + 1;
      } else {
        while (s[1] && s[1] != '\n')
          s++;
      }
    } else if (s[0] == '[' && s[1] == '[') { /* a long string */
      const char *e = strstr(s + 2, "]]");
      for (; e && s < e; s++)
        line += *s == '\n';
      if (e == NULL)
        return 0;
      s = e + 1;
    } else if (*s == '"' || *s == '\'') { /* a string: the key itself? */
      char q = *s;
      if (strncmp(s + 1, key, kl) == 0 && s[1 + kl] == q)
        return line;
      for (s++; *s && *s != q && *s != '\n'; s++)
        if (*s == '\\' && s[1])
          s++;
      if (*s == '\0')
        break;
    } else if (strncmp(s, key, kl) == 0 &&
               (s == c->src || !(isalnum((unsigned char)s[-1]) ||
                                 s[-1] == '_'))) {
      const char *t = s + kl;
      if (strcmp(key, "return") == 0 &&
          (*t == ' ' || *t == '\t' || *t == '{' || *t == '\n'))
        return line;
      if (isalnum((unsigned char)*t) || *t == '_')
        continue;
      while (*t == ' ' || *t == '\t')
        t++;
      if (*t == '=' && t[1] != '=')
        return line;
    }
  }
  return 0;
}

static int failf(check_t *c, const char *key, const char *fmt, ...)
    BATON_PRINTF(3, 4);

/* Records the first error as "FILE:LINE: message" and returns
 * BATON_EMANIFEST, so checks read `return failf(...)`. */
static int failf(check_t *c, const char *key, const char *fmt, ...) {
  if (c->err != NULL)
    return BATON_EMANIFEST;
  va_list ap;
  va_start(ap, fmt);
  char *msg = baton__vasprintf(fmt, ap);
  va_end(ap);
  int line = key ? line_of(c, key) : 0;
  if (line > 0)
    c->err = baton__asprintf("%s:%d: %s", c->path, line, msg ? msg : "");
  else
    c->err = baton__asprintf("%s: %s", c->path, msg ? msg : "");
  free(msg);
  return BATON_EMANIFEST;
}

static const char *lua_kind(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TNUMBER)
    return lua_isinteger(L, idx) ? "an integer" : "a number";
  switch (lua_type(L, idx)) {
  case LUA_TNIL:
    return "nil";
  case LUA_TBOOLEAN:
    return "a boolean";
  case LUA_TSTRING:
    return "a string";
  case LUA_TTABLE:
    return "a table";
  case LUA_TFUNCTION:
    return "a function";
  default:
    return "a value of another kind";
  }
}

/* The dotted name of a field, from the keys of each level (stack slots
 * keys[0..depth-1]): "manifest.commands.go.args[2]". Built only for an
 * error message: formatting every path while walking a clean manifest
 * cost a quarter of baton's start-up. */
static void field_name(lua_State *L, const int *keys, int depth, char *buf,
                       size_t n) {
  size_t len = (size_t)snprintf(buf, n, "manifest");
  for (int i = 0; i < depth && len < n; i++) {
    int w = lua_type(L, keys[i]) == LUA_TSTRING
                ? snprintf(buf + len, n - len, ".%s", lua_tostring(L, keys[i]))
                : snprintf(buf + len, n - len, "[%lld]",
                           (long long)lua_tointeger(L, keys[i]));
    if (w < 0)
      break;
    len += (size_t)w;
  }
}

/* Whether the string at idx holds a NUL byte, where C would cut it. */
static int holds_nul(lua_State *L, int idx) {
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  return strlen(s) != len;
}

/* 1 if the value at idx is plain data check_plain accepts, 0 if not, in
 * lua_next's order and without a message: the quick pass every manifest
 * takes. Only a manifest it refuses is walked again in sorted order, so
 * the error named first is the same on every run. */
static int plain_quick(lua_State *L, int idx, int depth) {
  int t = lua_type(L, idx);
  if (t == LUA_TSTRING)
    return !holds_nul(L, idx);
  if (t == LUA_TNUMBER || t == LUA_TBOOLEAN)
    return 1;
  if (t != LUA_TTABLE || depth > MANIFEST_DEPTH || !lua_checkstack(L, 3))
    return 0;
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* [.., key, value] */
    int kt = lua_type(L, -2);
    if ((kt != LUA_TSTRING && !lua_isinteger(L, -2)) ||
        (kt == LUA_TSTRING && holds_nul(L, -2)) ||
        !plain_quick(L, -1, depth + 1)) {
      lua_pop(L, 2);
      return 0;
    }
    lua_pop(L, 1);
  }
  return 1;
}

/* Rejects anything but strings, numbers, booleans and tables of them, and
 * strings (values or names) holding a NUL byte: the host reads them as C
 * strings. A function is reported at the line where it is defined. keys
 * has room for MANIFEST_DEPTH + 2 levels. [.., value] */
static int check_plain(check_t *c, int idx, int *keys, int depth) {
  lua_State *L = c->L;
  int t = lua_type(L, idx);
  char field[256];
  if (t == LUA_TSTRING && holds_nul(L, idx)) {
    field_name(L, keys, depth, field, sizeof field);
    return failf(c, NULL,
                 "field '%s' holds a NUL byte; a manifest's text "
                 "cannot hold one: remove it",
                 field);
  }
  if (t == LUA_TSTRING || t == LUA_TNUMBER || t == LUA_TBOOLEAN)
    return 0;
  if (t == LUA_TTABLE) {
    if (depth > MANIFEST_DEPTH) {
      field_name(L, keys, depth, field, sizeof field);
      return failf(c, NULL, "field '%s' nests deeper than %d tables", field,
                   MANIFEST_DEPTH);
    }
    if (!lua_checkstack(L, 3))
      return BATON_ENOMEM;
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) { /* [.., key, value] */
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING && !lua_isinteger(L, -1)) {
        keys[depth] = lua_absindex(L, -1);
        field_name(L, keys, depth, field, sizeof field);
        int r = failf(c, NULL, "field '%s' has a key that is %s; use names "
                               "or list positions",
                      field, lua_kind(L, -1));
        lua_pop(L, 1);
        return r;
      }
    }
    size_t nk;
    mkey_t *ks = sorted_keys(L, idx, &nk); /* [.., keys] */
    int r = 0;
    for (size_t k = 0; r == 0 && k < nk; k++) {
      lua_rawgeti(L, -1, ks[k].pos); /* [.., keys, key] */
      keys[depth] = lua_absindex(L, -1);
      if (lua_type(L, -1) == LUA_TSTRING && holds_nul(L, -1)) {
        field_name(L, keys, depth, field, sizeof field);
        r = failf(c, NULL,
                  "field '%s' has a name holding a NUL byte; a "
                  "manifest's text cannot hold one: remove it",
                  field);
      } else {
        lua_pushvalue(L, -1);
        lua_rawget(L, idx); /* [.., keys, key, value] */
        r = check_plain(c, -1, keys, depth + 1);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    free(ks);
    lua_pop(L, 1);
    return r;
  }
  field_name(L, keys, depth, field, sizeof field);
  if (t == LUA_TFUNCTION) {
    lua_Debug ar;
    lua_pushvalue(L, idx);
    lua_getinfo(L, ">S", &ar);
    if (c->err == NULL)
      c->err = baton__asprintf(
          "%s:%d: field '%s' is a function; a manifest holds plain data "
          "only (strings, numbers, booleans, tables): move the code to "
          "init.lua",
          c->path, ar.linedefined, field);
    return BATON_EMANIFEST;
  }
  return failf(c, NULL, "field '%s' is %s; a manifest holds plain data only",
               field, lua_kind(L, idx));
}

static int is_ident(const char *s, int allow_dash) {
  if (!(*s >= 'a' && *s <= 'z'))
    return 0;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
          (allow_dash && *s == '-')))
      return 0;
  return 1;
}

static int is_semver(const char *s) {
  for (int part = 0; part < 3; part++) {
    if (!isdigit((unsigned char)*s))
      return 0;
    if (*s == '0' && isdigit((unsigned char)s[1]))
      return 0;
    while (isdigit((unsigned char)*s))
      s++;
    if (part < 2 && *s++ != '.')
      return 0;
  }
  if (*s == '-' || *s == '+') {
    if (!s[1])
      return 0;
    for (s++; *s; s++)
      if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '+')
        return 0;
  }
  return *s == '\0';
}

/* Copies the string field `key` of the table at idx into *out. Absent is
 * fine unless `required`. */
static int get_string(check_t *c, int idx, const char *key, const char *where,
                      int required, char **out) {
  lua_State *L = c->L;
  int t = lua_getfield(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    /* A missing field has no line of its own: point at the table it is
     * missing from (the manifest's `return`, or the command's name). */
    if (required)
      return failf(c, c->at ? c->at : "return",
                   "%s has no '%s'; add %s = \"...\"", where, key, key);
    return 0;
  }
  if (t != LUA_TSTRING) {
    int r = failf(c, key, "field '%s' of %s is %s; it must be a string", key,
                  where, lua_kind(L, -1));
    lua_pop(L, 1);
    return r;
  }
  *out = baton__strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  return *out ? 0 : BATON_ENOMEM;
}

/* Checks that every key of the table at idx is one of `known`. */
/* 1 if every key of the table at idx is one of known (or, when known[0]
 * is "1", the list position 1): check_keys' quick pass, in lua_next's
 * order, so only a table with a stray key is sorted to name the first. */
static int keys_known(lua_State *L, int idx, const char *const *known,
                      size_t n) {
  idx = lua_absindex(L, idx);
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      if (lua_isinteger(L, -2) && lua_tointeger(L, -2) == 1 &&
          strcmp(known[0], "1") == 0)
        continue;
      lua_pop(L, 2);
      return 0;
    }
    const char *k = lua_tostring(L, -2);
    size_t i;
    for (i = 0; i < n && strcmp(k, known[i]) != 0; i++)
      ;
    if (i == n) {
      lua_pop(L, 2);
      return 0;
    }
  }
  return 1;
}

static int check_keys(check_t *c, int idx, const char *where,
                      const char *const *known, size_t n) {
  lua_State *L = c->L;
  if (keys_known(L, idx, known, n))
    return 0;
  size_t nk;
  mkey_t *ks = sorted_keys(L, idx, &nk); /* [.., keys] */
  int r = 0;
  for (size_t j = 0; r == 0 && j < nk; j++) {
    const char *k = ks[j].s;
    if (k == NULL) {
      if (ks[j].i == 1 && strcmp(known[0], "1") == 0)
        continue;
      r = failf(c, NULL, "%s has a list entry where named fields are "
                         "expected", where);
      break;
    }
    size_t i;
    for (i = 0; i < n && strcmp(k, known[i]) != 0; i++)
      ;
    if (i == n) {
      const char *s = baton__suggest(k, known, n);
      r = s ? failf(c, k, "unknown field '%s' in %s (did you mean '%s'?)", k,
                    where, s)
            : failf(c, k, "unknown field '%s' in %s", k, where);
    }
  }
  free(ks);
  lua_pop(L, 1);
  return r;
}

/* Reads a list of strings (the table at idx) into a NULL-terminated array. */
static int get_string_list(check_t *c, int idx, const char *key,
                           const char *where, char ***out, size_t *n) {
  lua_State *L = c->L;
  *out = NULL;
  *n = 0;
  int t = lua_getfield(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (t != LUA_TTABLE) {
    int r = failf(c, key, "field '%s' of %s is %s; it must be a list of "
                          "strings, e.g. %s = { \"a\", \"b\" }",
                  key, where, lua_kind(L, -1), key);
    lua_pop(L, 1);
    return r;
  }
  size_t len = (size_t)lua_rawlen(L, -1);
  char **list = calloc(len + 1, sizeof *list);
  if (list == NULL) {
    lua_pop(L, 1);
    return BATON_ENOMEM;
  }
  for (size_t i = 0; i < len; i++) {
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING) {
      int r = failf(c, key, "entry %zu of '%s' in %s is %s; it must be a "
                            "string", i + 1, key, where, lua_kind(L, -1));
      lua_pop(L, 2);
      *out = list;
      *n = i;
      return r;
    }
    list[i] = baton__strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  *out = list;
  *n = len;
  return 0;
}

static void strlist_free(char **l, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(l[i]);
  free(l);
}

static const char *const reserved_flags[] = {"help", "json", "quiet", "debug",
                                             "db", "plugins"};

/* Reads the field `key` of an argument (the table at -1: its `default`,
 * `min` or `max`) into *v as the argument's type. */
static int get_value(check_t *c, baton_argspec_t *a, const char *key,
                     baton_value_t *v, const char *where, const char *at) {
  lua_State *L = c->L;
  int t = lua_getfield(L, -1, key);
  int r = 0;
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (strcmp(key, "default") != 0 && a->type != BATON_ARG_INTEGER &&
      a->type != BATON_ARG_NUMBER) {
    r = failf(c, at, "%s has %s, but its type is %s; only integer and number "
                     "arguments take min and max",
              where, key, baton__argtype_name(a->type));
    goto out;
  }
  v->type = a->type;
  switch (a->type) {
  case BATON_ARG_BOOLEAN:
    if (t != LUA_TBOOLEAN)
      goto wrong;
    v->v.b = lua_toboolean(L, -1);
    break;
  case BATON_ARG_INTEGER:
    if (!lua_isinteger(L, -1))
      goto wrong;
    v->v.i = (long long)lua_tointeger(L, -1);
    break;
  case BATON_ARG_NUMBER:
    if (t != LUA_TNUMBER)
      goto wrong;
    v->v.n = (double)lua_tonumber(L, -1);
    break;
  default:
    if (t != LUA_TSTRING)
      goto wrong;
    if (a->type == BATON_ARG_DATE &&
        baton__date_parse(lua_tostring(L, -1), NULL, NULL, NULL) != 0) {
      r = failf(c, at, "%s of %s is not a date; write YYYY-MM-DD, "
                            "e.g. \"2026-09-01\"", key, where);
      goto out;
    }
    v->v.s = baton__strdup(lua_tostring(L, -1));
    break;
  }
  v->set = 1;
  goto out;
wrong:
  r = failf(c, at, "%s of %s is %s but its type is %s", key, where,
            lua_kind(L, -1), baton__argtype_name(a->type));
out:
  lua_pop(L, 1);
  return r;
}

/* Reads `type` of the spec at -1 into a->type: declared, or taken from
 * the default, or string. */
static int get_type(check_t *c, baton_argspec_t *a, const char *where,
                    const char *at) {
  lua_State *L = c->L;
  char *type = NULL;
  int r;
  if ((r = get_string(c, -1, "type", where, 0, &type)) != 0)
    return r;
  if (type == NULL) {
    lua_getfield(L, -1, "default");
    a->type = lua_type(L, -1) == LUA_TBOOLEAN ? BATON_ARG_BOOLEAN
              : lua_isinteger(L, -1)          ? BATON_ARG_INTEGER
              : lua_type(L, -1) == LUA_TNUMBER ? BATON_ARG_NUMBER
                                               : BATON_ARG_STRING;
    lua_pop(L, 1);
  } else {
    size_t i;
    for (i = 0; i < NTYPES; i++)
      if (strcmp(type, type_names[i]) == 0)
        break;
    if (i == NTYPES) {
      const char *s = baton__suggest(type, type_names, NTYPES);
      r = failf(c, at, "%s has type '%s'%s%s%s; types are string, "
                           "integer, number, boolean, date, path, enum, "
                           "person, group",
                where, type, s ? " (did you mean '" : "", s ? s : "",
                s ? "'?)" : "");
      free(type);
      return r;
    }
    a->type = (baton_argtype_t)i;
    free(type);
  }
  return 0;
}

/* Reads `values` of an enum (the spec at -1). */
static int get_values(check_t *c, baton_argspec_t *a, const char *where,
                      const char *at) {
  if (a->type != BATON_ARG_ENUM)
    return 0;
  int r = get_string_list(c, -1, "values", where, &a->values, &a->nvalues);
  if (r != 0)
    return r;
  if (a->nvalues == 0)
    return failf(c, at, "%s is an enum without values; add values = "
                        "{ \"a\", \"b\" }", where);
  return 0;
}

/* Reads `default`, `min` and `max` of the spec at -1 (its type and values
 * read already) and checks them together: min not above max, the default
 * within them and, for an enum, one of the values. For a command's
 * arguments and a manifest's settings alike. */
static int get_bounds(check_t *c, baton_argspec_t *a, const char *where,
                      const char *at) {
  int r;
  if ((r = get_value(c, a, "default", &a->def, where, at)) != 0 ||
      (r = get_value(c, a, "min", &a->min, where, at)) != 0 ||
      (r = get_value(c, a, "max", &a->max, where, at)) != 0)
    return r;
  if (a->min.set && a->max.set && baton__value_cmp(&a->min, &a->max) > 0)
    return failf(c, at, "%s has min greater than max; swap them", where);
  if (a->def.set && baton__value_check_range(a, &a->def) != 0)
    return failf(c, at, "default of %s is outside its min and max", where);
  if (a->type == BATON_ARG_ENUM && a->def.set) {
    size_t i;
    for (i = 0; i < a->nvalues && strcmp(a->values[i], a->def.v.s); i++)
      ;
    if (i == a->nvalues)
      return failf(c, at, "default of %s is '%s', which is not one of "
                          "its values", where, a->def.v.s);
  }
  return 0;
}

/* Reads one entry of a command's `args` list (the table at -1). */
static int check_arg(check_t *c, baton_argspec_t *a, const char *cmd,
                     size_t pos) {
  lua_State *L = c->L;
  static const char *const known[] = {
      "1",        "type",  "default", "help",    "required",
      "many",     "short", "values",  "metavar", "exists",
      "optional", "min",   "max",     "inactive"};
  char where[160];
  const char *kind = c->kind ? c->kind : "command";
  snprintf(where, sizeof where, "argument %zu of %s '%s'", pos, kind, cmd);
  if (lua_rawgeti(L, -1, 1) != LUA_TSTRING) {
    lua_pop(L, 1);
    return failf(c, cmd, "%s has no name: write { \"who\", ... } for a "
                         "positional argument or { \"--times\", ... } for a flag",
                 where);
  }
  const char *raw = lua_tostring(L, -1);
  /* Errors about this argument point at the line of its quoted name. */
  char at[80];
  snprintf(at, sizeof at, "%s", raw);
  a->flag = strncmp(raw, "--", 2) == 0;
  const char *name = a->flag ? raw + 2 : raw;
  if (!is_ident(name, 1)) {
    int r = failf(c, at, "%s is named '%s'; names are lower-case letters, "
                          "digits, '_' and '-', starting with a letter",
                  where, raw);
    lua_pop(L, 1);
    return r;
  }
  a->name = baton__strdup(name);
  lua_pop(L, 1);
  if (a->name == NULL)
    return BATON_ENOMEM;
  a->key = baton__strdup(a->name);
  for (char *k = a->key; k && *k; k++)
    if (*k == '-')
      *k = '_';
  snprintf(where, sizeof where, "argument '%s%s' of %s '%s'",
           a->flag ? "--" : "", a->name, kind, cmd);
  /* A script's arguments follow baton's own flags on the command line
   * (`baton --json run x.lua --quiet`), so only --help is taken there. */
  size_t nreserved =
      c->kind ? 1 : sizeof reserved_flags / sizeof *reserved_flags;
  for (size_t i = 0; a->flag && i < nreserved; i++)
    if (strcmp(a->name, reserved_flags[i]) == 0)
      return failf(c, at, "%s: --%s is a flag of baton itself; choose "
                               "another name", where, a->name);
  int r = check_keys(c, -1, where, known, sizeof known / sizeof *known);
  if (r)
    return r;

  if ((r = get_type(c, a, where, at)) != 0)
    return r;
  if (!a->flag && a->type == BATON_ARG_BOOLEAN)
    return failf(c, at, "%s is a boolean; a boolean must be a flag: "
                             "write \"--%s\"", where, a->name);
  if ((r = get_string(c, -1, "help", where, 0, &a->help)) != 0 ||
      (r = get_string(c, -1, "metavar", where, 0, &a->metavar)) != 0)
    return r;
  char *sh = NULL;
  if ((r = get_string(c, -1, "short", where, 0, &sh)) != 0)
    return r;
  if (sh != NULL) {
    int ok = a->flag && strlen(sh) == 1 && isalpha((unsigned char)sh[0]);
    a->short_name = ok ? sh[0] : 0;
    free(sh);
    if (!ok)
      return failf(c, at, "%s: short must be one letter, for a flag",
                   where);
  }
  if ((r = get_values(c, a, where, at)) != 0)
    return r;
  lua_getfield(L, -1, "required");
  a->required = lua_toboolean(L, -1);
  lua_getfield(L, -2, "many");
  a->many = lua_toboolean(L, -1);
  lua_getfield(L, -3, "exists");
  a->must_exist = lua_toboolean(L, -1);
  lua_getfield(L, -4, "optional");
  int optional = lua_toboolean(L, -1);
  lua_getfield(L, -5, "inactive");
  a->inactive = lua_toboolean(L, -1);
  lua_pop(L, 5);
  if (a->inactive && a->type != BATON_ARG_PERSON)
    return failf(c, at,
                 "%s: inactive = true is for a person argument (type = "
                 "\"person\"); remove it",
                 where);
  if ((r = get_bounds(c, a, where, at)) != 0)
    return r;
  if (!a->flag && !a->def.set && !optional)
    a->required = 1;
  if (a->metavar == NULL) {
    const char *mv = a->type == BATON_ARG_INTEGER || a->type == BATON_ARG_NUMBER
                         ? "N"
                     : a->type == BATON_ARG_DATE ? "DATE"
                     : a->type == BATON_ARG_PATH ? "FILE"
                     : a->type == BATON_ARG_PERSON ? "PERSON"
                     : a->type == BATON_ARG_GROUP  ? "GROUP"
                                                  : NULL;
    if (mv)
      a->metavar = baton__strdup(mv);
    else {
      a->metavar = baton__strdup(a->name);
      for (char *k = a->metavar; k && *k; k++)
        *k = *k == '-' ? '_' : (char)toupper((unsigned char)*k);
    }
  }
  return 0;
}

static int cmp_cmd(const void *a, const void *b) {
  return strcmp(((const baton_cmdspec_t *)a)->name,
                ((const baton_cmdspec_t *)b)->name);
}

/* Reads an `args` list (the table at -1) into cmd->args, checking each
 * entry and the order of positionals. `where` names the command in
 * messages. */
static int check_args(check_t *c, baton_cmdspec_t *cmd, const char *where) {
  lua_State *L = c->L;
  const char *name = cmd->name;
  size_t na = (size_t)lua_rawlen(L, -1);
  cmd->args = calloc(na ? na : 1, sizeof *cmd->args);
  if (cmd->args == NULL)
    return BATON_ENOMEM;
  for (size_t i = 0; i < na; i++) {
    int r;
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TTABLE) {
      r = failf(c, name, "argument %zu of %s is %s; write { \"name\", "
                         "type = ..., help = ... }",
                i + 1, where, lua_kind(L, -1));
      lua_pop(L, 1);
      return r;
    }
    cmd->nargs++;
    r = check_arg(c, &cmd->args[i], name, i + 1);
    lua_pop(L, 1);
    if (r != 0)
      return r;
    baton_argspec_t *a = &cmd->args[i];
    for (size_t j = 0; j < i; j++)
      if (strcmp(cmd->args[j].key, a->key) == 0)
        return failf(c, a->name, "%s declares '%s' twice", where, a->name);
    for (size_t j = 0; !a->flag && j < i; j++) {
      const baton_argspec_t *b = &cmd->args[j];
      if (!b->flag && b->many)
        return failf(c, b->name, "%s: positional '%s' takes many values "
                                 "so it must be the last positional",
                     where, b->name);
      if (!b->flag && !b->required && a->required)
        return failf(c, a->name, "%s: required positional '%s' comes "
                                 "after optional '%s'; put required "
                                 "ones first", where, a->name, b->name);
    }
  }
  return 0;
}

/* Reads an `access` field of the table at -1 into *a (unchanged when
 * absent); `allowed` access values are accepted, the others refused. */
static int get_access(check_t *c, const char *where, int allow_self,
                      baton_access_t *a) {
  char *v = NULL;
  int r = get_string(c, -1, "access", where, 0, &v);
  if (r != 0 || v == NULL)
    return r;
  size_t n = allow_self ? 3 : 2, i;
  static const char *const page_access[] = {"coordinator", "any"};
  const char *const *names = allow_self ? access_names : page_access;
  for (i = 0; i < n && strcmp(v, names[i]) != 0; i++)
    ;
  if (i == n) {
    const char *sug = baton__suggest(v, names, n);
    r = failf(c, "access",
              "access of %s is '%s'%s%s%s; write %s", where, v,
              sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "",
              allow_self ? "\"coordinator\" (the default), \"any\" (anyone "
                           "signed in but viewers) or \"self\" (a person for "
                           "their own records)"
                         : "\"any\" (the default: anyone signed in) or "
                           "\"coordinator\"");
  } else {
    *a = (baton_access_t)i;
  }
  free(v);
  return r;
}

/* Reads `access` and `self` of the command spec at -1, after its args. */
static int check_access(check_t *c, baton_cmdspec_t *cmd, const char *where) {
  int r = get_access(c, where, 1, &cmd->access);
  if (r == 0)
    r = get_string(c, -1, "self", where, 0, &cmd->self);
  if (r != 0)
    return r;
  if (cmd->access != BATON_ACCESS_SELF) {
    if (cmd->self)
      return failf(c, "self", "%s has self = \"%s\" but its access is "
                              "not \"self\"; add access = \"self\" or "
                              "remove self",
                   where, cmd->self);
    return 0;
  }
  if (cmd->self == NULL && (cmd->self = baton__strdup("person")) == NULL)
    return BATON_ENOMEM;
  for (size_t i = 0; i < cmd->nargs; i++)
    if (strcmp(cmd->args[i].key, cmd->self) == 0) {
      baton_argtype_t t = cmd->args[i].type;
      if (t != BATON_ARG_PERSON && t != BATON_ARG_STRING)
        return failf(c, "self", "%s: its self argument '%s' is of type %s; "
                                "it must name a person (type = \"person\")",
                     where, cmd->self, baton__argtype_name(t));
      if (cmd->args[i].many)
        return failf(c, "self", "%s: its self argument '%s' takes many "
                                "values; it must name one person",
                     where, cmd->self);
      return 0;
    }
  return failf(c, "access", "%s has access = \"self\" but no argument "
                            "'%s' for the host to fill with the signed-in "
                            "person; add { \"%s\", type = \"person\" } to "
                            "its args, or name the argument with self = "
                            "\"...\"",
               where, cmd->self, cmd->self);
}

/* A route path a page, `leadership` or `notices` names: "/api/...", no
 * query. */
static int check_route_path(check_t *c, const char *key, const char *where,
                            const char *path) {
  if (strncmp(path, "/api/", 5) == 0 && strcspn(path, "?# \t") == strlen(path))
    return 0;
  return failf(c, key, "%s of %s is '%s'; it must be the path of one of "
                       "the plugin's GET routes, starting with /api/ "
                       "(e.g. \"/api/mentoring/page\")",
               key, where, path);
}

/* Reads `pages` (the list at -1) into m->pages. */
static int check_pages(check_t *c, baton_manifest_t *m) {
  lua_State *L = c->L;
  static const char *const known[] = {"name", "title", "data", "html",
                                      "access"};
  /* A list: exactly the keys 1..n, n > 0. */
  size_t n = lua_rawlen(L, -1), count = 0;
  for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
    count++;
  if (count != n || n == 0)
    return failf(c, "pages", "pages must be a list of pages: pages = { { "
                             "name = \"pairs\", title = \"Mentoring\", "
                             "data = \"/api/mentoring/page\" } }");
  if ((m->pages = calloc(n, sizeof *m->pages)) == NULL)
    return BATON_ENOMEM;
  int r = 0;
  for (size_t i = 0; r == 0 && i < n; i++) {
    char where[64];
    snprintf(where, sizeof where, "page %zu", i + 1);
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    baton_page_t *pg = &m->pages[m->npages++];
    pg->access = BATON_ACCESS_ANY;
    if (lua_type(L, -1) != LUA_TTABLE)
      r = failf(c, "pages", "%s is %s; it must be a table { name = ..., "
                            "title = ..., data = ... }",
                where, lua_kind(L, -1));
    if (r == 0)
      r = check_keys(c, -1, where, known, sizeof known / sizeof *known);
    if (r == 0)
      r = get_string(c, -1, "name", where, 1, &pg->name);
    if (r == 0 && !is_ident(pg->name, 1))
      r = failf(c, "pages", "%s is named '%s'; a page's name is a word in "
                            "lower case (letters, digits, '_' and '-')",
                where, pg->name);
    for (size_t j = 0; r == 0 && j + 1 < m->npages; j++)
      if (strcmp(m->pages[j].name, pg->name) == 0)
        r = failf(c, "pages", "two pages are named '%s'; give each page a "
                              "name of its own",
                  pg->name);
    if (r == 0)
      r = get_string(c, -1, "title", where, 1, &pg->title);
    if (r == 0)
      r = get_string(c, -1, "data", where, 0, &pg->data);
    if (r == 0)
      r = get_string(c, -1, "html", where, 0, &pg->html);
    if (r == 0 && (pg->data == NULL) == (pg->html == NULL))
      r = failf(c, "pages", "page '%s' must have exactly one of data (a "
                            "route answering blocks the dashboard draws) "
                            "and html (a route answering a whole HTML "
                            "page)",
                pg->name);
    if (r == 0)
      r = check_route_path(c, pg->data ? "data" : "html", where,
                           pg->data ? pg->data : pg->html);
    if (r == 0)
      r = get_access(c, where, 0, &pg->access);
    lua_pop(L, 1);
  }
  return r;
}

/* Reads `commands` (the table at -1) into m->cmds, sorted by name. */
static int check_commands(check_t *c, baton_manifest_t *m) {
  lua_State *L = c->L;
  static const char *const known[] = {"summary", "help", "args", "access",
                                      "self"};
  size_t n;
  mkey_t *ks = sorted_keys(L, -1, &n); /* [commands, keys] */
  m->cmds = calloc(n ? n : 1, sizeof *m->cmds);
  if (m->cmds == NULL) {
    free(ks);
    lua_pop(L, 1);
    return BATON_ENOMEM;
  }
  int r = 0;
  for (size_t k = 0; r == 0 && k < n; k++) {
    const char *name = ks[k].s;
    if (name == NULL || !is_ident(name, 1)) {
      r = failf(c, "commands", "commands must be named: commands = { "
                               "greet = { ... } }, names in lower case");
      break;
    }
    lua_getfield(L, -2, name); /* [commands, keys, spec] */
    baton_cmdspec_t *cmd = &m->cmds[m->ncmds++];
    cmd->name = baton__strdup(name);
    char where[128];
    snprintf(where, sizeof where, "command '%s'", name);
    if (cmd->name == NULL)
      r = BATON_ENOMEM;
    else if (lua_type(L, -1) != LUA_TTABLE)
      r = failf(c, name, "%s is %s; it must be a table { summary = ..., args "
                         "= { ... } }", where, lua_kind(L, -1));
    if (r != 0) {
      lua_pop(L, 1);
      break;
    }
    c->at = cmd->name;
    r = check_keys(c, -1, where, known, sizeof known / sizeof *known);
    if (r == 0)
      r = get_string(c, -1, "summary", where, 1, &cmd->summary);
    if (r == 0)
      r = get_string(c, -1, "help", where, 0, &cmd->help);
    c->at = NULL;
    if (r == 0) {
      int t = lua_getfield(L, -1, "args"); /* [commands, keys, spec, args] */
      if (t == LUA_TTABLE)
        r = check_args(c, cmd, where);
      else if (t != LUA_TNIL)
        r = failf(c, "args", "args of %s is %s; it must be a list", where,
                  lua_kind(L, -1));
      lua_pop(L, 1);
    }
    if (r == 0)
      r = check_access(c, cmd, where);
    lua_pop(L, 1);
  }
  free(ks);
  lua_pop(L, 1);
  if (r == 0)
    qsort(m->cmds, m->ncmds, sizeof *m->cmds, cmp_cmd);
  return r;
}

static int cmp_setting(const void *a, const void *b) {
  return strcmp(((const baton_argspec_t *)a)->name,
                ((const baton_argspec_t *)b)->name);
}

/* Reads `settings` of the manifest at -1 into m->settings, sorted by
 * name: settings = { capacity = { type = "integer", default = 2, min = 1,
 * help = "..." } }, each checked as a command argument is (its type,
 * values, default, min and max), so `baton config` checks a value the way
 * a command checks its arguments. */
static int check_settings(check_t *c, baton_manifest_t *m) {
  lua_State *L = c->L;
  static const char *const known[] = {"type", "default", "help",
                                      "values", "min", "max"};
  int t = lua_getfield(L, -1, "settings");
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  int r = 0;
  if (t != LUA_TTABLE) {
    r = failf(c, "settings", "settings is %s; it must be a table of "
                             "settings: settings = { capacity = { type = "
                             "\"integer\", default = 2 } }",
              lua_kind(L, -1));
    lua_pop(L, 1);
    return r;
  }
  size_t n = 0;
  for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
    n++;
  m->settings = calloc(n ? n : 1, sizeof *m->settings);
  if (m->settings == NULL) {
    lua_pop(L, 1);
    return BATON_ENOMEM;
  }
  for (lua_pushnil(L); r == 0 && lua_next(L, -2); lua_pop(L, 1)) {
    /* [settings, name, spec] */
    if (lua_type(L, -2) != LUA_TSTRING || !is_ident(lua_tostring(L, -2), 0)) {
      r = failf(c, "settings", "settings must be named in lower case "
                               "(letters, digits and '_'): settings = { "
                               "capacity = { ... } }");
      break;
    }
    const char *name = lua_tostring(L, -2);
    char where[128];
    snprintf(where, sizeof where, "setting '%s'", name);
    if (lua_type(L, -1) != LUA_TTABLE) {
      r = failf(c, name, "%s is %s; it must be a table { type = ..., "
                         "default = ..., help = ... }", where, lua_kind(L, -1));
      break;
    }
    baton_argspec_t *a = &m->settings[m->nsettings++];
    if ((a->name = baton__strdup(name)) == NULL ||
        (a->key = baton__strdup(name)) == NULL) {
      r = BATON_ENOMEM;
      break;
    }
    if ((r = check_keys(c, -1, where, known, sizeof known / sizeof *known)) ||
        (r = get_type(c, a, where, name)) ||
        (r = get_string(c, -1, "help", where, 0, &a->help)) ||
        (r = get_values(c, a, where, name)) ||
        (r = get_bounds(c, a, where, name)))
      break;
  }
  if (r != 0)
    lua_pop(L, 3); /* [manifest] */
  else
    lua_pop(L, 1);
  qsort(m->settings, m->nsettings, sizeof *m->settings, cmp_setting);
  return r;
}

/* A module name require() takes: letters, digits and '_', dots between. */
static int is_module_name(const char *s) {
  if (*s == '\0' || *s == '.')
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_' ||
          (*s == '.' && s[1] != '.' && s[1] != '\0')))
      return 0;
  return 1;
}

/* An event kind, "PREFIX.*" or "*": no spaces or control characters, a
 * '*' only as the last character after a '.' (or alone). */
static int is_hook_pattern(const char *s) {
  if (strcmp(s, "*") == 0)
    return 1;
  size_t n = strlen(s);
  if (n == 0 || n > 200)
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch <= ' ' || ch == 0x7f)
      return 0;
    if (ch == '*' && !(i == n - 1 && i >= 2 && s[i - 1] == '.'))
      return 0;
  }
  return 1;
}

int baton__hook_covers(const char *pattern, const char *kind) {
  size_t n = strlen(pattern);
  if (strcmp(pattern, "*") == 0)
    return 1;
  if (n >= 2 && pattern[n - 1] == '*')
    return strncmp(pattern, kind, n - 1) == 0;
  return strcmp(pattern, kind) == 0;
}

/* Checks the manifest table on top of c->L and copies it into m. */
static int check_manifest(check_t *c, baton_manifest_t *m) {
  lua_State *L = c->L;
  static const char *const known[] = {
      "name",        "version",  "api",      "summary",     "namespace",
      "permissions", "depends",  "commands", "description", "author",
      "license",     "homepage", "settings", "exports",     "hooks",
      "pages",       "leadership", "notices"};
  const char *where = "the manifest";
  int r;
  if (!lua_istable(L, -1))
    return failf(c, "return", "plugin.lua returns %s; it must return a table: "
                              "return { name = ..., version = ..., api = %d, "
                              "summary = ... }",
                 lua_kind(L, -1), BATON_API_LEVEL);
  int keys[MANIFEST_DEPTH + 2];
  if ((!plain_quick(c->L, -1, 0) && (r = check_plain(c, -1, keys, 0)) != 0) ||
      (r = check_keys(c, -1, where, known, sizeof known / sizeof *known)) != 0)
    return r;
  if ((r = get_string(c, -1, "name", where, 1, &m->name)) != 0)
    return r;
  if (!is_ident(m->name, 0))
    return failf(c, "name", "name '%s' is not valid: use lower-case letters, "
                            "digits and '_', starting with a letter", m->name);
  if ((r = get_string(c, -1, "version", where, 1, &m->version)) != 0)
    return r;
  if (!is_semver(m->version))
    return failf(c, "version", "version '%s' is not a semantic version; write "
                               "MAJOR.MINOR.PATCH, e.g. \"0.1.0\"", m->version);
  lua_getfield(L, -1, "api");
  if (!lua_isinteger(L, -1)) {
    r = failf(c, "api", "api is %s; it must be the host API level, an "
                        "integer: api = %d", lua_kind(L, -1), BATON_API_LEVEL);
    lua_pop(L, 1);
    return r;
  }
  m->api = (long long)lua_tointeger(L, -1);
  lua_pop(L, 1);
  if (m->api != BATON_API_LEVEL)
    return failf(c, "api", "plugin '%s' needs host API level %lld but this "
                           "baton provides level %d; %s",
                 m->name, m->api, BATON_API_LEVEL,
                 m->api > BATON_API_LEVEL
                     ? "upgrade baton or use an older version of the plugin"
                     : "update the plugin to the current API (see "
                       "docs/plugins.md)");
  if ((r = get_string(c, -1, "summary", where, 1, &m->summary)) != 0 ||
      (r = get_string(c, -1, "namespace", where, 0, &m->ns)) != 0)
    return r;
  if (m->ns == NULL && (m->ns = baton__strdup(m->name)) == NULL)
    return BATON_ENOMEM;
  if (!is_ident(m->ns, 1))
    return failf(c, "namespace", "namespace '%s' is not a valid command word: "
                                 "use lower-case letters, digits, '_' and '-'",
                 m->ns);
  char **perms;
  size_t nperms;
  r = get_string_list(c, -1, "permissions", where, &perms, &nperms);
  for (size_t i = 0; r == 0 && i < nperms; i++) {
    char *why = NULL;
    r = baton__grant_add(&m->perms, &m->scopes, perms[i], "", &why);
    if (r == BATON_EINVAL)
      r = failf(c, "permissions", "%s", why);
    free(why);
  }
  strlist_free(perms, nperms);
  if (r)
    return r;
  if ((r = get_string_list(c, -1, "depends", where, &m->depends,
                           &m->ndepends)) != 0 ||
      (r = get_string_list(c, -1, "exports", where, &m->exports,
                           &m->nexports)) != 0 ||
      (r = get_string_list(c, -1, "hooks", where, &m->hooks, &m->nhooks)) != 0)
    return r;
  for (size_t i = 0; i < m->nexports; i++)
    if (!is_module_name(m->exports[i]))
      return failf(c, "exports",
                   "exports entry '%s' is not a module name: "
                   "write a name require() takes, letters, "
                   "digits and '_' with dots between "
                   "(\"dates\" is dates.lua, \"init\" is "
                   "init.lua)",
                   m->exports[i]);
  for (size_t i = 0; i < m->nhooks; i++)
    if (!is_hook_pattern(m->hooks[i]))
      return failf(c, "hooks",
                   "hooks entry '%s' is not an event kind: write "
                   "a kind (\"mentor.pair\"), a prefix ending in "
                   "\".*\" (\"mentor.*\") or \"*\" for every "
                   "kind",
                   m->hooks[i]);
  int t = lua_getfield(L, -1, "commands");
  if (t == LUA_TTABLE)
    r = check_commands(c, m);
  else if (t != LUA_TNIL)
    r = failf(c, "commands", "commands is %s; it must be a table of "
                             "commands: commands = { greet = { ... } }",
              lua_kind(L, -1));
  else if ((m->cmds = calloc(1, sizeof *m->cmds)) == NULL)
    r = BATON_ENOMEM;
  lua_pop(L, 1);
  if (r == 0)
    r = check_settings(c, m);
  if (r == 0 && lua_getfield(L, -1, "pages") != LUA_TNIL)
    r = lua_istable(L, -1)
            ? check_pages(c, m)
            : failf(c, "pages", "pages is %s; it must be a list of pages: "
                                "pages = { { name = ..., title = ..., data = "
                                "... } }",
                    lua_kind(L, -1));
  if (r == 0)
    lua_pop(L, 1);
  if (r == 0 &&
      (r = get_string(c, -1, "leadership", where, 0, &m->leadership)) == 0 &&
      m->leadership)
    r = check_route_path(c, "leadership", where, m->leadership);
  if (r == 0 && (r = get_string(c, -1, "notices", where, 0, &m->notices)) == 0 &&
      m->notices)
    r = check_route_path(c, "notices", where, m->notices);
  return r;
}

int baton__manifest_load(const char *path, baton_manifest_t **out,
                         char **err) {
  *out = NULL;
  *err = NULL;
  check_t c = {.path = path};
  char *src = NULL;
  size_t len;
  int r = baton__file_read(path, &src, &len, err);
  if (r != 0)
    return r;
  c.src = src;

  budget_t budget = {0};
  lua_State *L = lua_newstate(capped_alloc, &budget);
  if (L == NULL) {
    free(src);
    return BATON_ENOMEM;
  }
  c.L = L;
  baton_manifest_t *m = calloc(1, sizeof *m);
  if (m == NULL) {
    r = BATON_ENOMEM;
    goto fail;
  }
  char chunkname[1024];
  snprintf(chunkname, sizeof chunkname, "@%s", path);
  if (luaL_loadbufferx(L, src, len, chunkname, "t") != LUA_OK) {
    *err = baton__asprintf("%s; fix the syntax (plugin.lua must return a "
                           "table of plain data)",
                           lua_tostring(L, -1));
    r = BATON_EMANIFEST;
    goto fail;
  }
  lua_newtable(L); /* [chunk, env]: an empty environment */
  lua_setupvalue(L, -2, 1);
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, MANIFEST_INSTRUCTIONS);
  int st = lua_pcall(L, 0, 1, 0);
  lua_sethook(L, NULL, 0, 0);
  if (st != LUA_OK) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                     : "error object";
    if (st == LUA_ERRMEM)
      *err = baton__asprintf("%s: the manifest uses more than %u MiB; it "
                             "must be a small table of plain data",
                             path, MANIFEST_MEMORY >> 20);
    else if (strncmp(msg, path, strlen(path)) == 0)
      *err = baton__asprintf("%s (a manifest is evaluated with no globals "
                             "and no libraries: write plain data)", msg);
    else
      *err = baton__asprintf("%s: %s", path, msg);
    r = BATON_EMANIFEST;
    goto fail;
  }
  r = check_manifest(&c, m);
  if (r != 0) {
    if (c.err == NULL)
      c.err = baton__asprintf("%s: %s", path, baton_strerror(r));
    *err = c.err;
    goto fail;
  }
  lua_close(L);
  free(src);
  *out = m;
  return 0;

fail:
  baton__manifest_free(m);
  lua_close(L);
  free(src);
  if (*err == NULL)
    *err = baton__asprintf("%s: %s", path, baton_strerror(r));
  return r;
}

static void argspec_free(baton_argspec_t *a) {
  free(a->name);
  free(a->key);
  free(a->help);
  free(a->metavar);
  strlist_free(a->values, a->nvalues);
  baton__value_clear(&a->def);
  baton__value_clear(&a->min);
  baton__value_clear(&a->max);
}

void baton__cmdspec_clear(baton_cmdspec_t *c) {
  for (size_t j = 0; j < c->nargs; j++)
    argspec_free(&c->args[j]);
  free(c->args);
  free(c->name);
  free(c->summary);
  free(c->help);
  free(c->self);
  memset(c, 0, sizeof *c);
}

int baton__cmdspec_read(lua_State *L, const char *name, baton_cmdspec_t *cmd,
                        char **err) {
  check_t c = {.path = "baton.args", .src = "", .L = L, .kind = "script"};
  *err = NULL;
  memset(cmd, 0, sizeof *cmd);
  if ((cmd->name = baton__strdup(name)) == NULL)
    return BATON_ENOMEM;
  char where[160];
  snprintf(where, sizeof where, "script '%s'", name);
  int r = check_args(&c, cmd, where);
  *err = c.err;
  return r;
}

void baton__manifest_free(baton_manifest_t *m) {
  if (m == NULL)
    return;
  for (size_t i = 0; i < m->ncmds; i++)
    baton__cmdspec_clear(&m->cmds[i]);
  free(m->cmds);
  for (size_t i = 0; i < m->nsettings; i++)
    argspec_free(&m->settings[i]);
  free(m->settings);
  strlist_free(m->depends, m->ndepends);
  strlist_free(m->exports, m->nexports);
  strlist_free(m->hooks, m->nhooks);
  for (size_t i = 0; i < m->npages; i++) {
    free(m->pages[i].name);
    free(m->pages[i].title);
    free(m->pages[i].data);
    free(m->pages[i].html);
  }
  free(m->pages);
  free(m->leadership);
  free(m->notices);
  baton__scopes_free(&m->scopes);
  free(m->name);
  free(m->version);
  free(m->summary);
  free(m->ns);
  free(m);
}

const baton_argspec_t *baton__manifest_setting(const baton_manifest_t *m,
                                               const char *key) {
  for (size_t i = 0; i < m->nsettings; i++)
    if (strcmp(m->settings[i].name, key) == 0)
      return &m->settings[i];
  return NULL;
}

int baton__manifest_line(const char *path, const char *key) {
  char *src;
  if (baton__file_read(path, &src, NULL, NULL) != 0)
    return 0;
  check_t c = {.path = path, .src = src};
  int line = line_of(&c, key);
  free(src);
  return line;
}

const baton_cmdspec_t *baton__manifest_command(const baton_manifest_t *m,
                                               const char *name) {
  for (size_t i = 0; i < m->ncmds; i++)
    if (strcmp(m->cmds[i].name, name) == 0)
      return &m->cmds[i];
  return NULL;
}
