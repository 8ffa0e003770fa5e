#define _GNU_SOURCE
#include "butil.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void)
{
    fputs("s2n-build: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        oom();
    return d;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    return s;
}

void sl_push(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = xstrdup(s);
}

void sl_pushf(strlist *l, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    sl_push(l, s);
    free(s);
}

int sl_has(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void sl_sort_unique(strlist *l)
{
    if (l->n < 2)
        return;
    qsort(l->v, l->n, sizeof *l->v, cmp_str);
    size_t k = 1;
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(l->v[i], l->v[k - 1]) == 0)
            free(l->v[i]);
        else
            l->v[k++] = l->v[i];
    }
    l->n = k;
}

void sl_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int dir_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int skip_name(const char *name, int is_dir, int skip_build)
{
    static const char *const vcs_dirs[] = {".git", ".hg", ".svn", ".bzr", "__pycache__", ".s2nbuild",
                                           ".tox", ".nox", ".venv", ".pytest_cache", ".mypy_cache",
                                           ".ruff_cache", ".eggs", NULL};
    if (is_dir) {
        for (int i = 0; vcs_dirs[i]; i++)
            if (strcmp(name, vcs_dirs[i]) == 0)
                return 1;
        if (skip_build && (strcmp(name, "dist") == 0 || strcmp(name, "build") == 0 ||
                           (strlen(name) > 9 && strcmp(name + strlen(name) - 9, ".egg-info") == 0)))
            return 1;
        return 0;
    }
    size_t n = strlen(name);
    if (n > 4 && (strcmp(name + n - 4, ".pyc") == 0 || strcmp(name + n - 4, ".pyo") == 0))
        return 1;
    return strcmp(name, ".DS_Store") == 0;
}

void walk_files(const char *root, const char *rel, int skip_build, strlist *out)
{
    char *dir = rel && *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            char *path = xasprintf("%s/%s", dir, name);
            char *sub = rel && *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
            struct stat st, lst;
            /* symlinked files are taken (their content), symlinked folders
             * are not: a link to a parent would never end */
            if (stat(path, &st) == 0 && lstat(path, &lst) == 0) {
                if (S_ISDIR(st.st_mode) && !S_ISLNK(lst.st_mode)) {
                    if (!skip_name(name, 1, skip_build))
                        walk_files(root, sub, skip_build, out);
                } else if (S_ISREG(st.st_mode) && !skip_name(name, 0, skip_build)) {
                    sl_push(out, sub);
                }
            }
            free(path);
            free(sub);
        }
        free(ents[i]);
    }
    free(ents);
    free(dir);
}

/* Segment-wise: "**" matches zero or more whole segments, every other
 * segment is an fnmatch(3) pattern for exactly one segment. */
static int match_segs(const char *pat, const char *path)
{
    if (!*pat)
        return !*path;
    size_t pl = strcspn(pat, "/");
    const char *pnext = pat[pl] ? pat + pl + 1 : pat + pl;
    if (pl == 2 && pat[0] == '*' && pat[1] == '*') {
        if (match_segs(pnext, path))
            return 1;
        while (*path) {
            size_t sl = strcspn(path, "/");
            path = path[sl] ? path + sl + 1 : path + sl;
            if (match_segs(pnext, path))
                return 1;
        }
        return 0;
    }
    if (!*path)
        return 0;
    size_t sl = strcspn(path, "/");
    char seg_p[512], seg_s[512];
    if (pl >= sizeof seg_p || sl >= sizeof seg_s)
        return 0;
    memcpy(seg_p, pat, pl);
    seg_p[pl] = '\0';
    memcpy(seg_s, path, sl);
    seg_s[sl] = '\0';
    if (fnmatch(seg_p, seg_s, FNM_PERIOD) != 0)
        return 0;
    const char *snext = path[sl] ? path + sl + 1 : path + sl;
    if (!pat[pl]) /* pattern ends here: the path must too */
        return !path[sl];
    return match_segs(pnext, snext);
}

int path_match(const char *pattern, const char *path)
{
    if (pattern[0] == '/')
        pattern++;
    return match_segs(pattern, path);
}

int mkdirs(const char *path, unsigned mode)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, mode) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    }
    int rc = mkdir(p, mode) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char *sub = xasprintf("%s/%s", path, e->d_name);
                remove_tree(sub);
                free(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}
