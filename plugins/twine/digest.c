#include "plugins/twine/digest.h"

#include <blake2.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below this size threads cost more than they save. */
#define PARALLEL_MIN (4u << 20)
#define BUF (256u << 10)

enum { ALG_SHA256, ALG_MD5, ALG_BLAKE2 };

typedef struct {
    const char *path;
    int alg;
    uint8_t *out;
    uint64_t size;
    int err;
} job;

static void *hash_one(void *arg)
{
    job *j = arg;
    int fd = open(j->path, O_RDONLY | O_CLOEXEC);
    unsigned char *buf = NULL;
    EVP_MD_CTX *ctx = NULL;
    blake2b_state bs;
    j->err = 0;
    if (fd < 0) {
        j->err = errno;
        return NULL;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    if (!(buf = malloc(BUF)))
        goto fail;
    if (j->alg == ALG_BLAKE2) {
        blake2b_init(&bs, 32);
    } else {
        if (!(ctx = EVP_MD_CTX_new()))
            goto fail;
        EVP_DigestInit_ex(ctx, j->alg == ALG_SHA256 ? EVP_sha256() : EVP_md5(), NULL);
    }
    uint64_t total = 0;
    for (;;) {
        ssize_t r = read(fd, buf, BUF);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        if (j->alg == ALG_BLAKE2)
            blake2b_update(&bs, buf, (size_t)r);
        else
            EVP_DigestUpdate(ctx, buf, (size_t)r);
        total += (uint64_t)r;
    }
    if (j->alg == ALG_BLAKE2)
        blake2b_final(&bs, j->out, 32);
    else
        EVP_DigestFinal_ex(ctx, j->out, NULL);
    j->size = total;
    EVP_MD_CTX_free(ctx);
    free(buf);
    close(fd);
    return NULL;
fail:
    j->err = errno ? errno : ENOMEM;
    EVP_MD_CTX_free(ctx);
    free(buf);
    close(fd);
    return NULL;
}

int twine_digests_parallel(const char *path, s2n_digests *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    if (sb.st_size < (off_t)PARALLEL_MIN)
        return s2n_digests_file(path, d);
    job jobs[3] = {
        {.path = path, .alg = ALG_SHA256, .out = d->sha256},
        {.path = path, .alg = ALG_MD5, .out = d->md5},
        {.path = path, .alg = ALG_BLAKE2, .out = d->blake2b_256},
    };
    pthread_t th[2];
    int started[2] = {0, 0};
    for (int i = 0; i < 2; i++)
        started[i] = pthread_create(&th[i], NULL, hash_one, &jobs[i + 1]) == 0;
    hash_one(&jobs[0]); /* this thread does sha256 */
    for (int i = 0; i < 2; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            hash_one(&jobs[i + 1]);
    }
    for (int i = 0; i < 3; i++)
        if (jobs[i].err) {
            errno = jobs[i].err;
            return -1;
        }
    if (jobs[0].size != jobs[1].size || jobs[0].size != jobs[2].size) {
        errno = EAGAIN; /* the file changed while we read it */
        return -1;
    }
    d->size = jobs[0].size;
    return 0;
}
