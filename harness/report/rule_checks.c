#include "report/rule_checks.h"

#include <stdlib.h>
#include <string.h>

static int add(ps_rule_checks *out, const ps_check_label *l, const ps_scenario *s)
{
    for (size_t i = 0; i < out->n; i++)
        if (!strcmp(out->c[i].label, l->name))
            return 0;
    ps_failed_check *n = realloc(out->c, (out->n + 1) * sizeof(*n));
    if (!n)
        return -1;
    out->c = n;
    out->c[out->n++] = (ps_failed_check){ l->name, l, s };
    return 0;
}

int ps_rule_checks_collect(const ps_runner *run, const char *rule, ps_rule_checks *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t j = 0; j < run->nsc; j++) {
        const ps_scenario *s = run->sc[j];
        if (!s->selected || s->state != PS_S_DONE)
            continue;
        /* its declared rules' checks, then its incidental findings (--write-expect pins both) */
        for (size_t k = 0; k < s->nrules + s->nincidental; k++) {
            const ps_rule_outcome *c = k < s->nrules ? &s->checks[k] : &s->incidental[k - s->nrules];
            if (strcmp(c->rule, rule))
                continue;
            out->unlabelled += c->unlabelled_fails;
            /* err_source: a Lua error after a failing check (the scenario's verdict stays fail) */
            out->broken += c->v == PS_V_ERROR || c->v == PS_V_TIMEOUT || s->err_source != NULL;
            for (size_t l = 0; l < c->nlabels; l++)
                if (c->labels[l].fails && add(out, &c->labels[l], s) < 0) {
                    ps_rule_checks_free(out);
                    return -1;
                }
        }
    }
    return 0;
}

void ps_rule_checks_free(ps_rule_checks *rc)
{
    free(rc->c);
    memset(rc, 0, sizeof(*rc));
}
