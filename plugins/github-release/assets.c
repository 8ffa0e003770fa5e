/*
 * assets.c — collects and hashes the files to attach.  Hashing happens
 * once, here, so the dry run, the digest comparison and the post-upload
 * size check all use the same numbers.
 */
#define _POSIX_C_SOURCE 200809L
#include "assets.h"

#include "plugins/common/hash.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

const char *gh_content_type(const char *name)
{
    static const struct {
        const char *suffix, *type;
    } table[] = {
        {".txt", "text/plain"},        {".md", "text/markdown"},
        {".json", "application/json"}, {".tar.gz", "application/gzip"},
        {".tgz", "application/gzip"},  {".gz", "application/gzip"},
        {".zip", "application/zip"},   {".pdf", "application/pdf"},
        {".asc", "application/pgp-signature"},
        {".sig", "application/pgp-signature"},
        {".html", "text/html"},        {".whl", "application/octet-stream"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (ends_with(name, table[i].suffix))
            return table[i].type;
    return "application/octet-stream";
}

int gh_assets_add(gh_assets *a, const char *path, const char *name, const char *label,
                  char *err, size_t errlen)
{
    struct stat sb;
    errno = 0;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) : "not a regular file");
        return -1;
    }
    if (a->count == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 8;
        gh_asset *n = realloc(a->items, cap * sizeof *n);
        if (!n) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        a->items = n;
        a->cap = cap;
    }
    gh_asset *x = &a->items[a->count];
    memset(x, 0, sizeof *x);
    uint8_t digest[32];
    if (s2n_sha256_file(path, digest, &x->size) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    s2n_hex(digest, sizeof digest, x->sha256);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    x->path = strdup(path);
    x->name = strdup(name && *name ? name : base);
    x->label = label && *label ? strdup(label) : NULL;
    x->content_type = gh_content_type(x->name);
    a->count++;
    return 0;
}

int gh_assets_add_glob(gh_assets *a, const char *pattern, const char *name, const char *label,
                       char *err, size_t errlen)
{
    glob_t g;
    int rc = glob(pattern, GLOB_ERR, NULL, &g);
    if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
        snprintf(err, errlen, "%s: no file matches", pattern);
        if (rc == 0)
            globfree(&g);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot read the directory", pattern);
        return -1;
    }
    if (name && *name && g.gl_pathc > 1) {
        snprintf(err, errlen, "%s: `name` given but %zu files match", pattern, g.gl_pathc);
        globfree(&g);
        return -1;
    }
    for (size_t i = 0; i < g.gl_pathc; i++)
        if (gh_assets_add(a, g.gl_pathv[i], name, label, err, errlen) != 0) {
            globfree(&g);
            return -1;
        }
    globfree(&g);
    return 0;
}

const char *gh_assets_duplicate(const gh_assets *a)
{
    for (size_t i = 0; i < a->count; i++)
        for (size_t k = i + 1; k < a->count; k++)
            if (strcmp(a->items[i].name, a->items[k].name) == 0)
                return a->items[i].name;
    return NULL;
}

void gh_assets_free(gh_assets *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->items[i].path);
        free(a->items[i].name);
        free(a->items[i].label);
    }
    free(a->items);
    memset(a, 0, sizeof *a);
}

int gh_version_from_dist(const char *file_name, char *out, size_t outlen)
{
    const char *base = strrchr(file_name, '/');
    base = base ? base + 1 : file_name;
    const char *start, *end;
    if (ends_with(base, ".whl")) {
        /* {name}-{version}(-{build})?-{py}-{abi}-{plat}.whl: the 2nd field */
        start = strchr(base, '-');
        if (!start)
            return -1;
        start++;
        end = strchr(start, '-');
    } else if (ends_with(base, ".tar.gz") || ends_with(base, ".zip")) {
        /* {name}-{version}.tar.gz, name normalized to have no '-' */
        end = base + strlen(base) - (ends_with(base, ".zip") ? 4 : 7);
        start = NULL;
        for (const char *p = base; p < end; p++)
            if (*p == '-')
                start = p + 1;
    } else {
        return -1;
    }
    if (!start || !end || end <= start || (size_t)(end - start) >= outlen)
        return -1;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 0;
}
