/* --only / --from / --failed selection, reusing recorded results; and the
 * policy option surface. */
#include "config.h"
#include "core/policy.h"
#include "core/resume.h"
#include "tests/policy/unit.h"

#include <stdlib.h>
#include <string.h>

static const char PIPE[] = "version: 1\n"
                           "stages:\n"
                           "  - {name: env, type: command}\n"
                           "  - {name: test, type: command, needs: [env]}\n"
                           "  - {name: lint, type: command, needs: [env]}\n"
                           "  - {name: build, type: command, needs: [test]}\n"
                           "  - {name: publish, type: command, needs: [build]}\n";

typedef struct fx {
    char *ws, *wheel;
    pipeline p;
    run r;
} fx;

static void fx_open(fx *f)
{
    memset(f, 0, sizeof *f);
    f->ws = temp_dir();
    char *file = path_join(f->ws, "s2nbuild.yml");
    write_text(file, PIPE);
    diag d = {0};
    CU_ASSERT_EQUAL_FATAL(pipeline_load(&f->p, file, &d), 0);
    CU_ASSERT_EQUAL_FATAL(d.nerrors, 0);
    free(file);
    f->r.p = &f->p;
    f->r.n = f->p.nstages;
    f->r.st = xcalloc(f->r.n, sizeof *f->r.st);
    for (size_t i = 0; i < f->r.n; i++)
        f->r.st[i].def = &f->p.stages[i];
    f->r.state_dir = path_join(f->ws, ".s2nbuild");
    f->wheel = path_join(f->ws, "pkg-1.0-py3-none-any.whl");
    write_text(f->wheel, "tested bytes");
}

static void fx_close(fx *f)
{
    for (size_t i = 0; i < f->r.n; i++) {
        stage_run *sr = &f->r.st[i];
        for (size_t k = 0; k < sr->narts; k++) {
            free(sr->arts[k].path), free(sr->arts[k].name), free(sr->arts[k].kind);
            free(sr->arts[k].sha256);
        }
        free(sr->arts), free(sr->message);
        sv_free(&sr->out_keys), sv_free(&sr->out_vals);
    }
    free(f->r.st), free(f->r.state_dir);
    pipeline_free(&f->p);
    free(f->wheel), free(f->ws);
}

/* A record: results given as "env=ok test=failed ..." */
static void record(fx *f, const char *id, const char *started, const char *results)
{
    char *dir = xasprintf("%s/runs/%s", f->r.state_dir, id);
    mkdir_p(dir, 0755);
    char sha[65];
    uint64_t size;
    sha256_file_hex(f->wheel, sha, &size);
    strbuf b = {0};
    sb_printf(&b, "{\"format\":1,\"run_id\":\"%s\",\"started\":\"%s\",\"result\":\"x\",\"stages\":[",
              id, started);
    char *copy = xstrdup(results), *save = NULL;
    int first = 1;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(t, '=');
        *eq = '\0';
        sb_printf(&b, "%s{\"name\":\"%s\",\"result\":\"%s\",\"outputs\":{\"version\":\"1.0\"},"
                      "\"artifacts\":[", first ? "" : ",", t, eq + 1);
        if (strcmp(t, "build") == 0)
            sb_printf(&b, "{\"path\":\"%s\",\"name\":\"pkg.whl\",\"kind\":\"wheel\",\"sha256\":\"%s\","
                          "\"size\":%llu}", f->wheel, sha, (unsigned long long)size);
        sb_puts(&b, "]}");
        first = 0;
    }
    sb_puts(&b, "]}");
    char *p = xasprintf("%s/record.json", dir);
    write_text(p, b.s);
    free(p), free(copy), free(dir);
    sb_free(&b);
}

static stage_run *st(fx *f, const char *name)
{
    return &f->r.st[pipeline_find(&f->p, name)->index];
}

