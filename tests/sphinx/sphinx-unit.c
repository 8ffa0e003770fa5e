/*
 * Unit tests of the sphinx plugin's pure parts: reading sphinx's
 * diagnostics, the link-check verdicts, the reproducible site archive.
 */
#define _GNU_SOURCE 1
#include "plugins/sphinx/linkcheck.h"
#include "plugins/sphinx/sitearchive.h"
#include "plugins/sphinx/sphinx_output.h"

#include "plugins/common/hash.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static void test_warnings(void)
{
    const char *text =
        "/w/docs/usage.rst:11: WARNING: undefined label: 'no-such-label'\n"
        "/w/docs/usage.rst:11: WARNING: unknown document: 'missing-page'\n"
        "/w/docs/usage.rst:11: WARNING: undefined label: 'no-such-label'\n" /* repeated by sphinx */
        "/w/geom/__init__.py:docstring of geom.area:3: WARNING: Unexpected indentation.\n"
        "WARNING: html_static_path entry '_static' does not exist\n"
        "/w/docs/index.rst:5: ERROR: Unknown directive type \"nope\".\n"
        "\n"
        "   .. nope:: x\n"
        "/elsewhere/x.rst: WARNING: document isn't included in any toctree\n";
    sphinx_output o;
    CU_ASSERT_EQUAL_FATAL(sphinx_output_parse(text, "/w/", &o), 0);
    CU_ASSERT_EQUAL_FATAL(o.ndiags, 6);
    CU_ASSERT_EQUAL(o.nwarnings, 5);
    CU_ASSERT_EQUAL(o.nerrors, 1);
    CU_ASSERT_PTR_NULL(o.failure);
    CU_ASSERT_FALSE(o.no_sphinx);
    const char *want[] = {
        "docs/usage.rst:11: undefined label: 'no-such-label'",
        "docs/usage.rst:11: unknown document: 'missing-page'",
        "geom/__init__.py:docstring of geom.area:3: Unexpected indentation.",
        "html_static_path entry '_static' does not exist",
        "docs/index.rst:5: ERROR: Unknown directive type \"nope\".",
        "/elsewhere/x.rst: document isn't included in any toctree",
    };
    for (size_t i = 0; i < 6; i++) {
        char *line = sphinx_diag_line(&o.diags[i]);
        CU_ASSERT_STRING_EQUAL(line, want[i]);
        free(line);
    }
    CU_ASSERT_STRING_EQUAL(o.diags[4].text, "Unknown directive type \"nope\".\n   .. nope:: x");
    sphinx_output_free(&o);
}

static void expect_failure(const char *text, const char *want)
{
    sphinx_output o;
    CU_ASSERT_EQUAL_FATAL(sphinx_output_parse(text, "/w", &o), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o.failure);
    if (strcmp(o.failure, want) != 0)
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", o.failure, want);
    CU_ASSERT_STRING_EQUAL(o.failure, want);
    sphinx_output_free(&o);
}

static void test_failures(void)
{
    expect_failure("\nConfiguration error:\nThere is a programmable error in your configuration file:\n\n"
                   "Traceback (most recent call last):\n  File \"conf.py\", line 12, in <module>\n"
                   "    raise RuntimeError(\"bad conf\")\nRuntimeError: bad conf\n\n",
                   "Configuration error: RuntimeError: bad conf");
    expect_failure("\nExtension error:\nCould not import extension nosuchext (exception: No module named "
                   "'nosuchext')\n",
                   "Extension error: Could not import extension nosuchext (exception: No module named 'nosuchext')");
    expect_failure("usage: __main__.py [OPTIONS] SOURCEDIR OUTPUTDIR [FILENAMES...]\n"
                   "__main__.py: error: unrecognized arguments: --bogus\n",
                   "error: unrecognized arguments: --bogus");
    expect_failure("/w/a.rst:1: WARNING: x\n\nException occurred:\n  File \"x.py\", line 1, in f\n"
                   "KeyError: 'k'\nThe full traceback has been saved in /tmp/sphinx-err-1.log\n",
                   "Exception occurred: KeyError: 'k'");

    sphinx_output o;
    CU_ASSERT_EQUAL(sphinx_output_parse("/usr/bin/python3: No module named sphinx\n", "/w", &o), 0);
    CU_ASSERT_TRUE(o.no_sphinx);
    sphinx_output_free(&o);
    CU_ASSERT_EQUAL(sphinx_output_parse("", "/w", &o), 0);
    CU_ASSERT_EQUAL(o.ndiags, 0);
    CU_ASSERT_PTR_NULL(o.failure);
    sphinx_output_free(&o);
}

static void test_linkcheck_judge(void)
{
    json_t *cache = json_object();
    time_t now = 1800000000;
    link_result ok = {.uri = "http://a/", .status = "working"};
    link_result bad = {.uri = "http://a/", .status = "broken"};
    link_result never = {.uri = "http://b/", .status = "broken"};
    link_result anchor = {.uri = "#x", .status = "unchecked"};
    CU_ASSERT_EQUAL(linkcheck_judge(cache, &never, now, 24), 1);
    CU_ASSERT_EQUAL(linkcheck_judge(cache, &ok, now, 24), -1);
    CU_ASSERT_EQUAL(linkcheck_last_worked(cache, "http://a/"), now);
    CU_ASSERT_EQUAL(linkcheck_judge(cache, &bad, now + 3600, 24), 0);
    CU_ASSERT_EQUAL(linkcheck_judge(cache, &bad, now + 24 * 3600, 24), 0);
    CU_ASSERT_EQUAL(linkcheck_judge(cache, &bad, now + 24 * 3600 + 1, 24), 1);
    CU_ASSERT_EQUAL(linkcheck_judge(cache, &bad, now, 0), 1);
    CU_ASSERT_EQUAL(linkcheck_judge(cache, &anchor, now, 24), -1);
    CU_ASSERT_EQUAL(linkcheck_last_worked(NULL, "http://a/"), 0);
    json_decref(cache);
}

