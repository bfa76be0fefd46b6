/* HMAC-SHA256 and MD5 as lowercase hex, without heap allocation. */
#ifndef PUSHSPEC_DIGEST_H
#define PUSHSPEC_DIGEST_H

#include <stddef.h>

#define PS_HEX256_LEN 64   /* lowercase hex of HMAC-SHA256, without NUL */
#define PS_MD5_HEX_LEN 32

/* One piece of a message that is signed without first being concatenated. */
typedef struct { const void *p; size_t len; } ps_span;

/* out gets 64 hex chars + NUL. A NULL secret counts as empty, a NULL msg as "". */
void ps_hmac_hex(const char *secret, const void *msg, size_t len, char out[PS_HEX256_LEN + 1]);
/* The HMAC of the n parts joined, as ps_hmac_hex of their concatenation. */
void ps_hmac_hex_parts(const char *secret, const ps_span *parts, size_t n,
                       char out[PS_HEX256_LEN + 1]);
void ps_md5_hex(const void *msg, size_t len, char out[PS_MD5_HEX_LEN + 1]);

#endif
