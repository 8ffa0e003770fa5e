/* Profiles, environment precedence and --set on the value tree. */
#include "config.h"
#include "core/profile.h"
#include "tests/policy/unit.h"

#include <stdlib.h>
#include <string.h>

static const char PIPE[] = "version: 1\n"
                           "env: {INDEX: local, PATH: '${PATH}:/opt', LEVEL: pipeline}\n"
                           "profiles:\n"
                           "  dev: {env: {INDEX: testpypi}}\n"
                           "  prod:\n"
                           "    env: {INDEX: pypi}\n"
                           "    stages:\n"
                           "      - {name: publish, with: {skip_existing: false}}\n"
                           "      - {name: sign, type: command, needs: [build], with: {run: gpg}}\n"
                           "stages:\n"
                           "  - {name: build, type: build}\n"
                           "  - {name: publish, type: twine, with: {repository: '${INDEX}', "
                           "skip_existing: true}}\n";

static const char *str_at(s2n_value *root, const char *a, const char *b)
{
    s2n_value *v = value_get(value_get(root, a), b);
    return v && v->kind == S2N_KIND_STRING ? v->str : NULL;
}

static s2n_value *stage(s2n_value *root, const char *name)
{
    s2n_value *st = value_get(root, "stages");
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(value_get(st->items[i], "name")->str, name) == 0)
            return st->items[i];
    return NULL;
}

static void test_inline(void)
{
    s2n_value *root = yaml(PIPE);
    diag d = {0};
    CU_ASSERT_EQUAL(profile_apply(root, "/nonexistent/s2nbuild.yml", "prod", &d), 0);
    CU_ASSERT_EQUAL(d.nerrors, 0);
    CU_ASSERT_STRING_EQUAL(str_at(root, "env", "INDEX"), "pypi");
    CU_ASSERT_STRING_EQUAL(str_at(root, "env", "LEVEL"), "pipeline");
    s2n_value *pub = stage(root, "publish");
    CU_ASSERT_STRING_EQUAL(value_get(value_get(pub, "with"), "skip_existing")->str, "false");
    CU_ASSERT_STRING_EQUAL(value_get(value_get(pub, "with"), "repository")->str, "${INDEX}");
    /* the changed value points at the profile */
    CU_ASSERT_STRING_EQUAL(value_where(value_get(value_get(pub, "with"), "skip_existing")), "t.yml:8:47");
    s2n_value *sign = stage(root, "sign");
    CU_ASSERT_PTR_NOT_NULL(sign);
    CU_ASSERT_EQUAL(value_get(root, "stages")->n, 3);
    diag_free(&d);
    value_free(root);
}

static void test_overlay_file_and_errors(void)
{
    char *dir = temp_dir();
    char *pipe = path_join(dir, "s2nbuild.yml");
    write_text(pipe, "version: 1\nstages: [{name: build, type: build}]\n");
    char *dev = path_join(dir, "dev.yml");
    write_text(dev, "env: {INDEX: devpi}\nstages:\n  buidl: {with: {x: 1}}\nenvv: {}\n");
    s2n_value *root = yaml("version: 1\nenv: {INDEX: local}\nstages: [{name: build, type: build}]\n");
    diag d = {0};
    CU_ASSERT_EQUAL(profile_apply(root, pipe, "dev", &d), -1);
    CU_ASSERT_STRING_EQUAL(str_at(root, "env", "INDEX"), "devpi");
    char *where = xasprintf("%s:1:14", dev);
    CU_ASSERT_STRING_EQUAL(value_where(value_get(value_get(root, "env"), "INDEX")), where);
    free(where);
    CU_ASSERT(diag_has(&d, "dev.yml:3:3: profile (give a type: to add a new stage): no stage named "
                           "'buidl' in the pipeline (did you mean 'build'?)"));
    CU_ASSERT(diag_has(&d, "dev.yml:4:1: unknown key 'envv' in profile file"));
    CU_ASSERT(diag_has(&d, "(did you mean 'env'?)"));
    diag_free(&d);
    /* unknown profile: did you mean */
    CU_ASSERT_EQUAL(profile_apply(root, pipe, "deb", &d), -1);
    CU_ASSERT(diag_has(&d, "no profile 'deb' (did you mean 'dev'?)"));
    diag_free(&d);
    CU_ASSERT_EQUAL(profile_apply(root, pipe, "qa", &d), -1);
    CU_ASSERT(diag_has(&d, "no profile 'qa': not under profiles: and no"));
    diag_free(&d);
    /* both inline and a file: ambiguous */
    s2n_value *both = yaml("version: 1\nprofiles: {dev: {env: {A: b}}}\nstages: []\n");
    CU_ASSERT_EQUAL(profile_apply(both, pipe, "dev", &d), -1);
    CU_ASSERT(diag_has(&d, "t.yml:2:12: profile 'dev' is defined here and in"));
    diag_free(&d);
    value_free(both);
    value_free(root);
    free(pipe), free(dev), free(dir);
}

static void test_precedence(void)
{
    s2n_value *root = yaml(PIPE);
    diag d = {0};
    strvec sets = {0};
    sv_push(&sets, xstrdup("env.LEVEL=cli"));
    sv_push(&sets, xstrdup("stages.publish.with.repository=cli-index"));
    setenv("INDEX", "from-environment", 1);
    setenv("LEVEL", "from-environment", 1);
    setenv("PATH", getenv("PATH"), 1);
    CU_ASSERT_EQUAL(profile_prepare(root, "/nonexistent/s2nbuild.yml", "dev", &sets, &d), 0);
    /* profile < environment < command line */
    CU_ASSERT_STRING_EQUAL(str_at(root, "env", "INDEX"), "from-environment");
    CU_ASSERT_STRING_EQUAL(str_at(root, "env", "LEVEL"), "cli");
    /* a value that extends the environment's own stays */
    CU_ASSERT_STRING_EQUAL(str_at(root, "env", "PATH"), "${PATH}:/opt");
    CU_ASSERT_STRING_EQUAL(value_get(value_get(stage(root, "publish"), "with"), "repository")->str,
                           "cli-index");
    sv_free(&sets);
    /* --set errors */
    CU_ASSERT_EQUAL(profile_set(root, "stages.pubish.with.x=1", &d), -1);
    CU_ASSERT(diag_has(&d, "--set stages.pubish.with.x=1: no stage named 'pubish' in the pipeline "
                           "(did you mean 'publish'?)"));
    CU_ASSERT_EQUAL(profile_set(root, "novalue", &d), -1);
    CU_ASSERT(diag_has(&d, "--set novalue: expected KEY=VALUE"));
    CU_ASSERT_EQUAL(profile_set(root, "env.INDEX.x=1", &d), -1);
    CU_ASSERT(diag_has(&d, "'INDEX' is not a mapping"));
    CU_ASSERT_EQUAL(profile_set(root, "stages.publish=1", &d), -1);
    diag_free(&d);
    unsetenv("INDEX");
    unsetenv("LEVEL");
    value_free(root);
}

void add_profile_tests(void)
{
    CU_pSuite s = CU_add_suite("profile", NULL, NULL);
    CU_add_test(s, "inline profile merges env and stages", test_inline);
    CU_add_test(s, "overlay file, errors, did you mean", test_overlay_file_and_errors);
    CU_add_test(s, "precedence: profile < environment < command line", test_precedence);
}
