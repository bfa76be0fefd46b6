#define _POSIX_C_SOURCE 200809L
#include "clauses_cmd.h"
#include "core/clauses.h"
#include "core/labelscan.h"
#include "lua/embedfs.h"
#include "lua/modules.h"
#include "lua/target.h"
#include "net/dirscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *file;   /* shared by the hits of one file: freed once, by its first hit */
    int line, owner;
    ps_label_use use;   /* a check call's argument, a ps.clause declaration, a helper's argument, a table entry */
    char rule[16], label[65];
} hit;

typedef struct {
    hit *h;
    size_t n, cap;
    char *file;
    int first;
    int oom;
} hits;

static void on_label(void *ctx, int line, const char *rule, const char *label, ps_label_use use)
{
    hits *hs = ctx;
    if (hs->n == hs->cap) {
        hit *n = realloc(hs->h, (hs->cap = hs->cap ? hs->cap * 2 : 256) * sizeof(*n));
        if (!n) {
            hs->oom = 1;
            return;
        }
        hs->h = n;
    }
    hit *h = &hs->h[hs->n++];
    h->file = hs->file;
    h->owner = hs->first;
    hs->first = 0;
    h->line = line;
    h->use = use;
    snprintf(h->rule, sizeof(h->rule), "%s", rule);
    snprintf(h->label, sizeof(h->label), "%s", label);
}

static void scan(hits *hs, const char *name, const char *text, size_t len)
{
    hs->file = strdup(name);
    hs->first = 1;
    if (!hs->file) {
        hs->oom = 1;
        return;
    }
    ps_label_scan(text, len, on_label, hs);
    if (hs->first)   /* no label in it: nobody owns the name */
        free(hs->file);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

/* Every DIR/NAME.lua in name order, as ps_runner_load_scenarios reads them. */
static int scan_dir(hits *hs, const char *dir)
{
    char err[512];
    size_t n;
    char **names = ps_dir_lua_files(dir, &n, err, sizeof(err));
    if (!names)
        return fprintf(stderr, "pushspec: %s\n", err), -1;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *text = slurp(names[i], &len);
        if (!text && !rc) {
            fprintf(stderr, "pushspec: cannot read %s\n", names[i]);
            rc = -1;
        }
        if (text)
            scan(hs, names[i], text, len);
        free(text);
    }
    ps_dir_lua_free(names);
    return rc;
}

static void scan_embedded(hits *hs)
{
    const char *dirs[PS_ROLE_COUNT + 1];
    for (int i = 0; i < PS_ROLE_COUNT; i++)
        dirs[i] = strdup(ps_target_scenario_dir(ps_role_get((ps_role_kind)i), 0));
    dirs[PS_ROLE_COUNT] = strdup(ps_target_scenario_dir(ps_role_get(PS_ROLE_SERVER), 1));
    for (int i = 0; i <= PS_ROLE_COUNT; i++) {
        for (const ps_embed_file *f = dirs[i] ? ps_embed_next(dirs[i], ".lua", NULL) : NULL; f;
             f = ps_embed_next(dirs[i], ".lua", f))
            scan(hs, f->path, f->data, f->len);
        free((char *)dirs[i]);
    }
}

/* The clause catalog that goes with the scenarios: DIR/CLAUSES.md, DIR/../CLAUSES.md, or the built-in one. */
static int load_catalog(const ps_catalog *cat, const char *dir, ps_clauses *cl, char *name, size_t namelen)
{
    char err[1024];
    int rc = -1;
    for (int up = 0; dir && up < 2 && rc < 0; up++) {
        size_t len;
        snprintf(name, namelen, "%s%s/CLAUSES.md", dir, up ? "/.." : "");
        char *text = slurp(name, &len);
        if (!text)
            continue;
        rc = ps_clauses_parse(text, name, cat, cl, err, sizeof(err)) < 0 ? -2 : 0;
        free(text);
        if (rc == -2)
            return fprintf(stderr, "pushspec: %s\n", err), -1;
    }
    if (rc == 0)
        return 0;
    if (dir)
        fprintf(stderr, "pushspec: note: no CLAUSES.md in %s or its parent folder; using the built-in one\n", dir);
    snprintf(name, namelen, "scenarios/CLAUSES.md (built in)");
    if (ps_clauses_builtin(cat, cl, err, sizeof(err)) < 0)
        return fprintf(stderr, "pushspec: %s\n", err), -1;
    return 0;
}

static int is_defined(const ps_clauses *cl, const hit *h)
{
    return ps_clauses_find(cl, h->rule, h->label) != NULL;
}

static const char *undefined_why(const ps_catalog *cat, const hit *h)
{
    return ps_catalog_find(cat, h->rule) ? "CLAUSES.md has no such clause" : "RULES.md has no such rule";
}

static const char *use_name(ps_label_use use)
{
    switch (use) {
    case PS_LABEL_CHECK: return "check";
    case PS_LABEL_DECLARED: return "clause";
    case PS_LABEL_ARGUMENT: return "argument";
    default: return "elsewhere";
    }
}

