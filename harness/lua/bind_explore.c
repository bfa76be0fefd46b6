/* What pushspec explore's driver (explore.lua) needs beyond the case object:
 * prim.save_text writes a minimal failing sequence out as a scenario file,
 * prim.progress prints a progress line on stderr. Trusted modules only: the
 * scenario sandbox has no `prim`. */
#include "lua/bind.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* save_text(dir, name, text): dir is made (one level) if missing; name is a plain
 * file name. Returns the path, or nil and why. */
static int l_save_text(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1), *name = luaL_checkstring(L, 2);
    size_t len;
    const char *text = luaL_checklstring(L, 3, &len);
    char path[1200];
    if (!*name || strchr(name, '/') || name[0] == '.' || strlen(dir) + strlen(name) + 2 > sizeof(path))
        return luaL_error(L, "save_text: '%s' is not a plain file name", name);
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        lua_pushnil(L);
        lua_pushfstring(L, "cannot make the folder %s: %s", dir, strerror(errno));
        return 2;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    int bad = !f || fwrite(text, 1, len, f) != len;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad) {
        int e = errno;
        lua_pushnil(L);
        lua_pushfstring(L, "cannot write %s: %s", path, strerror(e));
        return 2;
    }
    lua_pushstring(L, path);
    return 1;
}

static int l_progress(lua_State *L)
{
    fprintf(stderr, "explore: %s\n", luaL_checkstring(L, 1));
    fflush(stderr);
    return 0;
}

static const luaL_Reg funcs[] = { { "save_text", l_save_text }, { "progress", l_progress }, { NULL, NULL } };

const ps_binding ps_bind_explore = { funcs, 0, 0, NULL };
