/* core/lua/lua_init.c: the baton.* API as the runtime sees it.
 *
 * The runtime (core/runtime) knows no binding by name: it opens a new
 * plugin state's `baton` table, cancels a plugin's work and releases what
 * the bindings keep for it through this table, as Lua's lua_newstate
 * knows no library and linit.c opens them. baton__lua_open_api
 * (lua_baton.c) lists the modules; a binding that keeps something per
 * plugin (timers, routes) frees it here. baton_host_new
 * (core/cli/cli.c) gives it to every host. */
#include "bindings.h"

const baton_bindings_t baton__lua_bindings = {
    .open = baton__lua_open_api,
    .cancel = baton__timer_close_all,
    .release = baton__routes_free,
    .deliver = baton__lua_hooks_deliver,
};
