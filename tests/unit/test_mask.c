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

static void safe_cut_never_splits_a_secret(void)
{
    mask *m = mask_new();
    mask_add(m, "s3cr3t-token");
    const char *buf = "0123456789s3cr3t-token tail";
    /* a cut at 14 would split the secret at 10..21: cut before it */
    CU_ASSERT_EQUAL(mask_safe_cut(m, buf, strlen(buf), 14), 10);
    CU_ASSERT_EQUAL(mask_safe_cut(m, buf, strlen(buf), 8), 8);
    CU_ASSERT_EQUAL(mask_safe_cut(m, buf, strlen(buf), 23), 23);
    /* the buffer ends inside what may become the secret: hold it back */
    const char *head = "0123456789s3cr3t-to";
    CU_ASSERT_EQUAL(mask_safe_cut(m, head, strlen(head), 12), 10);
    /* a buffer that is all secret head still makes progress */
    CU_ASSERT_EQUAL(mask_safe_cut(m, "s3cr3t", 6, 3), 3);
    mask_free(m);
}

static void multi_line_secret_masked_by_line(void)
{
    mask *m = mask_new();
    mask_add(m, "-----BEGIN-----\r\nline-one-abc\nline-two-def\n");
    char *a = masked(m, "line-two-def");
    CU_ASSERT_STRING_EQUAL(a, "***");
    char *b = masked(m, "x line-one-abc");
    CU_ASSERT_STRING_EQUAL(b, "x ***");
    free(a), free(b);
    mask_free(m);
}

void suite_mask(void)
{
    CU_pSuite s = CU_add_suite("mask", NULL, NULL);
    CU_add_test(s, "raw, base64 and url-encoded forms", masks_all_forms);
    CU_add_test(s, "values shorter than 3 are not secrets", short_values_ignored);
    CU_add_test(s, "longest match wins", longest_match_wins);
    CU_add_test(s, "output is never cut inside a secret", safe_cut_never_splits_a_secret);
    CU_add_test(s, "a multi-line secret is masked line by line", multi_line_secret_masked_by_line);
}
