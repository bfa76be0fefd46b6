#include "core/utf8.h"

#include <string.h>

size_t ps_utf8_next(const unsigned char *s, size_t n, uint32_t *cp, size_t *skip)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    uint32_t v;

    if (skip)
        *skip = 1;
    if (n == 0)
        return 0;
    if (c < 0x80) {
        if (cp)
            *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        need = 2, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 3, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 4, v = c & 0x07;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (size_t i = 1; i < need; i++) {
        unsigned char b = s[i < n ? i : 0];
        if (i >= n || b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) {
            if (skip)
                *skip = i;
            return 0;
        }
        v = (v << 6) | (b & 0x3F);
    }
    if (cp)
        *cp = v;
    return need;
}

int ps_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, k; i < n; i += k) {
        /* ASCII, the common case, eight bytes at a time */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080u)
                break;
            i += 8;
        }
        if (i == n)
            break;
        if ((k = ps_utf8_next(p + i, n - i, NULL, NULL)) == 0)
            return 0;
    }
    return 1;
}

size_t ps_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}
