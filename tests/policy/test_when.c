/* pathglob, when_check and when_decide against fixed facts. */
#include "config.h"
#include "core/ctxvars.h"
#include "core/pathglob.h"
#include "core/when.h"
#include "tests/policy/unit.h"

#include <stdlib.h>
#include <string.h>

static void test_glob(void)
{
    CU_ASSERT(pathglob_match("main", "main"));
    CU_ASSERT(!pathglob_match("main", "mainline"));
    CU_ASSERT(pathglob_match("release/*", "release/1.2"));
    CU_ASSERT(!pathglob_match("release/*", "release/1.2/hotfix"));
    CU_ASSERT(pathglob_match("release/**", "release/1.2/hotfix"));
    CU_ASSERT(pathglob_match("v[0-9]*", "v1.2.3"));
    CU_ASSERT(!pathglob_match("v[0-9]*", "vx"));
    CU_ASSERT(pathglob_match("**/*.py", "a.py"));
    CU_ASSERT(pathglob_match("**/*.py", "core/pkg/a.py"));
    CU_ASSERT(!pathglob_match("**/*.py", "core/pkg/a.pyc"));
    CU_ASSERT(pathglob_match("core/**/test_*.py", "core/tests/test_x.py"));
    CU_ASSERT(pathglob_match("core/**/test_*.py", "core/test_x.py"));
    CU_ASSERT(pathglob_match("./core/*", "core/a"));
    /* a directory pattern takes everything under it */
    CU_ASSERT(pathglob_match_path("core", "core/pkg/a.py"));
    CU_ASSERT(pathglob_match_path("core/", "core/pkg/a.py"));
    CU_ASSERT(pathglob_match_path("core/**", "core/pkg/a.py"));
    CU_ASSERT(!pathglob_match_path("core", "docs/core.txt"));
    CU_ASSERT(!pathglob_match_path("cor", "core/a"));
    CU_ASSERT_PTR_NULL(pathglob_check("core/**"));
    CU_ASSERT_PTR_NOT_NULL(pathglob_check("v[0-9"));
    CU_ASSERT_PTR_NOT_NULL(pathglob_check("a/***"));
    CU_ASSERT_PTR_NOT_NULL(pathglob_check(""));
}

static void test_check_errors(void)
{
    s2n_value *w = yaml("when:\n"
                        "  brnch: main\n"
                        "  event: [push, pr, deploy]\n"
                        "  tag: 'v[0-9'\n"
                        "  changes: {a: b}\n"
                        "  env: {DEPLOY: [1]}\n");
    diag d = {0};
    when_check(value_get(w, "when"), &d);
    CU_ASSERT(diag_has(&d, "t.yml:2:3: unknown condition 'brnch' in when (did you mean 'branch'?)"));
    CU_ASSERT(diag_has(&d, "t.yml:3:17: when.event: unknown event 'pr' (did you mean 'pull_request'?)"));
    CU_ASSERT(diag_has(&d, "t.yml:3:21: when.event: unknown event 'deploy'; one of push"));
    CU_ASSERT(diag_has(&d, "t.yml:4:8: when.tag: bad pattern 'v[0-9': '[' without a closing ']'"));
    CU_ASSERT(diag_has(&d, "t.yml:5:12: when.changes: expected a string or a non-empty list"));
    CU_ASSERT(diag_has(&d, "t.yml:6:17: when.env.DEPLOY: expected a string value"));
    CU_ASSERT_EQUAL(d.nerrors, 6);
    diag_free(&d);
    value_free(w);

    /* not a mapping: config.c reports that, not a second time here */
    w = yaml("when: [main]\n");
    when_check(value_get(w, "when"), &d);
    CU_ASSERT_EQUAL(d.n, 0);
    diag_free(&d);
    value_free(w);

    w = yaml("when: {branch: [main, 'release/*'], event: pull_request, changes: core/**, "
             "env: {A: 'x'}}\n");
    when_check(value_get(w, "when"), &d);
    CU_ASSERT_EQUAL(d.nerrors, 0);
    diag_free(&d);
    value_free(w);

    w = yaml("when: {branch: }\n");
    when_check(value_get(w, "when"), &d);
    CU_ASSERT(diag_has(&d, "when.branch: a value is required"));
    diag_free(&d);
    value_free(w);
}

/* Fixed facts for decisions. */
typedef struct facts {
    const char *branch, *event, *tag;
    const char *env_name, *env_value;
    changeset cs;
    int changes_asked;
} facts;

static const char *f_context(void *c, const char *name)
{
    facts *f = c;
    return strcmp(name, "branch") == 0 ? f->branch
           : strcmp(name, "event") == 0 ? f->event
           : strcmp(name, "tag") == 0   ? f->tag
                                        : NULL;
}

static const char *f_getenv(void *c, const char *name)
{
    facts *f = c;
    return f->env_name && strcmp(name, f->env_name) == 0 ? f->env_value : NULL;
}

