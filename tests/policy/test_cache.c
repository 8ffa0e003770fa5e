/* The stage cache: keys, store, restore, invalidation. */
#include "config.h"
#include "core/cache.h"
#include "tests/policy/unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const s2n_plugin fake_desc = {S2N_PLUGIN_HEAD, .type = "fake", .version = "1.0"};

typedef struct fixture {
    char *ws;
    pipeline p;
    plugin pl;
    run r;
    int runs;
} fixture;

static void fx_open(fixture *f, const char *yml)
{
    memset(f, 0, sizeof *f);
    f->ws = temp_dir();
    char *file = path_join(f->ws, "s2nbuild.yml");
    write_text(file, yml);
    char *src = path_join(f->ws, "src");
    mkdir_p(src, 0755);
    free(src);
    char *a = path_join(f->ws, "src/a.py");
    write_text(a, "print('a')\n");
    free(a);
    diag d = {0};
    CU_ASSERT_EQUAL_FATAL(pipeline_load(&f->p, file, &d), 0);
    /* until config.c knows the stage keys inputs: and cache: (see
     * core/POLICY-WIRING.md), those are its only complaints */
    for (size_t i = 0; i < d.n; i++)
        CU_ASSERT_FATAL(strstr(d.msgs[i], "unknown key 'inputs'") != NULL ||
                        strstr(d.msgs[i], "unknown key 'cache'") != NULL);
    diag_free(&d);
    free(file);
    f->pl.type = "fake";
    f->pl.file = path_join(f->ws, "s2n-fake.so");
    write_text(f->pl.file, "not really a plugin");
    f->pl.desc = &fake_desc;
    for (size_t i = 0; i < f->p.nstages; i++) {
        f->p.stages[i].plugin = &f->pl;
        f->p.stages[i].opts = value_copy(f->p.stages[i].with);
    }
}

static void fx_free_run(fixture *f)
{
    run *r = &f->r;
    for (size_t i = 0; i < r->n; i++) {
        stage_run *sr = &r->st[i];
        for (size_t k = 0; k < sr->narts; k++) {
            free(sr->arts[k].path), free(sr->arts[k].name), free(sr->arts[k].kind);
            free(sr->arts[k].sha256);
        }
        free(sr->arts), free(sr->message), free(sr->dir), free(sr->log_path);
        sv_free(&sr->out_keys), sv_free(&sr->out_vals), sv_free(&sr->junit);
    }
    free(r->st), free(r->id), free(r->dir), free(r->state_dir);
    if (r->mask)
        mask_free(r->mask);
    cache_forget(r);
    memset(r, 0, sizeof *r);
}

/* A fresh run over the same pipeline (as a new s2nbuild process would). */
static void fx_new_run(fixture *f)
{
    run *r = &f->r;
    fx_free_run(f);
    r->p = &f->p;
    r->n = f->p.nstages;
    r->st = xcalloc(r->n, sizeof *r->st);
    for (size_t i = 0; i < r->n; i++)
        r->st[i].def = &f->p.stages[i];
    r->mask = mask_new();
    r->state_dir = path_join(f->ws, ".s2nbuild");
    r->id = xasprintf("run%d", ++f->runs);
    r->dir = xasprintf("%s/runs/%s", r->state_dir, r->id);
    mkdir_p(r->dir, 0755);
}

static void fx_close(fixture *f)
{
    for (size_t i = 0; i < f->p.nstages; i++)
        f->p.stages[i].plugin = NULL;
    fx_free_run(f);
    pipeline_free(&f->p);
    free(f->pl.file);
    free(f->ws);
}

/* What the runner would do for a stage that ran: its dir, an artifact in
 * the stage dir and one in the workspace, an output, test counts. */
static void simulate_ok(fixture *f, stage_run *sr, const char *content)
{
    sr->dir = xasprintf("%s/%s", f->r.dir, sr->def->name);
    sr->log_path = xasprintf("%s/%s.log", f->r.dir, sr->def->name);
    mkdir_p(sr->dir, 0755);
    char *dist = path_join(f->ws, "dist");
    mkdir_p(dist, 0755);
    free(dist);
    char *p1 = xasprintf("%s/report.txt", sr->dir);
    char *p2 = xasprintf("%s/dist/%s-1.0.whl", f->ws, sr->def->name);
    write_text(p1, content);
    write_text(p2, content);
    char *paths[2] = {p1, p2};
    sr->arts = xcalloc(2, sizeof *sr->arts);
    for (int i = 0; i < 2; i++) {
        char hex[65];
        uint64_t size;
        sha256_file_hex(paths[i], hex, &size);
        sr->arts[i].path = paths[i];
        sr->arts[i].name = xstrdup(strrchr(paths[i], '/') + 1);
        sr->arts[i].kind = xstrdup("file");
        sr->arts[i].sha256 = xstrdup(hex);
        sr->arts[i].size = size;
    }
    sr->narts = 2;
    sv_push(&sr->out_keys, xstrdup("version"));
    sv_push(&sr->out_vals, xstrdup("1.0"));
    sr->has_tests = 1;
    sr->tests[0] = 7;
    sr->message = xstrdup("built");
    sr->outcome = OUT_OK;
    sr->phase = PH_DONE;
}

