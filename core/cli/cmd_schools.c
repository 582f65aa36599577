/* core/cli/cmd_schools.c: `baton schools list`, the schools of a district
 * database: how many active people, groups and accounts each has.
 *
 * A school is the `school` column of the staff list (core/store/schools.c,
 * core migration 7); '' is the one school of a single-school database,
 * listed as "(one school)". Exit status: 0 done, 1 failed. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "builtin.h"

static int list_row(const baton_school_t *sc, void *ud) {
  baton_cli_t *cli = ((void **)ud)[0];
  json_t *a = ((void **)ud)[1];
  if (a != NULL)
    return json_array_append_new(
               a, json_pack("{s:s, s:I, s:I, s:I}", "school", sc->name,
                            "people", (json_int_t)sc->people, "groups",
                            (json_int_t)sc->groups, "accounts",
                            (json_int_t)sc->accounts)) != 0;
  fprintf(cli->out, "%-24s %7zu %7zu %9zu\n",
          sc->name[0] ? sc->name : "(one school)", sc->people, sc->groups,
          sc->accounts);
  return 0;
}

static int each_school(baton_store_t *s, const char *arg, void *ud) {
  (void)arg;
  return baton_schools_each(s, list_row, ud);
}

static int cmd_list(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  (void)args, (void)argc, (void)argv;
  char head[64];
  snprintf(head, sizeof head, "%-24s %7s %7s %9s", "SCHOOL", "PEOPLE", "GROUPS",
           "ACCOUNTS");
  return baton__cli_list(cli, spec, "schools", head, each_school, NULL);
}

const baton_builtin_t baton__schools_commands[] = {
    {"schools",
     {.name = "list",
      .summary = "List the schools: people, groups and accounts of each",
      .help = "A school is the staff list's `school` column; a database "
              "of one school has the one school '' (\"(one school)\").",
      .args = NULL,
      .nargs = 0},
     cmd_list},
};

const size_t baton__schools_ncommands =
    sizeof baton__schools_commands / sizeof *baton__schools_commands;
