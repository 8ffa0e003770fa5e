/*
 * Digests the Python plugins need: sha256 (artifacts, RECORD, PEP 503
 * fragments), md5 and blake2b-256 (the legacy upload form).  Not ABI.
 */
#ifndef S2N_COMMON_HASH_H
#define S2N_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Which digests: a mask. */
enum { S2N_DIGEST_SHA256 = 1, S2N_DIGEST_MD5 = 2, S2N_DIGEST_BLAKE2 = 4, S2N_DIGEST_ALL = 7 };

typedef struct s2n_digests {
    uint8_t sha256[32];
    uint8_t md5[16];
    uint8_t blake2b_256[32];
    uint64_t size;
    unsigned have; /* S2N_DIGEST_* computed; the others are zero */
} s2n_digests;

/* OpenSSL's digests, fetched once (NULL when this OpenSSL will not give
 * one: FIPS mode refuses md5). */
const struct evp_md_st *s2n_md_sha256(void);
const struct evp_md_st *s2n_md_md5(void);

/* sha256 of a buffer.  The core checked that SHA-256 works before any
 * stage, so this fails only when memory runs out: then it says so and
 * aborts the stage's process (the core reports a crash) rather than hand
 * back a digest that was never written. */
void s2n_sha256(const void *data, size_t len, uint8_t out[32]);
/* sha256 of a file: 0, or -1 with errno set. */
int s2n_sha256_file(const char *path, uint8_t out[32], uint64_t *size);
/* The digests in `want` (S2N_DIGEST_*) of a file in one pass; md5 is left
 * out when OpenSSL does not offer it (see d->have). */
int s2n_digests_file(const char *path, unsigned want, s2n_digests *d);

/* Lowercase hex; `out` holds 2*len+1 bytes. */
void s2n_hex(const uint8_t *in, size_t len, char *out);
/* RFC 4648 url-safe base64 without padding (wheel RECORD); `out` holds
 * 4*((len+2)/3)+1 bytes. */
void s2n_b64url_nopad(const uint8_t *in, size_t len, char *out);

#endif
