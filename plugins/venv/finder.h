/*
 * Where distribution files come from: find-links folders (and HTML pages),
 * simple indexes over file:// and http(s):// -- PEP 691 JSON when the
 * index serves it (asked for first, as pip asks), PEP 503 HTML otherwise,
 * with PEP 592 yanking and PEP 658/714 core metadata.
 */
#ifndef S2N_VENV_FINDER_H
#define S2N_VENV_FINDER_H

#include "plugins/common/pyinfo.h"

#include <stddef.h>

typedef struct s2n_distfile {
    char *path;      /* local file (NULL for a remote one not yet fetched) */
    char *url;       /* http(s) URL of a remote file, or NULL        */
    char *filename;
    char *norm;      /* PEP 503 project name                        */
    char *version;   /* PEP 440 normal form                         */
    int is_wheel;
    char *tags;      /* "py3-none-any" (compressed sets kept)       */
    long build;      /* wheel build number, -1 none                 */
    char *sha256;    /* hex from an index #sha256= fragment, or NULL */
    char *requires_python; /* data-requires-python, or NULL         */
    /* Plain values only below: copies of a distfile are made by struct
     * assignment plus strdup of the pointers above. */
    int yanked;      /* PEP 592; kept only when no other file of its
                      * version is left (an == pin may name it)       */
    int has_metadata;/* PEP 658/714: <file>.metadata is served       */
    char metadata_sha256[65]; /* its advertised hash, or ""         */
} s2n_distfile;

typedef struct s2n_finder {
    char **links;  /* find-links entries (folders, pages, files) */
    size_t nlinks;
    char **indexes;/* index URLs                                */
    size_t nindexes;
    int remote;    /* some source is http(s): searched on demand     */
    s2n_distfile *local; /* files of find-links, scanned once */
    size_t nlocal;
    int scanned;
    char *download_dir; /* where remote wheels are saved (set by the user) */
} s2n_finder;

void s2n_finder_init(s2n_finder *f);
void s2n_finder_add_link(s2n_finder *f, const char *link);
void s2n_finder_add_index(s2n_finder *f, const char *url);
/* All local files of project `norm` (any version); *out malloc'd. */
size_t s2n_finder_files(s2n_finder *f, const char *norm, s2n_distfile **out);
/* Files of project `norm` listed by the http(s) indexes and find-links
 * pages (fetched now).  Returns the count; -1 with err when a source
 * could not be read. */
long s2n_finder_remote_files(s2n_finder *f, const char *norm, s2n_distfile **out, char *err,
                             size_t errcap);
/* A deep copy (free with s2n_distfiles_free(&d, 1)). */
s2n_distfile s2n_distfile_copy(const s2n_distfile *s);
void s2n_distfiles_free(s2n_distfile *v, size_t n);

/* PEP 658: the core metadata (METADATA text) of a file whose index
 * advertises it, read from <file>.metadata beside it (fetched for a
 * remote file) and checked against the advertised sha256.  1 with *text
 * (malloc'd, NUL-terminated) and *len; 0 when nothing is advertised;
 * -1 with err (unreadable, or a hash mismatch naming both hashes). */
int s2n_distfile_metadata(const s2n_distfile *d, char **text, size_t *len, char *err,
                          size_t errcap);
void s2n_finder_free(s2n_finder *f);

/* Parse a distribution file name; 0 when it is a wheel or sdist name. */
int s2n_distfile_parse(const char *filename, s2n_distfile *out);
/* Best (lowest) rank over the tag sets of a wheel, or -1 if none fits. */
long s2n_wheel_rank(const s2n_pyinfo *py, const char *tags);

/* A one-line digest of the local sources (file names, sizes, mtimes)
 * for cache keys; malloc'd. */
char *s2n_finder_fingerprint(s2n_finder *f);

#endif
