/*
 * Parallel gzip (the pigz scheme): the input is cut into fixed 128 KiB
 * chunks, each deflated independently with the 32 KiB before it as preset
 * dictionary and ended with a sync flush, then the pieces are joined into
 * one gzip member with the CRCs combined.  The bytes depend only on the
 * input and the level, never on the thread count.  No timestamp, no name.
 */
#ifndef S2N_BUILD_PGZIP_H
#define S2N_BUILD_PGZIP_H

#include <stddef.h>
#include <stdio.h>

/* Compress `len` bytes to `out` with up to `threads` threads.  0 or -1. */
int pgzip_write(FILE *out, const unsigned char *data, size_t len, int level, int threads);

#endif
