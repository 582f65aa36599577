/* core/store/settings.c: plugins' settings, as `baton config` sets them.
 *
 * One table, baton_settings (core migration 4): a row per plugin and key
 * whose value differs from the manifest's default, kept as the text the
 * administrator typed (already checked against the setting's type by the
 * caller, core/spec/args.c). No plugin reaches it through SQL (baton_*
 * names are the core's); a plugin reads its own settings with
 * baton.settings (core/lua/lua_settings.c). */
#include <sqlite3.h>

#include "store_int.h"

int baton_settings_each(baton_store_t *s, const char *plugin,
                        baton_setting_cb cb, void *ud) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s,
                                 "SELECT plugin, key, value FROM "
                                 "baton_settings WHERE CAST(?1 AS TEXT) IS "
                                 "NULL OR plugin = ?1 ORDER BY plugin, key",
                                 &st);
  if (err != 0)
    return err;
  baton__bind_text(st, 1, plugin);
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW)
    if ((r = cb(baton__col_text(st, 0), baton__col_text(st, 1),
                baton__col_text(st, 2), ud)) != 0)
      break;
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read the settings");
  baton__sql_finalize(st);
  return r;
}

int baton_settings_set(baton_store_t *s, const char *plugin, const char *key,
                       const char *value) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      value ? "INSERT INTO baton_settings(plugin, key, value) VALUES (?, ?, ?) "
              "ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value"
            : "DELETE FROM baton_settings WHERE plugin = ? AND key = ?",
      &st);
  if (err != 0)
    return err;
  baton__sql_bind_text(st, 1, plugin, -1);
  baton__sql_bind_text(st, 2, key, -1);
  if (value)
    baton__sql_bind_text(st, 3, value, -1);
  /* One statement: its own transaction. */
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot write the setting");
  return 0;
}