static void reset(fx *f)
{
    for (size_t i = 0; i < f->r.n; i++) {
        stage_run *sr = &f->r.st[i];
        for (size_t k = 0; k < sr->narts; k++) {
            free(sr->arts[k].path), free(sr->arts[k].name), free(sr->arts[k].kind);
            free(sr->arts[k].sha256);
        }
        free(sr->arts), free(sr->message);
        sv_free(&sr->out_keys), sv_free(&sr->out_vals);
        stage_def *d = sr->def;
        memset(sr, 0, sizeof *sr);
        sr->def = d;
    }
}

static void test_only(void)
{
    fx f;
    fx_open(&f);
    strvec only = {0};
    sv_push(&only, xstrdup("publish"));
    resume_opts o = {.only = &only};
    char *err = NULL;
    CU_ASSERT(resume_wanted(&o));
    /* nothing recorded: build cannot be reused */
    CU_ASSERT_EQUAL(resume_select(&f.r, &o, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "is needed but no earlier run has a good result"));
    free(err);
    reset(&f);
    record(&f, "r1", "2026-01-01T00:00:00Z", "env=ok test=ok lint=ok build=ok publish=failed");
    record(&f, "r2", "2026-01-02T00:00:00Z", "env=ok test=failed lint=ok");
    CU_ASSERT_EQUAL(resume_select(&f.r, &o, &err), 0);
    CU_ASSERT(st(&f, "publish")->selected);
    CU_ASSERT_EQUAL(st(&f, "publish")->phase, PH_PENDING);
    /* build and what it needs come from r1 (r2 has no good build/test) */
    CU_ASSERT_EQUAL(st(&f, "build")->outcome, OUT_CACHED);
    CU_ASSERT_STRING_EQUAL(st(&f, "build")->message, "reused from run r1");
    CU_ASSERT_EQUAL(st(&f, "build")->narts, 1);
    CU_ASSERT_STRING_EQUAL(st(&f, "build")->arts[0].path, f.wheel);
    CU_ASSERT_STRING_EQUAL(st(&f, "build")->out_vals.v[0], "1.0");
    CU_ASSERT_STRING_EQUAL(st(&f, "test")->message, "reused from run r1");
    CU_ASSERT_STRING_EQUAL(st(&f, "env")->message, "reused from run r2");
    CU_ASSERT_FALSE(st(&f, "lint")->selected);
    /* the wheel changed since it was tested: refuse */
    reset(&f);
    write_text(f.wheel, "other bytes");
    CU_ASSERT_EQUAL(resume_select(&f.r, &o, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "changed since"));
    free(err);
    /* unknown stage */
    reset(&f);
    sv_free(&only);
    sv_push(&only, xstrdup("pubish"));
    CU_ASSERT_EQUAL(resume_select(&f.r, &o, &err), -1);
    CU_ASSERT_STRING_EQUAL(err, "--only pubish: no such stage (did you mean 'publish'?)");
    free(err);
    sv_free(&only);
    fx_close(&f);
}

