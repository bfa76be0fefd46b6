/* Unit tests for the message codec (harness/core/frame.c, validate.c, presence.c). */
#include "core/frame.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* Messages are written with ' for " and ` for \" so that double-encoded data
 * stays readable: {'data':'{`a`:1}'} is {"data":"{\"a\":1}"}. */
/* A test's own buffer: no memory is the machine's failure, not a check of pushspec's. */
static void *test_alloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "test_frame: out of memory allocating %zu bytes\n", n);
        exit(2);
    }
    return p;
}

static void unquote(const char *tpl, char *out, size_t n)
{
    size_t k = 0;

    for (; *tpl && k + 3 < n; tpl++) {
        if (*tpl == '`') {
            out[k++] = '\\';
            out[k++] = '"';
        } else {
            out[k++] = *tpl == '\'' ? '"' : *tpl;
        }
    }
    out[k] = '\0';
}

/* Rules broken by a message, e.g. "FRAME-2,CONN-3?" ('?' marks SHOULD). */
static const char *rules_of(const char *tpl, ps_direction dir)
{
    static char json[4096], rules[512];
    ps_violation v[16];
    ps_msg m;
    int n;

    unquote(tpl, json, sizeof json);
    ps_msg_parse(json, strlen(json), 0, &m);
    n = ps_msg_validate(&m, dir, v, 16);
    rules[0] = '\0';
    for (int i = 0; i < n && i < 16; i++) {
        strcat(rules, i ? "," : "");
        strcat(rules, v[i].rule);
        strcat(rules, v[i].should ? "?" : "");
    }
    if (n > 16)
        strcat(rules, ",+");
    ps_msg_free(&m);
    return rules;
}

/* Text of the first violation. */
static const char *first_text(const char *tpl, ps_direction dir)
{
    static char json[4096], text[240];
    ps_violation v[1];
    ps_msg m;

    unquote(tpl, json, sizeof json);
    ps_msg_parse(json, strlen(json), 0, &m);
    text[0] = '\0';
    if (ps_msg_validate(&m, dir, v, 1) > 0)
        memcpy(text, v[0].text, sizeof text);
    ps_msg_free(&m);
    return text;
}

static ps_parse_status parse_str(const char *s)
{
    ps_msg m;
    ps_parse_status st = ps_msg_parse(s, strlen(s), 0, &m);
    ps_msg_free(&m);
    return st;
}

#define SRV(tpl, want) CHECK_STR(rules_of(tpl, PS_FROM_SERVER), want)
#define CLI(tpl, want) CHECK_STR(rules_of(tpl, PS_FROM_CLIENT), want)
#define PARSE(s, want) CHECK_INT(parse_str(s), want)
#define PARSE_N(s, n, want) do { ps_msg m_; CHECK_INT(ps_msg_parse(s, n, 0, &m_), want); \
    ps_msg_free(&m_); } while (0)

/* A string of n copies of c (static, n < 4000). */
static const char *rep(char c, size_t n)
{
    static char buf[4000];
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

/* ------------------------------------------------------------- parsing */

static void test_parse_fields(void)
{
    ps_msg m;
    const char *s = "{\"event\":\"e\",\"channel\":\"c\",\"data\":\"{\\\"a\\\":1}\"}";

    CHECK_INT(ps_msg_parse(s, strlen(s), 0, &m), PS_PARSE_OK);
    CHECK_STR(m.event, "e");
    CHECK_STR(m.channel, "c");
    CHECK_INT(m.has_channel, 1);
    CHECK_INT(m.data_kind, PS_DATA_STRING);
    CHECK_STR(m.data->valuestring, "{\"a\":1}");
    CHECK(cJSON_IsObject(m.data_decoded));
    ps_msg_free(&m);
    ps_msg_free(&m);    /* idempotent */
    CHECK(m.root == NULL && m.data_decoded == NULL);

    s = "{\"event\":\"e\",\"channel\":5,\"data\":\"hello\"}";
    CHECK_INT(ps_msg_parse(s, strlen(s), 0, &m), PS_PARSE_OK);
    CHECK(m.channel == NULL);
    CHECK_INT(m.has_channel, 1);
    CHECK_INT(m.data_kind, PS_DATA_STRING);
    CHECK(m.data_decoded == NULL);
    ps_msg_free(&m);

    s = " {\"event\":\"e\",\"data\":{\"x\":[]}}\r\n\t ";
    CHECK_INT(ps_msg_parse(s, strlen(s), 0, &m), PS_PARSE_OK);
    CHECK(m.channel == NULL);
    CHECK_INT(m.has_channel, 0);
    CHECK_INT(m.data_kind, PS_DATA_OBJECT);
    CHECK(m.data_decoded == NULL);
    ps_msg_free(&m);

    s = "{\"event\":\"e\",\"data\":null}";
    CHECK_INT(ps_msg_parse(s, strlen(s), 0, &m), PS_PARSE_OK);
    CHECK_INT(m.data_kind, PS_DATA_OTHER);
    ps_msg_free(&m);
    s = "{\"event\":\"e\"}";
    CHECK_INT(ps_msg_parse(s, strlen(s), 0, &m), PS_PARSE_OK);
    CHECK_INT(m.data_kind, PS_DATA_ABSENT);
    CHECK(m.data == NULL);
    ps_msg_free(&m);

    /* "Event" is not "event": keys are case-sensitive */
    s = "{\"Event\":\"e\",\"channel\":\"c\"}";
    CHECK_INT(ps_msg_parse(s, strlen(s), 0, &m), PS_PARSE_NO_EVENT);
    CHECK(m.event == NULL);
    CHECK_STR(m.channel, "c");      /* still filled */
    ps_msg_free(&m);
}

static void test_parse_bad_json(void)
{
    ps_msg m;

    PARSE("{\"event\"", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\"", PS_PARSE_BAD_JSON);            /* truncated */
    PARSE("{\"event\":\"x\"} x", PS_PARSE_BAD_JSON);         /* trailing garbage */
    PARSE("{\"event\":\"x\"}{}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",}", PS_PARSE_BAD_JSON);
    PARSE("", PS_PARSE_BAD_JSON);
    PARSE("   ", PS_PARSE_BAD_JSON);
    PARSE("{'event':'x'}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"a\\qb\"}", PS_PARSE_BAD_JSON);       /* bad escape */
    PARSE("{\"event\":\"\\uzzzz\"}", PS_PARSE_BAD_JSON);     /* \u without hex digits: cJSON took it */
    PARSE("{\"event\":\"\\u00e\"}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"\\u00Ea\"}", PS_PARSE_OK);
    PARSE("{\"event\":\"\\ud800\"}", PS_PARSE_BAD_JSON);     /* lone surrogate escape */
    PARSE("{\"event\":\"\\u00e9\\ud834\\udd1e\"}", PS_PARSE_OK);
    PARSE("{\"event\":\"a\x01" "b\"}", PS_PARSE_BAD_JSON);   /* raw control char */
    PARSE("{\"event\":\"a\tb\"}", PS_PARSE_BAD_JSON);
    PARSE("\x01{\"event\":\"x\"}", PS_PARSE_BAD_JSON);
    PARSE_N("{\"event\":\"a\0b\"}", 14, PS_PARSE_BAD_JSON);  /* NUL inside */
    PARSE_N("{\"event\":\"ab\"}\0", 15, PS_PARSE_BAD_JSON);  /* NUL after */
    /* numbers: strict grammar, not what strtod takes */
    PARSE("{\"event\":\"x\",\"n\":-0.5e+3}", PS_PARSE_OK);
    PARSE("{\"event\":\"x\",\"n\":[0,1E9,-1]}", PS_PARSE_OK);
    PARSE("{\"event\":\"x\",\"n\":01}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":+1}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":.5}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":1.}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":-}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":1e}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":0x10}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":-Infinity}", PS_PARSE_BAD_JSON);
    PARSE("{\"event\":\"x\",\"n\":NaN}", PS_PARSE_BAD_JSON);
    PARSE("]{\"event\":\"x\"}", PS_PARSE_BAD_JSON);

    CHECK_INT(ps_msg_parse(NULL, 0, 0, &m), PS_PARSE_BAD_JSON);
    CHECK(m.root == NULL);
    ps_msg_free(&m);
    CHECK_INT(ps_msg_parse("{}", 2, 0, NULL), PS_PARSE_BAD_JSON);
    ps_msg_free(NULL);
}

