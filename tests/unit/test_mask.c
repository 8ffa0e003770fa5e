#include "config.h"
#include "tests/unit/unit.h"
#include "core/mask.h"

#include <stdlib.h>
#include <string.h>

static char *masked(mask *m, const char *s)
{
    return mask_apply(m, s, strlen(s), NULL);
}

static void masks_all_forms(void)
{
    mask *m = mask_new();
    mask_add(m, "pa ss/word+1");
    char *a = masked(m, "x pa ss/word+1 y");
    CU_ASSERT_STRING_EQUAL(a, "x *** y");
    char *b = masked(m, "b64 cGEgc3Mvd29yZCsx end");
    CU_ASSERT_STRING_EQUAL(b, "b64 *** end");
    char *c = masked(m, "url pa%20ss%2Fword%2B1 and pa%20ss%2fword%2b1");
    CU_ASSERT_STRING_EQUAL(c, "url *** and ***");
    free(a), free(b), free(c);
    mask_free(m);
}

static void short_values_ignored(void)
{
    mask *m = mask_new();
    mask_add(m, "ab");
    CU_ASSERT_EQUAL(mask_count(m), 0);
    char *a = masked(m, "abab");
    CU_ASSERT_STRING_EQUAL(a, "abab");
    free(a);
    mask_free(m);
}

static void longest_match_wins(void)
{
    mask *m = mask_new();
    mask_add(m, "token");
    mask_add(m, "token-long");
    char *a = masked(m, "token-long token");
    CU_ASSERT_STRING_EQUAL(a, "*** ***");
    free(a);
    mask_free(m);
}

void suite_mask(void)
{
    CU_pSuite s = CU_add_suite("mask", NULL, NULL);
    CU_add_test(s, "raw, base64 and url-encoded forms", masks_all_forms);
    CU_add_test(s, "values shorter than 3 are not secrets", short_values_ignored);
    CU_add_test(s, "longest match wins", longest_match_wins);
}
