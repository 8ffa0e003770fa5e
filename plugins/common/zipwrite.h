/*
 * A small deterministic ZIP writer for wheels.  Every local header carries
 * the CRC-32 and both sizes up front: general-purpose bit 3 (data
 * descriptor) is never set, because PyPI rejects wheels that use it and
 * libarchive's zip writer always does.  Members are stored or deflated
 * (zlib, raw deflate); no ZIP64 (a wheel above 4 GiB is refused).
 * Not ABI.  Owner: the build plugin (plugins/build).
 */
#ifndef S2N_COMMON_ZIPWRITE_H
#define S2N_COMMON_ZIPWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct s2n_zip s2n_zip;

/* A member compressed ahead of time (e.g. by worker threads). */
typedef struct s2n_zip_blob {
    void *data;       /* raw deflate stream, or the bytes when stored  */
    size_t size;      /* bytes in data                                 */
    size_t raw_size;  /* uncompressed size                             */
    uint32_t crc;     /* CRC-32 of the uncompressed bytes              */
    int deflated;     /* 1: data is deflated; 0: stored                */
} s2n_zip_blob;

/* Create `path` (truncating).  `mtime` is stamped on every member (as DOS
 * local time of the UTC clock, clamped to 1980). NULL with errno set. */
s2n_zip *s2n_zip_create(const char *path, time_t mtime);

/* Compress `len` bytes into *blob (malloc'd data; free with
 * s2n_zip_blob_free).  Small or incompressible data is stored.  0 or -1. */
int s2n_zip_compress(const void *data, size_t len, int level, s2n_zip_blob *blob);
void s2n_zip_blob_free(s2n_zip_blob *blob);

/* Append a member.  `mode` is the unix permission (0644/0755), kept in the
 * external attributes.  0, or -1 with the reason in s2n_zip_error(). */
int s2n_zip_add_blob(s2n_zip *z, const char *name, const s2n_zip_blob *blob, unsigned mode);
/* Compress and append in one step. */
int s2n_zip_add(s2n_zip *z, const char *name, const void *data, size_t len, unsigned mode);

/* Write the central directory and close.  0, or -1 with the reason in err
 * (the file is left for the caller to remove).  Frees z either way. */
int s2n_zip_close(s2n_zip *z, char *err, size_t errcap);
/* Close without finishing and remove the file. */
void s2n_zip_abort(s2n_zip *z);

const char *s2n_zip_error(const s2n_zip *z);

#endif
