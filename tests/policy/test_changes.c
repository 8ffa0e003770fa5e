/* Change detection against real git repositories made here. */
#include "config.h"
#include "core/changes.h"
#include "tests/policy/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *rev(const char *dir, const char *what)
{
    char *cmd = xasprintf("git -C '%s' rev-parse %s", dir, what);
    FILE *f = popen(cmd, "r");
    free(cmd);
    char buf[128] = "";
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    pclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return xstrdup(buf);
}

/* A repo: commit A (core/a.py, docs/index.rst), B (core/a.py changed). */
static char *make_repo(char **a, char **b)
{
    char *dir = temp_dir();
    CU_ASSERT_EQUAL_FATAL(sh(dir, "git init -q -b main . && mkdir core docs && echo 1 > core/a.py "
                                  "&& echo doc > docs/index.rst && echo '.s2nbuild/' > .gitignore "
                                  "&& git add -A && git commit -qm A"), 0);
    *a = rev(dir, "HEAD");
    CU_ASSERT_EQUAL_FATAL(sh(dir, "echo 2 > core/a.py && git commit -qam B"), 0);
    *b = rev(dir, "HEAD");
    return dir;
}

static void test_previous_commit(void)
{
    char *a, *b;
    char *dir = make_repo(&a, &b);
    changeset cs;
    change_inputs in = {.dir = dir, .event = "push", .previous_commit = a};
    changes_detect(&in, &cs);
    CU_ASSERT_FALSE(cs.all);
    CU_ASSERT_STRING_EQUAL(cs.base, a);
    CU_ASSERT_EQUAL(cs.files.n, 1);
    CU_ASSERT_STRING_EQUAL(cs.files.v[0], "core/a.py");
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "GIT_PREVIOUS_SUCCESSFUL_COMMIT"));
    const char *globs[] = {"core/**"}, *docs[] = {"docs"}, *first = NULL;
    CU_ASSERT(changes_match(&cs, globs, 1, &first));
    CU_ASSERT_STRING_EQUAL(first, "core/a.py");
    CU_ASSERT_FALSE(changes_match(&cs, docs, 1, &first));
    changeset_free(&cs);

    /* the same commit: nothing changed */
    in.previous_commit = b;
    changes_detect(&in, &cs);
    CU_ASSERT_FALSE(cs.all);
    CU_ASSERT_EQUAL(cs.files.n, 0);
    changeset_free(&cs);

    /* uncommitted edits and new files count; s2nbuild's own state not */
    CU_ASSERT_EQUAL(sh(dir, "echo x >> docs/index.rst && echo n > core/new.py && mkdir -p "
                            ".s2nbuild/runs && echo s > .s2nbuild/runs/x"), 0);
    changes_detect(&in, &cs);
    CU_ASSERT_EQUAL(cs.files.n, 2);
    CU_ASSERT(sv_contains(&cs.files, "docs/index.rst"));
    CU_ASSERT(sv_contains(&cs.files, "core/new.py"));
    changeset_free(&cs);

    /* seen from a package folder: its paths, and only its own */
    char *core = path_join(dir, "core");
    in.dir = core;
    in.previous_commit = a;
    changes_detect(&in, &cs);
    CU_ASSERT_EQUAL(cs.files.n, 2);
    CU_ASSERT(sv_contains(&cs.files, "a.py"));
    CU_ASSERT(sv_contains(&cs.files, "new.py"));
    changeset_free(&cs);
    free(core);

    /* a base the clone does not have */
    in.dir = dir;
    in.previous_commit = "0123456789abcdef0123456789abcdef01234567";
    changes_detect(&in, &cs);
    CU_ASSERT(cs.all);
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "is not in this clone"));
    CU_ASSERT(changes_match(&cs, docs, 1, &first));
    changeset_free(&cs);
    free(a), free(b), free(dir);
}

