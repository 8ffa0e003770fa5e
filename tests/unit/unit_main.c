#include "config.h"
#include "tests/unit/unit.h"
#include "core/util.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/s2nunit.XXXXXX";

char *unit_temp_file(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 99;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 99;
    suite_yaml();
    suite_interp();
    suite_mask();
    suite_pipeline();
    suite_schema();
    suite_record();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned ran = CU_get_number_of_tests_run(), failed = CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    rm_rf(tmpdir);
    printf("%u passed, %u failed\n", ran - failed, failed);
    return failed ? 1 : 0;
}
