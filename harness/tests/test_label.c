/* core/label.c: the one label syntax every reader uses. */
#include "check.h"
#include "core/label.h"

static int valid(const char *s) { return ps_label_valid(s, strlen(s)); }
static int rule(const char *s) { return ps_rule_id_valid(s, strlen(s)); }

int main(void)
{
    CHECK(valid("socket-id"));
    CHECK(valid("a"));
    CHECK(valid("0-9"));
    CHECK(!valid(""));
    CHECK(!valid("Socket-id"));
    CHECK(!valid("socket_id"));
    CHECK(!valid("socket id"));
    CHECK(!valid("a,b"));
    char lbl[PS_LABEL_MAX + 2];
    memset(lbl, 'a', sizeof(lbl));
    CHECK(ps_label_valid(lbl, PS_LABEL_MAX));
    CHECK(!ps_label_valid(lbl, PS_LABEL_MAX + 1));
    CHECK(ps_label_valid("abc,def", 3));   /* the length given, not the NUL, ends it */
    CHECK_STR(PS_LABEL_SYNTAX, "1-48 of a-z 0-9 '-'");

    CHECK(rule("CONN-2"));
    CHECK(rule("HTTP-AUTH-1"));
    CHECK(!rule("CONN2"));
    CHECK(!rule("conn-2"));
    CHECK(!rule("-CONN"));
    CHECK(!rule("2-CONN"));
    CHECK(!rule(""));
    CHECK(!rule("ABCDEFGH-1234567"));   /* 16: does not fit char[16] */
    CHECK(rule("ABCDEFGH-123456"));
    return check_done("test_label");
}