static void test_parse_not_object(void)
{
    ps_msg m;
    ps_violation v[2];
    const char *bad[] = {"[]", "1", "\"x\"", "null", "true"};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(ps_msg_parse(bad[i], strlen(bad[i]), 0, &m), PS_PARSE_NOT_OBJECT);
        CHECK(m.root != NULL && m.event == NULL);
        CHECK_INT(ps_msg_validate(&m, PS_FROM_SERVER, v, 2), 1);
        CHECK_STR(v[0].rule, "FRAME-1");
        CHECK_INT(v[0].should, 0);
        ps_msg_free(&m);
    }
    PARSE("{\"channel\":\"c\"}", PS_PARSE_NO_EVENT);
    PARSE("{\"event\":5}", PS_PARSE_NO_EVENT);
    PARSE("{\"event\":null}", PS_PARSE_NO_EVENT);
    SRV("{'channel':'c'}", "FRAME-1");
    SRV("{'event':5}", "FRAME-1");
    CLI("{'event':['x']}", "FRAME-1");
    CHECK_STR(first_text("{'event':5}", PS_FROM_SERVER), "event is 5, expected a string");
    SRV("{'event':", "FRAME-1");
    CHECK_STR(first_text("[1]", PS_FROM_CLIENT), "message is an array, expected a JSON object");
    CHECK_INT(ps_msg_validate(NULL, PS_FROM_SERVER, NULL, 0), 1);
}

/* "{"event":"x","data":" + depth-1 arrays: depth containers in total. */
static ps_parse_status parse_depth(int depth)
{
    char buf[1024];
    size_t k = 0;

    k += (size_t)snprintf(buf, sizeof buf, "{\"event\":\"x\",\"data\":");
    for (int i = 1; i < depth; i++)
        buf[k++] = '[';
    for (int i = 1; i < depth; i++)
        buf[k++] = ']';
    buf[k++] = '}';
    buf[k] = '\0';
    return parse_str(buf);
}

static void test_parse_depth(void)
{
    char buf[512];
    ps_msg m;

    CHECK_INT(parse_depth(PS_FRAME_MAX_DEPTH), PS_PARSE_OK);
    CHECK_INT(parse_depth(PS_FRAME_MAX_DEPTH + 1), PS_PARSE_BAD_JSON);
    CHECK_INT(parse_depth(100), PS_PARSE_BAD_JSON);
    CHECK_INT(parse_str(rep('[', 3000)), PS_PARSE_BAD_JSON);
    CHECK_INT(parse_str(rep('{', 3000)), PS_PARSE_BAD_JSON);
    /* brackets inside strings (even after escaped quotes) do not count */
    snprintf(buf, sizeof buf, "{\"event\":\"\\\"%s\",\"data\":\"%s\"}", rep('[', 100), "x");
    CHECK_INT(parse_str(buf), PS_PARSE_OK);
    /* a deep data string parses as a frame but is not decoded */
    snprintf(buf, sizeof buf, "{\"event\":\"x\",\"data\":\"%s", rep('[', 100));
    strcat(buf, rep(']', 100));
    strcat(buf, "\"}");
    CHECK_INT(ps_msg_parse(buf, strlen(buf), 0, &m), PS_PARSE_OK);
    CHECK_INT(m.data_kind, PS_DATA_STRING);
    CHECK(m.data_decoded == NULL);
    ps_msg_free(&m);
}

