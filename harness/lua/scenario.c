#include "lua/scenario.h"

#include "core/label.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dupfield(lua_State *L, int idx, const char *name)
{
    lua_getfield(L, idx, name);
    const char *s = lua_tostring(L, -1);
    char *d = s ? strdup(s) : NULL;
    lua_pop(L, 1);
    return d;
}

static char **dup_list(lua_State *L, int idx, const char *name, size_t *n)
{
    lua_getfield(L, idx, name);
    size_t len = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    char **out = calloc(len + 1, sizeof(char *));
    for (size_t i = 0; out && i < len; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        out[i] = strdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    *n = out ? len : 0;
    return out;
}

ps_scenario *ps_scenario_new(lua_State *L, int spec, char *err, size_t errlen)
{
    ps_scenario *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory loading scenarios");
        return NULL;
    }
    s->id = dupfield(L, spec, "id");
    s->title = dupfield(L, spec, "title");
    s->file = dupfield(L, spec, "file");
    s->profile = dupfield(L, spec, "profile");
    lua_getfield(L, spec, "line");
    s->line = (int)lua_tointeger(L, -1);
    lua_getfield(L, spec, "timeout");
    s->timeout_s = lua_tonumber(L, -1);
    lua_pop(L, 2);
    s->rules = dup_list(L, spec, "rules", &s->nrules);
    s->tags = dup_list(L, spec, "tags", &s->ntags);
    s->checks = calloc(s->nrules ? s->nrules : 1, sizeof(ps_rule_outcome));
    for (size_t i = 0; s->checks && i < s->nrules; i++)
        snprintf(s->checks[i].rule, sizeof(s->checks[i].rule), "%s", s->rules[i]);
    lua_pushvalue(L, spec);
    s->specref = luaL_ref(L, LUA_REGISTRYINDEX);
    return s;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* What n outcomes own (not the array: the caller frees it). */
static void free_outcomes(ps_rule_outcome *o, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        free(o[j].expected);
        free(o[j].actual);
        free(o[j].reason);
        for (size_t k = 0; k < o[j].nlabels; k++) {
            free(o[j].labels[k].name);
            free(o[j].labels[k].expected);
            free(o[j].labels[k].actual);
        }
        free(o[j].labels);
    }
}

void ps_scenario_free(ps_scenario *s)
{
    if (!s)
        return;
    free(s->id);
    free(s->title);
    free(s->file);
    free(s->profile);
    free_outcomes(s->checks, s->nrules);
    free_outcomes(s->incidental, s->nincidental);
    free(s->incidental);
    free_list(s->rules, s->nrules);
    free_list(s->tags, s->ntags);
    free_list(s->records, s->nrecords);
    free(s->checks);
    free(s->res);
    free(s->message);
    free(s->err_source);
    free(s->probe_why);
    free(s->limit_msg);
    ps_transcript_free(&s->tr);
    free(s);
}

int ps_scenario_has_tag(const ps_scenario *s, const char *tag)
{
    for (size_t i = 0; i < s->ntags; i++)
        if (strcmp(s->tags[i], tag) == 0)
            return 1;
    return 0;
}

void ps_scenario_wake(void *scenario) { ((ps_scenario *)scenario)->wake = 1; }

/* ---- resources ---- */

long ps_scenario_add(ps_scenario *s, ps_res_kind kind, void *ptr, void (*release)(void *))
{
    if (s->nres == s->capres) {
        size_t cap = s->capres ? s->capres * 2 : 8;
        ps_resource *n = realloc(s->res, cap * sizeof(*n));
        if (!n)
            return -1;
        s->res = n;
        s->capres = cap;
    }
    s->res[s->nres] = (ps_resource){ kind, ptr, release };
    if (kind == PS_RES_CONN)
        s->nconns++;
    return (long)s->nres++;
}

void *ps_scenario_get(const ps_scenario *s, size_t idx, ps_res_kind kind)
{
    if (s->state != PS_S_RUNNING || idx >= s->nres || s->res[idx].kind != kind)
        return NULL;
    return s->res[idx].ptr;
}

void ps_scenario_release(ps_scenario *s, size_t idx)
{
    if (idx >= s->nres || !s->res[idx].ptr)
        return;
    void *p = s->res[idx].ptr;
    s->res[idx].ptr = NULL;
    s->res[idx].release(p);
}

