/* CUnit runner of the policy modules (when, changes, secrets, profile,
 * cache, export, HTML report), each tested directly, without the CLI. */
#include "config.h"
#include "tests/policy/unit.h"

#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static strvec temps;

s2n_value *yaml(const char *text)
{
    char *err = NULL;
    s2n_value *v = yaml_load_buffer("t.yml", text, strlen(text), &err);
    if (!v)
        fprintf(stderr, "yaml: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    return v;
}

int diag_has(const diag *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->msgs[i], needle))
            return 1;
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  diag: %s\n", d->msgs[i]);
    return 0;
}

char *temp_dir(void)
{
    char tmpl[] = "/tmp/s2n-policy-XXXXXX";
    char *d = mkdtemp(tmpl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    sv_push(&temps, xstrdup(d));
    return xstrdup(d);
}

int sh(const char *dir, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = xvasprintf(fmt, ap);
    va_end(ap);
    char *full = xasprintf("cd '%s' && { %s ; } >/dev/null 2>&1", dir, cmd);
    int rc = system(full);
    free(cmd);
    free(full);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void write_text(const char *path, const char *text)
{
    CU_ASSERT_EQUAL_FATAL(write_file_atomic(path, text, strlen(text)), 0);
}

int main(void)
{
    /* git identities for the repositories the tests make */
    setenv("GIT_AUTHOR_NAME", "t", 1);
    setenv("GIT_AUTHOR_EMAIL", "t@example.invalid", 1);
    setenv("GIT_COMMITTER_NAME", "t", 1);
    setenv("GIT_COMMITTER_EMAIL", "t@example.invalid", 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("HOME", "/nonexistent-policy-home", 1);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 3;
    add_glob_when_tests();
    add_changes_tests();
    add_secrets_tests();
    add_profile_tests();
    add_cache_tests();
    add_export_tests();
    add_report_tests();
    add_resume_tests();
    add_schema_tests();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    for (size_t i = 0; i < temps.n; i++)
        if (!getenv("KEEP_TEMP"))
            rm_rf(temps.v[i]);
    sv_free(&temps);
    return failed || run == 0 ? 1 : 0;
}
