/*
 * Unit tests of the github-release logic that needs no server: rate-limit
 * waits, URL building, remote URL parsing, versions from file names, notes
 * grouping, media types.
 */
#define _POSIX_C_SOURCE 200809L
#include "plugins/github-release/assets.h"
#include "plugins/github-release/http.h"
#include "plugins/github-release/notes.h"
#include "plugins/github-release/release.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

static void test_rate_limit_wait(void)
{
    gh_response r = {0};
    long long now = 1700000000;
    r.status = 404;
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), -1);
    r.status = 429;
    r.retry_after = "7";
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), 7);
    r.retry_after = "soon"; /* not a number: no hint */
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), -1);
    r.retry_after = NULL;
    r.status = 403;
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), -1); /* a permission 403 */
    CU_ASSERT_FALSE(gh_transient(&r));
    r.rl_remaining = "0";
    r.rl_reset = "1700000030";
    CU_ASSERT_TRUE(gh_transient(&r));
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), 31);
    r.rl_reset = "1507651200000"; /* the recordings: milliseconds, not trusted */
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), -1);
    r.rl_reset = "99999999999999999999999"; /* overflows 64 bits */
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), -1);
    r.rl_reset = "1699999990"; /* just passed */
    CU_ASSERT_EQUAL(gh_rate_limit_wait(&r, now), 1);
    r.rl_remaining = "12";
    CU_ASSERT_FALSE(gh_transient(&r));
    r.status = 502;
    CU_ASSERT_TRUE(gh_transient(&r));
    r.status = 0;
    CU_ASSERT_TRUE(gh_transient(&r));
    r.status = 422;
    CU_ASSERT_FALSE(gh_transient(&r));
}

static void test_urls(void)
{
    char *u = gh_upload_url("https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}",
                            "my file.whl", "A label");
    CU_ASSERT_STRING_EQUAL(u, "https://uploads.github.com/repos/o/r/releases/1/assets"
                              "?name=my%20file.whl&label=A%20label");
    free(u);
    u = gh_upload_url("http://h/x/assets{?name,label}", "a+b.txt", NULL);
    CU_ASSERT_STRING_EQUAL(u, "http://h/x/assets?name=a%2Bb.txt");
    free(u);
    u = gh_escape("release/v1.0 beta", 1);
    CU_ASSERT_STRING_EQUAL(u, "release/v1.0%20beta");
    free(u);
    gh_client c = {.api_url = "http://127.0.0.1:1/api.github.com/abc"};
    u = gh_repo_url(&c, "o/r", "/releases");
    CU_ASSERT_STRING_EQUAL(u, "http://127.0.0.1:1/api.github.com/abc/repos/o/r/releases");
    free(u);
}

