/* core/redact.c (the one redact: secrets out, then peer text escaped), core/termsafe.c,
 * core/hostport.c and the URL forms of core/url.c: the secret in
 * every form it can be echoed in, a prefix cut off by a shortening, secrets of
 * any length; listen addresses and URLs that parse or say precisely why not. */
#include "check.h"
#include "core/hostport.h"
#include "core/redact.h"
#include "core/termsafe.h"
#include "core/url.h"

#include <stdlib.h>

static void redacts(const char *text, const char *secret, const char *want)
{
    char *r = ps_redact_text(text, secret);
    CHECK_STR(r, want);
    free(r);
}

static void listen_ok(const char *text, const char *host, int port)
{
    char h[256] = "", err[256] = "";
    int p = 0;
    CHECK_INT(ps_hostport_parse(text, "--listen", h, sizeof(h), &p, err, sizeof(err)), 0);
    CHECK_STR(h, host);
    CHECK_INT(p, port);
}

static void listen_bad(const char *text, const char *why)
{
    char h[256], err[256] = "";
    int p = 0;
    CHECK_INT(ps_hostport_parse(text, "--listen", h, sizeof(h), &p, err, sizeof(err)), -1);
    CHECK(strstr(err, why) != NULL);
    if (!strstr(err, why))
        fprintf(stderr, "  for '%s': %s\n", text, err);
}

