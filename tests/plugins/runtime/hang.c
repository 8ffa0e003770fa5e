/* hang: run() never returns.  The runner must kill it at the stage's
 * timeout and record "timed out".  With ignore_term=true it also ignores
 * SIGTERM, so only the escalation to SIGKILL after the grace period ends
 * it. */
#include <s2nbuild/plugin.h>

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static const s2n_option hang_options[] = {
    {.name = "ignore_term", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "ignore SIGTERM (forces the runner to use SIGKILL)"},
    {.name = NULL},
};

static int hang_run(s2n_stage *st, const s2n_host *h)
{
    int ignore = 0;
    h->opt_bool(st, "ignore_term", &ignore);
    if (ignore)
        signal(SIGTERM, SIG_IGN);
    h->log(st, S2N_LOG_INFO, "hang: sleeping forever%s", ignore ? " (SIGTERM ignored)" : "");
    fflush(NULL);
    for (;;)
        pause();
    return S2N_OK; /* not reached */
}

static const s2n_plugin hang_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "hang",
    .version = "0.0.1",
    .summary = "run() sleeps forever (runner timeout test)",
    .options = hang_options,
    .run = hang_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &hang_plugin;
}
