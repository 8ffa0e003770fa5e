/*
 * The local package index (the twine stage's embedded default): a folder
 * that pip reads as a PEP 503 index over file:// and that tools can read
 * as PEP 691 JSON, with PEP 658 metadata files beside the wheels.
 *
 *   <dir>/simple/index.html, index.json            the projects
 *   <dir>/simple/<project>/index.html, index.json  its files, #sha256=,
 *                                                  data-requires-python,
 *                                                  data-core-metadata
 *   <dir>/simple/<project>/<file>[.metadata]       the files themselves
 *
 * Every update takes <dir>/.lock (flock) and replaces files by temp +
 * rename, so readers never see a half-written page and two publishers
 * never lose each other's files.  Same conflict rules as PyPI: a file
 * name holds one content for good, and a release has one sdist.
 * Not ABI.  Owner: the twine plugin.
 */
#ifndef S2N_COMMON_LOCALINDEX_H
#define S2N_COMMON_LOCALINDEX_H

#include <stddef.h>

typedef enum s2n_li_result {
    S2N_LI_ERROR = -1,    /* could not update (err says why)            */
    S2N_LI_ADDED = 0,     /* the file is now in the index               */
    S2N_LI_IDENTICAL = 1, /* the same bytes were already there          */
    S2N_LI_CONFLICT = 2,  /* same file name, other bytes; or a second
                             sdist of the release (any name, .tar.gz or
                             .zip): refused, err names the file there   */
    S2N_LI_SKIPPED = 3    /* same file name, other bytes, skip_existing */
} s2n_li_result;

typedef struct s2n_li_file {
    const char *path;            /* the distribution file                  */
    const char *project;         /* Name as in its metadata                */
    const char *requires_python; /* or NULL                                */
    const char *metadata;        /* core metadata text for PEP 658, or NULL */
    size_t metadata_len;
    const char *sha256;          /* hex of the file, or NULL to compute     */
} s2n_li_file;

/* Add one file.  `existing_sha256` (65 bytes, may be NULL) receives the
 * index's sha256 of a file of the same name when there was one. */
s2n_li_result s2n_localindex_publish(const char *dir, const s2n_li_file *file, int skip_existing,
                                     char *existing_sha256, char *err, size_t errcap);

/* sha256 (hex, into out[65]) of `filename` in `project`: 1 found, 0 not,
 * -1 unreadable index (err). */
int s2n_localindex_lookup(const char *dir, const char *project, const char *filename,
                          char *out, char *err, size_t errcap);

#endif