/* ---- site archive ------------------------------------------------------ */

static void write_file(const char *path, const char *content, mode_t mode)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(content, f);
    fclose(f);
    chmod(path, mode);
}

static void set_mtime(const char *path, long sec)
{
    struct timeval tv[2] = {{sec, 0}, {sec, 0}};
    utimes(path, tv);
}

/* The same tree made in a different order, at other times, with other
 * permissions on non-executables. */
static void make_site(const char *root, int variant)
{
    char p[512];
    static const char long_name[] = "a-file-name-that-is-longer-than-the-hundred-bytes-of-a-ustar-name-field-"
                                    "so-it-needs-a-pax-header.html";
    mkdir(root, 0700);
    snprintf(p, sizeof p, "%s/_static", root);
    mkdir(p, variant ? 0700 : 0755);
    if (variant) {
        snprintf(p, sizeof p, "%s/_static/%s", root, long_name);
        write_file(p, "long\n", 0600);
        snprintf(p, sizeof p, "%s/index.html", root);
        write_file(p, "<html>index</html>\n", 0600);
        snprintf(p, sizeof p, "%s/_static/script.sh", root);
        write_file(p, "#!/bin/sh\n", 0700);
    } else {
        snprintf(p, sizeof p, "%s/_static/script.sh", root);
        write_file(p, "#!/bin/sh\n", 0755);
        snprintf(p, sizeof p, "%s/index.html", root);
        write_file(p, "<html>index</html>\n", 0644);
        snprintf(p, sizeof p, "%s/_static/%s", root, long_name);
        write_file(p, "long\n", 0644);
    }
    snprintf(p, sizeof p, "%s/latest", root);
    symlink("index.html", p);
    snprintf(p, sizeof p, "%s/index.html", root);
    set_mtime(p, variant ? 1000 : 2000000);
}

static void sha_hex(const char *path, char out[65])
{
    uint8_t d[32];
    uint64_t size;
    CU_ASSERT_EQUAL_FATAL(s2n_sha256_file(path, d, &size), 0);
    s2n_hex(d, 32, out);
}

static void test_archive(void)
{
    char dir[] = "/tmp/s2n-site-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char a[600], b[600], ta[600], tb[600], tc[600], err[512];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(ta, sizeof ta, "%s/a.tar.gz", dir);
    snprintf(tb, sizeof tb, "%s/b.tar.gz", dir);
    snprintf(tc, sizeof tc, "%s/c.tar.gz", dir);
    make_site(a, 0);
    make_site(b, 1);
    CU_ASSERT_EQUAL(site_archive_write(a, ta, 0, err, sizeof err), 3);
    CU_ASSERT_EQUAL(site_archive_write(b, tb, 0, err, sizeof err), 3);
    CU_ASSERT_EQUAL(site_archive_write(a, tc, 1700000000, err, sizeof err), 3);
    char ha[65], hb[65], hc[65];
    sha_hex(ta, ha);
    sha_hex(tb, hb);
    sha_hex(tc, hc);
    CU_ASSERT_STRING_EQUAL(ha, hb);
    CU_ASSERT_STRING_NOT_EQUAL(ha, hc);

    /* gzip header: no timestamp (bytes 4-7 are zero). */
    FILE *f = fopen(ta, "rb");
    unsigned char head[10] = {0};
    CU_ASSERT_EQUAL(fread(head, 1, 10, f), 10);
    fclose(f);
    CU_ASSERT(head[0] == 0x1f && head[1] == 0x8b);
    CU_ASSERT(head[4] == 0 && head[5] == 0 && head[6] == 0 && head[7] == 0);

    /* A missing site is an error, and nothing is left behind. */
    char missing[600], out[600];
    snprintf(missing, sizeof missing, "%s/none", dir);
    snprintf(out, sizeof out, "%s/none.tar.gz", dir);
    CU_ASSERT_EQUAL(site_archive_write(missing, out, 0, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
    CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
    DIR *d = opendir(dir);
    struct dirent *de;
    while ((de = readdir(d)))
        CU_ASSERT_PTR_NULL(strstr(de->d_name, ".tmp-"));
    closedir(d);

    CU_ASSERT_EQUAL(site_archive_epoch(NULL), 0);
    CU_ASSERT_EQUAL(site_archive_epoch("1700000000"), 1700000000);
    CU_ASSERT_EQUAL(site_archive_epoch("12x"), 0);
    CU_ASSERT_EQUAL(site_archive_epoch("-5"), 0);

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("sphinx", NULL, NULL);
    CU_add_test(s, "warnings", test_warnings);
    CU_add_test(s, "failures", test_failures);
    CU_add_test(s, "linkcheck verdicts", test_linkcheck_judge);
    CU_add_test(s, "reproducible archive", test_archive);
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
