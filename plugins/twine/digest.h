/*
 * The three upload digests of a file (sha256, md5, blake2b-256), each in
 * its own thread: hashing 200 MB three times in a row costs more than
 * sending it over a fast link, in parallel it costs the slowest one.
 * Memory stays at one small buffer per thread (no mmap: mapped pages of a
 * big file would count as our resident memory).
 */
#ifndef S2N_TWINE_DIGEST_H
#define S2N_TWINE_DIGEST_H

#include "plugins/common/hash.h"

/* Same result as s2n_digests_file(); 0, or -1 with errno set. */
int twine_digests_parallel(const char *path, s2n_digests *d);

#endif