static const changeset *f_changes(void *c)
{
    facts *f = c;
    f->changes_asked++;
    return &f->cs;
}

static int decide(const char *text, facts *f, char **reason)
{
    s2n_value *w = yaml(text);
    when_source src = {f_context, f_getenv, f_changes, f};
    int r = when_decide(value_get(w, "when"), &src, reason);
    value_free(w);
    return r;
}

static void test_decide(void)
{
    facts f = {.branch = "main", .event = "push", .tag = ""};
    char *why = NULL;
    CU_ASSERT_EQUAL(decide("when: {branch: main}\n", &f, &why), WHEN_RUN);
    CU_ASSERT_STRING_EQUAL(why, "branch is 'main'");
    free(why);
    CU_ASSERT_EQUAL(decide("when: {branch: [dev, 'release/*']}\n", &f, &why), WHEN_SKIP);
    CU_ASSERT_STRING_EQUAL(why, "branch 'main' does not match dev, release/*");
    free(why);
    f.branch = "release/1.4";
    CU_ASSERT_EQUAL(decide("when: {branch: [dev, 'release/*']}\n", &f, &why), WHEN_RUN);
    CU_ASSERT_STRING_EQUAL(why, "branch 'release/1.4' matches 'release/*'");
    free(why);
    CU_ASSERT_EQUAL(decide("when: {event: [pull_request, tag]}\n", &f, &why), WHEN_SKIP);
    CU_ASSERT_STRING_EQUAL(why, "event is push, not pull_request or tag");
    free(why);
    CU_ASSERT_EQUAL(decide("when: {tag: 'v*'}\n", &f, &why), WHEN_SKIP);
    CU_ASSERT_STRING_EQUAL(why, "not building a tag (wanted v*)");
    free(why);
    f.tag = "v1.2.0";
    f.event = "tag";
    CU_ASSERT_EQUAL(decide("when: {tag: 'v*', event: tag}\n", &f, &why), WHEN_RUN);
    CU_ASSERT_STRING_EQUAL(why, "event is tag; tag 'v1.2.0' matches 'v*'");
    free(why);
    /* env: equality, and the value is never echoed */
    f.env_name = "DEPLOY";
    f.env_value = "s3cr3t-value";
    CU_ASSERT_EQUAL(decide("when: {env: {DEPLOY: 'yes'}}\n", &f, &why), WHEN_SKIP);
    CU_ASSERT_STRING_EQUAL(why, "DEPLOY is not 'yes'");
    CU_ASSERT_PTR_NULL(strstr(why, "s3cr3t"));
    free(why);
    CU_ASSERT_EQUAL(decide("when: {env: {OTHER: 'yes'}}\n", &f, &why), WHEN_SKIP);
    CU_ASSERT_STRING_EQUAL(why, "OTHER is not set (wanted 'yes')");
    free(why);
    f.env_value = "yes";
    CU_ASSERT_EQUAL(decide("when: {env: {DEPLOY: 'yes'}}\n", &f, &why), WHEN_RUN);
    free(why);
    /* no conditions */
    CU_ASSERT_EQUAL(decide("when:\n", &f, &why), WHEN_RUN);
    CU_ASSERT_STRING_EQUAL(why, "no conditions");
    free(why);
    CU_ASSERT_EQUAL(f.changes_asked, 0);
}

static void test_decide_changes(void)
{
    facts f = {.branch = "main", .event = "push", .tag = ""};
    f.cs.base = xstrdup("0123456789abcdef");
    f.cs.how = xstrdup("GIT_PREVIOUS_SUCCESSFUL_COMMIT 0123456789ab");
    sv_push(&f.cs.files, xstrdup("README.md"));
    sv_push(&f.cs.files, xstrdup("core/pkg/a.py"));
    char *why = NULL;
    CU_ASSERT_EQUAL(decide("when: {changes: ['core/**']}\n", &f, &why), WHEN_RUN);
    CU_ASSERT_STRING_EQUAL(why, "core/pkg/a.py changed since GIT_PREVIOUS_SUCCESSFUL_COMMIT 0123456789ab");
    free(why);
    CU_ASSERT_EQUAL(decide("when: {changes: [docs, 'tools/*.sh']}\n", &f, &why), WHEN_SKIP);
    CU_ASSERT_STRING_EQUAL(why, "nothing under docs, tools/*.sh changed since "
                                "GIT_PREVIOUS_SUCCESSFUL_COMMIT 0123456789ab (2 other files changed)");
    free(why);
    /* a failing cheap condition never asks for the changes (no git) */
    int asked = f.changes_asked;
    CU_ASSERT_EQUAL(decide("when: {changes: core, branch: dev}\n", &f, &why), WHEN_SKIP);
    CU_ASSERT_EQUAL(f.changes_asked, asked);
    free(why);
    /* no base: run, and say so */
    changeset_free(&f.cs);
    f.cs.all = 1;
    f.cs.how = xstrdup("no base to compare with (first build)");
    CU_ASSERT_EQUAL(decide("when: {changes: docs}\n", &f, &why), WHEN_RUN);
    CU_ASSERT_STRING_EQUAL(why, "everything counts as changed: no base to compare with (first build)");
    free(why);
    changeset_free(&f.cs);
}