static const char PIPE[] = "version: 1\n"
                           "stages:\n"
                           "  - {name: build, type: fake, with: {flavour: '${FLAVOUR:-plain}'}}\n"
                           "  - {name: test, type: fake, needs: [build], inputs: [src], with: {}}\n"
                           "  - {name: deploy, type: fake, cache: false, with: {}}\n";

static void test_store_and_hit(void)
{
    fixture f;
    fx_open(&f, PIPE);
    cache_configure(0, 0);
    unsetenv("FLAVOUR");
    fx_new_run(&f);
    stage_run *b = &f.r.st[0], *t = &f.r.st[1], *dep = &f.r.st[2];
    CU_ASSERT_EQUAL(cache_begin(&f.r, b), 0);
    simulate_ok(&f, b, "wheel bytes v1");
    CU_ASSERT_EQUAL(cache_end(&f.r, b), 0);
    CU_ASSERT_EQUAL(cache_begin(&f.r, t), 0);
    simulate_ok(&f, t, "test report");
    CU_ASSERT_EQUAL(cache_end(&f.r, t), 0);
    CU_ASSERT_EQUAL(cache_begin(&f.r, dep), 0);
    simulate_ok(&f, dep, "deployed");
    cache_end(&f.r, dep);

    /* unchanged: both hit, results restored; cache: false never */
    fx_new_run(&f);
    b = &f.r.st[0], t = &f.r.st[1], dep = &f.r.st[2];
    CU_ASSERT_EQUAL(cache_begin(&f.r, b), 1);
    CU_ASSERT_EQUAL(b->outcome, OUT_CACHED);
    CU_ASSERT_EQUAL(b->phase, PH_DONE);
    CU_ASSERT_EQUAL(b->narts, 2);
    CU_ASSERT_STRING_EQUAL(b->message, "cached from run run1: built");
    CU_ASSERT_EQUAL(b->tests[0], 7);
    CU_ASSERT_STRING_EQUAL(b->out_vals.v[0], "1.0");
    /* the stage-dir artifact now lives in this run's stage dir */
    char *want = xasprintf("%s/runs/run2/build/report.txt", f.r.state_dir);
    CU_ASSERT_STRING_EQUAL(b->arts[0].path, want);
    CU_ASSERT_EQUAL(access(want, F_OK), 0);
    free(want);
    CU_ASSERT_EQUAL(access(b->log_path, F_OK), 0);
    CU_ASSERT_EQUAL(cache_begin(&f.r, t), 1);
    CU_ASSERT_EQUAL(cache_begin(&f.r, dep), 0);

    /* a deleted workspace artifact comes back from the cache */
    char *whl = path_join(f.ws, "dist/build-1.0.whl");
    unlink(whl);
    fx_new_run(&f);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[0]), 1);
    size_t len = 0;
    char *back = read_file(whl, &len);
    CU_ASSERT_STRING_EQUAL(back, "wheel bytes v1");
    free(back);
    free(whl);

    /* a changed input file: test misses, build (no inputs: whole
     * workdir) misses too */
    char *a = path_join(f.ws, "src/a.py");
    write_text(a, "print('changed')\n");
    fx_new_run(&f);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[0]), 0);
    write_text(a, "print('a')\n");
    fx_new_run(&f);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[0]), 1);
    /* a file outside test's inputs leaves test alone */
    char *other = path_join(f.ws, "README.md");
    write_text(other, "readme");
    fx_new_run(&f);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[0]), 0); /* build: whole workdir */
    /* test's key follows build's artifacts: same bytes, so a hit */
    simulate_ok(&f, &f.r.st[0], "wheel bytes v1");
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[1]), 1);
    free(other);
    free(a);

    /* options after interpolation are part of the key */
    setenv("FLAVOUR", "spicy", 1);
    fx_new_run(&f);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[0]), 0);
    unsetenv("FLAVOUR");
    fx_close(&f);
}

