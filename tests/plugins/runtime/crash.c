/* crash: run() dies with SIGSEGV after writing a line.  The runner must
 * record "crashed by signal" for the stage and carry on.
 *
 * The default action is restored first: under AddressSanitizer the stage
 * child inherits ASan's SIGSEGV handler, which would exit(1) instead. */
#include <s2nbuild/plugin.h>

#include <signal.h>
#include <stdio.h>

static int crash_run(s2n_stage *st, const s2n_host *h)
{
    h->log(st, S2N_LOG_INFO, "crash: about to die by SIGSEGV");
    fflush(NULL);
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    return S2N_OK; /* not reached */
}

static const s2n_plugin crash_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "crash",
    .version = "0.0.1",
    .summary = "run() crashes with SIGSEGV (runner test)",
    .run = crash_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &crash_plugin;
}
