/*
 * Unit tests of the twine plugin's shared helpers: core metadata parsing
 * and distribution reading (with crafted hostile archives made by
 * tests/twine/unit.sh into $DIST_FIXTURES).
 */
#include "plugins/common/coremeta.h"
#include "plugins/common/distread.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fixtures;

static char *fx(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", fixtures, name);
    return buf;
}

static void test_meta_basic(void)
{
    const char *t = "Metadata-Version: 2.1\n"
                    "Name: demo-pkg\n"
                    "Version: 1.0\n"
                    "Requires-Dist: a>=1\n"
                    "requires-dist: b; extra == \"x\"\n"
                    "Summary:   spaced  \n"
                    "\n"
                    "# Title\n\nBody text\n";
    s2n_coremeta m;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(s2n_coremeta_parse(t, strlen(t), &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m.nfields, 6);
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get(&m, "name"), "demo-pkg");
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get(&m, "VERSION"), "1.0");
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get_nth(&m, "Requires-Dist", 0), "a>=1");
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get_nth(&m, "Requires-Dist", 1), "b; extra == \"x\"");
    CU_ASSERT_PTR_NULL(s2n_coremeta_get_nth(&m, "Requires-Dist", 2));
    CU_ASSERT_PTR_NULL(s2n_coremeta_get(&m, "License"));
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get(&m, "Summary"), "spaced  ");
    CU_ASSERT_STRING_EQUAL(m.fields[3].name, "Requires-Dist");
    CU_ASSERT_STRING_EQUAL(m.body, "# Title\n\nBody text\n");
    s2n_coremeta_free(&m);
}

static void test_meta_continuation_crlf(void)
{
    const char *t = "Metadata-Version: 1.1\r\n"
                    "Name: x\r\n"
                    "Description: first\r\n"
                    "        second\r\n"
                    "\tthird\r\n"
                    "License: MIT\r\n";
    s2n_coremeta m;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(s2n_coremeta_parse(t, strlen(t), &m, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get(&m, "Description"), "first\n        second\n\tthird");
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get(&m, "License"), "MIT");
    CU_ASSERT_PTR_NULL(m.body);
    s2n_coremeta_free(&m);
}

static void test_meta_body_without_blank(void)
{
    /* email.parser: a non-header line ends the headers. */
    const char *t = "Name: x\nVersion: 1\nthis is body\nmore\n";
    s2n_coremeta m;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(s2n_coremeta_parse(t, strlen(t), &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m.nfields, 2);
    CU_ASSERT_STRING_EQUAL(m.body, "this is body\nmore\n");
    s2n_coremeta_free(&m);
}

static void test_meta_errors(void)
{
    s2n_coremeta m;
    char err[256] = "";
    CU_ASSERT_EQUAL(s2n_coremeta_parse("", 0, &m, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1"));
    CU_ASSERT_EQUAL(s2n_coremeta_parse("  indented\n", 11, &m, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "continuation"));
    CU_ASSERT_EQUAL(s2n_coremeta_parse("not a header\n", 13, &m, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected 'Name: value'"));
    CU_ASSERT_EQUAL(s2n_coremeta_parse("Name: a\0b\n", 10, &m, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "NUL"));
    /* No trailing newline, empty value. */
    CU_ASSERT_EQUAL_FATAL(s2n_coremeta_parse("Name: a\nKeywords:", 17, &m, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get(&m, "Keywords"), "");
    s2n_coremeta_free(&m);
}

static void test_kind(void)
{
    CU_ASSERT_EQUAL(s2n_dist_kind_of("a/b-1-py3-none-any.whl"), S2N_DIST_WHEEL);
    CU_ASSERT_EQUAL(s2n_dist_kind_of("b-1.tar.gz"), S2N_DIST_SDIST);
    CU_ASSERT_EQUAL(s2n_dist_kind_of("b-1.zip"), S2N_DIST_UNKNOWN);
    CU_ASSERT_EQUAL(s2n_dist_kind_of(NULL), S2N_DIST_UNKNOWN);
}

static void expect_meta(const char *file, const char *name)
{
    char err[512] = "";
    size_t len = 0;
    char *t = s2n_dist_read_metadata(fx(file), &len, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(strlen(t), len);
    s2n_coremeta m;
    CU_ASSERT_EQUAL_FATAL(s2n_coremeta_parse(t, len, &m, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(s2n_coremeta_get(&m, "Name"), name);
    s2n_coremeta_free(&m);
    free(t);
}

static void expect_refused(const char *file, const char *why)
{
    char err[512] = "";
    size_t len = 0;
    char *t = s2n_dist_read_metadata(fx(file), &len, err, sizeof err);
    CU_ASSERT_PTR_NULL(t);
    free(t);
    if (!strstr(err, why))
        fprintf(stderr, "\n%s: expected '%s' in: %s\n", file, why, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
}

static void test_read_good(void)
{
    expect_meta("good-1.0-py3-none-any.whl", "good");
    expect_meta("good-1.0.tar.gz", "good");
}

static void test_read_hostile(void)
{
    expect_refused("dotdot-1.0-py3-none-any.whl", "'..'");
    expect_refused("abs-1.0-py3-none-any.whl", "absolute");
    expect_refused("dup-1.0-py3-none-any.whl", "duplicate");
    expect_refused("drive-1.0-py3-none-any.whl", "drive letter");
    expect_refused("bomb-1.0-py3-none-any.whl", "absurd");
    expect_refused("bigmeta-1.0-py3-none-any.whl", "larger than");
    expect_refused("nometa-1.0-py3-none-any.whl", "no *.dist-info/METADATA");
    expect_refused("link-1.0.tar.gz", "outside the tree");
    expect_refused("dotdot-1.0.tar.gz", "'..'");
    expect_refused("garbage-1.0-py3-none-any.whl", "garbage-1.0");
    expect_refused("missing-1.0.tar.gz", "missing-1.0.tar.gz");
    expect_refused("x.zip", "not a wheel");
}

int main(void)
{
    fixtures = getenv("DIST_FIXTURES");
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 3;
    CU_pSuite s = CU_add_suite("coremeta", NULL, NULL);
    CU_add_test(s, "basic fields and body", test_meta_basic);
    CU_add_test(s, "continuations and CRLF", test_meta_continuation_crlf);
    CU_add_test(s, "body after a non-header line", test_meta_body_without_blank);
    CU_add_test(s, "errors", test_meta_errors);
    CU_pSuite d = CU_add_suite("distread", NULL, NULL);
    CU_add_test(d, "kind from the name", test_kind);
    if (fixtures) {
        CU_add_test(d, "good wheel and sdist", test_read_good);
        CU_add_test(d, "hostile archives refused", test_read_hostile);
    } else {
        fprintf(stderr, "DIST_FIXTURES not set: run through tests/twine/unit.sh\n");
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
