#include "config.h"
#include "tests/unit/unit.h"
#include "core/interp.h"

#include <stdlib.h>
#include <string.h>

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "version") == 0)
        return "1.2.3";
    if (strcmp(name, "EMPTY") == 0)
        return "";
    return NULL;
}

static void expands(void)
{
    char *missing = NULL, *bad = NULL;
    char *s = interp_expand("v${version}-${EMPTY}x $$HOME ${NOPE:-d${version}}", lookup, NULL,
                            &missing, &bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s, "v1.2.3-x $HOME d1.2.3");
    free(s);
}

static void missing_is_reported(void)
{
    char *missing = NULL, *bad = NULL;
    char *s = interp_expand("a ${NOPE} b", lookup, NULL, &missing, &bad);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(missing, "NOPE");
    free(missing);
}

static void shell_forms_pass_through(void)
{
    char *missing = NULL, *bad = NULL;
    char *s = interp_expand("${x%%.py} ${#v} ${", lookup, NULL, &missing, &bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s, "${x%%.py} ${#v} ${");
    free(s);
}

static int nrefs;
static void count(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    nrefs++;
}

static void refs_without_defaults(void)
{
    nrefs = 0;
    interp_refs("${a} ${b:-x} $${c} ${d}", count, NULL);
    CU_ASSERT_EQUAL(nrefs, 2);
}

void suite_interp(void)
{
    CU_pSuite s = CU_add_suite("interp", NULL, NULL);
    CU_add_test(s, "expands names, defaults, $$", expands);
    CU_add_test(s, "unknown names are reported", missing_is_reported);
    CU_add_test(s, "shell ${...} forms are kept", shell_forms_pass_through);
    CU_add_test(s, "references without defaults", refs_without_defaults);
}
