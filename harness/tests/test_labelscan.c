/* core/labelscan.c: the check labels a Lua source holds, found without running it. */
#include "check.h"
#include "core/labelscan.h"

typedef struct {
    char seen[1024];
    size_t len;
} found;

static void note(void *ctx, int line, const char *rule, const char *label, ps_label_use use)
{
    found *f = ctx;
    f->len += (size_t)snprintf(f->seen + f->len, sizeof(f->seen) - f->len, "%d:%s:%s%s;", line, rule, label,
                               use == PS_LABEL_CHECK ? "" : use == PS_LABEL_DECLARED ? "(declared)" : use == PS_LABEL_ARGUMENT ? "(argument)" : "(not a call)");
}

static const char *scan(const char *lua)
{
    static found f;
    f.len = 0;
    f.seen[0] = '\0';
    ps_label_scan(lua, strlen(lua), note, &f);
    return f.seen;
}

int main(void)
{
    CHECK_STR(scan("t:check(\"CONN-2:socket-id\", ok)"), "1:CONN-2:socket-id;");
    CHECK_STR(scan("t:check('CONN-2:socket-id', ok)"), "1:CONN-2:socket-id;");
    CHECK_STR(scan("x = 1\nt:judge([[HOOK-1:signed]], ok)"), "2:HOOK-1:signed;");
    CHECK_STR(scan("t:judge([==[HOOK-1:signed]==], ok)"), "1:HOOK-1:signed;");
    /* comments are skipped, short and long, and lines still counted */
    CHECK_STR(scan("-- t:check(\"CONN-2:a\")\n--[[ \"CONN-2:b\"\n]] t:check(\"CONN-2:c\", x)"), "3:CONN-2:c;");
    /* what is no label: no colon, no dash in the id, lower-case id, upper-case or too long label */
    CHECK_STR(scan("'CONN-2' 'CONN2:x' 'conn-2:x' 'CONN-2:X' 'CONN-2:'"), "");
    char long_label[128];
    snprintf(long_label, sizeof(long_label), "'CONN-2:%s'", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");   /* 49 */
    CHECK_STR(scan(long_label), "");
    /* an escaped quote does not end the literal; a string spanning lines counts them */
    CHECK_STR(scan("s = \"a\\\"b\" t:check(\"CONN-3:x\", ok)"), "1:CONN-3:x;");
    CHECK_STR(scan("s = \"a\\\nb\"\nt:check(\"CONN-3:y\", ok)"), "3:CONN-3:y;");
    /* an unterminated literal is read to its line's end, a comment to the text's: never past it */
    CHECK_STR(scan("t:check(\"CONN-2:x"), "1:CONN-2:x;");
    CHECK_STR(scan("--[[ never closed"), "");
    /* a call's argument, or not: table entries, assignments, parentheses of an expression */
    CHECK_STR(scan("judge(t, 'CONN-3:x', seen)"), "1:CONN-3:x(argument);");
    CHECK_STR(scan("v:check_api_signed('HSDK-1:auth-key')"), "1:HSDK-1:auth-key(argument);");
    /* the calls that record a verdict under the label, and ps.clause's declaration */
    CHECK_STR(scan("self:judge('CONN-3:x', ok) t:require ( 'CONN-3:y', ok)"), "1:CONN-3:x;1:CONN-3:y;");
    CHECK_STR(scan("ps.verify.negative(t, ctl, 'CONN-6:protocol-missing', ok)"), "1:CONN-6:protocol-missing;");
    CHECK_STR(scan("local C = { a = ps.clause('CONN-3:x'), b = ps.clause \"CONN-3:y\" }"),
              "1:CONN-3:x(declared);1:CONN-3:y(not a call);");
    CHECK_STR(scan("self:incidental('HTTP-1:set-up', w) S = { P.clause('HSDK-1:auth-key') }"),
              "1:HTTP-1:set-up;1:HSDK-1:auth-key(declared);");
    /* a name that only ends like a check or starts like ps.clause is none */
    CHECK_STR(scan("t:checker('CONN-3:x') ps.clauses('CONN-3:y') xps.verify.f('CONN-3:z')"),
              "1:CONN-3:x(argument);1:CONN-3:y(argument);1:CONN-3:z(argument);");
    CHECK_STR(scan("local C = { a = 'CONN-3:x', ['b'] = \"CONN-3:y\" }"),
              "1:CONN-3:x(not a call);1:CONN-3:y(not a call);");
    CHECK_STR(scan("local l = 'CONN-3:x'"), "1:CONN-3:x(not a call);");
    CHECK_STR(scan("if ('CONN-3:x') then end"), "1:CONN-3:x(not a call);");
    CHECK_STR(scan("t:check(ok and 'CONN-3:x' or 'CONN-3:y', ok)"), "1:CONN-3:x;1:CONN-3:y;");
    CHECK_STR(scan("f({ 'CONN-3:x' }, 'CONN-3:y')"), "1:CONN-3:x(not a call);1:CONN-3:y(argument);");
    CHECK_STR(scan("t:check(f('CONN-3:x'), ok)"), "1:CONN-3:x(argument);");
    CHECK_STR(scan("t:check(m['CONN-3:x'], ok)"), "1:CONN-3:x(not a call);");
    return check_done("test_labelscan");
}
