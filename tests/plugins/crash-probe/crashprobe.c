/* crash-probe: the entry point itself dies with SIGSEGV.  The loader
 * probes in a child process, so the core must survive and report it.
 *
 * The default action is restored first: under AddressSanitizer the host
 * has its own SIGSEGV handler, which would turn the crash into exit(1). */
#include "../broken.h"

#include <signal.h>

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    return NULL;
}
