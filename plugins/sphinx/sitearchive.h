/*
 * The built site as a reproducible tar.gz: entries sorted by name, one
 * fixed mtime (SOURCE_DATE_EPOCH or 0), uid/gid 0 without names, modes
 * 0755 for folders and executables, 0644 otherwise, no gzip timestamp.
 * The same tree always gives the same bytes.
 */
#ifndef S2N_SPHINX_SITEARCHIVE_H
#define S2N_SPHINX_SITEARCHIVE_H

#include <stddef.h>

/* Write the contents of `dir` (paths relative to it) to `out`, through a
 * temporary file renamed into place.  Returns the number of files, or -1
 * with a message in err. */
long site_archive_write(const char *dir, const char *out, long long mtime, char *err, size_t errlen);

/* SOURCE_DATE_EPOCH as given (NULL or invalid: 0). */
long long site_archive_epoch(const char *source_date_epoch);

#endif
