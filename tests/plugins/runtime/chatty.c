/* chatty: run() writes many lines straight to stdout and stderr (not
 * through host->log), far more than a pipe buffer holds, to check that the
 * runner drains both without deadlock and keeps every line in the log. */
#include <s2nbuild/plugin.h>

#include <stdio.h>

static const s2n_option chatty_options[] = {
    {.name = "lines", .kind = S2N_KIND_INT, .default_value = "20000",
     .help = "lines to write to stdout (every tenth also to stderr)"},
    {.name = NULL},
};

static int chatty_run(s2n_stage *st, const s2n_host *h)
{
    long long lines = 0;
    if (h->opt_int(st, "lines", &lines) != 0)
        return S2N_ERROR;
    for (long long i = 1; i <= lines; i++) {
        printf("chatty stdout line %lld of %lld: the quick brown fox\n", i, lines);
        if (i % 10 == 0)
            fprintf(stderr, "chatty stderr line %lld\n", i);
    }
    fflush(NULL);
    h->set_message(st, "wrote %lld lines", lines);
    return S2N_OK;
}

static const s2n_plugin chatty_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "chatty",
    .version = "0.0.1",
    .summary = "run() prints a lot of output (runner test)",
    .options = chatty_options,
    .run = chatty_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &chatty_plugin;
}
