/* pushspec list --rules --clauses [--json]: every rule, its clauses (CLAUSES.md) and the
 * checks that cover each, found as "RULE-ID:label" literals in the Lua the run would load. */
#ifndef PUSHSPEC_CLAUSES_CMD_H
#define PUSHSPEC_CLAUSES_CMD_H

#include "core/rules.h"
#include "lua/runner.h"

#include <cjson/cJSON.h>

/* scenarios_dir: --scenarios DIR (its CLAUSES.md, or DIR/../CLAUSES.md as scenarios export writes
 * them) or NULL (the built-in files). only: list --clause RULE-ID[:label] (text: that clause's
 * sentence, rule and checks) or NULL. json: the list --json document to add the clauses to, or
 * NULL to print text. 0, or 2 with the error said on stderr. */
int ps_list_clauses(const ps_catalog *cat, const ps_runner *r, const char *scenarios_dir, const char *only,
                    cJSON *json);

#endif
