/* baton/store.h: people, groups and history in one SQLite file.
 *
 * A store is one database connection (WAL mode, foreign keys on) whose
 * schema is brought up to date by versioned migrations when it is opened.
 * Every practice reads the same people and groups and writes its history to
 * the same append-only event log:
 *
 *     baton_store_t *s;
 *     char *err;
 *     if (baton_store_open(&s, "baton.db", &err) != 0) {
 *       fprintf(stderr, "%s\n", err);
 *       free(err);
 *       return 1;
 *     }
 *     baton_import_options_t o;
 *     baton_import_options_init(&o);
 *     baton_import_report_t r;
 *     int rc = baton_people_import(s, "staff.csv", &o, &r);
 *     ...
 *     baton_import_report_free(&r);
 *     baton_store_close(s);
 *
 * Functions return 0 or a negative BATON_E* code; the sentence that says
 * what failed and what to do is kept by the store (baton_store_last_error)
 * until its next call. Strings handed to callbacks belong to the store and
 * are valid only during the callback. */
#ifndef BATON_STORE_H
#define BATON_STORE_H

#include <stddef.h>

typedef struct baton_store_s baton_store_t;

/* The newest core schema version this baton knows. */
#define BATON_STORE_SCHEMA_VERSION 7

/* SQLite's application_id of a baton database ("BATN"), so a file of
 * another program is told apart before anything writes to it. */
#define BATON_APPLICATION_ID 1111577678

/* Opens (creating if needed) the database at `path` and applies the core
 * migrations it lacks, each exactly once. Returns 0 and *out, or
 * BATON_EVERSION (the file comes from a newer baton), BATON_EBUSY (another
 * process holds the lock past the busy timeout), BATON_EREADONLY,
 * BATON_EFULL, BATON_EPERM, BATON_ESTORE (not a database, corrupt) or
 * BATON_ENOMEM. On failure *out is NULL and *err (malloc'd, the caller
 * frees it; may be NULL if err is NULL) names the file and the fix. */
int baton_store_open(baton_store_t **out, const char *path, char **err);

/* Closes the connection and frees the store. NULL is fine. */
void baton_store_close(baton_store_t *s);

/* The message of the last failure, or "" if none. Owned by the store. */
const char *baton_store_last_error(const baton_store_t *s);

/* The path the store was opened with. */
const char *baton_store_path(const baton_store_t *s);

/* The core schema version of the open database. */
int baton_store_schema_version(baton_store_t *s);

/* ---- people ------------------------------------------------------------ */

/* One person as stored. The lists (subjects, grades, languages) are
 * `;`-separated text; attrs is a JSON object holding the free attributes.
 * Absent values are NULL. */
typedef struct {
  const char *id;
  const char *name;
  const char *email;
  const char *role;
  const char *department;
  const char *campus;
  const char *subjects;
  const char *grades;
  const char *languages;
  const char *start_date;
  const char *manager_id;
  const char *attrs;
  int active;
  const char *role_in_group; /* only set by baton_group_members() */
} baton_person_t;

/* Return non-zero from a callback to stop the iteration; that value is then
 * returned by the iterating function. */
typedef int (*baton_person_cb)(const baton_person_t *p, void *ud);

/* A `key=value` condition: key names a core column (a list column matches
 * when it contains value) or a free attribute. */
typedef struct {
  const char *key;
  const char *value;
} baton_filter_t;

/* Calls cb for every person matching all filters, in id order; only active
 * people unless include_inactive. Returns 0, the callback's non-zero value,
 * or BATON_ESTORE. */
int baton_people_each(baton_store_t *s, const baton_filter_t *filters,
                      size_t nfilters, int include_inactive, baton_person_cb cb,
                      void *ud);

/* Calls cb once for the person with this id (active or not). Returns 0,
 * BATON_ENOTFOUND or BATON_ESTORE. */
int baton_people_get(baton_store_t *s, const char *id, baton_person_cb cb,
                     void *ud);

/* Calls cb for each person whose id is one of ids (n of them), active or
 * not, in id order, in one query; ids not found are skipped. Returns 0,
 * the callback's value, BATON_ENOMEM or a database error. */