static void test_from_and_failed(void)
{
    fx f;
    fx_open(&f);
    record(&f, "r1", "2026-01-01T00:00:00Z", "env=ok test=ok lint=ok build=ok publish=ok");
    resume_opts o = {.from = "test"};
    char *err = NULL;
    CU_ASSERT_EQUAL(resume_select(&f.r, &o, &err), 0);
    CU_ASSERT(st(&f, "test")->selected && st(&f, "build")->selected && st(&f, "publish")->selected);
    CU_ASSERT_EQUAL(st(&f, "test")->phase, PH_PENDING);
    CU_ASSERT_EQUAL(st(&f, "env")->outcome, OUT_CACHED);
    CU_ASSERT_FALSE(st(&f, "lint")->selected);
    reset(&f);
    resume_opts fo = {.failed = 1};
    CU_ASSERT_EQUAL(resume_select(&f.r, &fo, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--failed: nothing failed in the last run (r1)"));
    free(err);
    reset(&f);
    record(&f, "r2", "2026-01-02T00:00:00Z", "env=ok test=ok lint=failed build=ok publish=not-run");
    CU_ASSERT_EQUAL(resume_select(&f.r, &fo, &err), 0);
    CU_ASSERT(st(&f, "lint")->selected && st(&f, "publish")->selected);
    CU_ASSERT_EQUAL(st(&f, "lint")->phase, PH_PENDING);
    CU_ASSERT_EQUAL(st(&f, "publish")->phase, PH_PENDING);
    CU_ASSERT_EQUAL(st(&f, "build")->outcome, OUT_CACHED);
    CU_ASSERT_STRING_EQUAL(st(&f, "build")->message, "reused from run r2");
    /* build's own needs come along (their published values may be used) */
    CU_ASSERT_EQUAL(st(&f, "test")->outcome, OUT_CACHED);
    CU_ASSERT_EQUAL(st(&f, "env")->outcome, OUT_CACHED);
    fx_close(&f);
}

static void test_policy_options(void)
{
    policy_opts o = {0};
    char *err = NULL;
    CU_ASSERT_EQUAL(policy_take_option(&o, "only", "a,b", &err), 1);
    CU_ASSERT_EQUAL(policy_take_option(&o, "only", "c", &err), 1);
    CU_ASSERT_EQUAL(o.only.n, 3);
    CU_ASSERT_EQUAL(policy_take_option(&o, "event", "pullrequest", &err), -1);
    CU_ASSERT_STRING_EQUAL(err, "--event pullrequest: unknown event (did you mean 'pull_request'?)");
    free(err);
    CU_ASSERT_EQUAL(policy_take_option(&o, "jobs", "2", &err), 0);
    CU_ASSERT_EQUAL(policy_take_option(&o, "failed", NULL, &err), 1);
    CU_ASSERT_EQUAL(policy_configure(&o, &err), -1);
    CU_ASSERT_STRING_EQUAL(err, "--only, --from and --failed exclude each other");
    free(err);
    sv_free(&o.only);
    policy_opts none = {0};
    CU_ASSERT_EQUAL(policy_configure(&none, &err), 0);
}

void add_resume_tests(void)
{
    CU_pSuite s = CU_add_suite("resume", NULL, NULL);
    CU_add_test(s, "--only reuses what is needed, hashes checked", test_only);
    CU_add_test(s, "--from and --failed", test_from_and_failed);
    CU_add_test(s, "policy options", test_policy_options);
}

/* policy_schema(): the pipeline schema learns the policy's keys. */
#include "core/schema.h"

static void test_schema(void)
{
    const s2n_plugin *none[1] = {NULL};
    json_t *j = schema_pipeline_json(none, 0);
    policy_schema(j);
    json_t *props = json_object_get(j, "properties");
    json_t *stage = json_object_get(json_object_get(json_object_get(props, "stages"), "items"),
                                    "properties");
    json_t *when = json_object_get(stage, "when");
    CU_ASSERT_PTR_NOT_NULL_FATAL(when);
    CU_ASSERT(json_is_false(json_object_get(when, "additionalProperties")));
    json_t *wp = json_object_get(when, "properties");
    CU_ASSERT_PTR_NOT_NULL(json_object_get(wp, "branch"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(wp, "changes"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(json_object_get(
                               json_array_get(json_object_get(json_object_get(wp, "event"), "anyOf"), 0),
                               "enum"), 1)), "pull_request");
    CU_ASSERT_PTR_NOT_NULL(json_object_get(stage, "inputs"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(stage, "cache"), "type")),
                           "boolean");
    json_t *secret = json_object_get(json_object_get(props, "secrets"), "items");
    json_t *obj = json_array_get(json_object_get(secret, "anyOf"), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
                               json_object_get(json_object_get(obj, "properties"), "file"), "type")),
                           "string");
    json_t *prof = json_object_get(json_object_get(props, "profiles"), "additionalProperties");
    CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(prof, "properties"), "stages"));
    json_decref(j);
}

void add_schema_tests(void)
{
    CU_pSuite s = CU_add_suite("schema", NULL, NULL);
    CU_add_test(s, "pipeline schema knows when:, inputs:, cache:, secrets:, profiles:", test_schema);
}
