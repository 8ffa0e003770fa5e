/*
 * assets.h — the local files to attach to a release: name, label, media
 * type, size and sha256, whatever the source (an upstream stage's
 * artifacts or a glob).
 */
#ifndef GHREL_ASSETS_H
#define GHREL_ASSETS_H

#include <stddef.h>
#include <stdint.h>

typedef struct gh_asset {
    char *path;         /* absolute or workdir-relative file              */
    char *name;         /* asset name on GitHub (default: base name)      */
    char *label;        /* display label, or NULL                         */
    const char *content_type;
    uint64_t size;
    char sha256[65];    /* lowercase hex                                  */
} gh_asset;

typedef struct gh_assets {
    gh_asset *items;
    size_t count, cap;
} gh_assets;

/* Add one file; hashes it.  Returns 0, or -1 with a message in err. */
int gh_assets_add(gh_assets *a, const char *path, const char *name, const char *label,
                  char *err, size_t errlen);
/* Add every file matching glob `pattern` (name may only be given when it
 * matches exactly one file).  No match is an error. */
int gh_assets_add_glob(gh_assets *a, const char *pattern, const char *name, const char *label,
                       char *err, size_t errlen);
/* Two assets with one name: GitHub would refuse the second.  Returns the
 * duplicated name or NULL. */
const char *gh_assets_duplicate(const gh_assets *a);
void gh_assets_free(gh_assets *a);

/* Media type by file name: text/plain for .txt, application/octet-stream
 * for wheels and anything unknown. */
const char *gh_content_type(const char *name);

/* The version in a wheel or sdist file name ("pkg-1.2.0-py3-none-any.whl",
 * "pkg-1.2.0.tar.gz"), copied into out; -1 when the name is neither. */
int gh_version_from_dist(const char *file_name, char *out, size_t outlen);

#endif
