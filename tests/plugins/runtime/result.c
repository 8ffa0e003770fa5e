/* result: run() returns the s2n_result named by its `result` option, so
 * the runner's mapping of each result to record, summary and exit code
 * can be tested one by one. */
#include <s2nbuild/plugin.h>

#include <string.h>

static const char *const result_names[] = {"ok", "failed", "error", "skipped", NULL};

static const s2n_option result_options[] = {
    {.name = "result", .kind = S2N_KIND_STRING, .flags = S2N_OPT_REQUIRED | S2N_OPT_ENUM,
     .help = "the result to return", .choices = result_names},
    {.name = "retryable", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "mark the result as retryable"},
    {.name = NULL},
};

static int result_run(s2n_stage *st, const s2n_host *h)
{
    static const int values[] = {S2N_OK, S2N_FAILED, S2N_ERROR, S2N_SKIPPED};
    const char *want = h->opt_string(st, "result");
    int retryable = 0;
    h->opt_bool(st, "retryable", &retryable);
    for (int i = 0; result_names[i]; i++)
        if (want && strcmp(want, result_names[i]) == 0) {
            h->set_retryable(st, retryable);
            h->set_message(st, "returning %s as asked", want);
            return values[i];
        }
    h->set_message(st, "unknown result %s", want ? want : "(none)");
    return S2N_ERROR;
}

static const s2n_plugin result_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "result",
    .version = "1.2.3",
    .summary = "run() returns the result it is told to (runner test)",
    .options = result_options,
    .run = result_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &result_plugin;
}
