/* core/cli/serve/schools.c: what a person sees of a district database.
 *
 * Core migration 7 gives people and groups a school and accounts the
 * school where their role holds, or the district role (every school;
 * core/store/schools.c). Here the rule of `baton serve`:
 *
 *   - a signed-in person (session or API token) sees and acts on their
 *     school only: /api/people, /api/groups and /api/events (events whose
 *     subject is a person of another school are left out) answer for that
 *     school, and a command's person or group arguments must be of it
 *     (commands.c asks baton__serve_school_refuses);
 *   - a district account, and the server's operator (its start-up token or
 *     an operator session: no person), see every school and may pick one
 *     with ?school=S; anyone else naming another school is refused (403),
 *     not silently given their own;
 *   - nobody signed in (a local server without --allow-remote, where reads
 *     need no sign-in) reads as the operator does: whoever can reach it
 *     can read the database file too.
 *
 * On a database of one school everyone's school is '' and nothing
 * changes. */
#include <stdlib.h>
#include <string.h>

#include "serve.h"

void baton__serve_who_scope(serve_t *sv, serve_who_t *who) {
  if (baton_user_scope(sv->store, who->person, &who->school, &who->district) !=
      0) {
    /* No account behind the credential any more: nobody. */
    free(who->person);
    who->person = NULL;
    who->role[0] = '\0';
    who->school = NULL;
    who->district = 0;
  }
}

int baton__serve_school_of(serve_t *sv, baton_http_req_t *r,
                           const serve_who_t *who, char **school) {
  *school = NULL;
  char *want = baton__http_query_get(baton__http_req_query(r), "school");
  int all = who->person == NULL || who->district;
  if (!all) {
    if (want != NULL && strcmp(want, who->school) != 0) {
      free(want);
      send_error(r, 403,
                 "your account's role holds in your own school only; "
                 "another school's data is for district accounts (rule: "
                 "a school sees only itself; `baton users role PERSON "
                 "district`)");
      return -1;
    }
    free(want);
    if ((*school = baton__strdup(who->school)) == NULL) {
      send_error(r, 500, "out of memory");
      return -1;
    }
    return 0;
  }
  if (want == NULL)
    return 0;
  if (*want != '\0' && baton_school_check(sv->store, want) != 0) {
    send_error(r, 404, baton_store_last_error(sv->store));
    free(want);
    return -1;
  }
  *school = want;
  return 0;
}

static int add_school(const baton_school_t *sc, void *ud) {
  return json_array_append_new(ud, json_pack("{s:s, s:I, s:I, s:I}", "school",
                                             sc->name, "people",
                                             (json_int_t)sc->people, "groups",
                                             (json_int_t)sc->groups, "accounts",
                                             (json_int_t)sc->accounts)) == 0
             ? 0
             : BATON_ENOMEM;
}

void baton__serve_api_schools(serve_t *sv, baton_http_req_t *r,
                              const serve_who_t *who) {
  json_t *a = json_array(), *mine = json_array();
  int err = baton_schools_each(sv->store, add_school, a);
  if (err != 0) {
    json_decref(a);
    json_decref(mine);
    send_error(r, 500, baton_store_last_error(sv->store));
    return;
  }
  if (who->person == NULL || who->district) {
    json_decref(mine);
    send_json(r, 200, a);
    return;
  }
  size_t i;
  json_t *o;
  json_array_foreach(a, i, o) {
    if (strcmp(json_string_value(json_object_get(o, "school")), who->school) ==
        0)
      json_array_append(mine, o);
  }
  json_decref(a);
  send_json(r, 200, mine);
}

char *baton__serve_school_refuses(serve_t *sv, const serve_who_t *who,
                                  const char *id, int group) {
  if (who->person == NULL || who->district || id == NULL)
    return NULL;
  if (group) {
    int yes = 0;
    if (baton_group_in_school(sv->store, id, who->school, &yes) != 0)
      return baton__strdup(baton_store_last_error(sv->store));
    if (yes)
      return NULL;
    return baton__asprintf("group '%s' is not of your school: your "
                           "account's role holds in your own school only "
                           "(rule: a school acts only on itself)",
                           id);
  }
  char *school = NULL;
  int err = baton_person_school(sv->store, id, &school);
  if (err == BATON_ENOTFOUND)
    return NULL; /* the argument check names an unknown person */
  if (err != 0)
    return baton__strdup(baton_store_last_error(sv->store));
  char *why = strcmp(school, who->school) == 0
                  ? NULL
                  : baton__asprintf("'%s' is of another school: your "
                                    "account's role holds in your own "
                                    "school only (rule: a school acts only "
                                    "on itself)",
                                    id);
  free(school);
  return why;
}
