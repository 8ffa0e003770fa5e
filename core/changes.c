#include "config.h"
#include "core/changes.h"
#include "core/ctxvars.h"
#include "core/pathglob.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs `git -C dir args...`; returns its exit status (-1: could not run)
 * with stdout in *out (malloc'd).  stderr is dropped: every failure is
 * turned into a reason of our own. */
static int git(const char *dir, const char *const *args, char **out, size_t *outlen)
{
    const char *argv[24] = {"git", "-C", dir, "-c", "core.quotepath=off"};
    size_t n = 5;
    for (; *args && n < S2N_ARRAY_LEN(argv) - 1; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int fd[2];
    if (pipe2(fd, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 0);
        dup2(fd[1], 1);
        dup2(nul, 2);
        /* never ask for credentials or a pager in CI */
        setenv("GIT_TERMINAL_PROMPT", "0", 1);
        setenv("GIT_PAGER", "cat", 1);
        execvp("git", (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    strbuf b = {0};
    char buf[8192];
    for (;;) {
        ssize_t k = read(fd[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        sb_add(&b, buf, (size_t)k);
    }
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (outlen)
        *outlen = b.len;
    if (out)
        *out = sb_steal(&b);
    else
        sb_free(&b);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* First line of a git command's output, or NULL. */
static char *git_line(const char *dir, const char *const *args)
{
    char *out = NULL;
    if (git(dir, args, &out, NULL) != 0) {
        free(out);
        return NULL;
    }
    out[strcspn(out, "\r\n")] = '\0';
    if (!*out) {
        free(out);
        return NULL;
    }
    return out;
}

/* The full hash of `rev` when it names a commit here, else NULL. */
static char *resolve_commit(const char *dir, const char *rev)
{
    char *spec = xasprintf("%s^{commit}", rev);
    const char *args[] = {"rev-parse", "--verify", "--quiet", spec, NULL};
    char *c = git_line(dir, args);
    free(spec);
    return c;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_all(changeset *cs, char *why)
{
    cs->all = 1;
    free(cs->base);
    cs->base = NULL;
    free(cs->how);
    cs->how = why;
}

char *changes_last_green_commit(const char *state_dir, char **run_id)
{
    if (run_id)
        *run_id = NULL;
    if (!state_dir)
        return NULL;
    char *runs = path_join(state_dir, "runs");
    DIR *d = opendir(runs);
    if (!d) {
        free(runs);
        return NULL;
    }
    char *best_started = NULL, *best_commit = NULL, *best_id = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "latest") == 0)
            continue;
        char *path = xasprintf("%s/%s/record.json", runs, e->d_name);
        json_t *j = json_load_file(path, 0, NULL);
        free(path);
        if (!j)
            continue;
        const char *result = json_string_value(json_object_get(j, "result"));
        const char *commit = json_string_value(json_object_get(j, "commit"));
        const char *started = json_string_value(json_object_get(j, "started"));
        if (result && strcmp(result, "ok") == 0 && commit && *commit) {
            /* "started" is ISO 8601 UTC to the second; the record's
             * mtime orders runs within one second */
            struct stat sb;
            char *rp = xasprintf("%s/%s/record.json", runs, e->d_name);
            if (stat(rp, &sb) != 0)
                memset(&sb, 0, sizeof sb);
            free(rp);
            char *key = xasprintf("%s %020lld.%09ld %s", started ? started : "",
                                  (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, e->d_name);
            if (!best_started || strcmp(key, best_started) > 0) {
                free(best_started), free(best_commit), free(best_id);
                best_started = key;
                best_commit = xstrdup(commit);
                best_id = xstrdup(e->d_name);
            } else {
                free(key);
            }
        }
        json_decref(j);
    }
    closedir(d);
    free(runs);
    free(best_started);
    if (run_id)
        *run_id = best_id;
    else
        free(best_id);
    return best_commit;
}

/* The base commit and how it was found; NULL with *why when none. */
static char *find_base(const change_inputs *in, char **how, char **why)
{
    const char *dir = in->dir;
    if (in->event && strcmp(in->event, "pull_request") == 0 && in->change_target &&
        *in->change_target) {
        const char *cands[2] = {NULL, in->change_target};
        char *origin = xasprintf("origin/%s", in->change_target);
        cands[0] = origin;
        const char *found = NULL;
        for (size_t i = 0; i < 2; i++) {
            char *target = resolve_commit(dir, cands[i]);
            if (!target)
                continue;
            found = found ? found : cands[i];
            const char *args[] = {"merge-base", "HEAD", target, NULL};
            char *mb = git_line(dir, args);
            free(target);
            if (mb) {
                *how = xasprintf("merge-base %.12s of HEAD with %s (pull request target)", mb,
                                 cands[i]);
                free(origin);
                return mb;
            }
        }
        if (found)
            *why = xasprintf("HEAD and the pull request target %s have no common commit here "
                             "(a shallow clone? fetch more history to compare)", found);
        else
            *why = xasprintf("pull request target '%s' is not in this clone (neither %s nor %s): "
                             "fetch it to compare",
                             in->change_target, origin, in->change_target);
        free(origin);
        return NULL;
    }
    if (in->previous_commit && *in->previous_commit) {
        char *c = resolve_commit(dir, in->previous_commit);
        if (c) {
            *how = xasprintf("GIT_PREVIOUS_SUCCESSFUL_COMMIT %.12s", c);
            return c;
        }
        *why = xasprintf("GIT_PREVIOUS_SUCCESSFUL_COMMIT %s is not in this clone (shallow?)",
                         in->previous_commit);
        return NULL;
    }
    char *run_id = NULL;
    char *green = changes_last_green_commit(in->state_dir, &run_id);
    if (green) {
        char *c = resolve_commit(dir, green);
        if (c) {
            *how = xasprintf("commit %.12s of the last green run %s", c, run_id);
            free(green);
            free(run_id);
            return c;
        }
        *why = xasprintf("the last green run %s was at commit %.12s, which is not in this clone",
                         run_id, green);
        free(green);
        free(run_id);
        return NULL;
    }
    *why = xstrdup("no base to compare with (no pull request target, no "
                   "GIT_PREVIOUS_SUCCESSFUL_COMMIT, no earlier green run recorded)");
    return NULL;
}

/* NUL-separated names into cs->files, skipping s2nbuild's own state. */
static void add_names(changeset *cs, const char *buf, size_t len)
{
    for (size_t i = 0; i < len;) {
        const char *name = buf + i;
        size_t n = strnlen(name, len - i);
        if (n && strncmp(name, ".s2nbuild/", 10) != 0 && !sv_contains(&cs->files, name))
            sv_push(&cs->files, xstrndup(name, n));
        i += n + 1;
    }
}

void changes_detect(const change_inputs *in, changeset *cs)
{
    memset(cs, 0, sizeof *cs);
    const char *dir = in->dir ? in->dir : ".";
    const char *top_args[] = {"rev-parse", "--show-toplevel", NULL};
    char *top = git_line(dir, top_args);
    if (!top) {
        set_all(cs, xasprintf("%s is not in a git work tree (or git is missing)", dir));
        return;
    }
    free(top);
    char *how = NULL, *why = NULL;
    char *base = find_base(in, &how, &why);
    if (!base) {
        set_all(cs, why);
        return;
    }
    /* Base to the work tree: committed changes since the base, and
     * uncommitted edits when run locally.  Paths relative to dir, and
     * only those under it. */
    const char *diff_args[] = {"diff", "--name-only", "--no-renames", "-z", "--relative", base,
                               "--", NULL};
    char *out = NULL;
    size_t len = 0;
    if (git(dir, diff_args, &out, &len) != 0) {
        free(out);
        free(how);
        set_all(cs, xasprintf("git diff against %.12s failed", base));
        free(base);
        return;
    }
    add_names(cs, out, len);
    free(out);
    /* New files not yet committed count too (never the ignored ones). */
    const char *untracked[] = {"ls-files", "-z", "--others", "--exclude-standard", NULL};
    if (git(dir, untracked, &out, &len) == 0)
        add_names(cs, out, len);
    free(out);
    if (cs->files.n)
        qsort(cs->files.v, cs->files.n, sizeof *cs->files.v, cmp_str);
    cs->base = base;
    cs->how = how;
}

void changes_detect_context(const char *dir, const char *state_dir, changeset *cs)
{
    change_inputs in = {
        .dir = dir,
        .event = ctxvars_get("event"),
        .change_target = ctxvars_get("change_target"),
        .previous_commit = ctxvars_get("previous_commit"),
        .state_dir = state_dir,
    };
    changes_detect(&in, cs);
}

int changes_match(const changeset *cs, const char *const *globs, size_t n, const char **first)
{
    if (first)
        *first = NULL;
    if (cs->all)
        return 1;
    for (size_t f = 0; f < cs->files.n; f++)
        for (size_t g = 0; g < n; g++)
            if (pathglob_match_path(globs[g], cs->files.v[f])) {
                if (first)
                    *first = cs->files.v[f];
                return 1;
            }
    return 0;
}

void changeset_free(changeset *cs)
{
    free(cs->base);
    free(cs->how);
    sv_free(&cs->files);
    memset(cs, 0, sizeof *cs);
}