static void test_parse_utf8(void)
{
    PARSE("{\"event\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf\"}", PS_PARSE_OK);
    PARSE("{\"event\":\"\xc0\x80\"}", PS_PARSE_BAD_UTF8);           /* overlong NUL */
    PARSE("{\"event\":\"\xc1\xbf\"}", PS_PARSE_BAD_UTF8);           /* overlong */
    PARSE("{\"event\":\"\xe0\x80\xaf\"}", PS_PARSE_BAD_UTF8);       /* overlong 3-byte */
    PARSE("{\"event\":\"\xf0\x80\x80\xaf\"}", PS_PARSE_BAD_UTF8);   /* overlong 4-byte */
    PARSE("{\"event\":\"\x80\"}", PS_PARSE_BAD_UTF8);               /* lone continuation */
    PARSE("{\"event\":\"\xed\xa0\x80\"}", PS_PARSE_BAD_UTF8);       /* surrogate D800 */
    PARSE("{\"event\":\"\xed\xbf\xbf\"}", PS_PARSE_BAD_UTF8);       /* surrogate DFFF */
    PARSE("{\"event\":\"\xf4\x90\x80\x80\"}", PS_PARSE_BAD_UTF8);   /* U+110000 */
    PARSE("{\"event\":\"\xf5\x80\x80\x80\"}", PS_PARSE_BAD_UTF8);
    PARSE("{\"event\":\"\xff\"}", PS_PARSE_BAD_UTF8);
    PARSE("{\"event\":\"\xe2\x82\"}", PS_PARSE_BAD_UTF8);           /* truncated */
    PARSE("{\"event\":\"x\"}\xe2\x82", PS_PARSE_BAD_UTF8);          /* truncated at the end */
    PARSE_N("{\"event\":\"x\"}\xf0\x9d\x84\x9e", 17, PS_PARSE_BAD_JSON); /* valid, but trailing */
    PARSE_N("{\"event\":\"x\"}\xf0\x9d\x84\x9e", 16, PS_PARSE_BAD_UTF8); /* cut by len */
}

static void test_parse_bounds(void)
{
    const char *s = "{\"event\":\"x\"}JUNK{{{";
    size_t n = 13;
    char *exact = test_alloc(n);   /* no NUL: ASan catches any read past len */
    ps_msg m;

    memcpy(exact, s, n);
    CHECK_INT(ps_msg_parse(exact, n, 0, &m), PS_PARSE_OK);
    CHECK_STR(m.event, "x");
    ps_msg_free(&m);
    CHECK_INT(ps_msg_parse(exact, n - 1, 0, &m), PS_PARSE_BAD_JSON);
    ps_msg_free(&m);
    free(exact);
    CHECK_INT(ps_msg_parse(s, n, 0, &m), PS_PARSE_OK);
    ps_msg_free(&m);
    CHECK_INT(ps_msg_parse(s, n, n, &m), PS_PARSE_OK);       /* cap inclusive */
    ps_msg_free(&m);
    CHECK_INT(ps_msg_parse(s, n, n - 1, &m), PS_PARSE_TOO_LARGE);
    CHECK(m.root == NULL);
    ps_msg_free(&m);
    /* size is checked before anything else */
    CHECK_INT(ps_msg_parse("\xff\xff\xff", 3, 2, &m), PS_PARSE_TOO_LARGE);
    ps_msg_free(&m);
}

static void test_parse_default_cap(void)
{
    size_t n = PS_FRAME_MAX_BYTES + 1;
    char *big = test_alloc(n);
    ps_msg m;

    memcpy(big, "{\"event\":\"x\",\"data\":\"", 21);
    memset(big + 21, 'a', n - 21);
    memcpy(big + n - 2, "\"}", 2);
    CHECK_INT(ps_msg_parse(big, n, 0, &m), PS_PARSE_TOO_LARGE);
    ps_msg_free(&m);
    memcpy(big + n - 3, "\"}", 2);
    CHECK_INT(ps_msg_parse(big, n - 1, 0, &m), PS_PARSE_OK);
    CHECK_INT(m.data_kind, PS_DATA_STRING);
    CHECK_INT(strlen(m.data->valuestring), PS_FRAME_MAX_BYTES - 23);
    ps_msg_free(&m);
    free(big);
}

static void test_status_text(void)
{
    /* each status has its own text, none the fallback an unknown status gets */
    const char *unknown = ps_parse_status_text((ps_parse_status)(PS_PARSE_NO_EVENT + 1));
    for (int s = PS_PARSE_OK; s <= PS_PARSE_NO_EVENT; s++) {
        const char *t = ps_parse_status_text((ps_parse_status)s);
        CHECK(t != NULL && *t && strcmp(t, unknown) != 0);
        for (int o = PS_PARSE_OK; o < s; o++)
            CHECK(strcmp(t, ps_parse_status_text((ps_parse_status)o)) != 0);
    }
    CHECK_STR(ps_parse_status_text(PS_PARSE_BAD_UTF8), "invalid UTF-8");
}

/* ------------------------------------------------------------ channels */

static ps_channel_kind cls(const char *s) { return ps_channel_classify(s, strlen(s)); }