static void test_remote(void)
{
    char out[128];
    CU_ASSERT_EQUAL(gh_repo_from_remote("https://github.com/owner/name.git", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "owner/name");
    CU_ASSERT_EQUAL(gh_repo_from_remote("git@github.com:owner/name.git\n", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "owner/name");
    CU_ASSERT_EQUAL(gh_repo_from_remote("ssh://git@ghe.example:2222/team/tool", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "team/tool");
    CU_ASSERT_EQUAL(gh_repo_from_remote("https://github.com/owner/name/", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "owner/name");
    CU_ASSERT_EQUAL(gh_repo_from_remote("https://github.com/justowner", out, sizeof out), -1);
    CU_ASSERT_EQUAL(gh_repo_from_remote("/srv/git/repo", out, sizeof out), -1);
}

static void test_versions(void)
{
    char v[64];
    CU_ASSERT_EQUAL(gh_version_from_dist("dist/s2n_scanner-1.2.0-py3-none-any.whl", v, sizeof v), 0);
    CU_ASSERT_STRING_EQUAL(v, "1.2.0");
    CU_ASSERT_EQUAL(gh_version_from_dist("s2n_scanner-1.2.0rc1.tar.gz", v, sizeof v), 0);
    CU_ASSERT_STRING_EQUAL(v, "1.2.0rc1");
    CU_ASSERT_EQUAL(gh_version_from_dist("notes.txt", v, sizeof v), -1);
    CU_ASSERT_EQUAL(gh_version_from_dist("noversion.tar.gz", v, sizeof v), -1);
}

static void test_notes(void)
{
    const char *log = "a1\tfeat(parser): accept tabs\n"
                      "b2\tfix: crash on empty file\n"
                      "c3\tUpdate README\n"
                      "d4\tfeat!: drop Python 3.7\n"
                      "e5\tci: cache venvs\n";
    char *md = gh_notes_from_log(log, "v1.1.0", "v1.0.0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    CU_ASSERT_PTR_NOT_NULL(strstr(md, "## v1.1.0\n\nChanges since v1.0.0.\n"));
    const char *brk = strstr(md, "### Breaking changes\n\n- drop Python 3.7 (d4)\n");
    const char *feat = strstr(md, "### Features\n\n- **parser:** accept tabs (a1)\n");
    const char *fix = strstr(md, "### Bug fixes\n\n- crash on empty file (b2)\n");
    const char *ci = strstr(md, "### Build and CI\n\n- cache venvs (e5)\n");
    const char *other = strstr(md, "### Other changes\n\n- Update README (c3)\n");
    CU_ASSERT(brk && feat && fix && ci && other);
    CU_ASSERT(brk < feat && feat < fix && fix < ci && ci < other);
    free(md);
    md = gh_notes_from_log("", "v0.1.0", NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(md, "First release."));
    CU_ASSERT_PTR_NOT_NULL(strstr(md, "No changes."));
    free(md);
}

static void test_bodies(void)
{
    gh_release_spec s = {.tag = "v1.0.0", .body = "notes", .make_latest = "true"};
    json_t *b = gh_create_body(&s);
    char *txt = json_dumps(b, JSON_COMPACT);
    CU_ASSERT_STRING_EQUAL(txt, "{\"tag_name\":\"v1.0.0\",\"name\":\"v1.0.0\",\"body\":\"notes\","
                                "\"draft\":true}");
    free(txt);
    json_decref(b);
    b = gh_publish_body(&s);
    txt = json_dumps(b, JSON_COMPACT);
    CU_ASSERT_STRING_EQUAL(txt, "{\"draft\":false,\"make_latest\":\"true\"}");
    free(txt);
    json_decref(b);
    char n[64];
    gh_github_asset_name("my file (1).whl", n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "my.file..1..whl");
    CU_ASSERT_STRING_EQUAL(gh_content_type("test-upload.txt"), "text/plain");
    CU_ASSERT_STRING_EQUAL(gh_content_type("pkg-1.0-py3-none-any.whl"), "application/octet-stream");
    CU_ASSERT_STRING_EQUAL(gh_content_type("pkg-1.0.tar.gz"), "application/gzip");
}

static void test_explain(void)
{
    gh_response r = {0};
    r.status = 403;
    r.json = json_pack("{s:s}", "message", "Resource not accessible by integration");
    char *m = gh_explain(&r, "create the release", "o/r");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "create the release: HTTP 403 \"Resource not accessible"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "contents: write"));
    free(m);
    r.sso = "required; url=https://github.com/orgs/o/sso?authorization_request=x";
    m = gh_explain(&r, "x", "o/r");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "SAML single sign-on"));
    free(m);
    r.sso = NULL;
    json_decref(r.json);
    r.status = 422;
    r.json = json_loads("{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Release\","
                        "\"code\":\"invalid\",\"field\":\"target_commitish\"}]}", 0, NULL);
    m = gh_explain(&r, "create the release", "o/r");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "(Release target_commitish: invalid)"));
    free(m);
    json_decref(r.json);
    r.json = NULL;
    r.status = 404;
    m = gh_explain(&r, "find", "acme/widget");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "the repository acme/widget does not exist"));
    free(m);
    r.status = 0;
    snprintf(r.error, sizeof r.error, "Couldn't connect to server");
    m = gh_explain(&r, "find", "o/r");
    CU_ASSERT_STRING_EQUAL(m, "find: no response from GitHub (Couldn't connect to server)");
    free(m);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("github-release", NULL, NULL);
    CU_add_test(s, "rate limit waits", test_rate_limit_wait);
    CU_add_test(s, "URLs", test_urls);
    CU_add_test(s, "remote URLs", test_remote);
    CU_add_test(s, "versions from file names", test_versions);
    CU_add_test(s, "notes from git log", test_notes);
    CU_add_test(s, "request bodies", test_bodies);
    CU_add_test(s, "error explanations", test_explain);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
