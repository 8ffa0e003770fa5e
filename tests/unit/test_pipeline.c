#include "config.h"
#include "tests/unit/unit.h"
#include "core/pipeline.h"

#include <stdlib.h>
#include <string.h>

static int has_msg(const diag *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->msgs[i], needle))
            return 1;
    return 0;
}

static void order_follows_needs(void)
{
    char *f = unit_temp_file("order.yml",
                             "version: 1\nstages:\n"
                             "  - {name: pub, type: t, needs: [build]}\n"
                             "  - {name: test, type: t, needs: [env]}\n"
                             "  - {name: env, type: t}\n"
                             "  - {name: build, type: t, needs: [test, env]}\n");
    pipeline p;
    diag d = {0};
    CU_ASSERT_EQUAL(pipeline_load(&p, f, &d), 0);
    CU_ASSERT_EQUAL(d.nerrors, 0);
    const char *want[] = {"env", "test", "build", "pub"};
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(p.stages[p.order[i]].name, want[i]);
    pipeline_free(&p);
    diag_free(&d);
    free(f);
}

static void cycle_named(void)
{
    char *f = unit_temp_file("cycle.yml", "version: 1\nstages:\n"
                                          "  - {name: a, type: t, needs: [b]}\n"
                                          "  - {name: b, type: t, needs: [a]}\n");
    pipeline p;
    diag d = {0};
    pipeline_load(&p, f, &d);
    CU_ASSERT(has_msg(&d, "dependency cycle: a -> b -> a"));
    pipeline_free(&p);
    diag_free(&d);
    free(f);
}

static void structural_errors(void)
{
    char *f = unit_temp_file("bad.yml", "version: 1\nenv: [x]\nstages:\n"
                                        "  - {name: 'bad name', type: t}\n"
                                        "  - {name: ok, typ: t}\n"
                                        "  - {name: ok2, type: t, needs: [okk]}\n");
    pipeline p;
    diag d = {0};
    pipeline_load(&p, f, &d);
    CU_ASSERT(has_msg(&d, ":2:6: env: expected a mapping"));
    CU_ASSERT(has_msg(&d, "stage name 'bad name'"));
    CU_ASSERT(has_msg(&d, "unknown key 'typ' in a stage (did you mean 'type'?)"));
    CU_ASSERT(has_msg(&d, "no stage named 'okk' (did you mean 'ok'?)"));
    pipeline_free(&p);
    diag_free(&d);
    free(f);
}

static void args_pipeline(void)
{
    char *argv[] = {"a=1", "list=x", "list=y", "pub.branch=gh-pages", "bad"};
    pipeline p;
    diag d = {0};
    pipeline_from_args(&p, "t", 5, argv, &d);
    CU_ASSERT_EQUAL(d.nerrors, 1);
    s2n_value *with = p.stages[0].with;
    CU_ASSERT_STRING_EQUAL(value_get(with, "a")->str, "1");
    CU_ASSERT_EQUAL(value_get(with, "list")->kind, S2N_KIND_LIST);
    CU_ASSERT_EQUAL(value_get(with, "list")->n, 2);
    CU_ASSERT_STRING_EQUAL(value_get(value_get(with, "pub"), "branch")->str, "gh-pages");
    pipeline_free(&p);
    diag_free(&d);
}

void suite_pipeline(void)
{
    CU_pSuite s = CU_add_suite("pipeline", NULL, NULL);
    CU_add_test(s, "order follows needs, file order otherwise", order_follows_needs);
    CU_add_test(s, "cycles are named", cycle_named);
    CU_add_test(s, "structural errors, with suggestions", structural_errors);
    CU_add_test(s, "stage TYPE key=value", args_pipeline);
}