int baton_people_get_many(baton_store_t *s, const char *const *ids, size_t n,
                          baton_person_cb cb, void *ud);

/* ---- groups ------------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *kind;
  size_t members;
} baton_group_t;

typedef int (*baton_group_cb)(const baton_group_t *g, void *ud);

/* Calls cb for every group in name order. Returns 0, the callback's value
 * or BATON_ESTORE. */
int baton_groups_each(baton_store_t *s, baton_group_cb cb, void *ud);

/* Calls cb for each member of the group (p->role_in_group set), in id
 * order. Returns 0, BATON_ENOTFOUND (no such group), the callback's value
 * or BATON_ESTORE. */
int baton_group_members(baton_store_t *s, const char *group,
                        baton_person_cb cb, void *ud);

/* Adds person to group (created with kind, default "team", if new; an
 * existing group's kind changes only when kind is not NULL) with the role
 * in group (NULL for none); an existing member's role is updated.
 * *added is 1 if the person was not a member. Returns 0, BATON_ENOTFOUND
 * (no such person) or a database error; nothing is written on failure. */
int baton_group_add(baton_store_t *s, const char *group, const char *kind,
                    const char *person, const char *role, int *added);

/* Takes person out of group. Returns 0, BATON_ENOTFOUND (no such group,
 * or not a member) or a database error. */
int baton_group_remove(baton_store_t *s, const char *group,
                       const char *person);

/* Deletes group and its memberships (the people stay); *members gets how
 * many there were. Returns 0, BATON_ENOTFOUND or a database error. */
int baton_group_delete(baton_store_t *s, const char *group, size_t *members);

/* The attribute names anyone has, sorted, in *names (free with
 * baton_names_free). Returns 0, BATON_ENOMEM or BATON_ESTORE. */
int baton_people_attr_names(baton_store_t *s, char ***names, size_t *n);
void baton_names_free(char **names, size_t n);

/* ---- import and export --------------------------------------------------- */

typedef enum {
  BATON_FORMAT_AUTO, /* from the file's extension: .json, else CSV */
  BATON_FORMAT_CSV,
  BATON_FORMAT_JSON
} baton_format_t;

/* How the dates of a file are written; ISO (YYYY-MM-DD) is always read. */
typedef enum {
  BATON_DATES_ISO,
  BATON_DATES_DMY, /* DD/MM/YYYY (also with . or -) */
  BATON_DATES_MDY  /* MM/DD/YYYY */
} baton_date_format_t;

typedef struct {
  baton_format_t format;
  int dry_run;       /* compute the report, write nothing */
  int full;          /* the file is the whole roster (or every group) */
  /* Source header renames, "Staff ID=id,Full Name=name"; a target built
   * from several columns joined by a space: "Forename+Surname=name". */
  const char *map;
  size_t max_errors; /* stop collecting after this many; default 50 */
  size_t max_changes; /* change lines kept in the report; default 200 */
  baton_date_format_t date_format;
  char delimiter;      /* ',', ';' or '\t'; 0: from the header line */
  int decimal_comma;   /* read "0,8" as 0.8; on by itself for ';' files */
  const char *list_sep; /* more list separators besides ';', e.g. "," */
  const char *roles;   /* a PATTERN,ROLE file turning job titles to roles */
  int update;  /* people: every id is already in baton; the name column
                * may be left out (`id,mentor_capacity`) */
  int replace; /* groups: a group in the file loses members it does not
                * list (by default they are kept, and counted) */
} baton_import_options_t;

void baton_import_options_init(baton_import_options_t *o);

/* What an import did (or, with dry_run, would do). For groups, the counts
 * are of memberships and `deactivated` counts memberships removed. */
typedef struct {
  size_t rows;
  size_t added, updated, unchanged, deactivated, rejected;
  char **errors; /* "FILE:LINE:COLUMN: what; fix" */
  size_t nerrors;
  size_t errors_dropped; /* errors past max_errors, not kept */
  char **changes;        /* "add T001 Ana Lopez", "update T002: email ..." */
  size_t nchanges;
  size_t changes_dropped;
  size_t kept; /* groups: members of a group in the file that it does not
                * list, kept because replace was off */
} baton_import_report_t;