static void test_channels(void)
{
    char name[200];

    CHECK_INT(cls("my-channel"), PS_CH_PUBLIC);
    CHECK_INT(cls("private"), PS_CH_PUBLIC);
    CHECK_INT(cls("private-a"), PS_CH_PRIVATE);
    CHECK_INT(cls("presence-a"), PS_CH_PRESENCE);
    CHECK_INT(cls("private-encrypted-a"), PS_CH_PRIVATE_ENCRYPTED);
    CHECK_INT(cls("private-cache-a"), PS_CH_PRIVATE_CACHE);
    CHECK_INT(cls("presence-cache-a"), PS_CH_PRESENCE_CACHE);
    CHECK_INT(cls("cache-a"), PS_CH_CACHE);
    CHECK_INT(cls("private-encrypted-cache-a"), PS_CH_PRIVATE_ENCRYPTED);
    CHECK_INT(cls("#server-to-user-42"), PS_CH_SERVER_TO_USER);
    CHECK_INT(cls("#server-to-user-"), PS_CH_INVALID);
    CHECK_INT(cls("#server-to-user-a#b"), PS_CH_INVALID);
    CHECK_INT(cls("#public"), PS_CH_INVALID);
    CHECK_INT(cls("a#b"), PS_CH_INVALID);
    CHECK_INT(cls("Az09_-=@,.;"), PS_CH_PUBLIC);
    CHECK_INT(cls(""), PS_CH_INVALID);
    CHECK_INT(cls("a b"), PS_CH_INVALID);
    CHECK_INT(cls("a/b"), PS_CH_INVALID);
    CHECK_INT(cls("a*"), PS_CH_INVALID);
    CHECK_INT(cls("a:b"), PS_CH_INVALID);
    CHECK_INT(cls("caf\xc3\xa9"), PS_CH_INVALID);
    CHECK_INT(ps_channel_classify(NULL, 3), PS_CH_INVALID);
    CHECK_INT(ps_channel_classify("private-abc", 8), PS_CH_PRIVATE);   /* len, not NUL */
    CHECK_INT(ps_channel_classify("private-abc", 7), PS_CH_PUBLIC);
    CHECK_INT(ps_channel_classify("ab\0cd", 5), PS_CH_INVALID);

    memset(name, 'a', sizeof name);
    memcpy(name, "presence-", 9);
    CHECK_INT(ps_channel_classify(name, PS_CHANNEL_MAX_LEN), PS_CH_PRESENCE);
    CHECK_INT(ps_channel_classify(name, PS_CHANNEL_MAX_LEN + 1), PS_CH_INVALID);
    CHECK_INT(ps_channel_classify(name, 1), PS_CH_PUBLIC);

    CHECK(!ps_channel_needs_auth(PS_CH_INVALID));
    CHECK(!ps_channel_needs_auth(PS_CH_PUBLIC));
    CHECK(ps_channel_needs_auth(PS_CH_PRIVATE));
    CHECK(ps_channel_needs_auth(PS_CH_PRESENCE));
    CHECK(ps_channel_needs_auth(PS_CH_PRIVATE_ENCRYPTED));
    CHECK(ps_channel_needs_auth(PS_CH_PRIVATE_CACHE));
    CHECK(ps_channel_needs_auth(PS_CH_PRESENCE_CACHE));
    CHECK(!ps_channel_needs_auth(PS_CH_CACHE));
    CHECK(!ps_channel_needs_auth(PS_CH_SERVER_TO_USER));
    for (int k = PS_CH_INVALID; k <= PS_CH_SERVER_TO_USER; k++)
        CHECK_INT(ps_channel_is_presence((ps_channel_kind)k),
                  k == PS_CH_PRESENCE || k == PS_CH_PRESENCE_CACHE);
    CHECK_STR(ps_channel_kind_name(PS_CH_PUBLIC), "public");
    CHECK_STR(ps_channel_kind_name(PS_CH_PRIVATE_ENCRYPTED), "private-encrypted");
    CHECK_STR(ps_channel_kind_name(PS_CH_PRESENCE_CACHE), "presence-cache");
    CHECK_STR(ps_channel_kind_name(PS_CH_SERVER_TO_USER), "server-to-user");
    CHECK_STR(ps_channel_kind_name((ps_channel_kind)99), "unknown");
}

static int sid(const char *s) { return ps_socket_id_valid(s, strlen(s)); }

static void test_socket_id(void)
{
    CHECK(sid("1.2"));
    CHECK(sid("123456.7890123"));
    CHECK(!sid("abc"));
    CHECK(!sid("1."));
    CHECK(!sid(".1"));
    CHECK(!sid("1.2.3"));
    CHECK(!sid(""));
    CHECK(!sid("."));
    CHECK(!sid("12"));
    CHECK(!sid("-1.2"));
    CHECK(!sid("1,2"));
    CHECK(!sid(" 1.2"));
    CHECK(!sid("1.2 "));
    CHECK(ps_socket_id_valid("1.2x", 3));
    CHECK(!ps_socket_id_valid("1.2", 2));
    CHECK(!ps_socket_id_valid(NULL, 3));
}

/* --------------------------------------------------------------- build */

static void test_build(void)
{
    char *t;
    ps_msg m;
    const char *odd = "line\n\"quoted\" \\ \x01 caf\xc3\xa9 {not json";

    t = ps_msg_build("pusher:pong", NULL, "{}", 1);
    CHECK_STR(t, "{\"event\":\"pusher:pong\",\"data\":\"{}\"}");
    CHECK_INT(ps_msg_parse(t, strlen(t), 0, &m), PS_PARSE_OK);
    CHECK_INT(m.data_kind, PS_DATA_STRING);
    CHECK(cJSON_IsObject(m.data_decoded));
    CHECK_INT(ps_msg_validate(&m, PS_FROM_SERVER, NULL, 0), 0);
    ps_msg_free(&m);
    free(t);

    t = ps_msg_build("ev", "ch", "{\"a\":[1,2.50]}", 0);
    CHECK_STR(t, "{\"event\":\"ev\",\"channel\":\"ch\",\"data\":{\"a\":[1,2.50]}}");
    CHECK_INT(ps_msg_parse(t, strlen(t), 0, &m), PS_PARSE_OK);
    CHECK_STR(m.channel, "ch");
    CHECK_INT(m.data_kind, PS_DATA_OBJECT);
    ps_msg_free(&m);
    free(t);

    t = ps_msg_build("ev", NULL, NULL, 1);
    CHECK_STR(t, "{\"event\":\"ev\"}");
    free(t);
    t = ps_msg_build("ev", NULL, "5", 0);
    CHECK_STR(t, "{\"event\":\"ev\",\"data\":5}");
    free(t);

    /* as_string carries any text verbatim, JSON or not */
    t = ps_msg_build("client-x", "private-c", odd, 1);
    CHECK(t != NULL);
    CHECK_INT(ps_msg_parse(t ? t : "", t ? strlen(t) : 0, 0, &m), PS_PARSE_OK);
    CHECK_STR(m.event, "client-x");
    CHECK_STR(m.channel, "private-c");
    CHECK_STR(m.data ? m.data->valuestring : NULL, odd);
    CHECK(m.data_decoded == NULL);
    ps_msg_free(&m);
    free(t);

    CHECK(ps_msg_build(NULL, "c", "{}", 0) == NULL);
    CHECK(ps_msg_build("ev", NULL, "{", 0) == NULL);
    CHECK(ps_msg_build("ev", NULL, "1 2", 0) == NULL);
    CHECK(ps_msg_build("ev", NULL, "", 0) == NULL);
    CHECK(ps_msg_build("ev", NULL, "hello", 0) == NULL);
    CHECK(ps_msg_build("ev", NULL, rep('[', 100), 0) == NULL);
    CHECK(ps_msg_build("\xc0\x80", NULL, NULL, 0) == NULL);
    CHECK(ps_msg_build("ev", "\xff", NULL, 0) == NULL);
    CHECK(ps_msg_build("ev", NULL, "\xed\xa0\x80", 1) == NULL);
}

