#include "config.h"
#include "tests/unit/unit.h"
#include "core/schema.h"

#include <stdlib.h>
#include <string.h>

static const char *const modes[] = {"fast", "slow", NULL};
static const s2n_option opts[] = {
    {.name = "path", .kind = S2N_KIND_PATH, .flags = S2N_OPT_REQUIRED, .help = "where"},
    {.name = "jobs", .kind = S2N_KIND_INT, .default_value = "2"},
    {.name = "flag", .kind = S2N_KIND_BOOL, .default_value = "false"},
    {.name = "mode", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM, .choices = modes},
    {.name = "files", .kind = S2N_KIND_LIST},
    {.name = NULL},
};
static const s2n_plugin desc = {S2N_PLUGIN_HEAD, .type = "t", .version = "1", .options = opts};

static void check(const char *yaml, diag *d, stage_def *s, s2n_value **root)
{
    char *err = NULL;
    *root = yaml_load_buffer("s.yml", yaml, strlen(yaml), &err);
    memset(s, 0, sizeof *s);
    s->name = "st";
    s->node = *root;
    s->with = value_get(*root, "with");
    schema_check_stage(s, &desc, d);
}

static int has_msg(const diag *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->msgs[i], needle))
            return 1;
    return 0;
}

static void defaults_and_coercion(void)
{
    diag d = {0};
    stage_def s;
    s2n_value *root;
    check("with: {path: x, files: one}\n", &d, &s, &root);
    CU_ASSERT_EQUAL(d.nerrors, 0);
    CU_ASSERT_STRING_EQUAL(value_get(s.opts, "jobs")->str, "2");
    CU_ASSERT_EQUAL(value_get(s.opts, "files")->kind, S2N_KIND_LIST);
    CU_ASSERT_PTR_NULL(value_get(s.opts, "mode"));
    value_free(s.opts);
    value_free(root);
    diag_free(&d);
}

static void errors(void)
{
    diag d = {0};
    stage_def s;
    s2n_value *root;
    check("with: {jobs: many, flag: maybe, mode: fats, file: [a]}\n", &d, &s, &root);
    CU_ASSERT(has_msg(&d, "option 'path' is required"));
    CU_ASSERT(has_msg(&d, "s.yml:1:14: stage 'st': option 'jobs': expected an integer"));
    CU_ASSERT(has_msg(&d, "option 'flag': expected true or false"));
    CU_ASSERT(has_msg(&d, "'fats' is not one of: fast, slow (did you mean 'fast'?)"));
    CU_ASSERT(has_msg(&d, "unknown option 'file' for type 't' (did you mean 'files'?)"));
    CU_ASSERT_EQUAL(d.nerrors, 5);
    value_free(s.opts);
    value_free(root);
    diag_free(&d);
}

static void table_checks(void)
{
    static const s2n_option badopts[] = {
        {.name = "n", .kind = S2N_KIND_INT, .default_value = "abc"},
        {.name = NULL},
    };
    s2n_plugin bad = {S2N_PLUGIN_HEAD, .type = "b", .version = "1", .options = badopts};
    char *e = schema_check_table(&bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT(strstr(e, "default 'abc': expected an integer") != NULL);
    free(e);
    CU_ASSERT_PTR_NULL(schema_check_table(&desc));
}

static void json_schema(void)
{
    json_t *j = schema_stage_json(&desc);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(json_object_get(j, "required"), 0)), "path");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(json_object_get(json_object_get(j, "properties"), "mode"), "enum")), 2);
    json_decref(j);
}

void suite_schema(void)
{
    CU_pSuite s = CU_add_suite("schema", NULL, NULL);
    CU_add_test(s, "defaults and list coercion", defaults_and_coercion);
    CU_add_test(s, "kind, enum, required, unknown-key errors", errors);
    CU_add_test(s, "a bad default in a table is caught", table_checks);
    CU_add_test(s, "JSON Schema", json_schema);
}
