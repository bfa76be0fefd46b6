#include "core/rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text main registers (the binary's embedded RULES.md): core links no embedded file. */
static const char *builtin_rules;

/* "(slow, profile `name`)" -> flags */
static void parse_tags(const char *t, size_t n, ps_rule *r)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%.*s", (int)n, t);
    if (strstr(buf, "slow"))
        r->slow = 1;
    const char *p = strstr(buf, "profile");
    if (p) {
        p += 7;
        while (*p == ' ' || *p == '`')
            p++;
        size_t len = strcspn(p, "`,) ");
        snprintf(r->profile, sizeof(r->profile), "%.*s", (int)len, p);
    }
}

static int parse_rule(const char *line, size_t len, const char *section, ps_rule *r)
{
    const char *p = line + 2, *end = line + len;
    memset(r, 0, sizeof(*r));
    size_t idl = 0;
    while (p + idl < end && (isupper((unsigned char)p[idl]) || isdigit((unsigned char)p[idl]) ||
                             p[idl] == '-'))
        idl++;
    if (idl == 0 || idl >= sizeof(r->id) || p + idl >= end || p[idl] != ' ')
        return -1;
    memcpy(r->id, p, idl);
    p += idl + 1;
    if (*p != '[')
        return -1;
    const char *close = memchr(p, ']', (size_t)(end - p));
    if (!close || (size_t)(close - p - 1) >= sizeof(r->roles))
        return -1;
    for (const char *q = p + 1; q < close; q++)
        if (isupper((unsigned char)*q))
            strncat(r->roles, q, 1);
    p = close + 1;
    while (p < end && *p == ' ')
        p++;
    if ((size_t)(end - p) > 4 && strncmp(p, "MUST", 4) == 0)
        p += 4;
    else if ((size_t)(end - p) > 6 && strncmp(p, "SHOULD", 6) == 0)
        r->should = 1, p += 6;
    else
        return -1;
    while (p < end && *p == ' ')
        p++;
    if (p < end && *p == '(') {
        const char *cp = memchr(p, ')', (size_t)(end - p));
        if (!cp)
            return -1;
        parse_tags(p + 1, (size_t)(cp - p - 1), r);
        p = cp + 1;
    }
    if (p >= end || *p != ':')
        return -1;
    p++;
    while (p < end && *p == ' ')
        p++;
    r->text = strndup(p, (size_t)(end - p));
    snprintf(r->section, sizeof(r->section), "%s", section);
    return r->text ? 0 : -1;
}

int ps_catalog_parse(const char *text, ps_catalog *cat, char *err, size_t errlen)
{
    char section[96] = "";
    size_t cap = 0;
    int lineno = 0;

    memset(cat, 0, sizeof(*cat));
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        lineno++;
        if (len > 4 && strncmp(line, "### ", 4) == 0) {
            snprintf(section, sizeof(section), "%.*s", (int)(len - 4), line + 4);
        } else if (len > 3 && line[0] == '-' && line[1] == ' ' && isupper((unsigned char)line[2]) &&
                   memchr(line, '[', len) && section[0]) {
            if (cat->n == cap) {
                cap = cap ? cap * 2 : 128;
                ps_rule *n = realloc(cat->rules, cap * sizeof(*n));
                if (!n)
                    goto fail_mem;
                cat->rules = n;
            }
            if (parse_rule(line, len, section, &cat->rules[cat->n]) < 0) {
                snprintf(err, errlen, "rule catalog line %d does not follow `- ID [ROLES] MUST|SHOULD (TAGS): text`: %.60s",
                         lineno, line);
                ps_catalog_free(cat);
                return -1;
            }
            cat->n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (cat->n == 0) {
        snprintf(err, errlen, "the rule catalog holds no rules");
        return -1;
    }
    return 0;
fail_mem:
    snprintf(err, errlen, "out of memory reading the rule catalog");
    ps_catalog_free(cat);
    return -1;
}

void ps_catalog_register_builtin(const char *text)
{
    builtin_rules = text;
}

int ps_catalog_builtin(ps_catalog *cat, char *err, size_t errlen)
{
    if (!builtin_rules) {
        memset(cat, 0, sizeof(*cat));
        snprintf(err, errlen, "no built-in rule catalog (ps_catalog_register_builtin was not called)");
        return -1;
    }
    return ps_catalog_parse(builtin_rules, cat, err, errlen);
}

const ps_rule *ps_catalog_find(const ps_catalog *cat, const char *id)
{
    for (size_t i = 0; id && i < cat->n; i++)
        if (strcmp(cat->rules[i].id, id) == 0)
            return &cat->rules[i];
    return NULL;
}

int ps_rule_has_role(const ps_rule *r, char role)
{
    return strchr(r->roles, role) != NULL;
}

void ps_catalog_free(ps_catalog *cat)
{
    for (size_t i = 0; i < cat->n; i++)
        free(cat->rules[i].text);
    free(cat->rules);
    cat->rules = NULL;
    cat->n = 0;
}