/* Reads people from a CSV or JSON file and applies them in one transaction:
 * all rows or none. Returns 0 (report filled), BATON_EPARSE (the file has
 * errors: report->errors lists them and nothing was written), BATON_ENOENT
 * / BATON_EPERM (cannot read the file), BATON_EUSAGE (bad --map), or a
 * database error (BATON_EBUSY, BATON_EREADONLY, BATON_EFULL, BATON_ESTORE)
 * after which nothing was written either. The report is always initialised;
 * free it with baton_import_report_free(). */
int baton_people_import(baton_store_t *s, const char *path,
                        const baton_import_options_t *o,
                        baton_import_report_t *report);

/* Reads memberships (columns group, kind, person_id, role_in_group) and
 * applies them in one transaction. Each group named in the file gets
 * exactly the members the file lists; with `full`, groups the file does not
 * name lose their members too. Returns as baton_people_import(). */
int baton_groups_import(baton_store_t *s, const char *path,
                        const baton_import_options_t *o,
                        baton_import_report_t *report);

void baton_import_report_free(baton_import_report_t *r);

/* Writes every person (active and not) to path, atomically, as CSV (cells
 * a spreadsheet would run as a formula are prefixed with ') or JSON.
 * Returns 0 or BATON_EIO / BATON_EPERM / BATON_EFULL / BATON_ESTORE. */
int baton_people_export(baton_store_t *s, const char *path,
                        baton_format_t format);

/* As baton_people_export; excel writes a CSV for Excel on Windows (a
 * UTF-8 byte order mark and CRLF line ends); *rows gets the people
 * written. */
int baton_people_export_ex(baton_store_t *s, const char *path,
                           baton_format_t format, int excel, size_t *rows);

/* Writes every membership (and empty groups) as CSV or JSON. */
int baton_groups_export(baton_store_t *s, const char *path,
                        baton_format_t format);
/* As baton_groups_export, with excel and *rows (memberships written) as
 * in baton_people_export_ex. */
int baton_groups_export_ex(baton_store_t *s, const char *path,
                           baton_format_t format, int excel, size_t *rows);

/* ---- events: the append-only history ----------------------------------- */

typedef struct {
  long long id;
  const char *at; /* UTC, "2024-09-02T08:15:00.000Z" */
  const char *actor;
  const char *plugin;
  const char *kind;
  const char *subject;
  const char *data; /* JSON text or NULL */
} baton_event_t;

typedef int (*baton_event_cb)(const baton_event_t *e, void *ud);

/* Appends an event; data must be JSON text or NULL. Returns 0 and *id (if
 * id is not NULL), or BATON_EINVAL (no kind, data not JSON) or a database
 * error. */
int baton_events_log(baton_store_t *s, const char *plugin, const char *actor,
                     const char *kind, const char *subject, const char *data,
                     long long *id);

/* Calls cb for events matching the conditions that are not NULL, oldest
 * first; since is compared as text with `at` (a date or a timestamp).
 * limit 0 means no limit. Returns 0, the callback's value or BATON_ESTORE. */
int baton_events_each(baton_store_t *s, const char *plugin, const char *kind,
                      const char *subject, const char *since, size_t limit,
                      baton_event_cb cb, void *ud);

/* A condition on a field of an event's data: the value at `key` ("mentee",
 * or "a.b" for a nested field; letters, digits, '_', dots between) has
 * this type and value. */
typedef enum {
  BATON_MATCH_TEXT,
  BATON_MATCH_INTEGER,
  BATON_MATCH_NUMBER,
  BATON_MATCH_BOOLEAN
} baton_match_type_t;

typedef struct {
  const char *key;
  baton_match_type_t type;
  const char *text;
  long long integer; /* also the boolean, 0 or 1 */
  double number;
} baton_event_match_t;

/* What baton_events_query selects: every condition that is set. */
typedef struct {
  const char *plugin, *kind, *subject;
  const char *since; /* at >= since, compared as text */
  const char *until; /* at cut to until's length <= until: a date takes
                        in the whole day */
  long long id;      /* only this event; 0: any */
  int newest_first;  /* order, and which end limit keeps */
  size_t limit;      /* 0: no limit */
  const baton_event_match_t *data;
  size_t ndata;
} baton_event_query_t;

