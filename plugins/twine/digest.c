#include "plugins/twine/digest.h"

#include <blake2.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

struct twine_digest_job {
    job jobs[3];
    pthread_t th[3];
    int started[3];
    int n; /* jobs wanted: sha256 first */
    s2n_digests d;
};

twine_digest_job *twine_digests_start(const char *path, int sha256_only)
{
    twine_digest_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    uint8_t *outs[3] = {j->d.sha256, j->d.md5, j->d.blake2b_256};
    int algs[3] = {ALG_SHA256, ALG_MD5, ALG_BLAKE2};
    j->n = sha256_only ? 1 : 3;
    for (int i = 0; i < j->n; i++) {
        j->jobs[i] = (job){.path = path, .alg = algs[i], .out = outs[i]};
        j->started[i] = pthread_create(&j->th[i], NULL, hash_one, &j->jobs[i]) == 0;
    }
    return j;
}

int twine_digests_finish(twine_digest_job *j, s2n_digests *d)
{
    for (int i = 0; i < j->n; i++) {
        if (j->started[i])
            pthread_join(j->th[i], NULL);
        else
            hash_one(&j->jobs[i]); /* no thread: do it here */
    }
    int err = 0;
    for (int i = 0; i < j->n; i++) {
        if (j->jobs[i].err)
            err = j->jobs[i].err;
        else if (!err && j->jobs[i].size != j->jobs[0].size)
            err = EAGAIN; /* the file changed while we read it */
    }
    j->d.size = j->jobs[0].size;
    if (!err)
        *d = j->d;
    free(j);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int twine_digests_parallel(const char *path, int sha256_only, s2n_digests *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    if (sb.st_size < (off_t)TWINE_DIGEST_THREADED_MIN)
        return s2n_digests_file(path, d);
    twine_digest_job *j = twine_digests_start(path, sha256_only);
    return j ? twine_digests_finish(j, d) : s2n_digests_file(path, d);
}
