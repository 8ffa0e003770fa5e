/* exit7: run() calls exit(7) instead of returning a result, the way a
 * careless plugin (or a library it uses) might.  The runner must tell
 * this apart from a result: "exited (7) without returning". */
#include <s2nbuild/plugin.h>

#include <stdlib.h>

static int exit7_run(s2n_stage *st, const s2n_host *h)
{
    h->log(st, S2N_LOG_INFO, "exit7: calling exit(7)");
    exit(7);
}

static const s2n_plugin exit7_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "exit7",
    .version = "0.0.1",
    .summary = "run() calls exit(7) (runner test)",
    .run = exit7_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &exit7_plugin;
}