/* Calls cb for the events q selects, oldest first (newest first with
 * q->newest_first); a limit keeps the first `limit` in that order, so
 * the oldest, or the newest. The data conditions are done in SQL
 * (json_extract). Returns 0, the callback's value, BATON_EINVAL (a bad
 * data key, with the store's last error set) or a database error. */
int baton_events_query(baton_store_t *s, const baton_event_query_t *q,
                       baton_event_cb cb, void *ud);

/* ---- backup and restore ------------------------------------------------ */

/* Copies the whole database to path with SQLite's online backup; a file
 * already at path is replaced only when the copy is complete. Returns 0 or
 * a BATON_E* code. */
int baton_store_backup(baton_store_t *s, const char *path);

/* Replaces the database's content with a backup made by baton_store_backup
 * (checked first: it must be a baton database no newer than this baton).
 * Returns 0, BATON_ENOENT, BATON_EVERSION, BATON_ESTORE or another code;
 * on failure the database is unchanged. */
int baton_store_restore(baton_store_t *s, const char *path);

/* ---- copy: a whole database to another store (core/store/copy.c) -------- */

/* The BLAKE2b checksum of a table's rows as copied (crypto_generichash). */
#define BATON_COPY_CHECKSUM_SIZE 32

/* One table copied and verified: its rows on both sides, and the checksum
 * of a canonical text of its rows (every column by name, each value with
 * its type, the rows in primary-key order) equal on both sides. */
typedef struct {
  const char *table;
  long long rows;
  unsigned char checksum[BATON_COPY_CHECKSUM_SIZE];
  int created; /* 1: a plugin's table, made on `to` from from's definition */
} baton_copy_table_t;

typedef int (*baton_copy_cb)(const baton_copy_table_t *t, void *ud);

/* Copies every table of `from` into `to` (either engine): the core tables,
 * baton_* tables, schema_version (its rows replace the ones `to` wrote when
 * it was created) and every plugin's tables, which are created on `to`
 * from their definition on `from`. `to` must be new or empty (no rows but
 * its own schema_version, no plugin tables), else BATON_EEXIST naming what
 * it holds, with nothing written. All or nothing: one transaction on `to`,
 * read from one snapshot of `from`; before committing, every table's row
 * count and checksum are read back from `to` and must equal `from`'s, else
 * the transaction is rolled back and BATON_ESTORE names the table. Then cb
 * (may be NULL) is called once per table in copy order; its non-zero value
 * stops the calls and is returned (the copy stays). Returns 0, BATON_EEXIST,
 * BATON_EVERSION (the two sides are at different schema versions),
 * BATON_ESTORE or another database code; the sentence saying what failed,
 * on which side (FROM or TO) and what to do is `to`'s last error. */
int baton_store_copy(baton_store_t *from, baton_store_t *to, baton_copy_cb cb,
                     void *ud);

/* Asked by baton_store_replace whether `to`, which holds something, may be
 * replaced: 0 goes on; any other value is returned, nothing written. */
typedef int (*baton_replace_cb)(baton_store_t *to, void *ud);

/* baton_store_copy into a `to` that may hold a database already: when it
 * holds anything, may(to, ud) (NULL: yes) is asked inside the transaction,
 * then everything in `to` is removed (its plugins' tables dropped, the
 * rows of the others deleted) and `from` copied in and verified, all in
 * the one transaction of the copy: on any error `to` is as it was, and
 * other connections see the old database or the new one, never a mix.
 * Views, triggers and tables that neither baton nor a plugin made are
 * refused (BATON_EEXIST). `to` is a PostgreSQL database (a file is
 * replaced with baton_store_restore: BATON_EINVAL). Returns as
 * baton_store_copy, or may's value. For the demo's reset on PostgreSQL
 * (cmd_demo.c). */
int baton_store_replace(baton_store_t *from, baton_store_t *to,
                        baton_replace_cb may, void *ud);

/* ---- terms: the school calendar (core/store/terms.c) -------------------- */

typedef enum {
  BATON_TERM,   /* a school term: "Autumn 2026" */
  BATON_CLOSURE /* days without school inside or between terms */
} baton_term_kind_t;

