/* The rule catalog: RULES.md parsed by its stable line format
 * `- ID [ROLES] MUST|SHOULD (TAGS): text`. */
#ifndef PUSHSPEC_RULES_H
#define PUSHSPEC_RULES_H

#include <stddef.h>

typedef struct {
    char id[16];
    char roles[8];        /* letters of S, C, H */
    int should;           /* 0 = MUST, 1 = SHOULD */
    int slow;
    char profile[48];     /* "" when none */
    char section[96];     /* the ### heading it stands under */
    char *text;
} ps_rule;

typedef struct {
    ps_rule *rules;
    size_t n;
} ps_catalog;

/* Parse markdown text; 0 on success, -1 with err (line number and what is wrong). */
int ps_catalog_parse(const char *text, ps_catalog *cat, char *err, size_t errlen);
/* The catalog compiled into the binary (scenarios/RULES.md at build time), which main
 * registers at start-up; -1 with err before that. */
void ps_catalog_register_builtin(const char *text);
int ps_catalog_builtin(ps_catalog *cat, char *err, size_t errlen);
const ps_rule *ps_catalog_find(const ps_catalog *cat, const char *id);
int ps_rule_has_role(const ps_rule *r, char role);
void ps_catalog_free(ps_catalog *cat);

#endif
