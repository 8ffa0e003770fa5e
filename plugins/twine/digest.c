#include "plugins/twine/digest.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *path;
    unsigned alg; /* one S2N_DIGEST_* */
    uint8_t *out;
    size_t outlen;
    uint64_t size;
    int err;
} job;

/* One digest of the file: hash.c's reader with one algorithm wanted. */
static void *hash_one(void *arg)
{
    job *j = arg;
    s2n_digests d;
    j->err = 0;
    if (s2n_digests_file(j->path, j->alg, &d) != 0) {
        j->err = errno ? errno : ENOMEM;
        return NULL;
    }
    const uint8_t *src = j->alg == S2N_DIGEST_SHA256 ? d.sha256 : j->alg == S2N_DIGEST_MD5 ? d.md5
                                                                                         : d.blake2b_256;
    memcpy(j->out, src, j->outlen);
    j->size = d.size;
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
    static const size_t lens[3] = {32, 16, 32};
    uint8_t *outs[3] = {j->d.sha256, j->d.md5, j->d.blake2b_256};
    for (int i = 0; i < 3; i++) {
        if (!(want & algs[i]))
            continue;
        j->jobs[j->n] = (job){.path = path, .alg = algs[i], .out = outs[i], .outlen = lens[i]};
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