typedef struct {
  baton_term_kind_t kind;
  const char *name;
  const char *from; /* YYYY-MM-DD, the first day */
  const char *to;   /* YYYY-MM-DD, the last day (inclusive) */
} baton_term_t;

typedef int (*baton_term_cb)(const baton_term_t *t, void *ud);

/* Calls cb for every term and closure, by first day (a term before a
 * closure starting the same day). Returns 0, cb's value or an error. */
int baton_terms_each(baton_store_t *s, baton_term_cb cb, void *ud);

/* What baton_terms_apply did (or, with dry_run, would do). */
typedef struct {
  size_t added, updated, unchanged, removed;
} baton_terms_report_t;

/* Writes terms and closures in one transaction: a term replaces the term
 * of the same name (its dates are updated), a closure is known by its
 * name and first day. With `replace`, every term and closure not in rows
 * is removed. Checks every row (a name, real dates, from <= to) and that
 * no two terms share a day. Returns 0 and the counts; BATON_EINVAL with
 * the store's error naming the row (`where[i]`, e.g. "cal.ics:12", when
 * given) or the overlapping terms; or a database error. On failure, and
 * always with dry_run, nothing changes. */
int baton_terms_apply(baton_store_t *s, const baton_term_t *rows,
                      const char *const *where, size_t n, int replace,
                      int dry_run, baton_terms_report_t *report);

/* Removes the term named `name`; if there is none, the closures of that
 * name (only the one starting on `from` when from is not NULL). Returns 0
 * and *removed, or BATON_ENOTFOUND naming what exists. */
int baton_terms_remove(baton_store_t *s, const char *name, const char *from,
                       size_t *removed);

/* What a calendar entry's title says it is, by the documented rule
 * (docs/user-guide.md, "The school calendar"): BATON_CLOSURE when it names
 * a holiday, half term, break, closure, vacation, recess, INSET or
 * training day, or no school; else BATON_TERM when it names a term,
 * semester, trimester or quarter; else -1 (some other event: skipped). */
int baton_terms_classify(const char *title);

/* ---- settings: per plugin, set with `baton config` (core/store/settings.c) */

typedef int (*baton_setting_cb)(const char *plugin, const char *key,
                                const char *value, void *ud);

/* Calls cb for every stored setting of `plugin` (every plugin's if NULL),
 * by plugin and key. Values are text as `baton config` took them, already
 * checked against the setting's type. Returns 0, cb's value or an error. */
int baton_settings_each(baton_store_t *s, const char *plugin,
                        baton_setting_cb cb, void *ud);

/* Stores a setting's value (text), or removes it when value is NULL.
 * Returns 0 or a database error. */
int baton_settings_set(baton_store_t *s, const char *plugin, const char *key,
                       const char *value);

/* ---- accounts: who signs in, with what role (core/store/users.c) -------- */

/* A one-time token or session id as text: 32 random bytes, base64url
 * without padding (43 characters), and its NUL. */
#define BATON_TOKEN_SIZE 44
/* Invitation tokens, session ids and API tokens are such random tokens,
 * shown once and stored only as their BLAKE2b hash, by which they are
 * then found (core/store/users.c). */
#define BATON_TOKEN_HASH_SIZE 32
/* The BLAKE2b hash of text, as stored. */
void baton_token_hash(const char *text, unsigned char h[BATON_TOKEN_HASH_SIZE]);
/* A new random token as base64url text into out; its hash into h (may be
 * NULL). libsodium must be started (sodium_init; every store function
 * that makes one does it). */
void baton_token_new(char out[BATON_TOKEN_SIZE], unsigned char *h);
/* Invitations last 7 days; a passphrase has at least 10 characters. */
#define BATON_INVITATION_SECONDS (7 * 24 * 60 * 60)
#define BATON_PASSPHRASE_MIN 10

typedef struct {
  const char *person_id;
  const char *name;
  const char *role;        /* "coordinator", "staff" or "viewer" */
  int has_passphrase;      /* 0: the person signs in by link only */
  long long created;       /* Unix seconds */
  long long revoked;       /* 0: not revoked */
  long long invited_until; /* an unused invitation's expiry, or 0 */
  int left; /* the person is no longer active in the staff list */
} baton_user_t;

