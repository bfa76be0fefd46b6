/* The expected-failure baseline (--expect FILE): its lines, read and checked
 * against the catalog, and the lookup of a rule's entry. */
#include "report/baseline.h"

#include "core/label.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "RULE-ID" or "RULE-ID:label,label" (labels as in t:check). */
static int parse_name(char *name, char *id, const char **labels, const char *path, int lineno, char *err,
                      size_t errlen)
{
    char *colon = strchr(name, ':');
    if (colon)
        *colon = '\0';
    size_t n = strlen(name);
    if (n == 0 || n >= 16) {
        snprintf(err, errlen, "%s:%d: '%s' is not a rule id", path, lineno, name);
        return -1;
    }
    memcpy(id, name, n + 1);
    *labels = colon ? colon + 1 : NULL;
    if (colon) {
        const char *l = colon + 1;
        for (const char *p = l;; p++) {
            size_t n = strcspn(p, ",");
            if (!ps_label_valid(p, n)) {
                snprintf(err, errlen, "%s:%d: '%s:%s': after the colon come check labels (each " PS_LABEL_SYNTAX
                         "), separated by commas (see pushspec list --rules --clauses)", path, lineno, id, l);
                return -1;
            }
            p += n;
            if (!*p)
                break;
        }
    }
    return 0;
}

static int known(const ps_catalog *cat, const char *id, const char *path, int lineno, char *err, size_t errlen)
{
    if (ps_catalog_find(cat, id))
        return 1;
    snprintf(err, errlen, "%s:%d: %s is not a rule of the catalog (see pushspec list --rules)", path, lineno, id);
    return 0;
}

static int split_labels(ps_expect_entry *e, const char *labels)
{
    for (const char *p = labels; *p;) {
        size_t n = strcspn(p, ",");
        char **nl = realloc(e->labels, (e->nlabels + 1) * sizeof(*nl));
        if (!nl)
            return -1;
        e->labels = nl;
        if (!(e->labels[e->nlabels] = strndup(p, n)))
            return -1;
        e->nlabels++;
        p += n + (p[n] == ',');
    }
    free(e->label_failed);
    e->label_failed = calloc(e->nlabels, 1);
    return e->label_failed ? 0 : -1;
}

int ps_baseline_load(const char *path, const ps_catalog *cat, ps_baseline *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof(*b));
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read the expected-failure file %s", path);
        return -1;
    }
    char line[1024];
    int lineno = 0;
    size_t cap = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        char name[1024], id[16];
        size_t idl = strcspn(p, " \t\r\n");
        const char *labels;
        memcpy(name, p, idl);
        name[idl] = '\0';
        int sometimes = idl > 1 && name[idl - 1] == '?';   /* "RULE-ID:label?": fails in some runs only */
        if (sometimes)
            name[idl - 1] = '\0';
        if (parse_name(name, id, &labels, path, lineno, err, errlen) < 0 || !known(cat, id, path, lineno, err, errlen)) {
            fclose(f);
            return -1;
        }
        p += idl;
        while (*p == ' ' || *p == '\t')
            p++;
        p[strcspn(p, "\r\n")] = '\0';
        if (!*p) {
            snprintf(err, errlen, "%s:%d: %s needs a reason: say what the implementation does", path,
                     lineno, id);
            fclose(f);
            return -1;
        }
        ps_expect_entry *prev = NULL;
        for (size_t i = 0; i < b->n && !prev; i++)
            prev = strcmp(b->e[i].rule, id) == 0 ? &b->e[i] : NULL;
        if (prev && (!labels || !prev->nlabels)) {
            snprintf(err, errlen, "%s:%d: %s is already listed on line %d; several lines for one rule must each "
                     "name check labels (RULE-ID:label  reason)", path, lineno, id, prev->line);
            fclose(f);
            return -1;
        }
        if (prev) {   /* one line per failing check: the labels add up, and so do the reasons */
            size_t rl = strlen(prev->reason) + strlen(p) + 3;
            char *r = malloc(rl);
            if (!r || split_labels(prev, labels) < 0) {
                free(r);
                snprintf(err, errlen, "%s:%d: out of memory", path, lineno);
                fclose(f);
                return -1;
            }
            snprintf(r, rl, "%s; %s", prev->reason, p);
            free(prev->reason);
            prev->reason = r;
            prev->sometimes &= sometimes;
            continue;
        }
        if (b->n == cap) {
            cap = cap ? cap * 2 : 32;
            b->e = realloc(b->e, cap * sizeof(*b->e));
        }
        ps_expect_entry *e = &b->e[b->n++];
        memset(e, 0, sizeof(*e));
        snprintf(e->rule, sizeof(e->rule), "%s", id);
        if (labels && split_labels(e, labels) < 0) {
            snprintf(err, errlen, "%s:%d: out of memory", path, lineno);
            fclose(f);
            return -1;
        }
        e->reason = strdup(p);
        e->line = lineno;
        e->sometimes = sometimes;
    }
    fclose(f);
    return 0;
}

void ps_baseline_free(ps_baseline *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->e[i].reason);
        for (size_t k = 0; k < b->e[i].nlabels; k++)
            free(b->e[i].labels[k]);
        free(b->e[i].labels);
        free(b->e[i].label_failed);
    }
    free(b->e);
    memset(b, 0, sizeof(*b));
}

ps_expect_entry *ps_baseline_find(const ps_baseline *b, const char *id)
{
    for (size_t i = 0; b && i < b->n; i++)
        if (strcmp(b->e[i].rule, id) == 0)
            return &b->e[i];
    return NULL;
}
