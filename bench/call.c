/* bench/call.c: the cost of one C->Lua command call, as a ratio to a bare
 * lua_pcall of an empty Lua function measured in the same process.
 *
 *   build/bench_call [CALLS]     (default 20000)
 *
 * A command call is what `baton NS CMD` does once the plugin is loaded:
 * check the arguments against the manifest, push them and the ctx table,
 * start the handler as a coroutine under the watchdog, run the loop until
 * it ends. The plugin is written to a temporary directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bindings.h"

static double now(void) { return (double)uv_hrtime() / 1e9; }

int main(int argc, char **argv) {
  int calls = argc > 1 ? atoi(argv[1]) : 20000;
  char dir[] = "/tmp/baton-bench-XXXXXX";
  if (mkdtemp(dir) == NULL)
    return 1;
  char *pd = baton__asprintf("%s/b", dir), *mf = baton__asprintf("%s/plugin.lua", pd),
       *code = baton__asprintf("%s/init.lua", pd);
  const char *manifest =
      "return { name = 'b', version = '1.0.0', api = 1, summary = 'bench',\n"
      "  commands = { noop = { summary = 'nothing', args = {\n"
      "    { 'who', default = 'x' }, { '--times', type = 'integer', default = 1 } } } } }\n";
  const char *init = "local M = {} function M.noop(args, ctx) return args.times end return M\n";
  if (mkdir(pd, 0755) != 0 ||
      baton__file_write_atomic(mf, manifest, strlen(manifest), NULL) != 0 ||
      baton__file_write_atomic(code, init, strlen(init), NULL) != 0)
    return 1;

  baton_host_options_t o;
  baton_host_options_init(&o);
  baton_host_t *h;
  if (baton_host_new(&h, &o) != 0 || baton_host_add_plugin_dir(h, dir) != 0 ||
      baton_host_scan(h) != 0)
    return 1;
  const char *args[] = {"Ana", "--times", "3"};
  if (baton_host_run_command(h, "b", "noop", 3, args) != 0) /* loads it */
    return 1;
  double t0 = now();
  for (int i = 0; i < calls; i++)
    if (baton_host_run_command(h, "b", "noop", 3, args) != 0)
      return 1;
  double per_call = (now() - t0) / calls;

  /* The reference: a bare protected call of an empty Lua function. */
  lua_State *L = luaL_newstate();
  luaL_loadstring(L, "return function(a, b) return a end");
  lua_call(L, 0, 1);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  int reps = calls * 50;
  t0 = now();
  for (int i = 0; i < reps; i++) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_pushinteger(L, i);
    lua_pushnil(L);
    lua_pcall(L, 2, 1, 0);
    lua_pop(L, 1);
  }
  double bare = (now() - t0) / reps;
  lua_close(L);
  baton_host_free(h);
  printf("command call (args checked, coroutine, watchdog, loop): %8.2f us\n",
         per_call * 1e6);
  printf("bare lua_pcall of an empty function:                   %8.3f us\n",
         bare * 1e6);
  printf("ratio: %.0fx\n", per_call / bare);
  printf("reproduce: build/bench_call %d\n", calls);
  char *cmd = baton__asprintf("rm -rf %s", dir);
  int r = system(cmd);
  free(cmd);
  free(pd);
  free(mf);
  free(code);
  return r == 0 ? 0 : 1;
}
