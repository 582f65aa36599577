/* core/cli/cmd_db.c: `baton db`, whole databases: `baton db copy FROM TO`
 * moves a school's SQLite file into a district's PostgreSQL database and
 * back (or to another file), verified table by table, all or nothing
 * (baton_store_copy, core/store/copy.c).
 *
 * Exit status: 0 copied, 1 failed (TO as it was), 2 usage. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "builtin.h"

#define N(a) (sizeof(a) / sizeof *(a))

typedef struct {
  baton_cli_t *cli;
  const char *from, *to;
  json_t *tables; /* --json */
  long long rows;
  size_t n, created;
} copied_t;

static int print_table(const baton_copy_table_t *t, void *ud) {
  copied_t *c = ud;
  char hex[2 * BATON_COPY_CHECKSUM_SIZE + 1];
  for (size_t i = 0; i < BATON_COPY_CHECKSUM_SIZE; i++)
    snprintf(hex + 2 * i, 3, "%02x", t->checksum[i]);
  if (c->n == 0 && c->tables == NULL && !c->cli->opts.quiet)
    fprintf(c->cli->out, "Copied %s to %s:\n", c->from, c->to);
  c->rows += t->rows;
  c->n++;
  c->created += t->created != 0;
  if (c->tables != NULL)
    json_array_append_new(c->tables,
                          json_pack("{s:s, s:I, s:s, s:b}", "table", t->table,
                                    "rows", (json_int_t)t->rows, "checksum",
                                    hex, "created", t->created));
  else if (!c->cli->opts.quiet)
    fprintf(c->cli->out, "  %-28s %9lld row%s  blake2b %.16s\n", t->table,
            t->rows, t->rows == 1 ? " " : "s", hex);
  return 0;
}

/* Opens one side. FROM must exist already: opening creates a database,
 * and a mistyped FROM must not leave an empty one behind. */
static baton_store_t *open_side(baton_cli_t *cli, const char *which,
                                const char *target) {
  if (strcmp(which, "FROM") == 0 && !baton__sql_is_url(target)) {
    struct stat st;
    if (stat(target, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
      char *msg = baton__asprintf("FROM %s is not a baton database: %s", target,
                                  access(target, F_OK) != 0 ? "no such file"
                                                            : "an empty file");
      baton__host_report(cli->host, NULL, msg ? msg : "FROM: no such file",
                         "give the path of a school's database (its --db), "
                         "or a postgresql:// URL");
      free(msg);
      return NULL;
    }
  }
  baton_store_t *s;
  char *err = NULL;
  if (baton_store_open(&s, target, &err) != 0) {
    char *msg = baton__asprintf("%s: %s", which, err ? err : "cannot open");
    baton__host_report(
        cli->host, NULL, msg ? msg : "out of memory",
        strcmp(which, "FROM") == 0
            ? "FROM must be a baton database this baton can open"
            : "TO must be a new file, an empty baton database, or an empty "
              "PostgreSQL database you may write (createdb NAME); nothing "
              "was copied");
    free(msg);
    free(err);
    return NULL;
  }
  return s;
}

/* Whether two --db values name the same database (the same file, or the
 * same URL). */
static int same_db(const char *a, const char *b) {
  if (baton__sql_is_url(a) || baton__sql_is_url(b))
    return strcmp(a, b) == 0;
  struct stat x, y;
  return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
         x.st_ino == y.st_ino;
}

static int cmd_db_copy(baton_cli_t *cli, const baton_cmdspec_t *spec,
                       baton_value_t *args, int argc, const char *const *argv) {
  const char *from_arg = args[0].v.s, *to_arg = args[1].v.s;
  if (same_db(from_arg, to_arg)) {
    baton__usage_error(cli->host, spec, "baton db copy",
                       "FROM and TO are the same database: give TO a new "
                       "file name or an empty PostgreSQL database");
    return 2;
  }
  int to_file = !baton__sql_is_url(to_arg);
  int to_existed = to_file && access(to_arg, F_OK) == 0;
  baton_store_t *from = open_side(cli, "FROM", from_arg);
  if (from == NULL)
    return 1;
  baton_store_t *to = open_side(cli, "TO", to_arg);
  if (to == NULL) {
    baton_store_close(from);
    if (to_file && !to_existed)
      baton__demo_remove_db(to_arg);
    return 1;
  }
  copied_t c = {.cli = cli,
                .from = baton_store_path(from),
                .to = baton_store_path(to),
                .tables = cli->opts.json ? json_array() : NULL};
  int err = baton_store_copy(from, to, print_table, &c);
  if (err != 0) {
    baton__host_report(cli->host, NULL, baton_store_last_error(to),
                       to_existed || !to_file
                           ? "TO was left as it was (the copy is one "
                             "transaction, rolled back)"
                           : "TO was left as it was: the new file is removed");
    baton_store_close(from);
    baton_store_close(to);
    /* A TO that did not exist before goes again: "as it was". */
    if (to_file && !to_existed)
      baton__demo_remove_db(to_arg);
    json_decref(c.tables);
    return 1;
  }
  if (c.tables != NULL) {
    json_t *o = json_pack("{s:s, s:s, s:o, s:I}", "from",
                          baton_store_path(from), "to", baton_store_path(to),
                          "tables", c.tables, "rows", (json_int_t)c.rows);
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fprintf(cli->out, "%s\n", s ? s : "null");
    free(s);
    json_decref(o);
  } else if (!cli->opts.quiet) {
    fprintf(cli->out,
            "Copied %zu tables (%zu made from FROM's plugin tables), %lld "
            "rows; every table's row count and checksum verified on TO.\n",
            c.n, c.created, c.rows);
  }
  baton_store_close(from);
  baton_store_close(to);
  return 0;
}

static baton_argspec_t copy_args[] = {
    {.name = "from",
     .key = "from",
     .type = BATON_ARG_PATH,
     .required = 1,
     .metavar = "FROM",
     .help = "the database to copy: a file, or a postgresql:// URL"},
    {.name = "to",
     .key = "to",
     .type = BATON_ARG_PATH,
     .required = 1,
     .metavar = "TO",
     .help = "a new file, an empty baton database, or an empty PostgreSQL "
             "database (postgresql://...)"},
};

const baton_builtin_t baton__db_commands[] = {
    {"db",
     {.name = "copy",
      .summary = "Copy a whole database to a new one (SQLite or "
                 "PostgreSQL), verified",
      .help = "Copies every table (people, groups, events, accounts, the "
              "calendar, settings, every plugin's tables and their "
              "migrations) from FROM into TO, which must be new or empty. "
              "One transaction on TO: on any failure TO is left as it was "
              "(a new file is removed again). Before committing, each "
              "table's row count and BLAKE2b checksum are read back from TO "
              "and compared with FROM's; one line per table shows them. "
              "FROM is read from one snapshot, so a running `baton serve` "
              "may keep writing to it. See docs/store.md, \"Copying a "
              "database\".",
      .args = copy_args,
      .nargs = N(copy_args)},
     cmd_db_copy},
};

const size_t baton__db_ncommands = N(baton__db_commands);
