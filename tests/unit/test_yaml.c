#include "config.h"
#include "tests/unit/unit.h"
#include "core/value.h"

#include <stdlib.h>
#include <string.h>

static s2n_value *load(const char *text, char **err)
{
    return yaml_load_buffer("t.yml", text, strlen(text), err);
}

static void positions_kept(void)
{
    char *err = NULL;
    s2n_value *v = load("version: 1\nstages:\n  - name: a\n    type: command\n", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    s2n_value *stages = value_get(v, "stages");
    CU_ASSERT_EQUAL(stages->kind, S2N_KIND_LIST);
    s2n_value *type = value_get(stages->items[0], "type");
    CU_ASSERT_STRING_EQUAL(type->str, "command");
    CU_ASSERT_STRING_EQUAL(value_where(type), "t.yml:4:11");
    value_free(v);
}

static void syntax_error_position(void)
{
    char *err = NULL;
    s2n_value *v = load("a: [1, 2\nb: c\n", &err);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT(strncmp(err, "t.yml:", 6) == 0);
    free(err);
}

static void duplicate_keys_refused(void)
{
    char *err = NULL;
    s2n_value *v = load("a: 1\nb: 2\na: 3\n", &err);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(err, "t.yml:3:1: duplicate key 'a' (first at line 1)");
    free(err);
}

static void alias_bomb_refused(void)
{
    /* each level multiplies by nine: 9^7 nodes if expanded */
    const char *bomb =
        "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
    char *err = NULL;
    s2n_value *v = load(bomb, &err);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
}

static void scalars(void)
{
    char *err = NULL;
    s2n_value *v = load("t: 5m\nb: yes\nq: \"true\"\nn:\ni: -3\n", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    double secs;
    CU_ASSERT_EQUAL(value_to_seconds(value_get(v, "t"), &secs), 0);
    CU_ASSERT_DOUBLE_EQUAL(secs, 300, 0.001);
    int b;
    CU_ASSERT_EQUAL(value_to_bool(value_get(v, "b"), &b), 0);
    CU_ASSERT_EQUAL(b, 1);
    CU_ASSERT_EQUAL(value_get(v, "q")->quoted, 1);
    CU_ASSERT_EQUAL(value_get(v, "n")->kind, S2N_KIND_NULL);
    long long i;
    CU_ASSERT_EQUAL(value_to_int(value_get(v, "i"), &i), 0);
    CU_ASSERT_EQUAL(i, -3);
    CU_ASSERT_NOT_EQUAL(value_to_int(value_get(v, "t"), &i), 0);
    value_free(v);
}

void suite_yaml(void)
{
    CU_pSuite s = CU_add_suite("yaml", NULL, NULL);
    CU_add_test(s, "positions are kept", positions_kept);
    CU_add_test(s, "syntax errors have file:line:col", syntax_error_position);
    CU_add_test(s, "duplicate keys are refused", duplicate_keys_refused);
    CU_add_test(s, "alias bombs are refused", alias_bomb_refused);
    CU_add_test(s, "scalar conversions", scalars);
}
