/*
 * Digests the Python plugins need: sha256 (artifacts, RECORD, PEP 503
 * fragments), md5 and blake2b-256 (the legacy upload form).  Not ABI.
 */
#ifndef S2N_COMMON_HASH_H
#define S2N_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct s2n_digests {
    uint8_t sha256[32];
    uint8_t md5[16];
    uint8_t blake2b_256[32];
    uint64_t size;
} s2n_digests;

/* sha256 of a buffer / a file.  Return 0, or -1 with errno set. */
void s2n_sha256(const void *data, size_t len, uint8_t out[32]);
int s2n_sha256_file(const char *path, uint8_t out[32], uint64_t *size);
/* All three digests of a file in one pass. */
int s2n_digests_file(const char *path, s2n_digests *d);

/* Lowercase hex; `out` holds 2*len+1 bytes. */
void s2n_hex(const uint8_t *in, size_t len, char *out);
/* RFC 4648 url-safe base64 without padding (wheel RECORD); `out` holds
 * 4*((len+2)/3)+1 bytes. */
void s2n_b64url_nopad(const uint8_t *in, size_t len, char *out);

#endif