void ps_scenario_release_all(ps_scenario *s)
{
    for (size_t i = 0; i < s->nres; i++)
        ps_scenario_release(s, i);
}

/* ---- checks and records ---- */

static ps_rule_outcome *find_check(ps_scenario *s, const char *rule)
{
    for (size_t i = 0; i < s->nrules; i++)
        if (strcmp(s->checks[i].rule, rule) == 0)
            return &s->checks[i];
    return NULL;
}

/* "RULE-ID" or "RULE-ID:label": the rule into id (NUL-terminated), the label or NULL. */
int ps_check_name_split(const char *name, char *id, size_t idlen, const char **label, char *err, size_t errlen)
{
    size_t n = strcspn(name, ":");
    if (n == 0 || n >= idlen) {
        snprintf(err, errlen, "'%s' is not a rule id (RULE-ID or RULE-ID:label)", name);
        return -1;
    }
    memcpy(id, name, n);
    id[n] = '\0';
    *label = NULL;
    if (name[n] == ':') {
        const char *l = name + n + 1;
        if (!ps_label_valid(l, strlen(l))) {
            snprintf(err, errlen, "check label in '%s' must be " PS_LABEL_SYNTAX, name);
            return -1;
        }
        *label = l;
    }
    return 0;
}

static int note_label(ps_rule_outcome *c, const char *label, int ok, const char *expected, const char *actual)
{
    if (!label) {
        c->unlabelled_fails += !ok;
        return 0;
    }
    size_t i = 0;
    while (i < c->nlabels && strcmp(c->labels[i].name, label) != 0)
        i++;
    if (i == c->nlabels) {
        ps_check_label *n = realloc(c->labels, (c->nlabels + 1) * sizeof(*n));
        if (!n)
            return -1;
        c->labels = n;
        c->labels[i].name = strdup(label);
        if (!c->labels[i].name)
            return -1;
        c->labels[i].passes = c->labels[i].fails = 0;
        c->labels[i].expected = c->labels[i].actual = NULL;
        c->nlabels++;
    }
    ps_check_label *l = &c->labels[i];
    if (ok) {
        l->passes++;
    } else if (l->fails++ == 0) {
        l->expected = strdup(expected ? expected : "");
        l->actual = strdup(actual ? actual : "");
    }
    return 0;
}

int ps_scenario_check(ps_scenario *s, const char *name, int ok, const char *expected,
                      const char *actual, char *err, size_t errlen)
{
    char rule[16];
    const char *label;
    if (ps_check_name_split(name, rule, sizeof(rule), &label, err, errlen) < 0)
        return -1;
    ps_rule_outcome *c = find_check(s, rule);
    if (!c) {
        snprintf(err, errlen, "check names %s, which scenario '%s' does not declare in rules = {...}",
                 rule, s->id);
        return -1;
    }
    c->checks++;
    if (note_label(c, label, ok, expected, actual) < 0) {
        snprintf(err, errlen, "out of memory recording a check label");
        return -1;
    }
    if (ok) {
        if (c->v < PS_V_PASS)
            c->v = PS_V_PASS;
    } else if (c->v != PS_V_FAIL) {
        c->v = PS_V_FAIL;
        free(c->reason);   /* a "nothing observed" it overrides */
        c->reason = NULL;
        free(c->expected);
        c->expected = strdup(expected ? expected : "");
        c->actual = strdup(actual ? actual : "");
    }
    return 0;
}

/* An error that only a failure overrides: error > pass in the verdict order,
 * so a later passing check of the rule leaves it; a failing one replaces it. */
int ps_scenario_nothing(ps_scenario *s, const char *name, const char *what, const char *expected,
                        char *err, size_t errlen)
{
    size_t n = strlen(what) + 32;
    char *reason = malloc(n);
    if (!reason) {
        snprintf(err, errlen, "out of memory recording a check");
        return -1;
    }
    snprintf(reason, n, "nothing observed: %s", what);
    int rc = ps_scenario_unjudged(s, name, reason, expected, err, errlen);
    free(reason);
    return rc;
}