/* ------------------------------------------------- validate: server side */

#define CONN(d) "{'event':'pusher:connection_established','data':'" d "'}"

static void test_server_connection(void)
{
    SRV(CONN("{`socket_id`:`123.456`,`activity_timeout`:120}"), "");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:1}"), "");
    SRV("{'event':'pusher:connection_established',"
        "'data':{'socket_id':'1.2','activity_timeout':30}}", "FRAME-2");
    SRV("{'event':'pusher:connection_established',"
        "'data':{'socket_id':'1.2.3','activity_timeout':0}}", "FRAME-2,CONN-3,CONN-2");
    SRV("{'event':'pusher:connection_established'}", "FRAME-2");
    SRV("{'event':'pusher:connection_established','data':5}", "FRAME-2");
    SRV(CONN("not json"), "FRAME-2");
    SRV(CONN("[1]"), "FRAME-2");
    SRV(CONN("{`socket_id`:`abc`,`activity_timeout`:120}"), "CONN-2");
    SRV(CONN("{`socket_id`:`1.`,`activity_timeout`:120}"), "CONN-2");
    SRV(CONN("{`socket_id`:`.1`,`activity_timeout`:120}"), "CONN-2");
    SRV(CONN("{`socket_id`:`1.2.3`,`activity_timeout`:120}"), "CONN-2");
    SRV(CONN("{`socket_id`:1.2,`activity_timeout`:120}"), "CONN-2");
    SRV(CONN("{`activity_timeout`:120}"), "CONN-2");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:0}"), "CONN-3");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:-5}"), "CONN-3");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:1.5}"), "CONN-3");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:`30`}"), "CONN-3");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:null}"), "CONN-3");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:1e999}"), "CONN-3");
    SRV(CONN("{`socket_id`:`1.2`}"), "CONN-3");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:121}"), "CONN-3?");
    SRV(CONN("{`socket_id`:`1.2`,`activity_timeout`:1e300}"), "CONN-3?");
    SRV(CONN("{`socket_id`:`x`,`activity_timeout`:`y`}"), "CONN-3,CONN-2");
    CHECK_STR(first_text(CONN("{`socket_id`:`1.2`,`activity_timeout`:-5}"), PS_FROM_SERVER),
              "pusher:connection_established data.activity_timeout is -5, "
              "expected a positive integer");
    CHECK_STR(first_text(CONN("{`socket_id`:`abc`,`activity_timeout`:9}"), PS_FROM_SERVER),
              "pusher:connection_established data.socket_id is the string \"abc\", "
              "expected digits.digits (^\\d+\\.\\d+$)");
    CHECK_STR(first_text("{'event':'pusher:connection_established','data':{}}", PS_FROM_SERVER),
              "pusher:connection_established data is an object, expected a JSON string");
}

#define SUBOK(ch, d) "{'event':'pusher_internal:subscription_succeeded','channel':'" ch \
    "','data':'" d "'}"
#define PRES(ids, hash, count) SUBOK("presence-room", \
    "{`presence`:{`ids`:" ids ",`hash`:" hash ",`count`:" count "}}")