typedef int (*baton_user_cb)(const baton_user_t *u, void *ud);

/* Whether role is one of coordinator, staff, viewer. */
int baton_users_role_valid(const char *role);

/* Makes a one-time sign-in token for each of the n persons (who must be
 * active in people), valid from now (Unix seconds) for
 * BATON_INVITATION_SECONDS: creates each account with role (NULL: "staff" for a
 * new account, else the account's own) or sets its role, lifts a revocation and
 * cancels the person's earlier unused invitations. tokens[i] receives person
 * i's token, which is stored only as a hash: it cannot be shown again. *expires
 * (may be NULL) is their expiry. All or nothing: returns 0, BATON_ENOTFOUND (no
 * such person; the message names the nearest id), BATON_EINVAL (role, or a
 * person no longer active) or a database error, and then writes nothing. An
 * account signs in only while not revoked and its person is active: a person
 * who left loses access with no command. */
int baton_users_invite(baton_store_t *s, const char *const *persons, size_t n,
                       const char *role, long long now,
                       char (*tokens)[BATON_TOKEN_SIZE], long long *expires);

/* Whether the invitation token could sign its person in at now, without
 * using it (the /welcome page checks before showing its form). Returns
 * 0, or BATON_EPERM with the store's last error saying why and what to
 * do. */
int baton_users_invitation_check(baton_store_t *s, const char *token,
                                 long long now);
/* Uses a token once: *person receives the invited person's id (malloc'd,
 * the caller frees it) and the invitation is marked used. Returns 0 or
 * BATON_EPERM, with a message saying which (unknown, used, expired,
 * account revoked or its person no longer active), leaving *person NULL. Looked
 * up by its hash, so the time taken does not depend on how much of a token was
 * right. */
int baton_users_redeem(baton_store_t *s, const char *token, long long now,
                       char **person);

/* Sets a person's passphrase (argon2id, libsodium's interactive limits),
 * or with passphrase NULL removes it (links only). Returns 0,
 * BATON_EINVAL (shorter than BATON_PASSPHRASE_MIN characters),
 * BATON_ENOTFOUND (no account) or BATON_ENOMEM (hashing failed). */
int baton_users_set_passphrase(baton_store_t *s, const char *person,
                               const char *passphrase);

/* Returns 0 when passphrase is the account's, else BATON_EPERM (wrong,
 * none set, revoked or no such account: one message for all, so it tells
 * an attacker nothing) or a database error. */
int baton_users_check_passphrase(baton_store_t *s, const char *person,
                                 const char *passphrase);

/* A passphrase's stored form (argon2id), at most this long with its NUL
 * (crypto_pwhash_STRBYTES). */
#define BATON_PASSPHRASE_HASH_SIZE 128

/* The two halves of baton_users_check_passphrase, for a server that must
 * not spend argon2id's ~0.2 s on its event loop: read the stored hash on
 * the loop (the store is not for other threads), verify it on a worker.
 *
 * baton_users_passphrase_get finds the account whose person id is `who`
 * (or, if none, whose person's email is `who`, any case): *person
 * receives its id (malloc'd) and hash its passphrase's stored form.
 * Returns 0, or BATON_EPERM (no such account, revoked, or no passphrase:
 * *person is still set when an account was found, so a caller can count
 * failures per account) with the one message of a wrong passphrase, or a
 * database error. */
int baton_users_passphrase_get(baton_store_t *s, const char *who, char **person,
                               char hash[BATON_PASSPHRASE_HASH_SIZE]);
/* Pure, any thread: 1 if passphrase matches hash (a stored form; NULL or
 * "" never matches, but takes as long as a wrong passphrase), else 0. */
int baton_passphrase_verify(const char *hash, const char *passphrase);
/* Pure, any thread: the stored form of passphrase into hash. Returns 0,
 * BATON_EINVAL (shorter than BATON_PASSPHRASE_MIN characters; *why, if
 * not NULL, gets a message to show, malloc'd) or BATON_ENOMEM. */
int baton_passphrase_hash(const char *passphrase,
                          char hash[BATON_PASSPHRASE_HASH_SIZE], char **why);
/* Stores a hash made by baton_passphrase_hash as person's passphrase (NULL:
 * links only). Returns 0, BATON_EINVAL (not an argon2id string),
 * BATON_ENOTFOUND or a database error. */
