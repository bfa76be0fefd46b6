/* The adapter's stdout reader: bytes cut into chunks as a pipe would, split
 * into lines under a cap, each line decoded into a Lua value as prim.json_decode
 * does. Input: byte 0 picks the line cap, the rest is the stream.
 *
 * Properties: the lines (bytes and overlong flags) do not depend on how the
 * stream was cut and equal a plain split of the whole stream; a line decodes
 * exactly when cJSON alone parses it whole; what decodes converts back to JSON
 * with the same meaning (objects compared without order). */
#include "core/lines.h"
#include "lua/luajson.h"
#include "fuzz_util.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>

#define MAXLINES 512

typedef struct {
    size_t n;
    char *line[MAXLINES];
    size_t len[MAXLINES];
    int overlong[MAXLINES];
    size_t dropped;   /* lines past MAXLINES: counted only */
} lineset;

static void collect(void *ctx, const char *line, size_t len, int overlong)
{
    lineset *s = ctx;
    if (s->n == MAXLINES) {
        s->dropped++;
        return;
    }
    s->line[s->n] = fz_dup(line, len);
    s->len[s->n] = len;
    s->overlong[s->n] = overlong;
    s->n++;
}

static void lineset_free(lineset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->line[i]);
}

/* Feed the stream in chunks whose sizes come from the hash (0: one byte
 * each). Every chunk sits in an exact-size heap buffer, so reading past it is
 * an ASan error; the one-byte pass reuses a single such buffer (cheap). */
static void split(const uint8_t *p, size_t n, size_t cap, uint64_t h, lineset *out)
{
    ps_lines l;
    char *one = malloc(1);
    CHECK(one != NULL);
    memset(out, 0, sizeof(*out));
    ps_lines_init(&l, cap);
    for (size_t at = 0; at < n;) {
        size_t chunk = h ? 1 + (size_t)(h % 97) : 1;
        if (chunk > n - at)
            chunk = n - at;
        char *c = h ? fz_dup(p + at, chunk) : one;
        if (!h)
            one[0] = (char)p[at];
        CHECK(ps_lines_feed(&l, c, chunk, collect, out) >= 0);
        if (h)
            free(c);
        at += chunk;
        h = h ? h * 6364136223846793005ull + 1442695040888963407ull : 0;
    }
    free(one);
    ps_lines_free(&l);
}

static void same_lines(const lineset *a, const lineset *b)
{
    CHECK(a->n == b->n && a->dropped == b->dropped);
    for (size_t i = 0; i < a->n; i++) {
        CHECK(a->len[i] == b->len[i] && a->overlong[i] == b->overlong[i]);
        CHECK(memcmp(a->line[i], b->line[i], a->len[i]) == 0);
    }
}

/* The reference: every '\n' ends a line; bytes past the cap are dropped. */
static void check_reference(const uint8_t *p, size_t n, size_t cap, const lineset *got)
{
    size_t i = 0, start = 0;
    for (size_t k = 0; k < n; k++) {
        if (p[k] != '\n')
            continue;
        size_t len = k - start;
        if (i < got->n) {
            size_t kept = len < cap ? len : cap;
            CHECK(got->len[i] == kept);
            CHECK(got->overlong[i] == (len > cap));
            CHECK(memcmp(got->line[i], p + start, kept) == 0);
        }
        i++;
        start = k + 1;
    }
    CHECK(i == got->n + got->dropped);
}

/* Objects as key sets: Lua tables keep no order and one value per key. */
static int has_dup_keys(const cJSON *v)
{
    for (const cJSON *e = v ? v->child : NULL; e; e = e->next) {
        if (cJSON_IsObject(v))
            for (const cJSON *f = e->next; f; f = f->next)
                if (strcmp(e->string, f->string) == 0)
                    return 1;
        if (has_dup_keys(e))
            return 1;
    }
    return 0;
}

static int representable(const cJSON *v, int depth)
{
    if (depth > PS_JSON_DEPTH)
        return 0;
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
        return 0;
    for (const cJSON *e = v->child; e; e = e->next)
        if (!representable(e, depth + 1))
            return 0;
    return 1;
}

static int same_value(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a) || cJSON_IsNumber(b))
        return cJSON_IsNumber(a) && cJSON_IsNumber(b) && a->valuedouble == b->valuedouble;
    if (cJSON_IsObject(a)) {
        if (!cJSON_IsObject(b) || cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        for (const cJSON *e = a->child; e; e = e->next) {
            const cJSON *f = cJSON_GetObjectItemCaseSensitive(b, e->string);
            if (!f || !same_value(e, f))
                return 0;
        }
        return 1;
    }
    if (cJSON_IsArray(a)) {
        if (!cJSON_IsArray(b) || cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        for (const cJSON *e = a->child, *f = b->child; e; e = e->next, f = f->next)
            if (!same_value(e, f))
                return 0;
        return 1;
    }
    return cJSON_Compare(a, b, 1);
}

static lua_State *lua(void)
{
    static lua_State *L;
    if (!L) {
        L = luaL_newstate();
        CHECK(L != NULL);
        ps_luajson_init(L);
    }
    return L;
}

static void check_decode(const char *line, size_t len)
{
    lua_State *L = lua();
    char *exact = fz_dup(line, len);
    int top = lua_gettop(L);
    int ok = ps_luajson_decode(L, exact, len);
    cJSON *ref = cJSON_ParseWithLengthOpts(exact, len + 1, NULL, 1);   /* exact has its NUL */

    CHECK(lua_gettop(L) == top + ok);
    CHECK(ok == (ref != NULL));
    if (ok && representable(ref, 0) && !has_dup_keys(ref)) {
        char err[160];
        cJSON *back = ps_luajson_to(L, -1, 0, err, sizeof(err));
        CHECK(back != NULL);
        CHECK(same_value(ref, back));
        cJSON_Delete(back);
    }
    cJSON_Delete(ref);
    lua_settop(L, top);
    free(exact);
    lua_gc(L, LUA_GCSTEP, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[] = { 0, 1, 7, 64, 4096, PS_JSON_TEXT_MAX };
    if (size == 0)
        return 0;
    size_t cap = caps[data[0] % (sizeof(caps) / sizeof(caps[0]))];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    lineset a, b;

    split(p, n, cap, fz_hash(data, size) | 1, &a);
    split(p, n, cap, 0, &b);
    same_lines(&a, &b);
    check_reference(p, n, cap, &a);
    for (size_t i = 0; i < a.n; i++)
        check_decode(a.line[i], a.len[i]);
    lineset_free(&a);
    lineset_free(&b);
    return 0;
}