static void test_server_subscription(void)
{
    SRV(SUBOK("my-channel", "{}"), "");
    SRV(SUBOK("private-x", "{}"), "");
    SRV(SUBOK("my-channel", "{ }"), "FRAME-6?");
    SRV(SUBOK("my-channel", "{`a`:1}"), "FRAME-6?");
    SRV(SUBOK("my-channel", "x"), "FRAME-2");
    SRV(SUBOK("my-channel", "[]"), "FRAME-2");
    SRV("{'event':'pusher_internal:subscription_succeeded','channel':'c','data':{}}", "FRAME-2");
    SRV("{'event':'pusher_internal:subscription_succeeded','data':'{}'}", "FRAME-3");
    SRV("{'event':'pusher_internal:subscription_succeeded','channel':null,'data':'{}'}", "FRAME-3");

    SRV(PRES("[`1`,`2`]", "{`1`:{},`2`:{`name`:`x`}}", "2"), "");
    SRV(SUBOK("presence-cache-room",
              "{`presence`:{`ids`:[`u`],`hash`:{`u`:null},`count`:1}}"), "");
    SRV(PRES("[]", "{}", "0"), "");
    SRV(PRES("[`1`,`2`]", "{`1`:{},`2`:{}}", "3"), "PRES-1");
    SRV(PRES("[`1`,`2`]", "{`1`:{},`2`:{}}", "2.5"), "PRES-1");
    SRV(PRES("[`1`,`2`]", "{`1`:{},`2`:{}}", "`2`"), "PRES-1");
    SRV(PRES("[`1`,`2`]", "{`1`:{}}", "2"), "PRES-1");
    SRV(PRES("[`1`]", "{`1`:{},`2`:{}}", "1"), "PRES-1");
    SRV(PRES("[`1`,`1`]", "{`1`:{}}", "2"), "PRES-1");
    SRV(PRES("[1]", "{}", "1"), "PRES-1");
    SRV(PRES("{}", "{}", "0"), "PRES-1");
    SRV(PRES("[]", "[]", "0"), "PRES-1");
    SRV(PRES("[`1`,`2`]", "{`3`:{}}", "1"), "PRES-1,PRES-1,PRES-1");
    SRV(SUBOK("presence-room", "{}"), "PRES-1");
    SRV(SUBOK("presence-room", "{`presence`:[]}"), "PRES-1");
    /* no channel: the data shows it is presence */
    SRV("{'event':'pusher_internal:subscription_succeeded',"
        "'data':'{`presence`:{`ids`:[`1`],`hash`:{},`count`:1}}'}", "FRAME-3,PRES-1");
    CHECK_STR(first_text(PRES("[`1`,`2`]", "{`1`:{}}", "2"), PS_FROM_SERVER),
              "pusher_internal:subscription_succeeded data.presence.ids has ids missing from "
              "data.presence.hash (1), e.g. \"2\"");
    CHECK_STR(first_text(PRES("[`1`,`2`]", "{`1`:{},`2`:{}}", "3"), PS_FROM_SERVER),
              "pusher_internal:subscription_succeeded data.presence.count is 3 but "
              "data.presence.ids has 2 entries");

    SRV("{'event':'pusher:subscription_error','channel':'private-x',"
        "'data':'{`type`:`AuthError`,`status`:401}'}", "");
    SRV("{'event':'pusher:subscription_error','channel':'private-x','data':{'status':401}}",
        "FRAME-6?");
    SRV("{'event':'pusher:subscription_error','data':'{}'}", "FRAME-3");
    SRV("{'event':'pusher:cache_miss','channel':'cache-x'}", "");
    SRV("{'event':'pusher:cache_miss'}", "FRAME-3");
}

#define MEMBER(ev, ch, d) "{'event':'pusher_internal:" ev "'," ch "'data':'" d "'}"

static void test_server_members(void)
{
    SRV(MEMBER("member_added", "'channel':'presence-r',", "{`user_id`:`u1`,`user_info`:{`n`:1}}"), "");
    SRV(MEMBER("member_added", "'channel':'presence-r',", "{`user_id`:5}"), "");
    SRV(MEMBER("member_added", "'channel':'presence-r',", "{`user_info`:{}}"), "FRAME-2");
    SRV(MEMBER("member_added", "'channel':'presence-r',", "{`user_id`:true}"), "FRAME-2");
    SRV(MEMBER("member_added", "'channel':'presence-r',", "{`user_id`:null}"), "FRAME-2");
    SRV(MEMBER("member_added", "", "{`user_id`:`u1`}"), "FRAME-3");
    SRV("{'event':'pusher_internal:member_added','channel':'presence-r','data':{'user_id':'u'}}",
        "FRAME-2");
    SRV(MEMBER("member_removed", "'channel':'presence-r',", "{`user_id`:`u1`}"), "");
    SRV(MEMBER("member_removed", "'channel':'presence-r',", "{}"), "FRAME-2");
    SRV(MEMBER("member_removed", "'channel':'presence-r',", "{`user_id`:[]}"), "FRAME-2");
    SRV(MEMBER("member_removed", "", "{`user_id`:`u1`}"), "FRAME-3");
    SRV(MEMBER("member_removed", "", "{}"), "FRAME-3,FRAME-2");
    SRV(MEMBER("watchlist_events", "", "{`events`:[{`name`:`online`,`user_ids`:[`1`]}]}"), "");
    SRV(MEMBER("watchlist_events", "", "{`events`:{}}"), "FRAME-2");
    SRV(MEMBER("watchlist_events", "", "{}"), "FRAME-2");
    /* unknown pusher_internal: events still double-encode an object */
    SRV(MEMBER("something_new", "", "{}"), "");
    SRV("{'event':'pusher_internal:something_new','data':{}}", "FRAME-2");
    CHECK_STR(first_text(MEMBER("member_added", "'channel':'presence-r',", "{`user_id`:true}"),
                         PS_FROM_SERVER),
              "pusher_internal:member_added data.user_id is true, "
              "expected a string or a number");
}

#define ERR(d) "{'event':'pusher:error','data':'" d "'}"

static void test_server_misc(void)
{
    SRV(ERR("{`message`:`over quota`,`code`:4004}"), "");
    SRV(ERR("{`message`:`m`,`code`:null}"), "");
    SRV(ERR("{`message`:`m`}"), "");
    SRV(ERR("{`message`:`m`,`code`:`4004`}"), "FRAME-2");
    SRV(ERR("{`message`:`m`,`code`:1.5}"), "FRAME-2");
    SRV(ERR("{`code`:4001}"), "FRAME-2");
    SRV(ERR("oops"), "FRAME-2");
    SRV("{'event':'pusher:error','data':{'message':'m','code':4001}}", "FRAME-6?");
    SRV("{'event':'pusher:error','data':{'message':5,'code':4001}}", "FRAME-6?,FRAME-2");
    SRV("{'event':'pusher:error'}", "FRAME-6?,FRAME-2");
    CHECK_STR(first_text("{'event':'pusher:error','data':{'message':'m'}}", PS_FROM_SERVER),
              "pusher:error data is an object, expected a JSON string");

    SRV("{'event':'pusher:pong','data':'{}'}", "");
    SRV("{'event':'pusher:pong','data':{}}", "FRAME-6?");
    SRV("{'event':'pusher:pong'}", "FRAME-6?");
    SRV("{'event':'pusher:pong','data':'x'}", "FRAME-6?");

    SRV("{'event':'pusher:signin_success','data':'{`user_data`:`{}`}'}", "");
    SRV("{'event':'pusher:signin_success','data':{'user_data':'{}'}}", "FRAME-6?");
    SRV("{'event':'pusher:signin_success','data':'{}'}", "FRAME-2");
    SRV("{'event':'pusher:signin_success','data':'{`user_data`:5}'}", "FRAME-2");

    /* channel events: any data, but a channel */
    SRV("{'event':'my-event','channel':'c','data':'x'}", "");
    SRV("{'event':'my-event','channel':'c','data':{'a':1}}", "");
    SRV("{'event':'my-event','channel':'c'}", "");
    SRV("{'event':'client-typing','channel':'private-c','data':{}}", "");
    SRV("{'event':'my-event','data':'x'}", "FRAME-3");
    SRV("{'event':'my-event','channel':5,'data':'x'}", "FRAME-3");
    SRV("{'event':'pusher:ping','data':'{}'}", "");
    SRV("{'event':'pusher:some_future_event'}", "");
    /* client-only events are not checked in the server direction */
    SRV("{'event':'pusher:subscribe','data':'x'}", "");
}

