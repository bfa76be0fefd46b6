#define _POSIX_C_SOURCE 200809L   /* strdup, strndup */
#include "report/expect_merge.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ps_xlines_add(ps_xlines *x, const char *rule, const char *label, int sometimes, const char *reason)
{
    ps_xline *n = realloc(x->l, (x->n + 1) * sizeof(*n));
    if (!n)
        return -1;
    x->l = n;
    ps_xline *l = &x->l[x->n];
    snprintf(l->rule, sizeof(l->rule), "%s", rule);
    l->label = label ? strdup(label) : NULL;
    l->reason = strdup(reason ? reason : "");
    l->sometimes = sometimes;
    if ((label && !l->label) || !l->reason) {
        free(l->label);
        free(l->reason);
        return -1;
    }
    x->n++;
    return 0;
}

void ps_xlines_free(ps_xlines *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->l[i].label);
        free(x->l[i].reason);
    }
    free(x->l);
    memset(x, 0, sizeof(*x));
}

/* One line "NAME[?]  reason" into x; 0, 1 (not a line: blank or comment), -1. */
static int read_line(char *p, ps_xlines *x)
{
    while (isspace((unsigned char)*p))
        p++;
    if (!*p || *p == '#')
        return 1;
    size_t nl = strcspn(p, " \t\r\n");
    char name[256];
    if (nl >= sizeof(name))
        return -1;
    memcpy(name, p, nl);
    name[nl] = '\0';
    p += nl;
    while (*p == ' ' || *p == '\t')
        p++;
    p[strcspn(p, "\r\n")] = '\0';
    int sometimes = nl > 1 && name[nl - 1] == '?';
    if (sometimes)
        name[nl - 1] = '\0';
    char *colon = strchr(name, ':');
    if (colon)
        *colon++ = '\0';
    if (!*p || !*name || strlen(name) >= sizeof(x->l->rule))
        return -1;
    if (!colon)
        return ps_xlines_add(x, name, NULL, sometimes, p);
    for (char *l = strtok(colon, ","); l; l = strtok(NULL, ","))
        if (ps_xlines_add(x, name, l, sometimes, p) < 0)
            return -1;
    return 0;
}

int ps_xlines_read(const char *path, ps_xlines *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "r");
    if (!f && errno == ENOENT)
        return 0;
    if (!f) {
        snprintf(err, errlen, "--merge: cannot read the baseline %s", path);
        return -1;
    }
    char line[2048];
    int lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        if (read_line(line, out) < 0) {
            snprintf(err, errlen, "--merge: %s:%d is not a baseline line \"RULE-ID[:labels][?]  reason\"; "
                     "fix it, or write a new baseline without --merge", path, lineno);
            fclose(f);
            ps_xlines_free(out);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

static const ps_xline *find(const ps_xlines *x, const char *rule, const char *label, int bare)
{
    for (size_t i = 0; i < x->n; i++) {
        const ps_xline *l = &x->l[i];
        if (strcmp(l->rule, rule))
            continue;
        if (bare ? !l->label : (l->label && label && !strcmp(l->label, label)))
            return l;
    }
    return NULL;
}

static size_t count(const ps_xlines *x, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++)
        n += !strcmp(x->l[i].rule, rule);
    return n;
}

int ps_xlines_merge(const char *rule, const ps_xlines *now, const ps_xlines *old, int observed, ps_xlines *out)
{
    size_t nn = count(now, rule), no = count(old, rule);
    const ps_xlines *only = !observed || !nn ? old : !no ? now : NULL;
    if (only) {   /* one side: not run now (old kept as it was), or failed on one side only */
        int mark = observed;   /* it passed now, or passed in every earlier run */
        for (size_t i = 0; i < only->n; i++) {
            const ps_xline *l = &only->l[i];
            if (!strcmp(l->rule, rule) && ps_xlines_add(out, rule, l->label, l->sometimes || mark, l->reason) < 0)
                return -1;
        }
        return 0;
    }
    const ps_xline *ob = find(old, rule, NULL, 1), *nb = find(now, rule, NULL, 1);
    if (ob || nb)   /* a bare line covers every check: failed both times, so firm unless marked before */
        return ps_xlines_add(out, rule, NULL, ob ? ob->sometimes : 0, ob ? ob->reason : nb->reason);
    for (size_t i = 0; i < now->n; i++) {
        const ps_xline *l = &now->l[i];
        if (strcmp(l->rule, rule))
            continue;
        const ps_xline *o = find(old, rule, l->label, 0);
        if (ps_xlines_add(out, rule, l->label, o ? o->sometimes : 1, o ? o->reason : l->reason) < 0)
            return -1;
    }
    for (size_t i = 0; i < old->n; i++) {   /* failed before, not now */
        const ps_xline *l = &old->l[i];
        if (!strcmp(l->rule, rule) && !find(now, rule, l->label, 0) && ps_xlines_add(out, rule, l->label, 1, l->reason) < 0)
            return -1;
    }
    return 0;
}
