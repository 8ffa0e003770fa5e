/*
 * Unit tests of the twine plugin's shared helpers: core metadata parsing
 * and distribution reading (with crafted hostile archives made by
 * tests/twine/unit.sh into $DIST_FIXTURES).
 */
#include "plugins/common/coremeta.h"
#include "plugins/common/distread.h"
#include "plugins/common/localindex.h"
#include "plugins/common/pypirc.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void test_pypirc(void)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/pypirc", fixtures);
    write_file(path, "; comment\n[distutils]\nindex-servers =\n    local-dev\n    testpypi\n\n"
                     "[local-dev]\nrepository: http://127.0.0.1:1/legacy/\nUsername = u\n"
                     "# inside\npassword = p=w:d\n[testpypi]\nusername = __token__\n"
                     "[server-login]\nusername = fallback\n");
    s2n_pypirc *rc;
    CU_ASSERT_EQUAL_FATAL(s2n_pypirc_load(path, 0, &rc, err, sizeof err), 0);
    CU_ASSERT_TRUE(s2n_pypirc_present(rc));
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_index_server(rc, 0, 1), "local-dev");
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_index_server(rc, 1, 1), "testpypi");
    CU_ASSERT_PTR_NULL(s2n_pypirc_index_server(rc, 2, 1));
    s2n_pypirc_repo r;
    CU_ASSERT_EQUAL(s2n_pypirc_repository(rc, "local-dev", &r, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(r.repository, "http://127.0.0.1:1/legacy/");
    CU_ASSERT_STRING_EQUAL(r.username, "u"); /* keys are case-insensitive */
    CU_ASSERT_STRING_EQUAL(r.password, "p=w:d");
    CU_ASSERT_EQUAL(s2n_pypirc_repository(rc, "testpypi", &r, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(r.repository, S2N_TESTPYPI_UPLOAD_URL);
    CU_ASSERT_STRING_EQUAL(r.username, "__token__");
    CU_ASSERT_EQUAL(s2n_pypirc_repository(rc, "pypi", &r, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(r.repository, S2N_PYPI_UPLOAD_URL);
    CU_ASSERT_STRING_EQUAL(r.username, "fallback"); /* [server-login] */
    CU_ASSERT_EQUAL(s2n_pypirc_repository(rc, "elsewhere", &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'elsewhere' is not configured"));
    s2n_pypirc_free(rc);

    write_file(path, "[a]\nx = 1\nx = 2\n");
    CU_ASSERT_EQUAL(s2n_pypirc_load(path, 0, &rc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pypirc:3:1: option 'x' in section [a] already exists"));
    write_file(path, "key = before any section\n");
    CU_ASSERT_EQUAL(s2n_pypirc_load(path, 0, &rc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pypirc:1:"));
    CU_ASSERT_PTR_NULL(strstr(err, "before any section\n")); /* the value is not echoed */

    /* configparser's indentation rule: keys indented alike are keys; only a
     * deeper line continues a value; blank and comment lines inside a value
     * are kept / skipped; trailing blank lines are dropped. */
    write_file(path, "[distutils]\n  index-servers =\n      one\n\n      # a comment\n      two\n\n"
                     "[one]\n  repository = https://one.example/legacy/\n  username = u\n"
                     "  password = p w\n     continued\n\n\n");
    CU_ASSERT_EQUAL_FATAL(s2n_pypirc_load(path, 0, &rc, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_get(rc, "one", "repository"), "https://one.example/legacy/");
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_get(rc, "one", "username"), "u");
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_get(rc, "one", "password"), "p w\ncontinued");
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_get(rc, "distutils", "index-servers"), "\none\n\ntwo");
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_index_server(rc, 0, 0), "one");
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_index_server(rc, 1, 0), "two");
    CU_ASSERT_PTR_NULL(s2n_pypirc_index_server(rc, 2, 0));
    s2n_pypirc_free(rc);
    /* A line that is neither: named by line and column, never echoed. */
    write_file(path, "[a]\npassword pypi-SECRET\n");
    CU_ASSERT_EQUAL(s2n_pypirc_load(path, 0, &rc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pypirc:2:1: expected 'key = value' or '[section]'"));
    CU_ASSERT_PTR_NULL(strstr(err, "SECRET"));
    unlink(path);
    CU_ASSERT_EQUAL(s2n_pypirc_load(path, 1, &rc, err, sizeof err), 0);
    CU_ASSERT_FALSE(s2n_pypirc_present(rc));
    CU_ASSERT_STRING_EQUAL(s2n_pypirc_index_server(rc, 0, 1), "pypi"); /* twine's default */
    CU_ASSERT_PTR_NULL(s2n_pypirc_index_server(rc, 0, 0));
    s2n_pypirc_free(rc);
    CU_ASSERT_EQUAL(s2n_pypirc_load(path, 0, &rc, err, sizeof err), -1);
}

static void test_localindex(void)
{
    char dir[4096], file[4096], page[4200], err[512], sha[65], existing[65];
    snprintf(dir, sizeof dir, "%s/index", fixtures);
    snprintf(file, sizeof file, "%s/Demo_Pkg-1.0-py3-none-any.whl", fixtures);
    write_file(file, "first bytes");
    const char *meta = "Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0\n";
    s2n_li_file f = {.path = file, .project = "Demo_Pkg", .requires_python = ">=3.8",
                     .metadata = meta, .metadata_len = strlen(meta)};
    CU_ASSERT_EQUAL(s2n_localindex_publish(dir, &f, 0, existing, err, sizeof err), S2N_LI_ADDED);
    CU_ASSERT_EQUAL(s2n_localindex_lookup(dir, "demo.pkg", "Demo_Pkg-1.0-py3-none-any.whl", sha,
                                          err, sizeof err), 1);
    CU_ASSERT_EQUAL(strlen(sha), 64);
    CU_ASSERT_EQUAL(s2n_localindex_lookup(dir, "demo-pkg", "other.whl", sha, err, sizeof err), 0);
    CU_ASSERT_EQUAL(s2n_localindex_lookup(dir, "nothing-here", "x.whl", sha, err, sizeof err), 0);
    snprintf(page, sizeof page, "%s/simple/demo-pkg/Demo_Pkg-1.0-py3-none-any.whl.metadata", dir);
    struct stat sb;
    CU_ASSERT_EQUAL(stat(page, &sb), 0);
    CU_ASSERT_EQUAL((size_t)sb.st_size, strlen(meta));
    CU_ASSERT_EQUAL(s2n_localindex_publish(dir, &f, 0, existing, err, sizeof err), S2N_LI_IDENTICAL);
    write_file(file, "other bytes");
    CU_ASSERT_EQUAL(s2n_localindex_publish(dir, &f, 0, existing, err, sizeof err), S2N_LI_CONFLICT);
    CU_ASSERT_STRING_EQUAL(existing, sha);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "File already exists"));
    CU_ASSERT_EQUAL(s2n_localindex_publish(dir, &f, 1, existing, err, sizeof err), S2N_LI_SKIPPED);
    f.project = "not a name!";
    CU_ASSERT_EQUAL(s2n_localindex_publish(dir, &f, 0, existing, err, sizeof err), S2N_LI_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a valid project name"));
    /* A broken project page is reported with its place, not overwritten. */
    snprintf(page, sizeof page, "%s/simple/demo-pkg/index.json", dir);
    write_file(page, "{ broken");
    f.project = "Demo_Pkg";
    CU_ASSERT_EQUAL(s2n_localindex_publish(dir, &f, 0, existing, err, sizeof err), S2N_LI_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "index.json:1:"));
    CU_ASSERT_EQUAL(s2n_localindex_lookup(dir, "demo-pkg", "x.whl", sha, err, sizeof err), -1);
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
        CU_pSuite o = CU_add_suite("pypirc and local index", NULL, NULL);
        CU_add_test(o, ".pypirc parsing and twine's resolution", test_pypirc);
        CU_add_test(o, "local index publish, lookup, conflicts", test_localindex);
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