static void test_pull_request(void)
{
    char *a, *b;
    char *dir = make_repo(&a, &b);
    /* feature branches off A, touches docs; main went on to B */
    CU_ASSERT_EQUAL_FATAL(sh(dir, "git checkout -q -b feature %s && echo more >> docs/index.rst && "
                                  "git commit -qam C", a), 0);
    changeset cs;
    change_inputs in = {.dir = dir, .event = "pull_request", .change_target = "main",
                        .previous_commit = b /* ignored for a PR */};
    changes_detect(&in, &cs);
    CU_ASSERT_FALSE(cs.all);
    CU_ASSERT_STRING_EQUAL(cs.base, a);
    CU_ASSERT_EQUAL(cs.files.n, 1);
    CU_ASSERT_STRING_EQUAL(cs.files.v[0], "docs/index.rst");
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "merge-base"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "with main"));
    changeset_free(&cs);
    in.change_target = "develop";
    changes_detect(&in, &cs);
    CU_ASSERT(cs.all);
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "pull request target 'develop' is not in this clone"));
    changeset_free(&cs);
    /* a target without common history (what a shallow clone looks like) */
    CU_ASSERT_EQUAL_FATAL(sh(dir, "git checkout -q --orphan lonely && git commit -qm L && "
                                  "git checkout -q feature"), 0);
    in.change_target = "lonely";
    changes_detect(&in, &cs);
    CU_ASSERT(cs.all);
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "have no common commit here (a shallow clone?"));
    changeset_free(&cs);
    free(a), free(b), free(dir);
}

static void write_record(const char *state, const char *id, const char *result, const char *commit,
                         const char *started)
{
    char *d = xasprintf("%s/runs/%s", state, id);
    CU_ASSERT_EQUAL_FATAL(mkdir_p(d, 0755), 0);
    char *p = xasprintf("%s/record.json", d);
    char *j = xasprintf("{\"format\":1,\"run_id\":\"%s\",\"result\":\"%s\",\"commit\":\"%s\","
                        "\"started\":\"%s\",\"stages\":[]}", id, result, commit, started);
    write_text(p, j);
    free(j), free(p), free(d);
}

static void test_last_green(void)
{
    char *a, *b;
    char *dir = make_repo(&a, &b);
    char *state = path_join(dir, ".s2nbuild");
    changeset cs;
    change_inputs in = {.dir = dir, .event = "push", .state_dir = state};
    /* first build: nothing recorded */
    changes_detect(&in, &cs);
    CU_ASSERT(cs.all);
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "no base to compare with"));
    changeset_free(&cs);
    write_record(state, "20260101-000000-1", "ok", a, "2026-01-01T00:00:00Z");
    write_record(state, "20260102-000000-2", "failed", b, "2026-01-02T00:00:00Z");
    char *id = NULL;
    char *c = changes_last_green_commit(state, &id);
    CU_ASSERT_STRING_EQUAL(c, a);
    CU_ASSERT_STRING_EQUAL(id, "20260101-000000-1");
    free(c), free(id);
    changes_detect(&in, &cs);
    CU_ASSERT_FALSE(cs.all);
    CU_ASSERT_STRING_EQUAL(cs.base, a);
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "last green run 20260101-000000-1"));
    CU_ASSERT_EQUAL(cs.files.n, 1);
    changeset_free(&cs);
    /* a newer green run wins */
    write_record(state, "20260103-000000-3", "ok", b, "2026-01-03T00:00:00Z");
    changes_detect(&in, &cs);
    CU_ASSERT_STRING_EQUAL(cs.base, b);
    CU_ASSERT_EQUAL(cs.files.n, 0);
    changeset_free(&cs);
    free(state), free(a), free(b), free(dir);
}

static void test_not_git(void)
{
    char *dir = temp_dir();
    changeset cs;
    change_inputs in = {.dir = dir, .event = "push", .previous_commit = "abc"};
    changes_detect(&in, &cs);
    CU_ASSERT(cs.all);
    CU_ASSERT_PTR_NOT_NULL(strstr(cs.how, "not in a git work tree"));
    changeset_free(&cs);
    free(dir);
}

void add_changes_tests(void)
{
    CU_pSuite s = CU_add_suite("changes", NULL, NULL);
    CU_add_test(s, "push: GIT_PREVIOUS_SUCCESSFUL_COMMIT", test_previous_commit);
    CU_add_test(s, "pull request: merge-base with the target", test_pull_request);
    CU_add_test(s, "last green run recorded", test_last_green);
    CU_add_test(s, "not a git work tree", test_not_git);
}
