/* core/rules.c and core/clauses.c: the rule catalog and the clause catalog parsed
 * from text (core links alone: the built-in texts are registered, not linked). */
#include "check.h"
#include "core/clauses.h"
#include "core/rules.h"

#include <stdlib.h>

static const char rules_md[] =
    "# Rules\n"
    "- a list item that is no rule\n"
    "### CONN — connection (S)\n"
    "- CONN-1 [S] MUST: the server sends connection_established.\n"
    "- CONN-2 [SC] SHOULD (slow, profile `ssl_only`): a slow one.\n"
    "### HOOK — webhooks (S)\n"
    "- HOOK-1 [S] MUST (profile `webhooks`): webhooks are signed.\n";

static const char clauses_md[] =
    "### CONN — connection (S)\n"
    "- CONN-1:socket-id  data carries a socket_id\n"
    "- CONN-2:slow  it takes time\n"
    "### HOOK — webhooks (S)\n"
    "- HOOK-1:signed  X-Pusher-Signature is the HMAC\n";

static void catalog(void)
{
    ps_catalog cat;
    char err[256] = "";
    CHECK_INT(ps_catalog_parse(rules_md, &cat, err, sizeof(err)), 0);
    CHECK_INT(cat.n, 3);
    const ps_rule *r = ps_catalog_find(&cat, "CONN-2");
    CHECK(r != NULL);
    if (r) {
        CHECK_STR(r->roles, "SC");
        CHECK_INT(r->should, 1);
        CHECK_INT(r->slow, 1);
        CHECK_STR(r->profile, "ssl_only");
        CHECK_STR(r->section, "CONN — connection (S)");
        CHECK_STR(r->text, "a slow one.");
        CHECK(ps_rule_has_role(r, 'C'));
        CHECK(!ps_rule_has_role(r, 'H'));
    }
    r = ps_catalog_find(&cat, "CONN-1");
    CHECK(r && !r->should && !r->slow && !r->profile[0]);
    CHECK(ps_catalog_find(&cat, "CONN-9") == NULL);
    CHECK(ps_catalog_find(&cat, NULL) == NULL);

    ps_clauses cl;
    CHECK_INT(ps_clauses_parse(clauses_md, "c.md", &cat, &cl, err, sizeof(err)), 0);
    CHECK_INT(cl.n, 3);
    const ps_clause *c = ps_clauses_find(&cl, "HOOK-1", "signed");
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(c->text, "X-Pusher-Signature is the HMAC");
        CHECK_INT(c->line, 5);
    }
    CHECK(ps_clauses_find(&cl, "HOOK-1", "socket-id") == NULL);
    ps_clauses_free(&cl);

    /* each broken clause line is refused, naming file, line and what is wrong */
    static const struct { const char *text, *why; } bad[] = {
        { "### CONN — connection (S)\n- CONN-9:x  no such rule\n", "c.md:2: this clause line names a rule that RULES.md does not have" },
        { "### HOOK — webhooks (S)\n- CONN-1:x  another section\n", "stands under another section than its rule's" },
        { "### CONN — connection (S)\n- CONN-1:Bad  upper case\n", "has a label that is not 1-48 of a-z 0-9 '-'" },
        { "### CONN — connection (S)\n- CONN-1:x\n", "has no clause text after the label" },
        { "### CONN — connection (S)\n- CONN-1:x  one\n- CONN-1:x  two\n", "c.md:3: this clause line repeats CONN-1:x of line 2" },
        { "### CONN — connection (S)\n- CONN-1 no colon\n", "is not `- RULE-ID:label  clause text`" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        CHECK_INT(ps_clauses_parse(bad[i].text, "c.md", &cat, &cl, err, sizeof(err)), -1);
        if (!strstr(err, bad[i].why))
            fprintf(stderr, "  case %zu: '%s' lacks '%s'\n", i, err, bad[i].why);
        CHECK(strstr(err, bad[i].why) != NULL);
        CHECK_INT(cl.n, 0);
    }
    ps_catalog_free(&cat);

    CHECK_INT(ps_catalog_parse("### X\n- X-1 [S] PERHAPS: no strength\n", &cat, err, sizeof(err)), -1);
    CHECK(strstr(err, "line 2 does not follow") != NULL);
}

static void builtin(void)
{
    ps_catalog cat;
    ps_clauses cl;
    char err[256];
    /* nothing registered: an error, never a crash or a link-time dependency */
    CHECK_INT(ps_catalog_builtin(&cat, err, sizeof(err)), -1);
    CHECK(strstr(err, "ps_catalog_register_builtin") != NULL);
    CHECK_INT(ps_catalog_parse(rules_md, &cat, err, sizeof(err)), 0);
    CHECK_INT(ps_clauses_builtin(&cat, &cl, err, sizeof(err)), -1);
    CHECK(strstr(err, "ps_clauses_register_builtin") != NULL);
    ps_catalog_free(&cat);

    ps_catalog_register_builtin(rules_md);
    ps_clauses_register_builtin(clauses_md);
    CHECK_INT(ps_catalog_builtin(&cat, err, sizeof(err)), 0);
    CHECK_INT(cat.n, 3);
    CHECK_INT(ps_clauses_builtin(&cat, &cl, err, sizeof(err)), 0);
    CHECK_INT(cl.n, 3);
    ps_clauses_free(&cl);
    ps_catalog_free(&cat);
}

int main(void)
{
    catalog();
    builtin();
    return check_done("test_catalog");
}