/* The same error with its reason as given (e.g. "control failed: ..."). */
int ps_scenario_unjudged(ps_scenario *s, const char *name, const char *reason, const char *expected,
                         char *err, size_t errlen)
{
    char rule[16];
    const char *label;   /* a label names the clause; a clause that judged nothing is no failure of it */
    if (ps_check_name_split(name, rule, sizeof(rule), &label, err, errlen) < 0)
        return -1;
    ps_rule_outcome *c = find_check(s, rule);
    if (!c) {
        snprintf(err, errlen, "nothing names %s, which scenario '%s' does not declare in rules = {...}",
                 rule, s->id);
        return -1;
    }
    c->checks++;
    if (c->v >= PS_V_ERROR)
        return 0;   /* a failure, or an earlier "nothing observed", stays */
    c->v = PS_V_ERROR;
    free(c->reason);
    c->reason = strdup(reason);
    free(c->expected);
    c->expected = expected ? strdup(expected) : NULL;
    return 0;
}

void ps_scenario_limit(ps_scenario *s, const char *name, const char *what)
{
    if (s->state != PS_S_RUNNING || s->limit_msg)
        return;
    if (s->expects_oversize && !strcmp(name, "ws-frame-bytes"))
        return;   /* it reads the marker as what it tests */
    size_t n = strlen(name) + strlen(what) + 32;
    s->limit_msg = malloc(n);
    if (s->limit_msg)
        snprintf(s->limit_msg, n, "limit %s reached: %s", name, what);
    s->wake = 1;
}

int ps_scenario_incidental(ps_scenario *s, const char *name, const char *expected, const char *actual)
{
    char err[160], rule[16];
    const char *label;
    if (ps_check_name_split(name, rule, sizeof(rule), &label, err, sizeof(err)) < 0)
        return -1;
    if (find_check(s, rule))
        return ps_scenario_check(s, name, 0, expected, actual, err, sizeof(err));
    ps_rule_outcome *c = NULL;
    for (size_t i = 0; i < s->nincidental && !c; i++)
        c = strcmp(s->incidental[i].rule, rule) == 0 ? &s->incidental[i] : NULL;
    if (!c) {
        ps_rule_outcome *n = realloc(s->incidental, (s->nincidental + 1) * sizeof(*n));
        if (!n)
            return -1;
        s->incidental = n;
        c = &s->incidental[s->nincidental++];
        memset(c, 0, sizeof(*c));
        snprintf(c->rule, sizeof(c->rule), "%s", rule);
        c->v = PS_V_FAIL;
        c->expected = strdup(expected ? expected : "");   /* the first finding is the one reported */
        c->actual = strdup(actual ? actual : "");
    }
    c->checks++;
    return note_label(c, label, 0, expected, actual);
}

int ps_scenario_skip_rule(ps_scenario *s, const char *name, ps_skip_kind kind, const char *reason,
                          char *err, size_t errlen)
{
    char rule[16];
    const char *label;
    if (ps_check_name_split(name, rule, sizeof(rule), &label, err, errlen) < 0)
        return -1;
    ps_rule_outcome *c = find_check(s, rule);
    if (!c) {
        snprintf(err, errlen, "skip names %s, which scenario '%s' does not declare", rule, s->id);
        return -1;
    }
    if (c->v == PS_V_NONE) {
        c->v = PS_V_SKIP;
        c->skip_kind = kind;
        free(c->reason);
        c->reason = strdup(reason);
    }
    return 0;
}

int ps_scenario_add_record(ps_scenario *s, const char *json)
{
    if (s->nrecords == s->caprecords) {
        size_t cap = s->caprecords ? s->caprecords * 2 : 8;
        char **n = realloc(s->records, cap * sizeof(*n));
        if (!n)
            return -1;
        s->records = n;
        s->caprecords = cap;
    }
    char *copy = strdup(json);
    if (!copy)
        return -1;
    s->records[s->nrecords++] = copy;
    return 0;
}

const char *ps_scenario_last_sent(const ps_scenario *s)
{
    for (size_t i = s->tr.count; i > 0; i--) {
        const ps_tentry *e = ps_transcript_at(&s->tr, i - 1);
        if (e->text && strcmp(e->kind, "log") == 0 && strncmp(e->text, "input: ", 7) == 0)
            return e->text + 7;
    }
    for (size_t i = s->tr.count; i > 0; i--) {
        const ps_tentry *e = ps_transcript_at(&s->tr, i - 1);
        if (e->text && e->dir == '>' && strcmp(e->kind, "close") != 0)   /* no text: refused by the ceiling */
            return e->text;
    }
    return "(nothing sent)";
}
