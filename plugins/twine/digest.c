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

typedef struct {
    const char *path;
    unsigned alg; /* one S2N_DIGEST_* */
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
    j->err = ENOMEM; /* what a failing digest call means once the core checked sha256 */
    if (fd < 0) {
        j->err = errno;
        return NULL;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    if (!(buf = malloc(BUF)))
        goto fail;
    if (j->alg == S2N_DIGEST_BLAKE2) {
        if (blake2b_init(&bs, 32) != 0)
            goto fail;
    } else {
        const EVP_MD *md = j->alg == S2N_DIGEST_SHA256 ? s2n_md_sha256() : s2n_md_md5();
        if (!md || !(ctx = EVP_MD_CTX_new()) || EVP_DigestInit_ex(ctx, md, NULL) != 1)
            goto fail;
    }
    uint64_t total = 0;
    for (;;) {
        ssize_t r = read(fd, buf, BUF);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            j->err = errno;
            goto fail;
        }
        if (r == 0)
            break;
        if (j->alg == S2N_DIGEST_BLAKE2 ? blake2b_update(&bs, buf, (size_t)r) != 0
                                        : EVP_DigestUpdate(ctx, buf, (size_t)r) != 1)
            goto fail;
        total += (uint64_t)r;
    }
    if (j->alg == S2N_DIGEST_BLAKE2 ? blake2b_final(&bs, j->out, 32) != 0
                                    : EVP_DigestFinal_ex(ctx, j->out, NULL) != 1)
        goto fail;
    j->size = total;
    j->err = 0;
fail:
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

twine_digest_job *twine_digests_start(const char *path, unsigned want)
{
    twine_digest_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    if (!s2n_md_md5())
        want &= ~(unsigned)S2N_DIGEST_MD5; /* FIPS: left out, as twine does */
    static const unsigned algs[3] = {S2N_DIGEST_SHA256, S2N_DIGEST_MD5, S2N_DIGEST_BLAKE2};
    uint8_t *outs[3] = {j->d.sha256, j->d.md5, j->d.blake2b_256};
    for (int i = 0; i < 3; i++) {
        if (!(want & algs[i]))
            continue;
        j->jobs[j->n] = (job){.path = path, .alg = algs[i], .out = outs[i]};
        j->started[j->n] = pthread_create(&j->th[j->n], NULL, hash_one, &j->jobs[j->n]) == 0;
        j->n++;
    }
    j->d.have = want;
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
    j->d.size = j->n ? j->jobs[0].size : 0;
    if (!err)
        *d = j->d;
    free(j);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int twine_digests_parallel(const char *path, unsigned want, s2n_digests *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    if (sb.st_size < (off_t)TWINE_DIGEST_THREADED_MIN)
        return s2n_digests_file(path, want, d);
    twine_digest_job *j = twine_digests_start(path, want);
    return j ? twine_digests_finish(j, d) : s2n_digests_file(path, want, d);
}
