/* The HTTP client's response path (harness/core/httpresp.c): what the client
 * keeps of an answer libwebsockets hands over. lws parses the status line,
 * headers and framing; this target feeds the project's code what lws can hand
 * over, lengths included as lws computes them: from a chunk-size line in an
 * int (so ffffffff is -1, a 9th hex digit shifts out), from a Content-Length
 * in 64 bits, or honestly.
 *
 * Input: status (2 bytes), limit selector (1 byte), then pieces: a kind byte
 * (0: chunk-size line, hex up to ';'; 1: 8-byte Content-Length; else honest),
 * a byte n, n bytes of data that the read really holds.
 *
 * Properties: a piece whose claimed length is past its bytes is refused
 * (bad_length, nothing taken) and is the last one read, as in net/http.c;
 * whatever is kept is a prefix of the bytes really handed over, at most the
 * limit, NUL-terminated; truncated is set exactly when more came than was
 * kept; the transcript summary fits its buffer and names the status. */
#include "core/httpresp.h"
#include "fuzz_util.h"

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int status = (data[0] << 8 | data[1]) % 1000;
    static const size_t limits[] = { 0, 1, 16, 100, 4096, 8u << 20 };
    size_t limit = limits[data[2] % 6];
    ps_resp_body b;
    ps_resp_body_init(&b, limit);

    char *real = malloc(size + 1);   /* the honest bytes handed over, in order */
    size_t real_len = 0;
    int refused = 0;
    CHECK(real != NULL);
    for (size_t at = 3; at < size && !refused;) {
        unsigned kind = data[at++] % 3;
        size_t claimed = 0;
        if (kind == 0) {   /* chunk-size line: lws shifts hex digits into an int */
            unsigned int rem = 0;
            while (at < size && data[at] != ';' && hexval(data[at]) >= 0)
                rem = (rem << 4) | (unsigned)hexval(data[at++]);
            if (at < size)
                at++;
            claimed = (size_t)(int)rem;   /* as the callback's size_t sees lws's int */
        } else if (kind == 1) {
            uint64_t cl = 0;
            for (int k = 0; k < 8 && at < size; k++)
                cl = cl << 8 | data[at++];
            claimed = (size_t)cl;
        }
        size_t n = at < size ? data[at++] : 0;
        if (n > size - at)
            n = size - at;
        /* lws hands over min(claimed, n) when it counts right: an int of -1 or
         * less is "less" than n, so the negative length goes through as it is */
        if (kind == 0 && (int)claimed >= 0 && claimed > n)
            claimed = n;
        if (kind == 1 && claimed > n)
            claimed = n;
        if (kind == 2)
            claimed = n;
        char *piece = fz_dup(data + at, n);   /* exact size: ASan sees any over-read */
        size_t before = b.len;
        int rc = ps_resp_body_take(&b, piece, claimed, n);
        free(piece);
        CHECK(rc == 0 || rc == 1);
        if (claimed > n) {
            CHECK(rc == 1 && b.bad_length && b.truncated && b.len == before);
            refused = 1;
        } else {
            CHECK(rc == 0);
            memcpy(real + real_len, data + at, claimed);
            real_len += claimed;
        }
        at += n;
    }
    CHECK(b.len <= limit);
    CHECK(b.len <= real_len && (b.len == 0 || memcmp(b.data, real, b.len) == 0));
    if (b.data)
        CHECK(b.data[b.len] == '\0');
    CHECK(b.truncated == (refused || real_len > b.len));

    char line[1200];
    size_t outlen = 1 + (size_t)(data[2] >> 3) * 40;
    if (outlen > sizeof(line))
        outlen = sizeof(line);
    size_t w = ps_resp_summary(status, &b, 1024, line, outlen);
    CHECK(w < outlen && line[w] == '\0');
    char head[16];
    int hn = snprintf(head, sizeof(head), "HTTP %d", status);
    if (outlen > 32)
        CHECK(strncmp(line, head, (size_t)hn) == 0);
    ps_resp_body_free(&b);
    free(real);
    return 0;
}
