/* unresolved: calls a function nobody defines.  It is linked WITHOUT
 * -z now (see Makefile.inc), so only the loader's bind-now probe
 * (LD_BIND_NOW / RTLD_NOW) can notice before run() reaches the call. */
#include "../broken.h"

extern int s2n_tests_function_that_does_not_exist(int x);

static int unresolved_run(s2n_stage *st, const s2n_host *h)
{
    (void)h;
    (void)st;
    return s2n_tests_function_that_does_not_exist(1) ? S2N_OK : S2N_FAILED;
}

static const s2n_plugin unresolved_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "unresolved",
    .version = "0.0.1",
    .summary = "references an undefined function",
    .run = unresolved_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &unresolved_plugin;
}
