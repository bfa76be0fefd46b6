#include "report/clause_text.h"
#include "core/clauses.h"

#include <stdio.h>

const char *ps_clause_text(const ps_catalog *cat, const ps_rule *rule, const char *label, int *defined, char *out,
                           size_t outlen)
{
    /* parsed once per run (reports are written at its end, on one thread); kept until exit */
    static ps_clauses cl;
    static const ps_catalog *parsed_for;
    static int ok;
    if (parsed_for != cat) {
        char err[256];
        ps_clauses_free(&cl);
        ok = ps_clauses_builtin(cat, &cl, err, sizeof(err)) == 0;
        parsed_for = cat;
    }
    const ps_clause *c = ok ? ps_clauses_find(&cl, rule->id, label) : NULL;
    if (defined)
        *defined = c != NULL;
    if (c)
        snprintf(out, outlen, "%s", c->text);
    else
        snprintf(out, outlen, "no clause %s:%s in CLAUSES.md; the rule: %s", rule->id, label, rule->text);
    return out;
}
