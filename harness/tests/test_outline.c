/* core/outline.c: JSON validity by RFC 8259 at any depth, and what a server
 * sees of a Pusher envelope (the last of duplicate members, unescaped names). */
#include "check.h"
#include "core/outline.h"

#include <stdlib.h>

static ps_outline o;

static int outline(const char *s) { return ps_outline_json(s, strlen(s), &o); }

static const char *field(const char *key)
{
    for (size_t i = 0; i < o.nfields; i++)
        if (strcmp(o.fields[i].key, key) == 0)
            return ps_json_type_name(o.fields[i].type);
    return "absent";
}

static void validity(void)
{
    static const char *const good[] = { "{}", "[]", "0", "-0", "1.5e+10", "-12.0E-3", "true", "false", "null",
        "\"\"", " \t\r\n{ \"a\" : [ 1 , { } , \"x\\u00e9\\n\" ] } \n", "\"\\ud800\"", "\"\\/\\b\\f\\r\\t\\\\\\\"\"",
        "\"\x7f\xff\"" /* bytes are not UTF-8-checked: that is the WebSocket layer's */ };
    static const char *const bad[] = { "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "01", "1.", ".5",
        "1e", "+1", "-", "tru", "nul", "\"abc", "\"a\x01\"", "\"\\x\"", "\"\\u12g4\"", "\"\\u12\"", "{} {}", "[1]]",
        "{\"a\":1]", "[1}", "\"\\", "NaN" };

    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        CHECK_INT(outline(good[i]), 1);
        if (!o.json)
            fprintf(stderr, "  not JSON, but is: %s\n", good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_INT(outline(bad[i]), 0);
        if (o.json)
            fprintf(stderr, "  JSON, but is not: %s\n", bad[i]);
        CHECK_INT(o.event, PS_JT_ABSENT);   /* nothing is left set */
        CHECK_INT(o.depth, 0);
    }
    /* a NUL is a byte like others outside strings: not whitespace */
    CHECK_INT(ps_outline_json("{}\0", 3, &o), 0);
    CHECK_INT(ps_outline_json("\"a\0b\"", 5, &o), 0);   /* a raw control character */
}

static void envelope(void)
{
    CHECK_INT(outline("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"a\",\"auth\":5}}"), 1);
    CHECK_INT(o.top, PS_JT_OBJECT);
    CHECK_INT(o.event, PS_JT_STRING);
    CHECK_STR(o.event_text, "pusher:subscribe");
    CHECK_INT(o.event_len, 16);
    CHECK_INT(o.data, PS_JT_OBJECT);
    CHECK_INT(o.channel, PS_JT_ABSENT);
    CHECK_STR(field("channel"), "string");
    CHECK_STR(field("auth"), "number");
    CHECK_STR(field("user_data"), "absent");
    CHECK_INT(o.depth, 2);

    /* the last of duplicates counts, as JSON.parse keeps it; names are unescaped */
    CHECK_INT(outline("{\"event\":\"a\",\"ev\\u0065nt\":[1],\"data\":{\"x\":1},\"data\":\"s\",\"channel\":null}"), 1);
    CHECK_INT(o.event, PS_JT_ARRAY);
    CHECK_STR(o.event_text, "");
    CHECK_INT(o.data, PS_JT_STRING);
    CHECK_INT(o.nfields, 0);   /* the object data was replaced */
    CHECK_INT(o.channel, PS_JT_NULL);
    CHECK_INT(outline("{\"data\":{\"channel\":{},\"channel\":\"c\"}}"), 1);
    CHECK_INT(o.nfields, 1);
    CHECK_STR(field("channel"), "string");

    /* members deeper than data's own are not data's */
    CHECK_INT(outline("{\"data\":{\"a\":{\"channel\":1},\"b\":[{\"auth\":2}]},\"x\":{\"event\":3}}"), 1);
    CHECK_STR(field("a"), "object");
    CHECK_STR(field("b"), "array");
    CHECK_STR(field("channel"), "absent");
    CHECK_STR(field("auth"), "absent");
    CHECK_INT(o.event, PS_JT_ABSENT);
    CHECK_INT(o.depth, 4);

    /* an array at the top: its elements are no members */
    CHECK_INT(outline("[{\"event\":\"x\"}]"), 1);
    CHECK_INT(o.top, PS_JT_ARRAY);
    CHECK_INT(o.event, PS_JT_ABSENT);

    /* escapes in the event: pairs joined, a lone surrogate as U+FFFD; a long event cut, counted whole */
    CHECK_INT(outline("{\"event\":\"a\\u00e9\\ud83d\\udca5\\ud800z\\n\"}"), 1);
    CHECK_STR(o.event_text, "a\xc3\xa9\xf0\x9f\x92\xa5\xef\xbf\xbdz\n");
    CHECK_INT(outline("{\"event\":\"a\\u0000b\"}"), 1);   /* a NUL inside: kept and counted */
    CHECK_INT(o.event_kept, 3);
    CHECK(memcmp(o.event_text, "a\0b", 4) == 0);
    char big[2000];
    memcpy(big, "{\"event\":\"", 10);
    memset(big + 10, 'e', 1000);
    memcpy(big + 1010, "\"}", 3);
    CHECK_INT(outline(big), 1);
    CHECK_INT(o.event_len, 1000);
    CHECK_INT(strlen(o.event_text), PS_OUTLINE_TEXT - 1);
    /* a cut never splits a character: of 500 two-byte characters, 127 (254 bytes) are kept */
    for (size_t i = 10; i + 1 < 1010; i += 2)
        memcpy(big + i, "\xc3\xa9", 2);
    CHECK_INT(outline(big), 1);
    CHECK_INT(strlen(o.event_text), PS_OUTLINE_TEXT - 2);
}

static void deep(void)
{
    size_t d = 200000, n = 2 * d + 40;
    char *s = malloc(n);
    CHECK(s != NULL);
    if (!s)
        return;
    size_t k = (size_t)sprintf(s, "{\"event\":\"client-x\",\"data\":");
    memset(s + k, '[', d);
    s[k + d] = '1';
    memset(s + k + d + 1, ']', d);
    memcpy(s + k + 2 * d + 1, "}", 2);
    CHECK_INT(ps_outline_json(s, strlen(s), &o), 1);
    CHECK_INT(o.depth, d + 1);
    CHECK_INT(o.data, PS_JT_ARRAY);
    CHECK_STR(o.event_text, "client-x");
    s[k + 2 * d] = '}';   /* one bracket closed by the wrong kind */
    CHECK_INT(ps_outline_json(s, strlen(s), &o), 0);
    free(s);
}

int main(void)
{
    validity();
    envelope();
    deep();
    CHECK_STR(ps_json_type_name(PS_JT_BOOL), "boolean");
    CHECK_STR(ps_json_type_name((ps_json_type)99), "absent");
    return check_done("test_outline");
}