int main(void)
{
    /* raw, JSON-escaped (\" and \/), doubly escaped, URL- and form-encoded */
    const char *s = "a\"b/c d";
    redacts("x a\"b/c d y", s, "x <redacted> y");
    redacts("{\"m\":\"a\\\"b/c d\"}", s, "{\"m\":\"<redacted>\"}");
    redacts("{\"m\":\"a\\\"b\\/c d\"}", s, "{\"m\":\"<redacted>\"}");
    redacts("\"{\\\"m\\\":\\\"a\\\\\\\"b/c d\\\"}\"", s, "\"{\\\"m\\\":\\\"<redacted>\\\"}\"");
    redacts("q=a%22b%2Fc%20d&", s, "q=<redacted>&");
    redacts("q=a%22b%2fc%20d&", s, "q=<redacted>&");
    redacts("q=a%22b%2Fc+d&", s, "q=<redacted>&");
    /* any length: one or two characters too, where they stand alone */
    redacts("z q z", "q", "z <redacted> z");
    redacts("{\"k\":\"q\"}", "q", "{\"k\":\"<redacted>\"}");
    redacts("zqz pushspec", "q", "zqz pushspec");
    redacts("Zq and Zq", "Zq", "<redacted> and <redacted>");
    /* a value shortened inside the secret: the kept prefix goes, and only it */
    redacts("cut: long-sec... (400 bytes)", "long-secret-value", "cut: <redacted>... (400 bytes)");
    /* any run of 6 or more characters of a form, wherever it stands; 5 say nothing */
    redacts("a ng-secret-va b", "long-secret-value", "a <redacted> b");
    redacts("(it began: {\"x\":\"long-s)", "long-secret-value", "(it began: {\"x\":\"<redacted>)");
    redacts("ret-value\nlong-sec", "long-secret-value", "<redacted>\n<redacted>");
    redacts("a ecret b", "long-secret-value", "a ecret b");
    redacts("q=ng%20secret%2", "long secret/", "q=<redacted>");
    /* two overlapping runs of different places in the secret: one mark for their union */
    redacts("0123456783456789 x", "0123456789", "<redacted> x");
    /* under 6 characters: only whole */
    redacts("abcd abcde", "abcde", "abcd <redacted>");
    redacts("is long-secret-value... (9 bytes)", "long-secret-value", "is <redacted>... (9 bytes)");
    redacts("plain text... (40 bytes)", "zzz", "plain text... (40 bytes)");
    /* a mark already there is left alone, so redacting twice changes nothing */
    redacts("<redacted> x", "red", "<redacted> x");
    /* no secret: the text as it is */
    redacts("abc", "", "abc");
    ps_redact_set_secret("reg-secret");
    redacts("the reg-secret here", NULL, "the <redacted> here");
    ps_redact_add_secret("app-secret-two");
    redacts("reg-secret, app-secret-two, et-two", NULL, "<redacted>, <redacted>, <redacted>");
    ps_redact_set_secret(NULL);
    redacts("the reg-secret here", NULL, "the reg-secret here");
    redacts("app-secret-two", NULL, "app-secret-two");
    /* text to show is escaped after redaction (what the report layer's own redact did): controls
     * and bytes that are not UTF-8 become \xNN, a secret holding a control byte still goes whole */
    redacts("a\x1b[2J top-secret-x \xff\x01", "top-secret-x", "a\\x1b[2J <redacted> \\xff\\x01");
    redacts("k=ctl\x01secret;", "ctl\x01secret", "k=<redacted>;");
    redacts("line one\n\tline two", "zzz", "line one\n\tline two");
    CHECK(ps_redact_text(NULL, "x") == NULL);
    size_t n = 0;
    char *r = ps_redact_bytes("a\0secret\0b", 10, "secret", &n);
    CHECK_INT(n, 2 + 10 + 2);
    CHECK(r && memcmp(r, "a\0<redacted>\0b", 14) == 0);
    free(r);

    /* the one escaping of peer text: C0 (not newline, tab), DEL, C1, bidi controls, bytes not UTF-8 */
    char *t = ps_term_safe("a\x1b[2J\x7f\xc2\x9b\xe2\x80\xae\xe2\x81\xa9\xff\n\tz\xc3\xa9", 20, NULL);
    CHECK_STR(t, "a\\x1b[2J\\x7f\\u009b\\u202e\\u2069\\xff\n\tz\xc3\xa9");
    free(t);
    char one[64];
    ps_term_safe_into("x\ny", 3, one, sizeof(one), 1);
    CHECK_STR(one, "x\\x0ay");

    listen_ok("127.0.0.1:8080", "127.0.0.1", 8080);
    listen_ok("[::1]:1", "::1", 1);
    listen_ok("localhost:65535", "localhost", 65535);
    listen_bad("127.0.0.1:-1", "bad port '-1'");
    listen_bad("127.0.0.1:99999", "bad port '99999'");
    listen_bad("127.0.0.1:0", "bad port '0'");
    listen_bad("127.0.0.1:80x", "bad port '80x'");
    listen_bad("127.0.0.1", "not HOST:PORT");
    listen_bad("::1:80", "IPv6 address goes in brackets");
    listen_bad("[::1]80", "not [IPV6]:PORT");
    listen_bad(":80", "has no host");
    listen_bad("", "is empty");

    ps_url u;
    char err[512];
    CHECK_INT(ps_url_parse("ws://[::1]:6001/x", &u, err, sizeof(err)), 0);
    CHECK_STR(u.host, "::1");
    CHECK_STR(u.authority, "[::1]");
    CHECK_INT(u.port, 6001);
    CHECK_STR(u.path, "/x");
    CHECK_INT(ps_url_parse("wss://[::1]", &u, err, sizeof(err)), 0);
    CHECK_INT(u.port, 443);
    CHECK_INT(ps_url_parse("ws://user:pw@host:6001", &u, err, sizeof(err)), -1);
    CHECK(strstr(err, "user name or password") != NULL);
    CHECK_INT(ps_url_parse("ws://::1:6001", &u, err, sizeof(err)), -1);
    CHECK(strstr(err, "IPv6 address goes in brackets") != NULL);
    CHECK_INT(ps_url_parse("ws://[::1", &u, err, sizeof(err)), -1);
    CHECK(strstr(err, "bad IPv6 address") != NULL);
    CHECK_INT(ps_url_parse("ws://host:99999", &u, err, sizeof(err)), -1);
    CHECK(strstr(err, "bad port") != NULL);
    return check_done("test_redact");
}