static void rule_json(cJSON *ro, const ps_rule *ru, const ps_clauses *cl, const hits *hs)
{
    cJSON *a = cJSON_AddArrayToObject(ro, "clauses");
    for (size_t i = 0; i < cl->n; i++) {
        const ps_clause *c = &cl->c[i];
        if (strcmp(c->rule, ru->id))
            continue;
        cJSON *co = cJSON_CreateObject();
        cJSON_AddStringToObject(co, "label", c->label);
        cJSON_AddStringToObject(co, "text", c->text);
        cJSON_AddNumberToObject(co, "line", c->line);
        cJSON *ch = cJSON_AddArrayToObject(co, "checks");
        for (size_t k = 0; k < hs->n; k++)
            if (!strcmp(hs->h[k].rule, c->rule) && !strcmp(hs->h[k].label, c->label)) {
                cJSON *w = cJSON_CreateObject();
                cJSON_AddStringToObject(w, "file", hs->h[k].file);
                cJSON_AddNumberToObject(w, "line", hs->h[k].line);
                cJSON_AddStringToObject(w, "kind", use_name(hs->h[k].use));
                cJSON_AddBoolToObject(w, "counts", PS_LABEL_COUNTS(hs->h[k].use));
                cJSON_AddItemToArray(ch, w);
            }
        cJSON_AddItemToArray(a, co);
    }
}

/* Clause counts: rules without a clause, clauses without a check, undefined labels used.
 * A clause is checked when its label stands in a check call or a ps.clause declaration;
 * met only in a table entry or a helper's argument, nothing shows it reaches a check. */
typedef struct {
    size_t bare_rules, clauses, uncovered, undefined;
} tally;

static size_t checks_of(const hits *hs, const ps_clause *c)
{
    size_t n = 0;
    for (size_t k = 0; k < hs->n; k++)
        n += !strcmp(hs->h[k].rule, c->rule) && !strcmp(hs->h[k].label, c->label) && PS_LABEL_COUNTS(hs->h[k].use);
    return n;
}

static tally count(const ps_catalog *cat, const ps_clauses *cl, const hits *hs)
{
    tally t = { 0 };
    for (size_t i = 0; i < cat->n; i++) {
        int any = 0;
        for (size_t j = 0; j < cl->n && !any; j++)
            any = !strcmp(cl->c[j].rule, cat->rules[i].id);
        t.bare_rules += !any;
    }
    t.clauses = cl->n;
    for (size_t j = 0; j < cl->n; j++)
        t.uncovered += checks_of(hs, &cl->c[j]) == 0;
    for (size_t k = 0; k < hs->n; k++)
        t.undefined += !is_defined(cl, &hs->h[k]);
    return t;
}

static void add_json(cJSON *root, const ps_catalog *cat, const ps_clauses *cl, const hits *hs, const char *name)
{
    cJSON *ro;
    cJSON_ArrayForEach(ro, cJSON_GetObjectItemCaseSensitive(root, "rules")) {
        const ps_rule *ru = ps_catalog_find(cat, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ro, "id")));
        if (ru)
            rule_json(ro, ru, cl, hs);
    }
    cJSON *u = cJSON_AddArrayToObject(root, "undefined_labels");
    for (size_t k = 0; k < hs->n; k++) {
        if (is_defined(cl, &hs->h[k]))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "rule", hs->h[k].rule);
        cJSON_AddStringToObject(o, "label", hs->h[k].label);
        cJSON_AddStringToObject(o, "file", hs->h[k].file);
        cJSON_AddNumberToObject(o, "line", hs->h[k].line);
        cJSON_AddStringToObject(o, "why", undefined_why(cat, &hs->h[k]));
        cJSON_AddItemToArray(u, o);
    }
    tally t = count(cat, cl, hs);
    cJSON *s = cJSON_AddObjectToObject(root, "clause_summary");
    cJSON_AddStringToObject(s, "catalog", name);
    cJSON_AddNumberToObject(s, "rules", (double)cat->n);
    cJSON_AddNumberToObject(s, "rules_without_clauses", (double)t.bare_rules);
    cJSON_AddNumberToObject(s, "clauses", (double)t.clauses);
    cJSON_AddNumberToObject(s, "clauses_without_checks", (double)t.uncovered);
    cJSON_AddNumberToObject(s, "undefined_labels", (double)t.undefined);
}

/* One rule in text: its line, who checks it, then each clause (or only the one labelled
 * label, when not NULL) with where it is checked. */
