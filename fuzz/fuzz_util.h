/* Helpers shared by the fuzz targets: property checks and input splitting. */
#ifndef PUSHSPEC_FUZZ_UTIL_H
#define PUSHSPEC_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken property must abort so the fuzzer saves the input as a crash. */
#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                  \
            abort();                                                            \
        }                                                                       \
    } while (0)

#define FZ_MAX_FIELDS 24

/* Input cut at 0x00 bytes into NUL-terminated heap copies; absent fields are
 * "". Heap copies of exact size let ASan see any over-read. */
static const char fz_empty[1] = ""; /* every absent field: read-only, not freed */
typedef struct {
    char *f[FZ_MAX_FIELDS];
    size_t len[FZ_MAX_FIELDS];
    size_t n;       /* fields actually present in the input */
} fz_fields;

static inline char *fz_dup(const void *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* The last field takes the rest of the input, NUL bytes included. */
static inline void fz_split(const uint8_t *data, size_t size, size_t max, fz_fields *out)
{
    size_t start = 0;

    if (max > FZ_MAX_FIELDS)
        max = FZ_MAX_FIELDS;
    out->n = 0;
    while (out->n < max && start <= size && size > 0) {
        const uint8_t *nul = out->n + 1 < max ? memchr(data + start, 0, size - start) : NULL;
        size_t end = nul ? (size_t)(nul - data) : size;
        out->len[out->n] = end - start;
        out->f[out->n] = fz_dup(data + start, end - start);
        out->n++;
        if (!nul)
            break;
        start = end + 1;
    }
    for (size_t i = out->n; i < max; i++) { /* a malloc each made up 1/3 of fuzz_sign_verify */
        out->len[i] = 0;
        out->f[i] = (char *)fz_empty;
    }
}

static inline void fz_free(fz_fields *fl, size_t max)
{
    for (size_t i = 0; i < max && i < FZ_MAX_FIELDS; i++)
        if (fl->f[i] != fz_empty)
            free(fl->f[i]);
}

/* FNV-1a: a stable source of "random" choices derived from the input. */
static inline uint64_t fz_hash(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    return h;
}

static inline int fz_is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

/* Change byte i of s[0..n) to a different non-NUL value. */
static inline void fz_flip(char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i] ^ 0x01;
    s[i] = (char)(c ? c : 0x02);
}

#endif