int baton_users_set_passphrase_hash(baton_store_t *s, const char *person,
                                    const char *hash);

/* The account's role into role (at least 16 bytes). Returns 0,
 * BATON_ENOTFOUND (no account) or a database error. */
int baton_users_role_get(baton_store_t *s, const char *person, char *role,
                         size_t size);
/* Changes an account's role. Returns 0, BATON_EINVAL, BATON_ENOTFOUND. */
int baton_users_role_set(baton_store_t *s, const char *person,
                         const char *role);

/* Revokes an account at now: its sessions end and its unused invitations
 * are cancelled. Inviting the person again restores it. Returns 0,
 * BATON_ENOTFOUND or a database error. */
int baton_users_revoke(baton_store_t *s, const char *person, long long now);

/* Calls cb for every account, by person id, until it returns non-zero.
 * Never gives hashes or tokens. Returns 0, cb's value or an error. */
int baton_users_each(baton_store_t *s, baton_user_cb cb, void *ud);

/* Starts a session for person (an account not revoked) lasting seconds
 * from now: id receives the session id (stored only as a hash) and csrf
 * the session's CSRF secret. Returns 0, BATON_EPERM (no account or
 * revoked) or a database error. */
int baton_session_create(baton_store_t *s, const char *person, long long now,
                         long long seconds, char id[BATON_TOKEN_SIZE],
                         char csrf[BATON_TOKEN_SIZE]);
/* Checks a session id at now: *person (malloc'd) and csrf (may be NULL)
 * receive its person and CSRF secret. Returns 0 or BATON_EPERM (unknown,
 * expired, ended, account revoked). */
int baton_session_check(baton_store_t *s, const char *id, long long now,
                        char **person, char csrf[BATON_TOKEN_SIZE]);
/* Ends a session (signing out); an unknown id is not an error. */
int baton_session_end(baton_store_t *s, const char *id);
/* Deletes the sessions expired at now; *n (may be NULL) gets how many.
 * Returns 0 or a database error. */
int baton_sessions_purge(baton_store_t *s, long long now, int *n);

/* ---- API tokens: scripts acting as a person (core/store/api_tokens.c) -- */

/* A label names a token among its person's tokens in use: 1 to 64
 * characters. last_used is kept to the hour (a request does not write the
 * database each time). */
#define BATON_API_LABEL_MAX 64
#define BATON_API_TOUCH_SECONDS 3600

typedef struct {
  const char *person_id;
  const char *name; /* the person's */
  const char *label;
  long long created;   /* Unix seconds */
  long long last_used; /* 0: never used */
  long long revoked;   /* 0: in use */
} baton_api_token_t;

typedef int (*baton_api_token_cb)(const baton_api_token_t *t, void *ud);

/* Makes an API token for person, who must have an account that may sign
 * in (not revoked, person active): token receives it, shown once (stored
 * only as a hash). label NULL takes the first free of "token-1",
 * "token-2", ...; label_out (may be NULL; BATON_API_LABEL_MAX + 1 bytes)
 * receives the label used. Returns 0, BATON_ENOTFOUND (no account),
 * BATON_EPERM (account revoked or person left), BATON_EINVAL (label
 * empty, too long, or in use by another of person's tokens) or a
 * database error, and then writes nothing. */
int baton_api_token_create(baton_store_t *s, const char *person,
                           const char *label, long long now,
                           char token[BATON_TOKEN_SIZE], char *label_out);

/* Who token acts for at now: *person (malloc'd, the caller frees it) and
 * role (at least 12 bytes) receive the person and their account's role;
 * last_used is written when older than BATON_API_TOUCH_SECONDS. Returns 0
 * or BATON_EPERM with a message saying which (not a token baton made,
 * revoked, account revoked, person no longer active), leaving *person
 * NULL; or a database error. Looked up by its hash. */
int baton_api_token_check(baton_store_t *s, const char *token, long long now,
                          char **person, char *role, size_t role_size);

/* Revokes person's token `label`, or with label NULL all their tokens in
 * use, at now; *count (may be NULL) receives how many. Returns 0,
 * BATON_ENOTFOUND (no account, or no token in use of that label: the
 * message names the nearest) or a database error. */
