#include "report/tally.h"

#include <string.h>

const char *ps_tally_class(ps_verdict v, ps_expectation x)
{
    if (x == PS_X_XFAIL)
        return "xfail";
    if (x == PS_X_XPASS)
        return "xpass";
    switch (v) {
    case PS_V_PASS: return "pass";
    case PS_V_FAIL: return "fail";
    case PS_V_TIMEOUT: return "timeout";
    case PS_V_SKIP: return "skip";
    default: return "error";
    }
}

void ps_tally_add(ps_tally *t, ps_verdict v, ps_expectation x, int should, int counted)
{
    const char *c = ps_tally_class(v, x);
    int not_made = !strcmp(c, "error") || !strcmp(c, "timeout");
    int problem = counted || not_made || !strcmp(c, "fail") || !strcmp(c, "xpass");
    t->rules++;
    t->pass += !strcmp(c, "pass");
    t->fail += !strcmp(c, "fail");
    t->error += !strcmp(c, "error");
    t->timeout += !strcmp(c, "timeout");
    t->skip += !strcmp(c, "skip");
    t->xfail += !strcmp(c, "xfail");
    t->xpass += !strcmp(c, "xpass");
    t->problems += problem;
    t->problem_errors += problem && not_made;
    t->counted += counted != 0;
    t->counted_error += counted && not_made;
    t->counted_timeout += counted && !strcmp(c, "timeout");
    t->warn += should && (not_made || !strcmp(c, "fail"));
}