static void test_event_length(void)
{
    char buf[512];

    snprintf(buf, sizeof buf, "{'event':'%s','channel':'c'}", rep('e', 200));
    SRV(buf, "");
    snprintf(buf, sizeof buf, "{'event':'%s','channel':'c'}", rep('e', 201));
    SRV(buf, "FRAME-1");
    /* 200 characters, more bytes */
    snprintf(buf, sizeof buf, "{'event':'\xc3\xa9%s','channel':'c'}", rep('e', 199));
    SRV(buf, "");
    snprintf(buf, sizeof buf, "{'event':'client-%s','channel':'private-c'}", rep('e', 194));
    CLI(buf, "FRAME-1,CEV-8");
    snprintf(buf, sizeof buf, "{'event':'client-%s','channel':'private-c'}", rep('e', 193));
    CLI(buf, "");
    /* texts stay bounded and start with a shortened event name */
    snprintf(buf, sizeof buf, "{'event':'%s'}", rep('e', 300));
    CHECK(strncmp(first_text(buf, PS_FROM_SERVER), "eeeeeeeeee", 10) == 0);
    CHECK(strstr(first_text(buf, PS_FROM_SERVER), "... event name is 300 characters") != NULL);
}

static void test_validate_max(void)
{
    ps_msg m;
    ps_violation v[3];
    const char *s = "{\"event\":\"pusher:error\"}";

    memset(v, 0, sizeof v);
    v[1].rule = "sentinel";
    CHECK_INT(ps_msg_parse(s, strlen(s), 0, &m), PS_PARSE_OK);
    CHECK_INT(ps_msg_validate(&m, PS_FROM_SERVER, v, 1), 2);
    CHECK_STR(v[0].rule, "FRAME-6");
    CHECK_INT(v[0].should, 1);
    CHECK_STR(v[1].rule, "sentinel");
    CHECK_INT(ps_msg_validate(&m, PS_FROM_SERVER, NULL, 5), 2);
    CHECK_INT(ps_msg_validate(&m, PS_FROM_SERVER, v, 0), 2);
    CHECK_INT(ps_msg_validate(&m, PS_FROM_SERVER, v, -1), 2);
    ps_msg_free(&m);
}

/* The clause label of the first violation of a message ("" when it has none). */
static const char *first_label(const char *tpl, ps_direction dir)
{
    static char json[4096], label[64];
    ps_violation v[1];
    ps_msg m;

    unquote(tpl, json, sizeof json);
    ps_msg_parse(json, strlen(json), 0, &m);
    label[0] = '\0';
    if (ps_msg_validate(&m, dir, v, 1) > 0 && v[0].label)
        snprintf(label, sizeof label, "%s:%s", v[0].rule, v[0].label);
    ps_msg_free(&m);
    return label;
}

/* Violations name their clause (scenarios/CLAUSES.md) apart from the rule id. */
static void test_clause_labels(void)
{
    CHECK_STR(first_label("{'event':'pusher:pong','data':{}}", PS_FROM_SERVER), "FRAME-6:pong-data-string");
    CHECK_STR(first_label("{'event':'pusher:subscription_error','channel':'x','data':{}}", PS_FROM_SERVER),
              "FRAME-6:subscription-error-data-string");
    CHECK_STR(first_label("{'event':'pusher_internal:subscription_succeeded','channel':'c'}", PS_FROM_SERVER),
              "FRAME-2:succeeded-data");
    CHECK_STR(first_label("{'event':'pusher_internal:member_added','data':'{`user_id`:`u`}'}",
                          PS_FROM_SERVER), "FRAME-3:member-channel");
    CHECK_STR(first_label("{'event':'some-event','data':'x'}", PS_FROM_SERVER), "FRAME-3:event-channel");
    CHECK_STR(first_label("[1]", PS_FROM_SERVER), "FRAME-1:json-object");
    CHECK_STR(first_label("{'event':'pusher_internal:subscription_succeeded','channel':'presence-x',"
                          "'data':'{`presence`:{`ids`:[`a`],`hash`:{`a`:{}},`count`:2}}'}",
                          PS_FROM_SERVER), "PRES-1:count-matches-ids");
    /* the rule id stays a bare id; every report names its clause (ci/check-clauses.sh audits the source) */
    CHECK_STR(rules_of("{'event':'pusher:pong','data':{}}", PS_FROM_SERVER), "FRAME-6?");
    CHECK_STR(first_label("{'event':'pusher:subscribe','data':{'channel':5}}", PS_FROM_CLIENT), "SUB-5:wire");
    CHECK_STR(first_label("{'event':'pusher:unsubscribe','data':{}}", PS_FROM_CLIENT), "SUB-6:frame");
    CHECK_STR(first_label("{'event':'client-x','channel':'public','data':{}}", PS_FROM_CLIENT), "CEV-8:not-public");
    CHECK_STR(first_label("{'event':'x','channel':'private-a','data':{}}", PS_FROM_CLIENT), "CEV-8:prefix-only");
}

/* ------------------------------------------------- validate: client side */

