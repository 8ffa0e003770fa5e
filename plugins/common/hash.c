#include "plugins/common/hash.h"

#include <blake2.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fetched once for all threads (wheel installs and upload digests hash
 * in parallel). */
static EVP_MD *md_sha256, *md_md5;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch(void)
{
    md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    md_md5 = EVP_MD_fetch(NULL, "MD5", NULL);
    ERR_clear_error(); /* md5 refused under FIPS: not an error of ours */
}

const EVP_MD *s2n_md_sha256(void)
{
    pthread_once(&md_once, md_fetch);
    return md_sha256;
}

const EVP_MD *s2n_md_md5(void)
{
    pthread_once(&md_once, md_fetch);
    return md_md5;
}

void s2n_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    if (s2n_md_sha256() && EVP_Digest(data, len, out, &n, s2n_md_sha256(), NULL) == 1)
        return;
    fputs("s2nbuild: sha256 failed (out of memory?)\n", stderr);
    abort();
}

/* One read loop feeding the digests that are wanted. */
static int digest_fd(int fd, unsigned want, s2n_digests *d)
{
    if ((want & S2N_DIGEST_MD5) && !s2n_md_md5())
        want &= ~(unsigned)S2N_DIGEST_MD5;
    EVP_MD_CTX *cs = (want & S2N_DIGEST_SHA256) ? EVP_MD_CTX_new() : NULL;
    EVP_MD_CTX *cm = (want & S2N_DIGEST_MD5) ? EVP_MD_CTX_new() : NULL;
    unsigned char *buf = NULL;
    blake2b_state bs;
    uint64_t total = 0;
    int rc = -1, err = ENOMEM;
    memset(d, 0, sizeof *d);
    if (((want & S2N_DIGEST_SHA256) &&
         (!cs || !s2n_md_sha256() || EVP_DigestInit_ex(cs, s2n_md_sha256(), NULL) != 1)) ||
        ((want & S2N_DIGEST_MD5) && (!cm || EVP_DigestInit_ex(cm, s2n_md_md5(), NULL) != 1)) ||
        ((want & S2N_DIGEST_BLAKE2) && blake2b_init(&bs, 32) != 0))
        goto out;
    enum { BUFSZ = 1 << 16 };
    buf = malloc(BUFSZ);
    if (!buf)
        goto out;
    for (;;) {
        ssize_t r = read(fd, buf, BUFSZ);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            err = errno;
            goto out;
        }
        if (r == 0)
            break;
        if ((cs && EVP_DigestUpdate(cs, buf, (size_t)r) != 1) ||
            (cm && EVP_DigestUpdate(cm, buf, (size_t)r) != 1) ||
            ((want & S2N_DIGEST_BLAKE2) && blake2b_update(&bs, buf, (size_t)r) != 0))
            goto out;
        total += (uint64_t)r;
    }
    if ((cs && EVP_DigestFinal_ex(cs, d->sha256, NULL) != 1) ||
        (cm && EVP_DigestFinal_ex(cm, d->md5, NULL) != 1) ||
        ((want & S2N_DIGEST_BLAKE2) && blake2b_final(&bs, d->blake2b_256, 32) != 0))
        goto out;
    d->size = total;
    d->have = want;
    rc = 0;
out:
    free(buf);
    EVP_MD_CTX_free(cs);
    EVP_MD_CTX_free(cm);
    if (rc != 0)
        errno = err;
    return rc;
}

int s2n_sha256_file(const char *path, uint8_t out[32], uint64_t *size)
{
    s2n_digests d;
    if (s2n_digests_file(path, S2N_DIGEST_SHA256, &d) != 0)
        return -1;
    memcpy(out, d.sha256, 32);
    if (size)
        *size = d.size;
    return 0;
}

int s2n_digests_file(const char *path, unsigned want, s2n_digests *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = digest_fd(fd, want, d);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

void s2n_hex(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

void s2n_b64url_nopad(const uint8_t *in, size_t len, char *out)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = al[v >> 18 & 63];
        out[o++] = al[v >> 12 & 63];
        out[o++] = al[v >> 6 & 63];
        out[o++] = al[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = al[v >> 18 & 63];
        out[o++] = al[v >> 12 & 63];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = al[v >> 18 & 63];
        out[o++] = al[v >> 12 & 63];
        out[o++] = al[v >> 6 & 63];
    }
    out[o] = '\0';
}