int baton_api_token_revoke(baton_store_t *s, const char *person,
                           const char *label, long long now, int *count);

/* Calls cb for every API token (person's only, unless person is NULL), by
 * person then creation, revoked ones included, until it returns non-zero.
 * Never gives a token or its hash. Returns 0, cb's value, BATON_ENOTFOUND
 * (person has no account) or a database error. */
int baton_api_tokens_each(baton_store_t *s, const char *person,
                          baton_api_token_cb cb, void *ud);

/* ---- schools: several in one database (core/store/schools.c) ----------- */

/* People and groups belong to a school (people.school, groups.school); ''
 * is the one school of a single-school database. An account's role holds
 * in its school (its person's school unless set otherwise), or in every
 * school when the account has the district role (shown as role
 * "district"; stored as a coordinator with the district flag). */
#define BATON_SCHOOL_MAX 64

typedef struct {
  const char *name; /* "" for the school of a single-school database */
  size_t people;    /* active people */
  size_t groups;    /* groups with a member of the school */
  size_t accounts;  /* accounts whose role holds there (not district) */
} baton_school_t;

typedef int (*baton_school_cb)(const baton_school_t *sc, void *ud);

/* Calls cb for every school that has people or accounts, by name. Returns
 * 0, cb's value or a database error. */
int baton_schools_each(baton_store_t *s, baton_school_cb cb, void *ud);

/* Whether name is a school of the database (active people there). Returns
 * 0, or BATON_ENOTFOUND with a message naming the nearest school. */
int baton_school_check(baton_store_t *s, const char *name);

/* Whether name may be a school's name: 1 to BATON_SCHOOL_MAX bytes of
 * printable text. */
int baton_school_name_valid(const char *name);

/* The school of a person (malloc'd into *school). Returns 0,
 * BATON_ENOTFOUND or a database error. */
int baton_person_school(baton_store_t *s, const char *person, char **school);

/* Whether group is seen from school: the group is the school's, or has a
 * member there. */
int baton_group_in_school(baton_store_t *s, const char *group,
                          const char *school, int *yes);

/* Where an account's role holds: *school (malloc'd) and *district (1: every
 * school). Returns 0, BATON_ENOTFOUND (no account) or a database error. */
int baton_user_scope(baton_store_t *s, const char *person, char **school,
                     int *district);

/* Sets where an account's role holds: school (NULL: unchanged; "": its
 * person's school) and district (0 or 1; -1: unchanged). Returns 0,
 * BATON_ENOTFOUND (no account), BATON_EINVAL (a bad name) or a database
 * error. */
int baton_user_scope_set(baton_store_t *s, const char *person,
                         const char *school, int district);
/* baton_users_invite, then baton_user_scope_set(school, district) for each
 * person, in one transaction: all or nothing (`baton users invite --role
 * district`). school NULL and district -1 leave the scope as it is. */
int baton_users_invite_scoped(baton_store_t *s, const char *const *persons,
                              size_t n, const char *role, const char *school,
                              int district, long long now,
                              char (*tokens)[BATON_TOKEN_SIZE],
                              long long *expires);
/* baton_users_role_set, then baton_user_scope_set, in one transaction. */
int baton_users_role_scope_set(baton_store_t *s, const char *person,
                               const char *role, const char *school,
                               int district);

/* ---- scratch databases for `baton test --db` (core/store/scratch.c) ---- */

/* Makes a fresh, empty database baton_test_PID_TIME_N on the PostgreSQL
 * server of url, connecting to url's database only to run CREATE DATABASE
 * (it is never written), and gives its URL in *out (malloc'd: url with
 * the name replaced). Returns 0, or an error with *err (malloc'd) saying
 * what to do (the role needs CREATEDB). */
int baton_store_scratch_new(const char *url, char **out, char **err);
/* Drops a database made by baton_store_scratch_new (its connections
 * too), connecting through url; refuses any other name. */
int baton_store_scratch_drop(const char *url, const char *scratch, char **err);
/* Drops and makes again (empty) a database of baton_store_scratch_new. */
int baton_store_scratch_reset(const char *url, const char *scratch,
                              char **err);

#endif
