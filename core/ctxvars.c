#include "config.h"
#include "core/ctxvars.h"
#include "core/diag.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

const char *const ctxvars_events[] = {"push", "pull_request", "tag", "manual", NULL};

int ctxvars_event_valid(const char *event)
{
    for (size_t i = 0; ctxvars_events[i]; i++)
        if (event && strcmp(event, ctxvars_events[i]) == 0)
            return 1;
    return 0;
}

const char *ctxvars_event_suggest(const char *v)
{
    static const char *const aliases[][2] = {
        {"pr", "pull_request"},           {"pull-request", "pull_request"},
        {"pullrequest", "pull_request"},  {"merge_request", "pull_request"},
        {"change_request", "pull_request"}, {"changeRequest", "pull_request"},
        {"tags", "tag"},                  {"release", "tag"},
        {"workflow_dispatch", "manual"},  {"dispatch", "manual"},
        {"local", "manual"},              {"commit", "push"},
    };
    for (size_t i = 0; i < S2N_ARRAY_LEN(aliases); i++)
        if (strcmp(v, aliases[i][0]) == 0)
            return aliases[i][1];
    return diag_suggest(v, ctxvars_events, 4);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static char *dup_or_empty(const char *v)
{
    return xstrdup(v ? v : "");
}

char *ctxvars_compute(const char *name)
{
    if (strcmp(name, "change_id") == 0) {
        if (env("CHANGE_ID"))
            return xstrdup(env("CHANGE_ID"));
        /* refs/pull/12/merge */
        const char *ref = env("GITHUB_REF");
        if (ref && strncmp(ref, "refs/pull/", 10) == 0) {
            const char *e = strchr(ref + 10, '/');
            return e ? xstrndup(ref + 10, (size_t)(e - ref - 10)) : xstrdup(ref + 10);
        }
        return xstrdup("");
    }
    if (strcmp(name, "change_target") == 0)
        return dup_or_empty(env("CHANGE_TARGET") ? env("CHANGE_TARGET") : env("GITHUB_BASE_REF"));
    if (strcmp(name, "previous_commit") == 0)
        return dup_or_empty(env("GIT_PREVIOUS_SUCCESSFUL_COMMIT"));
    if (strcmp(name, "build_url") == 0) {
        if (env("BUILD_URL"))
            return xstrdup(env("BUILD_URL"));
        if (env("GITHUB_SERVER_URL") && env("GITHUB_REPOSITORY") && env("GITHUB_RUN_ID"))
            return xasprintf("%s/%s/actions/runs/%s", env("GITHUB_SERVER_URL"),
                             env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID"));
        return xstrdup("");
    }
    if (strcmp(name, "job_name") == 0)
        return dup_or_empty(env("JOB_NAME") ? env("JOB_NAME") : env("GITHUB_WORKFLOW"));
    if (strcmp(name, "ci") == 0) {
        if (env("JENKINS_URL") || env("JENKINS_HOME") || (env("BUILD_NUMBER") && env("JOB_NAME")))
            return xstrdup("jenkins");
        if (env("GITHUB_ACTIONS"))
            return xstrdup("github-actions");
        return xstrdup("local");
    }
    return NULL;
}

const char *ctxvars_get(const char *name)
{
    const char *v = context_get(name);
    if (v)
        return v;
    char *c = ctxvars_compute(name);
    if (!c)
        return NULL;
    context_set(name, c);
    free(c);
    return context_get(name);
}

int ctxvars_override(const char *name, const char *value, char **err)
{
    if (!value || !*value) {
        *err = xasprintf("--%s: expected a non-empty value", name);
        return -1;
    }
    if (strcmp(name, "event") == 0 && !ctxvars_event_valid(value)) {
        const char *s = ctxvars_event_suggest(value);
        *err = s ? xasprintf("--event %s: unknown event (did you mean '%s'?)", value, s)
                 : xasprintf("--event %s: unknown event; one of push, pull_request, tag, manual",
                             value);
        return -1;
    }
    context_set(name, value);
    return 0;
}
