/*
 * Reading distribution files: a wheel (ZIP) or an sdist (tar.gz) through
 * libarchive, with the member checks of the hardening issue.  Not ABI.
 * Owner: the twine plugin (plugins/twine); others only call it.
 */
#ifndef S2N_COMMON_DISTREAD_H
#define S2N_COMMON_DISTREAD_H

#include <stddef.h>

typedef enum { S2N_DIST_UNKNOWN = 0, S2N_DIST_WHEEL = 1, S2N_DIST_SDIST = 2 } s2n_dist_kind;

/* Kind from the file name (".whl", ".tar.gz"). */
s2n_dist_kind s2n_dist_kind_of(const char *path);

/* The core metadata text of a distribution: `*.dist-info/METADATA` of a
 * wheel, `<top>/PKG-INFO` of an sdist.  Returns a malloc'd NUL-terminated
 * buffer (length in *len) or NULL with a message in err. */
char *s2n_dist_read_metadata(const char *path, size_t *len, char *err, size_t errcap);

#endif
