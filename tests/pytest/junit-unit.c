/*
 * Unit tests: the JUnit reader (pytest's documents and hostile ones) and
 * the pytest exit-status classification.
 */
#include "plugins/common/junit.h"
#include "plugins/pytest/pytest_outcome.h"

#include <s2nbuild/plugin.h>

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

/* What pytest 7 writes for 2 passed, 1 failed, 1 skipped, 1 xfailed and
 * one test failing in the call and erroring in teardown. */
static const char pytest_doc[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
    "<testsuites><testsuite name=\"test\" errors=\"1\" failures=\"2\" skipped=\"2\" tests=\"6\""
    " time=\"0.041\" timestamp=\"2026-11-25T12:00:00.1\" hostname=\"h\">"
    "<testcase classname=\"tests.test_calc\" name=\"test_add\" time=\"0.001\" />"
    "<testcase classname=\"tests.test_calc\" name=\"test_sub\" time=\"0.001\"/>\n"
    "<testcase classname=\"tests.test_calc\" name=\"test_mul\" time=\"0.001\">"
    "<failure message=\"assert 6 == 7&#10;+  where 6 = mul(2, 3)\">def test_mul():\n"
    "&gt;       assert mul(2, 3) == 7\nE       assert 6 == 7</failure></testcase>"
    "<testcase classname=\"tests.test_calc\" name=\"test_skip\" time=\"0.000\">"
    "<skipped type=\"pytest.skip\" message=\"not today &amp; not tomorrow\">tests/test_calc.py:20: not today</skipped>"
    "</testcase>"
    "<testcase classname=\"tests.test_calc\" name=\"test_xfail\" time=\"0.000\">"
    "<skipped type=\"pytest.xfail\" message=\"\" /></testcase>"
    "<testcase classname=\"tests.test_calc\" name=\"test_both\" time=\"0.001\">"
    "<failure message=\"boom\">x</failure><error message=\"failed on teardown with &quot;bad&quot;\">y</error>"
    "<system-out><![CDATA[printed <stuff> ]]></system-out><!-- a comment --></testcase>"
    "</testsuite></testsuites>\n";

typedef struct seen {
    int n;
    char first_fail[256];
} seen;

static void on_case(void *ctx, const s2n_junit_case *c)
{
    seen *s = ctx;
    s->n++;
    if ((c->failures || c->errors) && !s->first_fail[0])
        snprintf(s->first_fail, sizeof s->first_fail, "%s::%s: %s", c->classname, c->name, c->message);
}

static int parse(const char *doc, s2n_junit_counts *c, char *err, size_t errlen)
{
    return s2n_junit_parse(doc, strlen(doc), c, NULL, NULL, err, errlen);
}

static void test_pytest_document(void)
{
    s2n_junit_counts c;
    seen s = {0};
    char err[256];
    CU_ASSERT_EQUAL_FATAL(s2n_junit_parse(pytest_doc, strlen(pytest_doc), &c, on_case, &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.cases, 6);
    CU_ASSERT_EQUAL(c.passed, 2);
    CU_ASSERT_EQUAL(c.failed, 2);
    CU_ASSERT_EQUAL(c.skipped, 2);
    CU_ASSERT_EQUAL(c.errors, 1);
    CU_ASSERT_EQUAL(s.n, 6);
    CU_ASSERT_STRING_EQUAL(s.first_fail, "tests.test_calc::test_mul: assert 6 == 7\n+  where 6 = mul(2, 3)");
}

static void test_messages_decoded(void)
{
    const char *doc = "<testsuite><testcase classname='a&lt;b' name=\"t&#x1F600;\">"
                      "<error message='x &apos;y&apos; &#233;'/></testcase></testsuite>";
    s2n_junit_counts c;
    seen s = {0};
    char err[256];
    CU_ASSERT_EQUAL_FATAL(s2n_junit_parse(doc, strlen(doc), &c, on_case, &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.errors, 1);
    CU_ASSERT_EQUAL(c.passed, 0);
    CU_ASSERT_STRING_EQUAL(s.first_fail, "a<b::t\xF0\x9F\x98\x80: x 'y' \xC3\xA9");
}

/* pytest's summary says "1 passed, 1 error" for a test whose fixture
 * fails in teardown, "1 error" for one failing in setup. */
static void test_setup_and_teardown_errors(void)
{
    const char *doc = "<testsuites><testsuite>"
                      "<testcase name='a'><error message='failed on teardown with &quot;x&quot;'/></testcase>"
                      "<testcase name='b'><error message='failed on setup with &quot;x&quot;'/></testcase>"
                      "<testcase name='c'><failure message='no'/><error message='failed on teardown with y'/>"
                      "</testcase></testsuite></testsuites>";
    s2n_junit_counts c;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(parse(doc, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.cases, 3);
    CU_ASSERT_EQUAL(c.passed, 1);
    CU_ASSERT_EQUAL(c.failed, 1);
    CU_ASSERT_EQUAL(c.errors, 3);
}

static void test_bom_and_empty_suites(void)
{
    const char *doc = "\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c --><testsuites/>\n";
    s2n_junit_counts c;
    char err[256];
    CU_ASSERT_EQUAL(parse(doc, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.cases, 0);
}

static void expect_error(const char *doc, const char *fragment)
{
    s2n_junit_counts c;
    char err[256] = "";
    int rc = parse(doc, &c, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    if (!strstr(err, fragment)) {
        fprintf(stderr, "\n  document: %.60s\n  error: %s\n  expected to contain: %s\n", doc, err, fragment);
        CU_FAIL("error text");
    }
}

static void test_rejects_bad_documents(void)
{
    expect_error("", "1:1: empty document");
    expect_error("   \n  ", "2:3: empty document");
    expect_error("<html/>", "1:1: expected <testsuites> or <testsuite> as the root element, found <html>");
    expect_error("hello", "1:1: expected <testsuites>");
    expect_error("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><testsuites/>", "a DOCTYPE is not accepted");
    expect_error("<testsuites><testsuite></testsuites>", "1:24: expected </testsuite>, found </testsuites>");
    expect_error("<testsuites>\n<testsuite>", "unexpected end of document: <testsuite> is not closed");
    expect_error("<testsuites>&bomb;</testsuites>", "unknown entity '&bomb;'");
    expect_error("<testsuites>&#0;</testsuites>", "invalid code point");
    expect_error("<testsuites>&#xD800;</testsuites>", "invalid code point");
    expect_error("<testsuites>&#1114112;</testsuites>", "invalid code point");
    expect_error("<testsuites>&#12a;</testsuites>", "bad digit");
    expect_error("<testsuites>a & b</testsuites>", "expected an entity reference");
    expect_error("<testsuites a='1' a='2'/>", "duplicate attribute 'a'");
    expect_error("<testsuites a='1'b='2'/>", "expected whitespace");
    expect_error("<testsuites a=1/>", "expected a quoted attribute value");
    expect_error("<testsuites a='1/>", "unterminated attribute value");
    expect_error("<testsuites a='<'/>", "'<' is not allowed");
    expect_error("<testsuites/><testsuites/>", "unexpected content after the root element");
    expect_error("<testsuites/>junk", "unexpected content after the root element");
    expect_error("<testsuites><!-- never closed </testsuites>", "unterminated comment");
    expect_error("<testsuites><![CDATA[ x </testsuites>", "unterminated CDATA");
    expect_error("<testsuites><testcase><testcase/></testcase></testsuites>", "<testcase> inside another");
    expect_error("<testsuites></testsuites></x>", "unexpected content");
    expect_error("<testsuites><", "expected an element name");
    expect_error("<testsuites><!ELEMENT x ANY></testsuites>", "unexpected markup declaration");
    expect_error("<testsuites>]]></testsuites>", "\"]]>\" is not allowed");
}

static void test_nul_and_depth(void)
{
    s2n_junit_counts c;
    char err[256];
    const char doc[] = "<testsuites>\0</testsuites>";
    CU_ASSERT_EQUAL(s2n_junit_parse(doc, sizeof doc - 1, &c, NULL, NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "NUL byte"));

    /* 100000 nested elements must be refused without recursion. */
    size_t n = 100000;
    char *deep = malloc(n * 3 + 32);
    strcpy(deep, "<testsuites>");
    for (size_t i = 0; i < n; i++)
        strcat(deep + 12 + i * 3, "<a>");
    CU_ASSERT_EQUAL(parse(deep, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested deeper than"));
    free(deep);

    /* Many attributes. */
    char *wide = malloc(100 * 12 + 64);
    strcpy(wide, "<testsuites");
    for (int i = 0; i < 100; i++)
        sprintf(wide + strlen(wide), " a%d='x'", i);
    strcat(wide, "/>");
    CU_ASSERT_EQUAL(parse(wide, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than"));
    free(wide);
}

/* Every prefix of a real document is either an error or (once the root
 * is closed) the full count: never a crash, never a partial success. */
static void test_every_truncation(void)
{
    size_t len = strlen(pytest_doc);
    size_t root_end = (size_t)(strstr(pytest_doc, "</testsuites>") - pytest_doc) + strlen("</testsuites>");
    for (size_t i = 0; i <= len; i++) {
        char *copy = malloc(i + 1); /* exact size: ASan sees any overread */
        memcpy(copy, pytest_doc, i);
        s2n_junit_counts c;
        char err[256];
        int rc = s2n_junit_parse(copy, i, &c, NULL, NULL, err, sizeof err);
        if (i < root_end) {
            CU_ASSERT_EQUAL(rc, -1);
        } else {
            CU_ASSERT(rc == 0 && c.cases == 6);
        }
        free(copy);
    }
}

/* Single-byte corruption at every position: must not crash. */
static void test_byte_flips(void)
{
    size_t len = strlen(pytest_doc);
    const char repl[] = "<>&'\"/;#x!-]?\n";
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof repl - 1; k++) {
            char *copy = malloc(len);
            memcpy(copy, pytest_doc, len);
            copy[i] = repl[k];
            s2n_junit_counts c;
            char err[64]; /* small: messages are truncated, not overflowed */
            (void)s2n_junit_parse(copy, len, &c, NULL, NULL, err, sizeof err);
            free(copy);
        }
}

static void test_file_errors(void)
{
    s2n_junit_counts c;
    char err[512];
    CU_ASSERT_EQUAL(s2n_junit_parse_file("/nonexistent/junit.xml", &c, NULL, NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/junit.xml: No such file"));
    CU_ASSERT_EQUAL(s2n_junit_parse_file("/", &c, NULL, NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a regular file"));
}

static void test_outcome(void)
{
    char msg[512];
    pytest_run r = {.exit_code = 0, .have_counts = 1, .counts = {.cases = 4, .passed = 3, .skipped = 1}};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_OK);
    CU_ASSERT_STRING_EQUAL(msg, ""); /* the counts say it all */
    pytest_counts_text(&r.counts, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(msg, "3 passed, 1 skipped");

    r = (pytest_run){.exit_code = 1, .have_counts = 1, .counts = {.passed = 1, .failed = 2, .errors = 1},
                     .first_failure = "t::x: boom"};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_FAILED);
    CU_ASSERT_STRING_EQUAL(msg, "first failure: t::x: boom");
    pytest_counts_text(&r.counts, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(msg, "1 passed, 2 failed, 1 error");

    r = (pytest_run){.exit_code = 2, .have_counts = 1, .counts = {.errors = 2}};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_FAILED);
    CU_ASSERT_STRING_EQUAL(msg, "interrupted by 2 errors during collection");

    r = (pytest_run){.exit_code = 3};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_ERROR);
    r = (pytest_run){.exit_code = 4};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "usage error"));
    r = (pytest_run){.exit_code = 5};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_FAILED);
    r.no_tests_pass = 1;
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_OK);
    r = (pytest_run){.exit_code = -1};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_ERROR);
    r = (pytest_run){.exit_code = 143, .timeout = 5};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_FAILED);
    CU_ASSERT_STRING_EQUAL(msg, "pytest was killed by signal 15 (timeout 5 s)");
    r = (pytest_run){.exit_code = 77};
    CU_ASSERT_EQUAL(pytest_outcome(&r, msg, sizeof msg), S2N_ERROR);

    s2n_junit_counts none = {0};
    pytest_counts_text(&none, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(msg, "no tests ran");
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("junit", NULL, NULL);
    CU_add_test(s, "pytest document", test_pytest_document);
    CU_add_test(s, "messages decoded", test_messages_decoded);
    CU_add_test(s, "setup and teardown errors", test_setup_and_teardown_errors);
    CU_add_test(s, "BOM and empty suites", test_bom_and_empty_suites);
    CU_add_test(s, "bad documents", test_rejects_bad_documents);
    CU_add_test(s, "NUL, depth, width", test_nul_and_depth);
    CU_add_test(s, "every truncation", test_every_truncation);
    CU_add_test(s, "byte flips", test_byte_flips);
    CU_add_test(s, "file errors", test_file_errors);
    CU_pSuite o = CU_add_suite("pytest outcome", NULL, NULL);
    CU_add_test(o, "exit codes", test_outcome);
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