static void test_ctxvars(void)
{
    char *err = NULL;
    CU_ASSERT_EQUAL(ctxvars_override("event", "pr", &err), -1);
    CU_ASSERT_STRING_EQUAL(err, "--event pr: unknown event (did you mean 'pull_request'?)");
    free(err);
    CU_ASSERT_EQUAL(ctxvars_override("event", "tag", &err), 0);
    CU_ASSERT_STRING_EQUAL(context_get("event"), "tag");
    CU_ASSERT_EQUAL(ctxvars_override("branch", "feature/x", &err), 0);
    CU_ASSERT_STRING_EQUAL(ctxvars_get("branch"), "feature/x");
    setenv("CHANGE_TARGET", "main", 1);
    setenv("GIT_PREVIOUS_SUCCESSFUL_COMMIT", "abc", 1);
    setenv("GITHUB_REF", "refs/pull/42/merge", 1);
    CU_ASSERT_STRING_EQUAL(ctxvars_get("change_target"), "main");
    CU_ASSERT_STRING_EQUAL(ctxvars_get("previous_commit"), "abc");
    CU_ASSERT_STRING_EQUAL(ctxvars_get("change_id"), "42");
    CU_ASSERT_PTR_NULL(ctxvars_get("no_such_name"));
    unsetenv("CHANGE_TARGET");
    unsetenv("GIT_PREVIOUS_SUCCESSFUL_COMMIT");
    unsetenv("GITHUB_REF");
    /* GitHub Actions spellings, computed afresh */
    setenv("GITHUB_BASE_REF", "develop", 1);
    setenv("GITHUB_ACTIONS", "true", 1);
    setenv("GITHUB_SERVER_URL", "https://github.example", 1);
    setenv("GITHUB_REPOSITORY", "o/r", 1);
    setenv("GITHUB_RUN_ID", "77", 1);
    unsetenv("JENKINS_URL");
    unsetenv("JENKINS_HOME");
    unsetenv("BUILD_URL");
    char *v = ctxvars_compute("change_target");
    CU_ASSERT_STRING_EQUAL(v, "develop");
    free(v);
    v = ctxvars_compute("ci");
    CU_ASSERT_STRING_EQUAL(v, "github-actions");
    free(v);
    v = ctxvars_compute("build_url");
    CU_ASSERT_STRING_EQUAL(v, "https://github.example/o/r/actions/runs/77");
    free(v);
    setenv("JENKINS_URL", "http://jenkins.invalid/", 1);
    v = ctxvars_compute("ci");
    CU_ASSERT_STRING_EQUAL(v, "jenkins");
    free(v);
    CU_ASSERT_PTR_NULL(ctxvars_compute("branch")); /* context.c's own */
    unsetenv("JENKINS_URL");
    unsetenv("GITHUB_BASE_REF");
    unsetenv("GITHUB_ACTIONS");
    unsetenv("GITHUB_SERVER_URL");
    unsetenv("GITHUB_REPOSITORY");
    unsetenv("GITHUB_RUN_ID");
}

/* The real facts: context (with the overrides above) and git, once. */
static void test_real_source(void)
{
    char *dir = temp_dir();
    CU_ASSERT_EQUAL_FATAL(sh(dir, "git init -q -b main . && echo a > a.txt && git add -A && "
                                  "git commit -qm one"), 0);
    when_source *src = when_source_new(dir, NULL);
    CU_ASSERT_PTR_NULL(when_source_changes(src));
    s2n_value *w = yaml("when: {branch: 'feature/*', changes: a.txt}\n");
    char *why = NULL;
    /* branch was set to feature/x by the override test */
    CU_ASSERT_EQUAL(when_decide(value_get(w, "when"), src, &why), WHEN_RUN);
    /* previous_commit was computed as "abc" above: not in this clone */
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "everything counts as changed: GIT_PREVIOUS_SUCCESSFUL_COMMIT "
                                       "abc is not in this clone"));
    free(why);
    CU_ASSERT_PTR_NOT_NULL(when_source_changes(src));
    CU_ASSERT(when_source_changes(src)->all);
    value_free(w);
    when_source_free(src);
    free(dir);
}

void add_glob_when_tests(void)
{
    CU_pSuite s = CU_add_suite("when", NULL, NULL);
    CU_add_test(s, "globs", test_glob);
    CU_add_test(s, "check: errors at file:line:col", test_check_errors);
    CU_add_test(s, "decide: branch, event, tag, env", test_decide);
    CU_add_test(s, "decide: changes", test_decide_changes);
    CU_add_test(s, "context overrides and extra names", test_ctxvars);
    CU_add_test(s, "real facts: context and git", test_real_source);
}