static void rule_text(const ps_rule *ru, const ps_runner *r, const ps_clauses *cl, const hits *hs,
                      const char *label)
{
    printf("  %-9s [%s] %-6s %s\n            checked by:", ru->id, ru->roles, ru->should ? "SHOULD" : "MUST",
           ru->text);
    int any = 0;
    size_t pos = 0;
    for (const ps_scenario *s; (s = ps_runner_checking(r, ru->id, &pos)); any = 1)
        printf(" %s", s->id);
    printf("%s\n", any ? "" : " (no scenario yet)");
    any = 0;
    for (size_t i = 0; i < cl->n; i++) {
        const ps_clause *c = &cl->c[i];
        if (strcmp(c->rule, ru->id) || (label && strcmp(c->label, label)))
            continue;
        any = 1;
        printf("            %s:%s  %s\n", c->rule, c->label, c->text);
        size_t n = 0, seen = 0;
        for (size_t k = 0; k < hs->n; k++)
            if (!strcmp(hs->h[k].rule, c->rule) && !strcmp(hs->h[k].label, c->label)) {
                int counts = PS_LABEL_COUNTS(hs->h[k].use);
                printf("%s%s:%d%s", seen++ ? ", " : "              checks: ", hs->h[k].file, hs->h[k].line,
                       counts ? "" : hs->h[k].use == PS_LABEL_ARGUMENT ? " (a helper's argument)" : " (a table entry)");
                n += counts;
            }
        if (seen)
            printf("\n");
        if (!n)
            printf("              NO CHECK: no t:check, t:judge, verifier or ps.clause carries this label "
                   "(the C codec's labels: ci/check-clauses.sh)\n");
    }
    if (!any)
        printf("            NO CLAUSES: CLAUSES.md does not split this rule yet\n");
}

static void print_text(const ps_catalog *cat, const ps_runner *r, const ps_clauses *cl, const hits *hs,
                       const char *name)
{
    const char *section = "";
    for (size_t i = 0; i < cat->n; i++) {
        if (strcmp(section, cat->rules[i].section))
            printf("\n%s\n", section = cat->rules[i].section);
        rule_text(&cat->rules[i], r, cl, hs, NULL);
    }
    tally t = count(cat, cl, hs);
    if (t.undefined) {
        printf("\nLabels used in the scenarios that %s does not define (%zu):\n", name, t.undefined);
        for (size_t k = 0; k < hs->n; k++)
            if (!is_defined(cl, &hs->h[k]))
                printf("  %s:%d  %s:%s  (%s)\n", hs->h[k].file, hs->h[k].line, hs->h[k].rule, hs->h[k].label,
                       undefined_why(cat, &hs->h[k]));
    }
    printf("\nclauses (%s): %zu; %zu without a check (NO CHECK); %zu of %zu rules without clauses (NO CLAUSES); "
           "%zu undefined labels used\n", name, t.clauses, t.uncovered, t.bare_rules, cat->n, t.undefined);
}

/* list --clause RULE-ID[:label]: that rule with that clause (or all its clauses), where the
 * clause's sentence is and what checks it. 0, or 2 when the catalog has no such clause. */
static int one_clause(const ps_catalog *cat, const ps_runner *r, const ps_clauses *cl, const hits *hs,
                      const char *name, const char *only)
{
    char rule[PS_RULE_ID_MAX + 1];
    const char *colon = strchr(only, ':');
    size_t n = colon ? (size_t)(colon - only) : strlen(only);
    snprintf(rule, sizeof(rule), "%.*s", (int)(n < sizeof(rule) ? n : sizeof(rule) - 1), only);
    const ps_rule *ru = n < sizeof(rule) ? ps_catalog_find(cat, rule) : NULL;
    const ps_clause *c = ru && colon ? ps_clauses_find(cl, rule, colon + 1) : NULL;
    if (!ru || (colon && !c)) {
        fprintf(stderr, "pushspec: %s has no %s '%s'; 'pushspec list --clauses' lists every clause\n",
                ru ? name : "RULES.md", ru ? "clause" : "rule", only);
        return 2;
    }
    printf("%s\n", ru->section);
    rule_text(ru, r, cl, hs, colon ? colon + 1 : NULL);
    if (c)
        printf("            (%s:%d)\n", name, c->line);
    return 0;
}

int ps_list_clauses(const ps_catalog *cat, const ps_runner *r, const char *scenarios_dir, const char *only,
                    cJSON *json)
{
    ps_clauses cl;
    char name[4200];
    if (load_catalog(cat, scenarios_dir, &cl, name, sizeof(name)) < 0)
        return 2;
    hits hs = { 0 };
    int rc = scenarios_dir ? scan_dir(&hs, scenarios_dir) : (scan_embedded(&hs), 0);
    for (const ps_lua_module *m = ps_lua_modules; m->name && rc == 0; m++) {
        /* model.lua's labels are explore's predictions, not checks `run` makes: counting them
         * would mark every clause checked (lua_explore checks that each is defined) */
        if (!strcmp(m->name, "model"))
            continue;
        char mod[128];
        snprintf(mod, sizeof(mod), "harness/lua/%s.lua", m->name);
        scan(&hs, mod, m->text, strlen(m->text));
    }
    if (hs.oom && rc == 0) {
        fprintf(stderr, "pushspec: out of memory scanning the scenarios for check labels\n");
        rc = -1;
    }
    if (rc == 0 && json)
        add_json(json, cat, &cl, &hs, name);
    else if (rc == 0 && only)
        rc = one_clause(cat, r, &cl, &hs, name, only) ? -1 : 0;
    else if (rc == 0)
        print_text(cat, r, &cl, &hs, name);
    for (size_t k = 0; k < hs.n; k++)
        if (hs.h[k].owner)
            free(hs.h[k].file);
    free(hs.h);
    ps_clauses_free(&cl);
    return rc == 0 ? 0 : 2;
}
