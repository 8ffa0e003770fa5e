/*
 * The sdist: {fname}-{version}.tar.gz, a pax (restricted: ustar unless a
 * name needs more) archive through libarchive, members sorted under one
 * top folder with PKG-INFO, fixed owner root:root (0/0), modes 0644/0755,
 * mtime = the build's timestamp; gzip by pgzip.c (parallel, no timestamp).
 */
#ifndef S2N_BUILD_SDIST_H
#define S2N_BUILD_SDIST_H

#include "project.h"

#include <time.h>

char *sdist_filename(const project *p);
/* Process-wide set-up (a UTF-8 LC_CTYPE for libarchive's pax names); call
 * before starting threads.  sdist_write calls it too when run alone. */
void sdist_prepare(void);
/* threads <= 0: by size and CPU count (compression is parallel, the bytes
 * do not depend on it). */
int sdist_write(const project *p, const char *path, time_t mtime, int threads, char *err, size_t errcap);

#endif
