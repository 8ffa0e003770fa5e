/* The branch and commit of the repository around the current directory,
 * read from .git itself.  Every run records them, and asking git costs two
 * process starts (a few ms, most of an unchanged re-run); reading HEAD and
 * one ref file costs microseconds.  Anything unusual (GIT_DIR set, the
 * reftable format, a ref we cannot find) answers "ask git" instead of
 * guessing. */
#include "config.h"
#include "core/gitref.h"
#include "core/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* First line of a small file, without its newline; NULL when unreadable. */
static char *first_line(const char *path)
{
    size_t len;
    char *s = read_file(path, &len);
    if (s)
        s[strcspn(s, "\r\n")] = '\0';
    return s;
}

static int is_hex_oid(const char *s)
{
    size_t n = strspn(s, "0123456789abcdef");
    return (n == 40 || n == 64) && s[n] == '\0';
}

/* The git dir and common dir of the repository containing cwd: 0, 1 when
 * there is no .git up to the root, -1 when unsure (a bare repository). */
static int find_git_dirs(char **gitdir, char **common)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return -1;
    char *bare = xasprintf("%s/objects", cwd);
    int maybe_bare = access(bare, F_OK) == 0;
    free(bare);
    if (maybe_bare)
        return -1;
    for (;;) {
        char *dotgit = xasprintf("%s/.git", cwd);
        struct stat st;
        if (stat(dotgit, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                *gitdir = dotgit;
            else {
                /* a worktree or submodule: "gitdir: PATH" */
                char *line = first_line(dotgit);
                free(dotgit);
                if (!line || strncmp(line, "gitdir: ", 8) != 0) {
                    free(line);
                    return -1;
                }
                *gitdir = line[8] == '/' ? xstrdup(line + 8) : xasprintf("%s/%s", cwd, line + 8);
                free(line);
            }
            char *cd_file = xasprintf("%s/commondir", *gitdir);
            char *cd = first_line(cd_file);
            free(cd_file);
            if (cd && *cd)
                *common = cd[0] == '/' ? xstrdup(cd) : xasprintf("%s/%s", *gitdir, cd);
            else
                *common = xstrdup(*gitdir);
            free(cd);
            return 0;
        }
        free(dotgit);
        char *slash = strrchr(cwd, '/');
        if (!slash)
            return 1;
        if (slash == cwd) {
            if (!cwd[1])
                return 1;
            slash[1] = '\0'; /* look in / itself last */
        } else
            *slash = '\0';
    }
}

/* The object id `ref` ("refs/heads/main") names: a loose ref file in the
 * git dir or the common dir, else packed-refs.  NULL when absent. */
static char *resolve_ref(const char *gitdir, const char *common, const char *ref)
{
    const char *dirs[] = {gitdir, common};
    for (size_t i = 0; i < 2; i++) {
        char *p = xasprintf("%s/%s", dirs[i], ref);
        char *v = first_line(p);
        free(p);
        if (v && is_hex_oid(v))
            return v;
        free(v);
    }
    char *packed_path = xasprintf("%s/packed-refs", common);
    size_t len;
    char *packed = read_file(packed_path, &len);
    free(packed_path);
    char *oid = NULL;
    for (char *line = packed; line && *line && !oid;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *sp = strchr(line, ' ');
        if (sp && strcmp(sp + 1, ref) == 0) {
            *sp = '\0';
            if (is_hex_oid(line))
                oid = xstrdup(line);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(packed);
    return oid;
}

int gitref_head(char **branch, char **commit)
{
    *branch = *commit = NULL;
    if (getenv("GIT_DIR") || getenv("GIT_WORK_TREE") || getenv("GIT_COMMON_DIR"))
        return -1;
    char *gitdir = NULL, *common = NULL;
    int found = find_git_dirs(&gitdir, &common);
    if (found != 0)
        return found;
    int rc = -1;
    char *reftable = xasprintf("%s/reftable", common);
    char *head_path = xasprintf("%s/HEAD", gitdir);
    char *head = access(reftable, F_OK) == 0 ? NULL : first_line(head_path);
    if (head && strncmp(head, "ref: refs/heads/", 16) == 0) {
        *branch = xstrdup(head + 16);
        *commit = resolve_ref(gitdir, common, head + 5);
        if (*commit)
            rc = 0;
        else { /* an unborn branch, or a ref we cannot see: ask git */
            free(*branch);
            *branch = NULL;
        }
    } else if (head && is_hex_oid(head)) { /* detached, as rev-parse says it */
        *branch = xstrdup("HEAD");
        *commit = xstrdup(head);
        rc = 0;
    }
    free(head);
    free(head_path);
    free(reftable);
    free(gitdir);
    free(common);
    return rc;
}
