/*
 * Unit test of plugins/common/names.c: PEP 503/427 names and PEP 440
 * normal forms and ordering, with the cases of the PEP and of
 * packaging.version's test suite that matter for file names.
 */
#include "plugins/common/names.h"

#include <stdio.h>
#include <string.h>

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

static void norm(const char *in, const char *want)
{
    char out[128];
    int rc = s2n_version_normalize(in, out, sizeof out);
    if (!want)
        CHECK(rc == -1, "'%s' should be invalid, got '%s'", in, rc == 0 ? out : "");
    else
        CHECK(rc == 0 && strcmp(out, want) == 0, "'%s' -> '%s', want '%s'", in, rc == 0 ? out : "(invalid)", want);
}

static void order(const char *const *v, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK(s2n_version_compare(v[i], v[i + 1]) < 0, "%s < %s", v[i], v[i + 1]);
        CHECK(s2n_version_compare(v[i + 1], v[i]) > 0, "%s > %s", v[i + 1], v[i]);
        CHECK(s2n_version_compare(v[i], v[i]) == 0, "%s == %s", v[i], v[i]);
    }
}

int main(void)
{
    char buf[64];
    CHECK(s2n_name_valid("Flat.Pkg"), "Flat.Pkg valid");
    CHECK(s2n_name_valid("a"), "a valid");
    CHECK(!s2n_name_valid("-a"), "-a invalid");
    CHECK(!s2n_name_valid("a_"), "a_ invalid");
    CHECK(!s2n_name_valid("a b"), "space invalid");
    CHECK(!s2n_name_valid("Zoë"), "non-ASCII invalid");
    CHECK(!s2n_name_valid(""), "empty invalid");
    s2n_name_normalize("Foo__Bar.-baz", buf, sizeof buf);
    CHECK(strcmp(buf, "foo-bar-baz") == 0, "normalize: %s", buf);
    s2n_name_filename("Flat.Pkg", buf, sizeof buf);
    CHECK(strcmp(buf, "flat_pkg") == 0, "filename: %s", buf);
    CHECK(s2n_name_filename("abc-def", NULL, 0) == 8, "length needed");
    s2n_name_normalize("LongName", buf, 5);
    CHECK(strcmp(buf, "long") == 0, "truncation: %s", buf);

    norm("1.0.0-RC1", "1.0.0rc1");
    norm("1.0", "1.0");
    norm("v1.0", "1.0");
    norm(" 1.0 ", "1.0");
    norm("01.002", "1.2");
    norm("1!2.0", "1!2.0");
    norm("0!1.0", "1.0");
    norm("1.0alpha1", "1.0a1");
    norm("1.0.beta.2", "1.0b2");
    norm("1.0c1", "1.0rc1");
    norm("1.0preview3", "1.0rc3");
    norm("1.0a", "1.0a0");
    norm("1.0-1", "1.0.post1");
    norm("1.0.post", "1.0.post0");
    norm("1.0-r4", "1.0.post4");
    norm("1.0rev2", "1.0.post2");
    norm("1.0.dev", "1.0.dev0");
    norm("1.0-dev-7", "1.0.dev7");
    norm("1.0a1.post2.dev3", "1.0a1.post2.dev3");
    norm("1.0+Ubuntu-1", "1.0+ubuntu.1");
    norm("1.0+abc_def.5", "1.0+abc.def.5");
    norm("0.9.0.post2", "0.9.0.post2");
    norm("1.0.x", NULL);
    norm("", NULL);
    norm("1.0+", NULL);
    norm("1.0+a..b", NULL);
    norm("a1.0", NULL);
    norm("1.0-", NULL);
    norm("1.0 beta", NULL);
    norm("1..0", NULL);
    norm("99999999999999999999999.0", NULL); /* overflows 64 bits */

    static const char *const seq[] = {
        "1.0.dev0", "1.0a0.dev1", "1.0a0", "1.0a1", "1.0a2.dev0", "1.0a2", "1.0a2.post1",
        "1.0b1", "1.0rc1", "1.0", "1.0+abc", "1.0+abc.2", "1.0+5", "1.0.post0.dev1", "1.0.post0",
        "1.0.post1", "1.0.1", "1.1.dev0", "1.10", "2!0.1",
    };
    order(seq, sizeof seq / sizeof *seq);
    CHECK(s2n_version_compare("1.0", "1.0.0") == 0, "1.0 == 1.0.0");
    CHECK(s2n_version_compare("1.0-RC1", "1.0rc1") == 0, "spellings compare equal");
    if (failures)
        printf("%d failure(s)\n", failures);
    else
        printf("names: all checks passed\n");
    return failures ? 1 : 0;
}
