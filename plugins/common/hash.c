#include "plugins/common/hash.h"

#include <blake2.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

void s2n_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

/* One read loop feeding any of the three digests that are wanted. */
static int digest_fd(int fd, uint8_t sha[32], uint8_t md5[16], uint8_t b2[32], uint64_t *size)
{
    EVP_MD_CTX *cs = EVP_MD_CTX_new(), *cm = md5 ? EVP_MD_CTX_new() : NULL;
    unsigned char *buf = NULL;
    blake2b_state bs;
    uint64_t total = 0;
    int rc = -1;
    if (!cs || (md5 && !cm))
        goto out;
    EVP_DigestInit_ex(cs, EVP_sha256(), NULL);
    if (cm)
        EVP_DigestInit_ex(cm, EVP_md5(), NULL);
    if (b2)
        blake2b_init(&bs, 32);
    enum { BUFSZ = 1 << 16 };
    buf = malloc(BUFSZ);
    if (!buf)
        goto out;
    for (;;) {
        ssize_t r = read(fd, buf, BUFSZ);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto out;
        if (r == 0)
            break;
        EVP_DigestUpdate(cs, buf, (size_t)r);
        if (cm)
            EVP_DigestUpdate(cm, buf, (size_t)r);
        if (b2)
            blake2b_update(&bs, buf, (size_t)r);
        total += (uint64_t)r;
    }
    EVP_DigestFinal_ex(cs, sha, NULL);
    if (cm)
        EVP_DigestFinal_ex(cm, md5, NULL);
    if (b2)
        blake2b_final(&bs, b2, 32);
    if (size)
        *size = total;
    rc = 0;
out:
    free(buf);
    EVP_MD_CTX_free(cs);
    EVP_MD_CTX_free(cm);
    return rc;
}

int s2n_sha256_file(const char *path, uint8_t out[32], uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = digest_fd(fd, out, NULL, NULL, size);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int s2n_digests_file(const char *path, s2n_digests *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = digest_fd(fd, d->sha256, d->md5, d->blake2b_256, &d->size);
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
