/*
 * Unit tests of the venv plugin's pure logic: PEP 440 versions and
 * specifiers, PEP 508 requirements and markers, requirement files,
 * wheel names and tags, the activate/cfg helpers.
 */
#include "config.h"

#include "plugins/common/html.h"
#include "plugins/common/pyinfo.h"
#include "plugins/common/requirements.h"
#include "plugins/common/venv_pep440.h"
#include "plugins/common/venv_pep508.h"
#include "plugins/venv/finder.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *markers[S2N_MK_COUNT] = {
    "posix", "linux", "x86_64", "CPython", "6.1.0", "Linux", "#1 SMP", "3.11", "3.11.2",
    "cpython", "3.11.2",
};

static int cmpv(const char *a, const char *b)
{
    s2n_pver x, y;
    CU_ASSERT_EQUAL_FATAL(s2n_pver_parse(a, &x), 0);
    CU_ASSERT_EQUAL_FATAL(s2n_pver_parse(b, &y), 0);
    return s2n_pver_cmp(&x, &y);
}

static void test_versions(void)
{
    char out[64];
    CU_ASSERT_EQUAL(s2n_pver_normalize("1.0.0-RC1", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "1.0.0rc1");
    s2n_pver_normalize("v1.2-post-3", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "1.2.post3");
    s2n_pver_normalize("1.0-1", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "1.0.post1");
    s2n_pver_normalize("2!1.0.DEV2+Ubuntu-1", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "2!1.0.dev2+ubuntu.1");
    s2n_pver_normalize("1.0alpha", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "1.0a0");
    CU_ASSERT_EQUAL(s2n_pver_normalize("1.0.x", out, sizeof out), -1);
    CU_ASSERT_EQUAL(s2n_pver_normalize("", out, sizeof out), -1);
    /* the spec's ordering example */
    const char *order[] = {"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
                           "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345",
                           "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
                           "1.0.post456.dev34", "1.0.post456", "1.1.dev1"};
    for (size_t i = 0; i + 1 < sizeof order / sizeof *order; i++)
        CU_ASSERT_TRUE(cmpv(order[i], order[i + 1]) < 0);
    CU_ASSERT_EQUAL(cmpv("1.0", "1.0.0"), 0);
}

static void test_specifiers(void)
{
    CU_ASSERT_EQUAL(s2n_spec_contains(">=1.0,<2", "1.5"), 1);
    CU_ASSERT_EQUAL(s2n_spec_contains(">=1.0,<2", "2.0"), 0);
    CU_ASSERT_EQUAL(s2n_spec_contains("<2", "2.0rc1"), 0);
    CU_ASSERT_EQUAL(s2n_spec_contains("<2rc2", "2.0rc1"), 1);
    CU_ASSERT_EQUAL(s2n_spec_contains(">1.0", "1.0.post1"), 0);
    CU_ASSERT_EQUAL(s2n_spec_contains("==1.*", "1.9.3"), 1);
    CU_ASSERT_EQUAL(s2n_spec_contains("==1.*", "2.0"), 0);
    CU_ASSERT_EQUAL(s2n_spec_contains("!=1.1.*", "1.1.5"), 0);
    CU_ASSERT_EQUAL(s2n_spec_contains("~=1.4.2", "1.4.9"), 1);
    CU_ASSERT_EQUAL(s2n_spec_contains("~=1.4.2", "1.5.0"), 0);
    CU_ASSERT_EQUAL(s2n_spec_contains("==1.0", "1.0+local"), 1);
    CU_ASSERT_EQUAL(s2n_spec_contains("==1.0+local", "1.0"), 0);
    CU_ASSERT_EQUAL(s2n_spec_contains("", "3"), 1);
    CU_ASSERT_EQUAL(s2n_spec_contains(">=1,", "3"), -1);
    CU_ASSERT_EQUAL(s2n_spec_contains("=>1", "3"), -1);
    CU_ASSERT_EQUAL(s2n_spec_contains("~=1", "3"), -1);
    char pin[32];
    CU_ASSERT_EQUAL(s2n_spec_pin("==1.0.0-RC1", pin, sizeof pin), 1);
    CU_ASSERT_STRING_EQUAL(pin, "1.0.0rc1");
    CU_ASSERT_EQUAL(s2n_spec_pin("==1.*", pin, sizeof pin), 0);
    CU_ASSERT_EQUAL(s2n_spec_pin(">=1", pin, sizeof pin), 0);
    CU_ASSERT_EQUAL(s2n_spec_pin("==1,!=2", pin, sizeof pin), 0);
}

static void test_deps_and_markers(void)
{
    s2n_dep d;
    char err[200];
    int col;
    CU_ASSERT_EQUAL_FATAL(s2n_dep_parse("Foo.Bar [Extra_One, two] (>=1.0, <2) ; python_version >= '3'",
                                        &d, err, sizeof err, &col), 0);
    CU_ASSERT_STRING_EQUAL(d.norm, "foo-bar");
    CU_ASSERT_EQUAL(d.nextras, 2);
    CU_ASSERT_STRING_EQUAL(d.extras[0], "extra-one");
    CU_ASSERT_STRING_EQUAL(d.spec, ">=1.0,<2");
    CU_ASSERT_STRING_EQUAL(d.marker, "python_version >= '3'");
    s2n_dep_free(&d);
    CU_ASSERT_EQUAL(s2n_dep_parse("pkg @ https://x/pkg.whl ; os_name == 'posix'", &d, err, sizeof err, &col), 0);
    CU_ASSERT_STRING_EQUAL(d.url, "https://x/pkg.whl");
    s2n_dep_free(&d);
    CU_ASSERT_EQUAL(s2n_dep_parse("pkg >= 1 ; bogus_var == '1'", &d, err, sizeof err, &col), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown marker variable 'bogus_var'"));
    CU_ASSERT_EQUAL(s2n_dep_parse("-pkg", &d, err, sizeof err, &col), -1);
    CU_ASSERT_EQUAL(col, 1);

    s2n_marker_env env = {markers, ""};
    CU_ASSERT_EQUAL(s2n_marker_eval("python_version >= '3.8' and sys_platform == 'linux'", &env, err, sizeof err), 1);
    CU_ASSERT_EQUAL(s2n_marker_eval("python_version < '3.10' or os_name == 'nt'", &env, err, sizeof err), 0);
    CU_ASSERT_EQUAL(s2n_marker_eval("(os_name == 'nt' or 'linux' in sys_platform) and python_full_version != '3.11.1'", &env, err, sizeof err), 1);
    CU_ASSERT_EQUAL(s2n_marker_eval("'x86' not in platform_machine", &env, err, sizeof err), 0);
    CU_ASSERT_EQUAL(s2n_marker_eval("extra == 'fast'", &env, err, sizeof err), 0);
    env.extra = "Fast";
    CU_ASSERT_EQUAL(s2n_marker_eval("extra == 'fast'", &env, err, sizeof err), 1);
    CU_ASSERT_EQUAL(s2n_marker_eval("python_version >", &env, err, sizeof err), -1);
    CU_ASSERT_EQUAL(s2n_marker_eval("'a' == 'a'", &env, err, sizeof err), -1);
}

static char tmpdir[] = "/tmp/s2n-venv-unit.XXXXXX";

static char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_requirement_files(void)
{
    s2n_marker_env env = {markers, ""};
    s2n_reqset rs;
    char err[512];
    write_tmp("inner.txt", "-c cons.txt\nbeta==1.0 --hash=sha256:abcd \\\n  --hash sha256:ef01\n");
    write_tmp("cons.txt", "beta<2\n");
    setenv("S2N_TEST_VER", "3.0", 1);
    char *top = strdup(write_tmp("top.txt",
        "# comment\n"
        "-r inner.txt\n"
        "--find-links ./wheels\n"
        "-i file:///idx\n"
        "alpha[fast] == 1.0 ; python_version < \"3\"\n"
        "gamma==${S2N_TEST_VER}   # trailing\n"
        "\n"));
    s2n_reqset_init(&rs, &env);
    CU_ASSERT_EQUAL_FATAL(s2n_reqset_add_file(&rs, top, 0, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(rs.n, 4);
    CU_ASSERT_STRING_EQUAL(rs.items[0].dep.norm, "beta");
    CU_ASSERT_TRUE(rs.items[0].constraint);
    CU_ASSERT_STRING_EQUAL(rs.items[1].dep.norm, "beta");
    CU_ASSERT_EQUAL(rs.items[1].nhashes, 2);
    CU_ASSERT_STRING_EQUAL(rs.items[1].hashes[1], "sha256:ef01");
    CU_ASSERT_EQUAL(rs.items[1].line, 2);
    CU_ASSERT_FALSE(rs.items[2].active);
    CU_ASSERT_STRING_EQUAL(rs.items[3].dep.spec, "==3.0");
    CU_ASSERT_EQUAL(rs.items[3].line, 6);
    CU_ASSERT_STRING_EQUAL(rs.index_url, "file:///idx");
    CU_ASSERT_EQUAL(rs.nfind_links, 1);
    CU_ASSERT_PTR_NULL(rs.unsupported);
    s2n_reqset_free(&rs);
    free(top);

    char *bad = strdup(write_tmp("bad.txt", "ok==1\n\nfoo===\n"));
    s2n_reqset_init(&rs, &env);
    CU_ASSERT_EQUAL(s2n_reqset_add_file(&rs, bad, 0, err, sizeof err), -1);
    char want[600];
    snprintf(want, sizeof want, "%s:3: invalid requirement 'foo==='", bad);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    s2n_reqset_free(&rs);
    free(bad);

    char *ed = strdup(write_tmp("ed.txt", "-e ./proj\n--frobnicate\n"));
    s2n_reqset_init(&rs, &env);
    CU_ASSERT_EQUAL(s2n_reqset_add_file(&rs, ed, 0, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: unknown or misplaced option '--frobnicate'"));
    CU_ASSERT_PTR_NOT_NULL(rs.unsupported);
    s2n_reqset_free(&rs);
    free(ed);
}

static void test_wheel_names(void)
{
    s2n_distfile d;
    CU_ASSERT_EQUAL_FATAL(s2n_distfile_parse("Gamma_Lib-0.5-1-py2.py3-none-any.whl", &d), 0);
    CU_ASSERT_STRING_EQUAL(d.norm, "gamma-lib");
    CU_ASSERT_STRING_EQUAL(d.version, "0.5");
    CU_ASSERT_EQUAL(d.build, 1);
    CU_ASSERT_STRING_EQUAL(d.tags, "py2.py3-none-any");
    s2n_pyinfo py = {0};
    char *tags[] = {"cp311-cp311-manylinux_2_17_x86_64", "cp311-abi3-linux_x86_64", "py3-none-any"};
    py.tags = tags;
    py.ntags = 3;
    CU_ASSERT_EQUAL(s2n_wheel_rank(&py, d.tags), 2);
    CU_ASSERT_EQUAL(s2n_wheel_rank(&py, "cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64"), 0);
    CU_ASSERT_EQUAL(s2n_wheel_rank(&py, "cp27-cp27mu-manylinux1_x86_64"), -1);
    s2n_distfiles_free(&d, 1);
    CU_ASSERT_EQUAL(s2n_distfile_parse("pkg-1.0.tar.gz", &d), 0);
    CU_ASSERT_FALSE(d.is_wheel);
    s2n_distfiles_free(&d, 1);
    CU_ASSERT_EQUAL(s2n_distfile_parse("README.txt", &d), -1);
    CU_ASSERT_EQUAL(s2n_distfile_parse("a-b-c.whl", &d), -1);
}

static void test_html_references(void)
{
    const char *in = "&gt;=3.8 &#62; &#x3E;&#X3e; &lt;&amp;&quot;&#39;&#x27;&apos; &bogus; & &#; &#x110000;";
    char *u = s2n_html_unescape(in, strlen(in));
    CU_ASSERT_STRING_EQUAL(u, ">=3.8 > >> <&\"''' &bogus; & &#; &#x110000;");
    free(u);
    u = s2n_html_unescape("caf&#xE9; &#128512;&#1;", 23);
    CU_ASSERT_STRING_EQUAL(u, "caf\xc3\xa9 \xf0\x9f\x98\x80 "); /* a control character becomes a blank */
    free(u);

    /* A PEP 503 page (here a find-links page) read through the finder:
     * numeric references decode as pip's html parser decodes them (our own
     * local index writes &#x27;; the finder once knew only &#39;). */
    char page[600], wheel[600];
    snprintf(wheel, sizeof wheel, "%s/alpha-1.0-py3-none-any.whl", tmpdir);
    FILE *fp = fopen(wheel, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fclose(fp);
    snprintf(page, sizeof page, "%s/links.html", tmpdir);
    fp = fopen(page, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("<html><body><a href=\"alpha-1.0-py3-none-any.whl\" data-requires-python=\"&#x3E;=3.8,&#33;=3.9.*\">"
          "alpha</a></body></html>\n", fp);
    fclose(fp);
    s2n_finder f;
    s2n_finder_init(&f);
    s2n_finder_add_link(&f, page);
    s2n_distfile *files = NULL;
    size_t n = s2n_finder_files(&f, "alpha", &files);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(files[0].requires_python);
    CU_ASSERT_STRING_EQUAL(files[0].requires_python, ">=3.8,!=3.9.*");
    s2n_distfiles_free(files, n);
    free(files);
    s2n_finder_free(&f);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("venv", NULL, NULL);
    CU_add_test(s, "PEP 440 versions", test_versions);
    CU_add_test(s, "PEP 440 specifiers", test_specifiers);
    CU_add_test(s, "PEP 508 requirements and markers", test_deps_and_markers);
    CU_add_test(s, "requirement files", test_requirement_files);
    CU_add_test(s, "wheel names and tags", test_wheel_names);
    CU_add_test(s, "HTML character references in index pages", test_html_references);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        return 1;
    return failed ? 1 : 0;
}
