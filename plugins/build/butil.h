/*
 * Small helpers of the build plugin: growable string lists, formatted
 * strings, whole-file reads and a sorted directory walk.  Allocation
 * failure aborts: the plugin runs in a forked child of the core, which
 * reports the crash; there is nothing useful to recover.
 */
#ifndef S2N_BUILD_BUTIL_H
#define S2N_BUILD_BUTIL_H

#include <stddef.h>

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

void sl_push(strlist *l, const char *s);
void sl_pushf(strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sl_has(const strlist *l, const char *s);
void sl_sort_unique(strlist *l); /* byte order, duplicates dropped */
void sl_free(strlist *l);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole file, NUL-terminated; NULL with errno set. */
char *read_file(const char *path, size_t *len);
int file_exists(const char *path); /* regular file */
int dir_exists(const char *path);

/* Relative paths (to `root`) of every regular file under root/rel, sorted,
 * skipping version-control and cache folders (.git, __pycache__, *.pyc, …)
 * and, when skip_build is set, build outputs (dist/, build/, *.egg-info).
 * Symlinked folders are not followed. */
void walk_files(const char *root, const char *rel, int skip_build, strlist *out);

/* Glob match on relative paths: '*' and '?' stay within a path segment,
 * "**" spans segments. */
int path_match(const char *pattern, const char *path);

/* mkdir -p; 0 or -1 with errno. */
int mkdirs(const char *path, unsigned mode);
/* rm -rf (best effort). */
void remove_tree(const char *path);

#endif
