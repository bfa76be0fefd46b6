/* The WebSocket upgrade's answer (harness/core/upgrade.c, with the escaping of
 * harness/core/termsafe.c): what the client makes of a status and a Location
 * that libwebsockets hands over when the answer is not 101.
 *
 * Input: status (2 bytes), output size (1 byte), then the Location's bytes.
 *
 * Properties: a redirect exactly for 3xx, and then the text says it was not
 * followed; the text fits its buffer and is NUL-terminated; nothing of the
 * peer's reaches it raw that a terminal obeys: no C0 but none at all (no
 * newline in a one-line message), no DEL, no C1 (raw or as UTF-8), no
 * bidirectional control; and ps_term_safe gives the same text as the bounded
 * form, whose output is always valid UTF-8. */
#include "core/termsafe.h"
#include "core/upgrade.h"
#include "core/utf8.h"
#include "fuzz_util.h"

static void check_safe(const char *s, size_t n, int newline_ok)
{
    CHECK(ps_utf8_valid(s, n));
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        CHECK(c >= 0x20 || (newline_ok && (c == '\n' || c == '\t')));
        CHECK(c != 0x7f);
        if (c == 0xC2 && i + 1 < n)
            CHECK(!((unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f));
        if (c == 0xE2 && i + 2 < n) {
            unsigned char a = (unsigned char)s[i + 1], b = (unsigned char)s[i + 2];
            CHECK(!(a == 0x80 && b >= 0xAA && b <= 0xAE));
            CHECK(!(a == 0x81 && b >= 0xA6 && b <= 0xA9));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int status = (data[0] << 8 | data[1]) % 1000;
    size_t outlen = 1 + data[2] * 2;
    const char *loc = size > 3 ? fz_dup(data + 3, size - 3) : NULL;
    size_t loclen = size > 3 ? size - 3 : 0;

    char *out = malloc(outlen);
    CHECK(out != NULL);
    int redirect = ps_upgrade_refusal(status, loc, loclen, out, outlen);
    CHECK(redirect == (status >= 300 && status <= 399));
    size_t n = strlen(out);
    CHECK(n < outlen);
    /* the text is cut at outlen by snprintf: a cut may split a sequence */
    if (n + 1 < outlen) {
        check_safe(out, n, 0);
        if (redirect)
            CHECK(strstr(out, "not followed") != NULL);
    }

    size_t el = 0;
    char *esc = ps_term_safe(loc ? loc : "", loclen, &el);
    CHECK(esc != NULL && strlen(esc) == el && el <= loclen * 4);
    check_safe(esc, el, 1);
    char small[64];
    size_t sl = ps_term_safe_into(loc ? loc : "", loclen, small, sizeof(small), 0);
    CHECK(sl < sizeof(small) && small[sl] == '\0' && memcmp(small, esc, sl) == 0);
    free(esc);
    free(out);
    free((char *)loc);
    return 0;
}
