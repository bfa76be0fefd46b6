#define _POSIX_C_SOURCE 200809L   /* strndup */
#include "core/clauses.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text main registers (the binary's embedded CLAUSES.md): core links no embedded file. */
static const char *builtin_clauses;

/* "- RULE-ID:label  text" (line without its newline) into c; NULL, or what is wrong (in why). */
static const char *parse_line(const char *line, size_t len, const ps_catalog *cat, const char *section,
                              ps_clause *c, char *why, size_t whylen)
{
    const ps_rule *rule;
    const char *p = line + 2, *end = line + len;
    size_t idl = strcspn(p, ": \t");
    if (p + idl >= end || p[idl] != ':' || idl == 0 || idl >= sizeof(c->rule))
        return "is not `- RULE-ID:label  clause text`";
    memcpy(c->rule, p, idl);
    c->rule[idl] = '\0';
    if (!(rule = ps_catalog_find(cat, c->rule)))
        return "names a rule that RULES.md does not have (see pushspec list --rules)";
    if (strcmp(rule->section, section) != 0) {
        snprintf(why, whylen, "stands under another section than its rule's, which is '### %s'", rule->section);
        return why;
    }
    p += idl + 1;
    size_t ll = 0;
    while (p + ll < end && p[ll] != ' ' && p[ll] != '\t')
        ll++;
    if (!ps_label_valid(p, ll))
        return "has a label that is not " PS_LABEL_SYNTAX;
    memcpy(c->label, p, ll);
    c->label[ll] = '\0';
    p += ll;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (p == end)
        return "has no clause text after the label";
    c->text = strndup(p, (size_t)(end - p));
    return c->text ? NULL : "could not be stored (out of memory)";
}

int ps_clauses_parse(const char *text, const char *file, const ps_catalog *cat, ps_clauses *out, char *err,
                     size_t errlen)
{
    char section[96] = "";
    size_t cap = 0;
    int lineno = 0;
    memset(out, 0, sizeof(*out));
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        lineno++;
        if (len > 4 && strncmp(line, "### ", 4) == 0) {
            snprintf(section, sizeof(section), "%.*s", (int)(len - 4), line + 4);
            while (*section && isspace((unsigned char)section[strlen(section) - 1]))
                section[strlen(section) - 1] = '\0';
        } else if (len >= 2 && line[0] == '-' && line[1] == ' ' && section[0]) {
            if (out->n == cap) {
                cap = cap ? cap * 2 : 256;
                ps_clause *n = realloc(out->c, cap * sizeof(*n));
                if (!n) {
                    snprintf(err, errlen, "%s:%d: out of memory", file, lineno);
                    ps_clauses_free(out);
                    return -1;
                }
                out->c = n;
            }
            ps_clause *c = &out->c[out->n];
            memset(c, 0, sizeof(*c));
            char buf[192];
            const char *why = parse_line(line, len, cat, section, c, buf, sizeof(buf));
            const ps_clause *dup = why ? NULL : ps_clauses_find(out, c->rule, c->label);
            if (dup) {
                snprintf(buf, sizeof(buf), "repeats %s:%s of line %d (labels are unique per rule)", c->rule,
                         c->label, dup->line);
                why = buf;
            }
            if (why) {
                snprintf(err, errlen, "%s:%d: this clause line %s: %.*s", file, lineno, why,
                         (int)(len > 80 ? 80 : len), line);
                free(c->text);
                ps_clauses_free(out);
                return -1;
            }
            c->line = lineno;
            out->n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

void ps_clauses_register_builtin(const char *text)
{
    builtin_clauses = text;
}

int ps_clauses_builtin(const ps_catalog *cat, ps_clauses *out, char *err, size_t errlen)
{
    if (!builtin_clauses) {
        memset(out, 0, sizeof(*out));
        snprintf(err, errlen, "no built-in clause catalog (ps_clauses_register_builtin was not called)");
        return -1;
    }
    return ps_clauses_parse(builtin_clauses, "scenarios/CLAUSES.md (built in)", cat, out, err, errlen);
}

const ps_clause *ps_clauses_find(const ps_clauses *cl, const char *rule, const char *label)
{
    for (size_t i = 0; i < cl->n; i++)
        if (!strcmp(cl->c[i].rule, rule) && !strcmp(cl->c[i].label, label))
            return &cl->c[i];
    return NULL;
}

void ps_clauses_free(ps_clauses *cl)
{
    for (size_t i = 0; i < cl->n; i++)
        free(cl->c[i].text);
    free(cl->c);
    memset(cl, 0, sizeof(*cl));
}
