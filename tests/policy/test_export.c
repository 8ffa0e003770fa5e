/* Export details the golden files do not show: quoting, job ids, file
 * secrets, tag and manual conditions, unknown formats. */
#include "config.h"
#include "core/export.h"
#include "core/secrets.h"
#include "tests/policy/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *export_of(const char *yml, const char *format, int *rc)
{
    char *dir = temp_dir();
    char *file = path_join(dir, "s2nbuild.yml");
    write_text(file, yml);
    pipeline p;
    diag d = {0};
    CU_ASSERT_EQUAL_FATAL(pipeline_load(&p, file, &d), 0);
    /* only config.c's complaint about secret entries (before the wiring) */
    for (size_t i = 0; i < d.n; i++)
        CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(d.msgs[i], "secrets: expected a string"));
    secret_set s;
    secrets_parse(value_get(p.root, "secrets"), p.workspace, &s, &d);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    char *err = NULL;
    *rc = export_pipeline(&p, &s, format, f, &err);
    fclose(f);
    if (err) {
        free(buf);
        buf = err;
    }
    secret_set_free(&s);
    pipeline_free(&p);
    diag_free(&d);
    free(file), free(dir);
    return buf;
}

static const char YML[] = "version: 1\n"
                          "secrets: [{name: GH, file: '${GH_FILE}', credential: gh-cred}, {name: PW, file: /x}]\n"
                          "stages:\n"
                          "  - {name: 1.x, type: command, when: {tag: 'v*', event: manual}}\n"
                          "  - {name: b, type: command, needs: [1.x], when: {branch: \"it's*\"}}\n"
                          "  - {name: c, type: command, when: {branch: 'r?le*x'}}\n";

static void test_jenkins_details(void)
{
    int rc;
    char *j = export_of(YML, "jenkinsfile", &rc);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "stage('1.x') {"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "branch 'it\\'s*'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "tag pattern: 'v*', comparator: 'GLOB'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "triggeredBy 'UserIdCause'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "file(credentialsId: 'gh-cred', variable: 'GH_FILE')"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "file(credentialsId: 'PW', variable: 'PW_FILE')"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "sh 's2nbuild run --only b'"));
    free(j);
}

static void test_actions_details(void)
{
    int rc;
    char *y = export_of(YML, "github-actions", &rc);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(y, "  s_1_x:\n    name: '1.x'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(y, "needs: [s_1_x]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(y, "startsWith((github.head_ref || github.ref_name), ''it''''s'')"));
    CU_ASSERT_PTR_NOT_NULL(strstr(y, "startsWith(github.ref, ''refs/tags/v'')"));
    CU_ASSERT_PTR_NOT_NULL(strstr(y, "github.event_name == ''workflow_dispatch''"));
    /* a glob Actions cannot express is left to s2nbuild */
    CU_ASSERT_PTR_NOT_NULL(strstr(y, "# when: branch -- decided by s2nbuild itself"));
    free(y);
    char *e = export_of(YML, "gitlab", &rc);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_STRING_EQUAL(e, "export gitlab: unknown format; one of jenkinsfile, github-actions");
    free(e);
    e = export_of(YML, "github", &rc);
    CU_ASSERT_STRING_EQUAL(e, "export github: unknown format (did you mean 'github-actions'?)");
    free(e);
}

void add_export_tests(void)
{
    CU_pSuite s = CU_add_suite("export", NULL, NULL);
    CU_add_test(s, "jenkinsfile: quoting, tag/manual, file credentials", test_jenkins_details);
    CU_add_test(s, "github-actions: job ids, if:, unknown formats", test_actions_details);
}
