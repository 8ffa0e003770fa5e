/*
 * The wheel: package members, then {name}-{version}.dist-info/ with
 * METADATA, WHEEL, entry_points.txt, license files and RECORD last.
 * Members are read, hashed and deflated by a pool of threads for large
 * projects, then written in sorted order, so the bytes never depend on the
 * thread count.
 */
#ifndef S2N_BUILD_WHEEL_H
#define S2N_BUILD_WHEEL_H

#include "project.h"

#include <time.h>

#define WHEEL_GENERATOR "s2nbuild (1.0.0)" /* name (version) of the build plugin */

/* "{fname}-{version}-py3-none-any.whl" (malloc'd). */
char *wheel_filename(const project *p);

/* Write the wheel to `path`.  threads <= 0: choose from the data size and
 * the CPU count.  0, or -1 with err (the file is removed). */
int wheel_write(const project *p, const char *path, time_t mtime, int threads, char *err, size_t errcap);

#endif
