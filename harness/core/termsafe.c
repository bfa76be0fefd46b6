#include "core/termsafe.h"
#include "core/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int is_bidi(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t ps_term_safe_into(const char *text, size_t n, char *out, size_t outlen, int one_line)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *p = (const unsigned char *)text + i;
        uint32_t cp = 0;
        size_t l = ps_utf8_next(p, n - i, &cp, NULL);
        char esc[12];
        const char *put = (const char *)p;
        size_t plen = l;
        if (l == 0 || (cp < 0x20 && (one_line || (cp != '\n' && cp != '\t'))) || cp == 0x7f) {
            plen = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", *p);
            put = esc;
            l = 1;
        } else if ((cp >= 0x80 && cp <= 0x9f) || is_bidi(cp)) {
            plen = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
            put = esc;
        }
        if (w + plen + 1 > outlen)
            break;
        for (size_t k = 0; k < plen; k++)
            out[w++] = put[k];
        i += l;
    }
    out[w] = '\0';
    return w;
}

char *ps_term_safe(const char *text, size_t n, size_t *outlen)
{
    /* at most 4 bytes out per byte in: \xNN for one, \u0080 for two */
    size_t cap = n * 4 + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t w = ps_term_safe_into(text, n, out, cap, 0);
    if (outlen)
        *outlen = w;
    return out;
}
