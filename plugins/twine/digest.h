/*
 * The three upload digests of a file (sha256, md5, blake2b-256), each in
 * its own thread: hashing 200 MB three times in a row costs more than
 * sending it over a fast link; in parallel it costs the slowest one, and
 * started in the background it overlaps with the upload itself.  Memory
 * stays at one small buffer per thread (no mmap: mapped pages of a big
 * file would count as our resident memory).
 */
#ifndef S2N_TWINE_DIGEST_H
#define S2N_TWINE_DIGEST_H

#include "plugins/common/hash.h"

/* Files at least this big are hashed in threads (smaller: inline). */
#define TWINE_DIGEST_THREADED_MIN (4u << 20)

typedef struct twine_digest_job twine_digest_job;

/* Start hashing `path` in the background: the digests in `want`
 * (S2N_DIGEST_*; md5 left out where OpenSSL refuses it), the others stay
 * zero; NULL when out of memory (then use twine_digests_parallel). */
twine_digest_job *twine_digests_start(const char *path, unsigned want);
/* Wait for the job, fill `d`, free the job.  0, or -1 with errno set. */
int twine_digests_finish(twine_digest_job *job, s2n_digests *d);

/* Same result as s2n_digests_file(); threaded for big files. */
int twine_digests_parallel(const char *path, unsigned want, s2n_digests *d);

#endif
