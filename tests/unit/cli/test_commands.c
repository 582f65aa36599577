/* Tests of core/cli/serve/commands.c: baton__serve_may_run, who may run a
 * command from the browser, row by row: every role (a coordinator with a
 * person, the start-up token: a coordinator without one, staff, a viewer,
 * nobody) against every access ("coordinator", "any", "self") and every
 * way of giving the self argument (one's own id, another's, none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "serve/serve.h"

enum { OWN, OTHER, NONE };

typedef struct {
  const char *role;
  const char *person;
  baton_access_t access;
  int given;
  int status;         /* 0 allowed, 401, 403 */
  const char *fill;   /* when allowed: what the host gives the self arg */
  const char *reason; /* when refused: part of the message */
} row_t;

#define C BATON_ACCESS_COORDINATOR
#define A BATON_ACCESS_ANY
#define S BATON_ACCESS_SELF

static const row_t rows[] = {
    /* a coordinator signed in as T001: everything; self defaults to them */
    {"coordinator", "T001", C, OWN, 0, NULL, NULL},
    {"coordinator", "T001", C, OTHER, 0, NULL, NULL},
    {"coordinator", "T001", C, NONE, 0, NULL, NULL},
    {"coordinator", "T001", A, OWN, 0, NULL, NULL},
    {"coordinator", "T001", A, OTHER, 0, NULL, NULL},
    {"coordinator", "T001", A, NONE, 0, NULL, NULL},
    {"coordinator", "T001", S, OWN, 0, NULL, NULL},
    {"coordinator", "T001", S, OTHER, 0, NULL, NULL},
    {"coordinator", "T001", S, NONE, 0, "T001", NULL},
    /* the start-up token: a coordinator who is nobody in particular */
    {"coordinator", NULL, C, NONE, 0, NULL, NULL},
    {"coordinator", NULL, A, OTHER, 0, NULL, NULL},
    {"coordinator", NULL, S, OTHER, 0, NULL, NULL},
    {"coordinator", NULL, S, NONE, 0, NULL, NULL},
    /* staff T002: any, and self for themselves only */
    {"staff", "T002", C, OWN, 403, NULL, "access = \"coordinator\""},
    {"staff", "T002", C, OTHER, 403, NULL, "access = \"coordinator\""},
    {"staff", "T002", C, NONE, 403, NULL, "access = \"coordinator\""},
    {"staff", "T002", A, OWN, 0, NULL, NULL},
    {"staff", "T002", A, OTHER, 0, NULL, NULL},
    {"staff", "T002", A, NONE, 0, NULL, NULL},
    {"staff", "T002", S, OWN, 0, "T002", NULL},
    {"staff", "T002", S, OTHER, 403, NULL, "only for themselves"},
    {"staff", "T002", S, NONE, 0, "T002", NULL},
    /* staff without a person (a credential naming nobody): no self */
    {"staff", NULL, S, NONE, 403, NULL, "names no person"},
    /* a viewer T003: nothing */
    {"viewer", "T003", C, OWN, 403, NULL, "viewer"},
    {"viewer", "T003", C, OTHER, 403, NULL, "viewer"},
    {"viewer", "T003", C, NONE, 403, NULL, "viewer"},
    {"viewer", "T003", A, OWN, 403, NULL, "viewer"},
    {"viewer", "T003", A, OTHER, 403, NULL, "viewer"},
    {"viewer", "T003", A, NONE, 403, NULL, "viewer"},
    {"viewer", "T003", S, OWN, 403, NULL, "viewer"},
    {"viewer", "T003", S, OTHER, 403, NULL, "viewer"},
    {"viewer", "T003", S, NONE, 403, NULL, "viewer"},
    /* nobody signed in: 401 */
    {"", NULL, C, OWN, 401, NULL, "sign in"},
    {"", NULL, C, OTHER, 401, NULL, "sign in"},
    {"", NULL, C, NONE, 401, NULL, "sign in"},
    {"", NULL, A, OWN, 401, NULL, "sign in"},
    {"", NULL, A, OTHER, 401, NULL, "sign in"},
    {"", NULL, A, NONE, 401, NULL, "sign in"},
    {"", NULL, S, OWN, 401, NULL, "sign in"},
    {"", NULL, S, OTHER, 401, NULL, "sign in"},
    {"", NULL, S, NONE, 401, NULL, "sign in"},
};

static void test_every_row(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const row_t *w = &rows[i];
    serve_who_t who = {0};
    who.person = (char *)w->person;
    snprintf(who.role, sizeof who.role, "%s", w->role);
    baton_cmdspec_t spec = {.name = "go",
                            .access = w->access,
                            .self = w->access == S ? "person" : NULL};
    const char *own = w->person ? w->person : "T001";
    const char *given = w->given == OWN     ? own
                        : w->given == OTHER ? "T999"
                                            : NULL;
    const char *fill = "unset";
    int status = 0;
    const char *msg = baton__serve_may_run(&who, &spec, given, &fill, &status);
    char where[160];
    snprintf(where, sizeof where, "row %zu: %s %s, access %s, given %s", i,
             w->role[0] ? w->role : "nobody", w->person ? w->person : "-",
             baton__access_name(w->access), given ? given : "none");
    if (w->status == 0) {
      if (msg != NULL)
        fail_msg("%s: refused (%s), expected allowed", where, msg);
      if ((fill == NULL) != (w->fill == NULL) ||
          (fill && strcmp(fill, w->fill) != 0))
        fail_msg("%s: fill %s, expected %s", where, fill ? fill : "NULL",
                 w->fill ? w->fill : "NULL");
    } else {
      if (msg == NULL)
        fail_msg("%s: allowed, expected %d", where, w->status);
      if (status != w->status)
        fail_msg("%s: status %d, expected %d (%s)", where, status, w->status,
                 msg);
      if (strstr(msg, w->reason) == NULL)
        fail_msg("%s: message '%s' lacks '%s'", where, msg, w->reason);
    }
  }
}

/* The listing's may_run is the same rule with no argument given: a staff
 * member may run a self command (for themselves), not a coordinator's. */
static void test_listing_rule_is_the_run_rule(void **state) {
  (void)state;
  serve_who_t staff = {.person = "T002", .role = "staff"};
  baton_cmdspec_t self = {.name = "answer", .access = S, .self = "person"};
  baton_cmdspec_t coord = {.name = "match", .access = C};
  const char *fill;
  int status;
  assert_null(baton__serve_may_run(&staff, &self, NULL, &fill, &status));
  assert_string_equal(fill, "T002");
  assert_non_null(baton__serve_may_run(&staff, &coord, NULL, &fill, &status));
  assert_int_equal(status, 403);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_row),
      cmocka_unit_test(test_listing_rule_is_the_run_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
