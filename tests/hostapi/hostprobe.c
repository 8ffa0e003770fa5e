/*
 * A test plugin that exercises the host table from the plugin's side:
 * options of every kind, secrets registered at run time, outputs and
 * artifacts between stages, test counts, JUnit hand-in, spawn with
 * capture and timeout.  What it does is chosen by the `do` option.
 */
#include <s2nbuild/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const actions[] = {"secret", "publish", "consume", "tests", "spawn", "kinds",
                                      "dir", NULL};

static const s2n_option probe_options[] = {
    {.name = "do", .kind = S2N_KIND_STRING, .flags = S2N_OPT_REQUIRED | S2N_OPT_ENUM, .choices = actions,
     .help = "what to exercise"},
    {.name = "token", .kind = S2N_KIND_SECRET, .help = "a secret option"},
    {.name = "count", .kind = S2N_KIND_INT, .default_value = "3", .help = "an int"},
    {.name = "flag", .kind = S2N_KIND_BOOL, .default_value = "yes", .help = "a bool"},
    {.name = "file", .kind = S2N_KIND_PATH, .default_value = "out.txt", .help = "a path"},
    {.name = "items", .kind = S2N_KIND_LIST, .help = "a list"},
    {.name = "map", .kind = S2N_KIND_MAP, .help = "a map"},
    {.name = "from", .kind = S2N_KIND_STRING, .help = "a stage to read from"},
    {.name = NULL},
};

static int do_secret(s2n_stage *st, const s2n_host *h)
{
    /* registered at run time, then printed in every way a plugin could */
    const char *late = "late-secret-value-42";
    h->add_secret(st, late);
    printf("stdout %s\n", late);
    fflush(stdout);
    h->log(st, S2N_LOG_INFO, "log %s", late);
    const char *tok = h->opt_string(st, "token");
    if (tok)
        printf("token %s\n", tok);
    fflush(stdout);
    const char *argv[] = {"sh", "-c", "echo child $LATE", NULL};
    const char *env[] = {"LATE=late-secret-value-42", NULL};
    s2n_spawn sp = {.struct_size = sizeof sp, .argv = argv, .env = env};
    h->spawn(st, &sp, NULL, NULL);
    h->set_message(st, "message %s", late);
    return S2N_OK;
}

static int do_publish(s2n_stage *st, const s2n_host *h)
{
    FILE *f = fopen(h->opt_string(st, "file"), "w");
    fputs("artifact body\n", f);
    fclose(f);
    if (h->add_artifact(st, h->opt_string(st, "file"), "text") != 0)
        return S2N_ERROR;
    h->set_output(st, "version", "9.8.7");
    return S2N_OK;
}

static int do_consume(s2n_stage *st, const s2n_host *h)
{
    const char *from = h->opt_string(st, "from");
    size_t n = h->artifact_count(st, from);
    for (size_t i = 0; i < n; i++) {
        const s2n_artifact *a = h->artifact_at(st, from, i);
        printf("got %s %s %llu %s\n", a->name, a->kind, (unsigned long long)a->size, a->sha256);
    }
    printf("version %s via needs, %s by name\n", h->get_output(st, NULL, "version"),
           h->get_output(st, from, "version"));
    printf("items %s\n", h->opt_string(st, "file"));
    return n ? S2N_OK : S2N_FAILED;
}

static int do_tests(s2n_stage *st, const s2n_host *h)
{
    char *path = h->str_printf(st, "%s/junit-probe.xml", h->stage_dir(st));
    FILE *f = fopen(path, "w");
    fputs("<?xml version=\"1.0\"?><testsuites><testsuite name=\"probe\" tests=\"2\" failures=\"1\">"
          "<testcase classname=\"probe\" name=\"good\"/><testcase classname=\"probe\" name=\"bad\">"
          "<failure message=\"boom\"/></testcase></testsuite></testsuites>\n", f);
    fclose(f);
    h->add_junit(st, path);
    h->report_tests(st, 1, 1, 0, 0);
    h->set_message(st, "1 of 2 probe tests failed");
    return S2N_FAILED;
}

static int do_spawn(s2n_stage *st, const s2n_host *h)
{
    const char *echo[] = {"sh", "-c", "printf 'captured %s' \"$PWD\"; echo to-stderr >&2", NULL};
    s2n_spawn sp = {.struct_size = sizeof sp, .argv = echo, .flags = S2N_SPAWN_CAPTURE, .cwd = "sub"};
    char *out = NULL;
    size_t len = 0;
    int rc = h->spawn(st, &sp, &out, &len);
    printf("rc=%d len=%zu out=[%s]\n", rc, len, out);
    const char *slow[] = {"sleep", "20", NULL};
    s2n_spawn sl = {.struct_size = sizeof sl, .argv = slow, .timeout = 0.5};
    printf("timeout rc=%d\n", h->spawn(st, &sl, NULL, NULL));
    const char *missing[] = {"no-such-program-s2n", NULL};
    s2n_spawn ms = {.struct_size = sizeof ms, .argv = missing};
    printf("missing rc=%d\n", h->spawn(st, &ms, NULL, NULL));
    return S2N_OK;
}

static int do_kinds(s2n_stage *st, const s2n_host *h)
{
    long long n = 0;
    int b = 0;
    h->opt_int(st, "count", &n);
    h->opt_bool(st, "flag", &b);
    printf("count=%lld flag=%d file=%s\n", n, b, h->opt_string(st, "file"));
    const s2n_value *items = h->option(st, "items");
    for (size_t i = 0; i < h->value_len(items); i++)
        printf("item %s at %s\n", h->value_str(h->value_at(items, i)), h->value_where(h->value_at(items, i)));
    const s2n_value *map = h->option(st, "map");
    for (size_t i = 0; i < h->value_len(map); i++)
        printf("map %s=%s\n", h->value_key_at(map, i), h->value_str(h->value_at(map, i)));
    printf("env PROBE_ENV=%s\n", h->getenv(st, "PROBE_ENV"));
    printf("has spawn member: %d\n", S2N_HAS_MEMBER(h, s2n_host, spawn));
    return S2N_OK;
}

static int probe_run(s2n_stage *st, const s2n_host *h)
{
    const char *what = h->opt_string(st, "do");
    if (strcmp(what, "secret") == 0)
        return do_secret(st, h);
    if (strcmp(what, "publish") == 0)
        return do_publish(st, h);
    if (strcmp(what, "consume") == 0)
        return do_consume(st, h);
    if (strcmp(what, "tests") == 0)
        return do_tests(st, h);
    if (strcmp(what, "spawn") == 0)
        return do_spawn(st, h);
    if (strcmp(what, "dir") == 0) {
        printf("stage_dir %s\nworkspace %s\nstate_dir %s\n", h->stage_dir(st), h->workspace(st),
               h->state_dir(st));
        return access(h->stage_dir(st), W_OK) == 0 ? S2N_OK : S2N_FAILED;
    }
    return do_kinds(st, h);
}

static const s2n_plugin probe_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "hostprobe",
    .version = "0.0.1",
    .summary = "test plugin exercising the host table",
    .options = probe_options,
    .run = probe_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &probe_plugin;
}