#define SUB(d) "{'event':'pusher:subscribe','data':" d "}"

static void test_client_subscribe(void)
{
    CLI(SUB("{'channel':'my-channel'}"), "");
    CLI(SUB("{'channel':'cache-x'}"), "");
    CLI(SUB("{'channel':'private-x','auth':'key:sig'}"), "");
    CLI(SUB("{'channel':'private-x'}"), "SUB-5");
    CLI(SUB("{'channel':'private-x','auth':5}"), "SUB-5");
    CLI(SUB("{'channel':'private-encrypted-x'}"), "SUB-5");
    CLI(SUB("{'channel':'private-cache-x'}"), "SUB-5");
    CLI(SUB("{'channel':'presence-cache-x','auth':'k:s','channel_data':'{`user_id`:`1`}'}"), "");
    CLI(SUB("{'channel':'presence-x','auth':'k:s','channel_data':'{`user_id`:7,`user_info`:{}}'}"),
        "");
    CLI(SUB("{'channel':'presence-x','channel_data':'{`user_id`:`1`}'}"), "SUB-5");
    CLI(SUB("{'channel':'presence-x','auth':'k:s'}"), "SUB-5");
    CLI(SUB("{'channel':'presence-x'}"), "SUB-5,SUB-5");
    CLI(SUB("{'channel':'presence-x','auth':'k:s','channel_data':'not json'}"), "SUB-5");
    CLI(SUB("{'channel':'presence-x','auth':'k:s','channel_data':'[]'}"), "SUB-5");
    CLI(SUB("{'channel':'presence-x','auth':'k:s','channel_data':'{`id`:`1`}'}"), "SUB-5");
    CLI(SUB("{'channel':'presence-x','auth':'k:s','channel_data':{'user_id':'1'}}"), "SUB-5");
    CLI(SUB("'{`channel`:`my-channel`}'"), "SUB-5");
    CLI("{'event':'pusher:subscribe'}", "SUB-5");
    CLI(SUB("{}"), "SUB-5");
    CLI(SUB("{'channel':5}"), "SUB-5");
    CHECK_STR(first_text(SUB("{'channel':'presence-x','auth':'k:s'}"), PS_FROM_CLIENT),
              "pusher:subscribe data.channel_data is missing, "
              "expected a JSON string (presence channel)");

    CLI("{'event':'pusher:unsubscribe','data':{'channel':'private-x'}}", "");
    CLI("{'event':'pusher:unsubscribe','data':{}}", "SUB-6");
    CLI("{'event':'pusher:unsubscribe','data':'{`channel`:`x`}'}", "SUB-6");
    CLI("{'event':'pusher:unsubscribe'}", "SUB-6");
}

#define SIGNIN(d) "{'event':'pusher:signin','data':" d "}"

static void test_client_misc(void)
{
    CLI(SIGNIN("{'auth':'k:s','user_data':'{`id`:`1`,`name`:`a`}'}"), "");
    CLI(SIGNIN("{'user_data':'{`id`:`1`}'}"), "SIGNIN-7");
    CLI(SIGNIN("{'auth':'k:s','user_data':'{`name`:`a`}'}"), "SIGNIN-7");
    CLI(SIGNIN("{'auth':'k:s','user_data':'{`id`:1}'}"), "SIGNIN-7");
    CLI(SIGNIN("{'auth':'k:s','user_data':'nope'}"), "SIGNIN-7");
    CLI(SIGNIN("{'auth':'k:s','user_data':{'id':'1'}}"), "SIGNIN-7");
    CLI(SIGNIN("{}"), "SIGNIN-7,SIGNIN-7");
    CLI("{'event':'pusher:signin'}", "SIGNIN-7");

    CLI("{'event':'pusher:ping','data':{}}", "");
    CLI("{'event':'pusher:ping'}", "");
    CLI("{'event':'pusher:ping','data':'{}'}", "PING-7?");
    CLI("{'event':'pusher:pong','data':{}}", "");
    CLI("{'event':'pusher:pong'}", "");
    CLI("{'event':'pusher:pong','data':5}", "PING-6?");

    CLI("{'event':'client-typing','channel':'private-c','data':{'a':1}}", "");
    CLI("{'event':'client-typing','channel':'presence-c','data':'text'}", "");
    CLI("{'event':'client-typing','channel':'private-encrypted-c','data':{}}", "");
    CLI("{'event':'client-typing','channel':'public-c','data':{}}", "CEV-8");
    CLI("{'event':'client-typing','channel':'cache-c','data':{}}", "CEV-8");
    CLI("{'event':'client-typing','channel':'bad channel','data':{}}", "CEV-8");
    CLI("{'event':'client-typing','data':{}}", "CEV-8");
    CLI("{'event':'client-typing','channel':7,'data':{}}", "CEV-8");
    CHECK_STR(first_text("{'event':'client-t','channel':'my-c'}", PS_FROM_CLIENT),
              "client-t channel \"my-c\" is public, expected a private or presence channel");
    CLI("{'event':'typing','channel':'private-c','data':{}}", "CEV-8");
    CLI("{'event':'my-event'}", "CEV-8");
    CLI("{'event':'pusher_internal:member_added'}", "");
    CLI("{'event':'pusher:future_thing'}", "");
    CLI("{'channel':'private-c'}", "FRAME-1");
    CLI("not json", "FRAME-1");
    /* server-side schemas do not apply to clients */
    CLI("{'event':'pusher:connection_established','data':{}}", "");
}

int main(void)
{
    test_parse_fields();
    test_parse_bad_json();
    test_parse_not_object();
    test_parse_depth();
    test_parse_utf8();
    test_parse_bounds();
    test_parse_default_cap();
    test_status_text();
    test_channels();
    test_socket_id();
    test_build();
    test_server_connection();
    test_server_subscription();
    test_server_members();
    test_server_misc();
    test_event_length();
    test_validate_max();
    test_clause_labels();
    test_client_subscribe();
    test_client_misc();
    return check_done("test_frame");
}
