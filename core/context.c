/* The run context: branch, commit, event, tag, build_number — from the CI
 * system's variables (Jenkins, GitHub Actions) or, locally, from git.
 * Values are computed on first use: a pipeline that never asks for the
 * commit never runs git. */
#include "config.h"
#include "core/ctxvars.h"
#include "core/gitref.h"
#include "core/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static strvec ctx_keys, ctx_vals;

void context_set(const char *name, const char *value)
{
    for (size_t i = 0; i < ctx_keys.n; i++)
        if (strcmp(ctx_keys.v[i], name) == 0) {
            free(ctx_vals.v[i]);
            ctx_vals.v[i] = xstrdup(value);
            return;
        }
    sv_push(&ctx_keys, xstrdup(name));
    sv_push(&ctx_vals, xstrdup(value));
}

static char *git_out(const char *args)
{
    char *cmd = xasprintf("git %s 2>/dev/null", args);
    FILE *f = popen(cmd, "r");
    free(cmd);
    if (!f)
        return NULL;
    char buf[512];
    char *res = NULL;
    if (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (*buf)
            res = xstrdup(buf);
    }
    if (pclose(f) != 0) {
        free(res);
        res = NULL;
    }
    return res;
}

/* Branch or commit of the repository: read from .git when possible (no
 * process start), else from git itself. */
static char *git_head(int want_branch)
{
    /* one look at .git answers both names */
    static int rc = 2; /* not read yet */
    static char *branch, *commit;
    if (rc == 2)
        rc = gitref_head(&branch, &commit);
    if (rc == 1)
        return NULL;
    if (rc != 0)
        return git_out(want_branch ? "rev-parse --abbrev-ref HEAD" : "rev-parse HEAD");
    return xstrdup(want_branch ? branch : commit);
}

static const char *env_first(const char *const *names)
{
    for (; *names; names++) {
        const char *v = getenv(*names);
        if (v && *v)
            return v;
    }
    return NULL;
}

static char *compute(const char *name)
{
    if (strcmp(name, "branch") == 0) {
        static const char *const vars[] = {"BRANCH_NAME", "GITHUB_HEAD_REF", "GITHUB_REF_NAME",
                                           "GIT_BRANCH", NULL};
        const char *v = env_first(vars);
        if (v) {
            if (strncmp(v, "origin/", 7) == 0)
                v += 7;
            return xstrdup(v);
        }
        return git_head(1);
    }
    if (strcmp(name, "commit") == 0) {
        static const char *const vars[] = {"GIT_COMMIT", "GITHUB_SHA", NULL};
        const char *v = env_first(vars);
        return v ? xstrdup(v) : git_head(0);
    }
    if (strcmp(name, "tag") == 0) {
        const char *v = getenv("TAG_NAME");
        if (v && *v)
            return xstrdup(v);
        const char *ref = getenv("GITHUB_REF");
        if (ref && strncmp(ref, "refs/tags/", 10) == 0)
            return xstrdup(ref + 10);
        return xstrdup("");
    }
    if (strcmp(name, "event") == 0) {
        if (getenv("CHANGE_ID") && *getenv("CHANGE_ID"))
            return xstrdup("pull_request");
        if (getenv("TAG_NAME") && *getenv("TAG_NAME"))
            return xstrdup("tag");
        const char *gh = getenv("GITHUB_EVENT_NAME");
        if (gh && *gh) {
            const char *ref = getenv("GITHUB_REF");
            if (ref && strncmp(ref, "refs/tags/", 10) == 0)
                return xstrdup("tag");
            if (strcmp(gh, "pull_request") == 0 || strcmp(gh, "pull_request_target") == 0)
                return xstrdup("pull_request");
            if (strcmp(gh, "workflow_dispatch") == 0)
                return xstrdup("manual");
            return xstrdup("push");
        }
        if (getenv("JENKINS_URL") || getenv("BUILD_NUMBER"))
            return xstrdup("push");
        return xstrdup("manual");
    }
    if (strcmp(name, "build_number") == 0) {
        static const char *const vars[] = {"BUILD_NUMBER", "GITHUB_RUN_NUMBER", NULL};
        const char *v = env_first(vars);
        return xstrdup(v ? v : "0");
    }
    return NULL;
}

const char *context_get(const char *name)
{
    for (size_t i = 0; i < ctx_keys.n; i++)
        if (strcmp(ctx_keys.v[i], name) == 0)
            return ctx_vals.v[i];
    static const char *const known[] = {"branch", "commit", "tag", "event", "build_number"};
    char *v = NULL;
    for (size_t i = 0; i < S2N_ARRAY_LEN(known) && !v; i++)
        if (strcmp(known[i], name) == 0)
            v = compute(name), v = v ? v : xstrdup("");
    /* change_id, change_target, previous_commit, build_url, job_name, ci */
    if (!v)
        v = ctxvars_compute(name);
    if (!v)
        return NULL;
    context_set(name, v);
    free(v);
    return context_get(name);
}