static void test_upstream_and_modes(void)
{
    fixture f;
    fx_open(&f, PIPE);
    cache_configure(0, 0);
    fx_new_run(&f);
    simulate_ok(&f, &f.r.st[0], "wheel A");
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[1]), 0);
    simulate_ok(&f, &f.r.st[1], "tested A");
    cache_end(&f.r, &f.r.st[1]);
    /* other upstream bytes: downstream misses */
    fx_new_run(&f);
    simulate_ok(&f, &f.r.st[0], "wheel B");
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[1]), 0);
    /* a failure is not stored */
    f.r.st[1].outcome = OUT_FAILED;
    cache_end(&f.r, &f.r.st[1]);
    fx_new_run(&f);
    simulate_ok(&f, &f.r.st[0], "wheel B");
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[1]), 0);
    cache_end(&f.r, &f.r.st[1]); /* pending key, outcome none: nothing */
    /* --force: runs (miss) but stores; --no-cache: neither */
    fx_new_run(&f);
    simulate_ok(&f, &f.r.st[0], "wheel A");
    cache_configure(0, 1);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[1]), 0);
    cache_configure(1, 0);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[1]), 0);
    cache_configure(0, 0);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[1]), 1);
    /* a published path that vanished (a deleted venv) is a miss */
    fx_new_run(&f);
    stage_run *b = &f.r.st[0];
    CU_ASSERT_EQUAL(cache_begin(&f.r, b), 0);
    simulate_ok(&f, b, "x");
    char *venv = path_join(f.ws, "venv-dir");
    mkdir_p(venv, 0755);
    sv_push(&b->out_keys, xstrdup("venv"));
    sv_push(&b->out_vals, xstrdup(venv));
    cache_end(&f.r, b);
    fx_new_run(&f);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[0]), 1);
    rm_rf(venv);
    fx_new_run(&f);
    CU_ASSERT_EQUAL(cache_begin(&f.r, &f.r.st[0]), 0);
    free(venv);
    fx_close(&f);
}

static void test_secret_outputs_masked(void)
{
    fixture f;
    fx_open(&f, PIPE);
    cache_configure(0, 0);
    fx_new_run(&f);
    mask_add(f.r.mask, "hunter2-secret");
    stage_run *b = &f.r.st[0];
    CU_ASSERT_EQUAL(cache_begin(&f.r, b), 0);
    simulate_ok(&f, b, "x");
    free(b->message);
    b->message = xstrdup("uploaded with hunter2-secret");
    cache_end(&f.r, b);
    char *cmd = xasprintf("grep -r hunter2 '%s/.s2nbuild/cache/stages'", f.ws);
    CU_ASSERT_NOT_EQUAL(sh(f.ws, "%s", cmd), 0);
    free(cmd);
    fx_close(&f);
}

static void test_check(void)
{
    s2n_value *root = yaml("stages:\n"
                           "  - {name: a, cache: maybe, inputs: {fils: [x]}}\n"
                           "  - {name: b, inputs: ['/etc/passwd', 'a[', {x: 1}]}\n"
                           "  - {name: c, inputs: {files: src, env: ['A=B']}}\n"
                           "  - {name: d, inputs: {files: [src, '*.cfg'], env: [PYTHONPATH]}}\n");
    diag d = {0};
    s2n_value *st = value_get(root, "stages");
    for (size_t i = 0; i < st->n; i++) {
        stage_def s = {.node = st->items[i]};
        cache_check_stage(&s, &d);
    }
    CU_ASSERT(diag_has(&d, "t.yml:2:22: cache: expected true or false"));
    CU_ASSERT(diag_has(&d, "t.yml:2:38: unknown key 'fils' in inputs (did you mean 'files'?)"));
    CU_ASSERT(diag_has(&d, "t.yml:3:24: inputs: '/etc/passwd': give paths inside the stage's workdir"));
    CU_ASSERT(diag_has(&d, "inputs: bad pattern 'a['"));
    CU_ASSERT(diag_has(&d, "inputs: expected file globs (strings)"));
    CU_ASSERT(diag_has(&d, "inputs.env: expected variable names"));
    CU_ASSERT_EQUAL(d.nerrors, 6);
    diag_free(&d);
    value_free(root);
}

void add_cache_tests(void)
{
    CU_pSuite s = CU_add_suite("cache", NULL, NULL);
    CU_add_test(s, "store, hit, restore, invalidate", test_store_and_hit);
    CU_add_test(s, "upstream artifacts, failures, --force, --no-cache, vanished paths",
                test_upstream_and_modes);
    CU_add_test(s, "cache entries pass the mask", test_secret_outputs_masked);
    CU_add_test(s, "inputs:/cache: validation", test_check);
}
