/* The text a report shows beside a check label: the clause RULE:label of the built-in
 * scenarios/CLAUSES.md, or, for a label with no clause there (such as the codec's RULE:wire),
 * the rule's own text and a note saying the label has no clause. */
#ifndef PUSHSPEC_CLAUSE_TEXT_H
#define PUSHSPEC_CLAUSE_TEXT_H

#include "core/rules.h"

#include <stddef.h>

/* Into out (always a string); returns out. defined (may be NULL): 1 when the clause exists. */
const char *ps_clause_text(const ps_catalog *cat, const ps_rule *rule, const char *label, int *defined, char *out,
                           size_t outlen);

#endif
