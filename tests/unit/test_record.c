#include "config.h"
#include "tests/unit/unit.h"
#include "core/run.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void record_and_junit(void)
{
    char *dir = unit_temp_file("placeholder", "");
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    char *rundir = xasprintf("%s/runs/r1", dir);
    mkdir_p(rundir, 0755);
    stage_def defs[2] = {{.name = "lint", .type = "command"}, {.name = "test", .type = "pytest"}};
    pipeline p = {.file = "s2nbuild.yml", .workspace = dir, .stages = defs, .nstages = 2};
    stage_run st[2] = {{.def = &defs[0], .selected = 1, .outcome = OUT_OK, .start = 1, .end = 2},
                       {.def = &defs[1], .selected = 1, .outcome = OUT_FAILED, .start = 2, .end = 5,
                        .message = "2 tests failed with hunter22-secret", .has_tests = 1,
                        .tests = {5, 2, 1, 0}}};
    run r = {.p = &p, .id = "r1", .dir = rundir, .st = st, .n = 2, .mask = mask_new(),
             .started_mono = 1, .finished_mono = 5, .exit_code = 1};
    mask_add(r.mask, "hunter22-secret");
    CU_ASSERT_EQUAL(record_write(&r), 0);
    char *rec = xasprintf("%s/record.json", rundir);
    json_error_t je;
    json_t *j = json_load_file(rec, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "result")), "failed");
    json_t *s1 = json_array_get(json_object_get(j, "stages"), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s1, "result")), "failed");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(s1, "tests"), "failed")), 2);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s1, "message")), "2 tests failed with ***");
    json_decref(j);
    char *junit_path = xasprintf("%s/junit.xml", rundir);
    char *junit = read_file(junit_path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(junit);
    CU_ASSERT(strstr(junit, "tests=\"2\" failures=\"1\"") != NULL);
    CU_ASSERT(strstr(junit, "hunter22") == NULL);
    char *latest = xasprintf("%s/runs/latest/record.json", dir);
    CU_ASSERT_EQUAL(access(latest, F_OK), 0);
    free(latest);
    free(junit);
    free(junit_path);
    free(rec);
    mask_free(r.mask);
    free(rundir);
    free(dir);
}

void suite_record(void)
{
    CU_pSuite s = CU_add_suite("record", NULL, NULL);
    CU_add_test(s, "record.json and junit.xml, masked", record_and_junit);
}
