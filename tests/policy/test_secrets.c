/* secrets: parsing, reading from env and files, masking. */
#include "config.h"
#include "core/secrets.h"
#include "tests/policy/unit.h"

#include <stdlib.h>
#include <string.h>

static void test_parse_errors(void)
{
    s2n_value *v = yaml("secrets:\n"
                        "  - TWINE_PASSWORD\n"
                        "  - {name: GITHUB_TOKEN, fle: /x}\n"
                        "  - {file: /x}\n"
                        "  - not-a-name\n"
                        "  - TWINE_PASSWORD\n"
                        "  - {name: B, file: /x, env: C}\n"
                        "  - {name: D, required: maybe}\n");
    diag d = {0};
    secret_set s;
    secrets_parse(value_get(v, "secrets"), "/w", &s, &d);
    CU_ASSERT(diag_has(&d, "t.yml:3:26: unknown key 'fle' in a secret (did you mean 'file'?)"));
    CU_ASSERT(diag_has(&d, "t.yml:4:5: secret: 'name' is required"));
    CU_ASSERT(diag_has(&d, "t.yml:5:5: secret 'not-a-name': the name must be a variable name"));
    CU_ASSERT(diag_has(&d, "t.yml:6:5: secret TWINE_PASSWORD is declared twice (first at t.yml:2:5)"));
    CU_ASSERT(diag_has(&d, "secret B: give either file: or env:, not both"));
    CU_ASSERT(diag_has(&d, "secret D: required: expected true or false"));
    CU_ASSERT_EQUAL(s.n, 4); /* TWINE_PASSWORD, GITHUB_TOKEN, B, D */
    secret_set_free(&s);
    diag_free(&d);
    value_free(v);
}

static void test_load_and_mask(void)
{
    char *dir = temp_dir();
    char *gh = path_join(dir, "gh-token");
    write_text(gh, "ghp_file_secret_value\n");
    setenv("S2N_T_GH_FILE", gh, 1);
    setenv("TWINE_PASSWORD", "pypi-AgEI s3cret/+=", 1);
    setenv("JENKINS_BINDING", "from-other-var", 1);
    unsetenv("S2N_T_MISSING");
    unsetenv("S2N_T_REQUIRED");
    unsetenv("GITHUB_TOKEN");
    unsetenv("OTHER");
    s2n_value *v = yaml("secrets:\n"
                        "  - TWINE_PASSWORD\n"
                        "  - {name: GITHUB_TOKEN, file: '${S2N_T_GH_FILE}'}\n"
                        "  - {name: OTHER, env: JENKINS_BINDING, credential: other-id}\n"
                        "  - S2N_T_MISSING\n"
                        "  - {name: S2N_T_REQUIRED, required: true}\n"
                        "  - {name: REL, file: rel-token}\n"
                        "  - {name: LOCAL_TOK, file: '${S2N_T_UNBOUND_FILE}'}\n"
                        "  - {name: NONE_TOK, file: '${S2N_T_UNBOUND_FILE}'}\n");
    unsetenv("S2N_T_UNBOUND_FILE");
    setenv("LOCAL_TOK", "local-token-value", 1);
    unsetenv("NONE_TOK");
    char *rel = path_join(dir, "rel-token");
    write_text(rel, "relative-secret");
    free(rel);
    diag d = {0};
    secret_set s;
    secrets_parse(value_get(v, "secrets"), dir, &s, &d);
    CU_ASSERT_EQUAL(d.nerrors, 0);
    CU_ASSERT_STRING_EQUAL(secrets_find(&s, "OTHER")->credential, "other-id");
    mask *m = mask_new();
    size_t n = secrets_load(&s, m, &d);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT(diag_has(&d, "secret NONE_TOK is not available (its file variable $S2N_T_UNBOUND_FILE "
                           "is not set, nor $NONE_TOK)"));
    CU_ASSERT(diag_has(&d, "t.yml:5:5: warning: secret S2N_T_MISSING is not available ($S2N_T_MISSING is not set)"));
    CU_ASSERT(diag_has(&d, "t.yml:6:5: secret S2N_T_REQUIRED is required: $S2N_T_REQUIRED is not set"));
    CU_ASSERT_EQUAL(d.nerrors, 1);
    /* exported for the stages, file newline dropped */
    CU_ASSERT_STRING_EQUAL(getenv("GITHUB_TOKEN"), "ghp_file_secret_value");
    CU_ASSERT_STRING_EQUAL(getenv("OTHER"), "from-other-var");
    CU_ASSERT_STRING_EQUAL(getenv("REL"), "relative-secret");
    const char *text = "pw=pypi-AgEI s3cret/+= b64=cHlwaS1BZ0VJIHMzY3JldC8rPQ== "
                       "url=pypi-AgEI%20s3cret%2F%2B%3D tok=ghp_file_secret_value o=from-other-var";
    char *out = mask_apply(m, text, strlen(text), NULL);
    CU_ASSERT_STRING_EQUAL(out, "pw=*** b64=*** url=*** tok=*** o=***");
    free(out);
    mask_free(m);
    secret_set_free(&s);
    diag_free(&d);
    value_free(v);
    free(gh);
    free(dir);
}

void add_secrets_tests(void)
{
    CU_pSuite s = CU_add_suite("secrets", NULL, NULL);
    CU_add_test(s, "parse errors", test_parse_errors);
    CU_add_test(s, "env, file, other variable; masked forms", test_load_and_mask);
}
