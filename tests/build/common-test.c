/*
 * Unit test of the helpers the build plugin owns in plugins/common: the
 * TOML wrapper (navigation, types, positions, error text) and the ZIP
 * writer (writes $1, which zip-test.sh then checks with Python's zipfile
 * and unzip).
 */
#include "plugins/common/toml.h"
#include "plugins/common/zipwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            failures++;                                   \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
            printf(__VA_ARGS__);                          \
            putchar('\n');                                \
        }                                                 \
    } while (0)

static char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/s2n-common-test-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        abort();
    close(fd);
    return path;
}

static void test_toml(void)
{
    char err[512];
    char *path = write_temp("[project]\n"
                            "name = \"demo\"\n"
                            "keywords = [\"a\", \"b\"]\n"
                            "flag = true\n"
                            "n = 3\n"
                            "[tool.flit.module]\n"
                            "name = \"x\"\n"
                            "[project.urls]\n"
                            "Zeta = \"z\"\n"
                            "Alpha = \"a\"\n");
    s2n_toml *doc = s2n_toml_parse_file(path, err, sizeof err);
    CHECK(doc != NULL, "parse: %s", err);
    if (doc) {
        const s2n_toml_node *root = s2n_toml_root(doc);
        const s2n_toml_node *proj = s2n_toml_get(root, "project");
        CHECK(s2n_toml_type_of(proj) == S2N_TOML_TABLE, "project is a table");
        CHECK(strcmp(s2n_toml_str(s2n_toml_get(proj, "name")), "demo") == 0, "name");
        CHECK(s2n_toml_str(s2n_toml_get(proj, "n")) == NULL, "integer is not a string");
        CHECK(strcmp(s2n_toml_type_name(s2n_toml_get(proj, "n")), "integer") == 0, "type name");
        int b = 0;
        CHECK(s2n_toml_bool(s2n_toml_get(proj, "flag"), &b) == 0 && b == 1, "bool");
        CHECK(s2n_toml_bool(s2n_toml_get(proj, "name"), &b) == -1, "string is not a bool");
        const s2n_toml_node *kw = s2n_toml_get(proj, "keywords");
        CHECK(s2n_toml_len(kw) == 2 && strcmp(s2n_toml_str(s2n_toml_at(kw, 1)), "b") == 0, "array");
        CHECK(s2n_toml_at(kw, 2) == NULL, "array bound");
        CHECK(strcmp(s2n_toml_str(s2n_toml_path(root, "tool.flit.module.name")), "x") == 0, "dotted path");
        CHECK(s2n_toml_path(root, "tool.nope.name") == NULL, "missing path");
        CHECK(s2n_toml_get(NULL, "x") == NULL && s2n_toml_get(kw, "x") == NULL, "get on non-tables");
        const s2n_toml_node *urls = s2n_toml_get(proj, "urls");
        CHECK(s2n_toml_len(urls) == 2 && strcmp(s2n_toml_key_at(urls, 0), "Alpha") == 0 &&
                  strcmp(s2n_toml_str(s2n_toml_at(urls, 1)), "z") == 0,
              "table members by index, sorted");
        char where[32];
        s2n_toml_where(s2n_toml_get(proj, "keywords"), where, sizeof where);
        CHECK(strcmp(where, "3:12") == 0, "position of keywords: %s", where);
        s2n_toml_free(doc);
    }
    unlink(path);

    path = write_temp("[project]\nname = \"x\"\nname = \"y\"\n");
    doc = s2n_toml_parse_file(path, err, sizeof err);
    CHECK(doc == NULL, "duplicate key must fail");
    char want[128];
    snprintf(want, sizeof want, "%s:3:", path);
    CHECK(strncmp(err, want, strlen(want)) == 0, "error names file:line:col: %s", err);
    s2n_toml_free(doc);
    unlink(path);

    doc = s2n_toml_parse_file("/nonexistent/pyproject.toml", err, sizeof err);
    CHECK(doc == NULL && strstr(err, "/nonexistent/pyproject.toml") != NULL, "missing file: %s", err);
}

static void test_zip(const char *out)
{
    s2n_zip *z = s2n_zip_create(out, 1700000000);
    CHECK(z != NULL, "create %s", out);
    if (!z)
        return;
    static char big[300000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)("abcdefgh\n"[i % 9]);
    static unsigned char noise[5000];
    unsigned v = 1;
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (unsigned char)((v = v * 1103515245u + 12345u) >> 16);
    CHECK(s2n_zip_add(z, "pkg/__init__.py", "", 0, 0644) == 0, "empty member");
    CHECK(s2n_zip_add(z, "pkg/big.txt", big, sizeof big, 0644) == 0, "big member");
    CHECK(s2n_zip_add(z, "pkg/noise.bin", noise, sizeof noise, 0644) == 0, "incompressible member");
    CHECK(s2n_zip_add(z, "pkg/tool.sh", "#!/bin/sh\n", 10, 0755) == 0, "executable member");
    CHECK(s2n_zip_add(z, "pkg/gr\xc3\xbc\xc3\x9f" "e.txt", "hi\n", 3, 0644) == 0, "UTF-8 name");
    char err[256] = "";
    CHECK(s2n_zip_close(z, err, sizeof err) == 0, "close: %s", err);

    /* abort leaves nothing */
    char gone[600];
    snprintf(gone, sizeof gone, "%s.aborted", out);
    z = s2n_zip_create(gone, 0);
    CHECK(z != NULL, "create for abort");
    s2n_zip_add(z, "x", "x", 1, 0644);
    s2n_zip_abort(z);
    CHECK(access(gone, F_OK) != 0, "aborted zip removed");
}

int main(int argc, char **argv)
{
    test_toml();
    if (argc > 1)
        test_zip(argv[1]);
    if (failures)
        printf("%d failure(s)\n", failures);
    else
        printf("common: all checks passed\n");
    return failures ? 1 : 0;
}
